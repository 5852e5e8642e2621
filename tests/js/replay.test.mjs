// How a page recognises the events a shared stream sends again after a takeover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayFilter } from '../../js/replay.js';

/** A filter that delivered events with these lastEventIds. */
function delivered(...ids) {
  const filter = new ReplayFilter();
  for (const id of ids) assert.equal(filter.accept(id), true);
  return filter;
}

const acceptAll = (filter, ids) => ids.map((id) => filter.accept(id));

test('events delivered after the resume point are skipped when they come again', () => {
  const filter = delivered('1', '2', '3', '4');
  filter.resumeFrom('2');
  assert.deepEqual(acceptAll(filter, ['3', '4', '5', '6']), [false, false, true, true]);
});

test('a page that is not ahead skips nothing', () => {
  const filter = delivered('1', '2');
  filter.resumeFrom('2');
  assert.deepEqual(acceptAll(filter, ['3', '4']), [true, true]);
});

test('the first event that differs ends the skipping', () => {
  const filter = delivered('1', '2', '3', '4');
  filter.resumeFrom('2');
  assert.deepEqual(acceptAll(filter, ['3', 'x', '4']), [false, true, true]);
});

test('events without an id after the resume point count as replayed too', () => {
  // id 5, then two events without an id (lastEventId still 5).
  const filter = delivered('4', '5', '5', '5');
  filter.resumeFrom('5');
  assert.deepEqual(acceptAll(filter, ['5', '5', '6']), [false, false, true]);
});

test('a stream without ids starts afresh: nothing is skipped', () => {
  const filter = delivered('', '', '');
  filter.resumeFrom('');
  assert.deepEqual(acceptAll(filter, ['', '']), [true, true]);
});

test('an id this page never saw skips nothing', () => {
  const filter = delivered('1', '2');
  filter.resumeFrom('9');
  assert.deepEqual(acceptAll(filter, ['10']), [true]);
});

test('a late event from the page that led before is skipped when the new stream sends it', () => {
  const filter = delivered('1', '2');
  filter.resumeFrom('2');
  filter.late('3');
  assert.deepEqual(acceptAll(filter, ['3', '4']), [false, true]);
});

test('a late event the new stream does not send again loses nothing', () => {
  const filter = delivered('1', '2');
  filter.resumeFrom('2');
  filter.late('3');
  assert.deepEqual(acceptAll(filter, ['4', '5']), [true, true]);
});

test('the history is bounded, and recent ids are still found', () => {
  const filter = new ReplayFilter();
  for (let i = 1; i <= 10_000; i++) filter.accept(String(i));
  filter.resumeFrom('9998');
  assert.deepEqual(acceptAll(filter, ['9999', '10000', '10001']), [false, false, true]);
  filter.resumeFrom('5');
  assert.deepEqual(acceptAll(filter, ['6']), [true], 'long forgotten: nothing skipped');
});

test('a late event the new stream already delivered is not delivered again', () => {
  const filter = new ReplayFilter();
  for (const id of ['1', '2']) assert.equal(filter.accept(id), true);
  filter.resumeFrom('2');
  for (const id of ['3', '4']) assert.equal(filter.accept(id), true, `new ${id}`);
  assert.equal(filter.late('3'), false, 'the page that led before was slower');
  assert.equal(filter.late('4'), false);
  assert.equal(filter.late('5'), true, 'one the new stream has not sent yet is new');
  assert.equal(filter.accept('5'), false, 'and skipped when the new stream sends it');
});
