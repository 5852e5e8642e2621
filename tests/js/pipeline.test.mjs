// The built package loads in Node and its wasm parser works through the JS boundary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ready, SseParser } from '../../js/node.js';

await ready();
const encoder = new TextEncoder();

test('parses an event through the wasm boundary', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.feed(encoder.encode('id: 7\nevent: tick\ndata: héllo\n\n')), ['tick', 'héllo', '7']);
  assert.equal(parser.lastEventId, '7');
});

test('a character split across chunks comes out whole', () => {
  const bytes = encoder.encode('data: €😀\n\n');
  for (let at = 0; at <= bytes.length; at++) {
    const parser = new SseParser();
    const got = [...parser.feed(bytes.subarray(0, at)), ...parser.feed(bytes.subarray(at))];
    assert.deepEqual(got, ['message', '€😀', ''], `split at ${at}`);
  }
});

test('retry and oversized events are reported', () => {
  const parser = new SseParser(12);
  assert.deepEqual(parser.feed(encoder.encode('retry: 250\ndata: far too long\n\ndata: ok\n\n')), ['message', 'ok', '']);
  assert.equal(parser.retry, 250);
  assert.equal(parser.skippedEvents, 1);
});

test('an unterminated event is dropped at end of stream', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.feed(encoder.encode('id: 1\ndata: a')), []);
  parser.endStream();
  assert.deepEqual(parser.feed(encoder.encode('\n\n')), []);
  assert.equal(parser.lastEventId, '');
});

test('both entries export exactly what index.d.ts declares', async () => {
  const declared = ['EventSource', 'EventSourceError', 'EventSourceErrorEvent', 'EventSourceOpenEvent', 'SseParser', 'ready'];
  const node = await import('../../js/node.js');
  const browser = await import('../../js/index.js');
  assert.deepEqual(Object.keys(node).sort(), declared);
  assert.deepEqual(Object.keys(browser).sort(), declared);
});
