// Collects the data of the first `count` messages of `url` with the given EventSource class,
// then closes; shared by the Worker and the Vite app checks.
export function collect(EventSource, url, count) {
  return new Promise((resolve, reject) => {
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
}

/** The data of the first `count` events of a fetch of `url`, through `parseEvents`. */
export async function collectParsed(parseEvents, url, count) {
  const seen = [];
  for await (const event of parseEvents(await fetch(url))) {
    seen.push(event.data);
    if (seen.length === count) break;
  }
  return seen;
}
