// Runtimes that lack an API the package uses, or stand one in that throws when called
// (Next.js's Edge runtime does so for DecompressionStream and MessageEvent, among others):
// importing the package still works, and a module that cannot be unpacked says what to do.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const { DecompressionStream, MessageEvent } = globalThis;
after(() => Object.assign(globalThis, { DecompressionStream, MessageEvent }));

/** A stand-in for an API a runtime leaves out: a function that throws when called, as Next.js's. */
const standIn = (name) =>
  function () {
    throw new Error(`A Node.js API is used (${name}) which is not supported in the Edge Runtime.`);
  };

// Gone before the package is imported, as in a runtime without it.
delete globalThis.DecompressionStream;
const { EventSource, parseEvents, useWasm } = await import('../../js/index.js');
const { DEFLATED_WASM } = await import('../../pkg/wasm_inline.js');
const { inflate } = await import('../../js/inline.js');
const { dropInstance, instantiate, setWasmLoader, wasmExports } = await import('../../js/wasm.js');
const bytes = await readFile(new URL('../../pkg/wasm_eventsource.wasm', import.meta.url));

const SAYS_WHAT_TO_DO = /no DecompressionStream to unpack the module the package carries; give useWasm\(\) the package's wasm_eventsource\.wasm instead/;

for (const [what, stand] of [
  ['no DecompressionStream', undefined],
  ['a DecompressionStream that throws when called', standIn('DecompressionStream')],
]) {
  test(`with ${what}, the carried module fails each source and parser with what to do; useWasm() then works`, async () => {
    if (stand) globalThis.DecompressionStream = stand;
    else delete globalThis.DecompressionStream;
    // The module the package carries, whatever another test file loaded (Bun shares one registry).
    setWasmLoader(() => instantiate(inflate(DEFLATED_WASM)));
    dropInstance(wasmExports());
    const parsed = await parseEvents(['data: x\n\n']).next().catch((error) => error);
    assert.match(parsed.message, SAYS_WHAT_TO_DO);
    const source = new EventSource('http://127.0.0.1:9/', { method: 'POST' });
    const event = await new Promise((resolve) => (source.onerror = resolve));
    source.close();
    assert.equal(event.reason, 'wasm-load');
    assert.match(event.cause.message, SAYS_WHAT_TO_DO);
    useWasm(bytes);
    assert.equal((await parseEvents(['data: y\n\n']).next()).value.data, 'y');
  });
}

test('with a MessageEvent that throws when called, the message events load and work', async () => {
  globalThis.MessageEvent = standIn('MessageEvent');
  // A fresh copy of the module, evaluated with the stand-in in place.
  const { SseMessageEvent } = await import(`../../js/message-event.js?stand-in`);
  const event = new SseMessageEvent('message', 'd', '7', 'http://127.0.0.1');
  assert.equal(event.data, 'd');
  assert.equal(event.lastEventId, '7');
  assert.equal(event.constructor, SseMessageEvent);
});
