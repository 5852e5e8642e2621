// The Leptos and Yew hooks, through the example apps (built by scripts/build-examples.sh)
// in the browser under test against the test server: 100 messages in order with none lost, a
// URL switch that reconnects and starts a new history, and an unmount that closes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshKey, useTestPage } from './harness.mjs';

const env = useTestPage();

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

for (const app of ['leptos', 'yew']) {
  describe(`${app} use_event_source`, () => {
    test('renders 100 streamed messages in order, switches URL, and closes on unmount', async () => {
      const first = freshKey(`${app}-first`);
      const second = freshKey(`${app}-second`);
      const counter = `/sse/counter?key=${first}&count=100&end=hang`;
      const counter2 = `/sse/counter?key=${second}&count=5&end=hang`;
      const page = await env.browser.newPage();
      page.on('pageerror', (error) => console.error(`${app} page error:`, error));
      try {
        const query = new URLSearchParams({ panels: 'counter', counter, counter2 });
        await page.goto(`${env.server.primary}/examples/${app}/index.html?${query}`);
        await page.waitForFunction(() => document.querySelector('#counter .count')?.textContent === '100', null, { timeout: 15_000 });
        const items = await page.$$eval('#counter .messages li', (lis) => lis.map((li) => li.textContent));
        assert.deepEqual(items, Array.from({ length: 100 }, (_, i) => String(i + 1)), 'all 100, in order, none lost');
        assert.equal(await page.$eval('#counter .state', (node) => node.textContent), 'OPEN');

        await page.click('#switch');
        await page.waitForFunction(() => document.querySelector('#counter .count')?.textContent === '5', null, { timeout: 10_000 });
        assert.deepEqual(await page.$$eval('#counter .messages li', (lis) => lis.map((li) => li.textContent)), ['1', '2', '3', '4', '5']);
        await settle(200);
        assert.deepEqual((await env.server.requests(first)).map((r) => r.closed), [true], 'the old stream was closed');
        assert.deepEqual((await env.server.requests(second)).map((r) => r.closed), [false]);

        await page.click('#unmount');
        await page.waitForFunction(() => document.querySelector('#counter .unmounted') !== null);
        await settle(300);
        assert.deepEqual((await env.server.requests(second)).map((r) => r.closed), [true], 'unmounting closed the stream');
      } finally {
        await page.close();
      }
    });
  });
}
