// How message events are built and dispatched: MessageEvents with the native one's shape,
// given to the listeners under EventTarget's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshKey, rawUrl, useTestPage } from './harness.mjs';

const env = useTestPage();

test('message events are MessageEvents, shaped like the native ones', async () => {
  const url = rawUrl(env.server.primary, 'id: 7\nevent: note\ndata: hi\n\n', { key: freshKey(), end: 'hang' });
  const shapes = await env.evaluate(async ([url]) => {
    // Every property the platform's event prototypes define, as read in the listener.
    const every = (event, source) => {
      const names = new Set(['isTrusted']);
      for (let proto = MessageEvent.prototype; proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
      }
      const read = {};
      for (const name of [...names].sort()) {
        let value;
        try {
          value = event[name];
        } catch (error) {
          read[name] = `throws ${error.name}`;
          continue;
        }
        if (value === source) read[name] = 'the source';
        else if (Array.isArray(value)) read[name] = `array of ${value.length}`;
        else if (name === 'timeStamp') read[name] = typeof value;
        else read[name] = value === null || typeof value !== 'object' && typeof value !== 'function' ? value : typeof value;
      }
      return read;
    };
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
            constructorIsMessageEvent: event.constructor === MessageEvent,
            every: every(event, source),
          });
        });
      });
    return { native: await shape('native'), wasm: await shape('wasm') };
  }, url);
  // The one difference: the platform marks its own events trusted, and only it can.
  assert.equal(shapes.native.every.isTrusted, true);
  assert.equal(shapes.wasm.every.isTrusted, false);
  shapes.native.every.isTrusted = false;
  assert.deepEqual(shapes.wasm, shapes.native);
  assert.equal(shapes.wasm.isMessageEvent, true);
  assert.equal(shapes.wasm.data, 'hi');
  assert.equal(shapes.wasm.lastEventId, '7');
  assert.equal(shapes.wasm.origin, env.server.primary);
});

test('events reach the listeners of their type; a late listener gets the next ones, a removed one no more', async () => {
  const body = 'event: a\ndata: 1\n\nevent: b\ndata: 2\n\nevent: a\ndata: 3\n\nevent: b\ndata: 4\n\nevent: a\ndata: 5\n\n';
  const url = rawUrl(env.server.primary, body, { key: freshKey(), end: 'hang', chunk: 18, delay: 150 });
  const seen = await env.evaluate(async ([url]) => {
    const source = new window.WasmEventSource(url);
    const seen = { behindTheBack: [], b: [], late: [] };
    // The source dispatches its message events to its own list: a listener put on the
    // platform's list behind the class's back is not in it.
    EventTarget.prototype.addEventListener.call(source, 'a', (event) => seen.behindTheBack.push(event.data));
    const late = (event) => {
      seen.late.push(event.data);
      source.removeEventListener('a', late);
    };
    source.addEventListener('b', (event) => {
      seen.b.push(event.data);
      if (event.data === '2') source.addEventListener('a', late);
    });
    await new Promise((resolve) => source.addEventListener('b', (event) => event.data === '4' && setTimeout(resolve, 500)));
    source.close();
    return seen;
  }, url);
  assert.deepEqual(seen.b, ['2', '4']);
  assert.deepEqual(seen.late, ['3'], 'added after 2, removed in 3');
  assert.deepEqual(seen.behindTheBack, []);
});

test('listeners follow EventTarget rules exactly as on the native EventSource', async () => {
  const body = ['data: 1\n\n', 'event: x\ndata: 2\n\n', 'data: 3\n\n', 'data: 4\n\n'].join('');
  const url = rawUrl(env.server.primary, body, { key: freshKey(), end: 'hang' });
  const logs = await env.evaluate(async ([url]) => {
    const run = (Source) =>
      new Promise((resolve) => {
        const log = [];
        const source = new Source(url);
        const errors = [];
        const onError = (event) => {
          if (event.message?.includes('listener boom')) {
            errors.push(event.message.includes('boom') ? 'boom' : event.message);
            event.preventDefault();
          }
        };
        window.addEventListener('error', onError);
        const note = (name) =>
          function (event) {
            log.push([name, event.data, this === source, event.currentTarget === source, event.target === source, event.eventPhase]);
          };
        const a = note('a');
        source.addEventListener('message', a);
        source.addEventListener('message', a); // a duplicate is ignored
        source.addEventListener('message', note('capture'), true);
        source.addEventListener('message', note('once'), { once: true });
        source.addEventListener('message', { handleEvent: (event) => log.push(['object', event.data]) });
        const controller = new AbortController();
        source.addEventListener('message', note('signal'), { signal: controller.signal });
        source.onmessage = (event) => log.push(['onmessage', event.data]);
        const g = note('g');
        source.addEventListener('message', (event) => {
          log.push(['f', event.data]);
          if (event.data === '3') source.removeEventListener('message', g);
          if (event.data === '1') {
            controller.abort();
            source.addEventListener('message', note('added in 1'));
          }
          if (event.data !== '4') return;
          source.close();
          setTimeout(() => {
            window.removeEventListener('error', onError);
            log.push(['after dispatch', event.currentTarget, event.target === source, event.eventPhase]);
            resolve({ log, errors });
          }, 50);
        });
        source.addEventListener('message', g);
        source.addEventListener('message', () => {
          throw new Error('listener boom');
        });
        source.addEventListener('message', (event) => {
          log.push(['h', event.data]);
          if (event.data === '4') event.stopImmediatePropagation();
        });
        source.addEventListener('message', note('after h'));
        source.addEventListener('message', note('capture 2'), { capture: true });
        source.addEventListener('x', (event) => {
          log.push(['x', event.data, event.type]);
          event.stopPropagation();
          log.push(['x stopped', event.cancelBubble]);
        });
      });
    return { native: await run(window.NativeEventSource), wasm: await run(window.WasmEventSource) };
  }, url);
  assert.deepEqual(logs.wasm, logs.native);
  assert.equal(logs.wasm.errors.length, 3, 'a throwing listener is reported for each event and the rest still run');
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

test('an event handler attribute keeps any object, calls only functions, and reads null for the rest, as native', async () => {
  const url = rawUrl(env.server.primary, 'data: one\n\ndata: two\n\n', { key: freshKey(), end: 'hang' });
  const outcome = await env.evaluate(async ([url]) => {
    const run = (Source) =>
      new Promise((resolve) => {
        const source = new Source(url);
        const reported = [];
        const onError = (event) => reported.push(String(event.message));
        window.addEventListener('error', onError);
        const object = { handleEvent: () => reported.push('handleEvent called') };
        source.onmessage = object;
        const kept = source.onmessage === object;
        source.onerror = 5;
        const numberReads = source.onerror;
        source.onopen = 'x';
        const stringReads = source.onopen;
        const seen = [];
        source.addEventListener('message', (event) => {
          seen.push(event.data);
          if (seen.length === 2) {
            source.close();
            setTimeout(() => {
              window.removeEventListener('error', onError);
              resolve({ kept, numberReads, stringReads, seen, reported });
            }, 20);
          }
        });
      });
    return { native: await run(window.NativeEventSource), wasm: await run(window.WasmEventSource) };
  }, url);
  assert.deepEqual(outcome.native, { kept: true, numberReads: null, stringReads: null, seen: ['one', 'two'], reported: [] });
  assert.deepEqual(outcome.wasm, outcome.native);
});

test('platformEvents: branded events, re-dispatch, task timing and the platform listener list, exactly as native', async () => {
  const url = rawUrl(env.server.primary, 'data: 1\n\ndata: 2\n\n', { key: freshKey(), end: 'hang' });
  const outcome = await env.evaluate(async ([url]) => {
    const attempt = (run) => {
      try {
        return run();
      } catch (error) {
        return `throws ${error.name}`;
      }
    };
    const run = (Source, init) =>
      new Promise((resolve) => {
        const source = new Source(url, init);
        const order = [];
        const seen = { order, branded: [], redispatch: [], during: [], behindTheBack: [], removedBehindTheBack: [] };
        const behind = (event) => seen.behindTheBack.push(event.data);
        const removed = (event) => seen.removedBehindTheBack.push(event.data);
        EventTarget.prototype.addEventListener.call(source, 'message', behind);
        source.addEventListener('message', removed);
        EventTarget.prototype.removeEventListener.call(source, 'message', removed);
        const other = new EventTarget();
        other.addEventListener('message', (event) => seen.redispatch.push(`other got ${event.data}`));
        source.addEventListener('message', (event) => {
          order.push(`message-${event.data}`);
          queueMicrotask(() => order.push(`tick-${event.data}`));
          const data = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data').get;
          seen.branded.push(attempt(() => data.call(event)), attempt(() => Event.prototype.composedPath.call(event).length));
          seen.during.push(attempt(() => other.dispatchEvent(event)));
          if (event.data === '2') {
            setTimeout(() => {
              seen.redispatch.push(attempt(() => other.dispatchEvent(event)));
              source.close();
              resolve(seen);
            }, 20);
          }
        });
      });
    return {
      native: await run(window.NativeEventSource),
      platform: await run(window.WasmEventSource, { platformEvents: true }),
      ours: await run(window.WasmEventSource),
    };
  }, url);
  const { native, platform, ours } = outcome;
  assert.deepEqual(native.order, ['message-1', 'tick-1', 'message-2', 'tick-2'], 'each event is a task of its own');
  assert.deepEqual(native.branded, ['1', 1, '2', 1]);
  assert.deepEqual(native.during, ['throws InvalidStateError', 'throws InvalidStateError']);
  assert.deepEqual(native.redispatch, ['other got 2', true]);
  assert.deepEqual(native.behindTheBack, ['1', '2']);
  assert.deepEqual(native.removedBehindTheBack, []);
  assert.deepEqual(platform, native, 'platformEvents: exactly as native');
  // The default dispatch, and how it differs (the README's table says the same).
  assert.deepEqual(ours.branded, ['throws TypeError', 'throws TypeError', 'throws TypeError', 'throws TypeError']);
  assert.deepEqual(ours.during, ['throws TypeError', 'throws TypeError']);
  assert.deepEqual(ours.redispatch, ['throws TypeError']);
  assert.deepEqual(ours.behindTheBack, []);
  assert.deepEqual(ours.removedBehindTheBack, ['1', '2']);
  assert.deepEqual([...ours.order].sort(), [...native.order].sort(), 'the same events and ticks');
});
