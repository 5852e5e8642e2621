// The Leptos and Yew hooks, through the example apps (built by scripts/build-examples.sh)
// in the browser under test against the test server: 100 messages in order with none lost;
// setting the same URL or changing a signal read by `configure` does not reconnect (counted
// at the server); a URL switch reconnects with the newest options and starts a new history;
// an unmount closes; named event types are routed and a reply longer than the default
// history is kept whole; a message the decoder refuses is skipped or closes the stream, as
// the decode error policy says; and the chat panel streams a reply through the LLM proxy
// example (examples/llm_proxy/, built by the test command), whose key stays on the server.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freshKey, rawUrl, until, useTestPage } from './harness.mjs';

const env = useTestPage();
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Opens example `app` with the given page parameters; the page closes after `run`. */
async function withApp(app, params, run) {
  const page = await env.browser.newPage();
  page.on('pageerror', (error) => console.error(`${app} page error:`, error));
  try {
    await page.goto(`${env.server.primary}/examples/${app}/index.html?${new URLSearchParams(params)}`);
    await run(page);
  } finally {
    await page.close();
  }
}

const PROXY_KEY = 'sk-proxy-test-key';

/**
 * An OpenAI-style upstream on loopback (the chat completions a proxy asks), and the LLM
 * proxy example in front of it with the key, allowing the test server's pages; started once.
 * Gives the proxy's /chat URL and the Authorization headers the upstream saw.
 */
let proxied;
function llmProxy() {
  proxied ??= (async () => {
    const authorizations = [];
    const upstream = createServer((request, response) => {
      authorizations.push(request.headers.authorization);
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const prompt = JSON.parse(body).messages[0].content;
        const chunk = (content) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(`${chunk('You said: ')}${chunk(prompt)}${chunk('.')}data: [DONE]\n\n`);
      });
    }).listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const proxy = spawn(`${root}target/debug/examples/llm_proxy`, {
      env: {
        ...process.env,
        PORT: '0',
        UPSTREAM_URL: `http://127.0.0.1:${upstream.address().port}/v1/chat/completions`,
        UPSTREAM_KEY: PROXY_KEY,
        ALLOW_ORIGIN: env.server.primary,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = await once(createInterface({ input: proxy.stdout }), 'line');
    return { url: line.replace('listening on ', ''), authorizations, stop: () => (proxy.kill(), upstream.close()) };
  })();
  return proxied;
}

after(async () => {
  if (proxied) (await proxied).stop();
});

const texts = (page, selector) => page.$$eval(selector, (nodes) => nodes.map((node) => node.textContent));

for (const app of ['leptos', 'yew']) {
  describe(`${app} use_event_source`, () => {
    test('streams 100 messages in order, reconnects only for a new URL value, and closes on unmount', async () => {
      const first = freshKey(`${app}-first`);
      const second = freshKey(`${app}-second`);
      const counter = `/sse/counter?key=${first}&count=100&end=hang`;
      const counter2 = `/sse/counter?key=${second}&count=5&end=hang`;
      await withApp(app, { panels: 'counter', counter, counter2 }, async (page) => {
        await page.waitForFunction(() => document.querySelector('#counter .count')?.textContent === '100', null, { timeout: 15_000 });
        assert.deepEqual(await texts(page, '#counter .messages li'), Array.from({ length: 100 }, (_, i) => String(i + 1)), 'all 100, in order, none lost');
        assert.equal(await page.$eval('#counter .state', (node) => node.textContent), 'OPEN');

        // Neither the same URL set again nor a new value of the signal `configure` reads
        // reconnects. (A reconnect would start its request here, well before the switch
        // below: the count at the server after the switch tells.)
        await page.click('#same');
        await page.click('#relabel');
        // Yew: new props apply to the running hook (here the history limit).
        if (app === 'yew') await page.click('#shorten');
        await page.click('#switch');
        const expected = app === 'yew' ? ['3', '4', '5'] : ['1', '2', '3', '4', '5'];
        await page.waitForFunction(
          (expected) => [...document.querySelectorAll('#counter .messages li')].map((li) => li.textContent).join() === expected,
          expected.join(), { timeout: 10_000 },
        );
        const old = await env.server.settledRequests(first);
        assert.deepEqual(old.map((r) => r.closed), [true], 'one connection to the first URL, closed by the switch');
        const [next, ...more] = await env.server.requests(second);
        assert.equal(more.length, 0);
        assert.equal(next.closed, false, 'the second stream is open');
        assert.equal(next.headers['x-label'], '2', 'the new connection was set up with the newest label');

        await page.click('#unmount');
        await page.waitForFunction(() => document.querySelector('#counter .unmounted') !== null);
        const closed = await env.server.settledRequests(second);
        assert.deepEqual(closed.map((r) => r.closed), [true], 'unmounting closed the stream');
      });
    });

    test('listens to the named event types and keeps a reply longer than the default history', async () => {
      const key = freshKey(`${app}-chat`);
      const tokens = Array.from({ length: 150 }, (_, i) => `t${i + 1} `);
      const body = [
        ...tokens.slice(0, 75).map((token) => `event: token\ndata: ${token}\n\n`),
        'data: not a token\n\n', // a `message`: not one of the types listened to
        'event: ping\ndata: p\n\n',
        ...tokens.slice(75).map((token) => `event: token\ndata: ${token}\n\n`),
        'event: done\ndata: {}\n\n',
      ].join('');
      await withApp(app, { panels: 'chat', chat: rawUrl('', body, { key, end: 'hang' }) }, async (page) => {
        // WebDriver's click does not wait for the app to render its button.
        await page.waitForFunction(() => document.querySelector('#chat #send') !== null);
        await page.click('#chat #send');
        await page.waitForFunction(() => document.querySelector('#chat .kept')?.textContent === '151', null, { timeout: 10_000 });
        assert.equal(await page.$eval('#chat .reply', (node) => node.textContent), tokens.join(''), 'every token, in order');
        const requests = await env.server.settledRequests(key);
        assert.deepEqual(requests.map((r) => [r.method, r.closed]), [['POST', true]], '`done` closed the stream');
      });
    });

    test('the chat panel streams a reply through the LLM proxy example, which keeps the key', async () => {
      const proxy = await llmProxy();
      const seen = proxy.authorizations.length;
      await withApp(app, { panels: 'chat', chat: proxy.url }, async (page) => {
        await page.waitForFunction(() => document.querySelector('#chat #send') !== null);
        await page.click('#chat #send');
        await page.waitForFunction(() => document.querySelector('#chat .reply')?.textContent.endsWith('.'), null, { timeout: 10_000 });
        const prompt = app === 'leptos' ? 'Hello from Leptos' : 'Hello from Yew';
        assert.equal(await page.$eval('#chat .reply', (node) => node.textContent), `You said: ${prompt}.`);
        assert.equal(await page.$eval('#chat .kept', (node) => node.textContent), '4', 'three tokens and done');
        assert.deepEqual(proxy.authorizations.slice(seen), [`Bearer ${PROXY_KEY}`], 'one request upstream, with the key');
        // tests/llm_proxy.rs checks every byte the proxy sends a client for the key.
        assert.ok(!(await page.$eval('body', (node) => node.innerHTML)).includes(PROXY_KEY));
      });
    });

    test('a message the decoder refuses is skipped or closes the stream, as the policy says', async () => {
      const key = freshKey(`${app}-ticks`);
      const body = 'data: {"n":1}\n\ndata: {"n":2}\n\ndata: not JSON\n\ndata: {"n":4}\n\n';
      await withApp(app, { panels: 'ticks', ticks: rawUrl('', body, { key, end: 'hang' }) }, async (page) => {
        await page.waitForFunction(() => document.querySelector('#ticks .skip li:nth-child(3)')?.textContent === '4', null, { timeout: 10_000 });
        await page.waitForFunction(() => document.querySelector('#ticks .close .state')?.textContent === 'CLOSED', null, { timeout: 10_000 });
        assert.deepEqual(await texts(page, '#ticks .skip li'), ['1', '2', '4'], 'skipped the bad one');
        assert.deepEqual(await texts(page, '#ticks .close li'), ['1', '2'], 'stopped at the bad one');
        assert.equal(await page.$eval('#ticks .skip .state', (node) => node.textContent), 'OPEN');
        for (const feed of ['skip', 'close']) {
          assert.match(await page.$eval(`#ticks .${feed} .error`, (node) => node.textContent), /could not decode a message/, feed);
        }
        const closed = await until(async () => {
          const flags = (await env.server.requests(key)).map((r) => r.closed === true).sort();
          return flags.length === 2 && flags[1] && flags;
        }, 'the closing feed to close its connection');
        assert.deepEqual(closed, [false, true], 'the closing feed closed its connection; the skipping one stays open');
      });
    });
  });
}
