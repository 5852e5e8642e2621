// The runtime shapes that js/index.d.ts declares: the event classes' constructors, the
// read-only constants, and the iterator's methods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventSource, EventSourceError, EventSourceErrorEvent, EventSourceOpenEvent, parseEvents } from '../../js/index.js';

test('the event classes build from what their declared constructors take', async () => {
  const headers = new Headers({ 'x-a': '1' });
  const open = new EventSourceOpenEvent(200, 'OK', headers);
  assert.deepEqual([open.type, open.status, open.statusText, open.headers], ['open', 200, 'OK', headers]);
  const error = new EventSourceErrorEvent({ reason: 'status', status: 503, body: 'busy', willRetry: true, retryIn: 10 });
  assert.deepEqual([error.type, error.reason, error.status, error.willRetry, error.retryIn], ['error', 'status', 503, true, 10]);
  assert.equal(await error.text(), 'busy');
  assert.equal(await new EventSourceErrorEvent().text(), '', 'no response, no body');
  const thrown = new EventSourceError(error);
  assert.deepEqual([thrown.name, thrown.status, thrown.reason, thrown.event], ['EventSourceError', 503, 'status', error]);
  assert.equal(await thrown.text(), 'busy');
});

test('CONNECTING, OPEN and CLOSED are read-only on the class and its instances', () => {
  for (const [name, value] of [['CONNECTING', 0], ['OPEN', 1], ['CLOSED', 2]]) {
    for (const holder of [EventSource, EventSource.prototype]) {
      const descriptor = Object.getOwnPropertyDescriptor(holder, name);
      assert.deepEqual(descriptor, { value, writable: false, enumerable: true, configurable: false }, name);
    }
    assert.throws(() => {
      EventSource[name] = 9;
    }, TypeError);
  }
});

test('the iterator has next, return and Symbol.asyncIterator', async () => {
  const source = new EventSource('http://127.0.0.1:9/never', { retry: { maxRetries: 0 } });
  source.onerror = () => {};
  const iterator = source[Symbol.asyncIterator]();
  assert.equal(iterator[Symbol.asyncIterator](), iterator);
  assert.deepEqual(await iterator.return(), { value: undefined, done: true });
  source.close();
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
});

test('the first request goes out from the constructor, before the engine is made', async () => {
  const sent = [];
  const fetch = (url) => {
    sent.push(url);
    return new Promise(() => {});
  };
  // The WebAssembly module is loaded by now, so only the request itself is left to wait for.
  for await (const event of parseEvents(['data: loaded\n\n'])) assert.equal(event.data, 'loaded');
  const plain = new EventSource('http://127.0.0.1:9/plain', { fetch, headers: { authorization: 'Bearer x' } });
  assert.deepEqual(sent, ['http://127.0.0.1:9/plain'], 'sent before the constructor returned');
  const computed = new EventSource('http://127.0.0.1:9/computed', { fetch, headers: () => ({ authorization: 'Bearer y' }) });
  assert.equal(sent.length, 1, 'headers from a function come a turn later');
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(sent, ['http://127.0.0.1:9/plain', 'http://127.0.0.1:9/computed']);
  plain.close();
  computed.close();
});
