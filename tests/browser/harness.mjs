// Starts the test SSE server and a headless browser for the browser tests: Chromium
// (Playwright) by default, Firefox ESR (Puppeteer over WebDriver BiDi) with
// BROWSER=firefox, WebKitGTK (WebKitWebDriver, under Xvfb) with BROWSER=webkit. All give
// pages with the same goto/evaluate/waitForFunction/close.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { launchWebKit } from './webdriver.mjs';

/** The engine the browser tests run in: chromium (default), firefox or webkit. */
export const ENGINE = process.env.BROWSER ?? 'chromium';

/** For tests that need the Chromium DevTools protocol (forced GC, heap figures). */
export const NEEDS_CDP = ENGINE === 'chromium' ? false : 'needs the Chromium DevTools protocol';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Chromium flags that work on machines without a GPU or outside network. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Starts the test server (built by the test command) on two random loopback ports. */
export async function startServer() {
  const child = spawn(`${root}target/debug/sse-test-server`, [root], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [line] = await once(lines, 'line');
  const [, primaryPort, secondaryPort] = line.split(' ');
  const primary = `http://127.0.0.1:${primaryPort}`;
  return {
    primary,
    secondary: `http://127.0.0.1:${secondaryPort}`,
    /** The requests the server saw for `key`. */
    async requests(key) {
      const response = await fetch(`${primary}/log?key=${encodeURIComponent(key)}`);
      return response.json();
    },
    /** The stream requests the server saw for `key`: CORS preflights left out. */
    async streamRequests(key) {
      return (await this.requests(key)).filter((r) => !r.preflight);
    },
    /** The requests for `key` once every one of them is closed (preflights aside), or after `ms`. */
    async settledRequests(key, ms = 5000) {
      for (let waited = 0; ; waited += 50) {
        const requests = await this.requests(key);
        if (waited >= ms || (requests.length > 0 && requests.every((r) => r.preflight || r.closed))) return requests;
        await sleep(50);
      }
    },
    async stop() {
      child.stdin.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

export async function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Puppeteer's waitForFunction takes (fn, options, ...args); the tests use (fn, arg, options). */
function withPlaywrightWaits(browser) {
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async () => {
    const page = await newPage();
    const wait = page.waitForFunction.bind(page);
    page.waitForFunction = (fn, arg, options = {}) => wait(fn, { timeout: options.timeout ?? 30_000 }, arg);
    return page;
  };
  return browser;
}

/** The browser of the engine under test. */
export async function launchBrowser() {
  if (ENGINE === 'firefox') {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: '/usr/bin/firefox-esr',
      headless: true,
      protocol: 'webDriverBiDi',
    });
    return withPlaywrightWaits(browser);
  }
  if (ENGINE === 'webkit') return launchWebKit();
  if (ENGINE !== 'chromium') throw new Error(`unknown BROWSER=${ENGINE}`);
  return launchChromium();
}

/** A server, a browser and a page with the test helpers loaded. */
export async function openTestPage() {
  const server = await startServer();
  const browser = await launchBrowser();
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(`${server.primary}/browser/page.html`);
  await page.waitForFunction(() => window.ready === true);
  return {
    server,
    browser,
    page,
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}

/**
 * The test page of the calling test file: opened before its tests, closed after them. The
 * returned object gains `server`, `browser`, `page` and `close` once open; `evaluate(fn,
 * ...args)` runs `fn(args)` in the page.
 */
export function useTestPage() {
  const env = { evaluate: (fn, ...args) => env.page.evaluate(fn, args) };
  before(async () => {
    Object.assign(env, await openTestPage());
  });
  after(async () => {
    await env.close?.();
  });
  return env;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value (which it returns), or fails after `ms`. */
export async function until(check, what, ms = 10_000) {
  for (let waited = 0; ; waited += 50) {
    const value = await check();
    if (value) return value;
    if (waited >= ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The ids 1..count as strings, as the counter scenario sends them. */
export const numbers = (count) => Array.from({ length: count }, (_, i) => String(i + 1));

/** Runs the test page's `follow(kind, url, init)` in `page` (see page.js). */
export const followIn = (page, kind, url, init) =>
  page.evaluate(([kind, url, init]) => window.follow(kind, url, init), [kind, url, init]);

/** What the page's `follow` recorded so far, with the source's readyState. */
export const trailOf = (page) =>
  page.evaluate(() => ({ ...window.trail, source: undefined, readyState: window.trail.source.readyState }));

/** Bytes from strings (UTF-8) and numbers (raw bytes). */
export function bytes(...parts) {
  return Buffer.concat(parts.map((part) => (typeof part === 'number' ? Buffer.from([part]) : Buffer.from(part, 'utf8'))));
}

/** Raw bytes percent-encoded, for a query parameter that carries any byte stream. */
export function percentEncoded(body) {
  return [...body].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

let keys = 0;
/** A fresh key, so each test's requests are logged apart. */
export function freshKey(name = 'k') {
  keys += 1;
  return `${name}-${process.pid}-${keys}`;
}

/** Builds a `/sse/raw` URL for a byte stream given as a string (latin1 = raw bytes). */
export function rawUrl(base, body, params = {}) {
  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const query = new URLSearchParams(params).toString();
  return `${base}/sse/raw?body=${percentEncoded(raw)}${query ? `&${query}` : ''}`;
}
