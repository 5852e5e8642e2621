// The stream format rules of SSE-SPEC.md as cases: a body and the messages it gives, as
// [type, data, lastEventId]. The spec tests check that the native EventSource agrees.
import { bytes } from './harness.mjs';

const BOM = [0xef, 0xbb, 0xbf];

/** Each stream's messages as [type, data, lastEventId]. */
export const FORMAT_CASES = [
  ['one event', bytes('retry: 10\ndata: hello\n\n'), [['message', 'hello', '']]],
  ['type, id, multi-line data', bytes('retry: 10\nevent: tick\nid: 1\ndata: a\ndata: b\n\n'), [['tick', 'a\nb', '1']]],
  ['CRLF, CR and LF line ends', bytes('retry: 10\r\ndata: a\r\rdata: b\r\n\r\n'), [['message', 'a', ''], ['message', 'b', '']]],
  ['one leading BOM removed', bytes(...BOM, 'data: x\n\nretry: 10\n'), [['message', 'x', '']]],
  ['a second BOM is part of the first line', bytes(...BOM, ...BOM, 'data: x\n\ndata: y\n\nretry: 10\n'), [['message', 'y', '']]],
  ['comments and unknown fields ignored', bytes('retry: 10\n: c\nfoo: bar\ndata: z\n\n'), [['message', 'z', '']]],
  ['data without colon, and one space removed', bytes('retry: 10\ndata\n\ndata:  x\n\ndata:y\n\n'), [['message', '', ''], ['message', ' x', ''], ['message', 'y', '']]],
  ['invalid UTF-8 becomes U+FFFD', bytes('retry: 10\ndata: a', 0xff, 'b', 0xe2, 0x82, '\n\n'), [['message', 'a\uFFFDb\uFFFD', '']]],
  ['multi-byte characters', bytes('retry: 10\ndata: é€😀\n\n'), [['message', 'é€😀', '']]],
  ['id with NUL ignored', bytes('retry: 10\nid: 1\n\nid: x', 0, '\ndata: a\n\nid: ', 0, 'y\ndata: b\n\n'), [['message', 'a', '1'], ['message', 'b', '1']]],
  ['id-only block sets the id; empty id clears it', bytes('retry: 10\nid: 5\n\ndata: a\n\nid\ndata: b\n\n'), [['message', 'a', '5'], ['message', 'b', '']]],
  ['a block without data resets the type', bytes('retry: 10\nevent: foo\n\ndata: x\n\n'), [['message', 'x', '']]],
  ['an unterminated event is discarded', bytes('retry: 10\ndata: a\n\nid: 9\ndata: lost'), [['message', 'a', '']]],
  ['invalid retry values are ignored', bytes('retry: 10\nretry: 12x\nretry:\ndata: a\n\n'), [['message', 'a', '']]],
  ['field names are case-sensitive', bytes('retry: 10\nData: a\n\ndata: b\n\n'), [['message', 'b', '']]],
  ['NUL in data is kept', bytes('retry: 10\ndata: a', 0, 'b\n\n'), [['message', 'a\0b', '']]],
  ['one trailing LF removed', bytes('retry: 10\ndata: a\ndata:\n\n'), [['message', 'a\n', '']]],
  ['the id is not reset by dispatch', bytes('retry: 10\nid: 3\ndata: a\n\ndata: b\n\n'), [['message', 'a', '3'], ['message', 'b', '3']]],
];

/**
 * Where an engine's native EventSource departs from the spec, by engine and case name.
 * Ours is checked against the spec's answer above in every engine; the comparison with
 * the native client is left out only for these.
 */
export const NATIVE_DEVIATIONS = {
  firefox: {
    'id with NUL ignored': 'Firefox drops the events after an id field that contains NUL',
    'id-only block sets the id; empty id clears it': 'Firefox does not clear the id on an empty id field',
    'NUL in data is kept': 'Firefox removes NUL from data',
  },
};
