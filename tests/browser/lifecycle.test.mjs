// Reconnects that follow the network and the page: offline spends no retry and `online`
// reconnects at once; a page shown during a wait reconnects at once; `pauseWhenHidden`
// closes the stream while the page is hidden and resumes it from the last id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NEEDS_CDP, followIn, freshKey, numbers, sleep, trailOf, useTestPage } from './harness.mjs';

const env = useTestPage();
const { evaluate } = env;

const follow = (url, init) => followIn(env.page, 'wasm', url, init);
const trail = () => trailOf(env.page);
const until = (fn, arg) => env.page.waitForFunction(fn, arg, { timeout: 10_000 });
const streamRequests = (key) => env.server.streamRequests(key);
const close = () => evaluate(() => window.trail.source.close());
const setVisibility = (state) => evaluate(([state]) => window.setVisibility(state), state);

test('offline: the stream stops, no retry is spent, and it resumes once the network is back', { skip: NEEDS_CDP }, async () => {
  const key = freshKey('offline');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=1000&interval=20&end=hang`;
  // Without the offline rule, 100 ms delays and one retry would close the source at once.
  await follow(url, { retry: { initialDelay: 100, maxDelay: 100, maxRetries: 1 } });
  await until(() => window.trail.data.length >= 5);
  const context = env.page.context();
  try {
    await context.setOffline(true);
    await until(() => window.trail.source.readyState === 0);
    await sleep(1500);
    assert.equal((await streamRequests(key)).length, 1, 'no request while offline');
    const paused = await trail();
    assert.equal(paused.readyState, 0, 'still connecting, not closed');
    const [, error] = paused.events;
    assert.deepEqual([error.type, error.reason, error.willRetry], ['error', 'offline', true]);
    await evaluate(() => {
      window.onlineAt = null;
      addEventListener('online', () => (window.onlineAt = performance.now()), { once: true });
    });
    await context.setOffline(false);
    await until((count) => window.trail.data.length >= count + 5, paused.data.length);
  } finally {
    await context.setOffline(false);
  }
  const resumed = await trail();
  const reopened = resumed.events[2];
  const reconnect = reopened.at - (await evaluate(() => window.onlineAt));
  console.log(`back online: open ${Math.round(reconnect)} ms after the online event`);
  assert.ok(reconnect < 500, `reopened ${reconnect} ms after online`);
  assert.deepEqual(resumed.data, numbers(resumed.data.length), 'nothing lost or repeated');
  const requests = await streamRequests(key);
  assert.equal(requests.length, 2);
  assert.ok(Number(requests[1].lastEventId) >= 5, 'resumed with Last-Event-ID');
  await close();
});

/** A source whose first connection gives one event and ends, then waits `retry` ms. */
async function waitingSource(name, init = {}) {
  const key = freshKey(name);
  const url = `${env.server.primary}/sse/counter?key=${key}&count=3&per=1&retry=20000&end=hang`;
  await follow(url, init);
  await until(() => window.trail.source.readyState === 0 && window.trail.data.length === 1);
  return key;
}

test('the online event cuts a reconnect wait short', async () => {
  const key = await waitingSource('online');
  const started = Date.now();
  await evaluate(() => dispatchEvent(new Event('online')));
  await until(() => window.trail.data.length === 2);
  assert.ok(Date.now() - started < 2000);
  assert.equal((await streamRequests(key))[1].lastEventId, '1');
  await close();
});

test('a page shown during a reconnect wait reconnects at once', async () => {
  const key = await waitingSource('shown');
  await setVisibility('hidden');
  await sleep(200);
  assert.equal((await streamRequests(key)).length, 1, 'hidden: still waiting');
  const started = Date.now();
  await setVisibility('visible');
  await until(() => window.trail.data.length === 2);
  assert.ok(Date.now() - started < 2000);
  await close();
});

test('a wait that Retry-After asked for is kept when the page is shown', async () => {
  const key = freshKey('retry-after');
  const url = `${env.server.primary}/sse/raw?key=${key}&status=503&retry_after=30&body=busy`;
  await follow(url, { retry: { retryOnStatus: [503], initialDelay: 100 } });
  await until(() => window.trail.events.length === 1);
  await setVisibility('hidden');
  await setVisibility('visible');
  await evaluate(() => dispatchEvent(new Event('online')));
  await sleep(500);
  assert.equal((await streamRequests(key)).length, 1, 'the server asked for 30 s');
  await close();
});

test('pauseWhenHidden: hidden closes the stream, shown resumes it from the last id', async () => {
  const key = freshKey('pause');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=1000&interval=20&end=hang`;
  await follow(url, { pauseWhenHidden: true, retry: { maxRetries: 0 } });
  await until(() => window.trail.data.length >= 5);
  await setVisibility('hidden');
  const paused = await trail();
  assert.equal(paused.readyState, 0);
  assert.deepEqual(
    paused.events.map((e) => [e.type, e.reason, e.willRetry]),
    [['open', undefined, undefined], ['error', 'hidden', true]],
  );
  const [first] = await env.server.settledRequests(key);
  assert.ok(first.closed, 'the connection is closed while hidden');
  await sleep(400);
  assert.equal((await trail()).data.length, paused.data.length, 'nothing arrives while hidden');
  assert.equal((await streamRequests(key)).length, 1, 'and nothing is requested');
  await setVisibility('visible');
  await until((count) => window.trail.data.length >= count + 5, paused.data.length);
  const resumed = await trail();
  assert.deepEqual(resumed.data, numbers(resumed.data.length), 'nothing lost or repeated');
  assert.equal(resumed.events[2].type, 'open');
  const requests = await streamRequests(key);
  assert.equal(requests[1].lastEventId, String(paused.data.length));
  await close();
});

test('pauseWhenHidden: a source made in a hidden page connects once it is shown', async () => {
  const key = freshKey('hidden-start');
  await setVisibility('hidden');
  try {
    await follow(`${env.server.primary}/sse/counter?key=${key}&count=5&end=hang`, { pauseWhenHidden: true });
    await sleep(300);
    assert.equal((await streamRequests(key)).length, 0);
    assert.deepEqual((await trail()).events, [], 'no error: it simply waits');
  } finally {
    await setVisibility('visible');
  }
  await until(() => window.trail.data.length === 5);
  await close();
});

test('without pauseWhenHidden a hidden page keeps its stream', async () => {
  const key = freshKey('keep');
  await follow(`${env.server.primary}/sse/counter?key=${key}&count=1000&interval=20&end=hang`);
  await until(() => window.trail.data.length >= 3);
  await setVisibility('hidden');
  const hiddenAt = (await trail()).data.length;
  try {
    await until((count) => window.trail.data.length >= count + 5, hiddenAt);
  } finally {
    await setVisibility('visible');
  }
  assert.equal((await streamRequests(key)).length, 1);
  await close();
});
