// What useWasm() may be given by a broken or hostile host: a page that is not wasm, a 404, bytes
// of garbage, half a module, another module, a promise that rejects, a server that never
// answers, a module from another realm, and a runtime that refuses to compile. Each fails the
// load with a reason of its own (error reason 'wasm-load', never 'network', never a TypeError
// from inside the loader), leaves no unhandled rejection, and a later useWasm() still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { runInNewContext } from 'node:vm';
import { EventSource, parseEvents } from '../../js/index.js';
import { dropInstance, instantiateInTime, setWasmLoader, useWasm, wasmExports } from '../../js/wasm.js';
import { serve } from './serve.mjs';

const pkg = new URL('../../pkg/', import.meta.url);
const bytes = await readFile(new URL('wasm_eventsource.wasm', pkg));
const parserOnly = await readFile(new URL('wasm_parser.wasm', pkg));
/** The smallest valid module: the magic number and the version, nothing else. */
const EMPTY_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

/** The unhandled rejections while `run` runs, and the turns of the event loop right after. */
async function unhandledDuring(run) {
  const seen = [];
  const record = (reason) => seen.push(reason);
  process.on('unhandledRejection', record);
  try {
    await run();
    // Rejections are reported once the microtasks of a turn are done: two turns see them all.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
  } finally {
    process.off('unhandledRejection', record);
  }
  return seen;
}

/** The error a parser reports when the module comes from `source`. */
async function parserError(source) {
  useWasm(source);
  dropInstance(wasmExports());
  return parseEvents(['data: x\n\n'])
    .next()
    .then(
      () => assert.fail('the parser parsed'),
      (error) => error,
    );
}

/** The first error event of a source made when the module comes from `source`. */
async function sourceError(source) {
  useWasm(source);
  dropInstance(wasmExports());
  // Nothing listens there: the module is what fails, before any answer matters.
  const eventSource = new EventSource('http://127.0.0.1:9/', { method: 'POST' });
  try {
    return await new Promise((resolve) => (eventSource.onerror = resolve));
  } finally {
    eventSource.close();
  }
}

/** Checks that a later useWasm() with the real module works. */
async function recovers() {
  useWasm(bytes);
  dropInstance(wasmExports());
  assert.equal((await parseEvents(['data: y\n\n']).next()).value.data, 'y', 'a later useWasm() works');
}

/** What the cause of each failure must be: its message, or (where each engine words it its own way) its class. */
const JUNK = {
  'a page that is not wasm': [() => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }), WebAssembly.CompileError],
  'a 404 response (made in code: no URL)': [() => new Response('missing', { status: 404 }), /the response answered 404/],
  'bytes of garbage': [() => new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), WebAssembly.CompileError],
  'half of the module': [() => bytes.subarray(0, bytes.length >> 1), WebAssembly.CompileError],
  'an empty valid module': [() => EMPTY_MODULE, /not this version's wasm_eventsource\.wasm \(it has no export memory\)/],
  'the parser-only module where the whole one is wanted': [() => parserOnly, /not this version's wasm_eventsource\.wasm \(it has no export engine_new\)/],
  'a promise that rejects': [() => Promise.reject(new Error('the CDN is down')), /the CDN is down/],
};

/** Checks that `error` (what a parser rejects with, or an error event's cause) is a load failure for `reason`. */
function isLoadFailure(error, reason) {
  assert.match(error.message, /^wasm-eventsource: the WebAssembly module could not be loaded/);
  if (reason instanceof RegExp) assert.match(error.cause.message, reason);
  else assert.ok(error.cause instanceof reason, `${error.cause} is a ${reason.name}`);
}

for (const [name, [give, reason]] of Object.entries(JUNK)) {
  test(`useWasm() given ${name}: the parser and the source report why, and a later useWasm() works`, async () => {
    const unhandled = await unhandledDuring(async () => {
      isLoadFailure(await parserError(give()), reason);
      const event = await sourceError(give());
      assert.equal(event.reason, 'wasm-load');
      isLoadFailure(event.cause, reason);
      await recovers();
    });
    assert.deepEqual(unhandled, []);
  });
}

test('a promise given to useWasm() that rejects after a module is loaded is no unhandled rejection', async () => {
  useWasm(bytes);
  assert.equal((await parseEvents(['data: x\n\n']).next()).value.data, 'x');
  const unhandled = await unhandledDuring(() => useWasm(Promise.reject(new Error('never awaited: a module is loaded'))));
  assert.deepEqual(unhandled, []);
});

test('a server that never answers fails the load after the bound, and the request is aborted', async () => {
  let closed;
  const aborted = new Promise((resolve) => (closed = resolve));
  const server = await serve({ '/wasm_eventsource.wasm': (request, response) => response.on('close', closed) });
  try {
    setWasmLoader(() => instantiateInTime(`${server.base}/wasm_eventsource.wasm`, 300));
    dropInstance(wasmExports());
    await assert.rejects(parseEvents(['data: x\n\n']).next(), /could not be loaded \(wasm-eventsource: the module did not arrive within 0\.3 s\)/);
    await aborted;
  } finally {
    await server.close();
  }
  await recovers();
});

test("a module compiled in another realm (Next.js's Edge runtime compiles a .wasm?module import outside the route's) loads", async () => {
  const foreign = runInNewContext('new WebAssembly.Module(bytes)', { bytes });
  assert.ok(!(foreign instanceof WebAssembly.Module), 'the module is of another realm');
  useWasm(foreign);
  dropInstance(wasmExports());
  assert.equal((await parseEvents(['data: x\n\n']).next()).value.data, 'x');
});

test("a runtime that refuses to compile (a Content-Security-Policy without 'wasm-unsafe-eval') is reported, and a later useWasm() works", async () => {
  const compile = WebAssembly.instantiate;
  const unhandled = await unhandledDuring(async () => {
    WebAssembly.instantiate = () => Promise.reject(new WebAssembly.CompileError("Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not allowed"));
    try {
      const error = await parserError(bytes);
      isLoadFailure(error, WebAssembly.CompileError);
      assert.match(error.message, /Allow 'wasm-unsafe-eval' in script-src/);
    } finally {
      WebAssembly.instantiate = compile;
    }
    await recovers();
  });
  assert.deepEqual(unhandled, []);
});
