// The package entry. The wasm module starts loading on import; `ready` settles when it
// can be used.
import init, { SseParser } from '../pkg/wasm_eventsource.js';

const wasmUrl = new URL('../pkg/wasm_eventsource_bg.wasm', import.meta.url);

async function loadWasm() {
  if (wasmUrl.protocol === 'file:') {
    // Node: fetch() cannot read file: URLs, so hand the bytes over directly.
    const { readFile } = await import('node:fs/promises');
    return init({ module_or_path: await readFile(wasmUrl) });
  }
  return init({ module_or_path: wasmUrl });
}

/** Settles once the WebAssembly module is instantiated. */
export const ready = loadWasm();

export { SseParser };
