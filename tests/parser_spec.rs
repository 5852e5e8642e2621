//! The WHATWG event-stream parsing rules (SSE-SPEC.md rules 1-10), one test per rule,
//! each byte stream spelled out and parsed under every chunking.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{data, events, feed_chunks, message, parse_every_way, parse_every_way_with};
use wasm_eventsource::parser::{Event, Item, ParseError, Parser};

// Rule 1: UTF-8 decoding.

#[test]
fn decodes_utf8_whatever_the_bytes() {
    assert_eq!(data("data: héllo € 😀\n\n".as_bytes()), ["héllo € 😀"]);
}

#[test]
fn multibyte_character_split_at_every_byte_position_comes_out_whole() {
    let stream = "data: é€😀\n\n".as_bytes();
    // parse_every_way splits at every position, including inside each character.
    for at in 0..stream.len() {
        let (head, tail) = stream.split_at(at);
        let out = feed_chunks(&mut Parser::new(), &[head, tail]);
        assert_eq!(out, [Ok(Item::Event(message("é€😀", "")))], "split at {at}");
    }
    // And one byte at a time.
    let bytes: Vec<&[u8]> = stream.chunks(1).collect();
    assert_eq!(feed_chunks(&mut Parser::new(), &bytes), [Ok(Item::Event(message("é€😀", "")))]);
}

#[test]
fn invalid_bytes_become_replacement_characters_like_the_whatwg_decoder() {
    // Each maximal invalid subpart is one U+FFFD (WHATWG Encoding, UTF-8 decoder).
    let cases: [(&[u8], &str); 7] = [
        (b"data: a\xFFb\n\n", "a\u{FFFD}b"),
        (b"data: \xC0\xAF\n\n", "\u{FFFD}\u{FFFD}"),
        (b"data: \xED\xA0\x80\n\n", "\u{FFFD}\u{FFFD}\u{FFFD}"),
        (b"data: \xF0\x9F\x98\n\n", "\u{FFFD}"),
        (b"data: \xE2\x82x\n\n", "\u{FFFD}x"),
        (b"data: \x80\x80\n\n", "\u{FFFD}\u{FFFD}"),
        (b"data: \xF4\x90\x80\x80\n\n", "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
    ];
    for (stream, expected) in cases {
        assert_eq!(data(stream), [expected], "{stream:?}");
    }
}

#[test]
fn truncated_character_before_a_line_end_is_replaced_and_the_line_still_ends() {
    assert_eq!(data(b"data: \xE2\x82\ndata: ok\n\n"), ["\u{FFFD}\nok"]);
}

#[test]
fn invalid_bytes_in_event_type_and_id_are_replaced_too() {
    let got = events(b"event: t\xFF\nid: \xFE1\ndata: x\n\n");
    assert_eq!(got, [Event::new("t\u{FFFD}", "x", "\u{FFFD}1")]);
}

// Rule 2: one leading BOM.

#[test]
fn one_leading_bom_is_removed() {
    assert_eq!(data(b"\xEF\xBB\xBFdata: x\n\n"), ["x"]);
}

#[test]
fn a_second_bom_belongs_to_the_first_line() {
    // The first line's field name becomes "\u{FEFF}data", an unknown field.
    assert_eq!(data(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\ndata: y\n\n"), ["y"]);
}

#[test]
fn bom_split_over_chunks_is_removed() {
    let out = feed_chunks(&mut Parser::new(), &[b"\xEF", b"\xBB", b"\xBFdata: x\n\n"]);
    assert_eq!(out, [Ok(Item::Event(message("x", "")))]);
}

#[test]
fn bom_later_in_the_stream_is_not_removed() {
    assert_eq!(data(b"data: a\n\n\xEF\xBB\xBFdata: b\n\n"), ["a"]);
    assert_eq!(data(b"data: \xEF\xBB\xBFa\n\n"), ["\u{FEFF}a"]);
}

#[test]
fn partial_bom_is_part_of_the_first_line() {
    // EF BB then 'd': not a BOM; the first field name starts with U+FFFD and is unknown.
    assert_eq!(data(b"\xEF\xBBdata: a\n\ndata: b\n\n"), ["b"]);
    // EF then a line end: the first line is the lone byte, an unknown field.
    assert_eq!(data(b"\xEF\ndata: c\n\n"), ["c"]);
}

#[test]
fn each_new_stream_may_start_with_a_bom() {
    let mut parser = Parser::new();
    let first = feed_chunks(&mut parser, &[b"\xEF\xBB\xBFdata: a\n\n"]);
    parser.end_stream();
    let second = feed_chunks(&mut parser, &[b"\xEF\xBB", b"\xBFdata: b\n\n"]);
    assert_eq!(first, [Ok(Item::Event(message("a", "")))]);
    assert_eq!(second, [Ok(Item::Event(message("b", "")))]);
}

// Rule 3: line ends.

#[test]
fn crlf_lf_and_cr_all_end_lines() {
    assert_eq!(data(b"data: a\r\ndata: b\ndata: c\rdata: d\r\n\r\n"), ["a\nb\nc\nd"]);
}

#[test]
fn a_file_of_lone_crs_parses() {
    assert_eq!(data(b"event: t\rdata: 1\rdata: 2\r\rdata: 3\r\r"), ["1\n2", "3"]);
    assert_eq!(events(b"event: t\rdata: 1\r\r")[0].event_type(), "t");
}

#[test]
fn crlf_split_over_chunks_is_one_line_end() {
    // Were the LF a second line end, it would be a blank line dispatching "a" alone.
    let out = feed_chunks(&mut Parser::new(), &[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]);
    assert_eq!(out, [Ok(Item::Event(message("a\nb", "")))]);
}

#[test]
fn cr_at_chunk_end_completes_the_line_at_once() {
    let mut parser = Parser::new();
    assert_eq!(feed_chunks(&mut parser, &[b"data: a\n\r"]), [Ok(Item::Event(message("a", "")))]);
}

#[test]
fn lf_cr_is_two_line_ends() {
    assert_eq!(data(b"data: a\n\rdata: b\n\n"), ["a", "b"]);
}

#[test]
fn an_empty_chunk_between_cr_and_lf_changes_nothing() {
    let out = feed_chunks(&mut Parser::new(), &[b"data: a\r", b"", b"\ndata: b\n\n"]);
    assert_eq!(out, [Ok(Item::Event(message("a\nb", "")))]);
}

// Rule 4: linear cost.

#[test]
fn a_one_mebibyte_line_fed_byte_by_byte_is_not_rescanned() {
    // A parser that rescanned its buffer per chunk would do about 5 * 10^11 byte steps here
    // and never finish; a linear one does about 10^6.
    let mut stream = b"data: ".to_vec();
    stream.extend(std::iter::repeat_n(b'x', 1 << 20));
    stream.extend_from_slice(b"\n\n");
    let mut parser = Parser::new();
    let mut got = Vec::new();
    for byte in stream.chunks(1) {
        parser.feed(byte, |item| got.push(item));
    }
    match got.as_slice() {
        [Ok(Item::Event(event))] => assert_eq!(event.data().len(), 1 << 20),
        other => panic!("expected one event, got {} items", other.len()),
    }
}

// Rule 5: an empty line dispatches.

#[test]
fn empty_line_dispatches() {
    assert_eq!(data(b"data: a\n\ndata: b\n\n"), ["a", "b"]);
}

#[test]
fn event_without_blank_line_is_not_yet_dispatched() {
    assert_eq!(feed_chunks(&mut Parser::new(), &[b"data: a\n"]), []);
}

// Rule 6: comments.

#[test]
fn comments_are_not_events_but_are_surfaced() {
    let out = parse_every_way(b": ping\n:\n::x\n:  two\ndata: a\n\n");
    assert_eq!(
        out,
        [
            Ok(Item::Comment("ping".into())),
            Ok(Item::Comment("".into())),
            Ok(Item::Comment(":x".into())),
            Ok(Item::Comment(" two".into())),
            Ok(Item::Event(message("a", ""))),
        ]
    );
}

#[test]
fn without_comments_drops_comment_lines_and_nothing_else() {
    let stream = b": ping\n:\nid: 3\n: inside\ndata: a\n\nretry: 5\n:x\n\n";
    let out = parse_every_way_with(stream, || Parser::new().without_comments());
    assert_eq!(out, [Ok(Item::Event(message("a", "3"))), Ok(Item::Retry(5))]);
}

#[test]
fn a_comment_inside_an_event_does_not_split_it() {
    assert_eq!(data(b"data: a\n: keep-alive\ndata: b\n\n"), ["a\nb"]);
}

// Rule 7: field name and value.

#[test]
fn data_without_colon_is_an_empty_value() {
    assert_eq!(data(b"data\n\n"), [""]);
    assert_eq!(data(b"data\ndata\n\n"), ["\n"]);
}

#[test]
fn only_one_leading_space_is_removed() {
    assert_eq!(data(b"data:\n\n"), [""]);
    assert_eq!(data(b"data: \n\n"), [""]);
    assert_eq!(data(b"data:x\n\n"), ["x"]);
    assert_eq!(data(b"data: x\n\n"), ["x"]);
    assert_eq!(data(b"data:  x\n\n"), [" x"]);
    assert_eq!(data(b"data:\tx\n\n"), ["\tx"]);
}

#[test]
fn value_is_everything_after_the_first_colon() {
    assert_eq!(data(b"data: a:b: c\n\n"), ["a:b: c"]);
}

#[test]
fn field_names_are_case_sensitive_and_exact() {
    assert_eq!(data(b"Data: a\n\nDATA: b\n\ndata : c\n\n data: d\n\n"), Vec::<String>::new());
    assert_eq!(events(b"Event: x\ndata: a\n\n")[0].event_type(), "message");
    assert_eq!(events(b"ID: 9\ndata: a\n\n")[0].id(), "");
}

// Rule 8: the fields.

#[test]
fn event_sets_the_type_and_the_last_one_wins() {
    let got = events(b"event: first\nevent: second\ndata: x\n\n");
    assert_eq!(got, [Event::new("second", "x", "")]);
}

#[test]
fn empty_event_field_means_message() {
    assert_eq!(events(b"event:\ndata: x\n\n")[0].event_type(), "message");
}

#[test]
fn data_lines_are_joined_with_lf() {
    assert_eq!(data(b"data: a\ndata: b\ndata: c\n\n"), ["a\nb\nc"]);
}

#[test]
fn id_sets_the_last_event_id() {
    assert_eq!(events(b"id: 42\ndata: x\n\n"), [message("x", "42")]);
    assert_eq!(events(b"id:  spaced \ndata: x\n\n"), [message("x", " spaced ")]);
    assert_eq!(events("id: ünï\ndata: x\n\n".as_bytes()), [message("x", "ünï")]);
}

#[test]
fn the_id_carries_on_changes_and_empties_across_events() {
    // Each event holds the last event ID at its dispatch, however many share it.
    let out = events(
        b"id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\nid: 2\ndata: d\n\nid\ndata: e\n\ndata: f\n\n",
    );
    let ids: Vec<&str> = out.iter().map(Event::id).collect();
    assert_eq!(ids, ["1", "1", "2", "2", "", ""]);
    let (_, _, id) = out[1].clone().into_parts();
    assert_eq!(id, "1");
}

#[test]
fn id_with_nul_is_ignored() {
    assert_eq!(events(b"id: 1\n\nid: x\0\ndata: a\n\n"), [message("a", "1")]);
    assert_eq!(events(b"id: 1\n\nid: \0x\ndata: a\n\n"), [message("a", "1")]);
    assert_eq!(events(b"id: 1\n\nid: \0\ndata: a\n\n"), [message("a", "1")]);
}

#[test]
fn nul_elsewhere_is_kept() {
    assert_eq!(events(b"event: a\0b\ndata: c\0d\n\n"), [Event::new("a\0b", "c\0d", "")]);
}

#[test]
fn retry_takes_only_ascii_digits() {
    let retries = |stream: &[u8]| -> Vec<u64> {
        parse_every_way(stream)
            .into_iter()
            .filter_map(|item| match item {
                Ok(Item::Retry(millis)) => Some(millis),
                _ => None,
            })
            .collect()
    };
    assert_eq!(retries(b"retry: 1000\n"), [1000]);
    assert_eq!(retries(b"retry: 007\n"), [7]);
    assert_eq!(retries(b"retry:0\n"), [0]);
    assert_eq!(retries(b"retry: 12x\n"), [0u64; 0]);
    assert_eq!(retries(b"retry:\n"), [0u64; 0]);
    assert_eq!(retries(b"retry\n"), [0u64; 0]);
    assert_eq!(retries(b"retry:  5\n"), [0u64; 0]);
    assert_eq!(retries(b"retry: -1\n"), [0u64; 0]);
    assert_eq!(retries(b"retry: 1.5\n"), [0u64; 0]);
    assert_eq!(retries(b"retry: +5\n"), [0u64; 0]);
    assert_eq!(retries("retry: ５\n".as_bytes()), [0u64; 0]);
    assert_eq!(retries(b"retry: 99999999999999999999999\n"), [u64::MAX]);
}

#[test]
fn retry_is_reported_at_once_without_a_blank_line() {
    assert_eq!(feed_chunks(&mut Parser::new(), &[b"retry: 5\n"]), [Ok(Item::Retry(5))]);
}

#[test]
fn unknown_fields_are_ignored() {
    assert_eq!(data(b"foo: bar\ndata: a\nbaz\n\n"), ["a"]);
    assert_eq!(parse_every_way(b"foo: bar\n\n"), []);
}

// Rule 9: end of stream.

#[test]
fn unterminated_event_is_discarded_with_its_id() {
    let mut parser = Parser::new();
    let out = feed_chunks(&mut parser, &[b"id: 1\ndata: a\n\nid: 2\ndata: b\n"]);
    assert_eq!(out, [Ok(Item::Event(message("a", "1")))]);
    parser.end_stream();
    assert_eq!(parser.last_event_id(), "1");
    // The next stream starts clean: the discarded id does not reappear.
    let next = feed_chunks(&mut parser, &[b"data: c\n\n"]);
    assert_eq!(next, [Ok(Item::Event(message("c", "1")))]);
}

#[test]
fn unterminated_line_is_discarded_at_end_of_stream() {
    let mut parser = Parser::new();
    assert_eq!(feed_chunks(&mut parser, &[b"data: a\n\ndata: partial"]).len(), 1);
    parser.end_stream();
    let next = feed_chunks(&mut parser, &[b"\n\n"]);
    assert_eq!(next, []);
}

#[test]
fn a_pending_cr_does_not_swallow_the_next_streams_first_lf() {
    let mut parser = Parser::new();
    feed_chunks(&mut parser, &[b"data: a\r"]);
    parser.end_stream();
    // A new stream's leading LF is a blank line of its own (with nothing to dispatch).
    assert_eq!(feed_chunks(&mut parser, &[b"\ndata: b\n\n"]), [Ok(Item::Event(message("b", "")))]);
}

// Rule 10: dispatch.

#[test]
fn id_only_block_updates_the_last_event_id() {
    let mut parser = Parser::new();
    assert_eq!(feed_chunks(&mut parser, &[b"id: 5\n\n"]), []);
    assert_eq!(parser.last_event_id(), "5");
    assert_eq!(feed_chunks(&mut parser, &[b"data: x\n\n"]), [Ok(Item::Event(message("x", "5")))]);
}

#[test]
fn id_buffer_is_not_reset_by_dispatch() {
    assert_eq!(events(b"id: 1\ndata: a\n\ndata: b\n\n"), [message("a", "1"), message("b", "1")]);
}

#[test]
fn empty_id_clears_the_last_event_id() {
    assert_eq!(events(b"id: 1\ndata: a\n\nid\ndata: b\n\n"), [message("a", "1"), message("b", "")]);
    assert_eq!(events(b"id: 1\ndata: a\n\nid:\ndata: b\n\n")[1].id(), "");
}

#[test]
fn id_is_set_only_when_the_block_is_dispatched() {
    let mut parser = Parser::new();
    feed_chunks(&mut parser, &[b"id: 1\ndata: a\n\nid: 2\ndata: b\n"]);
    assert_eq!(parser.last_event_id(), "1");
    feed_chunks(&mut parser, &[b"\n"]);
    assert_eq!(parser.last_event_id(), "2");
}

#[test]
fn block_without_data_dispatches_nothing_and_resets_the_type() {
    assert_eq!(events(b"event: foo\n\ndata: x\n\n"), [message("x", "")]);
}

#[test]
fn one_trailing_lf_is_removed() {
    assert_eq!(data(b"data: a\ndata:\n\n"), ["a\n"]);
    assert_eq!(data(b"data:\ndata:\n\n"), ["\n"]);
}

#[test]
fn type_is_reset_after_each_dispatch() {
    let got = events(b"event: t\ndata: a\n\ndata: b\n\n");
    assert_eq!(got, [Event::new("t", "a", ""), Event::new("message", "b", "")]);
}

#[test]
fn initial_last_event_id_is_used_until_the_server_sets_one() {
    let make = || Parser::new().with_last_event_id("7");
    let out = parse_every_way_with(b"data: a\n\nid: 8\ndata: b\n\n", make);
    assert_eq!(out, [Ok(Item::Event(message("a", "7"))), Ok(Item::Event(message("b", "8")))]);
}

// Bounded buffers.

#[test]
fn oversized_event_is_an_error_and_the_stream_goes_on() {
    let make = || Parser::new().with_max_event_size(16);
    let stream = b"data: small\n\ndata: 0123456789\ndata: 0123456789\nid: 3\n\ndata: after\n\n";
    let out = parse_every_way_with(stream, make);
    assert_eq!(
        out,
        [
            Ok(Item::Event(message("small", ""))),
            Err(ParseError::EventTooLarge { limit: 16 }),
            Ok(Item::Event(message("after", ""))),
        ]
    );
}

#[test]
fn oversized_single_line_is_skipped_without_being_held() {
    let make = || Parser::new().with_max_event_size(8);
    let out = parse_every_way_with(b"data: this line is too long\ndata: more\n\ndata: ok\n\n", make);
    assert_eq!(out, [Err(ParseError::EventTooLarge { limit: 8 }), Ok(Item::Event(message("ok", "")))]);
}

#[test]
fn event_at_exactly_the_limit_passes() {
    // The limit bounds the data so far plus the line being read: "data: 12" is 8 bytes.
    let make = || Parser::new().with_max_event_size(8);
    let out = parse_every_way_with(b"data: 12\n\n", make);
    assert_eq!(out, [Ok(Item::Event(message("12", "")))]);
}

#[test]
fn fields_read_before_the_overflow_keep_their_effect() {
    let mut parser = Parser::new().with_max_event_size(10);
    let out = feed_chunks(&mut parser, &[b"id: 4\nevent: big\ndata: 0123456789\n\ndata: x\n\n"]);
    assert_eq!(out, [Err(ParseError::EventTooLarge { limit: 10 }), Ok(Item::Event(message("x", "4")))]);
}

#[test]
fn end_of_stream_stops_a_skip() {
    let mut parser = Parser::new().with_max_event_size(4);
    let out = feed_chunks(&mut parser, &[b"data: too long"]);
    assert_eq!(out, [Err(ParseError::EventTooLarge { limit: 4 })]);
    parser.end_stream();
    assert_eq!(feed_chunks(&mut parser, &[b"data\n\n"]), [Ok(Item::Event(message("", "")))]);
}
