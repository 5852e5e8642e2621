// The URL of the JavaScript class's requests with lastEventIdParam and params (js/options.js) follows
// the same vectors as the Rust core's rule (src/core/policy.rs, tested in tests/policy.rs):
// the class sends its first request before the wasm module loads, so it keeps a copy of the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { urlWithQuery } from '../../js/options.js';

const urlWithParam = (url, name, value) => urlWithQuery(url, [[name, value]]);

const { cases } = JSON.parse(await readFile(new URL('../common/last-event-id-url.json', import.meta.url), 'utf8'));

test('the last event ID parameter URL matches the vectors the Rust core is held to', () => {
  assert.ok(cases.length >= 12);
  for (const { url, name, id, want } of cases) {
    assert.equal(urlWithParam(url, name, id), want, `${JSON.stringify(name)}=${JSON.stringify(id)} on ${url}`);
  }
});

test('an id with a lone surrogate goes as U+FFFD, as its UTF-8 would', () => {
  assert.equal(urlWithParam('https://example.com/', 'id', 'a\ud800'), 'https://example.com/?id=a%EF%BF%BD');
});

test('a name with a lone surrogate replaces the parameter its UTF-8 names, which is the one it sends', () => {
  assert.equal(urlWithParam('https://example.com/?a%EF%BF%BD=1&b=2', 'a\ud800', '3'), 'https://example.com/?b=2&a%EF%BF%BD=3');
});

test('the params option keeps what the URL says and replaces parameters of its names', () => {
  assert.equal(
    urlWithQuery('https://example.com/sse?a=b%20c&x&q=1&q=2#top', [['q', 'x y'], ['q', 'z'], ['n', '1']]),
    'https://example.com/sse?a=b%20c&x&q=x+y&q=z&n=1#top',
  );
  assert.equal(urlWithQuery('https://example.com/sse?a=b%20c&&x', []), 'https://example.com/sse?a=b%20c&&x');
});

test('the class builds its URL from params by the same rule', async () => {
  const { resolveUrl } = await import('../../js/options.js');
  assert.equal(
    resolveUrl('https://example.com/sse?a=b%20c&x&q=old', { q: 'new value', n: '1' }),
    'https://example.com/sse?a=b%20c&x&q=new+value&n=1',
  );
});
