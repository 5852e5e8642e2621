// Start-up: the module starts loading when the package is imported, the first request goes
// out while it is still loading, and close() before it is ready aborts that request. A slow
// module is one the page gives to useWasm() (page.js), since the one the package carries
// needs no fetch to delay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { followIn, freshKey, sleep, useTestPage } from './harness.mjs';

const env = useTestPage();
const WASM_DELAY_MS = 800;

/** Runs `run(page)` in a fresh page whose WebAssembly module arrives WASM_DELAY_MS late. */
async function withSlowWasm(run) {
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.server.primary}/browser/page.html?slowWasm=${WASM_DELAY_MS}`);
    await page.waitForFunction(() => window.ready === true);
    await run(page);
  } finally {
    await page.close();
  }
}

test('the first request goes out while the WebAssembly module loads', async () => {
  const key = freshKey('early');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=3&end=hang`;
  await withSlowWasm(async (page) => {
    const sent = Date.now();
    await followIn(page, 'wasm', url);
    for (let waited = 0; (await env.server.requests(key)).length === 0 && waited < 5000; waited += 20) await sleep(20);
    const requestAfter = Date.now() - sent;
    assert.ok(requestAfter < WASM_DELAY_MS / 2, `the request came ${requestAfter} ms after the constructor`);
    await page.waitForFunction(() => window.trail.data.length === 3);
    const trail = await page.evaluate(() => ({ data: window.trail.data, events: window.trail.events.map((e) => e.type) }));
    assert.deepEqual(trail, { data: ['1', '2', '3'], events: ['open'] });
    assert.equal((await env.server.requests(key)).length, 1, 'that request is the one the source uses');
  });
});

test('close() before the module is ready aborts the early request', async () => {
  const key = freshKey('early-close');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=3&end=hang`;
  await withSlowWasm(async (page) => {
    await followIn(page, 'wasm', url);
    await sleep(WASM_DELAY_MS / 2);
    await page.evaluate(() => window.trail.source.close());
    const [request, ...more] = await env.server.settledRequests(key);
    assert.ok(request?.closed, 'the server saw it closed');
    assert.deepEqual(more, []);
    await sleep(WASM_DELAY_MS);
    const trail = await page.evaluate(() => ({ data: window.trail.data, events: window.trail.events }));
    assert.deepEqual(trail, { data: [], events: [] }, 'nothing fires after close()');
  });
});

test('a POST source sends nothing before the module is ready: if it never is, its body never leaves', async () => {
  const key = freshKey('early-post');
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.server.primary}/browser/page.html?failWasmAfter=${WASM_DELAY_MS}`);
    await page.waitForFunction(() => window.ready === true);
    const url = `${env.server.primary}/sse/counter?key=${key}&count=3&end=hang`;
    await followIn(page, 'wasm', url, { method: 'POST', body: 'a prompt' });
    await page.waitForFunction(() => window.trail.events.some((e) => e.type === 'error' && e.readyState === 2), null, { timeout: 10_000 });
    const errors = await page.evaluate(() => window.trail.events.filter((e) => e.type === 'error').map((e) => e.reason));
    assert.deepEqual(errors, ['wasm-load']);
    assert.deepEqual(await env.server.requests(key), [], 'no request, not even a preflight');
  } finally {
    await page.close();
  }
});

test('a paused source in a hidden page sends nothing early', async () => {
  const key = freshKey('early-hidden');
  const url = `${env.server.primary}/sse/counter?key=${key}&count=3&end=hang`;
  await withSlowWasm(async (page) => {
    await page.evaluate(() => window.setVisibility('hidden'));
    await followIn(page, 'wasm', url, { pauseWhenHidden: true });
    await sleep(WASM_DELAY_MS + 300);
    assert.equal((await env.server.requests(key)).length, 0);
    await page.evaluate(() => window.setVisibility('visible'));
    await page.waitForFunction(() => window.trail.data.length === 3);
  });
});

test('importing the package loads the module, before any source is made', async () => {
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.server.primary}/browser/page.html`);
    await page.waitForFunction(() => window.ready === true);
    // The test page makes no source of its own: the module loads because it was imported.
    await page.waitForFunction(() => window.wasmLoaded());
  } finally {
    await page.close();
  }
});

test('a module load that failed at import is not kept: it is tried again, once, and the source works', async () => {
  const page = await env.browser.newPage();
  try {
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${env.server.primary}/browser/page.html?failFirstWasmLoad`);
    await page.waitForFunction(() => window.ready === true);
    await page.waitForFunction(() => window.wasmLoads() >= 1);
    const key = freshKey('preload-failed');
    await followIn(page, 'wasm', `${env.server.primary}/sse/counter?key=${key}&count=2&end=hang`);
    await page.waitForFunction(() => window.trail.data.length === 2);
    assert.equal(await page.evaluate(() => window.wasmLoads()), 2, 'the failed load, then one more');
    assert.deepEqual(await page.evaluate(() => window.wasmLoaded()), true);
    assert.deepEqual(errors, [], 'the failure at import was not left unhandled');
  } finally {
    await page.close();
  }
});

test('junk given to useWasm() fails each parser and source with its reason, with no unhandled rejection; a later useWasm() works', async () => {
  const page = await env.browser.newPage();
  try {
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${env.server.primary}/browser/page.html`);
    await page.waitForFunction(() => window.ready === true);
    const seen = await page.evaluate(async () => {
      const { dropInstance, useWasm, wasmExports } = await import('/js/wasm.js');
      const { parseEvents } = await import('/js/index.js');
      const unhandled = [];
      addEventListener('unhandledrejection', (event) => unhandled.push(String(event.reason)));
      const JUNK = {
        missing: () => '/pkg/missing.wasm',
        page: () => fetch('/browser/page.html'),
        garbage: () => new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
        empty: () => new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
        rejected: () => Promise.reject(new Error('the CDN is down')),
      };
      const reasons = {};
      for (const [name, give] of Object.entries(JUNK)) {
        useWasm(give());
        dropInstance(wasmExports());
        const parsed = await parseEvents(['data: x\n\n']).next().then(() => 'parsed', (error) => error.message);
        useWasm(give());
        dropInstance(wasmExports());
        const source = new window.WasmEventSource('/sse/counter?count=1', { method: 'POST' });
        const event = await new Promise((resolve) => (source.onerror = resolve));
        source.close();
        reasons[name] = { parsed, reason: event.reason, cause: event.cause.message };
      }
      useWasm(fetch('/pkg/wasm_eventsource.wasm'));
      dropInstance(wasmExports());
      const after = (await parseEvents(['data: y\n\n']).next()).value.data;
      // Given once a module is loaded, this promise is never awaited.
      useWasm(Promise.reject(new Error('never awaited')));
      // A page learns of unhandled rejections in a task after the microtasks: two tasks see them.
      for (let task = 0; task < 2; task++) await new Promise((resolve) => setTimeout(resolve, 0));
      return { reasons, after, unhandled };
    });
    const CAUSES = {
      missing: /answered 404/,
      page: /./,
      garbage: /./,
      empty: /not this version's wasm_eventsource\.wasm \(it has no export memory\)/,
      rejected: /the CDN is down/,
    };
    for (const [name, cause] of Object.entries(CAUSES)) {
      const { parsed, reason, cause: message } = seen.reasons[name];
      assert.match(parsed, /^wasm-eventsource: the WebAssembly module could not be loaded \(/, name);
      assert.match(parsed, cause, name);
      assert.equal(reason, 'wasm-load', name);
      assert.equal(message, parsed, `${name}: the source's cause is the parser's error`);
    }
    assert.equal(seen.after, 'y');
    assert.deepEqual(seen.unhandled, []);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
