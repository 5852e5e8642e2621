// The end-to-end benchmark with nothing attached to the browser: each engine is launched as
// a plain process (headless Chromium, headless Firefox, WebKitGTK's MiniBrowser under Xvfb)
// on benches/browser/honest.html, which posts its results to the test server. Each launch
// times one client cold (the page picks it by launch number); throughput runs are pooled
// over the launches.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, sleep } from '../tests/browser/harness.mjs';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Firefox preferences for a quiet, throwaway profile. */
const FIREFOX_PREFS = [
  'user_pref("browser.shell.checkDefaultBrowser", false);',
  'user_pref("browser.startup.homepage_override.mstone", "ignore");',
  'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
  'user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);',
  'user_pref("browser.aboutwelcome.enabled", false);',
].join('\n');

/** Starts `engine` on `url` in a fresh profile; returns a function that stops it. */
async function launch(engine, url) {
  const profile = await mkdtemp(join(tmpdir(), `honest-${engine}-`));
  let child;
  if (engine === 'chromium') {
    child = spawn('/usr/bin/chromium', [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, url], { stdio: 'ignore', detached: true });
  } else if (engine === 'firefox') {
    await writeFile(join(profile, 'user.js'), FIREFOX_PREFS);
    child = spawn('firefox-esr', ['--headless', '--no-remote', '--profile', profile, url], { stdio: 'ignore', detached: true });
  } else {
    child = spawn('xvfb-run', ['-a', MINIBROWSER, url], { stdio: 'ignore', detached: true });
  }
  return async () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await sleep(300);
    await rm(profile, { recursive: true, force: true });
  };
}

/**
 * Runs the page in each engine, `launches` times per engine (the cold client rotating).
 * Returns, per engine: its user agent, cold and warm times to the first event per client
 * (and how many warm ones each launch took), and throughput run times per client (the
 * fetch reader included).
 */
export async function honestBench({ server, engines, launches, count, size, runs, log }) {
  const results = {};
  for (const engine of engines) {
    const merged = { cold: {}, warm: {}, seconds: {} };
    for (let launchIndex = 0; launchIndex < launches; launchIndex++) {
      const key = `${engine}-${launchIndex}-${process.pid}`;
      const query = new URLSearchParams({ key, count, size, runs, launch: launchIndex });
      log(`no-DevTools end to end: ${engine}, launch ${launchIndex + 1} of ${launches}`);
      const stop = await launch(engine, `${server.primary}/benches/honest.html?${query}`);
      let posted;
      try {
        for (let waited = 0; !posted && waited < 180_000; waited += 250) {
          await sleep(250);
          [posted] = await server.requests(`honest-${key}`);
        }
      } finally {
        await stop();
      }
      if (!posted) throw new Error(`${engine} posted no results`);
      if (posted.error) throw new Error(`${engine}: ${posted.error}`);
      merged.userAgent = posted.userAgent;
      merged.warmRuns = posted.warmRuns;
      (merged.cold[posted.cold.client] ??= []).push(posted.cold.ttfe);
      for (const [client, times] of Object.entries(posted.warm)) (merged.warm[client] ??= []).push(...times);
      for (const [client, times] of Object.entries(posted.seconds)) (merged.seconds[client] ??= []).push(...times);
    }
    for (const table of [merged.cold, merged.warm, merged.seconds]) {
      for (const times of Object.values(table)) times.sort((a, b) => a - b);
    }
    results[engine] = { ...merged, events: count, bytes: count * size };
  }
  return results;
}
