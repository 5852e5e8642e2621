// The packages as they would be published. The npm tarball (made by `npm pack`, whose
// prepack builds pkg/) holds exactly the files it should, installs into a directory outside
// the repository, and runs there in Node, Deno and Bun (tests/bundlers/ builds it with each
// bundler). The crate
// publishes only its sources and documents, builds alone, and does not carry the npm binding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { freshKey, useTestPage } from './harness.mjs';

const env = useTestPage();
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = (command, args, options = {}) =>
  promisify(execFile)(command, args, { cwd: root, timeout: 120_000, maxBuffer: 16 << 20, ...options });

const NPM_FILES = [
  'LICENSE',
  'README.md',
  'js/api.js',
  'js/connection.js',
  'js/event-source.js',
  'js/handles.js',
  'js/index.d.ts',
  'js/index.js',
  'js/inline.js',
  'js/listeners.js',
  'js/message-event.js',
  'js/options.js',
  'js/parse.js',
  'js/replay.js',
  'js/share-protocol.js',
  'js/shared.js',
  'js/tasks.js',
  'js/tokens.js',
  'js/wasm.js',
  'package.json',
  'pkg/wasm_eventsource.wasm',
  'pkg/wasm_inline.js',
  'pkg/wasm_parser_inline.js',
];

/** Packs the tarball once and installs it into a fresh directory outside the repository. */
let installed;
function install() {
  installed ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wasm-eventsource-consumer-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir]);
    const [packed] = JSON.parse(stdout);
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, packed.filename)], { cwd: dir });
    await copyFile(join(root, 'tests/package/consumer.mjs'), join(dir, 'consumer.mjs'));
    return { dir, packed };
  })();
  return installed;
}

after(async () => {
  if (installed) await rm((await installed).dir, { recursive: true, force: true });
});

const counter = () => `${env.server.primary}/sse/counter?key=${freshKey()}&count=3&end=hang`;

test('the npm tarball holds exactly the package files', async () => {
  const { packed } = await install();
  assert.deepEqual(packed.files.map((file) => file.path).sort(), NPM_FILES);
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  assert.equal(manifest.scripts.prepack, 'bash scripts/build.sh', 'packing builds pkg/ first');
});

test('the tarball passes publint and arethetypeswrong (an ES module package: no CommonJS entry)', async () => {
  const { dir, packed } = await install();
  const tarball = join(dir, packed.filename);
  const { stdout: lint } = await run(join(root, 'node_modules/.bin/publint'), ['run', tarball, '--strict']);
  assert.match(lint, /All good!/, lint);
  // Exits non-zero on any problem but the one an ES module package has by design (a
  // require() of it resolves to ESM).
  await run(join(root, 'node_modules/.bin/attw'), [tarball, '--profile', 'esm-only', '--exclude-entrypoints', './wasm_eventsource.wasm']);
});

for (const [runtime, command, args] of [
  ['Node', process.execPath, []],
  ['Deno', join(root, 'node_modules/.bin/deno'), ['run', '--allow-net=127.0.0.1', '--allow-read']],
  ['Bun', join(root, 'node_modules/.bin/bun'), []],
]) {
  test(`installed from the tarball, it runs in ${runtime} and lets the process exit`, async () => {
    const { dir } = await install();
    const { stdout } = await run(command, [...args, 'consumer.mjs', counter(), counter()], { cwd: dir, timeout: 60_000 });
    const expected = [['1', '1'], ['2', '2'], ['3', '3']];
    assert.deepEqual(JSON.parse(stdout), { fromSource: expected, fromParser: expected, readyState: 2 });
  });
}

test('the crate publishes only its sources and documents, and builds alone', async () => {
  const { stdout } = await run('cargo', ['package', '--list', '-p', 'wasm-eventsource', '--allow-dirty']);
  const listed = stdout.split('\n').filter((line) => line && line !== '.cargo_vcs_info.json');
  const sources = (await run('git', ['ls-files', 'src'])).stdout.split('\n').filter(Boolean);
  const expected = ['Cargo.lock', 'Cargo.toml', 'Cargo.toml.orig', 'LICENSE', 'README.md', ...sources];
  assert.deepEqual(listed.sort(), expected.sort());
  // Packaging verifies that the published crate compiles from those files alone.
  await run('cargo', ['package', '-p', 'wasm-eventsource', '--allow-dirty', '--quiet'], { timeout: 300_000 });
  const published = await readFile(join(root, 'target/package/wasm-eventsource-0.1.0/Cargo.toml'), 'utf8');
  assert.match(published, /\[target\.'cfg\(target_arch = "wasm32"\)'\.dependencies\.wasm-bindgen\]\nversion = "0\.2\.\d+"/);
  const pinned = published
    .split(/^(?=\[)/m)
    .filter((section) => /^\[[^\]]*(?<!dev-)dependencies/.test(section) && /version = "=/.test(section));
  assert.deepEqual(pinned, [], 'no exact version pins reach dependents');
  assert.doesNotMatch(published, /cdylib/, 'Rust dependents get an rlib only');
});
