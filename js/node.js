// The package entry for Node.js (>= 20, which has fetch): the WebAssembly module is read
// from disk when the first EventSource is constructed.
import { readFile } from 'node:fs/promises';
import init from '../pkg/wasm_eventsource.js';
import { setWasmLoader } from './wasm.js';

setWasmLoader(async () =>
  init({ module_or_path: await readFile(new URL('../pkg/wasm_eventsource_bg.wasm', import.meta.url)) }),
);

export * from './api.js';
