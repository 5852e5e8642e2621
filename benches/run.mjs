// `npm run bench`: every benchmark in one run, written to BENCHMARKS.md and
// benches/ratios.svg. `--smoke` runs tiny sizes into test-results/bench-smoke/ instead
// (the test command does that, so the benchmark code cannot rot). `--sizes` measures the
// bundle sizes alone, which depend on no machine, and rewrites only their parts of
// BENCHMARKS.md (the size section and the size goals).
import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, startServer } from '../tests/browser/harness.mjs';
import { honestBench } from './honest.mjs';
import { renderChart, renderReport, sizeGoals, sizeSection } from './report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const smoke = process.argv.includes('--smoke');
const outDir = smoke ? `${root}test-results/bench-smoke` : root;
const run = promisify(execFile);

function log(message) {
  console.log(`[bench] ${message}`);
}

/** Runs a command, streaming its stderr, and returns its stdout. */
function command(program, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${program} exited with ${code}`))));
  });
}

async function nativeBench() {
  log('native parser throughput (cargo bench)');
  const out = `${root}target/bench-native.json`;
  await command('cargo', ['bench', '--quiet', '--bench', 'parsers', '--', ...(smoke ? ['--smoke'] : []), '--out', out]);
  return JSON.parse(await readFile(out, 'utf8'));
}

async function clientsBench() {
  log('native EventSource end to end (cargo bench --bench clients)');
  const out = `${root}target/bench-clients.json`;
  // The smoke run only checks that it works: the test build's dev profile saves compiling
  // reqwest, hyper and rustls again with optimisations.
  const profile = smoke ? ['--profile', 'dev'] : [];
  await command('cargo', ['bench', '--quiet', ...profile, '--features', 'native', '--bench', 'clients', '--', ...(smoke ? ['--smoke'] : []), '--out', out]);
  return JSON.parse(await readFile(out, 'utf8'));
}

const PEERS = {
  'eventsource-parser': 'export { createParser } from "eventsource-parser";',
  eventsource: 'export { EventSource } from "eventsource";',
  'fetch-event-source': 'export { fetchEventSource } from "@microsoft/fetch-event-source";',
};

async function fanoutBench() {
  log('fan-out to many subscribers (cargo bench --bench fanout)');
  const out = `${root}target/bench-fanout.json`;
  await command('cargo', ['bench', '--quiet', '--bench', 'fanout', '--features', 'axum', '--', ...(smoke ? ['--smoke'] : []), '--out', out]);
  return JSON.parse(await readFile(out, 'utf8'));
}

/** The peers' stream parsers, for the stream-parse bench (their sizes are not reported). */
const STREAM_PEERS = {
  'eventsource-parser-stream': 'export { EventSourceParserStream } from "eventsource-parser/stream";',
  'fetch-event-source-parse':
    'export { getBytes, getLines, getMessages } from "@microsoft/fetch-event-source/lib/esm/parse.js";',
};

/** Bundles each peer (minified) for the bench page, and returns the gzipped sizes. */
async function bundlePeers() {
  const sizes = {};
  for (const [name, source] of Object.entries({ ...PEERS, ...STREAM_PEERS })) {
    const outfile = `${root}benches/browser/peers/${name}.js`;
    await build({
      stdin: { contents: source, resolveDir: root, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      outfile,
      logLevel: 'warning',
    });
    const bytes = await readFile(outfile);
    if (name in PEERS) sizes[name] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  return sizes;
}

/**
 * Our package as users ship it: real entry points bundled from js/index.js by esbuild,
 * minified and tree-shaken, the WebAssembly module inside (the whole module with the class,
 * the parser alone with parseEvents alone), gzipped whole.
 */
export const OUR_ENTRIES = {
  'EventSource only': 'export { EventSource } from "./js/index.js";',
  'parseEvents only': 'export { parseEvents } from "./js/index.js";',
  'everything': 'export * from "./js/index.js";',
};

/** Bundles `contents` as a page would, returning the output's bytes. */
async function bundleOurs(contents, plugins = []) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'warning',
    plugins,
  });
  return result.outputFiles[0].contents;
}

/** Replaces the inlined WebAssembly modules with empty text: what the JavaScript weighs alone. */
const withoutModules = {
  name: 'without-modules',
  setup(build) {
    build.onLoad({ filter: /pkg[\\/]wasm_(parser_)?inline\.js$/ }, (args) => ({
      contents: `export const ${args.path.includes('parser') ? 'DEFLATED_PARSER_WASM' : 'DEFLATED_WASM'} = '';`,
      loader: 'js',
    }));
  },
};

async function ourSize() {
  const sizes = {};
  const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
  for (const [name, contents] of Object.entries(OUR_ENTRIES)) {
    const bytes = await bundleOurs(contents);
    const script = await bundleOurs(contents, [withoutModules]);
    sizes[name] = { raw: bytes.length, gzip: gzip(bytes), scriptGzip: gzip(script) };
  }
  return sizes;
}

async function browserBenches() {
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error('bench page error:', error));
    await page.goto(`${server.primary}/benches/bench.html`);
    await page.waitForFunction(() => window.benchReady === true);
    log('browser parse throughput');
    const parse = await page.evaluate((options) => window.parseBench(options), { smoke });
    log('browser stream-parse throughput');
    const streams = await page.evaluate((options) => window.streamBench(options), { smoke });
    log('end-to-end throughput');
    // A fresh page, so the parse run's memory does not count against the clients.
    await page.close();
    const fresh = await browser.newPage();
    fresh.on('pageerror', (error) => console.error('bench page error:', error));
    await fresh.goto(`${server.primary}/benches/bench.html`);
    await fresh.waitForFunction(() => window.benchReady === true);
    const e2e = await fresh.evaluate((options) => window.e2eBench(options), { server: server.primary, smoke });
    const honestOptions = smoke
      ? { launches: 1, count: 2_000, size: 64, runs: 1 }
      : { launches: 4, count: 200_000, size: 64, runs: 2 };
    const engines = await honestBench({ server, engines: ['chromium', 'firefox', 'webkit'], log, ...honestOptions });
    const honest = { engines, events: honestOptions.count, runs: honestOptions.runs * honestOptions.launches };
    return { parse, streams, e2e, honest, chromium: browser.version() };
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function machine() {
  const rustc = (await run('rustc', ['--version'])).stdout.trim();
  const packageJson = JSON.parse(await readFile(`${root}package.json`, 'utf8'));
  const peerVersion = async (name) => JSON.parse(await readFile(`${root}node_modules/${name}/package.json`, 'utf8')).version;
  const cargoLock = await readFile(`${root}Cargo.lock`, 'utf8');
  const crateVersion = (name) => cargoLock.match(new RegExp(`name = "${name}"\\nversion = "([^"]+)"`))?.[1];
  return {
    cpu: `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores)`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    rustc,
    node: process.version,
    ours: packageJson.version,
    versions: {
      'eventsource-stream': crateVersion('eventsource-stream'),
      'sse-stream': crateVersion('sse-stream'),
      'reqwest-eventsource': crateVersion('reqwest-eventsource'),
      'eventsource-client': crateVersion('eventsource-client'),
      axum: crateVersion('axum'),
      'eventsource-parser': await peerVersion('eventsource-parser'),
      eventsource: await peerVersion('eventsource'),
      '@microsoft/fetch-event-source': await peerVersion('@microsoft/fetch-event-source'),
    },
  };
}

/** `--sizes`: the size section and the size goals' rows of BENCHMARKS.md, measured again. */
async function rewriteSizes() {
  const sizes = { ours: await ourSize(), peers: await bundlePeers() };
  const file = `${root}BENCHMARKS.md`;
  const text = await readFile(file, 'utf8');
  const start = text.indexOf('## Size\n');
  const end = text.indexOf('\n## ', start + 1);
  if (start < 0 || end < 0) throw new Error('BENCHMARKS.md has no size section to rewrite');
  const goals = sizeGoals(sizes).map((row) => `| ${row.join(' | ')} |`).join('\n');
  const rewritten = `${text.slice(0, start)}${sizeSection(sizes, 'node benches/run.mjs --sizes').trimEnd()}\n${text.slice(end)}`
    .replace(/(^\| (size|package): [^\n]*\n)+/gm, `${goals}\n`);
  await writeFile(file, rewritten);
  log('rewrote the sizes in BENCHMARKS.md');
}

if (process.argv.includes('--sizes')) {
  await rewriteSizes();
  process.exit(0);
}

const started = Date.now();
await mkdir(outDir, { recursive: true });
const native = await nativeBench();
const clients = await clientsBench();
const fanout = await fanoutBench();
log('bundling peers');
const peerSizes = await bundlePeers();
const { parse, streams, e2e, honest, chromium: chromiumVersion } = await browserBenches();
const sizes = { ours: await ourSize(), peers: peerSizes };
const info = { ...(await machine()), chromium: chromiumVersion, smoke, date: new Date().toISOString().slice(0, 10) };
const command_ = smoke ? 'node benches/run.mjs --smoke' : 'npm run bench';
const report = renderReport({ native, clients, fanout, parse, streams, e2e, honest, sizes, info, command: command_, minutes: (Date.now() - started) / 60000 });
// The endurance figures come from `npm run soak`, not from this run; they are kept as written.
const endurance = await readFile(`${root}benches/endurance.md`, 'utf8');
await writeFile(`${outDir}/BENCHMARKS.md`, `${report.markdown.trimEnd()}\n\n${endurance}`);
await writeFile(`${smoke ? outDir : `${root}benches`}/ratios.svg`, renderChart(report.ratios));
const written = await stat(`${outDir}/BENCHMARKS.md`);
log(`wrote ${outDir === root ? 'BENCHMARKS.md' : `${outDir}/BENCHMARKS.md`} (${written.size} bytes) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
