// Turns the raw benchmark results into BENCHMARKS.md and an SVG chart of the main ratios.
// Every ratio compares medians measured in the same run: ours / peer throughput.

const median = (values) => values[Math.floor(values.length / 2)];
const mbps = (bytes, seconds) => bytes / seconds / 1e6;
const fmt = (value, digits = 1) =>
  value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(digits);
const ratioText = (ratio) => (ratio === null ? '—' : `${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(2)}×`);

/** The rows of one fixture by parser name. */
function byFixture(rows) {
  const fixtures = new Map();
  for (const row of rows) {
    if (!fixtures.has(row.fixture)) fixtures.set(row.fixture, new Map());
    fixtures.get(row.fixture).set(row.parser, row);
  }
  return fixtures;
}

/** ours / peer throughput from median times (a peer that did not finish gives `null`). */
function ratio(ours, peer) {
  if (!ours?.finished || !peer?.finished) return null;
  return median(peer.seconds) / median(ours.seconds);
}

function throughputTable(results, ours, { events = true } = {}) {
  const lines = [
    `| fixture | parser | median MB/s | min–max MB/s | ${events ? 'events/s | ' : ''}ours vs it |`,
    `|---|---|---:|---:|${events ? '---:|' : ''}---:|`,
  ];
  for (const [fixture, parsers] of byFixture(results.rows)) {
    const mine = parsers.get(ours);
    for (const [parser, row] of parsers) {
      if (!row.finished) {
        lines.push(`| ${fixture} | ${parser} | did not finish a run in 20 s | | ${events ? '| ' : ''}— |`);
        continue;
      }
      const slowest = row.seconds[row.seconds.length - 1];
      const fastest = row.seconds[0];
      const perSecond = row.events / median(row.seconds);
      const compared = parser === ours ? '' : ratioText(ratio(mine, row));
      lines.push(
        `| ${fixture} | ${parser === ours ? `**${parser}**` : parser} | ${fmt(mbps(row.bytes, median(row.seconds)))} | ${fmt(mbps(row.bytes, slowest))}–${fmt(mbps(row.bytes, fastest))} | ${events ? `${fmt(perSecond, 0)} | ` : ''}${compared} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The stream parsers: each row's throughput, and both of ours against it. */
function streamTable(streams) {
  const [stream, iterator] = ['wasm-eventsource EventStreamParser', 'wasm-eventsource parseEvents'];
  const lines = [
    '| fixture | parser | median MB/s | events/s | EventStreamParser vs it | parseEvents vs it |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const [fixture, parsers] of byFixture(streams.rows)) {
    for (const [parser, row] of parsers) {
      const ours = parser === stream || parser === iterator;
      const versus = (name) => (ours ? '' : ratioText(ratio(parsers.get(name), row)));
      lines.push(
        `| ${fixture} | ${ours ? `**${parser}**` : parser} | ${fmt(mbps(row.bytes, median(row.seconds)))} | ${fmt(row.events / median(row.seconds), 0)} | ${versus(stream)} | ${versus(iterator)} |`,
      );
    }
  }
  return lines.join('\n');
}

function e2eTable(e2e) {
  const lines = [
    '| stream | client | median events/s | min–max events/s | ours vs it | time to first event (median) | JS heap after | wasm memory |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [fixture, clients] of byFixture(e2e.rows)) {
    const mine = clients.get('wasm-eventsource');
    for (const [client, row] of clients) {
      const perSecond = (seconds) => row.events / seconds;
      const heap = row.memory?.jsHeap ? `${(row.memory.jsHeap / 2 ** 20).toFixed(1)} MiB` : 'n/a';
      const wasm = client === 'wasm-eventsource' ? `${(row.memory.wasmMemory / 2 ** 20).toFixed(1)} MiB` : '—';
      lines.push(
        `| ${fixture} | ${client === 'wasm-eventsource' ? `**${client}**` : client} | ${fmt(perSecond(median(row.seconds)), 0)} | ${fmt(perSecond(row.seconds[row.seconds.length - 1]), 0)}–${fmt(perSecond(row.seconds[0]), 0)} | ${client === 'wasm-eventsource' ? '' : ratioText(ratio(mine, row))} | ${median(row.ttfe).toFixed(1)} ms | ${heap} | ${wasm} |`,
      );
    }
  }
  return lines.join('\n');
}

const ENGINE_NAMES = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKitGTK' };

/** ours / a client's throughput in one engine of the no-DevTools run. */
function honestRatio(result, client) {
  const ours = result.seconds['wasm-eventsource'];
  const theirs = result.seconds[client];
  return ours && theirs ? median(theirs) / median(ours) : null;
}

/** The no-DevTools run: per engine, each client's throughput and times to first event. */
function honestTable(honest) {
  const lines = [
    '| engine | client | median events/s | min–max events/s | ours vs it | first event, warm (median) | first event, cold |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const [engine, result] of Object.entries(honest)) {
    for (const [client, seconds] of Object.entries(result.seconds)) {
      const perSecond = (value) => (value > 0 ? fmt(result.events / value, 0) : 'too fast to time');
      const ours = client === 'wasm-eventsource';
      const limit = client === 'fetch reader';
      const warm = result.warm[client] ? `${median(result.warm[client]).toFixed(1)} ms` : '—';
      const cold = result.cold[client] ? result.cold[client].map((t) => `${t.toFixed(1)} ms`).join(', ') : '—';
      lines.push(
        `| ${ENGINE_NAMES[engine] ?? engine} | ${ours ? `**${client}**` : client} | ${perSecond(median(seconds))} | ${perSecond(seconds[seconds.length - 1])}–${perSecond(seconds[0])} | ${ours ? '' : limit ? 'the limit' : ratioText(honestRatio(result, client))} | ${warm} | ${cold} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The goals the no-DevTools method measures, and where they stand. */
function honestGoals(honest, parseRatio, sizes) {
  const mark = (ok) => (ok ? 'met' : '**not met**');
  const rows = [];
  const chromium = honest.chromium;
  if (chromium) {
    const versusNative = honestRatio(chromium, 'native');
    rows.push(['Chromium: ≥ 2× the native EventSource', ratioText(versusNative), mark(versusNative >= 2)]);
  }
  for (const [engine, result] of Object.entries(honest)) {
    const versus = honestRatio(result, 'fetch-event-source');
    rows.push([`${ENGINE_NAMES[engine] ?? engine}: ≥ fetch-event-source, with drop-in MessageEvents`, ratioText(versus), mark(versus >= 1)]);
  }
  for (const [engine, result] of Object.entries(honest)) {
    const ours = median(result.warm['wasm-eventsource']);
    const native = median(result.warm.native);
    const reader = result.warm['fetch reader'];
    const limit = reader ? ` (a bare fetch's first chunk: ${median(reader).toFixed(1)} ms)` : '';
    rows.push([`${ENGINE_NAMES[engine] ?? engine}: warm first event ≤ native + 2 ms`, `${ours.toFixed(1)} vs ${native.toFixed(1)} ms${limit}`, mark(ours <= native + 2)]);
  }
  rows.push(['browser parse: ≥ 1.5× eventsource-parser (mixed)', ratioText(parseRatio), mark(parseRatio >= 1.5)]);
  rows.push(...sizeGoals(sizes));
  return ['| goal | measured | |', '|---|---:|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** The size goals: each entry's bundle, gzipped, in kB (1,000 bytes). */
export const SIZE_GOALS_KB = { 'EventSource only': 15, 'parseEvents only': 8 };

export function sizeGoals(sizes) {
  const mark = (ok) => (ok ? 'met' : '**not met**');
  return Object.entries(SIZE_GOALS_KB).map(([entry, goal]) => {
    const kb = sizes.ours[entry].gzip / 1000;
    return [`size: ${entry}, bundled with its wasm, ≤ ${goal} kB gzipped`, `${kb.toFixed(1)} kB`, mark(kb <= goal)];
  });
}

function sizeTable(sizes) {
  const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
  const lines = [
    '| bundle (esbuild, minified, tree-shaken) | raw | gzipped | of which JavaScript | of which WebAssembly |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const [entry, size] of Object.entries(sizes.ours)) {
    const script = size.scriptGzip ?? size.gzip;
    lines.push(`| **wasm-eventsource**, ${entry} (WebAssembly inside) | ${kb(size.raw)} | ${kb(size.gzip)} | ${kb(script)} | ${kb(size.gzip - script)} |`);
  }
  for (const [name, size] of Object.entries(sizes.peers)) {
    lines.push(`| ${name} | ${kb(size.raw)} | ${kb(size.gzip)} | ${kb(size.gzip)} | 0 |`);
  }
  lines.push('| native `EventSource` | 0 | 0 | 0 | 0 |');
  return lines.join('\n');
}

/** The ratios the chart shows and the targets check. */
function mainRatios(native, parse, streams, e2e, clients) {
  const nat = byFixture(native.rows);
  const cli = byFixture(clients.rows);
  const str = byFixture(streams.rows);
  const brw = byFixture(parse.rows);
  const end = byFixture(e2e.rows);
  const pick = (table, fixture, peer, ours = 'wasm-eventsource') =>
    ratio(table.get(fixture)?.get(ours), table.get(fixture)?.get(peer));
  const e2eSmall = [...end.keys()][0];
  return [
    { label: 'native, mixed: vs eventsource-stream', value: pick(nat, 'mixed (ids, types, comments)', 'eventsource-stream'), goal: 3 },
    { label: 'native, mixed: vs sse-stream', value: pick(nat, 'mixed (ids, types, comments)', 'sse-stream'), goal: null },
    { label: 'browser parse, mixed: vs eventsource-parser', value: pick(brw, 'mixed (ids, types, comments)', 'eventsource-parser'), goal: 1.5 },
    { label: 'browser parse, tokens: vs eventsource-parser', value: pick(brw, 'LLM tokens (~40 B events)', 'eventsource-parser'), goal: 1.5 },
    { label: `end to end, ${e2eSmall}: vs native (DevTools attached)`, value: pick(end, e2eSmall, 'native'), goal: 1 },
    { label: `end to end, ${e2eSmall}: vs eventsource`, value: pick(end, e2eSmall, 'eventsource'), goal: 1.5 },
    { label: `end to end, ${e2eSmall}: vs fetch-event-source`, value: pick(end, e2eSmall, 'fetch-event-source'), goal: 1.5 },
    {
      label: 'stream parse, tokens: vs EventSourceParserStream',
      value: pick(str, 'LLM tokens (~40 B events)', 'eventsource-parser EventSourceParserStream', 'wasm-eventsource EventStreamParser'),
      goal: null,
    },
    { label: 'native end to end, 64-byte events: vs reqwest-eventsource', value: pick(cli, '64-byte events', 'reqwest-eventsource'), goal: 2 },
    { label: 'native end to end, 64-byte events: vs eventsource-client', value: pick(cli, '64-byte events', 'eventsource-client'), goal: 2 },
  ];
}

/** Ours against sse-stream on the fixture where it does least well (`null` if one did not finish). */
function lowestVsSseStream(nat) {
  let lowest = Infinity;
  for (const parsers of nat.values()) {
    const value = ratio(parsers.get('wasm-eventsource'), parsers.get('sse-stream'));
    if (value === null) return null;
    lowest = Math.min(lowest, value);
  }
  return lowest;
}

function targets(native, sizes, ratios) {
  const nat = byFixture(native.rows);
  const lines1k = nat.get('1 KiB data lines')?.get('wasm-eventsource');
  const oneChunk = nat.get('8 MiB line, one chunk')?.get('wasm-eventsource');
  const byteChunks = nat.get('8 MiB line, 1-byte chunks')?.get('wasm-eventsource');
  const gbps = lines1k ? mbps(lines1k.bytes, median(lines1k.seconds)) / 1000 : 0;
  const linear = oneChunk && byteChunks ? median(byteChunks.seconds) / median(oneChunk.seconds) : Infinity;
  const mark = (ok) => (ok ? 'met' : '**not met**');
  const rows = [
    ['native parser, mixed fixture: ≥ 3× eventsource-stream', ratioText(ratios[0].value), mark(ratios[0].value >= 3)],
    ['native parser, every fixture: ≥ 1× sse-stream (lowest shown)', ratioText(lowestVsSseStream(nat)), mark(lowestVsSseStream(nat) >= 1)],
    ['native parser, 1 KiB lines: ≥ 1 GB/s', `${gbps.toFixed(2)} GB/s`, mark(gbps >= 1)],
    ['native EventSource end to end, 64-byte events: ≥ 2× reqwest-eventsource', ratioText(ratios[8].value), mark(ratios[8].value >= 2)],
    ['native EventSource end to end, 64-byte events: ≥ 2× eventsource-client', ratioText(ratios[9].value), mark(ratios[9].value >= 2)],
    ['8 MiB line in 1-byte chunks within 3× of one chunk', `${linear.toFixed(1)}×`, mark(linear <= 3)],
    ['browser parse: ≥ 1.5× eventsource-parser (mixed)', ratioText(ratios[2].value), mark(ratios[2].value >= 1.5)],
    ['end to end under Playwright: ≥ the native EventSource (slowed there: see below)', ratioText(ratios[4].value), mark(ratios[4].value >= 1)],
    ['end to end under Playwright: ≥ 1.5× eventsource', ratioText(ratios[5].value), mark(ratios[5].value >= 1.5)],
    ['end to end under Playwright: ≥ 1.5× fetch-event-source', ratioText(ratios[6].value), mark(ratios[6].value >= 1.5)],
    ...sizeGoals(sizes),
  ];
  return ['| goal | measured | |', '|---|---:|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** The fan-out table: deliveries per second and the server's memory per subscriber. */
export function fanoutTable(fanout) {
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  const rate = (value) => `${(value / 1e6).toFixed(2)} M/s`;
  const [hub] = fanout.rows;
  const rows = fanout.rows.map((row) => {
    const versus = row === hub ? '—' : `${(hub.deliveriesPerSecond / row.deliveriesPerSecond).toFixed(2)}×`;
    return `| ${FANOUT_NAMES[row.name] ?? row.name} | ${rate(row.deliveriesPerSecond)} (${rate(row.slowest)}–${rate(row.fastest)}) | ${versus} | ${kib(row.connectedBytesPerSubscriber)} | ${kib(row.afterBytesPerSubscriber)} |`;
  });
  return [
    '| server | deliveries (median, slowest–fastest) | ours / this | memory per subscriber, connected | after the runs |',
    '|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

const FANOUT_NAMES = {
  hub: '`MemoryHub` + `SseResponse` (ours)',
  broadcast: 'axum `Sse` over a tokio `broadcast` channel',
};

export function renderReport({ native, clients, fanout, parse, streams, e2e, honest, sizes, info, command, minutes }) {
  const ratios = mainRatios(native, parse, streams, e2e, clients);
  const versions = Object.entries(info.versions).map(([name, version]) => `${name} ${version}`).join(', ');
  const markdown = `# Benchmarks

Produced by \`${command}\` on ${info.date}${info.smoke ? ' (smoke sizes: numbers not meaningful)' : ''}, in ${minutes.toFixed(1)} minutes.
Every figure is the median of ${clients.runs} runs (native parsers: ${native.runs}; end to end: ${e2e.runs}) after a warm-up, with
the slowest and fastest run beside it; every ratio compares medians taken in the same run on
the same machine (throughput, ours / theirs: above 1 means we are faster). Figures from other
runs or machines are not comparable with these.

Machine: ${info.cpu}, ${info.memory}; ${info.rustc}; Node ${info.node}; Chromium ${info.chromium}.
Peers: ${versions}. wasm-eventsource ${info.ours}.

![Main ratios](benches/ratios.svg)

## Goals and where we stand

${targets(native, sizes, ratios)}

## Native parser throughput

Each parser turns the fixture's chunks into owned events (\`cargo bench --bench parsers\`); the
parsers take turns, each round in a different order, and each timed run follows an untimed one of
the same parser (so none starts from the heap another left). Ours is the synchronous \`Parser::feed\` as the
native \`EventSource\` sets it up, dropping comments (\`Parser::without_comments\`), as sse-stream
always does; "comments reported" is \`Parser::new()\`, which gives each as an \`Item::Comment\`. The
peers are driven as \`futures\` streams over the same chunks. \`sse-stream\` rejects invalid UTF-8
instead of replacing it (not spec behaviour).

${throughputTable(native, 'wasm-eventsource')}

## Native end to end (tokio, loopback)

Each client reads the same stream of events from one local server over loopback, in one
process on a multi-threaded tokio runtime, the clients taking turns
(\`cargo bench --features native --bench clients\`); a run is timed from building the client to
its last event. Ours is the native \`EventSource\` (reqwest underneath); the peers are
reqwest-eventsource (reqwest) and eventsource-client (hyper), each yielding owned events.

${throughputTable(clients, 'wasm-eventsource')}
## Fan-out: one server, ${fanout.subscribers.toLocaleString('en')} subscribers

\`cargo bench --bench fanout --features axum\`: each server runs in a process of its own, with
${fanout.subscribers.toLocaleString('en')} HTTP/1.1 subscribers on loopback from the benchmark process; a run publishes a
burst of ${fanout.events.toLocaleString('en')} events of ${fanout.bytes} B and ends when every subscriber has counted them all
(deliveries = subscribers × events, per second; median of ${fanout.runs} runs after a warm-up). Memory is the
server's resident size over its size before the subscribers, per subscriber (most of it is
the connection itself, the same for both). Ours encodes each event once and sends a burst
as one chunk per subscriber; axum's \`Sse\` encodes each event for each subscriber.
A burst is where sending it as one chunk pays; events published one at a time to subscribers
that keep up go out one chunk each with either server (not measured here).

${fanoutTable(fanout)}

## Browser parse throughput (headless Chromium)

Ours: each chunk is copied into the wasm engine's input buffer, parsed, and its events read
back as strings from a batch in wasm memory (the exact path of the \`EventSource\` class,
without creating \`MessageEvent\`s). eventsource-parser:
the chunk decoded with a streaming \`TextDecoder\`, then parsed.

${throughputTable(parse, 'wasm-eventsource', { events: true })}

## Parsing a body fetched by hand (headless Chromium)

Each parser reads a fresh \`ReadableStream\` of the fixture's chunks to its end, as it would a
\`fetch()\` body: our \`EventStreamParser\` (\`pipeThrough\`) and \`parseEvents\` (\`for await\`),
eventsource-parser's \`EventSourceParserStream\` behind a \`TextDecoderStream\`, and
fetch-event-source's \`getBytes(getLines(getMessages()))\` callbacks. The streams cost a promise
per chunk and per event, which the callback chain avoids.

${streamTable(streams)}

## End to end with nothing attached (Chromium, Firefox, WebKitGTK)

Each engine is launched as a plain process on \`benches/browser/honest.html\` (headless
Chromium and Firefox, WebKitGTK's MiniBrowser under Xvfb), with no DevTools or WebDriver
client, and the page posts its results to the test server. Throughput: ${honest.events.toLocaleString('en')} events of
64 B each, from the first \`message\` handler call to the last, ${honest.runs} runs of each client in
rotating order; \`fetch reader\` only counts the bytes of the same stream with a bare
\`getReader()\` loop, which is the limit (its first event is its first chunk). First event:
from the constructor to the first \`message\` of a one-event stream; warm is the median of ${Object.values(honest.engines)[0]?.warmRuns} per launch (pooled), taken in rotating
order after the page has been idle for a second, cold is the first source of a fresh page (ours then fetches and
compiles its WebAssembly module while its request is under way), one client per launch.
Ratios compare medians of one engine in this run. Ours hands out drop-in \`MessageEvent\`s
(see the README); \`fetch-event-source\` hands out plain objects.

${honestTable(honest.engines)}

${honestGoals(honest.engines, ratios[2].value, sizes)}

## End to end under Playwright (headless Chromium, one local server)

A DevTools client is attached here, and Chromium then reports every message of the native
\`EventSource\` to it, which slows the native client several times over: the native row of
this table is not its real speed (the table above is). The other rows compare fairly.

From the first \`message\` handler call to the last; time to first event from the
constructor. Every run starts after a forced GC (so no client pays for the previous one's
garbage); memory is read after the client's last run and a forced GC, in a page that ran
nothing else. The native \`EventSource\` and \`eventsource\` create a platform
\`MessageEvent\` for every event and dispatch it through \`EventTarget\`; ours builds its
\`MessageEvent\`s in JavaScript (same prototype, properties and listener rules) and calls
its listeners itself; \`fetch-event-source\` calls \`onmessage\` with a plain object.

${e2eTable(e2e)}

${sizeSection(sizes)}
`;
  return { markdown, ratios };
}

/** The size section: what a page ships with each entry point, beside the peers. */
export function sizeSection(sizes, command) {
  return `## Size
${command ? `\nMeasured by \`${command}\` on ${new Date().toISOString().slice(0, 10)} (sizes do not depend on the machine).\n` : ''}
What a page ships: each entry point bundled by esbuild (minified, tree-shaken) from the
package, gzipped whole. Ours carries its WebAssembly module inside the JavaScript, deflated
(js/inline.js): the whole module with the class, the parser alone (cut from it by
\`wasm-metadce\`) with \`parseEvents\` alone. The peers are bundled the same way. "Of which
JavaScript" is the same bundle with the module's text left empty; the WebAssembly is the rest.

${sizeTable(sizes)}
`;
}

/** A horizontal bar chart of the ratios, with the 1× line and each goal marked. */
export function renderChart(ratios) {
  const shown = ratios.filter((r) => r.value !== null);
  const max = Math.max(2, ...shown.map((r) => r.value), ...shown.map((r) => r.goal ?? 0)) * 1.1;
  const width = 900;
  const left = 400;
  const barWidth = width - left - 60;
  const rowHeight = 34;
  const height = 50 + shown.length * rowHeight;
  const x = (value) => left + (value / max) * barWidth;
  const bars = shown
    .map((r, i) => {
      const y = 30 + i * rowHeight;
      const color = r.goal === null || r.value >= r.goal ? '#1f7a3f' : '#b3261e';
      const goal = r.goal === null ? '' : `<line x1="${x(r.goal)}" x2="${x(r.goal)}" y1="${y - 2}" y2="${y + 22}" stroke="#8a6d00" stroke-width="2" stroke-dasharray="3 2"/>`;
      return `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${r.label}</text>
<rect x="${left}" y="${y}" width="${Math.max(1, x(r.value) - left)}" height="20" fill="${color}" rx="3"/>
<text x="${x(r.value) + 6}" y="${y + 15}">${ratioText(r.value)}</text>${goal}`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="18" font-weight="600">wasm-eventsource throughput / peer throughput, same run (green: goal met; dashed line: goal)</text>
<line x1="${x(1)}" x2="${x(1)}" y1="24" y2="${height - 10}" stroke="#5d6b7a"/>
${bars}
</svg>
`;
}
