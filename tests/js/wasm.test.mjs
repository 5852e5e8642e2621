// js/wasm.js instantiates the module from what each entry has: the bytes, or a fetch()
// response that is streamed when served as application/wasm and read whole otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { instantiate, loadWasm, preloadWasm, setWasmLoader } from '../../js/wasm.js';

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
