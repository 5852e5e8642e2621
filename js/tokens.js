// The bridge to the wasm side's handles (see binding/src/lib.rs), in the module's memory:
// chunks go in through a handle's input buffer, and the batches of tokens that come back
// are read out of it: a table of words, and the ASCII and wide strings the fields are
// sliced from by their lengths. The tags below have a second field.

/**
 * The tags of the tokens, by char code: binding/src/tokens.rs (`mod tag`) names the same
 * letters, and a test (tests/js/pipeline.test.mjs) reads that list to check they agree.
 */
export const TAG = Object.freeze({
  CONNECT: 99, // c + last event id: issue the request
  OPEN: 111, // o: the stream is open
  MESSAGE: 109, // m + data: a message of the default type
  NAMED: 110, // n + type, data: a message of a named type
  MESSAGE_WITH_ID: 77, // M + data, id: a message of the default type whose id is new
  NAMED_WITH_ID: 78, // N + type, data, id: a message of a named type whose id is new
  ID: 73, // I + id: the last event id changed with no message
  COMMENT: 107, // k + text: a comment line
  RETRY: 116, // t + milliseconds: a valid retry field
  RECONNECT: 114, // r + delay, reason, whether Retry-After asked for the wait: reconnecting after the delay
  FAILED: 102, // f + reason, whether retries ran out: failed for good
  EVENT_TOO_LARGE: 115, // s + limit: an event over the size limit was skipped
  ID_TOO_LARGE: 105, // i + limit: an event whose id is over the limit was skipped
  OUT_OF_MEMORY: 120, // x + bytes: an event was skipped, for want of that much memory
});
const { NAMED, MESSAGE_WITH_ID, NAMED_WITH_ID, RECONNECT, FAILED } = TAG;

/**
 * The tags of a skipped event and the reason each is reported with; the token's text is
 * the limit passed (the bytes asked for, for OUT_OF_MEMORY).
 */
export const SKIPPED_REASONS = new Map([
  [TAG.EVENT_TOO_LARGE, 'event-too-large'],
  [TAG.ID_TOO_LARGE, 'id-too-large'],
  [TAG.OUT_OF_MEMORY, 'out-of-memory'],
]);

/**
 * The decoder of the batches' strings, which keeps a leading U+FEFF (a field may start with
 * one). WebKit's decoder fails after about 2 GiB, so a fresh one is made before that.
 */
const DECODER_BYTES = 2 ** 31 - 2 ** 21;
let decoder = new TextDecoder('utf-8', { ignoreBOM: true });
let decoded = 0;

/** Views of the module's memory, made again when it grows (which detaches the old ones). */
let words = new Uint32Array(0);
let bytes = new Uint8Array(0);

/** Makes the views again if `memory` is not the buffer they view (it grew, or is another instance's). */
function view(memory) {
  if (words.buffer !== memory.buffer) {
    words = new Uint32Array(memory.buffer);
    bytes = new Uint8Array(memory.buffer);
  }
}

/**
 * Hands `chunk` (at most 64 KiB: the input buffer keeps the largest size) to `handle`, an
 * Engine or a Parser: copies it into the handle's input buffer, then has it parsed.
 * Returns the batch (for walkTokens), empty for a freed handle. Throws a RangeError when
 * the module has no room.
 */
export function feedChunk(handle, chunk) {
  const address = handle.input(chunk.length);
  if (address === 0) return emptyBatch();
  view(handle.wasm.memory);
  bytes.set(chunk, address);
  return handle.chunk(chunk.length);
}

/** The `length` bytes of memory at `start`, as a string. */
function text(start, length) {
  if (length === 0) return '';
  decoded += length;
  if (decoded >= DECODER_BYTES) {
    decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    decoded = length;
  }
  return decoder.decode(bytes.subarray(start, start + length));
}

/**
 * Tables being walked are copied out of the module's memory, so that a call into the module
 * from a visit (which reuses or moves it) cannot change them; the copies are kept for the
 * next batch, one per walk under way, as allocating one per batch was most of reading it.
 */
const spareTables = [];
const SPARE_TABLES_KEPT = 4;

/** A batch of no tokens: what a handle gives once its instance trapped. */
export const emptyBatch = () => ({ table: new Uint32Array(0), length: 0, ascii: '', wide: '' });

/**
 * The batch whose header is at `address` in `memory`, a module's memory: `{ table, length,
 * ascii, wide }`, with the first `length` words of `table` its tokens. It is walked once
 * (walkTokens).
 */
export function readTokens(memory, address) {
  view(memory);
  const at = address >>> 2;
  const start = words[at] >>> 2;
  const length = words[at + 1];
  let table = spareTables.pop();
  if (table === undefined || table.length < length) table = new Uint32Array(Math.max(length, 1024));
  table.set(words.subarray(start, start + length));
  return { table, length, ascii: text(words[at + 2], words[at + 3]), wide: text(words[at + 4], words[at + 5]) };
}

/**
 * Calls `visit(tag, text, field, third)` for each token of a batch in order: `tag` is the
 * tag's char code, `field` and `third` the second and third fields of the tags that have
 * them (else undefined). The walk stops when `visit` returns false. A batch walked again
 * has no tokens.
 */
export function walkTokens(batch, visit) {
  const { table, length, ascii, wide } = batch;
  batch.length = 0;
  let inAscii = 0;
  let inWide = 0;
  try {
    for (let at = 0; at < length; ) {
      const tag = table[at];
      let word = table[at + 1];
      let text;
      if (word & 1) text = wide.slice(inWide, (inWide += word >>> 1));
      else text = ascii.slice(inAscii, (inAscii += word >>> 1));
      at += 2;
      let field, third;
      if (tag === NAMED || tag === MESSAGE_WITH_ID || tag === NAMED_WITH_ID || tag === RECONNECT || tag === FAILED) {
        word = table[at];
        if (word & 1) field = wide.slice(inWide, (inWide += word >>> 1));
        else field = ascii.slice(inAscii, (inAscii += word >>> 1));
        at += 1;
        if (tag === NAMED_WITH_ID || tag === RECONNECT) {
          word = table[at];
          if (word & 1) third = wide.slice(inWide, (inWide += word >>> 1));
          else third = ascii.slice(inAscii, (inAscii += word >>> 1));
          at += 1;
        }
      }
      if (visit(tag, text, field, third) === false) return;
    }
  } finally {
    if (spareTables.length < SPARE_TABLES_KEPT) spareTables.push(table);
  }
}

/** The tag of a batch's first token (0 for an empty batch). */
export const firstTag = ({ table, length }) => (length > 0 ? table[0] : 0);
