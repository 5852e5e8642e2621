// The SSE clients the end-to-end benchmarks compare, each opened the way its users open it
// and run until a count of messages arrived.
import { EventSource as WasmEventSource } from '/js/index.js';
import { EventSource as EventSourcePackage } from './peers/eventsource.js';
import { fetchEventSource } from './peers/fetch-event-source.js';

export const CLIENTS = ['native', 'wasm-eventsource', 'wasm-eventsource, platformEvents', 'eventsource', 'fetch-event-source'];

/** Keeps the work observable, so no engine can skip it. */
export let sink = 0;

/**
 * Opens `url` with `kind` and resolves when `count` messages arrived: `ttfe`, the ms from
 * the constructor to the first message, and `seconds` from the first to the last.
 */
export function runClient(kind, url, count) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let first = 0;
    let seen = 0;
    let finish;
    const onMessage = (event) => {
      seen += 1;
      sink += event.data.length;
      if (seen === 1) first = performance.now();
      if (seen === count) finish(performance.now());
    };
    const timer = setTimeout(() => finish(null), 120_000);
    const settle = (end) => {
      clearTimeout(timer);
      if (end === null) reject(new Error(`${kind} timed out`));
      else resolve({ ttfe: first - start, seconds: (end - first) / 1000 });
    };
    if (kind === 'fetch-event-source') {
      const controller = new AbortController();
      finish = (end) => {
        controller.abort();
        settle(end);
      };
      fetchEventSource(url, { onmessage: onMessage, signal: controller.signal, openWhenHidden: true }).catch(() => {});
      return;
    }
    const Source = {
      native: globalThis.EventSource,
      'wasm-eventsource': WasmEventSource,
      'wasm-eventsource, platformEvents': WasmEventSource,
      eventsource: EventSourcePackage,
    }[kind];
    const source = new Source(url, kind.endsWith('platformEvents') ? { platformEvents: true } : undefined);
    finish = (end) => {
      source.close();
      settle(end);
    };
    source.onmessage = onMessage;
  });
}

/**
 * The limit no client can beat: a bare fetch reader that only counts the bytes of the
 * same stream. Resolves like runClient, timing from the first chunk to `bytes` bytes.
 */
export async function runReader(url, bytes) {
  const controller = new AbortController();
  const start = performance.now();
  const response = await fetch(url, { signal: controller.signal, cache: 'no-store' });
  const reader = response.body.getReader();
  let first = 0;
  let got = 0;
  while (got < bytes) {
    const { done, value } = await reader.read();
    if (done) break;
    if (got === 0) first = performance.now();
    got += value.length;
  }
  const end = performance.now();
  controller.abort();
  return { ttfe: first - start, seconds: (end - first) / 1000 };
}
