// Typed usage of the public API; compiled with `tsc --noEmit --strict`. The lines marked
// as expected errors at the end must stay errors, so loosened types fail this check too.
import {
  EventSource,
  EventSourceError,
  EventStreamParser,
  EventTooLargeError,
  parseEvents,
  useWasm,
  type ParsedEvent,
  EventSourceErrorEvent,
  type EventSourceInit,
  EventSourceOpenEvent,
} from 'wasm-eventsource';

const init: EventSourceInit = {
  withCredentials: true,
  headers: async () => ({ Authorization: `Bearer ${await Promise.resolve('token')}` }),
  method: 'POST',
  body: JSON.stringify({ prompt: 'hi' }),
  params: { model: 'small' },
  retry: { initialDelay: 500, maxDelay: 10_000, factor: 2, jitter: 1, maxRetries: 5, retryOnStatus: [502, 503] },
  stallTimeout: 30_000,
  maxEventSize: 1 << 20,
  maxQueuedEvents: 500,
  signal: new AbortController().signal,
  fetch: (input, options) => fetch(input, options),
  onComment: (text) => console.debug(text.length),
  lastEventId: '41',
  share: 'prices',
  pauseWhenHidden: true,
  platformEvents: true,
  reconnect: true,
};
new EventSource('/feed', { share: true });

const source = new EventSource<'tick' | 'done'>('/stream', init);
const state: 0 | 1 | 2 = source.readyState;
const closed: 2 = EventSource.CLOSED;
source.onopen = (event) => {
  const status: number = event.status;
  const headers: Headers = event.headers;
  void [status, headers];
};
source.onmessage = (event) => {
  const data: string = event.data;
  const id: string = event.lastEventId;
  void [data, id];
};
source.onerror = (event: EventSourceErrorEvent) => {
  if (event.willRetry) console.debug(event.retryIn ?? 0);
  const body: Promise<string> = event.text();
  void [event.status, event.reason, body];
};
source.addEventListener('tick', (event) => {
  const data: string = event.data;
  void data;
});
source.addEventListener('open', (event: EventSourceOpenEvent) => void event.status);
source.addEventListener('anything', (event) => void event.data);

async function iterate(): Promise<string[]> {
  const seen: string[] = [];
  try {
    for await (const event of source) seen.push(event.data);
  } catch (error) {
    if (error instanceof EventSourceError) seen.push(String(error.status), await error.text());
  }
  return seen;
}

async function parse(response: Response): Promise<string[]> {
  const seen: string[] = [];
  const options = {
    maxEventSize: 1 << 16,
    onRetry: (ms: number) => console.debug(ms),
    onComment: (text: string) => console.debug(text),
    onError: (error: EventTooLargeError) => console.debug(error.limit),
  };
  for await (const event of parseEvents(response, options)) seen.push(event.type, event.data, event.id);
  for await (const event of parseEvents(['data: a\n\n', new Uint8Array()])) seen.push(event.data);
  const stream: ReadableStream<ParsedEvent> = response.body!.pipeThrough(new EventStreamParser());
  const text = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventStreamParser({ maxEventSize: 10 }));
  void [stream, text];
  return seen;
}

// @ts-expect-error parsed events have no lastEventId (the id is `id`)
void ((event: ParsedEvent) => event.lastEventId);
// @ts-expect-error onRetry takes milliseconds as a number
new EventStreamParser({ onRetry: (ms: string) => ms });
// @ts-expect-error a number is no chunk
parseEvents([42]);

// @ts-expect-error the body is read with text(), not a property
void ((event: EventSourceErrorEvent) => event.body);

const opened = new EventSourceOpenEvent(200, 'OK', new Headers());
const failed = new EventSourceErrorEvent({ reason: 'status', status: 500, body: 'x' });
const thrown = new EventSourceError(failed);
async function iterateByHand(): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (!first.done) console.debug(first.value.data);
  const ended: IteratorReturnResult<undefined> = await iterator.return();
  void ended;
}
void [opened.status, thrown.text(), iterateByHand];

// @ts-expect-error the constants are read-only
EventSource.OPEN = 3;
// @ts-expect-error the open event needs its status, text and headers
new EventSourceOpenEvent();

// @ts-expect-error readyState is read-only
source.readyState = 1;
// @ts-expect-error the retry factor is a number
new EventSource('/x', { retry: { factor: '2' } });
// @ts-expect-error a header function must return headers
new EventSource('/x', { headers: () => 42 });
// @ts-expect-error share is true or a stream's name
new EventSource('/x', { share: 1 });
// @ts-expect-error the url is required
new EventSource();

void [state, closed, iterate, parse];

useWasm(new URL('/static/wasm_eventsource.wasm', 'https://example.com'));
useWasm(new WebAssembly.Module(new Uint8Array(8)));
