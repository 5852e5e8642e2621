// EventStreamParser and parseEvents in the browser under test, over real fetch() bodies from the
// test server: every format rule gives what the native EventSource gives, whole and byte
// by byte; leaving a loop early closes the connection; a failing body surfaces its error.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FORMAT_CASES } from './format-cases.mjs';
import { ENGINE, bytes, freshKey, rawUrl, useTestPage } from './harness.mjs';

const env = useTestPage();

/** Fetches `url` in the page and parses it with `how`; returns [type, data, id] and the retries. */
function parseInPage(how, url) {
  return env.evaluate(async ([how, url]) => {
    const { EventStreamParser, parseEvents } = await import('/js/index.js');
    const retries = [];
    const options = { onRetry: (ms) => retries.push(ms) };
    const response = await fetch(url);
    const events =
      how === 'stream'
        ? response.body.pipeThrough(new EventStreamParser(options))
        : how === 'text stream'
          ? response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventStreamParser(options))
          : parseEvents(response, options);
    const seen = [];
    // A reader, not for await: WebKit has no async iteration of ReadableStream yet.
    const reader = events.getReader ? events.getReader() : null;
    if (reader) {
      for (let result = await reader.read(); !result.done; result = await reader.read()) {
        seen.push([result.value.type, result.value.data, result.value.id]);
      }
    } else {
      for await (const event of events) seen.push([event.type, event.data, event.id]);
    }
    return { seen, retries };
  }, how, url);
}

describe('format rules, as the native EventSource reads them', () => {
  for (const [name, body, expected] of FORMAT_CASES) {
    test(name, async () => {
      for (const how of ['stream', 'iterator']) {
        for (const chunk of [undefined, 1]) {
          const url = rawUrl(env.server.primary, body, chunk ? { chunk } : {});
          const { seen, retries } = await parseInPage(how, url);
          assert.deepEqual(seen, expected, `${how}, ${chunk ? 'byte by byte' : 'whole'}`);
          assert.deepEqual(retries, [10], `${how}: the valid retry field, once`);
        }
      }
    });
  }
});

test('text from a TextDecoderStream parses as the bytes do', async () => {
  const body = bytes('retry: 10\nid: é\ndata: ', 0xff, ' €😀\r\n\r\ndata: b\r\r');
  const url = rawUrl(env.server.primary, body, { chunk: 1 });
  const { seen } = await parseInPage('text stream', url);
  assert.deepEqual(seen, [['message', '\uFFFD €😀', 'é'], ['message', 'b', 'é']]);
});

test('leaving a for await loop early cancels the body, which closes the connection', async () => {
  const key = freshKey();
  const url = `${env.server.primary}/sse/counter?key=${key}&count=3&end=hang`;
  const outcome = await env.evaluate(async ([url]) => {
    const { parseEvents } = await import('/js/index.js');
    const response = await fetch(url);
    // Watch the cancel on its way to the fetch body.
    let cancelled = false;
    const reader = response.body.getReader();
    const watched = new ReadableStream({
      pull: async (controller) => {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => {
        cancelled = true;
        return reader.cancel(reason);
      },
    });
    const seen = [];
    for await (const event of parseEvents(watched)) {
      seen.push(event.data);
      if (seen.length === 2) break;
    }
    return { seen, cancelled };
  }, url);
  assert.deepEqual(outcome, { seen: ['1', '2'], cancelled: true });
  if (ENGINE === 'firefox') return; // Firefox keeps the connection of a cancelled body open.
  const requests = await env.server.settledRequests(key);
  assert.equal(requests[0].closed, true, 'the server saw the connection closed');
});

test('a body that fails mid-stream gives its complete events, then its error', async () => {
  const url = rawUrl(env.server.primary, 'data: whole\n\ndata: cut', { end: 'abort' });
  for (const how of ['stream', 'iterator']) {
    const outcome = await env.evaluate(async ([how, url]) => {
      const { EventStreamParser, parseEvents } = await import('/js/index.js');
      const response = await fetch(url);
      const events = how === 'stream' ? response.body.pipeThrough(new EventStreamParser()) : parseEvents(response);
      const seen = [];
      try {
        if (events.getReader) {
          const reader = events.getReader();
          for (let result = await reader.read(); !result.done; result = await reader.read()) seen.push(result.value.data);
        } else {
          for await (const event of events) seen.push(event.data);
        }
        return { seen, error: null };
      } catch (error) {
        return { seen, error: error.name };
      }
    }, how, url);
    // WebKit ends a body whose connection broke as if it had ended cleanly.
    const error = ENGINE === 'webkit' ? null : 'TypeError';
    assert.deepEqual(outcome, { seen: ['whole'], error }, how);
  }
});
