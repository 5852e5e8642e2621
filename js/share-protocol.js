// What the pages of a shared stream say to each other over their BroadcastChannel: the
// name of the stream (which requests may share it) and the messages, each checked on
// arrival, so that junk on the channel is dropped instead of trusted.

/** The version of the messages below: pages of another version use other names. */
export const PROTOCOL = 2;

const PREFIX = `wasm-eventsource/${PROTOCOL} `;

/**
 * The options that make one request differ from another, or change what a page is told:
 * sources that share a stream with `share: true` must agree on all of them.
 */
const DELIVERY_OPTIONS = [
  'withCredentials',
  'lastEventIdParam',
  'pauseWhenHidden',
  'stallTimeout',
  'maxEventSize',
  'initialDelay',
  'maxDelay',
  'factor',
  'jitter',
  'maxRetries',
  'retryOnStatus',
  'reconnect',
];

/** Whether `body` is one whose bytes can be compared: text, form parameters or bytes. */
export const isComparableBody = (body) =>
  body === undefined ||
  typeof body === 'string' ||
  body instanceof URLSearchParams ||
  body instanceof ArrayBuffer ||
  ArrayBuffer.isView(body);

function hexOf(bytes) {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A static body as text: bytes as hex, so that equal requests give equal text. */
function bodyText(body) {
  if (body === undefined || typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return `params:${body}`;
  const bytes = ArrayBuffer.isView(body) ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : new Uint8Array(body);
  return `bytes:${hexOf(bytes)}`;
}

/** An option's value as the identity holds it: a list of statuses in order, none as null. */
function optionValue(value) {
  if (Array.isArray(value)) return value.length === 0 ? null : [...value].sort((a, b) => a - b);
  return value ?? null;
}

/**
 * Everything that identifies the request of `options` (already normalised) as text: two
 * sources whose texts are equal send the same request and are told the same things.
 * Header names are lowercased and sorted (as a Headers lists them); values are kept.
 */
export function requestIdentity(options) {
  const headers = options.headers === undefined ? [] : [...new Headers(options.headers)];
  const delivery = DELIVERY_OPTIONS.map((name) => optionValue(options[name]));
  return JSON.stringify([options.method, options.url, headers, bodyText(options.body) ?? null, delivery]);
}

/**
 * The lock and channel name of the stream `options` shares: a SHA-256 digest of its
 * request's identity (`share: true`) or of its name (`share: 'name'`), so that header
 * values such as tokens never show in names that navigator.locks.query() lists.
 */
export async function shareName(options) {
  const identity = options.share === true ? `request ${requestIdentity(options)}` : `name ${options.share}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(identity));
  return PREFIX + hexOf(new Uint8Array(digest));
}

/** Response heads cross the channel as plain data. */
export const headOf = (response) => ({
  status: response.status,
  statusText: response.statusText,
  headers: [...response.headers],
});

/**
 * An error event's details as plain data for the other pages: the failed body and the
 * cause (whose text can quote request headers) stay in the page that made the request.
 */
export function errorInfoOf(info) {
  const { body, headers, cause, ...plain } = info;
  if (headers) plain.headers = [...headers];
  return plain;
}

const isString = (value) => typeof value === 'string';
const isBoolean = (value) => typeof value === 'boolean';
const isCount = (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
/** A status as a custom fetch may give it: any integer (the leader judged it already). */
const isStatus = (value) => Number.isSafeInteger(value);

/** A list of [name, value] header pairs that a Headers accepts, as one; else null. */
function headersOf(pairs) {
  if (!Array.isArray(pairs) || !pairs.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every(isString))) {
    return null;
  }
  try {
    return new Headers(pairs);
  } catch {
    return null;
  }
}

/** A response head from the channel as the response an open event reads; else null. */
export function responseOf(head) {
  if (!head || typeof head !== 'object' || !isStatus(head.status) || !isString(head.statusText)) return null;
  const headers = headersOf(head.headers);
  return headers && { status: head.status, statusText: head.statusText, headers };
}

/** The fields an error's details may carry across the channel, and their checks. */
const ERROR_FIELDS = {
  status: isStatus,
  statusText: isString,
  retryIn: isCount,
  retriesExhausted: isBoolean,
  limit: isCount,
};

/**
 * An error's details from the channel: a reason and whether it retries (else null), and
 * of the other known fields those of the right type.
 */
function errorInfoFrom(info) {
  if (!info || typeof info !== 'object' || !isString(info.reason) || !isBoolean(info.willRetry)) return null;
  const out = { reason: info.reason, willRetry: info.willRetry };
  for (const [field, check] of Object.entries(ERROR_FIELDS)) if (check(info[field])) out[field] = info[field];
  const headers = info.headers === undefined ? null : headersOf(info.headers);
  if (headers) out.headers = headers;
  return out;
}

const isEventList = (list) => Array.isArray(list) && list.length % 3 === 0 && list.every(isString);

/** For each kind of message: whether the rest of it is well formed. */
const MESSAGE_CHECKS = {
  hello: (m) => isBoolean(m.visible),
  visible: (m) => isBoolean(m.visible),
  bye: () => true,
  ping: () => true,
  beat: () => true,
  lead: (m) => isString(m.lastEventId) && isBoolean(m.stole),
  state: (m) => isString(m.to) && isString(m.lastEventId) && (m.head === null || responseOf(m.head) !== null),
  open: (m) => responseOf(m.head) !== null,
  events: (m) => isString(m.origin) && isEventList(m.list),
  comment: (m) => isString(m.text),
  error: (m) => errorInfoFrom(m.info) !== null,
};

/**
 * A message from the channel if it is well formed (a known kind, a sender, fields of the
 * right types), with an `error`'s details rebuilt from their known fields; else null.
 * Never throws, whatever `data` is.
 */
export function readMessage(data) {
  if (!data || typeof data !== 'object' || !isString(data.from) || data.from === '' || !isString(data.t)) return null;
  const check = Object.hasOwn(MESSAGE_CHECKS, data.t) ? MESSAGE_CHECKS[data.t] : null;
  if (!check?.(data)) return null;
  return data.t === 'error' ? { ...data, info: errorInfoFrom(data.info) } : data;
}
