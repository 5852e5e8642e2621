// The module's engines and parsers (binding/src/exports.rs) as objects. Each holds a
// handle, released by free(), or when the object is garbage-collected if nobody freed it.
// Text and status lists go in through the module's argument buffer.
import { wasmExports } from './wasm.js';

const encoder = new TextEncoder();
const unfreed = new FinalizationRegistry((release) => release());

/**
 * Writes `texts` (each a string, or null or undefined for none) in UTF-8, then `statuses` as
 * little-endian 16-bit numbers, into the argument buffer; returns the texts' byte lengths
 * (-1 for none), for the call that reads them.
 */
function writeArguments(wasm, texts, statuses = []) {
  let room = statuses.length * 2;
  for (const text of texts) room += (text?.length ?? 0) * 3;
  let at = wasm.arguments(room) >>> 0;
  const bytes = new Uint8Array(wasm.memory.buffer);
  const lengths = texts.map((text) => {
    if (text == null) return -1;
    const { written } = encoder.encodeInto(text, bytes.subarray(at));
    at += written;
    return written;
  });
  for (const status of statuses) {
    bytes[at++] = status & 0xff;
    bytes[at++] = status >> 8;
  }
  return lengths;
}

/** What engines and parsers share: the module, the handle and its release. */
class Handle {
  #release;

  constructor(wasm, handle, free) {
    this.wasm = wasm;
    this.handle = handle;
    this.#release = () => free(handle);
    unfreed.register(this, this.#release, this);
  }

  /** Releases the handle; later calls on it do nothing. */
  free() {
    if (this.handle === 0) return;
    unfreed.unregister(this);
    this.#release();
    this.handle = 0;
  }
}

/**
 * The connection engine of one EventSource. Delays are in milliseconds; undefined takes the
 * default. Each method returns the address of a batch of tokens (see tokens.js).
 */
export class Engine extends Handle {
  constructor(initialDelay, maxDelay, factor, jitter, maxRetries, retryOnStatus, maxEventSize, lastEventId, seed) {
    const wasm = wasmExports();
    const [idLength] = writeArguments(wasm, [lastEventId ?? ''], retryOnStatus);
    const handle = wasm.engine_new(
      initialDelay ?? NaN,
      maxDelay ?? NaN,
      factor ?? NaN,
      jitter ?? NaN,
      maxRetries ?? NaN,
      maxEventSize ?? NaN,
      seed,
      idLength,
      retryOnStatus.length,
    );
    if (handle === 0) throw new RangeError('wasm-eventsource: the retry policy cannot work');
    super(wasm, handle, wasm.engine_free);
  }

  /** Where the next chunk of `length` bytes is written (valid until the next call). */
  input(length) {
    return this.wasm.engine_input(this.handle, length) >>> 0;
  }

  /** A chunk of the body arrived: the first `length` bytes of the input. */
  chunk(length) {
    return this.wasm.engine_chunk(this.handle, length);
  }

  /** Starts the first connection. */
  connect() {
    return this.wasm.engine_connect(this.handle);
  }

  /** The response head arrived (`now` is the Unix time in milliseconds). */
  response(status, contentType, retryAfter, now) {
    const [typeLength, retryLength] = writeArguments(this.wasm, [contentType, retryAfter]);
    return this.wasm.engine_response(this.handle, status, typeLength, retryLength, now);
  }

  /** The body ended. */
  end() {
    return this.wasm.engine_end(this.handle);
  }

  /** The request or the body read failed. */
  networkError() {
    return this.wasm.engine_network_error(this.handle);
  }

  /** No byte arrived within the stall timeout. */
  stall() {
    return this.wasm.engine_stall(this.handle);
  }

  /** The connection stops (offline, page hidden) without spending a retry. */
  suspend() {
    return this.wasm.engine_suspend(this.handle);
  }

  /** The reconnect delay is over. */
  retryTimer() {
    return this.wasm.engine_retry_timer(this.handle);
  }
}

/** One stream's parser; `maxEventSize` (bytes) bounds one event, undefined leaves it unbounded. */
export class Parser extends Handle {
  constructor(maxEventSize) {
    const wasm = wasmExports();
    super(wasm, wasm.parser_new(maxEventSize ?? NaN), wasm.parser_free);
  }

  /** Where the next chunk of `length` bytes is written (valid until the next call). */
  input(length) {
    return this.wasm.parser_input(this.handle, length) >>> 0;
  }

  /** Parses the first `length` bytes of the input; returns the address of their batch. */
  chunk(length) {
    return this.wasm.parser_chunk(this.handle, length);
  }

  /** The body ended: an event not yet ended by a blank line is discarded. */
  end() {
    this.wasm.parser_end(this.handle);
  }
}
