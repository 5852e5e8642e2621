// js/wasm.js instantiates the module from what each entry has: the bytes, or a fetch()
// response that is streamed when served as application/wasm and read whole otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { EventSource, parseEvents } from '../../js/index.js';
import { dropInstance, instantiate, loadWasm, preloadWasm, setWasmLoader, useWasm, wasmExports } from '../../js/wasm.js';

const bytes = await readFile(new URL('../../pkg/wasm_eventsource.wasm', import.meta.url));
const served = (type, status = 200) => new Response(status === 200 ? bytes : 'missing', { status, headers: { 'content-type': type } });

/** Whether `exports` are a working instance of the module: a parser parses. */
function works(exports) {
  const parser = exports.parser_new(NaN);
  assert.ok(parser > 0, 'a parser handle');
  exports.parser_free(parser);
  return true;
}

test('the bytes instantiate', async () => {
  assert.ok(works(await instantiate(bytes)));
});

test('a response served as application/wasm instantiates', async () => {
  assert.ok(works(await instantiate(served('application/wasm'))));
  assert.ok(works(await instantiate(Promise.resolve(served('application/wasm')))));
});

test('a response served with another type, which engines refuse to stream, is read whole', async () => {
  for (const type of ['application/octet-stream', 'application/wasm; charset=binary', 'Application/WASM', '']) {
    assert.ok(works(await instantiate(served(type))), type);
  }
});

test('a failed response rejects with its status', async () => {
  await assert.rejects(instantiate(served('text/plain', 404)), /answered 404/);
});

test('a preload that fails, even at once, is dropped, and the next load tries again', async () => {
  setWasmLoader(() => {
    throw new Error('no I/O at start-up');
  });
  preloadWasm();
  setWasmLoader(() => Promise.reject(new Error('offline')));
  preloadWasm();
  await new Promise((resolve) => setTimeout(resolve, 10));
  setWasmLoader(() => instantiate(bytes));
  assert.ok(works(await loadWasm()));
});

test('useWasm takes the module as bytes, a compiled Module, a Response or a URL', async () => {
  const { createServer } = await import('node:http');
  const server = createServer((request, response) => response.writeHead(200, { 'content-type': 'application/wasm' }).end(bytes));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/wasm_eventsource.wasm`;
  try {
    for (const source of [bytes, new WebAssembly.Module(bytes), served('application/wasm'), url, new URL(url)]) {
      useWasm(source);
      dropInstance(wasmExports());
      assert.ok(works(await loadWasm()), Object.prototype.toString.call(source));
    }
  } finally {
    server.close();
  }
});

test('a loader that throws at once (an iife bundle has no import.meta.url) fails the source, never the constructor', async () => {
  setWasmLoader(() => {
    throw new TypeError('Invalid URL');
  });
  dropInstance(wasmExports());
  const source = new EventSource('http://127.0.0.1:9/');
  const error = await new Promise((resolve) => (source.onerror = resolve));
  assert.equal(error.reason, 'wasm-load');
  assert.match(error.cause.message, /could not be loaded \(Invalid URL\)/);
  assert.equal(source.readyState, EventSource.CLOSED);
  useWasm(bytes);
});

test('useWasm replaces a load under way: the load it replaced gives way whatever its outcome', async () => {
  for (const outcome of ['fails', 'succeeds']) {
    let finish;
    setWasmLoader(() => new Promise((resolve, reject) => (finish = () => (outcome === 'fails' ? reject(new Error('404')) : resolve(instantiate(bytes))))));
    dropInstance(wasmExports());
    const first = loadWasm();
    let replaced = false;
    useWasm(new Promise((resolve) => setTimeout(() => ((replaced = true), resolve(bytes)), 20)));
    finish();
    assert.ok(works(await first), outcome);
    assert.ok(replaced, 'the replacing load was waited for');
  }
});

test('any loader set while nothing is loaded replaces a load under way (a chunk that sets it after the preload began)', async () => {
  dropInstance(wasmExports());
  let fail;
  setWasmLoader(() => new Promise((resolve, reject) => (fail = () => reject(new Error('no loader yet')))));
  const first = loadWasm();
  setWasmLoader(() => instantiate(bytes), { engine: true });
  fail();
  assert.ok(works(await first), 'the load under way gave way to the loader set after it');
});

test('the preload waits for the importing code: a useWasm() at its top level comes first', async () => {
  dropInstance(wasmExports());
  let carried = 0;
  setWasmLoader(() => {
    carried += 1;
    return instantiate(bytes);
  });
  preloadWasm();
  useWasm(bytes);
  assert.ok(works(await loadWasm()));
  assert.equal(carried, 0, 'the replaced loader never ran');
});

test('a parser whose module cannot load says what to do, as a source does', async () => {
  setWasmLoader(() => Promise.reject(new Error('refused by the page')));
  dropInstance(wasmExports());
  try {
    await assert.rejects(parseEvents(['data: x\n\n']).next(), /WebAssembly module could not be loaded \(refused by the page\)\. Allow 'wasm-unsafe-eval'/);
  } finally {
    useWasm(bytes);
  }
  assert.equal((await parseEvents(['data: x\n\n']).next()).value.data, 'x');
});
