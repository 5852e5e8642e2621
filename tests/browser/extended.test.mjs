// What the native EventSource cannot do, exercised in the browser under test against the test
// server: headers, bodies, retry policy, rich errors, size limits, abort
// signals, async iteration and cross-origin requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { freshKey, rawUrl, sleep, useTestPage } from './harness.mjs';

const env = useTestPage();
const { evaluate } = env;
const echoed = (log) => log.filter((e) => e.type === 'message').map((e) => JSON.parse(e.data));

test('an Authorization header and a non-ASCII POST body arrive intact', async () => {
  const body = 'prompt: héllo wörld ✓ 😀';
  const url = `${env.server.primary}/sse/echo?key=${freshKey()}&end=hang`;
  const log = await evaluate(
    ([url, body]) => window.record('wasm', url, { headers: { Authorization: 'Bearer t0k3n' }, body }, { messages: 1 }),
    url,
    body,
  );
  const [request] = echoed(log);
  assert.equal(request.method, 'POST', 'a body without a method means POST');
  assert.equal(request.headers.authorization, 'Bearer t0k3n');
  assert.equal(request.headers.accept, 'text/event-stream');
  assert.equal(request.body.sha256, createHash('sha256').update(body, 'utf8').digest('hex'));
  assert.equal(request.body.text, body);
});

test('every body kind is sent, and sent again on reconnect', async () => {
  const results = await evaluate(async ([base]) => {
    const kinds = {
      string: () => 'a=1',
      blob: () => new Blob(['blob-bytes']),
      arrayBuffer: () => new TextEncoder().encode('buffer-bytes').buffer,
      params: () => new URLSearchParams({ q: 'x y' }),
      formData: () => {
        const form = new FormData();
        form.append('field', 'value');
        return form;
      },
      function: () => async () => 'from-a-function',
      stream: () => () =>
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('streamed '));
            controller.enqueue(new TextEncoder().encode('bytes'));
            controller.close();
          },
        }),
    };
    const out = {};
    for (const [name, make] of Object.entries(kinds)) {
      const url = `${base}/sse/echo?key=${name}-${Math.random()}&retry=10`;
      const log = await window.record('wasm', url, { method: 'PUT', body: make() }, { messages: 2 });
      out[name] = log.filter((e) => e.type === 'message').map((e) => JSON.parse(e.data).body.text);
    }
    return out;
  }, env.server.primary);
  assert.deepEqual(results.string, ['a=1', 'a=1']);
  assert.deepEqual(results.blob, ['blob-bytes', 'blob-bytes']);
  assert.deepEqual(results.arrayBuffer, ['buffer-bytes', 'buffer-bytes']);
  assert.deepEqual(results.params, ['q=x+y', 'q=x+y']);
  assert.match(results.formData[1], /name="field"\r\n\r\nvalue/);
  assert.deepEqual(results.function, ['from-a-function', 'from-a-function']);
  assert.deepEqual(results.stream, ['streamed bytes', 'streamed bytes'], 'a stream from the body function, read whole');
});

test('a header function is called before every reconnect and its fresh value is sent', async () => {
  const url = `${env.server.primary}/sse/echo?key=${freshKey()}&retry=10`;
  const tokens = await evaluate(async ([url]) => {
    let issued = 0;
    const headers = async () => ({ Authorization: `Bearer token-${++issued}` });
    const log = await window.record('wasm', url, { headers }, { messages: 3 });
    return log.filter((e) => e.type === 'message').map((e) => JSON.parse(e.data).headers.authorization);
  }, url);
  assert.deepEqual(tokens, ['Bearer token-1', 'Bearer token-2', 'Bearer token-3']);
});

test('query params are merged into the URL', async () => {
  const url = `${env.server.primary}/sse/echo?key=${freshKey()}&end=hang&a=old`;
  const seen = await evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url, { params: { a: 'new', b: 'two' } });
    source.close();
    return source.url;
  }, url);
  const params = new URL(seen).searchParams;
  assert.equal(params.get('a'), 'new');
  assert.equal(params.get('b'), 'two');
});

test('failed attempts back off from the reconnection time, jitter only adds, and maxRetries ends it', async () => {
  const key = freshKey();
  const url = rawUrl(env.server.primary, '', { key, status: 503 });
  const retry = { initialDelay: 100, factor: 2, maxDelay: 400, jitter: 0.5, maxRetries: 3, retryOnStatus: [503] };
  const log = await evaluate(([url, retry]) => window.record('wasm', url, { retry }, { timeout: 5000 }), url, retry);
  const errors = log.filter((e) => e.type === 'error');
  assert.deepEqual(errors.map((e) => [e.willRetry, e.readyState]), [[true, 0], [true, 0], [true, 0], [false, 2]]);
  const waits = [100, 200, 400];
  errors.slice(0, 3).forEach((error, index) => {
    const wait = waits[index];
    assert.ok(error.retryIn >= wait && error.retryIn <= wait * 1.5, `delay ${index}: ${error.retryIn}`);
  });
  assert.equal(errors[3].retriesExhausted, true);
  const requests = await env.server.requests(key);
  assert.equal(requests.length, 4);
  requests.slice(1).forEach((request, index) => {
    const gap = request.at - requests[index].at;
    assert.ok(gap >= errors[index].retryIn - 1, `request ${index + 1} came ${gap} ms after the one before`);
  });
});

test('error events expose the failed response: status, headers, body', async () => {
  const url = rawUrl(env.server.primary, 'not here: try /elsewhere', { key: freshKey(), status: 404, ct: 'text/plain' });
  const [error] = await evaluate(([url]) => window.record('wasm', url), url);
  assert.equal(error.type, 'error');
  assert.equal(error.reason, 'status');
  assert.equal(error.status, 404);
  assert.equal(error.statusText, 'Not Found');
  assert.equal(error.body, 'not here: try /elsewhere');
  assert.equal(error.headers['x-test'], 'scenario');
  assert.equal(error.willRetry, false);
});

test('a wrong Content-Type fails at the headers while its body still trickles in', async () => {
  const key = freshKey();
  const beats = ': beat\n'.repeat(200);
  const url = rawUrl(env.server.primary, beats, { key, ct: 'text/plain', chunk: 7, delay: 50, end: 'hang' });
  const outcome = await evaluate(async ([url]) => {
    const started = performance.now();
    const source = new window.WasmEventSource(url, { stallTimeout: 5000, maxErrorBodySize: 21 });
    const event = await new Promise((resolve) => (source.onerror = resolve));
    const failedAfter = performance.now() - started;
    return { failedAfter, readyState: source.readyState, reason: event.reason, status: event.status, body: await event.text() };
  }, url);
  assert.ok(outcome.failedAfter < 1500, `failed after ${Math.round(outcome.failedAfter)} ms`);
  assert.deepEqual({ ...outcome, failedAfter: 0 }, { failedAfter: 0, readyState: 2, reason: 'content-type', status: 200, body: beats.slice(0, 21) });
  const requests = await env.server.settledRequests(key, 3000);
  assert.equal(requests[0].closed, true, 'the body is cancelled once its start is read');
  assert.equal(requests.length, 1);
});

test('an unread failed body is let go at the next attempt and at close(); a read one ends at the stall timeout', async () => {
  const key = freshKey();
  const url = rawUrl(env.server.primary, 'busy '.repeat(100), { key, status: 503, chunk: 5, delay: 100, end: 'hang' });
  const retry = { initialDelay: 100, jitter: 0, retryOnStatus: [503], maxRetries: 1 };
  const reasons = await evaluate(
    ([url, retry]) =>
      new Promise((resolve) => {
        const source = new window.WasmEventSource(url, { retry });
        const seen = [];
        source.onerror = (event) => {
          seen.push([event.status, event.willRetry]);
          if (!event.willRetry) setTimeout(() => (source.close(), resolve(seen)), 100);
        };
      }),
    url,
    retry,
  );
  assert.deepEqual(reasons, [[503, true], [503, false]]);
  const requests = await env.server.settledRequests(key);
  assert.deepEqual(requests.map((request) => request.closed), [true, true], 'both bodies were let go');

  const slow = rawUrl(env.server.primary, 'busy '.repeat(10), { key: freshKey(), status: 500, chunk: 5, delay: 100, end: 'hang' });
  const text = await evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url, { stallTimeout: 400 });
    const event = await new Promise((resolve) => (source.onerror = resolve));
    const started = performance.now();
    const text = await event.text();
    return { text, took: performance.now() - started };
  }, slow);
  assert.equal(text.text, 'busy '.repeat(10), 'the whole body, then the stall ends the read');
  assert.ok(text.took >= 1200 && text.took < 5000, `took ${Math.round(text.took)} ms`);
});

test('a custom fetch that returns no Response, or a body that is not a stream, fails the source for good', async () => {
  const url = `${env.server.primary}/sse/counter?key=${freshKey()}&count=2&end=hang`;
  const outcome = await evaluate(async ([url]) => {
    const unhandled = [];
    window.addEventListener('unhandledrejection', (event) => unhandled.push(String(event.reason)));
    const firstError = (fetch) =>
      new Promise((resolve) => {
        const source = new window.WasmEventSource(url, { fetch, retry: { initialDelay: 10 } });
        source.onerror = (event) => resolve({ reason: event.reason, cause: String(event.cause), readyState: source.readyState });
      });
    const stringBody = () => Promise.resolve({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: 'data: x\n\n' });
    const results = [await firstError(() => Promise.resolve(null)), await firstError(stringBody)];
    // Plain-object headers with a real stream body work.
    const plain = async (input, init) => {
      const response = await fetch(input, init);
      return { status: response.status, headers: Object.fromEntries(response.headers), body: response.body, url: response.url };
    };
    const source = new window.WasmEventSource(url, { fetch: plain });
    const data = await new Promise((resolve) => (source.onmessage = (event) => resolve(event.data)));
    source.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { results, data, unhandled };
  }, url);
  assert.deepEqual(outcome.results.map((r) => [r.reason, r.readyState]), [['request', 2], ['request', 2]], 'not retried');
  assert.match(outcome.results[0].cause, /TypeError: .*did not resolve to a Response/);
  assert.match(outcome.results[1].cause, /TypeError: .*not a ReadableStream/);
  assert.equal(outcome.data, '1');
  assert.deepEqual(outcome.unhandled, []);
});

test('a network error carries the fetch error as its cause', async () => {
  const [error] = await evaluate(
    () => window.record('wasm', 'http://127.0.0.1:9/nothing-listens', { retry: { maxRetries: 0 } }),
  );
  assert.equal(error.reason, 'network');
  assert.match(error.cause, /TypeError/);
  assert.equal(error.readyState, 2);
});

test('an oversized event fires an error and is skipped; the stream goes on', async () => {
  const body = 'retry: 10\ndata: {fill}\n\ndata: ok\n\n';
  const url = rawUrl(env.server.primary, body, { key: freshKey(), then: 204, fill: 200_000, chunk: 16_384 });
  const log = await evaluate(([url]) => window.record('wasm', url, { maxEventSize: 1024 }, { messages: 1 }), url);
  const [tooLarge, message] = log.filter((e) => e.type !== 'open');
  assert.deepEqual([tooLarge.type, tooLarge.reason, tooLarge.limit, tooLarge.readyState], ['error', 'event-too-large', 1024, 1]);
  assert.equal(message.data, 'ok');
});

test('signal.abort() closes the source', async () => {
  const key = freshKey();
  const url = `${env.server.primary}/sse/counter?key=${key}&count=2&end=hang`;
  const state = await evaluate(async ([url]) => {
    const controller = new AbortController();
    const source = new window.WasmEventSource(url, { signal: controller.signal });
    await new Promise((resolve) => (source.onmessage = resolve));
    controller.abort();
    const afterAbort = source.readyState;
    const preAborted = new window.WasmEventSource(url, { signal: AbortSignal.abort() });
    return [afterAbort, preAborted.readyState];
  }, url);
  assert.deepEqual(state, [2, 2]);
  assert.equal((await env.server.settledRequests(key))[0].closed, true);
  // Nothing to wait for: a request the pre-aborted source sent would have arrived by now.
  await sleep(200);
  assert.equal((await env.server.requests(key)).length, 1, 'an already-aborted signal sends no request');
});

test('for await iterates message events and leaving the loop closes the source', async () => {
  const key = freshKey();
  const url = `${env.server.primary}/sse/counter?key=${key}&count=5&end=hang`;
  const data = await evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url);
    const seen = [];
    for await (const event of source) {
      seen.push(event.data);
      if (seen.length === 3) break;
    }
    return { seen, readyState: source.readyState };
  }, url);
  assert.deepEqual(data, { seen: ['1', '2', '3'], readyState: 2 });
  assert.equal((await env.server.settledRequests(key))[0].closed, true);
});

test('a slow for await loop holds the stream back instead of queueing it, and loses nothing', async () => {
  const key = freshKey();
  const url = `${env.server.primary}/sse/counter?key=${key}&count=20000&end=hang`;
  const outcome = await evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url, { maxQueuedEvents: 100, stallTimeout: 200 });
    let dispatched = 0;
    let errors = 0;
    source.addEventListener('message', () => dispatched++);
    source.addEventListener('error', () => errors++);
    let expected = 1;
    let outOfOrder = 0;
    let dispatchedWhileSlow = 0;
    for await (const event of source) {
      if (event.data !== String(expected)) outOfOrder++;
      expected++;
      if (expected === 50) {
        // The loop stalls for a while; the source must stop reading meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 500));
        dispatchedWhileSlow = dispatched;
      }
      if (expected > 20000) break;
    }
    return { received: expected - 1, outOfOrder, dispatchedWhileSlow, errors };
  }, url);
  assert.equal(outcome.received, 20000);
  assert.equal(outcome.errors, 0, 'a paused read is not a stall');
  assert.equal(outcome.outOfOrder, 0);
  // 100 queued, plus the events of the 64 KiB slice in hand when the queue filled.
  assert.ok(outcome.dispatchedWhileSlow < 100 + 6000, `${outcome.dispatchedWhileSlow} dispatched while the loop slept`);
});

test('for await ends on close() and throws on a fatal error', async () => {
  const failing = rawUrl(env.server.primary, 'gone', { key: freshKey(), status: 410, ct: 'text/plain' });
  const closing = `${env.server.primary}/sse/counter?key=${freshKey()}&count=2&end=hang`;
  const outcome = await evaluate(async ([failing, closing]) => {
    let thrown;
    try {
      for await (const event of new window.WasmEventSource(failing)) void event;
    } catch (error) {
      thrown = { name: error.name, status: error.status, body: await error.text(), message: error.message };
    }
    const source = new window.WasmEventSource(closing);
    const seen = [];
    for await (const event of source) {
      seen.push(event.data);
      if (seen.length === 2) setTimeout(() => source.close(), 50);
    }
    return { thrown, seen };
  }, failing, closing);
  assert.deepEqual(outcome.thrown, { name: 'EventSourceError', status: 410, body: 'gone', message: 'the server answered 410 Gone' });
  assert.deepEqual(outcome.seen, ['1', '2']);
});

test('comments reach onComment and the comment event', async () => {
  const url = rawUrl(env.server.primary, 'retry: 10\n: ping\n:pong\ndata: a\n\n', { key: freshKey(), then: 204 });
  const comments = await evaluate(async ([url]) => {
    const seen = [];
    const source = new window.WasmEventSource(url, { onComment: (text) => seen.push(`callback:${text}`) });
    source.addEventListener('comment', (event) => seen.push(`event:${event.data}`));
    await new Promise((resolve) => (source.onmessage = resolve));
    source.close();
    return seen;
  }, url);
  assert.deepEqual(comments, ['callback:ping', 'event:ping', 'callback:pong', 'event:pong']);
});

test('cross-origin requests work with and without credentials, and fail when CORS refuses', async () => {
  const cross = (params) => rawUrl(env.server.secondary, 'retry: 10\ndata: far\n\n', { key: freshKey(), then: 204, ...params });
  const plain = await evaluate(([url]) => window.record('wasm', url, {}, { messages: 1 }), cross());
  const credentialed = await evaluate(([url]) => window.record('wasm', url, { withCredentials: true }, { messages: 1 }), cross());
  const refused = await evaluate(([url]) => window.record('wasm', url, { retry: { maxRetries: 0 } }), cross({ cors: 'none' }));
  assert.equal(plain.find((e) => e.type === 'message').origin, env.server.secondary);
  assert.equal(credentialed.find((e) => e.type === 'message').data, 'far');
  assert.deepEqual(refused.map((e) => [e.type, e.reason]), [['error', 'network']]);
});

test('a cross-origin reconnect with Last-Event-ID needs a preflight the server allows; lastEventIdParam needs none', async () => {
  // The server allows no extra request headers, as many do.
  const stream = (key) => `${env.server.secondary}/sse/counter?key=${key}&count=4&per=2&retry=100&cors_headers=`;
  const run = async (kind, init) => {
    const key = freshKey();
    const stop = { messages: 4, errors: 3, timeout: 3000 };
    const log = await evaluate(([kind, url, init, stop]) => window.record(kind, url, init, stop), kind, stream(key), init, stop);
    const requests = await env.server.requests(key);
    return {
      data: log.filter((e) => e.type === 'message').map((e) => e.data),
      preflights: requests.filter((r) => r.preflight).map((r) => r.requestedHeaders),
      resumedWith: requests.filter((r) => !r.preflight).map((r) => r.lastEventId),
    };
  };
  const native = await run('native', {});
  assert.deepEqual(native, { data: ['1', '2', '3', '4'], preflights: [], resumedWith: [null, '2'] });
  const header = await run('wasm', { retry: { maxRetries: 1 } });
  assert.deepEqual(header.data, ['1', '2'], 'the reconnect with the header is refused at its preflight');
  assert.ok(header.preflights.length >= 1 && header.preflights.every((h) => h === 'last-event-id'), JSON.stringify(header.preflights));
  const param = await run('wasm', { lastEventIdParam: 'lastEventId' });
  assert.deepEqual(param, { data: ['1', '2', '3', '4'], preflights: [], resumedWith: [null, null] });
});

test('bad options fail at once with a clear error', async () => {
  const errors = await evaluate(() => {
    const attempt = (init) => {
      try {
        new window.WasmEventSource('/x', init).close();
        return 'ok';
      } catch (error) {
        return `${error.name}: ${error.message}`;
      }
    };
    return [
      attempt({ method: 'GET', body: 'x' }),
      attempt({ retry: { factor: 0.5 } }),
      attempt({ retry: { jitter: 2 } }),
      attempt({ retry: { initialDelay: 500, maxDelay: 100 } }),
      attempt({ retry: { retryOnStatus: [42] } }),
      attempt({ stallTimeout: -1 }),
      attempt({ maxEventSize: 0 }),
      attempt({ headers: 'nope' }),
      attempt({ headers: { 'bad name': 'x' } }),
      attempt({ body: new ReadableStream() }),
      attempt({ signal: {} }),
      attempt({ lastEventId: 'a\nb' }),
      attempt({ retry: { maxRetries: Infinity } }),
      attempt({ maxQueuedEvents: 0 }),
      attempt({ maxQueuedEvents: Infinity }),
      attempt({ retry: { maxDelay: 1000 } }),
      attempt({ lastEventIdParam: '' }),
      attempt({ share: '' }),
      attempt({ share: 1 }),
      attempt({ share: 'feed', pauseWhenHidden: true }),
    ];
  });
  assert.match(errors[0], /^TypeError: .*GET request cannot have a body/);
  assert.match(errors[1], /^RangeError: .*factor/);
  assert.match(errors[2], /^RangeError: .*jitter/);
  assert.match(errors[3], /^RangeError: .*maxDelay/);
  assert.match(errors[4], /^RangeError: .*42/);
  assert.match(errors[5], /^RangeError: .*stallTimeout/);
  assert.match(errors[6], /^RangeError: .*maxEventSize/);
  assert.match(errors[7], /^TypeError: .*headers/);
  assert.match(errors[8], /^TypeError/);
  assert.match(errors[9], /^TypeError: .*ReadableStream/);
  assert.match(errors[10], /^TypeError: .*AbortSignal/);
  assert.match(errors[11], /^TypeError: .*lastEventId/);
  assert.equal(errors[12], 'ok');
  assert.match(errors[13], /^RangeError: .*maxQueuedEvents/);
  assert.equal(errors[14], 'ok');
  assert.match(errors[15], /^RangeError: .*maxDelay must be >= retry.initialDelay \(3000\)/, 'below the default initialDelay');
  assert.match(errors[16], /^TypeError: .*lastEventIdParam/);
  assert.match(errors[17], /^TypeError: .*share must be/);
  assert.match(errors[18], /^TypeError: .*share must be/);
  assert.equal(errors[19], 'ok');
});

test('lastEventId and a custom fetch are used', async () => {
  const key = freshKey();
  const url = `${env.server.primary}/sse/echo?key=${key}&end=hang`;
  const result = await evaluate(async ([url]) => {
    const calls = [];
    const fetch = (input, init) => {
      calls.push(init.method);
      return globalThis.fetch(input, init);
    };
    const log = await window.record('wasm', url, { lastEventId: '41', fetch }, { messages: 1 });
    return { calls, request: JSON.parse(log.find((e) => e.type === 'message').data) };
  }, url);
  assert.deepEqual(result.calls, ['GET']);
  assert.equal(result.request.lastEventId, '41');
});

test('the header function is never called after close(), and a request it delays is not sent', async () => {
  const key = freshKey();
  const calls = await evaluate(async ([url]) => {
    let calls = 0;
    // Reconnects every 100 ms; close while a reconnect is pending.
    const source = new window.WasmEventSource(url, { headers: () => ({ 'x-call': String(++calls) }) });
    await new Promise((resolve) => (source.onerror = resolve));
    source.close();
    const afterClose = calls;
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Close while an async header function is still running.
    let release;
    const slow = new window.WasmEventSource(`${url}-slow`, { headers: () => new Promise((resolve) => (release = resolve)) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    slow.close();
    release({ 'x-late': '1' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { afterClose, later: calls };
  }, rawUrl(env.server.primary, 'retry: 100\ndata: a\n\n', { key }));
  assert.equal(calls.afterClose, 1);
  assert.equal(calls.later, 1, 'no call after close()');
  assert.equal((await env.server.requests(key)).length, 1);
  assert.equal((await env.server.requests(`${key}-slow`)).length, 0, 'the delayed request was never sent');
});

test('cookies go cross-origin only with withCredentials', async () => {
  const seen = await evaluate(async ([secondary]) => {
    document.cookie = 'session=s3cret; path=/';
    const cookieOf = async (withCredentials) => {
      const url = `${secondary}/sse/echo?key=cookie-${withCredentials}-${Math.random()}&end=hang`;
      const log = await window.record('wasm', url, { withCredentials }, { messages: 1 });
      return JSON.parse(log.find((e) => e.type === 'message').data).headers.cookie ?? null;
    };
    return { without: await cookieOf(false), with: await cookieOf(true) };
  }, env.server.secondary);
  assert.equal(seen.without, null);
  assert.equal(seen.with, 'session=s3cret');
});

test('a closed source lets go of its AbortSignal', async () => {
  const url = `${env.server.primary}/sse/counter?key=${freshKey()}&count=1&end=hang`;
  const listeners = await evaluate(async ([url]) => {
    const controller = new AbortController();
    const { signal } = controller;
    let attached = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args) => (attached++, add(...args));
    signal.removeEventListener = (...args) => (attached--, remove(...args));
    const closedByCall = new window.WasmEventSource(url, { signal });
    closedByCall.close();
    const failed = new window.WasmEventSource('/sse/raw?status=404', { signal });
    await new Promise((resolve) => (failed.onerror = resolve));
    return attached;
  }, url);
  assert.equal(listeners, 0);
});

test('after a redirect to another origin, headers go exactly where fetch sends them: no Authorization', async () => {
  const seen = await evaluate(async ([primary, secondary]) => {
    const headers = { Authorization: 'Bearer s3cret', 'X-Custom': 'kept' };
    const via = (key) => `${primary}/sse/redirect?to=${encodeURIComponent(`${secondary}/sse/echo?key=${key}&end=hang`)}`;
    const pick = (request) => ({ authorization: request.headers.authorization ?? null, custom: request.headers['x-custom'] ?? null });
    const log = await window.record('wasm', via(`redirected-${Math.random()}`), { headers }, { messages: 1 });
    const ours = pick(JSON.parse(log.find((e) => e.type === 'message').data));
    // The same request through fetch itself; read its first event.
    const controller = new AbortController();
    const response = await fetch(via(`fetched-${Math.random()}`), { headers, signal: controller.signal });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('\n\n')) text += (await reader.read()).value;
    controller.abort();
    const data = text.split('\n').find((line) => line.startsWith('data: ')).slice('data: '.length);
    return { ours, fetch: pick(JSON.parse(data)) };
  }, env.server.primary, env.server.secondary);
  assert.deepEqual(seen.ours, seen.fetch);
  assert.deepEqual(seen.ours, { authorization: null, custom: 'kept' });
});
