// The built wasm loads in Node, and the engine binding's action encoding (binding/src/lib.rs)
// is what js/connection.js expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import init, { Engine } from '../../pkg/wasm_eventsource.js';

await init({ module_or_path: await readFile(new URL('../../pkg/wasm_eventsource_bg.wasm', import.meta.url)) });
const encoder = new TextEncoder();

/** An engine with no jitter, so delays are exact. */
function engine({ maxEventSize, lastEventId, retryOnStatus = [], maxRetries } = {}) {
  return new Engine(1000, 8000, 2, 0, maxRetries, Uint16Array.from(retryOnStatus), maxEventSize, lastEventId, 7);
}

function opened(options) {
  const e = engine(options);
  e.connect();
  assert.equal(e.response(200, 'text/event-stream', undefined, Date.now()), 'o');
  return e;
}

test('connect asks for a request with the last event id', () => {
  assert.equal(engine().connect(), 'c');
  assert.equal(engine({ lastEventId: '41' }).connect(), 'c41');
});

test('messages cross as CR-separated tokens, the id only when it changes', () => {
  const e = opened();
  const actions = e.chunk(encoder.encode('id: 7\nevent: tick\ndata: a\ndata: b\n\ndata: c\n\nid: 8\ndata:\n\n'));
  assert.deepEqual(actions.split('\r'), ['i7', 'ntick', 'a\nb', 'mc', 'i8', 'm']);
});

test('a retry field stays in the engine: it sends no token, and sets the next delay', () => {
  const e = opened();
  assert.equal(e.chunk(encoder.encode('retry: 250\ndata: x\n\n')), 'mx');
  assert.deepEqual(e.end().split('\r'), ['r250', 'ended']);
});

test('a character split across chunks comes out whole', () => {
  const bytes = encoder.encode('data: €😀\n\n');
  for (let at = 0; at <= bytes.length; at++) {
    const e = opened();
    const actions = e.chunk(bytes.subarray(0, at)) + e.chunk(bytes.subarray(at));
    assert.equal(actions, 'm€😀', `split at ${at}`);
  }
});

test('comments, skipped events, reconnects and failures are encoded', () => {
  const e = opened({ maxEventSize: 12 });
  assert.equal(e.chunk(encoder.encode(': hi\nretry: 250\ndata: far too long\n\ndata: ok\n\n')), 'khi\rs12\rmok');
  assert.equal(e.end(), 'r250\rended');
  assert.equal(e.retryTimer(), 'c');
  assert.equal(e.response(404, 'text/plain', undefined, Date.now()), 'fstatus\r0');
});

test('Retry-After is honoured for a status the policy retries', () => {
  const e = engine({ retryOnStatus: [503] });
  e.connect();
  assert.equal(e.response(503, undefined, '5', Date.now()), 'r5000\rstatus');
  const now = Date.UTC(2026, 0, 1);
  assert.equal(e.retryTimer(), 'c');
  assert.equal(e.response(503, undefined, new Date(now + 9000).toUTCString(), now), 'r9000\rstatus');
});

test('max retries ends in a failure that says so', () => {
  const e = opened({ maxRetries: 0 });
  assert.equal(e.networkError(), 'fnetwork\r1');
});

test('a bad policy throws a RangeError', () => {
  assert.throws(() => new Engine(1000, 8000, 0.5, 0, undefined, new Uint16Array(), undefined, undefined, 1), RangeError);
});

test('both entries export exactly the values index.d.ts declares', async () => {
  const types = await readFile(new URL('../../js/index.d.ts', import.meta.url), 'utf8');
  const declared = [...types.matchAll(/^export declare (?:class|function|const) (\w+)/gm)].map((m) => m[1]).sort();
  assert.ok(declared.includes('EventSource'), 'the declarations were read');
  const node = await import('../../js/node.js');
  const browser = await import('../../js/index.js');
  assert.deepEqual(Object.keys(node).sort(), declared);
  assert.deepEqual(Object.keys(browser).sort(), declared);
});
