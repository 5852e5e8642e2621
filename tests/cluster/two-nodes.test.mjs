// The JS EventSource against two server nodes sharing one Redis (tests/cluster/cluster.mjs):
// 100,000 events, each delivered exactly once and in order, while the balancer cuts the
// connection 200 times at a random byte (mid-event as often as not) and sends each reconnect
// to a node at random, and one node is restarted mid-run; and
// then a node started afresh resumes a client from what Redis kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventSource } from '../../js/index.js';
import { startCluster } from './cluster.mjs';

const COUNT = 100_000;
const DROPS = 200;
const BATCH = 1_000;
/** Bytes a cut connection carries at most: each event is about 33, so 200 cuts of 11 KiB on
 * average end well before the 3.3 MB of the run. */
const CUT_BYTES = { minBytes: 1_000, maxBytes: 20_000 };
/** The event after which node 0 is restarted: early, so that many cuts (and reconnects to
 * random nodes) come after it. */
const RESTART_AT = 20_000;

/** A Redis stream id as a pair of numbers, for ordering. */
const parseId = (id) => id.split('-').map(Number);
const after = (a, b) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** Collects `count` events of `source` as [id, data], failing on a fatal error. */
function collect(source, count, onEvent = () => {}) {
  return new Promise((resolve, reject) => {
    const events = [];
    source.onerror = (event) => {
      if (!event.willRetry) reject(new Error(`the client gave up: ${event.reason}`));
    };
    source.onmessage = (event) => {
      events.push([event.lastEventId, event.data]);
      onEvent(events.length, event);
      if (events.length === count) resolve(events);
    };
  });
}

test('100,000 events exactly once, in order, over 200 cuts, reconnecting to random nodes, and a node restart', { timeout: 240_000 }, async (t) => {
  const cluster = await startCluster({ nodes: 2, seed: 2026, cuts: { count: DROPS, ...CUT_BYTES } });
  t.after(() => cluster.stop());
  const source = new EventSource(`${cluster.url}/events`);
  t.after(() => source.close());
  await new Promise((resolve, reject) => {
    source.onopen = resolve;
    source.onerror = (event) => reject(new Error(`no first connection: ${event.reason}`));
  });

  // Batches of lines go to node 1 (node 0 is the one restarted, which would break a batch);
  // Redis orders them into the stream both nodes read.
  const publishing = (async () => {
    for (let first = 1; first <= COUNT; first += BATCH) {
      const lines = Array.from({ length: BATCH }, (_, k) => String(first + k)).join('\n');
      const response = await fetch(`${cluster.nodes[1].url}/publish`, { method: 'POST', body: lines });
      assert.equal(response.status, 200, await response.text());
    }
  })();
  let reconnects = 0;
  let restarted = null;
  let beforeRestart = 0;
  const events = collect(source, COUNT, (received) => {
    if (received === RESTART_AT) {
      restarted = cluster.restart(0).then(() => {
        beforeRestart = cluster.connections[0];
      });
    }
  });
  source.addEventListener('error', (event) => {
    if (event.willRetry) reconnects += 1;
  });
  const received = await events;
  await publishing;
  await restarted;

  const wrong = received.findIndex(([, data], index) => data !== String(index + 1));
  assert.equal(wrong, -1, `event ${wrong + 1} was ${JSON.stringify(received[wrong])}`);
  const ids = received.map(([id]) => parseId(id));
  assert.ok(ids.every((id, index) => index === 0 || after(id, ids[index - 1])), 'ids grow');
  // Each cut costs a reconnect (a restart of the node in use, one more); each reconnect
  // went to a node at random, so both served many.
  assert.equal(cluster.cut(), DROPS);
  assert.ok(reconnects >= DROPS, `${reconnects} reconnects`);
  assert.ok(cluster.connections.every((count) => count >= 50), `connections per node: ${cluster.connections}`);
  assert.ok(cluster.connections[0] > beforeRestart, 'the restarted node served the client again');
  t.diagnostic(`reconnects ${reconnects}, connections per node ${cluster.connections}, node 0 restarted after ${beforeRestart}`);

  // Every node stopped and one started afresh: it knows only what Redis kept.
  await cluster.restart(0);
  await cluster.restart(1);
  const resumeAfter = received[COUNT - 1_001][0];
  const resumed = new EventSource(`${cluster.url}/events`, { lastEventId: resumeAfter });
  t.after(() => resumed.close());
  const rest = await collect(resumed, 1_000);
  assert.deepEqual(
    rest.map(([, data]) => data),
    Array.from({ length: 1_000 }, (_, k) => String(COUNT - 999 + k)),
  );
});
