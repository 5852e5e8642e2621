// The package's types in a Node-only project: `lib: ES2022` and @types/node, no DOM. Every
// event is typed (no implicit any), and a type error is still an error.
import { EventSource, EventSourceError, parseEvents, type ParsedEvent } from 'wasm-eventsource';

const source = new EventSource('http://127.0.0.1:8080/stream', {
  headers: { authorization: 'Bearer token' },
  body: JSON.stringify({ prompt: 'hi' }),
  reconnect: false,
  signal: AbortSignal.timeout(60_000),
});
source.onmessage = (event) => {
  const data: string = event.data;
  const id: string = event.lastEventId;
  void [data, id];
};
source.onerror = (event) => {
  const reason: string | undefined = event.reason;
  void reason;
};
source.addEventListener('open', (event) => {
  const status: number = event.status;
  void status;
});

async function main(): Promise<void> {
  try {
    for await (const event of source) console.log(event.data.length);
  } catch (error) {
    if (error instanceof EventSourceError) console.log(error.status, await error.text());
  }
  const response = await fetch('http://127.0.0.1:8080/chat', { method: 'POST' });
  for await (const event of parseEvents(response, { onRetry: (ms) => console.log(ms + 1) })) {
    const parsed: ParsedEvent = event;
    console.log(parsed.type, parsed.data.length, parsed.id);
  }
}
void main();

// @ts-expect-error: data is a string
const wrong: number = (null as unknown as ParsedEvent).data;
void wrong;

source.addEventListener('message', (event) => {
  // @ts-expect-error: a message's data is a string, not any
  const notANumber: number = event.data;
  void notANumber;
});
