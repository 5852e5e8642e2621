// The module the package carries inside its JavaScript (pkg/wasm_inline.js, written by the
// build), turned back into bytes. No asset, URL or file system is involved, so every bundler,
// worker and runtime loads it the same way with no configuration.
import { DEFLATED_WASM } from '../pkg/wasm_inline.js';

/** The module's bytes: base64 decoded, then inflated by the platform's DecompressionStream. */
export async function inlineWasm() {
  if (typeof DecompressionStream !== 'function') {
    throw new Error('this runtime has no DecompressionStream to unpack the module it carries; pass the module to useWasm()');
  }
  const text = atob(DEFLATED_WASM);
  const deflated = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) deflated[i] = text.charCodeAt(i);
  const inflated = new Response(deflated).body.pipeThrough(new DecompressionStream('deflate'));
  return new Response(inflated).arrayBuffer();
}
