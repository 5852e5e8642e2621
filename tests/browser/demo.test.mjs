// The demo, started with the README's command: every panel clicked through in the browser
// under test with the DOM checked, a screenshot saved, bad input refused, and a clean stop.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ENGINE, launchBrowser } from './harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** How the error entry of a dropped connection reads. */
const dropped = ENGINE === 'webkit' ? /ended/ : /network/;
const artifacts = `${root}test-results`;

let demo;
let base;
let browser;
let page;

before(async () => {
  // `npm run demo` runs exactly this script, which execs the server, so signals reach it.
  demo = spawn('bash', ['scripts/demo.sh'], { cwd: root, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: demo.stdout });
  for await (const line of lines) {
    const match = line.match(/Demo running at (http:\/\/127\.0\.0\.1:\d+)\//);
    if (match) {
      base = match[1];
      break;
    }
  }
  assert.ok(base, 'the demo printed its URL');
  demo.stdout.on('data', () => {});
  browser = await launchBrowser();
  const viewport = { width: 1200, height: 1000 };
  // In Chromium, a context of its own, in which the tab-sharing panel opens a second tab.
  page = ENGINE === 'chromium' ? await (await browser.newContext({ viewport })).newPage() : await browser.newPage({ viewport });
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.demoReady === true);
});

after(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) demo.kill('SIGKILL');
});

/** The texts of a column's log entries, newest first. */
const entries = (panel, client) =>
  page.$$eval(`[data-panel=${panel}] [data-client=${client}] .log li`, (items) => items.map((li) => li.textContent));
const text = (selector) => page.$eval(selector, (node) => node.textContent);
const waitFor = (fn, arg, timeout = 10_000) => page.waitForFunction(fn, arg, { timeout });
const column = (panel, client) => `[data-panel=${panel}] [data-client=${client}]`;
const countEntries = (selector, type) => document.querySelectorAll(`${selector} .log li[data-type=${type}]`).length;

test('the server answers on its port with the page', async () => {
  const response = await fetch(`${base}/`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /wasm-eventsource/);
});

test('clock: both clients stream, and resume without a gap after the connections drop', async () => {
  await page.click('#clock-connect');
  for (const client of ['native', 'wasm']) {
    await waitFor(([selector]) => document.querySelectorAll(`${selector} .log li[data-type=message]`).length >= 2, [column('clock', client)]);
  }
  await page.click('#clock-drop');
  for (const client of ['native', 'wasm']) {
    const selector = column('clock', client);
    await waitFor(([selector]) => document.querySelector(`${selector} .log li[data-type=error]`) !== null, [selector]);
    await waitFor(
      ([selector]) => {
        const items = [...document.querySelectorAll(`${selector} .log li`)].map((li) => li.dataset.type);
        return items.indexOf('message') < items.indexOf('error') && items.indexOf('message') !== -1;
      },
      [selector],
    );
    assert.match(await text(`${selector} .gap`), /no gap/);
  }
  // WebKit reports a dropped connection as the end of the body.
  assert.match((await entries('clock', 'wasm')).find((e) => e.includes('error')), dropped);
  await page.click('#clock-close');
});

test('auth: a token from the header function works and is refreshed on reconnect; without one, 401', async () => {
  await page.click('#auth-connect');
  await waitFor(([selector]) => document.querySelector(`${selector} .state`).textContent === 'CLOSED', [column('auth', 'native')]);
  await waitFor(([selector]) => document.querySelector(`${selector} .log`).textContent.includes('demo-token-'), [column('auth', 'wasm')]);
  const firstToken = (await text(`${column('auth', 'wasm')} .log`)).match(/demo-token-(\d+)/)[1];
  await waitFor(
    ([selector, first]) => [...document.querySelector(`${selector} .log`).textContent.matchAll(/demo-token-(\d+)/g)].some((m) => m[1] !== first),
    [column('auth', 'wasm'), firstToken],
    12_000,
  );
  assert.match(await text(`${column('auth', 'wasm')} .headers pre`), /"authorization": "Bearer demo-token-\d+"/);
  await page.click('#auth-no-token');
  await waitFor(([selector]) => document.querySelector(`${selector} .log`).textContent.includes('status 401'), [column('auth', 'wasm')]);
  assert.equal(await text(`${column('auth', 'wasm')} .state`), 'CLOSED');
  await page.click('#auth-close');
});

test('chat: the POSTed prompt is answered token by token', async () => {
  await page.evaluate(() => {
    const prompt = document.querySelector('#chat-prompt');
    prompt.value = 'Does streaming work?';
    prompt.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.click('#chat-send');
  await waitFor(([selector]) => document.querySelector(`${selector} .log li[data-type=done]`) !== null, [column('chat', 'wasm')]);
  const output = await text(`${column('chat', 'wasm')} .output`);
  assert.match(output, /You wrote 3 words: “Does streaming work\?”/);
  assert.match(output, /Done\.\s*$/);
  assert.match((await entries('chat', 'native')).join(), /cannot send a POST body/);
});

test('faults: each one shows what the client did about it', async () => {
  const fault = async (kind, check, timeout = 10_000) => {
    await page.click(`[data-fault="${kind}"]`);
    await waitFor(
      ([selector, pattern]) => new RegExp(pattern).test(document.querySelector(`${selector} .log`).textContent),
      [column('faults', 'wasm'), check.source],
      timeout,
    );
  };
  await fault('drop', new RegExp(`${dropped.source} · retry in[\\s\\S]*event 4`));
  await waitFor(([selector]) => /event 5/.test(document.querySelector(`${selector} .log`).textContent), [column('faults', 'wasm')]);
  assert.match(await text(`${column('faults', 'wasm')} .gap`), /no gap/);
  await fault('stall', /stalled · retry in/);
  // Newest entries first: the body's entry follows the error's, since it is read on request.
  await fault('503', /body: The service is busy; retry after 2 seconds\.[\s\S]*status 503 · retry in/);
  assert.ok((await entries('faults', 'wasm')).some((e) => /retry in (1\d{3}|[2-9]\d{3})\b/.test(e)), 'waits out Retry-After');
  await fault('204', /status 204 · no retry/);
  await fault('oversized', /event-too-large · limit 1048576 bytes[\s\S]*|still alive 1/);
  await waitFor(([selector]) => /still alive 1/.test(document.querySelector(`${selector} .log`).textContent), [column('faults', 'wasm')]);
  await fault('invalid-utf8', /caf/);
  await waitFor(([selector]) => /caf/.test(document.querySelector(`${selector} .log`).textContent), [column('faults', 'native')]);
  const ours = (await entries('faults', 'wasm')).filter((e) => e.includes('caf')).map((e) => e.replace(/^.*?message/, ''));
  const native = (await entries('faults', 'native')).filter((e) => e.includes('caf')).map((e) => e.replace(/^.*?message/, ''));
  assert.deepEqual(ours, native, 'the same replacement characters as the native client');
  assert.ok(ours[0].includes('\uFFFD'));
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}/demo.png`, fullPage: true });
  await page.click('#faults-close');
});

test('tabs: two tabs share one connection, while the native client holds one per tab', async () => {
  await page.click('#tabs-connect');
  // A second tab of the same browser context, as "Open another tab" opens it.
  const sibling = ENGINE === 'chromium' ? await page.context().newPage() : await browser.newPage();
  const says = (tab, client, count) =>
    tab.waitForFunction(
      ([selector, wanted]) => document.querySelector(`${selector} .output`).textContent.includes(wanted),
      [column('tabs', client), `holds ${count} connection`],
      { timeout: 10_000 },
    );
  try {
    await sibling.goto(`${base}/#tabs`);
    await sibling.waitForFunction(() => window.demoReady === true);
    for (const tab of [page, sibling]) {
      await says(tab, 'native', 2);
      await says(tab, 'wasm', 1);
    }
    assert.match(await sibling.evaluate(() => document.querySelector('[data-panel=tabs] [data-client=wasm] .gap').textContent), /no gap/);
  } finally {
    await sibling.close();
  }
  await says(page, 'native', 1);
  await says(page, 'wasm', 1);
  await page.click('#tabs-close');
});

test('bad input is refused clearly, and a stalled client does not hold up others', async () => {
  const malformed = await fetch(`${base}/demo/chat`, { method: 'POST', body: '{"prompt": ', headers: { 'content-type': 'application/json' } });
  assert.equal(malformed.status, 400);
  assert.match((await malformed.json()).error, /must be JSON like \{"prompt": "\.\.\."\}/);
  const empty = await fetch(`${base}/demo/chat`, { method: 'POST', body: '{"prompt": "  "}' });
  assert.equal(empty.status, 400);
  const unknown = await fetch(`${base}/demo/nope`);
  assert.equal(unknown.status, 404);
  assert.match((await unknown.json()).error, /no such stream/);
  assert.equal((await fetch(`${base}/demo/fault/nope`)).status, 404);

  const stalled = new AbortController();
  const stall = await fetch(`${base}/demo/fault/stall`, { signal: stalled.signal });
  const reader = stall.body.getReader();
  await reader.read();
  const clock = await fetch(`${base}/demo/clock`);
  const first = await clock.body.getReader().read();
  assert.match(new TextDecoder().decode(first.value), /retry: 1000|event: request|"n":1/);
  stalled.abort();
});

test('the demo stops cleanly on SIGTERM, even with streams open', async () => {
  await page.click('#clock-connect');
  await waitFor(([selector]) => document.querySelector(`${selector} .log li[data-type=message]`) !== null, [column('clock', 'wasm')]);
  const output = [];
  demo.stdout.on('data', (chunk) => output.push(String(chunk)));
  demo.kill('SIGTERM');
  const [code] = await once(demo, 'exit');
  assert.equal(code, 0);
  assert.match(output.join(''), /Demo stopped\./);
});
