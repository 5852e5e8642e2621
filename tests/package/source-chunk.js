// The split page's second chunk (see split.js): the EventSource class.
import { EventSource } from 'wasm-eventsource';

export async function collectSource(url, count) {
  const seen = [];
  for await (const event of new EventSource(url)) {
    seen.push(event.data);
    if (seen.length === count) break;
  }
  return seen;
}
