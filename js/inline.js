// The modules the package carries inside its JavaScript (pkg/wasm_inline.js and
// pkg/wasm_parser_inline.js, written by the build), turned back into bytes. No asset, URL or
// file system is involved, so every bundler, worker and runtime loads them the same way with
// no configuration. Each text is imported by the one module that uses it (connection.js,
// parse.js), so that a bundle, or each chunk of a split one, carries only what it uses.

/**
 * A DecompressionStream for deflate, or an error saying what to do instead where the runtime
 * has none (Safari before 16.4) or one that throws (Next.js's Edge runtime stands one in that
 * throws when called).
 */
function inflater() {
  try {
    return new DecompressionStream('deflate');
  } catch (cause) {
    throw new Error(
      "wasm-eventsource: this runtime has no DecompressionStream to unpack the module the package carries; give useWasm() the package's wasm_eventsource.wasm instead (it exports it as wasm-eventsource/wasm_eventsource.wasm)",
      { cause },
    );
  }
}

/** The bytes of `base64`: decoded, then inflated by the platform's DecompressionStream. */
export async function inflate(base64) {
  const decompression = inflater();
  const text = atob(base64);
  const deflated = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) deflated[i] = text.charCodeAt(i);
  const inflated = new Response(deflated).body.pipeThrough(decompression);
  return new Response(inflated).arrayBuffer();
}
