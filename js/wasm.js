// Loads the WebAssembly module once per page, the way the platform's entry says. A failed
// load is not kept: the next source or parser tries again.

let loader = () => Promise.reject(new Error('wasm-eventsource: no WebAssembly loader is set'));
let ready = null;
let exports = null;

/** Called once by each entry point with the way that platform loads the wasm module. */
export function setWasmLoader(load) {
  loader = load;
}

/**
 * The module's exports, instantiated from `source` (or a promise of it): the module's bytes,
 * or a fetch() response, compiled as it streams in when served as exactly application/wasm
 * and read whole otherwise. The module imports nothing.
 */
export async function instantiate(source) {
  source = await source;
  if (typeof Response === 'function' && source instanceof Response) {
    if (!source.ok) throw new Error(`wasm-eventsource: ${source.url} answered ${source.status}`);
    // Engines stream only the exact type: parameters or another case are refused.
    if (WebAssembly.instantiateStreaming && source.headers.get('content-type') === 'application/wasm') {
      return (await WebAssembly.instantiateStreaming(source)).instance.exports;
    }
    source = await source.arrayBuffer();
  }
  return (await WebAssembly.instantiate(source)).instance.exports;
}

/** Resolves when the module is ready to use. */
export function loadWasm() {
  ready ??= loader().then(
    (loaded) => (exports = loaded),
    (error) => {
      ready = null;
      throw error;
    },
  );
  return ready;
}

/**
 * Starts loading the module in the background, so that a source made later finds it ready.
 * A failure (offline, a Content-Security-Policy without 'wasm-unsafe-eval', a runtime that
 * refuses I/O at start-up) is dropped here: it is not kept, so the first source or parser
 * tries again and reports it.
 */
export function preloadWasm() {
  try {
    loadWasm().catch(() => {});
  } catch {
    // The loader threw at once; the first source tries again.
  }
}

/** The loaded module's exports (binding/src/exports.rs), null until it is loaded. */
export const wasmExports = () => exports;

/**
 * Drops `failed`, a module instance that trapped (its state is lost: a trap can leave it
 * half-way through a call), so that the next load makes a fresh instance. An instance
 * already dropped is left alone.
 */
export function dropInstance(failed) {
  if (failed !== exports) return;
  exports = null;
  ready = null;
}
