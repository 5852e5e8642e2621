// A source's event listeners, kept by the source itself under EventTarget's rules, so that
// its message events are dispatched without the platform's dispatchEvent(). The platform's
// list holds a stand-in for each listener, so an event given to dispatchEvent() (the source's
// open and error events, or one of the user's) reaches the same listeners in the same order.
import { beginDispatch, endDispatch, stoppedImmediately } from './message-event.js';

/**
 * Reports an exception from a user's callback as EventTarget does for a listener's: to the
 * global error handlers (reportError, or an uncaught exception where there is none), while
 * the code that called it goes on.
 */
export function reportException(error) {
  if (typeof globalThis.reportError === 'function') {
    globalThis.reportError(error);
    return;
  }
  queueMicrotask(() => {
    throw error;
  });
}

/** Calls one listener's callback (a function, or an object's handleEvent) with `event`. */
function invoke(callback, event, target) {
  try {
    if (typeof callback === 'function') {
      callback.call(target, event);
    } else {
      const handleEvent = callback.handleEvent;
      if (typeof handleEvent !== 'function') throw new TypeError("The listener's handleEvent is not a function");
      handleEvent.call(callback, event);
    }
  } catch (error) {
    reportException(error);
  }
}

/** Calls the user's `callback` with `args`; an exception is reported and changes nothing else. */
export function callUser(callback, ...args) {
  try {
    callback(...args);
  } catch (error) {
    reportException(error);
  }
}

let captureFirst;

/**
 * Whether the platform calls a target's capture listeners before its other ones (Firefox,
 * WebKit) or all in the order they were added (Chromium, for targets outside a document).
 */
function captureListenersFirst() {
  if (captureFirst === undefined) {
    const probe = new EventTarget();
    const order = [];
    probe.addEventListener('probe', () => order.push('bubble'));
    probe.addEventListener('probe', () => order.push('capture'), true);
    probe.dispatchEvent(new Event('probe'));
    captureFirst = order[0] === 'capture';
  }
  return captureFirst;
}

/** addEventListener's options as its algorithm reads them. */
function flatten(options) {
  if (options === null || options === undefined) return { capture: false };
  if (typeof options !== 'object') return { capture: Boolean(options) };
  const { capture, once, passive, signal } = options;
  return { capture: Boolean(capture), once: Boolean(once), passive, signal };
}

/** The listeners of one EventTarget, per type. */
export class Listeners {
  /**
   * type → its listeners in the order added, capture ones first where the platform puts them
   * first. A list is replaced, never changed, so a dispatch walks the list it began with.
   */
  #byType = new Map();
  #target;
  /** The platform's addEventListener and removeEventListener, bound to the target. */
  #platform;

  constructor(target, platform) {
    this.#target = target;
    this.#platform = platform;
  }

  /** The listeners of `type`, or undefined when it has none. */
  of(type) {
    return this.#byType.get(type);
  }

  /** addEventListener(type, callback, options). */
  add(type, callback, options) {
    const flat = flatten(options);
    const list = this.#byType.get(type) ?? [];
    const callable = typeof callback === 'function' || (typeof callback === 'object' && callback !== null);
    if (!callable || flat.signal?.aborted) {
      // Nothing to add (null, or an aborted signal), or a listener of the wrong kind: the
      // platform checks the arguments and throws as it would.
      this.#platform.add(type, callback, options);
      return;
    }
    if (list.some((entry) => entry.callback === callback && entry.capture === flat.capture)) return;
    const entry = { callback, capture: flat.capture, once: flat.once, removed: false, signal: flat.signal, onAbort: null };
    entry.standIn = (event) => this.#call(type, entry, event);
    // Added first, so a signal that is not an AbortSignal throws before anything is kept.
    this.#platform.add(type, entry.standIn, { capture: flat.capture, passive: flat.passive, signal: flat.signal });
    if (flat.signal) {
      entry.onAbort = () => this.#remove(type, entry);
      flat.signal.addEventListener('abort', entry.onAbort, { once: true });
    }
    const at = flat.capture && captureListenersFirst() ? list.findIndex((other) => !other.capture) : -1;
    this.#byType.set(type, at < 0 ? [...list, entry] : [...list.slice(0, at), entry, ...list.slice(at)]);
  }

  /** removeEventListener(type, callback, options). */
  remove(type, callback, options) {
    const capture = flatten(options).capture;
    const entry = this.#byType.get(type)?.find((other) => other.callback === callback && other.capture === capture);
    if (entry) this.#remove(type, entry);
    // One the platform holds directly (added behind the class's back) goes too.
    this.#platform.remove(type, callback, options);
  }

  /** Dispatches `event` to `list` (this target's listeners of its type), as dispatchEvent would. */
  dispatch(event, list) {
    beginDispatch(event, this.#target);
    const type = event.type;
    for (let i = 0; i < list.length; i++) {
      this.#call(type, list[i], event);
      if (stoppedImmediately(event)) break;
    }
    endDispatch(event);
  }

  /** Calls one listener, from dispatch() or from its stand-in in the platform's list. */
  #call(type, entry, event) {
    if (entry.removed) return;
    if (entry.once) this.#remove(type, entry);
    invoke(entry.callback, event, this.#target);
  }

  #remove(type, entry) {
    if (entry.removed) return;
    entry.removed = true;
    entry.signal?.removeEventListener('abort', entry.onAbort);
    this.#platform.remove(type, entry.standIn, { capture: entry.capture });
    const rest = (this.#byType.get(type) ?? []).filter((other) => other !== entry);
    if (rest.length === 0) this.#byType.delete(type);
    else this.#byType.set(type, rest);
  }
}
