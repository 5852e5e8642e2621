// The package entry for Node.js (>= 20, which has fetch): the WebAssembly module is read
// from disk when the first EventSource is constructed.
import { readFile } from 'node:fs/promises';
import { instantiate, setWasmLoader } from './wasm.js';

setWasmLoader(() => instantiate(readFile(new URL('../pkg/wasm_eventsource.wasm', import.meta.url))));

export * from './api.js';
