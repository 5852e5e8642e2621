// The transport: fetch(), the body reader and the timers, driven by the Rust engine.
// The engine decides everything (open, fail, reconnect, delays, parsing); this file only
// performs its actions and reports what happened. See binding/src/lib.rs for the encoding.
import { Engine } from '../pkg/wasm_eventsource.js';

/** The most body bytes handed to the engine at once. */
const SLICE_BYTES = 64 * 1024;

/** How much of a failed response's body an error event carries, unless told otherwise. */
const DEFAULT_ERROR_BODY_BYTES = 64 * 1024;

const resolve = async (value) => (typeof value === 'function' ? value() : value);

/** A header value is a byte string: send the id's UTF-8 bytes, one char per byte. */
function byteString(text) {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}

/** Reads up to `limit` bytes of a body as text (invalid UTF-8 replaced). */
async function readText(response, limit) {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  let left = limit;
  try {
    while (left > 0) {
      const { done, value } = await reader.read();
      if (done) break;
      const part = value.subarray(0, left);
      left -= part.length;
      text += decoder.decode(part, { stream: left > 0 });
    }
    await reader.cancel();
  } catch {
    // A body that fails half-way still gives what arrived.
  }
  return text + decoder.decode();
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

  constructor(options, sink) {
    this.#options = options;
    this.#sink = sink;
    this.#lastEventId = options.lastEventId ?? '';
    this.#engine = new Engine(
      options.initialDelay,
      options.maxDelay,
      options.factor,
      options.jitter,
      options.maxRetries,
      Uint16Array.from(options.retryOnStatus ?? []),
      options.maxEventSize,
      options.lastEventId,
      Math.random() * 2 ** 53,
    );
    this.#run(this.#engine.connect());
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

  /** Ends the connection for good: aborts the request, cancels timers, frees the engine. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#paused?.release();
    this.#abandon();
    clearTimeout(this.#retryTimer);
    this.#engine.free();
  }

  /** Carries out the engine's actions; `failure` describes the failed request, if any. */
  #run(actions, failure) {
    if (!actions) return;
    const tokens = actions.split('\r');
    const sink = this.#sink;
    for (let i = 0; i < tokens.length && !this.#closed; i++) {
      const token = tokens[i];
      switch (token.charCodeAt(0)) {
        case 109: // m: a message of the default type
          sink.message('message', token.slice(1), this.#lastEventId, this.#origin);
          break;
        case 110: // n: a message of a named type; its data is the next token
          sink.message(token.slice(1), tokens[++i], this.#lastEventId, this.#origin);
          break;
        case 105: // i: the last event id changed
          this.#lastEventId = token.slice(1);
          break;
        case 99: // c: connect
          this.#request(token.slice(1));
          break;
        case 111: // o: open
          sink.open(this.#response);
          break;
        case 107: // k: a comment
          sink.comment(token.slice(1));
          break;
        case 114: {
          // r: reconnect after the delay; the reason is the next token
          const delay = Number(token.slice(1));
          this.#abandon();
          this.#retryTimer = setTimeout(() => {
            if (!this.#closed) this.#run(this.#engine.retryTimer());
          }, delay);
          sink.error({ ...failure, reason: tokens[++i], willRetry: true, retryIn: delay });
          break;
        }
        case 102: {
          // f: failed for good; whether retries ran out is the next token
          const info = { ...failure, reason: token.slice(1), willRetry: false, retriesExhausted: tokens[++i] === '1' };
          this.close();
          sink.error(info);
          break;
        }
        case 115: // s: an oversized event was skipped
          sink.error({ reason: 'event-too-large', limit: Number(token.slice(1)), willRetry: false });
          break;
        default:
          throw new Error(`wasm-eventsource: unknown engine action ${token}`);
      }
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
    const generation = this.#generation;
    const current = () => generation === this.#generation && !this.#closed;
    const options = this.#options;
    const controller = (this.#controller = new AbortController());
    let response;
    try {
      const headers = new Headers((await resolve(options.headers)) ?? undefined);
      const body = (await resolve(options.body)) ?? undefined;
      if (!current()) return;
      if (!headers.has('accept')) headers.set('accept', 'text/event-stream');
      if (lastEventId) headers.set('last-event-id', byteString(lastEventId));
      const init = {
        method: options.method,
        headers,
        body,
        mode: 'cors',
        cache: 'no-store',
        credentials: options.withCredentials ? 'include' : 'same-origin',
        redirect: 'follow',
        signal: controller.signal,
      };
      this.#lastActivity = performance.now();
      this.#armStallTimer(generation);
      response = await (options.fetch ? options.fetch(options.url, init) : fetch(options.url, init));
    } catch (cause) {
      if (current()) this.#run(this.#engine.networkError(), { cause });
      return;
    }
    if (!current()) return;
    this.#lastActivity = performance.now();
    const { headers, status } = response;
    const actions = this.#engine.response(status, headers.get('content-type') ?? undefined, headers.get('retry-after') ?? undefined, Date.now());
    if (actions[0] !== 'o') {
      const limit = options.maxErrorBodySize ?? DEFAULT_ERROR_BODY_BYTES;
      const body = await readText(response, limit);
      if (!this.#closed) this.#run(actions, { status, statusText: response.statusText, headers, body });
      return;
    }
    this.#response = response;
    this.#origin = new URL(response.url || options.url).origin;
    this.#run(actions);
    const reader = response.body?.getReader();
    while (current()) {
      if (this.#paused) {
        await this.#paused.waiting;
        continue;
      }
      let result;
      try {
        result = reader ? await reader.read() : { done: true };
      } catch (cause) {
        if (current()) this.#run(this.#engine.networkError(), { cause });
        return;
      }
      if (!current()) return;
      if (result.done) {
        this.#run(this.#engine.end());
        return;
      }
      this.#lastActivity = performance.now();
      // A fast stream can arrive in chunks of megabytes: feeding them in slices lets the
      // first events fire before the rest is parsed, and bounds the wasm memory a batch takes.
      const bytes = result.value;
      for (let at = 0; at < bytes.length && current(); at += SLICE_BYTES) {
        while (this.#paused && current()) await this.#paused.waiting;
        if (current()) this.#run(this.#engine.chunk(bytes.subarray(at, at + SLICE_BYTES)));
      }
    }
  }

  /** Checks for a stall when the stall timeout could have passed since the last byte. */
  #armStallTimer(generation) {
    const limit = this.#options.stallTimeout;
    if (!limit) return;
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
