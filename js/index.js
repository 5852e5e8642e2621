// The package entry for browsers, workers and bundlers. The WebAssembly module is fetched
// beside this file when the first EventSource is constructed.
import init from '../pkg/wasm_eventsource.js';
import { setWasmLoader } from './wasm.js';

setWasmLoader(() => init({ module_or_path: new URL('../pkg/wasm_eventsource_bg.wasm', import.meta.url) }));

export * from './api.js';
