// The whole module taking the parser-only one's place while parsers are being made (a chunk
// with the class loaded while the first chunk's parseEvents calls start): every stream gets
// a parser, and each module is compiled once however many calls wait for it. This file
// imports the parser's side of the package only, as such a first chunk would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { DEFLATED_PARSER_WASM } from '../../pkg/wasm_parser_inline.js';
import { inflate } from '../../js/inline.js';
import { parseEvents } from '../../js/parse.js';
import { instantiate, loadWasm, setWasmLoader } from '../../js/wasm.js';

const whole = await readFile(new URL('../../pkg/wasm_eventsource.wasm', import.meta.url));
const first = (chunks) => parseEvents(chunks).next();

test('streams started as the whole module takes the parser-only one\'s place all parse; one compile each', async (t) => {
  let parserOnlyLoads = 0;
  let wholeLoads = 0;
  setWasmLoader(() => ((parserOnlyLoads += 1), instantiate(inflate(DEFLATED_PARSER_WASM))), { engine: false });
  // Bun's runner shares one module registry among test files: another file may have loaded
  // the whole module in it already (Node and Deno give each file its own).
  if ((await loadWasm()).engine_new) return t.skip('another test file loaded the class in this module registry');

  const many = await Promise.all(Array.from({ length: 50 }, () => first(['data: a\n\n'])));
  assert.deepEqual(new Set(many.map((result) => result.value.data)), new Set(['a']));
  assert.equal(parserOnlyLoads, 1, 'fifty first calls, one compile');

  // This stream's load has finished (the parser-only module is loaded) but it has not made
  // its parser yet when the whole module's loader is set, which drops the parser-only one.
  const started = first(['data: b\n\n']);
  setWasmLoader(() => ((wholeLoads += 1), instantiate(whole)));
  const during = Array.from({ length: 20 }, () => first(['data: c\n\n']));
  assert.equal((await started).value.data, 'b', 'the stream started before the swap parses');
  for (const result of await Promise.all(during)) assert.equal(result.value.data, 'c');
  assert.equal(wholeLoads, 1, 'twenty calls during the swap, one compile of the whole module');
  assert.equal(typeof (await loadWasm()).engine_new, 'function');
});
