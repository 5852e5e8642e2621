// Loads the WebAssembly module once per page, the way the platform's entry says. A failed
// load is not kept: the next source or parser tries again.

let loader = () => Promise.reject(new Error('wasm-eventsource: no WebAssembly loader is set'));
let ready = null;
let memory = null;

/** Called once by each entry point with the way that platform loads the wasm module. */
export function setWasmLoader(load) {
  loader = load;
}

/** Resolves when the module is ready to use. */
export function loadWasm() {
  ready ??= loader().then(
    (exports) => {
      memory = exports.memory;
      return exports;
    },
    (error) => {
      ready = null;
      throw error;
    },
  );
  return ready;
}

/** The loaded module's memory, where its batches of tokens are read (null until loaded). */
export const wasmMemory = () => memory;
