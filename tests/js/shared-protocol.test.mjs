// Which sources may share a stream (its name), the TypeError where requests cannot be
// compared, and the check of every message that arrives on the sharing channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeInit } from '../../js/options.js';
import { PROTOCOL, errorInfoOf, readMessage, shareName } from '../../js/share-protocol.js';

/** The stream name of a source made with `init` on `url`, as the class computes it. */
const nameOf = (init, url = 'https://example.test/sse') => shareName({ ...normalizeInit({ share: true, ...init }), url });

test('sources share only when every part of their requests is the same', async () => {
  const base = await nameOf({ headers: { Authorization: 'Bearer ALICE' } });
  const differing = {
    'another token': { headers: { Authorization: 'Bearer BOB' } },
    'another header': { headers: { Authorization: 'Bearer ALICE', 'X-Tenant': '2' } },
    'another method': { method: 'PUT', headers: { Authorization: 'Bearer ALICE' } },
    'a body': { body: 'prompt=X', headers: { Authorization: 'Bearer ALICE' } },
    credentials: { withCredentials: true, headers: { Authorization: 'Bearer ALICE' } },
    'the id in the query': { lastEventIdParam: 'since', headers: { Authorization: 'Bearer ALICE' } },
    'a size limit': { maxEventSize: 1024, headers: { Authorization: 'Bearer ALICE' } },
    'a stall timeout': { stallTimeout: 5000, headers: { Authorization: 'Bearer ALICE' } },
    'a retry policy': { retry: { maxRetries: 3 }, headers: { Authorization: 'Bearer ALICE' } },
    'pauseWhenHidden': { pauseWhenHidden: true, headers: { Authorization: 'Bearer ALICE' } },
  };
  for (const [what, init] of Object.entries(differing)) assert.notEqual(await nameOf(init), base, what);
  assert.notEqual(await nameOf({ headers: { Authorization: 'Bearer ALICE' } }, 'https://example.test/other'), base, 'URL');
  // The same request written differently.
  assert.equal(await nameOf({ headers: new Headers([['authorization', 'Bearer ALICE']]) }), base);
  assert.equal(await nameOf({ headers: [['AUTHORIZATION', 'Bearer ALICE']], maxQueuedEvents: 5, onComment: undefined }), base);
  assert.equal(await nameOf({ headers: { Authorization: 'Bearer ALICE' }, retry: {} }), base, 'an empty retry policy is the default');
  const statuses = (retryOnStatus) => nameOf({ retry: { retryOnStatus } });
  assert.equal(await statuses([502, 503]), await statuses([503, 502]));
  assert.notEqual(await statuses([502]), await statuses([503]));
});

test('bodies are compared by their bytes', async () => {
  const post = (body) => nameOf({ body });
  assert.notEqual(await post('prompt=X'), await post('prompt=Y'));
  assert.equal(await post('prompt=X'), await post('prompt=X'));
  assert.equal(await post(new URLSearchParams('prompt=X')), await post(new URLSearchParams([['prompt', 'X']])));
  assert.notEqual(await post(new URLSearchParams('prompt=X')), await post(new URLSearchParams('prompt=Y')));
  const bytes = new Uint8Array([1, 2, 3, 4]);
  assert.equal(await post(bytes.buffer), await post(new Uint8Array([0, 1, 2, 3, 4]).subarray(1)));
  assert.notEqual(await post(bytes), await post(new Uint8Array([1, 2, 3, 5])));
});

test('a stream name is a versioned digest that shows no header value', async () => {
  const name = await nameOf({ headers: { Authorization: 'Bearer secret-token' } });
  assert.match(name, new RegExp(`^wasm-eventsource/${PROTOCOL} [0-9a-f]{64}$`));
  const named = await shareName({ share: 'prices', url: 'https://example.test/a', method: 'GET' });
  assert.equal(named, await shareName({ share: 'prices', url: 'https://example.test/b', method: 'POST' }), 'a name is the stream');
  assert.notEqual(named, await shareName({ share: 'quotes' }));
});

test('share: true with a request that cannot be compared is a TypeError naming share: name', () => {
  const cases = {
    headers: { headers: () => ({ Authorization: 'Bearer x' }) },
    body: { body: () => 'prompt=X' },
    fetch: { fetch: (url, init) => fetch(url, init) },
    Blob: { body: new Blob(['x']) },
    FormData: { body: new FormData() },
  };
  for (const [what, init] of Object.entries(cases)) {
    assert.throws(() => normalizeInit({ share: true, ...init }), (error) => error instanceof TypeError && /share: 'name'/.test(error.message), what);
    assert.equal(normalizeInit({ share: 'feed', ...init }).share, 'feed', `${what} with a name shares`);
    assert.equal(normalizeInit(init).share, undefined, `${what} unshared`);
  }
});

test('junk on the channel is dropped, never thrown', () => {
  const from = 'page';
  const junk = [
    undefined, null, 42, 'events', [], {}, { t: 'events' }, { t: 'events', from },
    { t: 'events', from, origin: '', list: 5 }, { t: 'events', from, origin: '', list: ['message', 'a'] },
    { t: 'events', from, origin: '', list: ['message', 7, '1'] }, { t: 'error', from }, { t: 'error', from, info: null },
    { t: 'error', from, info: { reason: 'status' } }, { t: 'error', from, info: { reason: 'status', willRetry: 'no' } },
    { t: 'open', from }, { t: 'open', from, head: { status: 200, statusText: '', headers: {} } },
    { t: 'open', from, head: { status: '200', statusText: '', headers: [] } }, { t: 'comment', from, text: 3 },
    { t: 'lead', from, lastEventId: 5, stole: false }, { t: 'state', from, head: null, lastEventId: '' },
    { t: 'hello', from }, { t: 'toString', from }, { t: '__proto__', from }, { t: 'events', from: '', origin: '', list: [] },
    { t: { toString: () => 'events' }, from, origin: '', list: [] },
  ];
  for (const data of junk) assert.equal(readMessage(data), null, JSON.stringify(data));
});

test('a well-formed message is read; an error keeps only its known fields, never a cause', () => {
  const events = { t: 'events', from: 'p', origin: 'https://a.test', list: ['message', 'hi', '1'] };
  assert.deepEqual(readMessage(events), events);
  const info = errorInfoOf({
    reason: 'network',
    willRetry: true,
    retryIn: 3000,
    cause: new TypeError('fetch failed: Authorization: Bearer secret'),
    body: 'the body',
  });
  assert.deepEqual(info, { reason: 'network', willRetry: true, retryIn: 3000 }, 'the cause and body stay with the page that fetched');
  const read = readMessage({ t: 'error', from: 'p', info: { ...info, status: 401, headers: [['www-authenticate', 'Bearer']], cause: 'x', extra: 1 } });
  assert.equal(read.info.headers.get('www-authenticate'), 'Bearer');
  assert.deepEqual(Object.keys(read.info).sort(), ['headers', 'reason', 'retryIn', 'status', 'willRetry']);
  const odd = readMessage({ t: 'error', from: 'p', info: { reason: 'status', willRetry: false, status: '401', retryIn: -1, headers: [['bad name', 'x']] } });
  assert.deepEqual(odd.info, { reason: 'status', willRetry: false }, 'fields of the wrong type are left out');
});
