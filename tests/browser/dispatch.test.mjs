// How events are built and dispatched: real MessageEvents with the native one's shape, built
// only for types someone listens to (or a loop iterates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshKey, rawUrl, useTestPage } from './harness.mjs';

const env = useTestPage();

test('message events are real MessageEvents, shaped like the native ones', async () => {
  const url = rawUrl(env.server.primary, 'id: 7\nevent: note\ndata: hi\n\n', { key: freshKey(), end: 'hang' });
  const shapes = await env.evaluate(async ([url]) => {
    const shape = (kind) =>
      new Promise((resolve) => {
        const Source = kind === 'native' ? window.NativeEventSource : window.WasmEventSource;
        const source = new Source(url);
        source.addEventListener('note', (event) => {
          source.close();
          resolve({
            isMessageEvent: event instanceof MessageEvent,
            isEvent: event instanceof Event,
            type: event.type,
            data: event.data,
            lastEventId: event.lastEventId,
            origin: event.origin,
            ports: event.ports.length,
            source: event.source,
            bubbles: event.bubbles,
            cancelable: event.cancelable,
            targetIsSource: event.target === source,
            currentTargetAfter: event.currentTarget,
            tag: Object.prototype.toString.call(event),
          });
        });
      });
    return { native: await shape('native'), wasm: await shape('wasm') };
  }, url);
  assert.deepEqual(shapes.wasm, shapes.native);
  assert.equal(shapes.wasm.isMessageEvent, true);
  assert.equal(shapes.wasm.data, 'hi');
  assert.equal(shapes.wasm.lastEventId, '7');
  assert.equal(shapes.wasm.origin, env.server.primary);
});

test('events of a type nobody listens to are not built; a listener added later gets the next ones', async () => {
  const body = 'event: a\ndata: 1\n\nevent: b\ndata: 2\n\nevent: a\ndata: 3\n\n';
  const url = rawUrl(env.server.primary, body, { key: freshKey(), end: 'hang', chunk: 18, delay: 150 });
  const seen = await env.evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url);
    const seen = { behindTheBack: [], normal: [], late: [] };
    // A listener added behind the class's back is not counted, so it sees nothing: proof
    // that events of unlistened types are skipped before they are built.
    EventTarget.prototype.addEventListener.call(source, 'a', (event) => seen.behindTheBack.push(event.data));
    source.addEventListener('b', (event) => {
      seen.normal.push(event.data);
      source.addEventListener('a', (late) => seen.late.push(late.data));
    });
    await new Promise((resolve) => source.addEventListener('b', () => setTimeout(resolve, 800)));
    source.close();
    return seen;
  }, url);
  assert.deepEqual(seen.normal, ['2']);
  assert.deepEqual(seen.late, ['3'], 'a listener added later gets the events after it');
  assert.deepEqual(seen.behindTheBack, ['3'], 'event 1 was never built; 3 was, for the late listener');
});

test('a loop gets the events of every type, listened to or not', async () => {
  const body = 'event: a\ndata: 1\n\ndata: 2\n\nevent: comment\ndata: 3\n\n';
  const url = rawUrl(env.server.primary, body, { key: freshKey(), end: 'hang' });
  const seen = await env.evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url);
    const seen = [];
    for await (const event of source) {
      seen.push([event.type, event.data, event instanceof MessageEvent]);
      if (seen.length === 3) break;
    }
    return seen;
  }, url);
  assert.deepEqual(seen, [['a', '1', true], ['message', '2', true], ['comment', '3', true]]);
});

test('comment events fire for a comment listener, with the text as data', async () => {
  const url = rawUrl(env.server.primary, ': beat 1\n: beat 2\ndata: x\n\n', { key: freshKey(), end: 'hang' });
  const seen = await env.evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url);
    const seen = [];
    source.addEventListener('comment', (event) => seen.push([event.data, event instanceof MessageEvent]));
    await new Promise((resolve) => (source.onmessage = resolve));
    source.close();
    return seen;
  }, url);
  assert.deepEqual(seen, [['beat 1', true], ['beat 2', true]]);
});
