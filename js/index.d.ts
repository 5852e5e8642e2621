// Types for wasm-eventsource: a drop-in EventSource over fetch().

/**
 * How reconnects are paced. Delays are in milliseconds. After a stream that opened, the
 * reconnect waits exactly the reconnection time (the server's `retry:`, else `initialDelay`);
 * after attempts that failed before opening, the wait grows by `factor` up to `maxDelay`,
 * and jitter adds to it. Backoff and jitter never shorten the reconnection time.
 */
export interface RetryOptions {
  /** The reconnection time until the server sends `retry:` (default 3000). No reconnect comes sooner than 100 ms. */
  initialDelay?: number;
  /** The most the backoff after failed attempts grows to, >= initialDelay (default 60000). Never shortens the server's `retry:`. */
  maxDelay?: number;
  /** Growth per consecutive failed attempt, >= 1 (default 2). */
  factor?: number;
  /** Largest share of a backoff wait that randomness may add, 0..1 (default 0.5). */
  jitter?: number;
  /** Failed reconnects in a row before giving up (default Infinity, like the native one). */
  maxRetries?: number;
  /** Statuses that reconnect (honouring Retry-After) instead of failing, e.g. [502, 503]. */
  retryOnStatus?: readonly number[];
}

/** Request headers: fixed, or computed before every (re)connect (e.g. a fresh token). */
/** Headers as the Headers constructor takes them (the DOM's HeadersInit, spelled out for Node-only projects). */
export type HeadersLike = Headers | Record<string, string> | [string, string][];

export type HeadersSource = HeadersLike | (() => HeadersLike | undefined | Promise<HeadersLike | undefined>);

/**
 * A message event of a source: a MessageEvent whose data is text. Written with the
 * MessageEvent of whichever library the project has (the DOM's, or Node's), so that it
 * compiles, and is typed, in both.
 */
export type SseMessageEvent = Omit<MessageEvent, 'data'> & { readonly data: string };

/** addEventListener's options (the DOM's ListenerOptions, spelled out for Node-only projects). */
export interface ListenerOptions {
  capture?: boolean;
  once?: boolean;
  passive?: boolean;
  signal?: AbortSignal;
}

/** A listener as EventTarget takes one (the DOM's AnyListener). */
export type AnyListener = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };

/** Bodies that can be sent again on every reconnect. (A ReadableStream from a body function is read to its end and sent as bytes.) */
export type ResendableBody = string | Blob | ArrayBuffer | ArrayBufferView | URLSearchParams | FormData;

/** A request body, or a function returning one before every (re)connect. */
export type BodySource =
  | ResendableBody
  | (() => ResendableBody | ReadableStream<Uint8Array> | undefined | Promise<ResendableBody | undefined>);

export interface EventSourceInit {
  /** Send cookies and credentials cross-origin (native option). */
  withCredentials?: boolean;
  /** Extra request headers. `Accept` defaults to text/event-stream; `Last-Event-ID` is set on reconnect. */
  headers?: HeadersSource;
  /** The HTTP method; `POST` when a body is given, else `GET`. */
  method?: string;
  /** The request body, sent on every (re)connect. */
  body?: BodySource;
  /**
   * Query parameters added to the URL, form-encoded; they replace ones of the same name, and
   * the URL's other parameters keep their bytes as written.
   */
  params?: Record<string, string> | URLSearchParams | ReadonlyArray<readonly [string, string]>;
  /** Reconnect pacing. */
  retry?: RetryOptions;
  /**
   * `false` makes one request (a POSTed chat prompt, say): when the server ends the stream
   * the source closes (an `error` with reason `ended` and `willRetry: false`) and `for await`
   * loops end as done; a failure ends them with an EventSourceError. No reconnect ever sends
   * the request again. `true` (the default) reconnects as the spec says.
   */
  reconnect?: boolean;
  /** Reconnect when no byte arrived for this many milliseconds (off by default). */
  stallTimeout?: number;
  /**
   * Largest event, in bytes (default 16 MiB; Infinity for no bound); a larger one fires
   * `error` (reason `event-too-large`) and is skipped, and the stream goes on.
   */
  maxEventSize?: number;
  /** How much of a failed response's body the error event's text() reads (default 65536 bytes). */
  maxErrorBodySize?: number;
  /**
   * How many events a `for await` loop may fall behind (default 1000; Infinity for no bound).
   * Past that the source stops reading the body until the loop is halfway caught up, so TCP
   * flow control slows the server instead of memory growing. Listeners see the same pacing.
   */
  maxQueuedEvents?: number;
  /** The last event ID to resume from on the first request. */
  lastEventId?: string;
  /**
   * Send the last event ID as this query parameter instead of the `Last-Event-ID` header.
   * A cross-origin request with that header needs a CORS preflight the server must allow
   * (`Access-Control-Allow-Headers: Last-Event-ID`); the native client's needs none. The id
   * replaces any parameter of that name and is appended form-encoded; the URL's other
   * parameters are sent as written.
   */
  lastEventIdParam?: string;
  /**
   * Share one connection among the pages (tabs, frames, workers) of this origin that open
   * the same stream: `true` shares only between sources that send the same request (method,
   * URL, headers, body, credentials, `lastEventIdParam`, and the options that change what is
   * delivered), and a `headers`, `body` or `fetch` function then needs a string name, which
   * states that those sources are interchangeable. A string names the stream. One page
   * holds a Web Lock and runs the connection with its own options; the others get the same
   * events, readyState and lastEventId over a BroadcastChannel. When that page goes, the
   * next one takes over and resumes from the last event id, skipping events repeated.
   * close() detaches only this page. Where Web Locks or BroadcastChannel are missing, the
   * source connects by itself.
   */
  share?: boolean | string;
  /**
   * Close the stream while the page is hidden (with `share`, while every page of the stream
   * is) and reconnect, from the last event id, once it is shown: an `error` event with reason
   * `hidden` marks the pause. Off by default.
   */
  pauseWhenHidden?: boolean;
  /**
   * Dispatch as the platform does, at a measured cost in speed (see the README): message
   * events are the platform's own MessageEvents (its accessors and `dispatchEvent` accept
   * them), listeners are the platform's (`EventTarget.prototype.addEventListener.call` works),
   * and each event is dispatched in a task of its own (microtasks a listener queues run
   * before the next event). Off by default.
   */
  platformEvents?: boolean;
  /** Aborting it closes the source. */
  signal?: AbortSignal;
  /**
   * A replacement for the global fetch (for instrumentation, or headers of your own). Its
   * `init.headers` is a plain object of lowercase names (Last-Event-ID and Accept among
   * them), so `{ ...init, headers: { ...init.headers, authorization } }` keeps them all.
   */
  fetch?: (input: string, init: RequestInit & { headers: Record<string, string> }) => Promise<Response>;
  /** Called with each comment line (heartbeats); a `comment` event fires too. */
  onComment?: (text: string) => void;
}

/**
 * Why an error event fired. `offline`: the device lost the network (no retry is spent; the
 * source reconnects when it is back); `hidden`: paused by `pauseWhenHidden`. Skipped events,
 * after which the stream goes on: `event-too-large`, `id-too-large` (over 4096 bytes),
 * `out-of-memory` (the WebAssembly module could not have the memory). `request`: fetch()
 * refuses the request (a GET with a body, say), or a custom fetch gave no Response: the source
 * fails for good. `wasm-trap`: the WebAssembly module failed; every source of the page
 * reconnects on a fresh instance from its last event id. `wasm-load`: the WebAssembly module
 * could not be loaded (not served where js/ expects it, or a Content-Security-Policy without
 * 'wasm-unsafe-eval'): the source fails for good, and the cause says what to do.
 */
export type ErrorReason =
  | 'status'
  | 'content-type'
  | 'network'
  | 'stalled'
  | 'ended'
  | 'event-too-large'
  | 'id-too-large'
  | 'out-of-memory'
  | 'request'
  | 'wasm-trap'
  | 'wasm-load'
  | 'offline'
  | 'hidden';

/** The `open` event: the response's status and headers. */
export declare class EventSourceOpenEvent extends Event {
  constructor(status: number, statusText: string, headers: Headers);
  readonly type: 'open';
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
}

/** What an EventSourceErrorEvent is made from; every field is optional. */
export interface EventSourceErrorInit {
  reason?: ErrorReason;
  status?: number;
  statusText?: string;
  headers?: Headers;
  /** What text() resolves to. */
  body?: string;
  willRetry?: boolean;
  retryIn?: number;
  retriesExhausted?: boolean;
  limit?: number;
  cause?: unknown;
}

/** The `error` event, with what the native one hides. */
export declare class EventSourceErrorEvent extends Event {
  constructor(init?: EventSourceErrorInit);
  readonly type: 'error';
  readonly reason: ErrorReason | undefined;
  /** The failed response's status, when a response arrived. */
  readonly status: number | undefined;
  readonly statusText: string | undefined;
  readonly headers: Headers | undefined;
  /**
   * The start of the failed response's body (up to maxErrorBodySize bytes) as text; '' when
   * no response failed. The error fires at the headers and the body is read only when this
   * is called: call it from the handler (an unread body is let go at the next reconnect and
   * at close()). A read ends at the size limit, the end of the body, or the stall timeout.
   */
  text(): Promise<string>;
  /** Whether a reconnect is scheduled. */
  readonly willRetry: boolean;
  /** Milliseconds until that reconnect. */
  readonly retryIn: number | undefined;
  /** The source gave up because `retry.maxRetries` ran out. */
  readonly retriesExhausted: boolean;
  /** For `event-too-large`: the configured maxEventSize. */
  readonly limit: number | undefined;
  /** The underlying error (e.g. fetch's TypeError), if any. */
  readonly cause: unknown;
}

/** Thrown by a `for await` loop when the source fails for good. */
export declare class EventSourceError extends Error {
  constructor(event: EventSourceErrorEvent);
  readonly name: 'EventSourceError';
  readonly event: EventSourceErrorEvent;
  readonly status: number | undefined;
  readonly reason: ErrorReason | undefined;
  /** The failed response's body, as the event's text() gives it. */
  text(): Promise<string>;
}

/** The events of an EventSource; `Named` lists the custom event types you listen for. */
export type EventSourceEventMap<Named extends string = never> = {
  open: EventSourceOpenEvent;
  message: SseMessageEvent;
  error: EventSourceErrorEvent;
  comment: SseMessageEvent;
} & { [K in Named]: SseMessageEvent };

/**
 * What a handler's `this` is typed as: the members every EventSource has, ours and the
 * DOM's, so that an instance stays assignable to the DOM's EventSource type.
 */
export interface EventSourceLike extends EventTarget {
  readonly url: string;
  readonly withCredentials: boolean;
  readonly readyState: number;
  close(): void;
}

/** An event handler attribute's function, as set (typed for its event) and as read. */
type EventHandler<E> = (this: EventSourceLike, event: E) => unknown;

/**
 * A drop-in replacement for the browser's EventSource, over fetch().
 * `Named` optionally lists custom event types so their listeners are typed.
 */
export declare class EventSource<Named extends string = never> extends EventTarget {
  constructor(url: string | URL, init?: EventSourceInit);

  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSED: 2;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSED: 2;

  /** The resolved URL. */
  readonly url: string;
  readonly withCredentials: boolean;
  /** 0 CONNECTING, 1 OPEN, 2 CLOSED. */
  readonly readyState: 0 | 1 | 2;

  // Each handler is set with its event's type and reads back as taking an Event, as the
  // DOM's do, so that an instance is assignable to the DOM's EventSource type.
  get onopen(): EventHandler<Event> | null;
  set onopen(handler: EventHandler<EventSourceOpenEvent> | null);
  get onmessage(): EventHandler<MessageEvent> | null;
  set onmessage(handler: EventHandler<SseMessageEvent> | null);
  get onerror(): EventHandler<Event> | null;
  set onerror(handler: EventHandler<EventSourceErrorEvent> | null);

  /** Closes for good: aborts the request, cancels any reconnect, fires nothing. */
  close(): void;

  addEventListener<K extends keyof EventSourceEventMap<Named>>(
    type: K,
    listener: (this: EventSource<Named>, event: EventSourceEventMap<Named>[K]) => unknown,
    options?: boolean | ListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: (this: EventSource<Named>, event: SseMessageEvent) => unknown,
    options?: boolean | ListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: AnyListener | null,
    options?: boolean | ListenerOptions,
  ): void;
  removeEventListener<K extends keyof EventSourceEventMap<Named>>(
    type: K,
    listener: (this: EventSource<Named>, event: EventSourceEventMap<Named>[K]) => unknown,
    options?: boolean | { capture?: boolean },
  ): void;
  removeEventListener(
    type: string,
    listener: (this: EventSource<Named>, event: SseMessageEvent) => unknown,
    options?: boolean | { capture?: boolean },
  ): void;
  removeEventListener(
    type: string,
    listener: AnyListener | null,
    options?: boolean | { capture?: boolean },
  ): void;

  /**
   * Iterates the message events of every type, in order, from the iterator's first next().
   * close() ends every loop at once (events not yet taken are dropped); an abort of the
   * `signal` does too, and the loops throw its reason (an AbortError), as fetch does; a
   * failure ends them after their queued events, with an EventSourceError. Leaving a loop
   * early closes the source unless another loop is still iterating it.
   */
  [Symbol.asyncIterator](): EventSourceIterator;
}

/** The iterator of an EventSource's message events. */
export interface EventSourceIterator extends AsyncIterator<SseMessageEvent, undefined> {
  next(): Promise<IteratorResult<SseMessageEvent, undefined>>;
  /** Stops this iterator; closes the source when no other loop is iterating it. */
  return(): Promise<IteratorReturnResult<undefined>>;
  [Symbol.asyncIterator](): EventSourceIterator;
}

/** An event as the bare parser reports it. */
export interface ParsedEvent {
  /** The `event:` field, or `'message'`. */
  type: string;
  /** The `data:` lines joined with LF. */
  data: string;
  /** The last event ID when the event was dispatched (it carries over, as in `lastEventId`). */
  id: string;
}

/** Options of EventStreamParser and parseEvents. Bad options throw at once. */
export interface ParseOptions {
  /**
   * Largest event, in bytes (an integer >= 1; default 16 MiB; Infinity for no bound); a
   * larger one is skipped and reported.
   */
  maxEventSize?: number;
  /** Called with each valid `retry:` value, in milliseconds. */
  onRetry?: (milliseconds: number) => void;
  /** Called with each comment line's text (heartbeats). */
  onComment?: (text: string) => void;
  /**
   * Called when an event was skipped (it exceeded `maxEventSize`, its id was over 4096
   * bytes, or the memory it needed could not be had); parsing goes on. Without it, the
   * stream errors (or the loop throws) with the EventTooLargeError.
   */
  onError?: (error: EventTooLargeError) => void;
}

/** An event was skipped: too large, its id too long, or no memory for it (see `reason`). */
export declare class EventTooLargeError extends RangeError {
  constructor(limit: number, reason?: 'event-too-large' | 'id-too-large' | 'out-of-memory');
  readonly name: 'EventTooLargeError';
  /** The bound passed: maxEventSize, the longest id, or the bytes of memory asked for. */
  readonly limit: number;
  /** Why the event was skipped. */
  readonly reason: 'event-too-large' | 'id-too-large' | 'out-of-memory';
}

/** A chunk of a body: bytes, or text already decoded. */
export type StreamChunk = string | ArrayBuffer | ArrayBufferView;

/**
 * Parses a `text/event-stream` body you fetched yourself, exactly as EventSource does:
 * `response.body.pipeThrough(new EventStreamParser())`.
 */
export declare class EventStreamParser extends TransformStream<StreamChunk, ParsedEvent> {
  constructor(options?: ParseOptions);
}

/**
 * The events of a body, for `for await`. Leaving the loop early cancels the body.
 * Takes a Response, a ReadableStream, or any iterable or async iterable of chunks.
 */
export declare function parseEvents(
  input: Response | ReadableStream<StreamChunk> | AsyncIterable<StreamChunk> | Iterable<StreamChunk>,
  options?: ParseOptions,
): AsyncGenerator<ParsedEvent, void, undefined>;

/**
 * Loads the WebAssembly module from `source` instead of the copy the package carries inside
 * its JavaScript: a URL (fetched), a fetch() Response, a compiled WebAssembly.Module, or the
 * module's bytes. For pages that host `wasm_eventsource.wasm` themselves (the package exports
 * it as `wasm-eventsource/wasm_eventsource.wasm`). Call it before the first source or parser
 * is made; a module already loaded is kept. A source that is not that module (another file,
 * a failed response, a promise that rejects) or that takes over 30 seconds to arrive fails
 * each source with `error` reason `wasm-load` and each parser with the same error; a later
 * useWasm() is tried afresh.
 */
export declare function useWasm(
  source: string | URL | Response | CompiledModule | ArrayBuffer | ArrayBufferView | PromiseLike<Response | ArrayBuffer | ArrayBufferView>,
): void;

/** A compiled WebAssembly.Module, where the project's libraries declare WebAssembly. */
type CompiledModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: never[]) => infer M } } ? M : never;
