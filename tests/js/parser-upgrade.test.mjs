// A page whose first code had parseEvents alone (the parser-only module loaded) and which
// later loads the class (a code-split chunk): the whole module takes the parser-only one's
// place, and a parser made before goes on with its own instance. This file imports the
// parser's side of the package only, as such a first chunk would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { DEFLATED_PARSER_WASM } from '../../pkg/wasm_parser_inline.js';
import { inflate } from '../../js/inline.js';
import { parseEvents } from '../../js/parse.js';
import { instantiate, loadWasm, setWasmLoader, wasmExports } from '../../js/wasm.js';

test('the whole module takes the place of a loaded parser-only one; parsers made before go on', async (t) => {
  setWasmLoader(() => instantiate(inflate(DEFLATED_PARSER_WASM)), { engine: false });
  const parserOnly = await loadWasm();
  // Bun's runner shares one module registry among test files, so another file's import of the
  // class may have set the whole module already (Node and Deno give each file its own).
  if (parserOnly.engine_new) return t.skip('another test file loaded the class in this module registry');
  const encoder = new TextEncoder();
  let body;
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode('data: one\n\n'));
      body = controller;
    },
  });
  const events = parseEvents(stream)[Symbol.asyncIterator]();
  assert.equal((await events.next()).value.data, 'one');

  const whole = await readFile(new URL('../../pkg/wasm_eventsource.wasm', import.meta.url));
  setWasmLoader(() => instantiate(whole));
  const upgraded = await loadWasm();
  assert.equal(typeof upgraded.engine_new, 'function', 'the whole module is loaded now');
  assert.equal(wasmExports(), upgraded);
  setWasmLoader(() => instantiate(inflate(DEFLATED_PARSER_WASM)), { engine: false });
  assert.equal(await loadWasm(), upgraded, 'and is not given back for the parser-only one');

  body.enqueue(encoder.encode('data: two\n\n'));
  body.close();
  assert.equal((await events.next()).value.data, 'two', 'the parser made before goes on');
  assert.equal((await events.next()).done, true);
});
