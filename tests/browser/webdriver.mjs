// A small W3C WebDriver client that gives WebKitGTK (WebKitWebDriver driving MiniBrowser,
// under Xvfb) the page surface the browser tests use: newPage, goto, evaluate,
// waitForFunction, $eval, $$eval, click, screenshot, close. The driver allows one session:
// each page is a window of it, and commands go one at a time, each to its page's window.
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
  #window;

  constructor(driver, window) {
    this.#driver = driver;
    this.#window = window;
  }

  /** A command in this page's window (the driver allows one session, with many windows). */
  #command(method, path, body) {
    return this.#driver.inWindow(this.#window, path, method, body);
  }

  /** Page errors are not reported over classic WebDriver. */
  on() {}

  async goto(url) {
    await this.#command('POST', '/url', { url });
  }

  /** Runs `fn(arg)` in the page (it may be async) and returns its result. */
  evaluate(fn, arg) {
    return this.#run(`(${fn.toString()})(arguments[0])`, arg);
  }

  /** `fn` of the elements that match `selector`. */
  $$eval(selector, fn) {
    return this.#run(`(${fn.toString()})([...document.querySelectorAll(arguments[0])])`, selector);
  }

  /** `fn` of the first element that matches `selector`. */
  $eval(selector, fn) {
    return this.#run(`(${fn.toString()})(document.querySelector(arguments[0]))`, selector);
  }

  async #run(expression, arg) {
    const script = `${ENCODE}
      const done = arguments[arguments.length - 1];
      Promise.resolve()
        .then(() => ${expression})
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
    await this.#driver.closeWindow(this.#window);
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
  let session = null;
  let current = null;
  const windows = new Set();
  // One command at a time, each in its page's window.
  let queue = Promise.resolve();
  const exclusive = (work) => {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  };
  const select = async (window) => {
    if (current !== window) {
      await driver.command('POST', `/session/${session}/window`, { handle: window });
      current = window;
    }
  };
  driver.inWindow = (window, path, method, body) =>
    exclusive(async () => {
      await select(window);
      return driver.command(method, `/session/${session}${path}`, body);
    });
  driver.closeWindow = (window) =>
    exclusive(async () => {
      windows.delete(window);
      if (windows.size === 0) {
        await driver.command('DELETE', `/session/${session}`);
        session = null;
        current = null;
        return;
      }
      await select(window);
      await driver.command('DELETE', `/session/${session}/window`);
      // New windows open from the current one, so make an open window current again.
      current = null;
      await select(windows.values().next().value);
    });
  return {
    newPage: () =>
      exclusive(async () => {
        if (!session) {
          const capabilities = { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } };
          const created = await driver.command('POST', '/session', { capabilities });
          session = created.sessionId;
          version = `${created.capabilities.browserName} ${created.capabilities.browserVersion}`;
          await driver.command('POST', `/session/${session}/timeouts`, { script: 600_000, pageLoad: 60_000 });
          current = await driver.command('GET', `/session/${session}/window`);
        } else {
          current = (await driver.command('POST', `/session/${session}/window/new`, { type: 'tab' })).handle;
          await driver.command('POST', `/session/${session}/window`, { handle: current });
        }
        windows.add(current);
        return new Page(driver, current);
      }),
    version: () => version,
    async close() {
      if (session) await driver.command('DELETE', `/session/${session}`).catch(() => {});
      child.kill();
    },
  };
}
