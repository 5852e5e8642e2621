// A hostile stream, a throwing callback or a careless option harms only its own source, and
// loses nothing: default bounds, exceptions reported and nothing else changed, requests that
// can never succeed refused, a custom fetch that can spread init.headers, a trap survived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { EventSource, parseEvents } from '../../js/index.js';
import { dropInstance, instantiate, loadWasm, setWasmLoader, wasmExports } from '../../js/wasm.js';
import { catchReported, serve, streamHead, until } from './serve.mjs';

/** Sends events `id: n / data: n` from the one after Last-Event-ID up to `count`, then holds. */
function counter(count, { gap = 5, comments = false } = {}) {
  return (request, response) => {
    streamHead(response);
    response.write('retry: 20\n\n');
    let next = Number(request.headers['last-event-id'] ?? 0) + 1;
    const timer = setInterval(() => {
      if (next > count) return clearInterval(timer);
      if (comments) response.write(`: before ${next}\n`);
      response.write(`id: ${next}\ndata: ${next}\n\n`);
      next += 1;
    }, gap);
    response.on('close', () => clearInterval(timer));
  };
}

/** Records a source's messages and errors. */
function watch(source) {
  const seen = { data: [], errors: [] };
  source.onmessage = (event) => seen.data.push(event.data);
  source.onerror = (event) => seen.errors.push(event);
  return seen;
}

const numbers = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

test('a throwing onComment is reported and loses no event', async () => {
  const server = await serve({ '/s': counter(3, { comments: true }) });
  const reported = await catchReported(async () => {
    const source = new EventSource(`${server.base}/s`, {
      onComment: () => {
        throw new Error('careless');
      },
    });
    const seen = watch(source);
    await until(() => seen.data.length === 3, 'three events');
    source.close();
    assert.deepEqual(seen.data, ['1', '2', '3']);
    assert.deepEqual(seen.errors, [], 'no error, no reconnect');
    assert.equal(server.requests.length, 1);
  });
  assert.equal(reported.length, 3, 'each exception reported');
  assert.ok(reported.every((error) => error.message === 'careless'));
  await server.close();
});

test("parseEvents' throwing callbacks are reported and every event is still delivered", async () => {
  const thrower = () => {
    throw new Error('careless');
  };
  const reported = await catchReported(async () => {
    const got = [];
    const stream = ['retry: 5\n: hi\ndata: a\n\n', `data: ${'x'.repeat(40)}\n\n`, 'data: b\n\n'];
    for await (const event of parseEvents(stream, { onRetry: thrower, onComment: thrower, onError: thrower, maxEventSize: 20 })) {
      got.push(event.data);
    }
    assert.deepEqual(got, ['a', 'b']);
  });
  assert.equal(reported.length, 3);
});

test('a throwing headers function is reported, and the next attempt goes out', async () => {
  const server = await serve({ '/s': counter(2) });
  let calls = 0;
  const reported = await catchReported(async () => {
    const source = new EventSource(`${server.base}/s`, {
      retry: { initialDelay: 20 },
      headers: () => {
        calls += 1;
        if (calls === 1) throw new Error('no token yet');
        return { authorization: 'Bearer t' };
      },
    });
    const seen = watch(source);
    await until(() => seen.data.length === 2, 'the events');
    source.close();
    assert.deepEqual(seen.errors.map((e) => [e.reason, e.willRetry, e.cause?.message]), [['network', true, 'no token yet']]);
  });
  assert.deepEqual(reported.map((error) => error.message), ['no token yet']);
  assert.equal(server.requests[0].headers.authorization, 'Bearer t');
  await server.close();
});

test('the stall timeout covers a headers function that never settles', async () => {
  const server = await serve({ '/s': counter(1) });
  let calls = 0;
  const source = new EventSource(`${server.base}/s`, {
    stallTimeout: 100,
    retry: { initialDelay: 10 },
    headers: () => (++calls === 1 ? new Promise(() => {}) : {}),
  });
  const seen = watch(source);
  await until(() => seen.data.length === 1, 'the event of the second attempt');
  source.close();
  assert.deepEqual(seen.errors.map((e) => e.reason), ['stalled']);
  await server.close();
});

test('requests that can never be made are refused at construction or fail for good', async () => {
  for (const method of ['CONNECT', 'connect', 'TRACE', 'TRACK']) {
    assert.throws(() => new EventSource('http://127.0.0.1:9/', { method }), TypeError, method);
  }
  const duck = { aborted: false, addEventListener() {}, removeEventListener() {} };
  assert.throws(() => new EventSource('http://127.0.0.1:9/', { signal: duck }), /signal must be an AbortSignal/);
  const server = await serve({ '/s': counter(1) });
  const source = new EventSource(`${server.base}/s`, { body: () => 'prompt', method: 'GET', retry: { initialDelay: 10 } });
  const seen = watch(source);
  await until(() => source.readyState === EventSource.CLOSED, 'the failure');
  assert.deepEqual(seen.errors.map((e) => [e.reason, e.willRetry, e.cause?.name]), [['request', false, 'TypeError']]);
  assert.equal(server.requests.length, 0, 'nothing was sent');
  await server.close();
});

test('a status no response can have is a failure for good, never an open stream', async () => {
  for (const status of [2 ** 32 + 200, 65536 + 200, 199, 600, 200.5, -200, NaN]) {
    const body = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('data: x\n\n')) });
    const response = { status, headers: new Headers({ 'content-type': 'text/event-stream' }), body };
    const source = new EventSource('http://127.0.0.1:9/', { fetch: async () => response, retry: { retryOnStatus: [503] } });
    const seen = watch(source);
    let opened = false;
    source.onopen = () => (opened = true);
    await until(() => source.readyState === EventSource.CLOSED, `the failure of ${status}`);
    assert.equal(opened, false, `${status} did not open`);
    assert.deepEqual(seen.data, []);
    assert.deepEqual(seen.errors.map((e) => [e.reason, e.willRetry]), [['status', false]], String(status));
  }
});

test("the eventsource package's fetch wrapper keeps Last-Event-ID, and the class says it supports it", async () => {
  assert.equal(EventSource[Symbol.for('eventsource.supports-fetch-override')], true);
  const server = await serve({
    '/s': (request, response) => {
      streamHead(response);
      const last = Number(request.headers['last-event-id'] ?? 0);
      response.end(`retry: 10\nid: ${last + 1}\ndata: ${last + 1}\n\n`);
    },
  });
  const source = new EventSource(`${server.base}/s`, {
    fetch: (url, init) => fetch(url, { ...init, headers: { ...init.headers, authorization: 'Bearer x' } }),
  });
  const seen = watch(source);
  await until(() => seen.data.length === 3, 'three events over three connections');
  source.close();
  assert.deepEqual(seen.data, ['1', '2', '3']);
  assert.deepEqual(server.requests.map((r) => [r.headers['last-event-id'], r.headers.authorization, r.headers.accept]).slice(0, 3), [
    [undefined, 'Bearer x', 'text/event-stream'],
    ['1', 'Bearer x', 'text/event-stream'],
    ['2', 'Bearer x', 'text/event-stream'],
  ]);
  await server.close();
});

test('an endless line stops at the default bound; the stream and a neighbour go on', async () => {
  const MiB = 1 << 20;
  const server = await serve({
    '/hostile': (request, response) => {
      streamHead(response);
      response.write('id: 1\ndata: before\n\ndata: ');
      let sent = 0;
      const more = () => {
        while (sent < 17 * MiB) {
          sent += MiB;
          if (!response.write('x'.repeat(MiB))) return response.once('drain', more);
        }
        response.write('\n\nid: 2\ndata: after\n\n');
      };
      more();
    },
    '/healthy': counter(50, { gap: 10 }),
  });
  const hostile = new EventSource(`${server.base}/hostile`);
  const healthy = new EventSource(`${server.base}/healthy`);
  const [bad, good] = [watch(hostile), watch(healthy)];
  await until(() => bad.data.length === 2 && good.data.length === 50, 'both streams', 30_000);
  assert.deepEqual(bad.data, ['before', 'after']);
  assert.deepEqual(bad.errors.map((e) => [e.reason, e.limit, e.willRetry]), [['event-too-large', 16 * MiB, false]]);
  assert.equal(hostile.readyState, EventSource.OPEN, 'the stream goes on');
  assert.deepEqual(good.data, numbers(1, 50));
  assert.deepEqual(good.errors, []);
  hostile.close();
  healthy.close();
  await server.close();
});

test("an id over the bound skips its event, and reconnects resume from the id before it", async () => {
  const server = await serve({
    '/s': (request, response) => {
      streamHead(response);
      if (request.headers['last-event-id']) return response.end('data: resumed\n\n');
      response.end(`retry: 10\nid: 1\ndata: a\n\nid: ${'9'.repeat(5000)}\ndata: b\n\n`);
    },
  });
  const source = new EventSource(`${server.base}/s`);
  const seen = watch(source);
  await until(() => seen.data.length === 2, 'the resumed event');
  source.close();
  assert.deepEqual(seen.data, ['a', 'resumed']);
  assert.deepEqual(seen.errors[0].reason, 'id-too-large');
  assert.equal(seen.errors[0].limit, 4096);
  assert.equal(server.requests[1].headers['last-event-id'], '1');
  await server.close();
});

/** A module whose one function executes `unreachable`: calling it throws a real trap. */
const TRAP_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x08,
  0x01, 0x04, 0x74, 0x72, 0x61, 0x70, 0x00, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
]);

test('a trap in the module: every source is told, and resumes on a fresh instance with nothing lost', async () => {
  const { trap } = (await WebAssembly.instantiate(TRAP_MODULE)).instance.exports;
  const bytes = await readFile(new URL('../../pkg/wasm_eventsource.wasm', import.meta.url));
  let armed = false;
  let loads = 0;
  // The first instance traps in its next chunk once armed, as a real instance would in a bug.
  setWasmLoader(async () => {
    loads += 1;
    const real = await instantiate(bytes);
    if (loads > 1) return real;
    return {
      ...real,
      engine_chunk(...args) {
        if (armed) trap();
        return real.engine_chunk(...args);
      },
    };
  });
  dropInstance(wasmExports());
  await loadWasm();
  const server = await serve({ '/a': counter(40), '/b': counter(40) });
  const sources = [new EventSource(`${server.base}/a`, { retry: { initialDelay: 20 } }), new EventSource(`${server.base}/b`, { retry: { initialDelay: 20 } })];
  const seen = sources.map(watch);
  await until(() => seen.every((s) => s.data.length >= 5), 'a few events each');
  armed = true;
  await until(() => seen.every((s) => s.data.length === 40), 'every event', 20_000);
  for (const [i, s] of seen.entries()) {
    assert.deepEqual(s.data, numbers(1, 40), `source ${i}: each event once, in order`);
    assert.deepEqual(s.errors.map((e) => [e.reason, e.willRetry]), [['wasm-trap', true]], `source ${i}`);
    assert.ok(s.errors[0].cause instanceof Error);
  }
  assert.equal(loads, 2, 'one fresh instance');
  const resumed = server.requests.filter((r) => r.headers['last-event-id']);
  assert.equal(resumed.length, 2, 'each source reconnected once, with its last event id');
  for (const source of sources) source.close();
  await server.close();
  setWasmLoader(() => instantiate(bytes));
});

test('platformEvents: platform MessageEvents, each in a task of its own, in Node, Deno and Bun too', async () => {
  const server = await serve({
    '/s': (request, response) => {
      streamHead(response);
      response.write('data: 1\n\ndata: 2\n\ndata: 3\n\n');
    },
  });
  const source = new EventSource(`${server.base}/s`, { platformEvents: true });
  const order = [];
  const events = [];
  source.addEventListener('message', (event) => {
    events.push(event);
    order.push(`message-${event.data}`);
    queueMicrotask(() => order.push(`tick-${event.data}`));
  });
  await until(() => order.length === 6, 'three events and their ticks');
  source.close();
  assert.deepEqual(order, ['message-1', 'tick-1', 'message-2', 'tick-2', 'message-3', 'tick-3']);
  assert.ok(events.every((event) => event.constructor === MessageEvent), "the platform's own events");
  const other = new EventTarget();
  let forwarded = 0;
  other.addEventListener('message', () => (forwarded += 1));
  for (const event of events) other.dispatchEvent(event);
  assert.equal(forwarded, 3, 'which another target can dispatch');
  await server.close();
});

test('a chat reply with reconnect: false: one POST, the loop ends as done; a 401 throws with its JSON body', async () => {
  const server = await serve({
    '/v1/chat': (request, response) => {
      if (request.headers.authorization !== 'Bearer good') {
        response.writeHead(401, { 'content-type': 'application/json' });
        return response.end(JSON.stringify({ error: { message: 'bad key' } }));
      }
      streamHead(response);
      for (const token of ['Hel', 'lo']) response.write(`data: ${JSON.stringify({ token })}\n\n`);
      response.end('data: [DONE]\n\n');
    },
  });
  const chat = (key) =>
    new EventSource(`${server.base}/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Hi' }),
      reconnect: false,
    });
  const tokens = [];
  for await (const event of chat('good')) {
    if (event.data !== '[DONE]') tokens.push(JSON.parse(event.data).token);
  }
  assert.equal(tokens.join(''), 'Hello');
  let thrown = null;
  try {
    for await (const event of chat('bad')) assert.fail(event.data);
  } catch (error) {
    thrown = error;
  }
  assert.deepEqual([thrown?.name, thrown?.status], ['EventSourceError', 401]);
  assert.equal(JSON.parse(await thrown.text()).error.message, 'bad key');
  assert.equal(server.requests.length, 2, 'each prompt was sent once');
  assert.throws(() => new EventSource(server.base, { reconnect: false, retry: { maxRetries: 3 } }), TypeError);
  await server.close();
});

/** Replaces the module with one whose engines trap on their `trapAt`-th chunk; returns the load count. */
async function trappingModule({ trapAt = 3, failReloads = 0 } = {}) {
  const { trap } = (await WebAssembly.instantiate(TRAP_MODULE)).instance.exports;
  const bytes = await readFile(new URL('../../pkg/wasm_eventsource.wasm', import.meta.url));
  const loads = { count: 0, restore: () => setWasmLoader(() => instantiate(bytes)) };
  setWasmLoader(async () => {
    loads.count += 1;
    if (loads.count > 1 && loads.count <= 1 + failReloads) throw new Error('offline');
    const real = await instantiate(bytes);
    if (loads.count > 1) return real;
    let chunks = 0;
    return { ...real, engine_chunk: (...args) => (++chunks === trapAt ? trap() : real.engine_chunk(...args)) };
  });
  dropInstance(wasmExports());
  await loadWasm();
  return loads;
}

test('after a trap a source resumes from its last event id, even one an id-only block set', async () => {
  const server = await serve({
    '/s': (request, response) => {
      streamHead(response);
      if (request.headers['last-event-id'] === '2') return response.write('data: c\n\n');
      response.write('data: a\n\n');
      setTimeout(() => response.write('data: b\n\nid: 2\n\n'), 20);
      setTimeout(() => response.write(': the chunk that traps\n'), 60);
    },
  });
  const loads = await trappingModule({ trapAt: 3, failReloads: 1 });
  const source = new EventSource(`${server.base}/s`, { retry: { initialDelay: 20 } });
  const seen = watch(source);
  await until(() => seen.data.length === 3, 'the event after the resume');
  source.close();
  assert.deepEqual(seen.data, ['a', 'b', 'c']);
  assert.deepEqual(seen.errors.map((e) => [e.reason, e.willRetry]), [['wasm-trap', true], ['wasm-trap', true]], 'a failed reload waits and tries again');
  assert.equal(loads.count, 3);
  assert.deepEqual(server.requests.map((r) => r.headers['last-event-id']), [undefined, '2']);
  loads.restore();
  await server.close();
});

test('a trap does not send a reconnect: false request again', async () => {
  const server = await serve({
    '/s': (request, response) => {
      streamHead(response);
      response.write('data: a\n\n');
      setTimeout(() => response.write('data: b\n\n'), 20);
      setTimeout(() => response.write('data: c\n\n'), 40);
    },
  });
  const loads = await trappingModule({ trapAt: 3 });
  const source = new EventSource(`${server.base}/s`, { method: 'POST', body: 'charge my card', reconnect: false });
  const seen = watch(source);
  await until(() => source.readyState === EventSource.CLOSED, 'the failure');
  assert.deepEqual(seen.errors.map((e) => [e.reason, e.willRetry]), [['wasm-trap', false]]);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(server.requests.length, 1, 'sent once');
  loads.restore();
  await server.close();
});

test('close() in the open event leaves no unhandled rejection; a bad header from a function is refused', async () => {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on?.('unhandledRejection', onUnhandled);
  const server = await serve({ '/s': counter(3) });
  const source = new EventSource(`${server.base}/s`);
  source.onopen = () => source.close();
  await until(() => source.readyState === EventSource.CLOSED, 'the close');
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.off?.('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, []);
  const bad = new EventSource(`${server.base}/s`, { headers: () => ({ 'bad name': 'x' }), retry: { initialDelay: 10 } });
  const seen = watch(bad);
  await until(() => bad.readyState === EventSource.CLOSED, 'the refusal');
  assert.deepEqual(seen.errors.map((e) => [e.reason, e.willRetry]), [['request', false]]);
  await server.close();
});
