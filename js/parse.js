// The parser alone, for callers that make the request themselves: the same spec-exact Rust
// parser the EventSource class uses, as a TransformStream and as an async iterator.
// First, so that a bundle puts the module's text ahead of the code (see connection.js).
import { DEFLATED_PARSER_WASM } from '../pkg/wasm_parser_inline.js';
import { inflate } from './inline.js';
import { Parser } from './handles.js';
import { callUser } from './listeners.js';
import { normalizeParseOptions } from './options.js';
import { SKIPPED_REASONS, TAG, feedChunk, walkTokens } from './tokens.js';
import { instantiate, loadWasm, setWasmLoader, wasmExports, wasmLoadError } from './wasm.js';

// The tags as plain constants: the token loop below compares each token's against them.
const { MESSAGE, NAMED, MESSAGE_WITH_ID, NAMED_WITH_ID, COMMENT, RETRY } = TAG;

// The parser needs only the parser-only module, which is what a bundle without the class
// carries and loads; where the class is in too, the whole module it offers (connection.js)
// takes precedence and serves both.
setWasmLoader(() => instantiate(inflate(DEFLATED_PARSER_WASM)), { engine: false });

/** The most bytes handed to the parser at once, which bounds its share of wasm memory. */
const SLICE_BYTES = 64 * 1024;

const utf8 = new TextEncoder();

/** What each reason of a skipped event says. */
const SKIPPED_MESSAGES = {
  'event-too-large': (limit) => `an event exceeded maxEventSize (${limit} bytes)`,
  'id-too-large': (limit) => `an event's id exceeded ${limit} bytes`,
  'out-of-memory': (bytes) => `an event needed ${bytes} more bytes than the WebAssembly module could have`,
};

/**
 * Reported when an event is skipped: it grew past `maxEventSize` (`reason` 'event-too-large'),
 * its id past the longest the parser takes ('id-too-large', see MAX_ID_SIZE in
 * src/core/parser.rs), or the memory it needed could not be had ('out-of-memory'). `limit` is
 * the bound passed (the bytes asked for, for 'out-of-memory').
 */
export class EventTooLargeError extends RangeError {
  constructor(limit, reason = 'event-too-large') {
    super(`wasm-eventsource: ${(SKIPPED_MESSAGES[reason] ?? SKIPPED_MESSAGES['event-too-large'])(limit)}`);
    this.name = 'EventTooLargeError';
    this.limit = limit;
    this.reason = reason;
  }
}


function isHighSurrogate(code) {
  return code >= 0xd800 && code <= 0xdbff;
}

/** One stream's parse state: the wasm parser, the last event id, a held-back surrogate. */
class StreamState {
  #parser;
  #options;
  #id = '';
  /** A high surrogate that ended a string chunk: its pair may start the next one. */
  #heldSurrogate = '';
  /** The error that ends the stream, once one happened. */
  error = null;

  constructor(options) {
    this.#options = options;
    this.#parser = new Parser(options.maxEventSize);
  }

  /**
   * Parses one chunk. Returns its events in stream order, with the callbacks (comments,
   * retries, skipped events) as functions in their places; on a fatal error, `error` is set.
   */
  feed(chunk) {
    const events = [];
    if (!this.#parser) return events;
    const bytes = this.#bytes(chunk);
    const parser = this.#parser;
    try {
      for (let at = 0; at < bytes.length && !this.error; at += SLICE_BYTES) {
        this.#collect(feedChunk(parser, bytes.subarray(at, at + SLICE_BYTES)), events);
      }
    } catch (error) {
      // No room in the module for the chunk: the stream cannot go on.
      this.error = error;
    }
    // The module trapped (here, or for another stream of the page): the parse state is gone.
    this.error ??= parser.failure;
    return events;
  }

  /** The input ended: a lone surrogate left over is U+FFFD; an unended event is dropped. */
  end() {
    const events = this.#heldSurrogate ? this.feed(new Uint8Array()) : [];
    this.#parser?.end();
    this.free();
    return events;
  }

  /** Releases the wasm parser; later chunks are ignored. */
  free() {
    this.#parser?.free();
    this.#parser = null;
  }

  #bytes(chunk) {
    let prefix = this.#heldSurrogate;
    this.#heldSurrogate = '';
    if (typeof chunk === 'string') {
      let text = prefix + chunk;
      if (isHighSurrogate(text.charCodeAt(text.length - 1))) {
        this.#heldSurrogate = text.slice(-1);
        text = text.slice(0, -1);
      }
      return utf8.encode(text);
    }
    let bytes;
    if (chunk instanceof Uint8Array) bytes = chunk;
    else if (ArrayBuffer.isView(chunk)) bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else if (Object.prototype.toString.call(chunk) === '[object ArrayBuffer]') bytes = new Uint8Array(chunk);
    else throw new TypeError('wasm-eventsource: a chunk must be a string, an ArrayBuffer or a typed array');
    if (!prefix) return bytes;
    // A lone surrogate before bytes is what TextEncoder makes of it: U+FFFD.
    const lone = utf8.encode(prefix);
    const joined = new Uint8Array(lone.length + bytes.length);
    joined.set(lone);
    joined.set(bytes, lone.length);
    return joined;
  }

  /** Decodes a batch of the parser's tokens (see binding/src/lib.rs and tokens.js) into `events`. */
  #collect(tokens, events) {
    const options = this.#options;
    walkTokens(tokens, (tag, text, field, third) => {
      switch (tag) {
        case MESSAGE:
          events.push({ type: 'message', data: text, id: this.#id });
          break;
        case NAMED: // its data is the field
          events.push({ type: text, data: field, id: this.#id });
          break;
        case MESSAGE_WITH_ID:
          this.#id = field;
          events.push({ type: 'message', data: text, id: field });
          break;
        case NAMED_WITH_ID:
          this.#id = third;
          events.push({ type: text, data: field, id: third });
          break;
        case COMMENT: {
          const { onComment } = options;
          if (onComment) events.push(() => callUser(onComment, text));
          break;
        }
        case RETRY: {
          const { onRetry } = options;
          if (onRetry) events.push(() => callUser(onRetry, Number(text)));
          break;
        }
        default: {
          // An event was skipped (too large, its id too long, no memory for it).
          const reason = SKIPPED_REASONS.get(tag);
          if (reason === undefined) break;
          const error = new EventTooLargeError(Number(text), reason);
          const { onError } = options;
          if (!onError) {
            this.error = error;
            return false;
          }
          events.push(() => callUser(onError, error));
          break;
        }
      }
      return true;
    });
  }
}

/**
 * A TransformStream from a `text/event-stream` body (bytes or text) to `{ type, data, id }`
 * events: `response.body.pipeThrough(new EventStreamParser())`.
 */
export class EventStreamParser extends TransformStream {
  constructor(options) {
    const checked = normalizeParseOptions(options);
    let state = null;
    const enqueueAll = (items, controller) => {
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (typeof item === 'function') item();
        else controller.enqueue(item);
      }
    };
    super({
      async start() {
        await loadedWasm();
        state = new StreamState(checked);
      },
      transform(chunk, controller) {
        enqueueAll(state.feed(chunk), controller);
        if (state.error) {
          state.free();
          throw state.error;
        }
      },
      flush(controller) {
        enqueueAll(state.end(), controller);
      },
      cancel() {
        state?.free();
      },
    });
  }
}

/** The chunks of a Response, a ReadableStream, or any (async) iterable of chunks. */
function chunksOf(input) {
  if (typeof Response !== 'undefined' && input instanceof Response) {
    if (input.bodyUsed) throw new TypeError('wasm-eventsource: the response body was already read');
    return input.body ? readStream(input.body) : [];
  }
  if (input && typeof input.getReader === 'function') return readStream(input);
  if (input && (typeof input[Symbol.asyncIterator] === 'function' || typeof input[Symbol.iterator] === 'function')) {
    if (typeof input === 'string') throw new TypeError('wasm-eventsource: pass the text as one chunk: [text]');
    return input;
  }
  throw new TypeError('wasm-eventsource: parseEvents takes a Response, a ReadableStream or an iterable of chunks');
}

/** Reads a stream to its end; leaving early cancels it (which aborts a fetch's body). */
async function* readStream(stream) {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** The events of one batch, running its callbacks when their turn comes. */
function* inOrder(items) {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item === 'function') item();
    else yield item;
  }
}

/**
 * Resolves when a module is loaded to make parsers on; a load that fails rejects with what to
 * do about it. The module a load gave may be gone by the time this goes on (the whole module
 * is taking a parser-only one's place, or it trapped): then it waits for the next.
 */
async function loadedWasm() {
  do {
    try {
      await loadWasm();
    } catch (cause) {
      throw wasmLoadError(cause);
    }
  } while (!wasmExports());
}

async function* events(chunks, options) {
  await loadedWasm();
  const state = new StreamState(options);
  try {
    for await (const chunk of chunks) {
      yield* inOrder(state.feed(chunk));
      if (state.error) throw state.error;
    }
    yield* inOrder(state.end());
  } finally {
    state.free();
  }
}

/**
 * The events of a `text/event-stream` body, for `for await`: `parseEvents(response)`.
 * Leaving the loop early cancels the body. Options are checked at once.
 */
export function parseEvents(input, options) {
  const checked = normalizeParseOptions(options);
  return events(chunksOf(input), checked);
}
