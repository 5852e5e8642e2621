// SSE-SPEC.md observed through the EventSource class in the browser under test, against the
// test server: format rules (whole and byte by byte, and side by side with the native
// EventSource), and connection rules.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FORMAT_CASES, NATIVE_DEVIATIONS } from './format-cases.mjs';
import { ENGINE, freshKey, rawUrl, useTestPage } from './harness.mjs';

const env = useTestPage();

/** Runs `body` once (then 204) with `kind` and returns the comparable event log. */
async function runFormat(kind, body, params = {}) {
  const url = rawUrl(env.server.primary, body, { key: freshKey(), then: 204, ...params });
  const log = await env.page.evaluate(([kind, url]) => window.record(kind, url, {}, { types: ['tick'] }), [kind, url]);
  return log.map(({ type, readyState, data, lastEventId, origin }) => ({ type, readyState, data, lastEventId, origin }));
}

function messagesOf(log) {
  return log.filter((e) => e.data !== undefined).map((e) => [e.type, e.data, e.lastEventId]);
}

describe('format rules', () => {
  for (const [name, body, expected] of FORMAT_CASES) {
    test(`${name}: whole, byte by byte, and as the native EventSource`, async (t) => {
      const whole = await runFormat('wasm', body);
      assert.deepEqual(messagesOf(whole), expected, 'whole stream');
      const trickled = await runFormat('wasm', body, { chunk: 1 });
      assert.deepEqual(trickled, whole, 'byte by byte');
      const deviation = NATIVE_DEVIATIONS[ENGINE]?.[name];
      const native = await runFormat('native', body);
      if (deviation) {
        t.diagnostic(`native ${ENGINE} departs from the spec here: ${deviation}`);
        assert.notDeepEqual(whole, native, 'the documented deviation is still there');
      } else {
        assert.deepEqual(whole, native, 'same event sequence as the native EventSource');
      }
    });
  }
});

describe('connection rules', () => {
  test('200 with text/event-stream;charset=utf-8 opens', async () => {
    const url = rawUrl(env.server.primary, 'retry: 10\ndata: a\n\n', { key: freshKey(), then: 204, ct: 'text/event-stream;charset=utf-8' });
    const log = await env.page.evaluate(([url]) => window.record('wasm', url), [url]);
    assert.deepEqual(log.slice(0, 2).map((e) => [e.type, e.readyState]), [['open', 1], ['message', 1]]);
    assert.equal(log[0].status, 200);
  });

  for (const [name, params] of [
    ['204', { status: 204 }],
    ['404', { status: 404 }],
    ['500', { status: 500 }],
    ['text/plain', { ct: 'text/plain' }],
    ['no Content-Type', { ct: 'none' }],
  ]) {
    test(`${name} fails: one error, readyState 2, no new request`, async () => {
      const key = freshKey();
      const url = rawUrl(env.server.primary, 'data: x\n\n', { key, ...params });
      const log = await env.page.evaluate(([url]) => window.record('wasm', url, {}, { timeout: 2000 }), [url]);
      assert.deepEqual(log.map((e) => [e.type, e.readyState, e.willRetry]), [['error', 2, false]]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await env.server.requests(key)).length, 1);
    });
  }

  test('end of body: error with readyState 0, then a reconnect after retry ms with Last-Event-ID', async () => {
    const key = freshKey();
    const url = `${env.server.primary}/sse/counter?key=${key}&count=4&per=2&retry=200`;
    const log = await env.page.evaluate(([url]) => window.record('wasm', url, {}, { messages: 4 }), [url]);
    assert.deepEqual(log.filter((e) => e.type === 'message').map((e) => e.data), ['1', '2', '3', '4']);
    const error = log.find((e) => e.type === 'error');
    assert.equal(error.readyState, 0);
    assert.equal(error.willRetry, true);
    assert.equal(error.retryIn, 200, 'the default policy adds no jitter after a stream that opened');
    const requests = await env.server.requests(key);
    assert.equal(requests[0].lastEventId, null);
    assert.equal(requests[1].lastEventId, '2');
  });

  for (const retry of [200, 500, 1000]) {
    test(`retry: ${retry}: each reconnect comes ${retry} ms after the body ended, never sooner, as native`, async (t) => {
      const gaps = {};
      for (const kind of ['wasm', 'native']) {
        const key = freshKey();
        const url = `${env.server.primary}/sse/counter?key=${key}&count=3&per=1&retry=${retry}`;
        const stop = { messages: 3, timeout: 3 * retry + 5000 };
        const log = await env.page.evaluate(([kind, url, stop]) => window.record(kind, url, {}, stop), [kind, url, stop]);
        assert.deepEqual(log.filter((e) => e.type === 'message').map((e) => e.data), ['1', '2', '3'], kind);
        const requests = await env.server.requests(key);
        gaps[kind] = requests.slice(1).map((request, i) => Math.round(request.at - requests[i].endedAt));
      }
      // Measured at the server: from sending the end of one body to the next request.
      const note = `gaps ours ${gaps.wasm}, native ${gaps.native}`;
      t.diagnostic(`retry: ${retry}: ${note} ms`);
      assert.equal(gaps.wasm.length, 2, note);
      assert.ok([...gaps.wasm, ...gaps.native].every((gap) => gap >= retry - 1), `never sooner: ${note}`);
      assert.ok(gaps.wasm.every((gap) => gap <= retry + 250), `not much later: ${note}`);
    });
  }

  test('a connection dropped mid-event loses only the partial event and reconnects, as native', async () => {
    const run = async (kind) => {
      const url = rawUrl(env.server.primary, 'retry: 10\nid: 1\ndata: complete\n\nid: 2\ndata: part', { key: freshKey(), then: 204, end: 'abort' });
      const log = await env.page.evaluate(([kind, url]) => window.record(kind, url), [kind, url]);
      return log.map(({ type, readyState, data, lastEventId }) => ({ type, readyState, data, lastEventId }));
    };
    const ours = await run('wasm');
    assert.deepEqual(ours, [
      { type: 'open', readyState: 1, data: undefined, lastEventId: undefined },
      { type: 'message', readyState: 1, data: 'complete', lastEventId: '1' },
      { type: 'error', readyState: 0, data: undefined, lastEventId: undefined },
      { type: 'error', readyState: 2, data: undefined, lastEventId: undefined },
    ]);
    assert.deepEqual(ours, await run('native'));
  });

  // WebKit's fetch can put only chars up to U+00FF in a header (it sends them as UTF-8).
  const ids = ENGINE === 'webkit' ? ['ü-é-ÿ'] : ['ü-é-ÿ', 'é…3', 'ü-é-😀'];
  for (const kind of ['wasm', 'native']) {
    for (const id of ids) {
      test(`non-ASCII Last-Event-ID ${id} is sent as its UTF-8 bytes (${kind})`, async () => {
        const key = freshKey();
        const url = rawUrl(env.server.primary, `retry: 10\nid: ${id}\ndata: a\n\n`, { key, then: 204 });
        await env.page.evaluate(([kind, url]) => window.record(kind, url), [kind, url]);
        const requests = await env.server.requests(key);
        assert.equal(requests[1].lastEventId, id);
      });
    }
  }

  test('close() in a handler stops everything: no later event, the server sees the connection closed', async () => {
    const key = freshKey();
    const url = rawUrl(env.server.primary, 'data: 1\n\ndata: 2\n\ndata: 3\n\n', { key, end: 'hang' });
    const seen = await env.page.evaluate(async ([url]) => {
      const source = new window.WasmEventSource(url);
      const events = [];
      source.onmessage = (event) => {
        events.push(event.data);
        source.close();
      };
      source.onerror = () => events.push('error');
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { events, readyState: source.readyState };
    }, [url]);
    assert.deepEqual(seen, { events: ['1'], readyState: 2 });
    const requests = await env.server.requests(key);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].closed, true);
  });

  test('close() during a pending reconnect cancels it', async () => {
    const key = freshKey();
    const url = rawUrl(env.server.primary, 'retry: 200\ndata: a\n\n', { key });
    const state = await env.page.evaluate(async ([url]) => {
      const source = new window.WasmEventSource(url);
      await new Promise((resolve) => (source.onerror = resolve));
      source.close();
      await new Promise((resolve) => setTimeout(resolve, 500));
      return source.readyState;
    }, [url]);
    assert.equal(state, 2);
    assert.equal((await env.server.requests(key)).length, 1);
  });

  test('listeners and on* properties both fire; on* can be replaced and cleared', async () => {
    const url = rawUrl(env.server.primary, 'retry: 10\ndata: a\n\ndata: b\n\ndata: c\n\n', { key: freshKey(), then: 204 });
    const calls = await env.page.evaluate(async ([url]) => {
      const source = new window.WasmEventSource(url);
      const calls = [];
      source.addEventListener('message', (e) => calls.push(`listener:${e.data}`));
      source.onmessage = (e) => {
        calls.push(`first:${e.data}`);
        source.onmessage = (e2) => {
          calls.push(`second:${e2.data}`);
          source.onmessage = null;
        };
      };
      source.onopen = () => calls.push('open');
      await new Promise((resolve) => (source.onerror = resolve));
      source.close();
      return { calls, cleared: source.onmessage };
    }, [url]);
    assert.deepEqual(calls.calls, ['open', 'listener:a', 'first:a', 'listener:b', 'second:b', 'listener:c']);
    assert.equal(calls.cleared, null);
  });

  for (const status of [301, 302, 307]) {
    test(`origin is the final URL's after a ${status} redirect (same as native)`, async () => {
      const redirecting = () => {
        const target = rawUrl(env.server.secondary, 'retry: 10\ndata: moved\n\n', { key: freshKey(), then: 204 });
        return `${env.server.primary}/sse/redirect?status=${status}&to=${encodeURIComponent(target)}`;
      };
      const ours = await env.page.evaluate(([url]) => window.record('wasm', url, {}, { messages: 1 }), [redirecting()]);
      const native = await env.page.evaluate(([url]) => window.record('native', url, {}, { messages: 1 }), [redirecting()]);
      const message = ours.find((e) => e.type === 'message');
      assert.equal(message.data, 'moved');
      assert.equal(message.origin, env.server.secondary);
      assert.equal(message.origin, native.find((e) => e.type === 'message').origin);
    });
  }

  test('same-origin events carry the page origin', async () => {
    const url = rawUrl(env.server.primary, 'retry: 10\ndata: a\n\n', { key: freshKey(), then: 204 });
    const log = await env.page.evaluate(([url]) => window.record('wasm', url, {}, { messages: 1 }), [url]);
    assert.equal(log.find((e) => e.type === 'message').origin, env.server.primary);
  });

  test('an unparseable URL throws SyntaxError like the native one; readyState starts at 0', async () => {
    const result = await env.page.evaluate(() => {
      const attempt = (Source) => {
        try {
          new Source('http://[');
          return 'no throw';
        } catch (error) {
          return `${error.name}:${error instanceof DOMException}`;
        }
      };
      const source = new window.WasmEventSource('/never');
      const state = [source.readyState, source.url === new URL('/never', location.href).href];
      source.close();
      return { ours: attempt(window.WasmEventSource), native: attempt(window.NativeEventSource), state };
    });
    assert.equal(result.ours, 'SyntaxError:true');
    assert.equal(result.ours, result.native);
    assert.deepEqual(result.state, [0, true]);
  });

  test('the native constants and properties are there', async () => {
    const shape = await env.page.evaluate(() => {
      const Ours = window.WasmEventSource;
      const source = new Ours('/never', { withCredentials: 1 });
      source.close();
      return {
        statics: [Ours.CONNECTING, Ours.OPEN, Ours.CLOSED],
        instance: [source.CONNECTING, source.OPEN, source.CLOSED],
        withCredentials: source.withCredentials,
        isEventTarget: source instanceof EventTarget,
        tag: Object.prototype.toString.call(source),
        handlers: [source.onopen, source.onmessage, source.onerror],
      };
    });
    assert.deepEqual(shape, {
      statics: [0, 1, 2],
      instance: [0, 1, 2],
      withCredentials: true,
      isEventTarget: true,
      tag: '[object EventSource]',
      handlers: [null, null, null],
    });
  });
});
