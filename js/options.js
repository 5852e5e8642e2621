// Checks and normalises the EventSource init options, so that mistakes fail at once
// with a clear TypeError or RangeError instead of misbehaving later.
import { isComparableBody } from './share-protocol.js';

const NO_BODY_METHODS = new Set(['GET', 'HEAD']);

/** Methods fetch() refuses to send (a request with one could never be made). */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** AbortSignal's own `aborted` getter: calling it on anything but a real AbortSignal throws. */
const abortedGetter =
  typeof AbortSignal === 'function' ? Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get : undefined;

/** Whether `value` is an AbortSignal (of any realm), not an object that looks like one. */
function isAbortSignal(value) {
  if (value === null || typeof value !== 'object' || !abortedGetter) return false;
  try {
    abortedGetter.call(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The reconnection time before the server sends `retry:`: the engine's default
 * (DEFAULT_RECONNECT_MS in src/core/engine.rs; a test checks they agree), which JavaScript needs
 * to check options before the module loads, and after a trap took the engine.
 */
export const DEFAULT_RECONNECT_MS = 3000;

/**
 * The longest reconnect delay when none is given: the engine's default (`max_delay_ms` of
 * `RetryPolicy::default` in src/core/engine.rs), which an initial delay must not pass. A test
 * (tests/js/pipeline.test.mjs) checks that the constructor refuses what the engine refuses.
 */
const DEFAULT_MAX_DELAY_MS = 60_000;

/** How many events an async iterator holds for a slow loop before reading pauses. */
const DEFAULT_MAX_QUEUED_EVENTS = 1000;

function fail(message, Kind = TypeError) {
  throw new Kind(`wasm-eventsource: ${message}`);
}

/** The base URL relative URLs resolve against: the document's, the worker's, or none. */
function baseUrl() {
  return globalThis.document?.baseURI ?? globalThis.location?.href;
}

/** Resolves `url` like the native constructor (SyntaxError when invalid) and merges `params`. */
export function resolveUrl(url, params) {
  let parsed;
  try {
    parsed = new URL(String(url), baseUrl());
  } catch {
    throw new DOMException(`Failed to construct 'EventSource': The URL '${url}' is invalid.`, 'SyntaxError');
  }
  return params === undefined ? parsed.href : urlWithQuery(parsed.href, [...new URLSearchParams(params)]);
}

/** The bytes application/x-www-form-urlencoded keeps as they are: `*-._`, ASCII letters and digits. */
const FORM_UNRESERVED = /^[*\-.0-9A-Z_a-z]$/;
const formUnreserved = (byte) => byte < 0x80 && FORM_UNRESERVED.test(String.fromCharCode(byte));

/** `text` form-encoded: a space is `+`, other bytes of its UTF-8 but the unreserved are `%XX`. */
function formEncode(text) {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    if (formUnreserved(byte)) out += String.fromCharCode(byte);
    else if (byte === 0x20) out += '+';
    else out += `%${byte < 0x10 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
  }
  return out;
}

/** The decoded name of a query segment: `+` is a space, `%XX` a byte (else kept), then UTF-8 (lossy). */
function formDecodedName(segment) {
  const equals = segment.indexOf('=');
  const bytes = new TextEncoder().encode((equals < 0 ? segment : segment.slice(0, equals)).replaceAll('+', ' '));
  const decoded = [];
  for (let at = 0; at < bytes.length; at++) {
    const digits = bytes[at] === 0x25 ? String.fromCharCode(bytes[at + 1] ?? 0, bytes[at + 2] ?? 0) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(digits)) {
      decoded.push(parseInt(digits, 16));
      at += 2;
    } else {
      decoded.push(bytes[at]);
    }
  }
  return new TextDecoder().decode(new Uint8Array(decoded));
}

/**
 * `url` (absolute, as the URL parser serialises it) with each `[name, value]` of `pairs` as
 * a query parameter, for the `params` option and `lastEventIdParam`: parameters of those
 * names (compared decoded) are dropped, the others keep their bytes as written
 * (`searchParams.set` would rewrite `a=b%20c` as `a=b+c` and `x` as `x=`), empty ones go,
 * the pairs are appended form-encoded and a fragment stays last. With no pairs, `url` is
 * returned as it is. The same rule as the Rust core's `policy::url_with_query`; both are
 * held to tests/common/last-event-id-url.json.
 */
export function urlWithQuery(url, pairs) {
  if (pairs.length === 0) return url;
  // A name is compared as the text its UTF-8 is (a lone surrogate is U+FFFD), as it is sent.
  const names = new Set(pairs.map(([name]) => new TextDecoder().decode(new TextEncoder().encode(name))));
  const hash = url.indexOf('#');
  const beforeFragment = hash < 0 ? url : url.slice(0, hash);
  const question = beforeFragment.indexOf('?');
  const kept = question < 0 ? [] : beforeFragment.slice(question + 1).split('&');
  const query = kept.filter((segment) => segment !== '' && !names.has(formDecodedName(segment)));
  for (const [name, value] of pairs) query.push(`${formEncode(name)}=${formEncode(value)}`);
  const path = question < 0 ? beforeFragment : beforeFragment.slice(0, question);
  return `${path}?${query.join('&')}${hash < 0 ? '' : url.slice(hash)}`;
}

function optionalNumber(value, name, { min = 0, integer = false, allowInfinity = false } = {}) {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) fail(`${name} must be a number`);
  if (value === Infinity && allowInfinity) return undefined;
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    fail(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}`, RangeError);
  }
  return value;
}

/**
 * The maxEventSize option: bytes, undefined for the default bound (DEFAULT_MAX_EVENT_SIZE in
 * src/core/parser.rs, 16 MiB), or Infinity for none.
 */
function maxEventSize(value) {
  if (value === Infinity) return Infinity;
  return optionalNumber(value, 'maxEventSize', { min: 1, integer: true });
}

function checkRetry(retry) {
  if (retry === undefined) return {};
  if (retry === null || typeof retry !== 'object') fail('retry must be an object');
  const out = {
    initialDelay: optionalNumber(retry.initialDelay, 'retry.initialDelay'),
    maxDelay: optionalNumber(retry.maxDelay, 'retry.maxDelay'),
    factor: optionalNumber(retry.factor, 'retry.factor', { min: 1 }),
    jitter: optionalNumber(retry.jitter, 'retry.jitter'),
    maxRetries: optionalNumber(retry.maxRetries, 'retry.maxRetries', { integer: true, allowInfinity: true }),
    retryOnStatus: [],
  };
  if (out.jitter !== undefined && out.jitter > 1) fail('retry.jitter must be between 0 and 1', RangeError);
  const initialDelay = out.initialDelay ?? DEFAULT_RECONNECT_MS;
  if (out.maxDelay !== undefined && out.maxDelay < initialDelay) {
    fail(`retry.maxDelay must be >= retry.initialDelay (${initialDelay})`, RangeError);
  }
  if (out.maxDelay === undefined && initialDelay > DEFAULT_MAX_DELAY_MS) {
    fail(`retry.initialDelay must be <= retry.maxDelay (${DEFAULT_MAX_DELAY_MS} unless given)`, RangeError);
  }
  if (retry.retryOnStatus !== undefined) {
    if (!Array.isArray(retry.retryOnStatus)) fail('retry.retryOnStatus must be an array of status codes');
    for (const status of retry.retryOnStatus) {
      if (!Number.isInteger(status) || status < 100 || status > 599) {
        fail(`retry.retryOnStatus has ${status}, not an HTTP status`, RangeError);
      }
      out.retryOnStatus.push(status);
    }
  }
  return out;
}

function checkHeaders(headers) {
  if (headers === undefined || typeof headers === 'function') return headers;
  if (headers === null || typeof headers !== 'object') fail('headers must be an object, a Headers, or a function');
  // Fail now on invalid names or values rather than on every connect.
  new Headers(headers);
  return headers;
}

function checkBody(body) {
  if (body === undefined || body === null) return undefined;
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) {
    fail('body cannot be a ReadableStream: it is sent again on every reconnect; pass a function that returns one');
  }
  return body;
}

/** Validates `init` and returns the options the Rust side reads. */
export function normalizeInit(init) {
  if (init === undefined || init === null) init = {};
  if (typeof init !== 'object') fail('the second argument must be an options object');
  const body = checkBody(init.body);
  const method = init.method === undefined ? (body === undefined ? 'GET' : 'POST') : String(init.method);
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) fail(`"${method}" is not a valid HTTP method`);
  if (FORBIDDEN_METHODS.has(method.toUpperCase())) fail(`fetch() cannot send a ${method.toUpperCase()} request`);
  if (body !== undefined && typeof body !== 'function' && NO_BODY_METHODS.has(method.toUpperCase())) {
    fail(`a ${method.toUpperCase()} request cannot have a body; set method to 'POST'`);
  }
  if (init.fetch !== undefined && typeof init.fetch !== 'function') fail('fetch must be a function');
  if (init.onComment !== undefined && typeof init.onComment !== 'function') fail('onComment must be a function');
  const signal = init.signal ?? undefined;
  if (signal !== undefined && !isAbortSignal(signal)) fail('signal must be an AbortSignal');
  const lastEventId = init.lastEventId === undefined ? undefined : String(init.lastEventId);
  const { lastEventIdParam } = init;
  if (lastEventIdParam !== undefined && (typeof lastEventIdParam !== 'string' || lastEventIdParam === '')) {
    fail('lastEventIdParam must be a non-empty string (the query parameter name)');
  }
  if (lastEventId !== undefined && /[\r\n\0]/.test(lastEventId)) fail('lastEventId cannot contain CR, LF or NUL');
  const { share } = init;
  if (share !== undefined && share !== true && share !== false && (typeof share !== 'string' || share === '')) {
    fail('share must be true, false, or a non-empty string naming the shared stream');
  }
  // share: true joins only requests that are provably the same; functions cannot be compared.
  const computed = ['headers', 'body', 'fetch'].find((name) => typeof init[name] === 'function');
  if (share === true && computed) {
    fail(`share: true cannot tell whether two sources with a ${computed} function send the same request; name the stream with share: 'name' to share it anyway`);
  }
  if (share === true && !isComparableBody(body)) {
    fail(`share: true compares bodies by their bytes: a string, URLSearchParams or bytes; name the stream with share: 'name' to share another body`);
  }
  return {
    withCredentials: Boolean(init.withCredentials),
    headers: checkHeaders(init.headers),
    method,
    body,
    params: init.params,
    fetch: init.fetch,
    signal,
    onComment: init.onComment,
    lastEventId,
    lastEventIdParam,
    share: share || undefined,
    pauseWhenHidden: Boolean(init.pauseWhenHidden),
    platformEvents: Boolean(init.platformEvents),
    stallTimeout: optionalNumber(init.stallTimeout, 'stallTimeout'),
    maxEventSize: maxEventSize(init.maxEventSize),
    maxErrorBodySize: optionalNumber(init.maxErrorBodySize, 'maxErrorBodySize', { integer: true }),
    maxQueuedEvents:
      init.maxQueuedEvents === Infinity
        ? Infinity
        : (optionalNumber(init.maxQueuedEvents, 'maxQueuedEvents', { min: 1, integer: true }) ?? DEFAULT_MAX_QUEUED_EVENTS),
    ...checkReconnect(init.reconnect, checkRetry(init.retry)),
  };
}

/**
 * The `reconnect` option over the retry options: `false` makes one request, whose end or
 * failure closes the source (the engine's maxRetries of 0: no reconnect is ever made).
 */
function checkReconnect(reconnect, retry) {
  if (reconnect === undefined || reconnect === true) return { ...retry, reconnect: true };
  if (reconnect !== false) fail('reconnect must be true or false');
  if (retry.maxRetries !== undefined) fail('reconnect: false makes no retries; leave out retry.maxRetries');
  return { ...retry, maxRetries: 0, reconnect: false };
}

function optionalFunction(value, name) {
  if (value !== undefined && typeof value !== 'function') fail(`${name} must be a function`);
  return value;
}

/** Validates the options of EventStreamParser and parseEvents. */
export function normalizeParseOptions(options) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') fail('the parser options must be an object');
  return {
    maxEventSize: maxEventSize(options.maxEventSize),
    onRetry: optionalFunction(options.onRetry, 'onRetry'),
    onComment: optionalFunction(options.onComment, 'onComment'),
    onError: optionalFunction(options.onError, 'onError'),
  };
}
