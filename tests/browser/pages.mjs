// Several pages of one origin for the tests of shared streams.
import { ENGINE, followIn } from './harness.mjs';

/**
 * Runs `run(pages)` with `n` pages of one origin and one connection pool, each on the test
 * page and shown, and closes them after: a fresh browser context in Chromium; elsewhere the
 * browser's own, which the suite's page shares. `env` is the file's useTestPage().
 */
export async function withPages(env, n, run) {
  const context = ENGINE === 'chromium' ? await env.browser.newContext() : env.browser;
  const pages = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page ${i} error:`, error));
    await page.goto(`${env.server.primary}/browser/page.html`);
    await page.waitForFunction(() => window.ready === true);
    // Background tabs are hidden in some engines: every page starts out shown here, and
    // the tests hide them as they need.
    await page.evaluate(() => window.setVisibility('visible'));
    const close = page.close.bind(page);
    let closed;
    page.close = () => (closed ??= close());
    pages.push(page);
  }
  try {
    await run(pages);
  } finally {
    await (ENGINE === 'chromium' ? context.close() : Promise.all(pages.map((page) => page.close())));
  }
}

/** Waits until the page's `follow` recorded `count` messages. */
export const waitForEvents = (page, count, timeout = 20_000) =>
  page.waitForFunction((count) => window.trail.data.length >= count, count, { timeout });

/** Starts a shared source in every page, the first one first: it takes the lock and leads. */
export async function followShared(pages, url, init = {}) {
  await followIn(pages[0], 'wasm', url, { share: true, ...init });
  await pages[0].waitForFunction(() => window.trail.source.readyState === 1);
  await Promise.all(pages.slice(1).map((page) => followIn(page, 'wasm', url, { share: true, ...init })));
  // A page joined once it is open (the leader answered it).
  await Promise.all(pages.slice(1).map((page) => page.waitForFunction(() => window.trail.source.readyState === 1)));
}
