// The built wasm loads in Node, and the engine binding's batches of tokens (binding/src/lib.rs)
// read back, through js/tokens.js, as what js/connection.js expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import '../../js/index.js';
import { Engine } from '../../js/handles.js';
import { DEFAULT_RECONNECT_MS, normalizeInit } from '../../js/options.js';
import { TAG, feedChunk, walkTokens } from '../../js/tokens.js';
import { loadWasm, wasmExports } from '../../js/wasm.js';

await loadWasm();
const { memory } = wasmExports();
const encoder = new TextEncoder();

/** A batch as its tokens' texts: tag and text, then any other fields apart. */
function tokens(batch) {
  const out = [];
  walkTokens(batch, (tag, text, field, third) => {
    out.push(String.fromCharCode(tag) + text);
    if (field !== undefined) out.push(field);
    if (third !== undefined) out.push(third);
  });
  return out;
}

/** Hands `bytes` to the engine `e` as one chunk; returns its batch. */
const chunk = feedChunk;

/** The same, joined with CR. */
const t = (batch) => tokens(batch).join('\r');

/** An engine with no jitter, so delays are exact. */
function engine({ maxEventSize, lastEventId, retryOnStatus = [], maxRetries } = {}) {
  return new Engine({ initialDelay: 1000, maxDelay: 8000, factor: 2, jitter: 0, maxRetries, retryOnStatus, maxEventSize, lastEventId, seed: 7 });
}

function opened(options) {
  const e = engine(options);
  e.connect();
  assert.equal(t(e.response(200, 'text/event-stream', undefined, Date.now())), 'o');
  return e;
}

test('connect asks for a request with the last event id', () => {
  assert.equal(t(engine().connect()), 'c');
  assert.equal(t(engine({ lastEventId: '41' }).connect()), 'c41');
});

test('messages cross as one token each, with the id when it changed', () => {
  const e = opened();
  const actions = chunk(e, encoder.encode('id: 7\nevent: tick\ndata: a\ndata: b\n\ndata: c\n\nid: 8\ndata:\n\n'));
  assert.deepEqual(tokens(actions), ['Ntick', 'a\nb', '7', 'mc', 'M', '8']);
  const again = chunk(e, encoder.encode('id: 8\ndata: same\n\nid\ndata: none\n\nid: 9\n\nevent: e\ndata: x\n\n'));
  assert.deepEqual(tokens(again), ['msame', 'Mnone', '', 'Ne', 'x', '9'], 'an id set with no event is told with the next one');
});

test('text that is not all ASCII crosses in the wide string, in its place among the rest', () => {
  const e = opened();
  const body = 'id: é1\nevent: ☃\ndata: a\n\ndata: ü😀x\n\n: ✓ ok\nevent: t\ndata: 😀\n\nid: 2\ndata: plain\n\ndata: \uFEFFbom\n\n';
  const batch = chunk(e, encoder.encode(body));
  assert.equal(batch.ascii, 'atplain2', 'the ASCII fields, one after another');
  assert.equal(batch.wide, '☃é1ü😀x✓ ok😀\uFEFFbom', 'the others, the BOM kept');
  assert.deepEqual(tokens(chunk(opened(), encoder.encode(body))), ['N☃', 'a', 'é1', 'mü😀x', 'k✓ ok', 'nt', '😀', 'Mplain', '2', 'm\uFEFFbom']);
});

test('wide fields of every length and char width are sliced whole', () => {
  const e = opened();
  const texts = [];
  for (let length = 1; length <= 40; length++) texts.push(Array.from({ length }, (_, i) => ['a', 'é', '€', '😀'][(i * 7 + length) % 4]).join('') + '€');
  const body = texts.map((text) => `data: ${text}\n\n`).join('');
  assert.deepEqual(tokens(chunk(e, encoder.encode(body))), texts.map((text) => `m${text}`));
});

test('a field that starts the wide string with U+FEFF keeps it', () => {
  const e = opened();
  assert.equal(t(chunk(e, encoder.encode('data: a\n\n'))), 'ma');
  assert.equal(t(chunk(e, encoder.encode('data: \uFEFFb\n\n: \uFEFF\n'))), 'm\uFEFFb\rk\uFEFF');
});

test('a batch walks whole while a visit reads the next one', () => {
  const e = opened();
  const outer = (chunk(e, encoder.encode('data: a\n\nevent: x\ndata: b\n\ndata: c\n\n')));
  const seen = [];
  walkTokens(outer, (tag, text, field) => {
    seen.push(String.fromCharCode(tag) + text + (field ?? ''));
    if (seen.length === 1) seen.push(t(chunk(e, encoder.encode(': hello\nid: 9\ndata: zz\n\n'))));
  });
  assert.deepEqual(seen, ['ma', 'khello\rMzz\r9', 'nxb', 'mc']);
});

test('a batch is read again after the memory grew', () => {
  const e = opened();
  const big = 'x'.repeat(8 << 20);
  assert.equal(t(chunk(e, encoder.encode('data: é\n\n'))), 'mé');
  const before = memory.buffer;
  assert.equal(t(chunk(e, encoder.encode(`data: ${big}\n\ndata: ü\n\n`))), `m${big}\rmü`);
  assert.notEqual(memory.buffer, before, 'the memory grew');
});

test('after a huge event, a batch gives its memory back', () => {
  const huge = encoder.encode(`data: ${'x'.repeat(8 << 20)}\n\n`);
  const before = memory.buffer.byteLength;
  const engines = [];
  for (let n = 0; n < 8; n++) {
    const e = opened();
    for (let at = 0; at < huge.length; at += 64 * 1024) tokens(chunk(e, huge.subarray(at, at + 64 * 1024)));
    assert.equal(t(chunk(e, encoder.encode('data: a\n\n'))), 'ma');
    engines.push(e);
  }
  const grown = (memory.buffer.byteLength - before) / 2 ** 20;
  assert.ok(grown < 80, `eight engines that each had an 8 MiB event grew the memory by ${grown} MiB`);
  for (const e of engines) e.free();
});

test('an input with nothing to report gives an empty batch, not the last one', () => {
  const e = opened();
  assert.equal(t(chunk(e, encoder.encode('data: a\n\n'))), 'ma');
  assert.deepEqual(tokens(chunk(e, encoder.encode('data: b'))), []);
  assert.equal(t(chunk(e, encoder.encode('\n\n'))), 'mb');
});

test('a retry field stays in the engine: it sends no token, and sets the next delay', () => {
  const e = opened();
  assert.equal(t(chunk(e, encoder.encode('retry: 250\ndata: x\n\n'))), 'mx');
  assert.deepEqual(t(e.end()).split('\r'), ['r250', 'ended', '0']);
});

test('a character split across chunks comes out whole', () => {
  const bytes = encoder.encode('data: €😀\n\n');
  for (let at = 0; at <= bytes.length; at++) {
    const e = opened();
    const actions = t(chunk(e, bytes.subarray(0, at))) + t(chunk(e, bytes.subarray(at)));
    assert.equal(actions, 'm€😀', `split at ${at}`);
  }
});

test('comments, skipped events, reconnects and failures are encoded', () => {
  const e = opened({ maxEventSize: 12 });
  assert.equal(t(chunk(e, encoder.encode(': hi\nretry: 250\ndata: far too long\n\ndata: ok\n\n'))), 'khi\rs12\rmok');
  assert.equal(t(e.end()), 'r250\rended\r0');
  assert.equal(t(e.retryTimer()), 'c');
  assert.equal(t(e.response(404, 'text/plain', undefined, Date.now())), 'fstatus\r0');
});

test('Retry-After is honoured for a status the policy retries', () => {
  const e = engine({ retryOnStatus: [503] });
  e.connect();
  assert.equal(t(e.response(503, undefined, '5', Date.now())), 'r5000\rstatus\r1', 'a wait the server asked for');
  const now = Date.UTC(2026, 0, 1);
  assert.equal(t(e.retryTimer()), 'c');
  assert.equal(t(e.response(503, undefined, new Date(now + 9000).toUTCString(), now)), 'r9000\rstatus\r1');
  assert.equal(t(e.retryTimer()), 'c');
  assert.equal(t(e.response(503, undefined, 'soon', now)), 'r4000\rstatus\r0', 'an unreadable Retry-After asks for nothing');
  assert.equal(t(e.retryTimer()), 'c');
  assert.equal(t(e.response(503, undefined, new Date(now - 9000).toUTCString(), now)), 'r8000\rstatus\r0', 'nor a date past');
});

test('max retries ends in a failure that says so', () => {
  const e = opened({ maxRetries: 0 });
  assert.equal(t(e.networkError()), 'fnetwork\r1');
});

test('the module imports nothing and exports only its memory and handle calls', async () => {
  const bytes = await readFile(new URL('../../pkg/wasm_eventsource.wasm', import.meta.url));
  const module = new WebAssembly.Module(bytes);
  assert.deepEqual(WebAssembly.Module.imports(module), []);
  const calls = WebAssembly.Module.exports(module).map((e) => e.name).filter((name) => !name.startsWith('__'));
  const kinds = ['chunk', 'connect', 'end', 'free', 'input', 'network_error', 'new', 'refusal', 'response', 'retry_timer', 'stall', 'suspend'];
  const expected = ['arguments', 'memory', ...kinds.map((k) => `engine_${k}`), ...['chunk', 'end', 'free', 'input', 'new'].map((k) => `parser_${k}`)];
  assert.deepEqual(calls.sort(), expected.sort());
});

test('text and statuses cross whole through the argument buffer', () => {
  assert.equal(t(engine({ lastEventId: 'é☃😀' }).connect()), 'cé☃😀');
  const e = engine({ retryOnStatus: [500, 503, 599] });
  e.connect();
  assert.equal(t(e.response(599, 'text/plain', '7', Date.now())), 'r7000\rstatus\r1');
  assert.equal(t(e.retryTimer()), 'c');
  assert.equal(t(e.response(500, undefined, undefined, Date.now())), 'r2000\rstatus\r0', 'the second retry');
  assert.equal(t(e.retryTimer()), 'c');
  assert.equal(t(e.response(200, 'text/event-stream; charset=utf-8', '3', Date.now())), 'o');
  const bare = engine();
  bare.connect();
  assert.equal(t(bare.response(200, null, null, Date.now())), 'fcontent-type\r0', 'null is no header');
  assert.equal(t(e.end()), 'r1000\rended\r0', 'the Retry-After of a good response is not kept');
  assert.equal(t(e.retryTimer()), 'c');
  assert.equal(t(e.response(502, 'text/event-stream', undefined, Date.now())), 'fstatus\r0', '502 is not listed');
});

test('a freed handle does nothing, and the other handles go on', () => {
  const [a, b] = [opened(), opened()];
  const freed = a.handle;
  a.free();
  a.free();
  assert.deepEqual(tokens(a.connect()), []);
  assert.deepEqual(tokens(chunk(a, encoder.encode('data: lost\n\n'))), []);
  assert.equal(t(chunk(b, encoder.encode('data: kept\n\n'))), 'mkept');
  const c = opened();
  assert.equal(c.handle, freed, 'a new engine takes the freed slot');
  assert.equal(t(chunk(c, encoder.encode('data: new\n\n'))), 'mnew');
});

/** A full garbage collection, where the runtime lets a test ask for one (else null). */
function garbageCollector() {
  if (globalThis.Bun) return () => globalThis.Bun.gc(true);
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc');
  } catch {
    return null;
  }
}

const collectGarbage = garbageCollector();

test('engines nobody freed are released once they are collected', { skip: !collectGarbage && 'no way to collect garbage' }, async () => {
  // Every handle given out so far is at most the newest of these, so new engines stay at or
  // below it only if these slots were freed.
  let dropped = Array.from({ length: 100 }, () => engine().handle);
  const newest = Math.max(...dropped);
  dropped = null;
  for (let round = 0; round < 20; round++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const next = Array.from({ length: 100 }, () => engine());
  assert.deepEqual(next.filter((e) => e.handle > newest).length, 0, 'each took a collected engine\'s slot');
  for (const e of next) e.free();
});

test("a policy the engine refuses throws a RangeError with the engine's reason", () => {
  const refused = (settings) => () => new Engine({ initialDelay: 1000, maxDelay: 8000, seed: 1, ...settings });
  assert.throws(refused({ factor: 0.5 }), { name: 'RangeError', message: 'wasm-eventsource: retry factor must be a finite number >= 1' });
  assert.throws(refused({ jitter: 2 }), { name: 'RangeError', message: 'wasm-eventsource: retry jitter must be between 0 and 1' });
  assert.throws(refused({ maxDelay: 10 }), { name: 'RangeError', message: 'wasm-eventsource: retry maxDelay must be >= initialDelay' });
  refused({})().free();
  assert.throws(refused({ factor: Infinity }), /must be a finite number/, 'and the next refusal says its own reason');
});

test('the entry exports exactly the values index.d.ts declares', async () => {
  const types = await readFile(new URL('../../js/index.d.ts', import.meta.url), 'utf8');
  const declared = [...types.matchAll(/^export declare (?:class|function|const) (\w+)/gm)].map((m) => m[1]).sort();
  assert.ok(declared.includes('EventSource'), 'the declarations were read');
  const entry = await import('../../js/index.js');
  assert.deepEqual(Object.keys(entry).sort(), declared);
});

test("JavaScript's token tags are the binding's, name for name", async () => {
  const rust = await readFile(new URL('../../binding/src/tokens.rs', import.meta.url), 'utf8');
  const tags = [...rust.matchAll(/pub const (\w+): char = '(.)';/g)].map(([, name, letter]) => [name, letter.charCodeAt(0)]);
  assert.ok(tags.length >= 14, 'the binding\'s tags were read');
  assert.deepEqual(Object.fromEntries(tags), { ...TAG });
});

test('the constructor refuses exactly the retry policies the engine refuses', () => {
  // The constructor checks before the module is loaded, so it holds its own copy of the
  // rules; over every combination here, it and the engine must agree.
  const values = {
    initialDelay: [undefined, 0, 100, 3000, 60_000, 70_000],
    maxDelay: [undefined, 0, 50, 3000, 60_000, 1e9],
    factor: [undefined, 1, 2, 1e6],
    jitter: [undefined, 0, 0.5, 1],
  };
  let checked = 0;
  for (const initialDelay of values.initialDelay) {
    for (const maxDelay of values.maxDelay) {
      for (const factor of values.factor) {
        for (const jitter of values.jitter) {
          const retry = { initialDelay, maxDelay, factor, jitter };
          let options;
          try {
            options = normalizeInit({ retry });
          } catch {
            options = null;
          }
          let accepted = true;
          try {
            new Engine({ ...retry, seed: 1 }).free();
          } catch {
            accepted = false;
          }
          assert.equal(options !== null, accepted, JSON.stringify(retry));
          checked += 1;
        }
      }
    }
  }
  assert.equal(checked, 6 * 6 * 4 * 4);
});

test("JavaScript's default reconnection time is the engine's", () => {
  const e = new Engine({ jitter: 0, seed: 7 });
  e.connect();
  e.response(200, 'text/event-stream', undefined, Date.now());
  assert.equal(t(e.end()), `r${DEFAULT_RECONNECT_MS}\rended\r0`);
});

test('an id that moves with no message is told at the end of its chunk', () => {
  const e = opened();
  assert.equal(t(chunk(e, encoder.encode('data: a\n\nid: 2\n\n'))), 'ma\rI2');
  assert.equal(t(chunk(e, encoder.encode('data: b\n\n'))), 'mb', 'told once');
  assert.equal(t(chunk(e, encoder.encode('id\n\n'))), 'I', 'an empty id resets it');
});
