// `share: true`: the pages of one origin share one connection. Eight pages of one browser
// context against the HTTP/1.1 test server, where a browser allows six connections per
// origin: the native client leaves two pages stuck; shared sources all get every event
// over one connection, and a page that takes over resumes with nothing lost or repeated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { followIn as follow, freshKey, numbers, sleep, trailOf, until, useTestPage } from './harness.mjs';
import { followShared, waitForEvents, withPages as withPagesOf } from './pages.mjs';

const env = useTestPage();
const PAGES = 8;

const withPages = (n, run) => withPagesOf(env, n, run);
const streamRequests = (key) => env.server.streamRequests(key);

test('the native EventSource in 8 pages over HTTP/1.1: 6 connect, 2 are stuck', async () => {
  const key = freshKey('native8');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=1000&interval=50&end=hang`;
  await withPages(PAGES, async (pages) => {
    const protocol = await pages[0].evaluate(() => performance.getEntriesByType('navigation')[0].nextHopProtocol);
    assert.equal(protocol, 'http/1.1');
    for (const page of pages) await follow(page, 'native', url);
    await sleep(2000);
    const trails = await Promise.all(pages.map(trailOf));
    const stuck = trails.filter((t) => t.data.length === 0);
    assert.equal(stuck.length, 2, 'two pages got nothing');
    assert.ok(stuck.every((t) => t.readyState === 0), 'and are still connecting');
    assert.equal(trails.filter((t) => t.readyState === 1 && t.data.length > 10).length, 6);
    assert.equal((await streamRequests(key)).length, 6, 'the server saw six connections');
  });
});

test('shared in 8 pages: every page gets every event over one connection', async () => {
  const key = freshKey('share8');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=60&interval=10&start=1500&end=hang`;
  await withPages(PAGES, async (pages) => {
    await followShared(pages, url);
    await Promise.all(pages.map((page) => waitForEvents(page, 60)));
    await sleep(200);
    for (const [i, trail] of (await Promise.all(pages.map(trailOf))).entries()) {
      assert.deepEqual(trail.data, numbers(60), `page ${i}`);
      assert.deepEqual(trail.ids, numbers(60), `page ${i} lastEventId`);
      assert.equal(trail.readyState, 1, `page ${i} is open`);
      assert.deepEqual(
        trail.events.map((e) => [e.type, e.readyState, e.status]),
        [['open', 1, 200]],
        `page ${i} saw one open, with the response's status`,
      );
    }
    assert.equal((await streamRequests(key)).length, 1, 'one connection for all');
  });
});

test('the leading page closes: another takes over within a second, nothing lost or repeated', async () => {
  const key = freshKey('failover');
  const count = 150;
  const url = `${env.server.primary}/sse/counter?key=${key}&count=${count}&interval=20&start=1500&end=hang`;
  await withPages(PAGES, async (pages) => {
    await followShared(pages, url);
    await waitForEvents(pages[0], 40);
    await pages[0].close();
    const rest = pages.slice(1);
    await Promise.all(rest.map((page) => waitForEvents(page, count)));
    await sleep(200);
    for (const [i, trail] of (await Promise.all(rest.map(trailOf))).entries()) {
      assert.deepEqual(trail.data, numbers(count), `page ${i + 1}`);
      const gaps = trail.times.slice(1).map((t, j) => t - trail.times[j]);
      assert.ok(Math.max(...gaps) < 1000, `page ${i + 1}: longest wait between events ${Math.max(...gaps)} ms`);
      assert.equal(trail.readyState, 1);
      assert.deepEqual(trail.events.map((e) => e.type), ['open'], 'the takeover is seamless: no error, one open');
    }
    const [first, second, ...more] = await streamRequests(key);
    assert.deepEqual(more, [], 'one connection at a time');
    assert.ok(Number(second.lastEventId) >= 40, `resumed from Last-Event-ID ${second.lastEventId}`);
    const takeover = second.at - first.closedAt;
    console.log(`takeover: the new connection came ${takeover} ms after the old one closed`);
    assert.ok(takeover < 1000, `${takeover} ms`);
  });
});

test('close() in a following page detaches only it; in the leading page it hands over', async () => {
  const key = freshKey('detach');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=1000&interval=20&start=1500&end=hang`;
  await withPages(3, async (pages) => {
    const [leader, follower, other] = pages;
    await followShared(pages, url);
    await waitForEvents(other, 10);
    await follower.evaluate(() => window.trail.source.close());
    const detachedAt = (await trailOf(follower)).data.length;
    await waitForEvents(other, 25);
    const detached = await trailOf(follower);
    assert.equal(detached.readyState, 2);
    assert.equal(detached.data.length, detachedAt, 'a closed follower gets nothing more');
    assert.equal((await streamRequests(key)).length, 1, 'and the stream went on');

    await leader.evaluate(() => window.trail.source.close());
    const handedAt = (await trailOf(other)).data.length;
    await waitForEvents(other, handedAt + 20);
    const trail = await trailOf(other);
    assert.deepEqual(trail.data, numbers(trail.data.length), 'the remaining page lost nothing');
    const requests = await until(async () => {
      const all = await streamRequests(key);
      return all[0]?.closed && all;
    }, "the leader's connection to close");
    assert.equal(requests.length, 2, 'the next page took over');
  });
});

test('a page that joins later starts at the live stream, and is open at once', async () => {
  const key = freshKey('join');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=1000&interval=20&start=200&end=hang`;
  await withPages(2, async (pages) => {
    await follow(pages[0], 'wasm', url, { share: true });
    await waitForEvents(pages[0], 20);
    await follow(pages[1], 'wasm', url, { share: true });
    await pages[1].waitForFunction(() => window.trail.source.readyState === 1);
    await waitForEvents(pages[1], 10);
    const late = await trailOf(pages[1]);
    const first = Number(late.data[0]);
    assert.ok(first > 20, `joined at ${first}`);
    assert.deepEqual(late.data.slice(0, 10), numbers(first + 9).slice(first - 1));
    assert.deepEqual(late.events.map((e) => [e.type, e.status]), [['open', 200]]);
    await pages[0].close();
    await waitForEvents(pages[1], late.data.length + 30);
    const after = await trailOf(pages[1]);
    assert.deepEqual(after.data, numbers(first + after.data.length - 1).slice(first - 1), 'it resumes where it is');
  });
});

test('a failure for good reaches every page, with its status', async () => {
  const key = freshKey('fatal');
  const url = `${env.server.primary}/sse/raw?key=${key}&status=401&body=no&head_delay=700`;
  await withPages(3, async (pages) => {
    // The server answers after 700 ms of silence, when every page has joined.
    for (const page of pages) await follow(page, 'wasm', url, { share: true });
    for (const page of pages) await page.waitForFunction(() => window.trail.source.readyState === 2);
    for (const trail of await Promise.all(pages.map(trailOf))) {
      assert.deepEqual(
        trail.events.map((e) => [e.type, e.readyState, e.status, e.reason]),
        [['error', 2, 401, 'status']],
      );
    }
    await sleep(300);
    assert.equal((await streamRequests(key)).length, 1, 'no page tried again');
  });
});

test('different streams are not shared; share names a stream explicitly', async () => {
  const base = `${env.server.primary}/sse/counter?count=1000&interval=20&end=hang`;
  const [a, b] = [freshKey('a'), freshKey('b')];
  await withPages(2, async (pages) => {
    await follow(pages[0], 'wasm', `${base}&key=${a}`, { share: true });
    await follow(pages[1], 'wasm', `${base}&key=${b}`, { share: true });
    await Promise.all(pages.map((page) => waitForEvents(page, 5)));
    assert.equal((await streamRequests(a)).length, 1);
    assert.equal((await streamRequests(b)).length, 1);

    const c = freshKey('c');
    await follow(pages[0], 'wasm', `${base}&key=${c}&tab=1`, { share: 'feed' });
    await follow(pages[1], 'wasm', `${base}&key=${c}&tab=2`, { share: 'feed' });
    await Promise.all(pages.map((page) => waitForEvents(page, 5)));
    assert.equal((await streamRequests(c)).length, 1, 'one name, one connection, whatever the URLs');
  });
});

test('shared with pauseWhenHidden: paused only while every page is hidden', async () => {
  const key = freshKey('share-hidden');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=1000&interval=20&start=1500&end=hang`;
  await withPages(2, async (pages) => {
    await followShared(pages, url, { pauseWhenHidden: true });
    await waitForEvents(pages[1], 5);
    await pages[0].evaluate(() => window.setVisibility('hidden'));
    await sleep(300);
    assert.equal((await streamRequests(key)).filter((r) => !r.closed).length, 1, 'one page visible: streaming');
    await pages[1].evaluate(() => window.setVisibility('hidden'));
    const paused = await env.server.settledRequests(key);
    assert.ok(paused.every((r) => r.closed), 'every page hidden: the connection is closed');
    const before = (await trailOf(pages[1])).data.length;
    await pages[1].evaluate(() => window.setVisibility('visible'));
    await waitForEvents(pages[1], before + 10);
    const requests = await streamRequests(key);
    assert.equal(requests.length, 2);
    assert.ok(Number(requests[1].lastEventId) >= before);
    for (const trail of await Promise.all(pages.map(trailOf))) {
      assert.deepEqual(trail.data, numbers(trail.data.length), 'nothing lost or repeated');
    }
  });
});

test('shared with pauseWhenHidden: a hidden page that takes over keeps streaming for a visible one', async () => {
  const key = freshKey('share-hidden-takeover');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=1000&interval=20&start=1500&end=hang`;
  await withPages(3, async (pages) => {
    const init = { share: true, pauseWhenHidden: true };
    await follow(pages[0], 'wasm', url, init);
    await pages[0].waitForFunction(() => window.trail.source.readyState === 1);
    // One after the other, so the hidden page is next in the lock's queue.
    await follow(pages[1], 'wasm', url, init);
    await sleep(100);
    await follow(pages[2], 'wasm', url, init);
    await waitForEvents(pages[2], 5);
    await pages[1].evaluate(() => window.setVisibility('hidden'));
    await pages[0].close();
    const before = (await trailOf(pages[2])).data.length;
    await waitForEvents(pages[2], before + 20);
    const requests = await streamRequests(key);
    assert.equal(requests.length, 2, 'the hidden page took over');
    assert.equal(requests[1].closed, false, 'and streams, since a page of the stream is visible');
    const trail = await trailOf(pages[2]);
    assert.deepEqual(trail.data, numbers(trail.data.length));
  });
});
