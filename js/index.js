// The package's one entry, for browsers, workers, bundlers, Node, Deno and Bun. The
// WebAssembly module travels inside the JavaScript (js/inline.js) and is made ready in the
// background as soon as the package is imported, so that a source made a moment later does
// not wait for it (the first one waits for what is left). useWasm() points elsewhere.
//
// Which module: the class's connection (connection.js) offers the whole module, and
// parseEvents (parse.js) the parser alone, so a bundle carries only what it uses; with both
// in, the whole module is the one loaded.
import { preloadWasm } from './wasm.js';

preloadWasm();

export * from './api.js';
