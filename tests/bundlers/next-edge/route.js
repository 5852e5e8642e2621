// A route handler in Next.js's Edge runtime, added to the Turbopack build of next-app/: it
// reads three events with the EventSource class and three with parseEvents from the stream at
// ?url=, and answers what it read as JSON. The Edge runtime cannot unpack the module the
// package carries (its DecompressionStream is a stand-in that throws, and Vercel's Edge
// compiles no WebAssembly from bytes), so the route imports the file as a compiled
// WebAssembly.Module (`?module`) and gives it to useWasm(). Turbopack does not resolve a
// query on a path through a package's exports, hence the path into node_modules.
import { EventSource, parseEvents, useWasm } from 'wasm-eventsource';
import wasm from '../../../node_modules/wasm-eventsource/pkg/wasm_eventsource.wasm?module';

export const runtime = 'edge';

useWasm(wasm);

/** The data of the first `count` events of `events`. */
async function first(events, count) {
  const seen = [];
  for await (const event of events) {
    seen.push(event.data);
    if (seen.length === count) break;
  }
  return seen;
}

export async function GET(request) {
  const url = new URL(request.url).searchParams.get('url');
  const fromSource = await first(new EventSource(url), 3);
  const fromParser = await first(parseEvents(await fetch(url)), 3);
  return Response.json({ fromSource, fromParser });
}
