// The modules the package carries inside its JavaScript (pkg/wasm_inline.js and
// pkg/wasm_parser_inline.js, written by the build), turned back into bytes. No asset, URL or
// file system is involved, so every bundler, worker and runtime loads them the same way with
// no configuration. Each is reached through its own export, so that a bundle leaves out the
// one it does not use.
import { DEFLATED_PARSER_WASM } from '../pkg/wasm_parser_inline.js';
import { DEFLATED_WASM } from '../pkg/wasm_inline.js';

/** The bytes of `base64`: decoded, then inflated by the platform's DecompressionStream. */
async function inflate(base64) {
  if (typeof DecompressionStream !== 'function') {
    throw new Error('this runtime has no DecompressionStream to unpack the module it carries; pass the module to useWasm()');
  }
  const text = atob(base64);
  const deflated = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) deflated[i] = text.charCodeAt(i);
  const inflated = new Response(deflated).body.pipeThrough(new DecompressionStream('deflate'));
  return new Response(inflated).arrayBuffer();
}

/** The whole module: the connection engine and the parser. */
export const wholeModule = () => inflate(DEFLATED_WASM);

/** The module cut down to the parser, for pages with parseEvents and not the class. */
export const parserModule = () => inflate(DEFLATED_PARSER_WASM);
