// Run from a directory where the packed tarball is installed, under Node, Deno or Bun:
// reads three events with the EventSource class and three with parseEvents, then prints them.
// Both loops leave early, so the process exits only if everything was closed.
import { EventSource, parseEvents } from 'wasm-eventsource';
const [first, second] = process.argv.slice(2);
const fromSource = [];
const source = new EventSource(first);
for await (const event of source) {
  fromSource.push([event.data, event.lastEventId]);
  if (fromSource.length === 3) break;
}
const fromParser = [];
for await (const event of parseEvents(await fetch(second))) {
  fromParser.push([event.data, event.id]);
  if (fromParser.length === 3) break;
}
console.log(JSON.stringify({ fromSource, fromParser, readyState: source.readyState }));
