// The async iteration semantics, each as a test: concurrent next() calls, what close() and
// a failure do to queued events, forgotten iterators, and several loops over one source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NEEDS_CDP, freshKey, rawUrl, sleep, useTestPage } from './harness.mjs';

const env = useTestPage();
const counter = (params = '') => `${env.server.primary}/sse/counter?key=${freshKey()}&end=hang${params}`;

test('two next() calls made at once get two events, in order', async () => {
  const seen = await env.evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url);
    const iterator = source[Symbol.asyncIterator]();
    const results = await Promise.all([iterator.next(), iterator.next(), iterator.next()]);
    source.close();
    return results.map((result) => result.value.data);
  }, counter('&count=5'));
  assert.deepEqual(seen, ['1', '2', '3']);
});

test('close() ends a loop at once: events it had not taken are not yielded', async () => {
  const outcome = await env.evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url);
    const iterator = source[Symbol.asyncIterator]();
    const first = await iterator.next();
    // Let the other four arrive (a listener sees them), then close before taking them.
    let dispatched = 1;
    await new Promise((resolve) => source.addEventListener('message', () => ++dispatched === 5 && resolve()));
    source.close();
    return { first: first.value.data, dispatched, after: await iterator.next(), again: await iterator.next() };
  }, counter('&count=5&interval=50'));
  assert.deepEqual(outcome, { first: '1', dispatched: 5, after: { value: undefined, done: true }, again: { value: undefined, done: true } });
});

test("an abort ends a loop at once by throwing the signal's reason, as fetch does; close() ends it quietly", async () => {
  const outcome = await env.evaluate(async ([url]) => {
    const controller = new AbortController();
    const source = new window.WasmEventSource(url, { signal: controller.signal });
    const iterator = source[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    const thrown = await iterator.next().then(
      (result) => ({ result }),
      (error) => ({ name: error.name, isReason: error === controller.signal.reason }),
    );
    const again = await iterator.next();
    const later = await new window.WasmEventSource(url, { signal: controller.signal })[Symbol.asyncIterator]().next().then(
      (result) => ({ result }),
      (error) => ({ name: error.name }),
    );
    const closed = new window.WasmEventSource(url);
    const quiet = closed[Symbol.asyncIterator]();
    await quiet.next();
    closed.close();
    return { thrown, again, later, quiet: await quiet.next() };
  }, counter('&count=5'));
  assert.deepEqual(outcome.thrown, { name: 'AbortError', isReason: true });
  assert.deepEqual(outcome.again, { value: undefined, done: true }, 'then done');
  assert.deepEqual(outcome.later, { name: 'AbortError' }, 'a loop on a source made with an aborted signal throws too');
  assert.deepEqual(outcome.quiet, { value: undefined, done: true });
});

test('a failure ends a loop after the events it had queued, then throws once', async () => {
  const url = rawUrl(env.server.primary, 'data: 1\n\ndata: 2\n\ndata: 3\n\n', { key: freshKey(), then: 404 });
  const outcome = await env.evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url, { retry: { initialDelay: 100 } });
    const iterator = source[Symbol.asyncIterator]();
    const seen = [(await iterator.next()).value.data];
    await new Promise((resolve) => source.addEventListener('error', () => source.readyState === 2 && resolve()));
    let thrown = null;
    for (;;) {
      try {
        const result = await iterator.next();
        if (result.done) break;
        seen.push(result.value.data);
      } catch (error) {
        thrown = `${error.name} ${error.status}`;
      }
    }
    return { seen, thrown };
  }, url);
  assert.deepEqual(outcome, { seen: ['1', '2', '3'], thrown: 'EventSourceError 404' });
});

test('an iterator that was never started holds nothing back', async () => {
  const seen = await env.evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url, { maxQueuedEvents: 10 });
    source[Symbol.asyncIterator]();
    let count = 0;
    await new Promise((resolve) => (source.onmessage = () => ++count === 200 && resolve()));
    source.close();
    return count;
  }, counter('&count=200'));
  assert.equal(seen, 200);
});

test('an iterator dropped half-way stops holding reading back once it is garbage', { skip: NEEDS_CDP }, async () => {
  const cdp = await env.page.context().newCDPSession(env.page);
  try {
    await env.evaluate(([url]) => {
      window.forgotten = { count: 0 };
      const source = new window.WasmEventSource(url, { maxQueuedEvents: 10 });
      window.forgotten.source = source;
      source.onmessage = () => (window.forgotten.count += 1);
      // Take one event and keep the iterator for now.
      window.forgotten.iterator = source[Symbol.asyncIterator]();
      window.forgotten.iterator.next();
    }, counter('&count=500&interval=2'));
    await sleep(500);
    const held = await env.evaluate(() => window.forgotten.count);
    // Events come 2 ms apart, one per chunk, so the pause takes hold at once.
    assert.ok(held < 100, `reading is held back while the iterator lives (${held} dispatched)`);
    // Now let it go without return().
    await env.evaluate(() => delete window.forgotten.iterator);
    for (let round = 0; round < 50; round++) {
      await cdp.send('HeapProfiler.collectGarbage');
      await sleep(100);
      if ((await env.evaluate(() => window.forgotten.count)) === 500) break;
    }
    assert.equal(await env.evaluate(() => window.forgotten.count), 500);
  } finally {
    await env.evaluate(() => window.forgotten.source.close());
    await cdp.detach();
  }
});

test('leaving one of two loops leaves the source open; leaving the last closes it', async () => {
  const outcome = await env.evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url);
    const take = async (count) => {
      const seen = [];
      for await (const event of source) {
        seen.push(event.data);
        if (seen.length === count) break;
      }
      return seen;
    };
    const short = take(2);
    const long = take(5);
    const shortSeen = await short;
    const stateAfterShort = source.readyState;
    const longSeen = await long;
    return { shortSeen, stateAfterShort, longSeen, stateAfterLong: source.readyState };
  }, counter('&count=5&interval=50'));
  assert.deepEqual(outcome, {
    shortSeen: ['1', '2'],
    stateAfterShort: 1,
    longSeen: ['1', '2', '3', '4', '5'],
    stateAfterLong: 2,
  });
});
