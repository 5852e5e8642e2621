// One hostile stream or careless callback harms only its own source, in the browser under
// test: an endless line stops at the default bound while a source beside it goes on; a
// throwing onComment is reported and loses nothing; the eventsource package's fetch wrapper
// keeps Last-Event-ID; a trap in the module is survived by every source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshKey, numbers, rawUrl, useTestPage } from './harness.mjs';

const env = useTestPage();
const { evaluate } = env;
const MiB = 2 ** 20;

/** Runs `sources` ([url, init] pairs) in the page until each saw `counts[i]` messages. */
const run = (sources, counts, setup = '') =>
  evaluate(
    ([sources, counts, setup]) =>
      new Promise((resolve, reject) => {
        const reported = [];
        const onError = (event) => {
          event.preventDefault();
          reported.push(String(event.error?.message ?? event.message));
        };
        window.addEventListener('error', onError);
        const prepare = setup ? new Function('return ' + setup)() : async () => {};
        prepare().then(() => {
          const seen = sources.map(([url, init]) => {
            const trail = { data: [], ids: [], errors: [] };
            const options = { ...init };
            if (init.throwingOnComment) {
              delete options.throwingOnComment;
              options.onComment = () => {
                throw new Error('careless');
              };
            }
            if (init.authorizingFetch) {
              delete options.authorizingFetch;
              options.fetch = (url, init) => fetch(url, { ...init, headers: { ...init.headers, 'x-token': 'secret' } });
            }
            trail.source = new window.WasmEventSource(url, options);
            trail.source.onmessage = (event) => {
              trail.data.push(event.data);
              trail.ids.push(event.lastEventId);
              if (seen.every((t, i) => t.data.length >= counts[i])) finish();
            };
            trail.source.onerror = (event) => trail.errors.push([event.reason, event.limit ?? null, event.willRetry]);
            return trail;
          });
          const timer = setTimeout(finish, 40_000);
          function finish() {
            clearTimeout(timer);
            window.removeEventListener('error', onError);
            resolve({
              reported,
              trails: seen.map(({ source, data, ids, errors }) => {
                const readyState = source.readyState;
                source.close();
                return { data, ids, errors, readyState };
              }),
            });
          }
        }, reject);
      }),
    sources,
    counts,
    setup,
  );

test('an endless line stops at the default bound; its stream and a source beside it go on', async () => {
  const hostile = rawUrl(env.server.primary, 'id: 1\ndata: before\n\ndata: {fill}\n\nid: 2\ndata: after\n\n', {
    fill: 17 * MiB,
    end: 'hang',
    key: freshKey('hostile'),
  });
  const healthy = `${env.server.primary}/sse/counter?key=${freshKey('healthy')}&count=40&interval=20&end=hang`;
  const { trails } = await run([[hostile, {}], [healthy, {}]], [2, 40]);
  const [bad, good] = trails;
  assert.deepEqual(bad.data, ['before', 'after']);
  assert.deepEqual(bad.errors, [['event-too-large', 16 * MiB, false]]);
  assert.equal(bad.readyState, 1, 'the hostile stream goes on');
  assert.deepEqual(good.data, numbers(40));
  assert.deepEqual(good.errors, []);
});

test('a throwing onComment is reported, and every event arrives with no error', async () => {
  const url = rawUrl(env.server.primary, ': one\nid: 1\ndata: 1\n\n: two\nid: 2\ndata: 2\n\n: three\nid: 3\ndata: 3\n\n', {
    end: 'hang',
    key: freshKey('comments'),
  });
  const { reported, trails } = await run([[url, { throwingOnComment: true }]], [3]);
  assert.deepEqual(trails[0].data, ['1', '2', '3']);
  assert.deepEqual(trails[0].errors, []);
  assert.equal(trails[0].readyState, 1);
  assert.equal(reported.length, 3, 'each exception reported to the page');
});

test("the eventsource package's fetch wrapper keeps Last-Event-ID across reconnects", async () => {
  const key = freshKey('wrapper');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=6&per=2&interval=5&end=hang`;
  const { trails } = await run([[url, { authorizingFetch: true }]], [6]);
  assert.deepEqual(trails[0].data, numbers(6), 'each event once: every reconnect resumed');
  const requests = await env.server.streamRequests(key);
  assert.deepEqual(requests.map((r) => r.lastEventId ?? ''), ['', '2', '4']);
});

test('a trap in the module: every source is told, and resumes on a fresh instance with nothing lost', async () => {
  // The page's first instance traps in an engine's next chunk once armed, as a real one would
  // in a bug; the trap is a real WebAssembly trap (a module whose function is `unreachable`).
  const setup = `async () => {
    const { dropInstance, instantiate, loadWasm, setWasmLoader, wasmExports } = await import('/js/wasm.js');
    const trapModule = new Uint8Array([0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,7,8,1,4,116,114,97,112,0,0,10,5,1,3,0,0,11]);
    const { trap } = (await WebAssembly.instantiate(trapModule)).instance.exports;
    window.loads = 0;
    setWasmLoader(async () => {
      window.loads += 1;
      const real = await instantiate(fetch('/pkg/wasm_eventsource.wasm'));
      if (window.loads > 1) return real;
      let chunks = 0;
      return { ...real, engine_chunk: (...args) => { if (++chunks === 12) trap(); return real.engine_chunk(...args); } };
    });
    dropInstance(wasmExports());
    await loadWasm();
  }`;
  const counter = (name) => `${env.server.primary}/sse/counter?key=${freshKey(name)}&count=30&interval=20&end=hang`;
  const { trails } = await run(
    [
      [counter('trap-a'), { retry: { initialDelay: 50 } }],
      [counter('trap-b'), { retry: { initialDelay: 50 } }],
    ],
    [30, 30],
    setup,
  );
  for (const [i, trail] of trails.entries()) {
    assert.deepEqual(trail.data, numbers(30), `source ${i}: each event once, in order`);
    assert.deepEqual(trail.errors, [['wasm-trap', null, true]], `source ${i}`);
  }
  assert.equal(await evaluate(() => window.loads), 2, 'one fresh instance');
});
