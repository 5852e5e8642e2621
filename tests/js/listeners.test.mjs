// The source's own listener lists against the platform's EventTarget in the same runtime
// (Node, Deno, Bun): the same script of adds, removes, once, signals, handleEvent objects and
// stopImmediatePropagation must give the same calls in the same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Listeners } from '../../js/listeners.js';
import { SseMessageEvent } from '../../js/message-event.js';

/** An EventTarget that keeps its listeners in a Listeners and dispatches SseMessageEvents. */
class OwnTarget extends EventTarget {
  #listeners = new Listeners(this, {
    add: (type, listener, options) => super.addEventListener(type, listener, options),
    remove: (type, listener, options) => super.removeEventListener(type, listener, options),
  });

  addEventListener(type, listener, options) {
    this.#listeners.add(`${type}`, listener, options);
  }

  removeEventListener(type, listener, options) {
    this.#listeners.remove(`${type}`, listener, options);
  }

  fire(type, data) {
    const list = this.#listeners.of(type);
    if (list) this.#listeners.dispatch(new SseMessageEvent(type, data, '', ''), list);
  }
}

/** A platform EventTarget given the same events as MessageEvents. */
class PlatformTarget extends EventTarget {
  fire(type, data) {
    this.dispatchEvent(new MessageEvent(type, { data }));
  }
}

/** The script: listeners added and removed, four events, and what each call saw. */
function script(target) {
  const log = [];
  const note = (name) =>
    function (event) {
      // (Node's MessageEvent shows no target or phase while dispatched: the browser tests
      // compare those with the native EventSource.)
      log.push([name, event.data, this === target, event.currentTarget === target]);
    };
  const a = note('a');
  target.addEventListener('message', a);
  target.addEventListener('message', a);
  target.addEventListener('message', note('capture'), true);
  target.addEventListener('message', note('once'), { once: true });
  target.addEventListener('message', { handleEvent: (event) => log.push(['object', event.data]) });
  const controller = new AbortController();
  target.addEventListener('message', note('signal'), { signal: controller.signal });
  target.addEventListener('message', note('never'), { signal: AbortSignal.abort() });
  const g = note('g');
  target.addEventListener('message', (event) => {
    log.push(['f', event.data]);
    if (event.data === '3') target.removeEventListener('message', g);
    if (event.data === '1') {
      controller.abort();
      target.addEventListener('message', note('added in 1'));
    }
  });
  target.addEventListener('message', g);
  target.addEventListener('message', (event) => {
    log.push(['h', event.data]);
    if (event.data === '4') event.stopImmediatePropagation();
  });
  target.addEventListener('message', note('after h'));
  target.addEventListener('message', note('capture 2'), { capture: true });
  const removedAsCapture = note('removed as capture');
  target.addEventListener('message', removedAsCapture, true);
  target.removeEventListener('message', removedAsCapture, false);
  target.removeEventListener('message', removedAsCapture, { capture: true });
  target.addEventListener('x', (event) => log.push(['x', event.data, event.type]));
  let kept;
  target.addEventListener('message', (event) => (kept = event));
  for (const [type, data] of [['message', '1'], ['x', '2'], ['message', '3'], ['message', '4'], ['message', '5']]) {
    target.fire(type, data);
  }
  log.push(['after dispatch', kept.currentTarget]);
  return log;
}

/**
 * What the script must give in Node: Node's order (the order added, capture or not), with a
 * listener added during a dispatch first called by the next event, as the DOM standard says.
 */
const IN_NODE = (() => {
  const seen = (name, data) => [name, data, true, true];
  const event1 = ['a', 'capture', 'once'].map((name) => seen(name, '1'));
  event1.push(['object', '1'], seen('signal', '1'), ['f', '1'], seen('g', '1'), ['h', '1'], seen('after h', '1'), seen('capture 2', '1'));
  const common = (data) => [seen('a', data), seen('capture', data), ['object', data], ['f', data], ['h', data]];
  const rest = (data) => [seen('after h', data), seen('capture 2', data), seen('added in 1', data)];
  return [
    ...event1,
    ['x', '2', 'x'],
    ...common('3'),
    ...rest('3'),
    ...common('4'),
    ...common('5'),
    ...rest('5'),
    ['after dispatch', null],
  ];
})();

/** Node's EventTarget calls a listener added during a dispatch at once, against the standard. */
const inNode = globalThis.process?.release?.name === 'node' && !globalThis.Deno && !globalThis.Bun;

test('the own lists call the same listeners in the same order as the platform EventTarget', () => {
  const own = script(new OwnTarget());
  assert.deepEqual(own, inNode ? IN_NODE : script(new PlatformTarget()));
  assert.ok(own.some(([name]) => name === 'added in 1'), 'the script adds a listener mid-dispatch');
});

test('bad arguments throw as the platform throws them; null adds nothing', () => {
  const outcome = (run) => {
    try {
      run();
      return 'returned';
    } catch (error) {
      return error.constructor.name;
    }
  };
  const attempts = (target) => [
    outcome(() => target.addEventListener('message', 'not a listener')),
    outcome(() => target.addEventListener('message', () => {}, { signal: 'not a signal' })),
    outcome(() => target.addEventListener('message', null)),
    outcome(() => target.removeEventListener('message', null)),
  ];
  const own = attempts(new OwnTarget());
  assert.deepEqual(own, attempts(new PlatformTarget()));
  assert.equal(own[1], 'TypeError', 'a signal that is not an AbortSignal');
  const target = new OwnTarget();
  let calls = 0;
  assert.throws(() => target.addEventListener('message', () => (calls += 1), { signal: 'not a signal' }), TypeError);
  target.fire('message', '1');
  assert.equal(calls, 0, 'a listener whose adding threw is not kept');
});

test('an SseMessageEvent is a MessageEvent whose every property reads without throwing', () => {
  const event = new SseMessageEvent('note', 'hi', '7', 'http://a.test');
  assert.ok(event instanceof MessageEvent);
  assert.ok(event instanceof Event);
  assert.equal(event.constructor, MessageEvent);
  const tag = (value) => Object.prototype.toString.call(value);
  assert.equal(tag(event), tag(new MessageEvent('note')));
  assert.deepEqual([event.type, event.data, event.lastEventId, event.origin], ['note', 'hi', '7', 'http://a.test']);
  assert.deepEqual([event.source, event.ports.length, event.target, event.eventPhase, event.bubbles], [null, 0, null, 0, false]);
  for (let proto = MessageEvent.prototype; proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      assert.doesNotThrow(() => event[name], name);
    }
  }
  event.preventDefault();
  assert.equal(event.defaultPrevented, false, 'not cancelable');
  event.initEvent('other', false, true);
  event.preventDefault();
  assert.deepEqual([event.type, event.cancelable, event.defaultPrevented, event.returnValue], ['other', true, true, false]);
});
