// A small W3C WebDriver client that gives WebKitGTK (WebKitWebDriver driving MiniBrowser,
// under Xvfb) the page surface the browser tests use: newPage, goto, evaluate,
// waitForFunction, click, screenshot, close. One driver session is one page.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Values cross as JSON, which has no `undefined`: mark it on the way out, restore it here. */
const ENCODE = `const encode = (v) => v === undefined ? { __undefined: true }
  : Array.isArray(v) ? v.map(encode)
  : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]))
  : v;`;

function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    if (value.__undefined === true && Object.keys(value).length === 1) return undefined;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decode(item)]));
  }
  return value;
}

class Page {
  #driver;
  #session;

  constructor(driver, session) {
    this.#driver = driver;
    this.#session = session;
  }

  #command(method, path, body) {
    return this.#driver.command(method, `/session/${this.#session}${path}`, body);
  }

  /** Page errors are not reported over classic WebDriver. */
  on() {}

  async goto(url) {
    await this.#command('POST', '/url', { url });
  }

  /** Runs `fn(arg)` in the page (it may be async) and returns its result. */
  async evaluate(fn, arg) {
    const script = `${ENCODE}
      const done = arguments[arguments.length - 1];
      Promise.resolve()
        .then(() => (${fn.toString()})(arguments[0]))
        .then((value) => done({ value: encode(value) }), (error) => done({ error: String(error) + ' ' + (error && error.stack || '') }));`;
    const result = await this.#command('POST', '/execute/async', { script, args: [arg] });
    if (result?.error) throw new Error(`page.evaluate: ${result.error}`);
    return decode(result?.value);
  }

  async waitForFunction(fn, arg, { timeout = 30_000 } = {}) {
    const until = Date.now() + timeout;
    for (;;) {
      const value = await this.evaluate(fn, arg);
      if (value) return value;
      if (Date.now() > until) throw new Error(`waitForFunction timed out: ${fn}`);
      await sleep(50);
    }
  }

  async click(selector) {
    const found = await this.#command('POST', '/element', { using: 'css selector', value: selector });
    const id = Object.values(found)[0];
    await this.#command('POST', `/element/${id}/click`, {});
  }

  async screenshot({ path }) {
    const data = await this.#command('GET', '/screenshot');
    await writeFile(path, Buffer.from(data, 'base64'));
  }

  async close() {
    await this.#command('DELETE', '');
  }
}

/** Starts WebKitWebDriver; its pages are MiniBrowser windows. */
export async function launchWebKit() {
  const port = await freePort();
  const child = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const driver = {
    async command(method, path, body) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const { value } = await response.json();
      if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${value?.error} ${value?.message ?? ''}`);
      return value;
    },
  };
  for (let tries = 0; ; tries++) {
    try {
      if ((await driver.command('GET', '/status')).ready) break;
    } catch (error) {
      if (tries > 100) throw error;
    }
    await sleep(100);
  }
  let version = '';
  const pages = new Set();
  return {
    async newPage() {
      const capabilities = { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } };
      const { sessionId, capabilities: granted } = await driver.command('POST', '/session', { capabilities });
      version = `${granted.browserName} ${granted.browserVersion}`;
      await driver.command('POST', `/session/${sessionId}/timeouts`, { script: 600_000, pageLoad: 60_000 });
      const page = new Page(driver, sessionId);
      pages.add(page);
      const close = page.close.bind(page);
      page.close = async () => {
        pages.delete(page);
        await close();
      };
      return page;
    },
    version: () => version,
    async close() {
      for (const page of [...pages]) await page.close().catch(() => {});
      child.kill();
    },
  };
}
