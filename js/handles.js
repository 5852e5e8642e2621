// The module's engines and parsers (binding/src/exports.rs) as objects. Each holds a
// handle, released by free(), or when the object is garbage-collected if nobody freed it.
// Text and status lists go in through the module's argument buffer. Every address the
// module hands out is checked before anything is written through it, and a call that traps
// retires the whole instance: each of its handles learns of it (onFailure) and none calls
// into it again.
import { emptyBatch, readTokens } from './tokens.js';
import { dropInstance, wasmExports } from './wasm.js';

const encoder = new TextEncoder();
/**
 * Releases a handle nobody freed once it is garbage, unless its instance trapped since (no
 * call goes into a trapped instance).
 */
const unfreed = new FinalizationRegistry(({ release, ref, wasm }) => {
  live.delete(ref);
  if (wasm === wasmExports()) release();
});

/** The handles of the loaded instance, held weakly, to tell them when it traps. */
let live = new Set();

/** An error for memory the module could not give; the source or parser that asked fails alone. */
const outOfMemory = (what) => new RangeError(`wasm-eventsource: out of WebAssembly memory for ${what}`);

/** Whether `length` bytes at `address` lie inside the module's memory (0 is the module's "no room"). */
function inside(wasm, address, length) {
  return address !== 0 && address + length <= wasm.memory.buffer.byteLength;
}

/**
 * The instance `wasm` trapped while `cause` was thrown: it is dropped (the next load makes a
 * fresh one), each of its handles fails at once, and is told in a microtask, outside the
 * call that trapped.
 */
function instanceFailed(wasm, cause) {
  // Dropped only if it is still the loaded one (a parser-only instance may have been
  // replaced by the whole module since, and its parsers live on).
  dropInstance(wasm);
  const failed = [];
  for (const ref of live) {
    const handle = ref.deref();
    if (handle?.wasm !== wasm) continue;
    if (!handle.failure) failed.push(handle);
    live.delete(ref);
  }
  if (failed.length === 0) return;
  const error = new Error('wasm-eventsource: the WebAssembly module trapped; its sources reconnect on a fresh instance', { cause });
  for (const handle of failed) handle.failure = error;
  queueMicrotask(() => {
    for (const handle of failed) handle.onFailure?.(error);
  });
}

/** Runs `call` into `wasm`; a trap there retires the instance, and is thrown on. */
function guarded(wasm, call) {
  try {
    return call();
  } catch (cause) {
    instanceFailed(wasm, cause);
    throw cause;
  }
}

/**
 * Writes `texts` (each a string, or null or undefined for none) in UTF-8, then `statuses` as
 * little-endian 16-bit numbers, into the argument buffer; returns the texts' byte lengths
 * (-1 for none), for the call that reads them. Throws a RangeError when the module has no
 * room for them.
 */
function writeArguments(wasm, texts, statuses = []) {
  let room = statuses.length * 2;
  for (const text of texts) room += (text?.length ?? 0) * 3;
  let at = guarded(wasm, () => wasm.arguments(room)) >>> 0;
  if (!inside(wasm, at, room)) throw outOfMemory('the arguments of a call');
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

/**
 * Throws why engine_new returned 0: a RangeError with the engine's reason when it refused the
 * settings (its message, ASCII, at an address engine_refusal gives), else for want of memory.
 */
function refused(wasm) {
  const at = guarded(wasm, () => wasm.engine_refusal()) >>> 0;
  const [address, length] = inside(wasm, at, 8) ? new Uint32Array(wasm.memory.buffer, at, 2) : [0, 0];
  if (length === 0 || !inside(wasm, address, length)) throw outOfMemory('a new handle');
  const reason = String.fromCharCode(...new Uint8Array(wasm.memory.buffer, address, length));
  throw new RangeError(`wasm-eventsource: ${reason}`);
}

/** The loaded module's exports; throws if it is not loaded (a trap dropped it since). */
function loaded() {
  const wasm = wasmExports();
  if (!wasm) throw new Error('wasm-eventsource: the WebAssembly module is not loaded');
  return wasm;
}

/** What engines and parsers share: the module, the handle, its release, and trap handling. */
class Handle {
  #release;
  #ref = new WeakRef(this);
  /** Set when the instance trapped: the handle is gone with it. */
  failure = null;
  /** Called (in a microtask) when the instance traps, with the error. */
  onFailure = null;

  constructor(wasm, handle, free) {
    if (handle === 0) throw outOfMemory('a new handle');
    this.wasm = wasm;
    this.handle = handle;
    this.#release = () => free(handle);
    unfreed.register(this, { release: this.#release, ref: this.#ref, wasm }, this);
    live.add(this.#ref);
  }

  /**
   * Calls `exported` (an export taking the handle first) with `args`. After a trap, here
   * or in another handle of the instance, it calls nothing and returns 0.
   */
  call(exported, ...args) {
    if (this.handle === 0 || this.failure) return 0;
    try {
      return exported(this.handle, ...args);
    } catch (cause) {
      instanceFailed(this.wasm, cause);
      return 0;
    }
  }

  /** The batch of tokens at `address` (see tokens.js); no tokens for 0. */
  batch(address) {
    return address === 0 ? emptyBatch() : readTokens(this.wasm.memory, address);
  }

  /**
   * Where the next chunk of `length` bytes goes (valid until the next call), checked to lie
   * in the module's memory; 0 for a freed handle. Throws a RangeError when the module has no
   * room for it, and the module's failure after a trap.
   */
  input(exported, length) {
    if (this.handle === 0) return 0;
    const address = this.call(exported, length) >>> 0;
    if (!inside(this.wasm, address, length)) throw this.failure ?? outOfMemory(`a chunk of ${length} bytes`);
    return address;
  }

  /** Releases the handle; later calls on it do nothing. */
  free() {
    if (this.handle === 0) return;
    unfreed.unregister(this);
    live.delete(this.#ref);
    // The instance of a failed handle is gone: nothing to release there.
    if (!this.failure) this.#release();
    this.handle = 0;
  }
}

/**
 * The connection engine of one EventSource, made from `settings` (each number undefined for
 * the default): `initialDelay`, `maxDelay` (ms), `factor`, `jitter`, `maxRetries`,
 * `retryOnStatus` (HTTP statuses), `maxEventSize` (bytes), `lastEventId` and `seed` (of the
 * jitter). This is the one place they are spelled into engine_new's arguments, in the order
 * of binding/src/engine_handle.rs's `Settings`. Settings the engine refuses throw a RangeError with
 * its reason (the core's `ConfigError`). Each method returns a batch of tokens (tokens.js).
 */
export class Engine extends Handle {
  constructor({ initialDelay, maxDelay, factor, jitter, maxRetries, retryOnStatus = [], maxEventSize, lastEventId, seed }) {
    const wasm = loaded();
    const [idLength] = writeArguments(wasm, [lastEventId ?? ''], retryOnStatus);
    const handle = guarded(wasm, () =>
      wasm.engine_new(
        initialDelay ?? NaN,
        maxDelay ?? NaN,
        factor ?? NaN,
        jitter ?? NaN,
        maxRetries ?? NaN,
        maxEventSize ?? NaN,
        seed,
        idLength,
        retryOnStatus.length,
      ),
    );
    if (handle === 0) refused(wasm);
    super(wasm, handle, wasm.engine_free);
  }

  /** Where the next chunk of `length` bytes is written (valid until the next call). */
  input(length) {
    return super.input(this.wasm.engine_input, length);
  }

  /** A chunk of the body arrived: the first `length` bytes of the input. */
  chunk(length) {
    return this.batch(this.call(this.wasm.engine_chunk, length));
  }

  /** Starts the first connection. */
  connect() {
    return this.batch(this.call(this.wasm.engine_connect));
  }

  /** The response head arrived (`now` is the Unix time in milliseconds). */
  response(status, contentType, retryAfter, now) {
    const [typeLength, retryLength] = writeArguments(this.wasm, [contentType, retryAfter]);
    return this.batch(this.call(this.wasm.engine_response, status, typeLength, retryLength, now));
  }

  /** The body ended. */
  end() {
    return this.batch(this.call(this.wasm.engine_end));
  }

  /** The request or the body read failed. */
  networkError() {
    return this.batch(this.call(this.wasm.engine_network_error));
  }

  /** No byte arrived within the stall timeout. */
  stall() {
    return this.batch(this.call(this.wasm.engine_stall));
  }

  /** The connection stops (offline, page hidden) without spending a retry. */
  suspend() {
    return this.batch(this.call(this.wasm.engine_suspend));
  }

  /** The reconnect delay is over. */
  retryTimer() {
    return this.batch(this.call(this.wasm.engine_retry_timer));
  }
}

/** One stream's parser; `maxEventSize` (bytes) bounds one event, undefined takes the default. */
export class Parser extends Handle {
  constructor(maxEventSize) {
    const wasm = loaded();
    super(wasm, guarded(wasm, () => wasm.parser_new(maxEventSize ?? NaN)), wasm.parser_free);
  }

  /** Where the next chunk of `length` bytes is written (valid until the next call). */
  input(length) {
    return super.input(this.wasm.parser_input, length);
  }

  /** Parses the first `length` bytes of the input; returns their batch. */
  chunk(length) {
    return this.batch(this.call(this.wasm.parser_chunk, length));
  }

  /** The body ended: an event not yet ended by a blank line is discarded. */
  end() {
    this.call(this.wasm.parser_end);
  }
}
