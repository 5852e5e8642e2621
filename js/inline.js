// The modules the package carries inside its JavaScript (pkg/wasm_inline.js and
// pkg/wasm_parser_inline.js, written by the build), turned back into bytes. No asset, URL or
// file system is involved, so every bundler, worker and runtime loads them the same way with
// no configuration. Each text is imported by the one module that uses it (connection.js,
// parse.js), so that a bundle, or each chunk of a split one, carries only what it uses.

/** The bytes of `base64`: decoded, then inflated by the platform's DecompressionStream. */
export async function inflate(base64) {
  if (typeof DecompressionStream !== 'function') {
    throw new Error('this runtime has no DecompressionStream to unpack the module it carries; pass the module to useWasm()');
  }
  const text = atob(base64);
  const deflated = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) deflated[i] = text.charCodeAt(i);
  const inflated = new Response(deflated).body.pipeThrough(new DecompressionStream('deflate'));
  return new Response(inflated).arrayBuffer();
}
