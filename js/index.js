// The package entry for browsers, workers and bundlers. The WebAssembly module is fetched
// beside this file when the first EventSource is constructed.
import { instantiate, setWasmLoader } from './wasm.js';

setWasmLoader(() => instantiate(fetch(new URL('../pkg/wasm_eventsource.wasm', import.meta.url))));

export * from './api.js';
