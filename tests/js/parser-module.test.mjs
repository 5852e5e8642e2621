// The parser-only module (pkg/wasm_parser.wasm, cut from the whole one by scripts/build.sh),
// which a bundle with parseEvents and not the class carries: it exports the parser alone,
// parses every byte as the whole module does, and never takes the whole module's place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { instantiate, loadWasm, setWasmLoader, wasmExports } from '../../js/wasm.js';
import { walkTokens, readTokens } from '../../js/tokens.js';
import '../../js/index.js';

const pkg = new URL('../../pkg/', import.meta.url);
const whole = await readFile(new URL('wasm_eventsource.wasm', pkg));
const parserOnly = await readFile(new URL('wasm_parser.wasm', pkg));
const PARSER_EXPORTS = ['arguments', 'memory', 'parser_chunk', 'parser_end', 'parser_free', 'parser_input', 'parser_new'];

test('the parser-only module exports the parser and nothing else, and is smaller', async () => {
  const names = WebAssembly.Module.exports(new WebAssembly.Module(parserOnly)).map((e) => e.name);
  assert.deepEqual(names.sort(), PARSER_EXPORTS);
  const wholeNames = WebAssembly.Module.exports(new WebAssembly.Module(whole)).map((e) => e.name);
  assert.ok(wholeNames.includes('engine_new'), 'the whole module has the engine');
  assert.ok(parserOnly.length < whole.length * 0.7, `${parserOnly.length} against ${whole.length} bytes`);
});

/** Every token the module `wasm` gives for `chunks`, fed one after another to one parser. */
function parse(wasm, chunks, maxEventSize = NaN) {
  const parser = wasm.parser_new(maxEventSize);
  const seen = [];
  for (const chunk of chunks) {
    const at = wasm.parser_input(parser, chunk.length) >>> 0;
    new Uint8Array(wasm.memory.buffer, at, chunk.length).set(chunk);
    const batch = readTokens(wasm.memory, wasm.parser_chunk(parser, chunk.length) >>> 0);
    walkTokens(batch, (tag, ...fields) => seen.push([String.fromCharCode(tag), ...fields.filter((f) => f !== undefined)]));
  }
  wasm.parser_free(parser);
  return seen;
}

test('the parser-only module parses as the whole module does, chunk by chunk', async () => {
  const [a, b] = await Promise.all([instantiate(whole), instantiate(parserOnly)]);
  const encoder = new TextEncoder();
  const streams = [
    'data: a\n\nid: 7\nevent: tick\ndata: b\ndata: c\n\n: comment\nretry: 250\n\n',
    'data: é漢字🎉\r\n\r\nid: x\rdata: cr\r\rdata\n\nevent\ndata: empty type\n\n',
    `data: ${'x'.repeat(5000)}\n\nid: ${'i'.repeat(5000)}\ndata: long id\n\ndata: after\n\n`,
    '\uFEFFdata: bom\n\nid: a\0b\ndata: nul id\n\nretry: 12x\nretry: 30\n\n',
  ];
  let seed = 1;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (const stream of streams) {
    const bytes = encoder.encode(stream);
    for (let split = 0; split < 20; split++) {
      const chunks = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(random() * 40);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(parse(b, chunks), parse(a, chunks), JSON.stringify(stream.slice(0, 30)));
      assert.deepEqual(parse(b, chunks, 64), parse(a, chunks, 64), 'with a bound on the event size');
    }
  }
});

test('a parser-only loader never takes the place of the whole module', async () => {
  // The entry (index.js) and the class's connection (connection.js) both set theirs when this
  // file imports the package: the whole module wins.
  const first = await loadWasm();
  assert.equal(typeof first.engine_new, 'function', 'the class is in: the whole module is loaded');
  setWasmLoader(() => instantiate(parserOnly), { engine: false });
  assert.equal(await loadWasm(), first, 'the parser-only loader was ignored');
  assert.equal(wasmExports(), first);
});
