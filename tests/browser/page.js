// Loaded by the browser tests: exposes the package's EventSource beside the native one,
// and `record`, which runs a source until a stop condition and returns what it saw.
import { EventSource } from '/js/index.js';
import { instantiate, loadWasm, preloadWasm, setWasmLoader, useWasm, wasmExports } from '/js/wasm.js';

// The start-up tests (startup.test.mjs) replace the module the package carries, which loads at
// import, before this line runs and before anything is ready: with ?slowWasm=ms by one that
// arrives that late, with ?failWasmAfter=ms by one that fails that late, and with
// ?failFirstWasmLoad by a loader whose first load fails.
const params = new URLSearchParams(location.search);
const wasmFile = () => fetch('/pkg/wasm_eventsource.wasm');
if (params.has('slowWasm')) {
  useWasm(new Promise((resolve) => setTimeout(resolve, Number(params.get('slowWasm')))).then(wasmFile));
}
if (params.has('failWasmAfter')) {
  useWasm(new Promise((resolve, reject) => setTimeout(() => reject(new Error('no module')), Number(params.get('failWasmAfter')))));
}
let wasmLoads = 0;
if (params.has('failFirstWasmLoad')) {
  useWasm(wasmFile());
  setWasmLoader(() => (++wasmLoads === 1 ? Promise.reject(new Error('the first load fails')) : instantiate(wasmFile())));
  preloadWasm();
}
window.wasmLoads = () => wasmLoads;
window.wasmLoaded = () => wasmExports() !== null;

const NativeEventSource = globalThis.EventSource;
window.WasmEventSource = EventSource;
window.NativeEventSource = NativeEventSource;

/** What an event looked like when it fired, as plain data. */
function note(source, event) {
  const seen = { type: event.type, readyState: source.readyState, at: Math.round(performance.now()) };
  if (event instanceof MessageEvent) {
    Object.assign(seen, { data: event.data, lastEventId: event.lastEventId, origin: event.origin });
  }
  for (const key of ['status', 'statusText', 'willRetry', 'retryIn', 'retriesExhausted', 'reason', 'limit']) {
    if (event[key] !== undefined) seen[key] = event[key];
  }
  if (event.headers) seen.headers = Object.fromEntries(event.headers);
  if (event.cause !== undefined) seen.cause = String(event.cause);
  return seen;
}

/**
 * Opens `url` with the native or the package's EventSource and records its events until
 * `messages` messages arrived, `errors` errors fired, the source closed, or `timeout` ms.
 */
window.record = (kind, url, init = {}, stop = {}) =>
  new Promise((resolve) => {
    const { messages = Infinity, errors = Infinity, timeout = 5000, types = [] } = stop;
    const Source = kind === 'native' ? NativeEventSource : EventSource;
    const log = [];
    let source;
    try {
      source = new Source(url, init);
    } catch (error) {
      resolve([{ type: 'throw', name: error.name, message: error.message }]);
      return;
    }
    let messageCount = 0;
    let errorCount = 0;
    // The bodies of failed responses, read from the error handlers as users would.
    const bodies = [];
    const finish = () => {
      clearTimeout(timer);
      source.close();
      Promise.all(bodies).then(() => resolve(log));
    };
    const timer = setTimeout(finish, timeout);
    const onMessage = (event) => {
      log.push(note(source, event));
      if (++messageCount >= messages) finish();
    };
    source.addEventListener('open', (event) => log.push(note(source, event)));
    source.addEventListener('message', onMessage);
    for (const type of types) source.addEventListener(type, onMessage);
    source.addEventListener('error', (event) => {
      const seen = note(source, event);
      log.push(seen);
      if (event.status !== undefined && event.text) bodies.push(event.text().then((body) => (seen.body = body)));
      if (++errorCount >= errors || source.readyState === 2) finish();
    });
  });

/**
 * Opens a source (`kind` 'native' or 'wasm') that records into `window.trail`: each
 * message's data, lastEventId and arrival time, and the open and error events.
 */
window.follow = (kind, url, init = {}) => {
  const Source = kind === 'native' ? NativeEventSource : EventSource;
  const source = new Source(url, init);
  const trail = { source, data: [], ids: [], times: [], events: [] };
  source.addEventListener('open', (event) => trail.events.push(note(source, event)));
  source.addEventListener('error', (event) => trail.events.push(note(source, event)));
  source.addEventListener('message', (event) => {
    trail.data.push(event.data);
    trail.ids.push(event.lastEventId);
    trail.times.push(performance.now());
  });
  window.trail = trail;
  return source.readyState;
};

/** Makes the page look shown or hidden (`visibilityState`, `hidden`) and says so. */
window.setVisibility = (state) => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
};

/** The size of the package's WebAssembly memory, in bytes (it only ever grows). */
window.wasmMemoryBytes = async () => (await loadWasm()).memory.buffer.byteLength;

window.ready = true;
