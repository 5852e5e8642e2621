// The message events of a source, built in JavaScript: MessageEvent's prototype chain (so
// `instanceof MessageEvent` and `instanceof Event` hold) with every property and method of a
// MessageEvent, read from plain fields. Creating the platform's own object costs more than
// all the rest of an event's way from the wire to its listener; these cost a few fields.
// The one thing they cannot do is go through the platform's dispatchEvent(): the source
// dispatches them itself (see listeners.js).

const NONE = 0;
const AT_TARGET = 2;
const NO_PORTS = Object.freeze([]);

const now = typeof performance === 'object' ? () => performance.now() : () => Date.now();

/**
 * The platform's MessageEvent, or null where it has none, or one that cannot be constructed:
 * Next.js's Edge runtime defines MessageEvent as a function that throws when called, for
 * every API it leaves out.
 */
function platformMessageEvent() {
  if (typeof MessageEvent !== 'function') return null;
  try {
    new MessageEvent('message');
    return MessageEvent;
  } catch {
    return null;
  }
}

/** Set in the class's static block: the dispatch hooks that listeners.js calls. */
let hooks;

/** A message event of an EventSource (`message`, a named type, or `comment`). */
export class SseMessageEvent {
  #type;
  #data;
  #lastEventId;
  #origin;
  #timeStamp = now();
  #target = null;
  #currentTarget = null;
  /** 0 not stopped, 1 stopPropagation(), 2 stopImmediatePropagation(). */
  #stopped = 0;
  #bubbles = false;
  #cancelable = false;
  #canceled = false;

  constructor(type, data, lastEventId, origin) {
    this.#type = type;
    this.#data = data;
    this.#lastEventId = lastEventId;
    this.#origin = origin;
  }

  get type() {
    return this.#type;
  }

  get data() {
    return this.#data;
  }

  get lastEventId() {
    return this.#lastEventId;
  }

  get origin() {
    return this.#origin;
  }

  get source() {
    return null;
  }

  get ports() {
    return NO_PORTS;
  }

  get target() {
    return this.#target;
  }

  get srcElement() {
    return this.#target;
  }

  get currentTarget() {
    return this.#currentTarget;
  }

  get eventPhase() {
    return this.#currentTarget === null ? NONE : AT_TARGET;
  }

  get bubbles() {
    return this.#bubbles;
  }

  get cancelable() {
    return this.#cancelable;
  }

  get composed() {
    return false;
  }

  get isTrusted() {
    return false;
  }

  get timeStamp() {
    return this.#timeStamp;
  }

  get defaultPrevented() {
    return this.#canceled;
  }

  get returnValue() {
    return !this.#canceled;
  }

  set returnValue(value) {
    if (!value) this.preventDefault();
  }

  get cancelBubble() {
    return this.#stopped !== 0;
  }

  set cancelBubble(value) {
    if (value) this.stopPropagation();
  }

  composedPath() {
    return this.#currentTarget === null ? [] : [this.#currentTarget];
  }

  stopPropagation() {
    if (this.#stopped === 0) this.#stopped = 1;
  }

  stopImmediatePropagation() {
    this.#stopped = 2;
  }

  preventDefault() {
    if (this.#cancelable) this.#canceled = true;
  }

  /** The legacy initializer: re-initializes an event that is not being dispatched. */
  initEvent(type, bubbles = false, cancelable = false) {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'initEvent': 1 argument required.");
    if (this.#currentTarget !== null) return;
    this.#type = `${type}`;
    this.#bubbles = Boolean(bubbles);
    this.#cancelable = Boolean(cancelable);
    this.#stopped = 0;
    this.#canceled = false;
    this.#target = null;
  }

  /** The legacy initializer of MessageEvent; `source` and `ports` stay null and empty. */
  initMessageEvent(type, bubbles, cancelable, data = null, origin = '', lastEventId = '') {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'initMessageEvent': 1 argument required.");
    if (this.#currentTarget !== null) return;
    this.initEvent(type, bubbles, cancelable);
    this.#data = data;
    this.#origin = `${origin}`;
    this.#lastEventId = `${lastEventId}`;
  }

  static {
    hooks = {
      begin(event, target) {
        event.#target = target;
        event.#currentTarget = target;
      },
      stoppedImmediately: (event) => event.#stopped === 2,
      end(event) {
        event.#currentTarget = null;
      },
    };
    const prototype = this.prototype;
    const platform = platformMessageEvent();
    if (platform) {
      Object.setPrototypeOf(prototype, platform.prototype);
      // The tag the platform's own events show, whichever way it defines it.
      const tag = Object.prototype.toString.call(new platform('message')).slice(8, -1);
      Object.defineProperty(prototype, Symbol.toStringTag, { value: tag, configurable: true });
    }
    // Whatever other accessors the platform's event prototypes hold (Chromium's
    // userActivation, Firefox's originalTarget) read as they do on a dispatched event of a
    // source instead of throwing: the target, or null.
    for (let proto = Object.getPrototypeOf(prototype); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
        if (!descriptor.get || Object.hasOwn(prototype, name)) continue;
        const targetLike = name === 'originalTarget' || name === 'explicitOriginalTarget';
        Object.defineProperty(prototype, name, {
          get: targetLike ? Object.getOwnPropertyDescriptor(prototype, 'target').get : () => null,
          configurable: true,
          enumerable: descriptor.enumerable,
        });
      }
    }
    Object.defineProperty(prototype, 'constructor', { value: platform ?? this, configurable: true, writable: true });
  }
}

/** Marks `event` as being dispatched at `target`. */
export const beginDispatch = (event, target) => hooks.begin(event, target);

/** Whether a listener called stopImmediatePropagation() on `event`. */
export const stoppedImmediately = (event) => hooks.stoppedImmediately(event);

/** Marks the dispatch of `event` over: `currentTarget` is null again, `target` stays. */
export const endDispatch = (event) => hooks.end(event);
