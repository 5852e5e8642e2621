// Browser benchmarks, run by benches/run.mjs in headless Chromium:
// - parseBench: our wasm engine (bytes in, events as JS strings out, exactly the path
//   js/connection.js takes) beside eventsource-parser fed through TextDecoder;
// - streamBench: the parsers for bodies fetched by hand, each over a ReadableStream of the
//   same chunks: our EventStreamParser and parseEvents, eventsource-parser's
//   EventSourceParserStream (after a TextDecoderStream) and fetch-event-source's
//   getBytes/getLines/getMessages;
// - e2eBench: the native EventSource, ours, `eventsource` and
//   `@microsoft/fetch-event-source` against one local server.
import { EventStreamParser, parseEvents } from '/js/index.js';
import { Engine } from '/js/handles.js';
import { feedChunk, walkTokens } from '/js/tokens.js';
import { loadWasm } from '/js/wasm.js';
import { createParser } from './peers/eventsource-parser.js';
import { CLIENTS, runClient } from './clients.js';
import { EventSourceParserStream } from './peers/eventsource-parser-stream.js';
import { getBytes, getLines, getMessages } from './peers/fetch-event-source-parse.js';

const RUNS = 7;
let sink = 0;

/** The same recipes as benches/fixtures.rs; `scale` divides the sizes. */
function fixtures(scale) {
  const text = (parts) => new TextEncoder().encode(parts.join(''));
  const tokens = [];
  for (let n = 0; n < 200_000 / scale; n++) tokens.push(`data: {"token":"tok${n % 977}","i":${n}}\n\n`);
  const line1k = Array.from({ length: 1024 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
  const lines = Array.from({ length: 8192 / scale }, () => `data: ${line1k}\n\n`);
  const line80 = Array.from({ length: 80 }, (_, i) => String.fromCharCode(65 + (i % 26))).join('');
  const multi = [];
  for (let e = 0; e < Math.max(1, 128 / scale); e++) {
    for (let l = 0; l < Math.floor((64 * 1024) / 86); l++) multi.push(`data: ${line80}\n`);
    multi.push('\n');
  }
  const mixed = [];
  for (let n = 0; n < 100_000 / scale; n++) {
    switch (n % 5) {
      case 0: mixed.push(`id: ${n}\nevent: update\ndata: {"n":${n},"ok":true}\n\n`); break;
      case 1: mixed.push(`: keep-alive ${n}\r\nid: ${n}\r\ndata: line one\r\ndata: line two é€\r\n\r\n`); break;
      case 2: mixed.push(`data: ${'x'.repeat(200 + (n % 300))}\n\n`); break;
      case 3: mixed.push(`retry: 3000\nevent: tick\ndata: ${n}\n\n`); break;
      default: mixed.push(`id: ${n}\ndata:${'😀 '.repeat(8)}\n\n`);
    }
  }
  const big = `data: ${'z'.repeat((8 << 20) / scale)}\n\n`;
  return [
    { name: 'LLM tokens (~40 B events)', bytes: text(tokens), chunk: 16 * 1024 },
    { name: '1 KiB data lines', bytes: text(lines), chunk: 64 * 1024 },
    { name: '64 KiB multi-line events', bytes: text(multi), chunk: 64 * 1024 },
    { name: 'mixed (ids, types, comments)', bytes: text(mixed), chunk: 16 * 1024 },
    { name: '8 MiB line, 64 KiB chunks', bytes: text([big]), chunk: 64 * 1024 },
  ];
}

function chunked(bytes, size) {
  const chunks = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/**
 * Our path: each chunk is written into the engine's input buffer, the engine parses it, and
 * its events arrive as one batch of tokens in wasm memory, fed, read and walked with the
 * same feedChunk and walkTokens as js/connection.js.
 */
function runOurs(chunks) {
  const engine = new Engine({ seed: 1 });
  engine.connect();
  engine.response(200, 'text/event-stream', undefined, Date.now());
  let events = 0;
  const count = (tag, text, field) => {
    if (tag === 109 || tag === 77) {
      sink += 7 + text.length;
      events += 1;
    } else if (tag === 110 || tag === 78) {
      sink += text.length + field.length;
      events += 1;
    }
  };
  for (const chunk of chunks) walkTokens(feedChunk(engine, chunk), count);
  engine.free();
  return events;
}

function runEventsourceParser(chunks) {
  let events = 0;
  const parser = createParser({
    onEvent(event) {
      sink += (event.event ?? 'message').length + event.data.length;
      events += 1;
    },
  });
  const decoder = new TextDecoder();
  for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
  return events;
}

function time(run, chunks) {
  const start = performance.now();
  const events = run(chunks);
  return { seconds: (performance.now() - start) / 1000, events };
}

window.parseBench = async ({ smoke }) => {
  await loadWasm();
  const rows = [];
  for (const fixture of fixtures(smoke ? 64 : 1)) {
    const chunks = chunked(fixture.bytes, fixture.chunk);
    for (const [parser, run] of [['wasm-eventsource', runOurs], ['eventsource-parser', runEventsourceParser]]) {
      time(run, chunks);
      const seconds = [];
      let events = 0;
      for (let r = 0; r < RUNS; r++) {
        const result = time(run, chunks);
        seconds.push(result.seconds);
        events = result.events;
      }
      rows.push({ fixture: fixture.name, parser, bytes: fixture.bytes.length, events, finished: true, seconds: seconds.sort((a, b) => a - b) });
    }
  }
  return { runs: RUNS, rows, sink };
};

/** A fresh stream of the same chunks for every run. */
function streamOf(chunks) {
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(chunks[next++]);
      else controller.close();
    },
  });
}

async function drain(events) {
  let count = 0;
  for await (const event of events) {
    sink += event.data.length;
    count += 1;
  }
  return count;
}

const STREAM_PARSERS = {
  'wasm-eventsource EventStreamParser': (chunks) => drain(streamOf(chunks).pipeThrough(new EventStreamParser())),
  'wasm-eventsource parseEvents': (chunks) => drain(parseEvents(streamOf(chunks))),
  'eventsource-parser EventSourceParserStream': (chunks) =>
    drain(streamOf(chunks).pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream())),
  'fetch-event-source getBytes/getLines/getMessages': async (chunks) => {
    let count = 0;
    const onMessage = (message) => {
      sink += message.data.length;
      count += 1;
    };
    await getBytes(streamOf(chunks), getLines(getMessages(() => {}, () => {}, onMessage)));
    return count;
  },
};

window.streamBench = async ({ smoke }) => {
  await loadWasm();
  const rows = [];
  for (const fixture of fixtures(smoke ? 64 : 1)) {
    const chunks = chunked(fixture.bytes, fixture.chunk);
    for (const [parser, run] of Object.entries(STREAM_PARSERS)) {
      await run(chunks);
      const seconds = [];
      let events = 0;
      for (let r = 0; r < RUNS; r++) {
        const start = performance.now();
        events = await run(chunks);
        seconds.push((performance.now() - start) / 1000);
      }
      rows.push({ fixture: fixture.name, parser, bytes: fixture.bytes.length, events, finished: true, seconds: seconds.sort((a, b) => a - b) });
    }
  }
  return { runs: RUNS, rows, sink };
};

async function memory() {
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 50));
  globalThis.gc?.();
  const wasm = await loadWasm();
  return { jsHeap: performance.memory?.usedJSHeapSize ?? null, wasmMemory: wasm.memory.buffer.byteLength };
}

window.e2eBench = async ({ server, smoke }) => {
  const clients = CLIENTS;
  const cases = smoke ? [[2_000, 64], [200, 4096]] : [[200_000, 64], [20_000, 4096]];
  const runs = smoke ? 2 : 5;
  const rows = [];
  for (const [count, size] of cases) {
    const results = Object.fromEntries(clients.map((client) => [client, { seconds: [], ttfe: [] }]));
    for (let run = 0; run < runs; run++) {
      // Rotate who goes first, so no client always inherits another's garbage.
      const order = [...clients.slice(run % clients.length), ...clients.slice(0, run % clients.length)];
      for (const client of order) {
        // Collect the previous client's garbage first, so no client pays for another's.
        globalThis.gc?.();
        const url = `${server}/sse/bulk?count=${count}&size=${size}&key=bench-${client}-${run}-${Math.random()}`;
        const { ttfe, seconds } = await runClient(client, url, count);
        results[client].seconds.push(seconds);
        results[client].ttfe.push(ttfe);
        if (run === runs - 1) results[client].memory = await memory();
      }
    }
    for (const client of clients) {
      const { seconds, ttfe, memory: used } = results[client];
      rows.push({
        fixture: `${count.toLocaleString('en')} events of ${size} B`,
        parser: client,
        bytes: count * size,
        events: count - 1,
        finished: true,
        seconds: seconds.sort((a, b) => a - b),
        ttfe: ttfe.sort((a, b) => a - b),
        memory: used,
      });
    }
  }
  return { runs, rows, sink };
};

window.benchReady = true;
