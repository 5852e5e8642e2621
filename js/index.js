// The package's one entry, for browsers, workers, bundlers, Node, Deno and Bun. The
// WebAssembly module travels inside the JavaScript (js/inline.js) and is made ready in the
// background as soon as the package is imported, so that a source made a moment later does
// not wait for it (the first one waits for what is left). useWasm() points elsewhere.
import { inlineWasm } from './inline.js';
import { instantiate, preloadWasm, setWasmLoader } from './wasm.js';

setWasmLoader(() => instantiate(inlineWasm()));
preloadWasm();

export * from './api.js';
