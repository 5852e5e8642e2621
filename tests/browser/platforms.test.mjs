// The package receives events in every place it is meant to run: a plain module script
// (the other browser tests), a dedicated Worker, a Service Worker, pages under a strict
// Content-Security-Policy, a Vite build, and Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ENGINE, freshKey, useTestPage } from './harness.mjs';
import { EventSource } from '../../js/index.js';

const env = useTestPage();

const counter = (base) => `${base}/sse/counter?key=${freshKey()}&count=3&end=hang`;

for (const parse of [false, true]) {
  test(`a dedicated module Worker receives events with ${parse ? 'parseEvents' : 'the EventSource class'}`, async () => {
    const seen = await env.page.evaluate(
      ([url, parse]) =>
        new Promise((resolve) => {
          const worker = new Worker('/browser/worker.js', { type: 'module' });
          worker.onmessage = ({ data }) => {
            worker.terminate();
            resolve(data);
          };
          worker.postMessage({ url, count: 3, parse });
        }),
      [counter(env.server.primary), parse],
    );
    assert.deepEqual(seen, ['1', '2', '3']);
  });
}

test('a module Service Worker receives events with the class and with parseEvents', { skip: ENGINE === 'chromium' ? false : 'module Service Workers are tested in Chromium' }, async () => {
  const outcome = await env.page.evaluate(
    async ([url]) => {
      const registration = await navigator.serviceWorker.register('/browser/service-worker.js', { type: 'module', scope: '/browser/' });
      const worker = registration.installing ?? registration.waiting ?? registration.active;
      if (worker.state !== 'activated') {
        await new Promise((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()));
      }
      const answer = new Promise((resolve) => navigator.serviceWorker.addEventListener('message', ({ data }) => resolve(data), { once: true }));
      worker.postMessage({ url, count: 3 });
      const data = await answer;
      await registration.unregister();
      return data;
    },
    [counter(env.server.primary)],
  );
  assert.deepEqual(outcome, { fromSource: ['1', '2', '3'], fromParser: ['1', '2', '3'] });
});

test('a Vite build receives events', async () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  await promisify(execFile)('npx', ['vite', 'build', '--config', 'tests/vite-app/vite.config.js'], { cwd: root });
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.server.primary}/vite/index.html`);
    await page.waitForFunction(() => window.ready === true);
    const seen = await page.evaluate(([url]) => window.collect(url, 3), [counter(env.server.primary)]);
    assert.deepEqual(seen, ['1', '2', '3']);
  } finally {
    await page.close();
  }
});

test('Node receives events through the package entry', async () => {
  const source = new EventSource(counter(env.server.primary));
  const seen = [];
  for await (const event of source) {
    seen.push([event.data, event.lastEventId, event.origin]);
    if (seen.length === 3) break;
  }
  assert.deepEqual(seen.map(([data]) => data), ['1', '2', '3']);
  assert.deepEqual(seen[2], ['3', '3', env.server.primary]);
  assert.equal(source.readyState, 2);
});

test('Node has no base URL, so a relative URL is a SyntaxError', () => {
  assert.throws(() => new EventSource('/relative'), { name: 'SyntaxError' });
});

test("without 'wasm-unsafe-eval' under a CSP, a source fails for good with a reason that says so", async () => {
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.server.primary}/csp?wasm=no`);
    await page.waitForFunction(() => window.cspResult !== undefined, null, { timeout: 10_000 });
    const result = await page.evaluate(() => window.cspResult);
    assert.equal(result.failed, true);
    assert.equal(result.reason, 'wasm-load');
    assert.match(result.message, /wasm-unsafe-eval/);
    assert.deepEqual(result.seen, []);
  } finally {
    await page.close();
  }
});

test("works under a strict CSP: script-src 'self' 'wasm-unsafe-eval'", async () => {
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.server.primary}/csp`);
    await page.waitForFunction(() => window.cspResult !== undefined, null, { timeout: 10_000 });
    const result = await page.evaluate(() => window.cspResult);
    assert.deepEqual(result, { seen: ['1', '2', '3'], violations: [] });
  } finally {
    await page.close();
  }
});
