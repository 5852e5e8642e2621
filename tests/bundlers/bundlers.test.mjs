// The packed tarball, installed outside the package and built by each mainstream bundler with
// no configuration for the WebAssembly module: esbuild (ES module and iife), Rollup with
// node-resolve, webpack 5, Parcel 2, Vite, and Next.js (Turbopack and webpack, a client
// component rendered on the server at build time, served by `next start`). Each build is
// loaded in the browser under test and reads three events with the EventSource class and
// three with parseEvents, from one source file (tests/package/main.js); the Turbopack build
// also has a route in the Edge runtime that does the same on the server. The bundlers come
// from this directory's package.json (esbuild and Vite from the root's).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freshKey, useTestPage } from '../browser/harness.mjs';

const env = useTestPage();
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../..');
const work = join(here, 'work');
const bin = (name) => join(here, 'node_modules/.bin', name);
const rootBin = (name) => join(root, 'node_modules/.bin', name);
const run = (command, args, cwd) =>
  promisify(execFile)(command, args, {
    cwd,
    timeout: 300_000,
    maxBuffer: 16 << 20,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });

/** Packs the tarball once and installs it into work/, which every app below sits in. */
let installed;
function install() {
  installed ??= (async () => {
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work, root], root);
    const [packed] = JSON.parse(stdout);
    await writeFile(join(work, 'package.json'), JSON.stringify({ name: 'apps', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename)], work);
  })();
  return installed;
}

after(() => rm(work, { recursive: true, force: true }));

/** A fresh app directory holding the page's source (`page`, as main.js) and `html` as its index.html. */
async function app(name, html, page = 'main.js') {
  await install();
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  await cp(join(root, 'tests/package', page), join(dir, 'main.js'));
  if (html) await cp(join(here, html), join(dir, 'index.html'));
  return dir;
}

/** Builds into dir/dist with `command`, with index.html copied beside the output when the bundler does not emit it. */
async function bundled(dir, command, args, { copyHtml = true } = {}) {
  await run(command, args, dir);
  if (copyHtml) await cp(join(dir, 'index.html'), join(dir, 'dist/index.html'));
  return join(dir, 'dist');
}

/** The builds the tables below share: each bundles dir/main.js into dir/dist with no configuration. */
const esbuildEsm = (dir) => bundled(dir, rootBin('esbuild'), ['main.js', '--bundle', '--format=esm', '--outfile=dist/main.js', '--log-level=warning']);
const rollupEs = (dir, out = ['-o', 'dist/main.js']) => bundled(dir, bin('rollup'), ['main.js', '-p', 'node-resolve', '-f', 'es', ...out, '--silent']);
const webpack = (dir) =>
  bundled(dir, bin('webpack'), ['--mode', 'production', '--entry', './main.js', '--output-path', 'dist', '--output-filename', 'main.js']);
const vite = (dir) => bundled(dir, process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { copyHtml: false });

const BUNDLERS = {
  'esbuild, ES module': async () => {
    return esbuildEsm(await app('esbuild-esm', 'module.html'));
  },
  "esbuild, iife (its default format, where import.meta is empty)": async () => {
    const dir = await app('esbuild-iife', 'classic.html');
    return bundled(dir, rootBin('esbuild'), ['main.js', '--bundle', '--outfile=dist/main.js', '--log-level=warning']);
  },
  'Rollup with node-resolve': async () => {
    return rollupEs(await app('rollup', 'module.html'));
  },
  'webpack 5': async () => webpack(await app('webpack', 'classic.html')),
  'Parcel 2': async () => {
    const dir = await app('parcel', 'module.html');
    return bundled(dir, bin('parcel'), ['build', 'index.html', '--dist-dir', 'dist', '--no-autoinstall', '--log-level', 'warn'], { copyHtml: false });
  },
  Vite: async () => vite(await app('vite', 'module.html')),
};

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** What the page at `origin` read from a fresh three-event stream, with collect(). */
async function collected(origin) {
  const page = await env.browser.newPage();
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 30_000 });
    const url = `${env.server.primary}/sse/counter?key=${freshKey()}&count=3&end=hang`;
    return await page.evaluate(([u]) => window.collect(u, 3), [url]);
  } finally {
    await page.close();
  }
}

/** Serves `dist` on a loopback port until `use(origin)` settles. */
async function serving(dist, use) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const file = path.endsWith('/') ? `${path}index.html` : path;
    try {
      const body = await readFile(join(dist, file));
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await use(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.close();
  }
}

for (const [name, build] of Object.entries(BUNDLERS)) {
  test(`installed from the tarball and built by ${name} with no configuration, the page receives events`, async () => {
    const dist = await build();
    const seen = await serving(dist, collected);
    assert.deepEqual(seen, { fromSource: ['1', '2', '3'], fromParser: ['1', '2', '3'] });
  });
}

/** Serves the built Next.js app in `dir` with `next start` on a loopback port until `use(origin)` settles. */
async function nextServing(dir, use) {
  const server = spawn(bin('next'), ['start', '--hostname', '127.0.0.1', '--port', '0'], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let printed = '';
    const origin = await new Promise((resolve, reject) => {
      server.on('exit', (code) => reject(new Error(`next start exited (${code}): ${printed}`)));
      server.stdout.on('data', (data) => {
        printed += data;
        const found = /http:\/\/127\.0\.0\.1:\d+/.exec(printed);
        if (found) resolve(found[0]);
      });
    });
    return await use(origin);
  } finally {
    server.kill();
  }
}

/** What the Edge route of the app at `origin` (next-edge/route.js) read from a fresh three-event stream. */
async function readByEdgeRoute(origin) {
  const url = `${env.server.primary}/sse/counter?key=${freshKey()}&count=3&end=hang`;
  const response = await fetch(`${origin}/edge?url=${encodeURIComponent(url)}`);
  if (!response.ok) throw new Error(`the Edge route answered ${response.status}: ${await response.text()}`);
  return response.json();
}

const NEXT = {
  // The Edge route is in the Turbopack build only: `next build --webpack` (Next.js 16.4) fails
  // on any Edge route handler, "ENOENT ... route_client-reference-manifest.js", in a minimal
  // app without this package too.
  Turbopack: { args: [], edge: true },
  webpack: { args: ['--webpack'], edge: false },
};

for (const [name, { args, edge }] of Object.entries(NEXT)) {
  const edgeToo = edge ? ', and a route in the Edge runtime reads events with both' : '';
  test(`installed from the tarball and built by Next.js (${name}) with no configuration, the page receives events${edgeToo}`, async () => {
    const dir = await app(`next-${name.toLowerCase()}`);
    await cp(join(here, 'next-app'), dir, { recursive: true });
    if (edge) {
      await mkdir(join(dir, 'app/edge'), { recursive: true });
      await cp(join(here, 'next-edge/route.js'), join(dir, 'app/edge/route.js'));
    }
    await run(bin('next'), ['build', ...args], dir);
    await nextServing(dir, async (origin) => {
      const html = await (await fetch(`${origin}/`)).text();
      assert.match(html, /EventSource is a (<!-- -->)?function/, 'the server render imported the package');
      assert.deepEqual(await collected(origin), { fromSource: ['1', '2', '3'], fromParser: ['1', '2', '3'] });
      if (edge) assert.deepEqual(await readByEdgeRoute(origin), { fromSource: ['1', '2', '3'], fromParser: ['1', '2', '3'] });
    });
  });
}

const SPLIT = {
  Vite: vite,
  Rollup: (dir) => rollupEs(dir, ['-d', 'dist']),
  'esbuild (splitting)': (dir) =>
    bundled(dir, rootBin('esbuild'), ['main.js', '--bundle', '--splitting', '--format=esm', '--outdir=dist', '--log-level=warning']),
};

for (const [name, build] of Object.entries(SPLIT)) {
  test(`a page split by ${name}: parseEvents from the first chunk's top level, then the class from a later chunk`, async () => {
    const dir = await app(`split-${name.replace(/\W/g, '')}`, 'module.html', 'split.js');
    await cp(join(root, 'tests/package/source-chunk.js'), join(dir, 'source-chunk.js'));
    const dist = await build(dir);
    const seen = await serving(dist, collected);
    assert.deepEqual(seen, {
      fromParser: ['early', '1', '2', '3'],
      fromSource: ['1', '2', '3'],
      after: ['1', '2', '3'],
    });
  });
}

/** A stretch of a module's base64 text, to tell whether a bundle carries it. */
async function textOf(file) {
  const source = await readFile(join(work, 'node_modules/wasm-eventsource/pkg', file), 'utf8');
  return source.slice(source.indexOf("'") + 1000, source.indexOf("'") + 1100);
}

const PARSE_ONLY = {
  esbuild: esbuildEsm,
  Rollup: rollupEs,
  'webpack 5': webpack,
};

for (const [name, build] of Object.entries(PARSE_ONLY)) {
  test(`a page with parseEvents and not the class, built by ${name}, carries and loads the parser alone`, async () => {
    const dir = await app(`parse-only-${name.replace(/\W/g, '')}`, name === 'webpack 5' ? 'classic.html' : 'module.html', 'parse-only.js');
    const dist = await build(dir);
    const bundle = await readFile(join(dist, 'main.js'), 'utf8');
    assert.ok(bundle.includes(await textOf('wasm_parser_inline.js')), 'the parser-only module is in');
    assert.ok(!bundle.includes(await textOf('wasm_inline.js')), 'the whole module is left out');
    assert.deepEqual(await serving(dist, collected), { fromParser: ['1', '2', '3'] });
  });
}
