// Endurance in the browser under test against the test server: exactly-once delivery across
// many broken connections, and no growth of wasm memory or JS heap over many sources and
// events. The normal run makes 1,000 open/close cycles; SOAK=1 (npm run soak) makes 10,000.
// The measured footprints are printed as test diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NEEDS_CDP, freshKey, useTestPage } from './harness.mjs';

const SOAK = process.env.SOAK === '1';
const CYCLES = SOAK ? 10_000 : 1_000;
const STREAM_EVENTS = 1_000_000;

const env = useTestPage();
let cdp;

const { evaluate } = env;

/** Wasm memory and JS heap after a full garbage collection, in bytes. */
async function footprint() {
  cdp ??= await env.page.context().newCDPSession(env.page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return { wasm: await evaluate(() => window.wasmMemoryBytes()), heap: usedSize };
}

const MiB = 1024 * 1024;

test('100,000 events over 200 broken connections arrive exactly once, in order', async () => {
  const key = freshKey('exactly-once');
  const count = 100_000;
  const url = `${env.server.primary}/sse/sequence?key=${key}&count=${count}&drops=200&seed=2026`;
  const outcome = await evaluate(
    ([url, count]) =>
      new Promise((resolve) => {
        const source = new window.WasmEventSource(url);
        let expected = 1;
        let first = null;
        let reconnects = 0;
        const finish = (extra) => {
          source.close();
          resolve({ received: expected - 1, reconnects, first, ...extra });
        };
        const timer = setTimeout(() => finish({ timedOut: true }), 120_000);
        source.onerror = (event) => {
          if (event.willRetry) reconnects += 1;
          else finish({ fatal: event.reason });
        };
        source.onmessage = (event) => {
          if (event.lastEventId !== String(expected) || event.data !== `${expected} ✓`) {
            first ??= { expected, id: event.lastEventId, data: event.data };
            return;
          }
          if (++expected > count) {
            clearTimeout(timer);
            finish({});
          }
        };
      }),
    url,
    count,
  );
  assert.deepEqual({ ...outcome, reconnects: undefined }, { received: count, first: null, reconnects: undefined });
  // Each of the 200 drops costs a reconnect; now and then loopback adds a failed attempt
  // of its own, which must not cost an event either.
  assert.ok(outcome.reconnects >= 200 && outcome.reconnects <= 210, `${outcome.reconnects} reconnects`);
  const requests = await env.server.settledRequests(key);
  assert.equal(requests.length, outcome.reconnects + 1);
  assert.ok(requests.every((request) => request.closed), 'the server saw every connection closed');
});

test(`${CYCLES} open/close cycles: no growth, and the server sees every connection closed`, { skip: NEEDS_CDP }, async () => {
  const key = freshKey('cycles');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=1&end=hang`;
  const cycle = (url, times) =>
    evaluate(
      async ([url, times]) => {
        for (let i = 0; i < times; i++) {
          const source = new window.WasmEventSource(url);
          await new Promise((resolve, reject) => {
            source.onmessage = resolve;
            source.onerror = () => reject(new Error(`cycle ${i}: error`));
          });
          source.close();
        }
      },
      url,
      times,
    );
  await cycle(url, 100); // warm up: the module, the allocator, the connection pool
  const before = await footprint();
  const started = Date.now();
  await cycle(url, CYCLES);
  const elapsed = Date.now() - started;
  const afterCycles = await footprint();
  console.log(`# ${CYCLES} cycles in ${elapsed} ms; wasm ${before.wasm} -> ${afterCycles.wasm} B, heap ${before.heap} -> ${afterCycles.heap} B`);
  assert.equal(afterCycles.wasm, before.wasm, 'wasm memory grew');
  assert.ok(afterCycles.heap - before.heap < 2 * MiB, `JS heap grew by ${afterCycles.heap - before.heap} B`);
  const requests = await env.server.settledRequests(key);
  assert.equal(requests.length, CYCLES + 100);
  const open = requests.flatMap((request, index) => (request.closed ? [] : [index]));
  assert.deepEqual(open, [], 'connections left open');
});

test(`a ${STREAM_EVENTS.toLocaleString('en')}-event stream: no growth in wasm memory or JS heap`, { skip: NEEDS_CDP }, async () => {
  const key = freshKey('million');
  const url = `${env.server.primary}/sse/bulk?key=${key}&count=${STREAM_EVENTS}&size=64`;
  const run = (url, count) =>
    evaluate(
      ([url, count]) =>
        new Promise((resolve, reject) => {
          const source = new window.WasmEventSource(url);
          let seen = 0;
          source.onerror = () => reject(new Error('stream failed'));
          source.onmessage = () => {
            if (++seen === count) {
              source.close();
              resolve(seen);
            }
          };
        }),
      url,
      count,
    );
  await run(`${env.server.primary}/sse/bulk?key=${key}-warm&count=10000&size=64`, 10_000);
  const before = await footprint();
  const started = Date.now();
  assert.equal(await run(url, STREAM_EVENTS), STREAM_EVENTS);
  const elapsed = Date.now() - started;
  const afterStream = await footprint();
  console.log(`# ${STREAM_EVENTS} events in ${elapsed} ms; wasm ${before.wasm} -> ${afterStream.wasm} B, heap ${before.heap} -> ${afterStream.heap} B`);
  assert.ok(afterStream.wasm - before.wasm <= 256 * 1024, `wasm memory grew by ${afterStream.wasm - before.wasm} B`);
  assert.ok(afterStream.heap - before.heap < 2 * MiB, `JS heap grew by ${afterStream.heap - before.heap} B`);
  assert.equal((await env.server.settledRequests(key))[0].closed, true);
});
