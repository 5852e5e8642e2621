// A bundled app: imports the package by name, as users do.
import { EventSource } from 'wasm-eventsource';

window.collect = (url, count) =>
  new Promise((resolve, reject) => {
    const source = new EventSource(url);
    const seen = [];
    source.onmessage = (event) => {
      seen.push(event.data);
      if (seen.length === count) {
        source.close();
        resolve(seen);
      }
    };
    source.onerror = (event) => {
      if (source.readyState === EventSource.CLOSED) reject(new Error(`failed: ${event.reason}`));
    };
  });
window.ready = true;
