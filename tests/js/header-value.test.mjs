// The Last-Event-ID header value of the JavaScript class (js/connection.js) follows the same
// vectors as the Rust core's rule (src/core/policy.rs, tested in tests/policy.rs): the class
// sends its requests before the wasm module loads, so it keeps a copy of the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { headerValue } from '../../js/connection.js';

const { cases } = JSON.parse(await readFile(new URL('../common/last-event-id-header.json', import.meta.url), 'utf8'));

test('the Last-Event-ID header value matches the vectors the Rust core is held to', () => {
  assert.ok(cases.length >= 8);
  for (const { id, bytes, utf8 } of cases) {
    assert.equal(headerValue(id, false), bytes, `${JSON.stringify(id)} as bytes`);
    assert.equal(headerValue(id, true), utf8, `${JSON.stringify(id)} as UTF-8`);
  }
});
