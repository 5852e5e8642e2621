// EventStreamParser and parseEvents in Node, on inputs made here: every kind of chunk,
// strings split inside a surrogate pair, callbacks in stream order, oversized events with
// and without onError, and options checked at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamParser, EventTooLargeError, parseEvents } from '../../js/index.js';

const utf8 = (text) => new TextEncoder().encode(text);

async function collect(iterable) {
  const out = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function streamOf(chunks) {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

const BODY = '\ufeffid: 1\nevent: tick\ndata: a\ndata: b\r\n\r\n: ping\nretry: 250\ndata: 😀é\r\rid: 2\ndata: lost';
const EXPECTED = [
  { type: 'tick', data: 'a\nb', id: '1' },
  { type: 'message', data: '😀é', id: '1' },
];

test('every split of the text, as bytes or strings, gives the same events', async () => {
  const bytes = utf8(BODY);
  for (let at = 0; at <= bytes.length; at++) {
    const chunks = [bytes.subarray(0, at), bytes.subarray(at)];
    assert.deepEqual(await collect(parseEvents(chunks)), EXPECTED, `bytes split at ${at}`);
  }
  for (let at = 0; at <= BODY.length; at++) {
    const chunks = [BODY.slice(0, at), BODY.slice(at)];
    assert.deepEqual(await collect(parseEvents(chunks)), EXPECTED, `text split at ${at} (inside a surrogate pair too)`);
    assert.deepEqual(await collect(streamOf(chunks).pipeThrough(new EventStreamParser())), EXPECTED, `stream, text split at ${at}`);
  }
});

test('a lone surrogate at the end of the text, or before bytes, becomes U+FFFD', async () => {
  assert.deepEqual(await collect(parseEvents(['data: \ud83d', '\n\n'])), [{ type: 'message', data: '\uFFFD', id: '' }]);
  assert.deepEqual(await collect(parseEvents(['data: \ud83d', utf8('x\n\n')])), [{ type: 'message', data: '\uFFFDx', id: '' }]);
  const retries = [];
  await collect(parseEvents(['retry: 5\n\ud83d'], { onRetry: (ms) => retries.push(ms) }));
  assert.deepEqual(retries, [5], 'the held-back surrogate is flushed at the end');
});

test('ArrayBuffers, DataViews and other typed arrays are read as their bytes', async () => {
  const bytes = utf8('data: x\n\n');
  const chunks = [bytes.buffer.slice(0, 3), new DataView(bytes.buffer, 3, 2), new Uint16Array(bytes.slice(5, 9).buffer)];
  assert.deepEqual(await collect(parseEvents(chunks)), [{ type: 'message', data: 'x', id: '' }]);
});

test('a chunk of another kind is a TypeError', async () => {
  await assert.rejects(collect(parseEvents([42])), TypeError);
  await assert.rejects(collect(streamOf([{}]).pipeThrough(new EventStreamParser())), TypeError);
});

test('comments, retries and skipped events reach their callbacks in stream order', async () => {
  const order = [];
  const options = {
    maxEventSize: 16,
    onComment: (text) => order.push(`comment ${text}`),
    onRetry: (ms) => order.push(`retry ${ms}`),
    onError: (error) => order.push(`skipped ${error.limit}`),
  };
  const body = 'data: a\n\n: hi\ndata: this one is too long\n\nretry: 7\ndata: b\n\n';
  for await (const event of parseEvents([body], options)) order.push(`event ${event.data}`);
  assert.deepEqual(order, ['event a', 'comment hi', 'skipped 16', 'retry 7', 'event b']);
  order.length = 0;
  const reader = streamOf([body]).pipeThrough(new EventStreamParser(options)).getReader();
  for (let result = await reader.read(); !result.done; result = await reader.read()) order.push(`event ${result.value.data}`);
  assert.deepEqual(order.filter((line) => !line.startsWith('event')), ['comment hi', 'skipped 16', 'retry 7']);
});

test('without onError an oversized event ends the stream with EventTooLargeError, after the events before it', async () => {
  const body = ['data: ok\n\ndata: ', 'x'.repeat(64), '\n\ndata: after\n\n'];
  const seen = [];
  let error;
  try {
    for await (const event of parseEvents(body, { maxEventSize: 32 })) seen.push(event.data);
  } catch (thrown) {
    error = thrown;
  }
  assert.deepEqual(seen, ['ok']);
  assert.ok(error instanceof EventTooLargeError && error instanceof RangeError);
  assert.equal(error.limit, 32);
  const reader = streamOf(body).pipeThrough(new EventStreamParser({ maxEventSize: 32 })).getReader();
  assert.deepEqual((await reader.read()).value, { type: 'message', data: 'ok', id: '' });
  await assert.rejects(reader.read(), EventTooLargeError);
});

test('a Response, an empty body and a used body', async () => {
  const response = new Response('data: r\n\n');
  assert.deepEqual(await collect(parseEvents(response)), [{ type: 'message', data: 'r', id: '' }]);
  assert.deepEqual(await collect(parseEvents(new Response(null))), []);
  assert.throws(() => parseEvents(response), TypeError, 'its body was read');
});

test('leaving the loop early cancels the stream', async () => {
  let cancelled = false;
  const stream = new ReadableStream({
    pull(controller) {
      controller.enqueue(utf8('data: tick\n\n'));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const event of parseEvents(stream)) {
    assert.equal(event.data, 'tick');
    break;
  }
  assert.equal(cancelled, true);
});

test('bad inputs and options throw at once', () => {
  assert.throws(() => parseEvents('data: x\n\n'), TypeError, 'a bare string');
  assert.throws(() => parseEvents(null), TypeError);
  assert.throws(() => parseEvents([], { maxEventSize: 0 }), RangeError);
  assert.throws(() => parseEvents([], { maxEventSize: 1.5 }), RangeError);
  assert.throws(() => parseEvents([], { onRetry: 'no' }), TypeError);
  assert.throws(() => new EventStreamParser({ onComment: 1 }), TypeError);
  assert.throws(() => new EventStreamParser({ onError: {} }), TypeError);
  assert.throws(() => new EventStreamParser('fast'), TypeError);
});
