// The package entry for browsers, workers and bundlers. The WebAssembly module, beside this
// file, is fetched in the background as soon as the package is imported, so that a source
// made a moment later does not wait for it (the first one waits for what is left).
import { instantiate, preloadWasm, setWasmLoader } from './wasm.js';

setWasmLoader(() => instantiate(fetch(new URL('../pkg/wasm_eventsource.wasm', import.meta.url))));
preloadWasm();

export * from './api.js';
