// The EventSource class: the native EventSource's surface over the Rust engine and
// fetch transport, plus the options the native one lacks.
import { Connection, EarlyRequest, endsTheStream } from './connection.js';
import { normalizeInit, resolveUrl } from './options.js';
import { Listeners, callUser } from './listeners.js';
import { SseMessageEvent } from './message-event.js';
import { SharedConnection, canShare } from './shared.js';
import { TaskSink } from './tasks.js';
import { loadWasm, wasmLoadError } from './wasm.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/** The `open` event: the response's status and headers. */
export class EventSourceOpenEvent extends Event {
  constructor(status, statusText, headers) {
    super('open');
    Object.defineProperties(this, {
      status: { value: status, enumerable: true },
      statusText: { value: statusText, enumerable: true },
      headers: { value: headers, enumerable: true },
    });
  }
}

/** The `error` event, with what the native one hides. */
export class EventSourceErrorEvent extends Event {
  #body;

  constructor(info = {}) {
    super('error');
    this.#body = info.body;
    Object.defineProperties(this, {
      reason: { value: info.reason, enumerable: true },
      status: { value: info.status, enumerable: true },
      statusText: { value: info.statusText, enumerable: true },
      headers: { value: info.headers, enumerable: true },
      willRetry: { value: Boolean(info.willRetry), enumerable: true },
      retryIn: { value: info.retryIn, enumerable: true },
      retriesExhausted: { value: Boolean(info.retriesExhausted), enumerable: true },
      limit: { value: info.limit, enumerable: true },
      cause: { value: info.cause, enumerable: true },
    });
  }

  /**
   * The start of the failed response's body (up to maxErrorBodySize bytes) as text; '' when
   * no response failed. The body is read only when this is called: call it from the
   * handler, or before the next reconnect when the source retries.
   */
  text() {
    const body = this.#body;
    if (body === undefined || body === null) return Promise.resolve('');
    return typeof body === 'string' ? Promise.resolve(body) : body.text();
  }
}

/** What a `for await` loop throws when the source fails for good. */
export class EventSourceError extends Error {
  constructor(event) {
    super(describe(event), { cause: event.cause });
    this.name = 'EventSourceError';
    this.event = event;
    this.status = event.status;
    this.reason = event.reason;
  }

  /** The failed response's body, as the error event's text() gives it. */
  text() {
    return this.event.text();
  }
}

function describe(event) {
  switch (event.reason) {
    case 'status':
      return `the server answered ${event.status}${event.statusText ? ` ${event.statusText}` : ''}`;
    case 'content-type':
      return 'the response is not text/event-stream';
    case 'network':
      return 'the connection failed';
    case 'stalled':
      return 'the stream stalled';
    case 'ended':
      return 'the server ended the stream';
    case 'event-too-large':
      return `an event exceeded maxEventSize (${event.limit} bytes)`;
    case 'id-too-large':
      return `an event's id exceeded ${event.limit} bytes`;
    case 'out-of-memory':
      return 'an event needed more memory than the WebAssembly module could have';
    case 'request':
      return 'the request cannot be made';
    case 'wasm-trap':
      return 'the WebAssembly module failed';
    case 'wasm-load':
      return 'the WebAssembly module could not be loaded';
    default:
      return 'the event source failed';
  }
}


/**
 * The queue of one async iterator: events not yet taken, the next() calls waiting for one,
 * and how the iteration ends. `hold(+1 | -1)` pauses or resumes the source's reading.
 */
class IteratorSink {
  started = false;
  #queue = [];
  #waiting = [];
  #outcome = null;
  #full = false;
  #limit;
  #hold;

  constructor(limit, hold) {
    this.#limit = limit;
    this.#hold = hold;
  }

  /** An event was dispatched. */
  push(event) {
    if (this.#outcome) return;
    const waiter = this.#waiting.shift();
    if (waiter) {
      waiter.resolve({ value: event, done: false });
      return;
    }
    this.#queue.push(event);
    if (this.#queue.length >= this.#limit) this.#setFull(true);
  }

  /** The iteration ends: done, or `error` once the queue is drained; `drop` empties it first. */
  finish(error, { drop = false } = {}) {
    this.#setFull(false);
    if (drop) this.#queue.length = 0;
    this.#outcome ??= error ? { error } : { done: true };
    if (this.#queue.length === 0) {
      for (const waiter of this.#waiting.splice(0)) this.#settle(waiter);
    }
  }

  next() {
    if (this.#queue.length > 0) {
      const value = this.#queue.shift();
      if (this.#queue.length <= this.#limit / 2) this.#setFull(false);
      return Promise.resolve({ value, done: false });
    }
    return new Promise((resolve, reject) => {
      if (this.#outcome) this.#settle({ resolve, reject });
      else this.#waiting.push({ resolve, reject });
    });
  }

  /** Ends one waiting next(): the error once, then done. */
  #settle(waiter) {
    const { error } = this.#outcome;
    if (error) {
      this.#outcome = { done: true };
      waiter.reject(error);
    } else {
      waiter.resolve({ value: undefined, done: true });
    }
  }

  #setFull(value) {
    if (this.#full === value) return;
    this.#full = value;
    this.#hold(value ? 1 : -1);
  }
}

/** Set once the class below is defined: what to do when an iterator becomes garbage. */
let forgetIterator = () => {};
const forgottenIterators = new FinalizationRegistry((held) => forgetIterator(held));
const unregisterIterator = (iterator) => forgottenIterators.unregister(iterator);

/** A drop-in `EventSource` over fetch(), with headers, any method and body, and more. */
export class EventSource extends EventTarget {
  #url;
  #withCredentials;
  #readyState = CONNECTING;
  #connection = null;
  #handlers = new Map();
  /** The listeners, kept here so that message events skip the platform's dispatchEvent(). */
  #listeners = new Listeners(this, {
    add: (type, listener, options) => super.addEventListener(type, listener, options),
    remove: (type, listener, options) => super.removeEventListener(type, listener, options),
  });
  #iterators = new Set();
  /** How many iterators are full; while any is, the body is not read. */
  #fullIterators = 0;
  #maxQueuedEvents = Infinity;
  #onComment;
  #detachSignal = null;
  /** The unread body of the response that made the source fail, until close(). */
  #failedBody = null;
  /** The first request, sent from the constructor, until #start hands it to the connection. */
  #early = null;
  /**
   * With `platformEvents`: the listeners are the platform's own, message events are the
   * platform's MessageEvents, and everything is dispatched in a task of its own (TaskSink).
   */
  #tasks = null;
  /** The reason of the `signal` that closed the source, which its loops throw, as fetch does. */
  #abortReason = undefined;
  /** False with `reconnect: false`: the server ending the stream then ends the loops cleanly. */
  #reconnect = true;

  constructor(url, init) {
    super();
    if (arguments.length === 0) {
      throw new TypeError("Failed to construct 'EventSource': 1 argument required, but only 0 present.");
    }
    const options = normalizeInit(init);
    this.#url = resolveUrl(url, options.params);
    options.url = this.#url;
    this.#withCredentials = options.withCredentials;
    this.#onComment = options.onComment;
    this.#maxQueuedEvents = options.maxQueuedEvents;
    this.#reconnect = options.reconnect;
    if (options.platformEvents) this.#tasks = new TaskSink(options.maxQueuedEvents, this.#holdReading.bind(this));
    const { signal } = options;
    if (signal) {
      if (signal.aborted) {
        this.#readyState = CLOSED;
        this.#abortReason = signal.reason;
        return;
      }
      const onAbort = () => {
        this.#abortReason = signal.reason;
        this.close();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      // A long-lived signal must not keep closed sources alive.
      this.#detachSignal = () => signal.removeEventListener('abort', onAbort);
    }
    // The first request waits for nothing: not the WebAssembly module, not the engine.
    if (!options.share && EarlyRequest.wanted(options)) this.#early = new EarlyRequest(options);
    loadWasm()
      .then(
        () => this.#start(options),
        (cause) => this.#fail({ reason: 'wasm-load', cause: wasmLoadError(cause) }),
      )
      .catch((cause) => this.#fail({ reason: 'network', cause }));
  }

  /** EventTarget's addEventListener, with the listener kept in the source's own list. */
  addEventListener(type, listener, options) {
    if (arguments.length < 2 || this.#tasks) super.addEventListener(...arguments);
    else this.#listeners.add(`${type}`, listener, options);
  }

  /** EventTarget's removeEventListener, for the source's own list. */
  removeEventListener(type, listener, options) {
    if (arguments.length < 2 || this.#tasks) super.removeEventListener(...arguments);
    else this.#listeners.remove(`${type}`, listener, options);
  }

  /** The resolved URL of the stream. */
  get url() {
    return this.#url;
  }

  /** Whether cross-origin requests carry credentials. */
  get withCredentials() {
    return this.#withCredentials;
  }

  /** 0 CONNECTING, 1 OPEN or 2 CLOSED. */
  get readyState() {
    return this.#readyState;
  }

  /** Closes for good: aborts the request, cancels any reconnect, fires nothing. */
  close() {
    this.#readyState = CLOSED;
    this.#tasks?.clear();
    this.#release();
    // After a failure, close() also lets go of the failed response's body.
    this.#failedBody?.release();
    this.#failedBody = null;
    this.#finishIterators(this.#abortReason ?? null, { drop: true });
  }

  /**
   * Iterates the message events (of every type). An iterator sees the events dispatched
   * from its first next() on (a `for await` loop calls it at once). A loop that falls
   * `maxQueuedEvents` behind pauses reading until it is halfway caught up. close() ends
   * every loop at once, dropping what they had not taken yet; an abort of the `signal` does
   * too, and the loops throw its reason (an AbortError), as fetch does; a failure ends them
   * after their queued events, with an EventSourceError. Leaving a loop early closes
   * the source unless another loop is still iterating it. An iterator dropped without
   * finishing stops counting once it is garbage.
   */
  [Symbol.asyncIterator]() {
    // A bound method, not an arrow: an arrow would share this scope, which holds `iterator`,
    // and so keep a forgotten iterator alive through the source.
    const sink = new IteratorSink(this.#maxQueuedEvents, this.#holdReading.bind(this));
    const source = this;
    const iterator = {
      next() {
        if (!sink.started) {
          sink.started = true;
          if (source.#readyState === CLOSED) sink.finish(source.#abortReason ?? null, { drop: true });
          else source.#iterators.add(sink);
        }
        return sink.next();
      },
      return() {
        const wasIterating = source.#iterators.delete(sink);
        unregisterIterator(iterator);
        sink.finish(null, { drop: true });
        if (wasIterating && source.#iterators.size === 0) source.close();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    forgottenIterators.register(iterator, { source: new WeakRef(this), sink }, iterator);
    return iterator;
  }

  /** An iterator that became garbage without finishing stops holding reading back. */
  static #forget({ source, sink }) {
    const owner = source.deref();
    owner?.#iterators.delete(sink);
    sink.finish(null, { drop: true });
  }

  /** Counts iterators that are full in or out, pausing or resuming the body reader. */
  #holdReading(change) {
    const before = this.#fullIterators;
    this.#fullIterators += change;
    if (before === 0 && this.#fullIterators > 0) this.#connection?.pause();
    if (before > 0 && this.#fullIterators === 0) this.#connection?.resume();
  }

  #start(options) {
    if (this.#readyState === CLOSED) {
      return;
    }
    const early = this.#early;
    this.#early = null;
    const Link = options.share && canShare() ? SharedConnection : Connection;
    const sink = {
      open: (response) => {
        if (this.#readyState === CLOSED) return;
        this.#readyState = OPEN;
        this.dispatchEvent(new EventSourceOpenEvent(response.status, response.statusText, response.headers));
      },
      message: (type, data, lastEventId, origin) => {
        if (this.#readyState === CLOSED) return;
        if (this.#tasks) {
          this.#dispatchPlatform(new MessageEvent(type, { data, lastEventId, origin }));
          return;
        }
        const listeners = this.#listeners.of(type);
        // Nobody would see it: no listener for its type, and no loop.
        if (listeners === undefined && this.#iterators.size === 0) return;
        const event = new SseMessageEvent(type, data, lastEventId, origin);
        if (listeners !== undefined) this.#listeners.dispatch(event, listeners);
        for (const iterator of this.#iterators) iterator.push(event);
      },
      comment: (text) => {
        if (this.#readyState === CLOSED) return;
        if (this.#onComment) callUser(this.#onComment, text);
        // The native EventSource fires nothing for a comment, so platformEvents does not.
        if (this.#tasks) return;
        const listeners = this.#listeners.of('comment');
        if (listeners !== undefined) this.#listeners.dispatch(new SseMessageEvent('comment', text, '', ''), listeners);
      },
      error: (info) => {
        if (this.#readyState === CLOSED) return;
        if (endsTheStream(info)) {
          this.#fail(info);
          return;
        }
        if (info.willRetry) this.#readyState = CONNECTING;
        this.dispatchEvent(new EventSourceErrorEvent(info));
      },
    };
    this.#connection = new Link(options, this.#tasks ? this.#tasks.wrap(sink) : sink, early);
  }

  /** A platform-made message event, through the platform's dispatchEvent, then to the loops. */
  #dispatchPlatform(event) {
    this.dispatchEvent(event);
    for (const iterator of this.#iterators) iterator.push(event);
  }

  #fail(info) {
    if (this.#readyState === CLOSED) return;
    this.#readyState = CLOSED;
    this.#release();
    this.#failedBody = info.body ?? null;
    const event = new EventSourceErrorEvent(info);
    this.dispatchEvent(event);
    // A one-request stream that the server ended is done, not failed.
    const done = !this.#reconnect && info.reason === 'ended';
    this.#finishIterators(done ? null : new EventSourceError(event), { drop: false });
  }

  /** Stops the connection (which frees its WebAssembly memory) and lets go of the signal. */
  #release() {
    this.#early?.cancel();
    this.#early = null;
    this.#connection?.close();
    this.#connection = null;
    this.#detachSignal?.();
    this.#detachSignal = null;
  }

  /**
   * Ends every loop with `error` (or done for null): after a failure once they took what they
   * had queued; on close() or an abort at once (`drop`), an abort throwing its reason.
   */
  #finishIterators(error, { drop }) {
    for (const iterator of this.#iterators) iterator.finish(error, { drop });
    this.#iterators.clear();
  }

  static {
    forgetIterator = (held) => EventSource.#forget(held);
    // What libraries check to know that the `fetch` option can customise each request
    // (the eventsource package sets the same marker).
    Object.defineProperty(this, Symbol.for('eventsource.supports-fetch-override'), { value: true });
    // Read-only, as on the native class and its prototype.
    const constants = { value: undefined, enumerable: true };
    Object.defineProperties(this, {
      CONNECTING: { ...constants, value: CONNECTING },
      OPEN: { ...constants, value: OPEN },
      CLOSED: { ...constants, value: CLOSED },
    });
    Object.defineProperties(this.prototype, {
      CONNECTING: { ...constants, value: CONNECTING },
      OPEN: { ...constants, value: OPEN },
      CLOSED: { ...constants, value: CLOSED },
      [Symbol.toStringTag]: { value: 'EventSource' },
    });
    // onopen / onmessage / onerror behave like event handler attributes: one listener,
    // registered when first set, whose function can be swapped or cleared.
    for (const type of ['open', 'message', 'error']) {
      Object.defineProperty(this.prototype, `on${type}`, {
        enumerable: true,
        configurable: true,
        get() {
          return this.#handlers.get(type)?.handler ?? null;
        },
        set(value) {
          // WebIDL keeps any object ([LegacyTreatNonObjectAsNull]); one that is not callable
          // reads back as set and is never called. Anything else is null.
          const handler = typeof value === 'function' || (typeof value === 'object' && value !== null) ? value : null;
          const entry = this.#handlers.get(type);
          if (handler && entry) {
            entry.handler = handler;
          } else if (handler) {
            const fresh = {
              handler,
              listener: (event) => {
                if (typeof fresh.handler === 'function') fresh.handler.call(this, event);
              },
            };
            this.#handlers.set(type, fresh);
            this.addEventListener(type, fresh.listener);
          } else if (entry) {
            this.removeEventListener(type, entry.listener);
            this.#handlers.delete(type);
          }
        },
      });
    }
  }
}
