// Loads the WebAssembly module once per page, the way the package's modules offer it (see
// setWasmLoader) or useWasm() says. A failed load is not kept: the next source or parser
// tries again.

let loader = () => Promise.reject(new Error('wasm-eventsource: no WebAssembly loader is set'));
/** Whether the loader's module has the connection engine (the whole module), or only the parser. */
let loaderHasEngine = false;
let ready = null;
let exports = null;

/**
 * Sets how the module is loaded: `load` gives its exports. A module without the engine
 * (`engine: false`, the parser alone) never takes the place of one with it; one with it
 * takes the place of a parser-only instance already loaded (a chunk with the class, loaded
 * after one with parseEvents), whose parsers go on with it.
 */
export function setWasmLoader(load, { engine = true } = {}) {
  if (loaderHasEngine && !engine) return;
  if (engine && !loaderHasEngine) exports = null;
  // A load under way with the loader this one replaces gives way (a bundle may run the
  // entry's preload before the module that sets the loader: a chunk split, say).
  if (exports === null) ready = null;
  loader = load;
  loaderHasEngine = engine;
}

/**
 * Whether `value` is a WebAssembly `kind` (Module, Memory) by its tag, not instanceof: one
 * made in another realm is one too (Next.js's Edge runtime compiles a `.wasm?module` import
 * outside the sandbox the route runs in).
 */
const isA = (kind, value) => Object.prototype.toString.call(value) === `[object WebAssembly.${kind}]`;

/**
 * `exports`, when they are those of this package's module: a memory and the parser, and the
 * engine too for the whole module (see binding/src/exports.rs). So a wrong file given to
 * useWasm() (another module, the parser alone given for the whole) fails the load, saying
 * so, instead of a first call into it failing with a TypeError.
 */
function checked(exports, engine) {
  const names = engine ? ['parser_new', 'engine_new'] : ['parser_new'];
  const missing = isA('Memory', exports.memory) ? names.find((name) => typeof exports[name] !== 'function') : 'memory';
  if (missing) throw new Error(`wasm-eventsource: the module is not this version's wasm_eventsource.wasm (it has no export ${missing})`);
  return exports;
}

/**
 * How long a module given to useWasm() may take to arrive and compile before its load fails:
 * a server that accepts the request and never answers would otherwise leave every source
 * waiting with no event. The 22 KB module takes a few seconds on the slowest mobile links.
 */
export const ARRIVAL_TIMEOUT_MS = 30_000;

/**
 * The module's exports, instantiated from `source` (or a promise of it): the module's bytes,
 * a compiled WebAssembly.Module, a URL to fetch (with `signal`), or a fetch() response,
 * compiled as it streams in when served as exactly application/wasm and read whole otherwise.
 * The module imports nothing.
 */
export async function instantiate(source, signal) {
  source = await source;
  if (typeof source === 'string' || (typeof URL === 'function' && source instanceof URL)) source = await fetch(source, { signal });
  if (isA('Module', source)) return (await WebAssembly.instantiate(source)).exports;
  if (typeof Response === 'function' && source instanceof Response) {
    if (!source.ok) throw new Error(`wasm-eventsource: ${source.url || 'the response'} answered ${source.status}`);
    // Engines stream only the exact type: parameters or another case are refused.
    if (WebAssembly.instantiateStreaming && source.headers.get('content-type') === 'application/wasm') {
      return (await WebAssembly.instantiateStreaming(source)).instance.exports;
    }
    source = await source.arrayBuffer();
  }
  return (await WebAssembly.instantiate(source)).instance.exports;
}

/**
 * instantiate(source), failed after `timeout` ms (a URL's request is then aborted): what
 * useWasm() loads with.
 */
export function instantiateInTime(source, timeout = ARRIVAL_TIMEOUT_MS) {
  const controller = new AbortController();
  let timer;
  const late = new Promise((resolve, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`wasm-eventsource: the module did not arrive within ${timeout / 1000} s`);
      controller.abort(error);
      reject(error);
    }, timeout);
  });
  return Promise.race([instantiate(source, controller.signal), late]).finally(() => clearTimeout(timer));
}

/**
 * Loads the module from `source` (see instantiate) instead of the copy the package carries:
 * for pages that host the file themselves. Call it before the first source or parser is
 * made; a whole module already loaded is kept, and a load under way is replaced. A load
 * that takes longer than ARRIVAL_TIMEOUT_MS fails.
 */
export function useWasm(source) {
  const given = Promise.resolve(source);
  // A promise that rejects is reported by the load that awaits it; when none does (a module
  // was loaded already), it must not surface as an unhandled rejection.
  given.catch(() => {});
  setWasmLoader(() => instantiateInTime(given));
}

/** The loader's promise; a loader that throws at once rejects instead (an iife bundle, say). */
function startLoader() {
  try {
    return loader();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Why the module did not load, and what to do about it: what sources and parsers report. */
export function wasmLoadError(cause) {
  return new Error(
    `wasm-eventsource: the WebAssembly module could not be loaded (${cause?.message ?? cause}). ` +
      "Allow 'wasm-unsafe-eval' in script-src where a Content-Security-Policy applies; a module given to useWasm() must be reachable and be this version's wasm_eventsource.wasm.",
    { cause },
  );
}

/** Resolves when the module is ready to use. */
export function loadWasm() {
  if (ready) return ready;
  // A load that useWasm() replaced while it ran gives way to the one that replaced it.
  const engine = loaderHasEngine;
  const attempt = startLoader()
    .then((loaded) => checked(loaded, engine))
    .then(
      (loaded) => {
        if (ready !== attempt) return loadWasm();
        exports = loaded;
        return loaded;
      },
      (error) => {
        if (ready !== attempt) return loadWasm();
        ready = null;
        throw error;
      },
    );
  ready = attempt;
  return attempt;
}

/**
 * Starts loading the module in the background, so that a source made later finds it ready.
 * A failure (offline, a Content-Security-Policy without 'wasm-unsafe-eval', a runtime that
 * refuses I/O at start-up) is dropped here: it is not kept, so the first source or parser
 * tries again and reports it.
 */
export function preloadWasm() {
  // In a microtask: after the importing code's own top level, so that a useWasm() there
  // comes first and the copy the package carries is not compiled for nothing.
  queueMicrotask(() => loadWasm().catch(() => {}));
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
