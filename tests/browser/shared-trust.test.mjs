// What a shared stream must withstand: sources whose requests differ never share; junk and
// forged messages on the channel change nothing; a page whose loop is stuck holds nobody
// back and loses nothing; a silent leader is replaced within the stall timeout; an error's
// cause stays in the page that made the request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { followIn as follow, freshKey, numbers, sleep, trailOf, until, useTestPage } from './harness.mjs';
import { followShared, waitForEvents, withPages } from './pages.mjs';

const env = useTestPage();
const streamRequests = (key) => env.server.streamRequests(key);

/**
 * The request each leading page's first event says it was served by (the echo scenario
 * sends one event, so a page that joins after it gets none), and that the others are open.
 */
async function echoedRequests(pages, leading) {
  const requests = [];
  for (const [i, page] of pages.entries()) {
    if (leading.includes(i)) {
      await waitForEvents(page, 1);
      requests.push(JSON.parse((await trailOf(page)).data[0]));
    } else {
      await page.waitForFunction(() => window.trail.source.readyState === 1);
      requests.push(null);
    }
  }
  return requests;
}

test('share: true joins only requests that are the same: another token or body is another connection', async () => {
  const key = freshKey('same-request');
  const url = `${env.server.primary}/sse/echo?key=${key}&end=hang`;
  const alice = { Authorization: 'Bearer ALICE', 'X-Tenant': '1' };
  await withPages(env, 3, async (pages) => {
    const inits = [{ headers: alice }, { headers: [['x-tenant', '1'], ['AUTHORIZATION', 'Bearer ALICE']] }, { headers: { ...alice, Authorization: 'Bearer BOB' } }];
    for (const [i, page] of pages.entries()) await follow(page, 'wasm', url, { share: true, ...inits[i] });
    const seen = (await echoedRequests(pages, [0, 2])).map((request) => request?.headers.authorization);
    const sent = (await streamRequests(key)).map((request) => request.headers.authorization);
    assert.deepEqual(seen, ['Bearer ALICE', undefined, 'Bearer BOB'], `BOB got the answer to his own request (sent: ${sent})`);
    assert.equal((await streamRequests(key)).length, 2, 'the same request written differently shares');
    const names = await pages[0].evaluate(async () => {
      const { held, pending } = await navigator.locks.query();
      return [...held, ...pending].map((lock) => lock.name);
    });
    assert.ok(names.length >= 2 && names.every((name) => /^wasm-eventsource\/\d+ [0-9a-f]{64}$/.test(name)), names.join());

    const posts = freshKey('same-body');
    const postUrl = `${env.server.primary}/sse/echo?key=${posts}&end=hang`;
    for (const page of pages) await page.evaluate(() => window.trail.source.close());
    for (const [i, body] of ['prompt=X', 'prompt=X', 'prompt=Y'].entries()) await follow(pages[i], 'wasm', postUrl, { share: true, body });
    const bodies = (await echoedRequests(pages, [0, 2])).map((request) => request?.body.text);
    assert.deepEqual(bodies, ['prompt=X', undefined, 'prompt=Y']);
    assert.equal((await streamRequests(posts)).length, 2);
  });
});

/** The channel name of a shared source with `init` on `url`, computed in `page`. */
const channelName = (page, url, init) =>
  page.evaluate(
    async ([url, init]) => {
      const { normalizeInit, resolveUrl } = await import('/js/options.js');
      const { shareName } = await import('/js/share-protocol.js');
      const options = normalizeInit(init);
      options.url = resolveUrl(url, options.params);
      return shareName(options);
    },
    [url, init],
  );

test('junk and messages from unknown senders on the channel are dropped: nothing throws, nothing changes', async () => {
  const key = freshKey('junk');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=1000&interval=20&start=1000&end=hang`;
  const init = { share: true };
  await withPages(env, 2, async (pages) => {
    await followShared(pages, url);
    await Promise.all(pages.map((page) => waitForEvents(page, 5)));
    const name = await channelName(pages[1], url, init);
    const from = 'intruder';
    const junk = [
      null, 42, 'events', [], {}, { t: 'events' }, { t: 'error' }, { t: 'events', from, list: 5 },
      { t: 'events', from, origin: '', list: ['message'] }, { t: 'error', from }, { t: 'open', from, head: {} },
      { t: 'comment', from }, { t: 'state', from, to: 5 }, { t: 'hello', from }, { t: 'lead', from },
      // Well formed, from a page that does not lead the stream.
      { t: 'events', from, origin: 'https://evil.test', list: ['message', 'forged', '99999'] },
      { t: 'comment', from, text: 'forged' },
      { t: 'open', from, head: { status: 299, statusText: 'forged', headers: [] } },
      { t: 'error', from, info: { reason: 'status', willRetry: false, status: 401 } },
      { t: 'error', from, info: { reason: 'network', willRetry: true, retryIn: 1 } },
    ];
    for (const page of pages) {
      await page.evaluate(() => {
        window.thrown = [];
        window.comments = [];
        window.addEventListener('error', (event) => window.thrown.push(String(event.message)));
        window.addEventListener('unhandledrejection', (event) => window.thrown.push(String(event.reason)));
        window.trail.source.addEventListener('comment', (event) => window.comments.push(event.data));
      });
    }
    // Posted from each page itself, on the stream's own channel.
    for (const page of pages) {
      await page.evaluate(
        ([name, junk]) => {
          const channel = new BroadcastChannel(name);
          for (const message of junk) channel.postMessage(message);
          channel.close();
        },
        [name, junk],
      );
    }
    const before = (await trailOf(pages[1])).data.length;
    await Promise.all(pages.map((page) => waitForEvents(page, before + 20)));
    for (const [i, page] of pages.entries()) {
      const trail = await trailOf(page);
      assert.deepEqual(trail.data, numbers(trail.data.length), `page ${i}: only the stream's events`);
      assert.equal(trail.readyState, 1, `page ${i} is open`);
      assert.deepEqual(trail.events.map((e) => [e.type, e.status]), [['open', 200]], `page ${i}: no error, no second open`);
      assert.deepEqual(await page.evaluate(() => [window.thrown, window.comments]), [[], []], `page ${i}: nothing thrown`);
    }
    assert.equal((await streamRequests(key)).length, 1);
  });
});

/**
 * Starts a `for await` loop over the page's source that takes one event and then waits
 * until `window.loop.release()`; what it takes goes to `window.loop.data`.
 */
const stickLoop = (page) =>
  page.evaluate(() => {
    const loop = { data: [], error: null };
    const stuck = new Promise((resolve) => (loop.release = resolve));
    window.loop = loop;
    (async () => {
      for await (const event of window.trail.source) {
        loop.data.push(event.data);
        if (loop.data.length === 1) await stuck;
      }
    })().catch((error) => (loop.error = String(error)));
  });
const loopOf = (page) => page.evaluate(() => ({ data: window.loop.data, error: window.loop.error }));

/** Lets the page's stuck loop go on; what it took once it took `count` events. */
async function drainLoop(page, count) {
  await page.evaluate(() => window.loop.release());
  await page.waitForFunction((count) => window.loop.data.length >= count, count, { timeout: 20_000 });
  await sleep(100);
  return (await loopOf(page)).data;
}

test("a following page's stuck loop holds nobody back: it leaves for a connection of its own and loses nothing", async () => {
  const key = freshKey('stuck-follower');
  const count = 120;
  const url = `${env.server.primary}/sse/counter?key=${key}&count=${count}&interval=10&start=1500&end=hang`;
  await withPages(env, 3, async (pages) => {
    await followShared(pages, url, { maxQueuedEvents: 5 });
    await stickLoop(pages[1]);
    await Promise.all([pages[0], pages[2]].map((page) => waitForEvents(page, count)));
    const requests = await streamRequests(key);
    assert.equal(requests.length, 2, 'the stuck page connected by itself');
    assert.ok(Number(requests[1].lastEventId) >= 5, `from its last event id (${requests[1].lastEventId})`);
    const held = await loopOf(pages[1]);
    assert.ok(held.data.length === 1, 'the loop is still stuck');
    assert.ok((await trailOf(pages[1])).data.length < count, 'and its reading paused');
    assert.deepEqual(await drainLoop(pages[1], count), numbers(count), 'its loop got every event once');
    assert.deepEqual((await trailOf(pages[1])).data, numbers(count), 'and so did its listeners');
    for (const page of [pages[0], pages[2]]) assert.deepEqual((await trailOf(page)).data, numbers(count));
  });
});

test("the leading page's stuck loop holds nobody back: the next page takes over, nothing lost or repeated", async () => {
  const key = freshKey('stuck-leader');
  const count = 120;
  const url = `${env.server.primary}/sse/counter?key=${key}&count=${count}&interval=10&start=1500&end=hang`;
  await withPages(env, 3, async (pages) => {
    await followShared(pages, url, { maxQueuedEvents: 5 });
    await stickLoop(pages[0]);
    // Without the fix the leader pauses the shared reading, and the others wait forever.
    await Promise.all(pages.slice(1).map((page) => waitForEvents(page, count, 10_000)));
    for (const page of pages.slice(1)) {
      const trail = await trailOf(page);
      assert.deepEqual(trail.data, numbers(count));
      assert.deepEqual(trail.events.map((e) => e.type), ['open'], 'the takeover is silent');
    }
    const requests = await streamRequests(key);
    assert.equal(requests.length, 2, 'the next page took over');
    assert.ok(Number(requests[1].lastEventId) >= 5, `resumed from ${requests[1].lastEventId}`);
    assert.deepEqual(await drainLoop(pages[0], count), numbers(count), "the stuck page's loop got every event once");
  });
});

test('a silent leader (frozen, its messages held back) is replaced within the stall timeout, nothing lost or repeated', async () => {
  const key = freshKey('silent-leader');
  const count = 150;
  const stallTimeout = 2000;
  // More events than the test waits for: a stream that ends in silence would stall.
  const url = `${env.server.primary}/sse/counter?key=${key}&count=1000&interval=20&start=1500&end=hang`;
  await withPages(env, 3, async (pages) => {
    await followShared(pages, url, { stallTimeout });
    await waitForEvents(pages[2], 20);
    // The leading page keeps the lock and its connection, but what it says is held back,
    // as in a frozen page, until the others took over.
    await pages[0].evaluate(() => {
      const post = BroadcastChannel.prototype.postMessage;
      const held = [];
      BroadcastChannel.prototype.postMessage = function (message) {
        held.push([this, message]);
      };
      window.thaw = () => {
        BroadcastChannel.prototype.postMessage = post;
        for (const [channel, message] of held) post.call(channel, message);
      };
    });
    await Promise.all(pages.slice(1).map((page) => waitForEvents(page, count)));
    // Its late messages (the events it read before it stepped down) change nothing.
    await pages[0].evaluate(() => window.thaw());
    await Promise.all(pages.slice(1).map((page) => waitForEvents(page, count + 20)));
    for (const [i, page] of pages.slice(1).entries()) {
      const trail = await trailOf(page);
      assert.deepEqual(trail.data, numbers(trail.data.length), `page ${i + 1}`);
      const gaps = trail.times.slice(1).map((t, j) => t - trail.times[j]);
      const longest = Math.round(Math.max(...gaps));
      console.log(`page ${i + 1}: longest wait between events ${longest} ms`);
      // Found out within the stall timeout, then a reconnect (measured 1.6 s in Chromium
      // and Firefox, 2.1-2.4 s in WebKitGTK), with a margin for a busy 2-core machine.
      assert.ok(longest < 2 * stallTimeout, `page ${i + 1}: ${longest} ms`);
      assert.deepEqual(trail.events.map((e) => e.type), ['open'], `the takeover is silent: ${JSON.stringify(trail.events)}`);
    }
    // A page that stepped down aborts its request; the server sees it go a moment later.
    const requests = await until(async () => {
      const all = await streamRequests(key);
      return all.length >= 2 && all.slice(0, -1).every((r) => r.closed) && all;
    }, 'the silent leader, and any page that took over before the last, to let its connection go');
    console.log(`${requests.length - 1} page(s) took over`);
    assert.ok(Number(requests[1].lastEventId) >= 20, `resumed from ${requests[1].lastEventId}`);
    assert.equal(requests.at(-1).closed, false);
    await waitForEvents(pages[0], count);
    const led = (await trailOf(pages[0])).data;
    assert.deepEqual(led, numbers(led.length), 'the page that led lost nothing either');
  });
});

test("an error's cause stays in the page that made the request", async () => {
  // Nothing listens on port 9: every attempt fails with the platform's TypeError as cause.
  const url = `http://127.0.0.1:9/${freshKey('cause')}`;
  await withPages(env, 2, async (pages) => {
    for (const page of pages) await follow(page, 'wasm', url, { share: true, retry: { initialDelay: 200, maxDelay: 200 } });
    for (const page of pages) await page.waitForFunction(() => window.trail.events.some((e) => e.type === 'error'));
    const [leader, follower] = await Promise.all(pages.map(async (page) => (await trailOf(page)).events.find((e) => e.type === 'error')));
    assert.deepEqual([leader.reason, leader.willRetry], ['network', true]);
    assert.equal(typeof leader.cause, 'string', 'the page that fetched sees why');
    assert.deepEqual([follower.reason, follower.willRetry], ['network', true], 'the others see what happened');
    assert.equal(follower.cause, undefined, 'but not why');
  });
});
