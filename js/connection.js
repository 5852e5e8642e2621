// The transport: fetch(), the body reader and the timers, driven by the Rust engine.
// The engine decides everything (open, fail, reconnect, delays, parsing); this file only
// performs its actions and reports what happened. See binding/src/lib.rs for the encoding.
// First, so that a bundle puts the module's text ahead of the code (gzip's 32 KB window then
// spans the code whole: 1.0 KB less, gzipped, than with the text in the middle).
import { DEFLATED_WASM } from '../pkg/wasm_inline.js';
import { inflate } from './inline.js';
import { Engine } from './handles.js';
import { reportException } from './listeners.js';
import { DEFAULT_RECONNECT_MS, urlWithQuery } from './options.js';
import { SKIPPED_REASONS, TAG, feedChunk, firstTag, walkTokens } from './tokens.js';
import { instantiate, loadWasm, setWasmLoader } from './wasm.js';

// The tags as plain constants: the token loop below compares each token's against them.
const { MESSAGE, NAMED, MESSAGE_WITH_ID, NAMED_WITH_ID, ID, CONNECT, OPEN, COMMENT, RECONNECT, FAILED, EVENT_TOO_LARGE, ID_TOO_LARGE, OUT_OF_MEMORY } = TAG;

// A connection needs the engine, which only the whole module has: it takes the place of the
// parser-only module parse.js offers, and is carried only by bundles that use the class.
setWasmLoader(() => instantiate(inflate(DEFLATED_WASM)));

/** The most body bytes handed to the engine at once. */
const SLICE_BYTES = 64 * 1024;

/** How much of a failed response's body an error event carries, unless told otherwise. */
const DEFAULT_ERROR_BODY_BYTES = 64 * 1024;

/** A request that can never succeed (fetch() refuses it): the source fails for good. */
class RefusedRequest extends TypeError {
  constructor(cause) {
    super(`wasm-eventsource: the request cannot be made: ${cause?.message ?? cause}`, { cause });
    this.name = 'TypeError';
  }
}

/**
 * Whether fetch sends each char of a header value as its UTF-8 encoding (WebKit, on every
 * platform and in every WebKit-based browser) instead of as one byte (Chromium, Firefox,
 * Node, Deno, Bun). No feature shows it, so the user agent tells.
 */
const headersGoOutAsUtf8 = (() => {
  const agent = globalThis.navigator?.userAgent ?? '';
  return /AppleWebKit\//.test(agent) && !/(Chrome|Chromium|Edg|OPR)\//.test(agent);
})();

/**
 * A Last-Event-ID value that reaches the server as the id's UTF-8 bytes. Header values are
 * byte strings: elsewhere that is the id's UTF-8 bytes, one char per byte; WebKit
 * (`charsAsUtf8`) encodes the chars itself, so it gets the id as it is, which works for ids
 * within U+0000-U+00FF (beyond that WebKit cannot send the id in a header; lastEventIdParam
 * can). The same rule as the Rust core's `policy::last_event_id_header`; both are held to
 * tests/common/last-event-id-header.json.
 */
export function headerValue(text, charsAsUtf8 = headersGoOutAsUtf8) {
  if (charsAsUtf8 && !/[^\u0000-\u00ff]/.test(text)) return text;
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}

/**
 * Reads up to `limit` bytes of a body as text (invalid UTF-8 replaced), then cancels it.
 * With `idleMs`, a body that sends nothing for that long ends the read with what arrived.
 */
async function readText(body, limit, idleMs, controller) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let left = limit;
  let idle;
  const arm = () => {
    clearTimeout(idle);
    if (idleMs) idle = setTimeout(() => controller.abort(), idleMs);
  };
  try {
    while (left > 0) {
      arm();
      const { done, value } = await reader.read();
      if (done) break;
      const part = value.subarray(0, left);
      left -= part.length;
      text += decoder.decode(part, { stream: left > 0 });
    }
    await reader.cancel();
  } catch {
    // A body that fails or stalls half-way still gives what arrived.
  } finally {
    clearTimeout(idle);
  }
  return text + decoder.decode();
}

/** Aborts the request of a failed response whose body nobody read, once it is unreachable. */
const unreadBodies = new FinalizationRegistry((controller) => controller.abort());

/**
 * The body of a failed response, read only if asked for (`text()`), and at most `limit`
 * bytes of it. The error is reported at the headers; an unread body is let go when the next
 * attempt starts or the source is closed (release()), or, when it failed for good, once
 * nothing refers to it any more.
 */
class FailedBody {
  #body;
  #limit;
  #idleMs;
  #controller;
  #text = null;

  constructor(body, limit, idleMs, controller) {
    this.#body = body;
    this.#limit = limit;
    this.#idleMs = idleMs;
    this.#controller = controller;
    unreadBodies.register(this, controller, this);
  }

  /** The start of the body as text; the same promise on every call. */
  text() {
    if (!this.#text) {
      unreadBodies.unregister(this);
      const body = this.#body;
      this.#body = null;
      this.#text = body ? readText(body, this.#limit, this.#idleMs, this.#controller) : Promise.resolve('');
    }
    return this.#text;
  }

  /**
   * Lets an unread body go now (a later text() gives ''). A read under way goes on to the
   * size limit, the end of the body, or the stall timeout.
   */
  release() {
    if (this.#text) return;
    unreadBodies.unregister(this);
    this.#body = null;
    this.#text = Promise.resolve('');
    this.#controller.abort();
  }
}

/** Whether the device reports no network (browsers and workers; elsewhere never). */
const isOffline = () => globalThis.navigator?.onLine === false;

/** Whether this page is hidden (a document's tab in the background; never in a worker). */
export const isPageHidden = () => globalThis.document?.visibilityState === 'hidden';

/**
 * Calls `onOnline` and `onOffline` when the network comes and goes, and `onVisibility`
 * when the page is shown or hidden, where the platform reports them; returns the undo.
 */
export function watchEnvironment({ onOnline, onOffline, onVisibility }) {
  const global = globalThis;
  const doc = global.document;
  if (typeof global.addEventListener !== 'function') return () => {};
  global.addEventListener('online', onOnline);
  global.addEventListener('offline', onOffline);
  if (onVisibility) doc?.addEventListener('visibilitychange', onVisibility);
  return () => {
    global.removeEventListener('online', onOnline);
    global.removeEventListener('offline', onOffline);
    if (onVisibility) doc?.removeEventListener('visibilitychange', onVisibility);
  };
}

/**
 * What keeps a source with `options` from connecting now: 'offline', 'hidden' (with
 * pauseWhenHidden, while `hidden()` says so), or null.
 */
function suspension(options, hidden = isPageHidden) {
  if (isOffline()) return 'offline';
  if (options.pauseWhenHidden && hidden()) return 'hidden';
  return null;
}

/** The reasons of errors for one skipped event, after which the stream goes on. */
const SKIPPED = new Set(SKIPPED_REASONS.values());

/**
 * Whether an error the sink received ends the stream for good: neither a reconnect nor a
 * skipped event, after which the stream goes on.
 */
export const endsTheStream = (info) => !info.willRetry && !SKIPPED.has(info.reason);

/** A fetch result's headers as a Headers, whatever a custom fetch returned. */
function headersOf(response) {
  const { headers } = response;
  return typeof Headers !== 'undefined' && headers instanceof Headers ? headers : new Headers(headers ?? undefined);
}

/**
 * Checks that a custom fetch gave something the transport can read: anything else can never
 * become one, so the source fails for good. (A status that is a number outside 200-599 is
 * the engine's to refuse.)
 */
function checkResponse(response) {
  if (!response || typeof response !== 'object' || typeof response.status !== 'number') {
    throw new RefusedRequest(new TypeError('fetch did not resolve to a Response'));
  }
  const { body } = response;
  if (body !== null && body !== undefined && typeof body.getReader !== 'function') {
    throw new RefusedRequest(new TypeError('the response body is not a ReadableStream'));
  }
}

/**
 * Headers as a plain object of lowercase names, which a custom fetch can spread into its
 * own (`{ ...init.headers, authorization }`, as the eventsource package documents): a
 * Headers object spreads as `{}`, and would lose Last-Event-ID.
 */
const plainHeaders = (headers) => Object.fromEntries(headers);

/**
 * Throws a RefusedRequest if fetch() would refuse this request whatever the network does,
 * as the Fetch standard says (a GET or HEAD with a body too, which a few runtimes send).
 */
function checkRequest(url, method, headers, body) {
  try {
    if (body !== undefined && /^(GET|HEAD)$/i.test(method)) throw new TypeError(`a ${method} request cannot have a body`);
    if (typeof Request === 'function') new Request(url, { method, headers, body });
  } catch (cause) {
    throw new RefusedRequest(cause);
  }
}

/**
 * What the user's headers or body function gives. An exception fails this attempt like a
 * network error (the source retries), with it as the error event's cause; it is reported too
 * where the platform has reportError (elsewhere reporting it would end the process).
 */
async function userValue(make) {
  try {
    return await make();
  } catch (error) {
    if (typeof globalThis.reportError === 'function') reportException(error);
    throw error;
  }
}

/** What sendRequest gives for an attempt that stopped mattering before it fetched. */
const STALE = Symbol('stale');

/**
 * Sends one request of a source: runs the header and body functions, then fetches (calling
 * `onSend` just before). An attempt no longer `current()` stops before fetching: STALE.
 */
async function sendRequest(options, lastEventId, signal, current, onSend) {
  // Only a function is awaited: with plain headers and body, fetch() is called at once.
  const given = typeof options.headers === 'function' ? await userValue(options.headers) : options.headers;
  let headers;
  try {
    headers = new Headers(given ?? undefined);
  } catch (cause) {
    // A header name or value fetch() refuses, from a headers function: no request can be made.
    throw new RefusedRequest(cause);
  }
  let body = (typeof options.body === 'function' ? await userValue(options.body) : options.body) ?? undefined;
  // A stream from the body function is read to its end and sent as bytes: streaming
  // uploads need HTTP/2 and `duplex: 'half'` where browsers have them at all.
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) {
    body = await new Response(body).arrayBuffer();
  }
  if (!current()) return STALE;
  if (!headers.has('accept')) headers.set('accept', 'text/event-stream');
  checkRequest(options.url, options.method, headers, body);
  let url = options.url;
  if (lastEventId && options.lastEventIdParam) {
    // A query parameter instead of the header: a cross-origin request stays simple
    // (no CORS preflight), as the native client's reconnects are.
    url = urlWithQuery(url, [[options.lastEventIdParam, lastEventId]]);
  } else if (lastEventId) {
    headers.set('last-event-id', headerValue(lastEventId));
  }
  const init = {
    method: options.method,
    headers: plainHeaders(headers),
    body,
    mode: 'cors',
    cache: 'no-store',
    credentials: options.withCredentials ? 'include' : 'same-origin',
    redirect: 'follow',
    signal,
  };
  onSend();
  return options.fetch ? options.fetch(url, init) : fetch(url, init);
}

/**
 * A source's first request, sent from its constructor: while the WebAssembly module is still
 * loading, so that the two overlap, and before the engine is even made when it is loaded.
 * The connection takes it over when the engine asks for its first request.
 */
export class EarlyRequest {
  controller = new AbortController();
  /** When the fetch went out (null until it has); `onSend` is told when it does. */
  sentAt = null;
  onSend = null;

  /**
   * Whether a source with `options` sends its first request before the module is ready: a
   * GET that is not held back. Another method waits, so that a source whose module cannot
   * load sends nothing (a POSTed prompt is neither sent nor billed for a source that fails).
   */
  static wanted(options) {
    return options.method.toUpperCase() === 'GET' && suspension(options) === null;
  }

  constructor(options) {
    this.lastEventId = options.lastEventId ?? '';
    const { signal } = this.controller;
    this.response = sendRequest(options, this.lastEventId, signal, () => !signal.aborted, () => {
      this.sentAt = performance.now();
      this.onSend?.();
    });
    // Its outcome is handled once the connection takes it over; until then, nothing waits.
    this.response.catch(() => {});
  }

  /** Aborts it, when no connection will take it over. */
  cancel() {
    this.controller.abort();
  }
}

/**
 * One source's connection. `sink` receives `open(response)`, `message(type, data,
 * lastEventId, origin)`, `comment(text)` and `error(info)`; it may call close() from any
 * of them, after which nothing more is reported.
 */
export class Connection {
  #options;
  #sink;
  #engine;
  #closed = false;
  #generation = 0;
  #controller = null;
  #retryTimer = undefined;
  #stallTimer = undefined;
  #lastActivity = 0;
  #response = null;
  #origin = '';
  #lastEventId;
  /** While reading is held back: the promise the read loop waits on, and its resolver. */
  #paused = null;
  /** The body of the last failed response, until the next attempt lets it go. */
  #failedBody = null;
  /** Whether a reconnect delay is running that the network or the page may cut short. */
  #wakeable = false;
  /** The Last-Event-ID of a request due while suspended, sent when the suspension ends. */
  #heldRequest = null;
  /** Why the engine was last suspended: 'offline' or 'hidden'. */
  #suspendReason = 'offline';
  /** Whether the stream counts as hidden (the page's own visibility unless told otherwise). */
  #hidden;
  #unwatch;
  /** The first request, when it was sent before the engine existed. */
  #early;

  /**
   * `options.hidden`, when given, replaces the page's visibility for pauseWhenHidden; the
   * owner then calls visibilityChanged() itself. `early` is an EarlyRequest to take over.
   */
  constructor(options, sink, early = null) {
    this.#options = options;
    this.#sink = sink;
    this.#early = early;
    this.#hidden = options.hidden ?? isPageHidden;
    this.#unwatch = watchEnvironment({
      onOnline: () => this.wake(),
      onOffline: () => this.#suspend('offline'),
      onVisibility: options.hidden ? undefined : () => this.visibilityChanged(),
    });
    this.#lastEventId = options.lastEventId ?? '';
    this.#engine = this.#newEngine();
    this.#run(this.#engine.connect());
  }

  /** An engine with the source's options, resuming from the last event id delivered. */
  #newEngine() {
    const options = this.#options;
    const engine = new Engine({
      initialDelay: options.initialDelay,
      maxDelay: options.maxDelay,
      factor: options.factor,
      jitter: options.jitter,
      maxRetries: options.maxRetries,
      retryOnStatus: options.retryOnStatus,
      maxEventSize: options.maxEventSize,
      lastEventId: this.#lastEventId,
      seed: Math.random() * 2 ** 53,
    });
    engine.onFailure = (error) => this.#engineFailed(error);
    return engine;
  }

  /**
   * The WebAssembly module trapped, and the engine with it (every source's, whoever caused
   * it): report it, then reconnect on a fresh instance from the last event id delivered.
   */
  #engineFailed(cause) {
    if (this.#closed) return;
    this.#abandon();
    clearTimeout(this.#retryTimer);
    this.#heldRequest = null;
    this.#wakeable = false;
    this.#failedBody?.release();
    this.#failedBody = null;
    this.#engine.free();
    if (this.#options.maxRetries === 0) {
      // `reconnect: false` (or no retries): the request is never sent again.
      this.#shutdown();
      this.#sink.error({ reason: 'wasm-trap', cause, willRetry: false });
      return;
    }
    this.#restartLater(cause);
  }

  /**
   * Reports the trap (or a failed reload of the module after one) and tries a fresh instance
   * after the reconnection time: the engine's state went with the module, the server's
   * `retry:` included.
   */
  #restartLater(cause) {
    const delay = this.#options.initialDelay ?? DEFAULT_RECONNECT_MS;
    this.#retryTimer = setTimeout(() => this.#restart(), delay);
    this.#sink.error({ reason: 'wasm-trap', cause, willRetry: true, retryIn: delay });
  }

  /** Makes a new engine on a fresh instance of the module, and connects; a failed load waits and tries again. */
  async #restart() {
    let engine;
    try {
      await loadWasm();
      if (this.#closed) return;
      engine = this.#newEngine();
    } catch (cause) {
      if (!this.#closed) this.#restartLater(cause);
      return;
    }
    this.#engine = engine;
    this.#run(engine.connect());
  }

  /**
   * Stops reading the body (after the slice in hand) until resume(). TCP flow control then
   * holds the server back; the stall timeout does not count the wait.
   */
  pause() {
    if (this.#paused || this.#closed) return;
    let release;
    const waiting = new Promise((resolve) => (release = resolve));
    this.#paused = { waiting, release };
  }

  /** Reads the body again after pause(). */
  resume() {
    const paused = this.#paused;
    this.#paused = null;
    this.#lastActivity = performance.now();
    paused?.release();
  }

  /**
   * The page was shown or hidden: a visible page cuts a reconnect delay short; with
   * pauseWhenHidden, a hidden one suspends the connection until it is shown again.
   */
  visibilityChanged() {
    if (!this.#hidden()) this.wake();
    else if (this.#options.pauseWhenHidden) this.#suspend('hidden');
  }

  /**
   * Reconnects now if a reconnect is waiting and nothing suspends the connection: the
   * network is back, or the page shown. A wait that a Retry-After header asked for is kept.
   */
  wake() {
    if (this.#closed || this.#suspendedBy()) return;
    const held = this.#heldRequest;
    if (held !== null) {
      this.#heldRequest = null;
      this.#request(held);
    } else if (this.#wakeable) {
      clearTimeout(this.#retryTimer);
      this.#wakeable = false;
      this.#run(this.#engine.retryTimer());
    }
  }

  /** What keeps the connection from running now: 'offline', 'hidden', or null. */
  #suspendedBy() {
    return suspension(this.#options, this.#hidden);
  }

  /** Stops a request or stream that is running, for `reason`, without spending a retry. */
  #suspend(reason) {
    if (this.#closed || !this.#controller) return;
    this.#suspendReason = reason;
    this.#run(this.#engine.suspend());
  }

  /** Ends the connection for good: aborts the request, cancels timers, frees the engine. */
  close() {
    if (this.#closed) return;
    this.#failedBody?.release();
    this.#shutdown();
  }

  /** close(), except that the body of a response that failed for good stays readable. */
  #shutdown() {
    this.#closed = true;
    this.#unwatch();
    this.#early?.cancel();
    this.#paused?.release();
    this.#abandon();
    clearTimeout(this.#retryTimer);
    this.#engine.free();
  }

  /** Carries out the actions of one of the engine's batches (see #perform). */
  #run(batch, failure) {
    this.#perform(batch, failure);
  }

  /** Carries out a batch of the engine's actions; `failure` describes the failed request, if any. */
  #perform(actions, failure) {
    const sink = this.#sink;
    walkTokens(actions, (tag, text, field, third) => {
      if (this.#closed) return false;
      switch (tag) {
        case MESSAGE:
          sink.message('message', text, this.#lastEventId, this.#origin);
          break;
        case NAMED: // its data is the field
          sink.message(text, field, this.#lastEventId, this.#origin);
          break;
        case MESSAGE_WITH_ID:
          this.#lastEventId = field;
          sink.message('message', text, field, this.#origin);
          break;
        case NAMED_WITH_ID:
          this.#lastEventId = third;
          sink.message(text, field, third, this.#origin);
          break;
        case ID: // an id-only block
          this.#lastEventId = text;
          break;
        case CONNECT: // unless offline or paused: then once that ends
          this.#wakeable = false;
          if (this.#suspendedBy()) this.#heldRequest = text;
          else this.#request(text);
          break;
        case OPEN:
          sink.open(this.#response);
          break;
        case COMMENT:
          sink.comment(text);
          break;
        case RECONNECT: {
          // after the delay; the reason is the field, whether Retry-After asked for it the third
          const delay = Number(text);
          const reason = field === 'suspended' ? this.#suspendReason : field;
          this.#abandon();
          this.#wakeable = third !== '1'; // a wait the server asked for is kept
          this.#retryTimer = setTimeout(() => {
            this.#wakeable = false;
            if (!this.#closed) this.#run(this.#engine.retryTimer());
          }, delay);
          sink.error({ ...failure, reason, willRetry: true, retryIn: delay });
          break;
        }
        case FAILED: {
          // whether retries ran out is the field
          const info = { ...failure, reason: failure?.reason ?? text, willRetry: false, retriesExhausted: field === '1' };
          this.#shutdown();
          sink.error(info);
          break;
        }
        case EVENT_TOO_LARGE:
        case ID_TOO_LARGE:
        case OUT_OF_MEMORY:
          sink.error({ reason: SKIPPED_REASONS.get(tag), limit: Number(text), willRetry: false });
          break;
        default:
          throw new Error(`wasm-eventsource: unknown engine action ${String.fromCharCode(tag)}${text}`);
      }
      return true;
    });
  }

  /** The request can never succeed (see RefusedRequest): the source fails for good. */
  #refused(cause) {
    this.#run(this.#engine.response(0, undefined, undefined, Date.now()), { reason: 'request', cause });
  }

  /** The request or the body failed: while offline that spends no retry. */
  #networkError(cause) {
    if (cause instanceof RefusedRequest) {
      this.#refused(cause);
      return;
    }
    if (isOffline()) {
      this.#suspendReason = 'offline';
      this.#run(this.#engine.suspend(), { cause });
    } else {
      this.#run(this.#engine.networkError(), { cause });
    }
  }

  /** Aborts the running request, if any, and makes its pending promises stale. */
  #abandon() {
    this.#generation += 1;
    clearTimeout(this.#stallTimer);
    this.#controller?.abort();
    this.#controller = null;
    this.#response = null;
  }

  async #request(lastEventId) {
    this.#abandon();
    this.#failedBody?.release();
    this.#failedBody = null;
    const generation = this.#generation;
    const current = () => generation === this.#generation && !this.#closed;
    const early = this.#early;
    this.#early = null;
    const adopt = early?.lastEventId === lastEventId;
    if (early && !adopt) early.cancel();
    const controller = (this.#controller = adopt ? early.controller : new AbortController());
    const sending = () => {
      this.#lastActivity = adopt ? early.sentAt : performance.now();
      this.#armStallTimer(generation);
    };
    // The stall timeout counts from the start of the attempt, so it also covers a headers or
    // body function that never settles.
    this.#lastActivity = performance.now();
    this.#armStallTimer(generation);
    let response;
    try {
      if (adopt) {
        if (early.sentAt !== null) sending();
        else early.onSend = sending;
        response = await early.response;
      } else {
        // A reconnect yields once before it fetches: fetched in the same turn as the teardown
        // of the request before it, Chromium fails a few in a hundred over loopback.
        await null;
        response = await sendRequest(this.#options, lastEventId, controller.signal, current, sending);
      }
    } catch (cause) {
      if (current()) this.#networkError(cause);
      return;
    }
    if (!current() || response === STALE) return;
    try {
      await this.#read(response, generation, controller);
    } catch (cause) {
      // Whatever a custom fetch returned, a throw here is an error event, never a rejection.
      if (current()) this.#networkError(cause);
    }
  }

  /** Hands the response head to the engine, then the body, until the engine is done with it. */
  async #read(response, generation, controller) {
    const current = () => generation === this.#generation && !this.#closed;
    checkResponse(response);
    this.#lastActivity = performance.now();
    const headers = headersOf(response);
    const { status } = response;
    const statusText = response.statusText ?? '';
    const actions = this.#engine.response(status, headers.get('content-type') ?? undefined, headers.get('retry-after') ?? undefined, Date.now());
    if (firstTag(actions) !== OPEN) {
      // Failed at the headers: report it now; the body is read only if the handler asks.
      const limit = this.#options.maxErrorBodySize ?? DEFAULT_ERROR_BODY_BYTES;
      const body = new FailedBody(response.body, limit, this.#options.stallTimeout, controller);
      if (this.#controller === controller) this.#controller = null;
      this.#failedBody = body;
      this.#perform(actions, { status, statusText, headers, body });
      return;
    }
    this.#response = { status, statusText, headers };
    this.#origin = new URL(response.url || this.#options.url).origin;
    this.#perform(actions);
    const reader = response.body?.getReader();
    // A read is always pending, from the moment the head is handled, and while each chunk is
    // parsed: a body stream that errors drops the chunks it queued that nobody had asked
    // for yet, and with them the events sent just before a connection broke.
    let next = reader ? reader.read() : Promise.resolve({ done: true });
    // Awaited in the loop; a source closed before (in its open event, say) never does.
    next.catch(() => {});
    while (current()) {
      if (this.#paused) {
        await this.#paused.waiting;
        continue;
      }
      let result;
      try {
        result = await next;
      } catch (cause) {
        if (current()) this.#networkError(cause);
        return;
      }
      if (!current()) return;
      if (result.done) {
        this.#run(this.#engine.end());
        return;
      }
      next = reader.read();
      // Awaited in the next turn of the loop; once the request is abandoned, nobody does.
      next.catch(() => {});
      this.#lastActivity = performance.now();
      // A fast stream can arrive in chunks of megabytes: feeding them in slices lets the
      // first events fire before the rest is parsed, and bounds the wasm memory a batch takes.
      const bytes = result.value;
      for (let at = 0; at < bytes.length && current(); at += SLICE_BYTES) {
        while (this.#paused && current()) await this.#paused.waiting;
        if (current()) this.#run(feedChunk(this.#engine, bytes.subarray(at, at + SLICE_BYTES)));
      }
    }
  }

  /** Checks for a stall when the stall timeout could have passed since the last byte. */
  #armStallTimer(generation) {
    const limit = this.#options.stallTimeout;
    if (!limit) return;
    clearTimeout(this.#stallTimer);
    const wait = Math.max(0, limit - (performance.now() - this.#lastActivity));
    this.#stallTimer = setTimeout(() => {
      if (generation !== this.#generation || this.#closed) return;
      if (this.#paused) this.#lastActivity = performance.now();
      if (performance.now() - this.#lastActivity >= limit) {
        this.#run(this.#engine.stall());
      } else {
        this.#armStallTimer(generation);
      }
    }, wait);
  }
}
