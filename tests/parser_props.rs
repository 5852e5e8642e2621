//! Property tests: any chunking of a stream gives the events of the whole stream, and
//! whatever the encoder writes, the parser reads back as the same events.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{FrameParts, Output, byte_soup as stream, cut, expected_items, feed_chunks, to_frame};
use proptest::prelude::*;
use wasm_eventsource::parser::{Item, Parser};

fn parse_whole(make: &dyn Fn() -> Parser, bytes: &[u8]) -> Output {
    feed_chunks(&mut make(), &[bytes])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_chunking_gives_the_same_items(bytes in stream(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12)) {
        let whole = parse_whole(&Parser::new, &bytes);
        prop_assert_eq!(feed_chunks(&mut Parser::new(), &cut(&bytes, &cuts)), whole);
    }

    #[test]
    fn byte_by_byte_gives_the_same_items(bytes in stream()) {
        let whole = parse_whole(&Parser::new, &bytes);
        let singles: Vec<&[u8]> = bytes.chunks(1).collect();
        prop_assert_eq!(feed_chunks(&mut Parser::new(), &singles), whole);
    }

    #[test]
    fn any_chunking_gives_the_same_items_with_a_size_limit(
        bytes in stream(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        limit in 0usize..64,
    ) {
        let make = move || Parser::new().with_max_event_size(limit);
        let whole = parse_whole(&make, &bytes);
        prop_assert_eq!(feed_chunks(&mut make(), &cut(&bytes, &cuts)), whole);
    }

    #[test]
    fn owned_and_borrowed_events_agree(bytes in stream(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12)) {
        // Parser::feed copies an event's data out, or hands over its long-value buffer;
        // Parser::feed_borrowed lends both: the items are the same.
        let chunks = cut(&bytes, &cuts);
        let mut borrowed = Vec::new();
        let mut parser = Parser::new();
        for chunk in &chunks {
            parser.feed_borrowed(chunk, |item| borrowed.push(item.map(|item| item.to_item())));
        }
        prop_assert_eq!(feed_chunks(&mut Parser::new(), &chunks), borrowed);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        // Any bytes parse without a panic, and every item needs a line end of its own.
        let out = parse_whole(&Parser::new, &bytes);
        prop_assert!(out.len() <= bytes.len());
    }
}

/// A `data` value: short or past the parser's 1 KiB long-value bound, of ASCII and
/// multi-byte text, and in one case of four with an invalid or cut UTF-8 sequence somewhere
/// (never CR or LF).
fn data_value() -> impl Strategy<Value = Vec<u8>> {
    let text = prop_oneof![2 => Just(b"abc:".to_vec()), 1 => Just("é€😀".as_bytes().to_vec())];
    let pieces =
        prop_oneof![prop::collection::vec(text.clone(), 0..6), prop::collection::vec(text, 260..300)];
    let invalid = prop_oneof![Just(b"\xFF".to_vec()), Just(b"\xE2\x82".to_vec())];
    (pieces, prop::option::weighted(0.25, (invalid, any::<prop::sample::Index>()))).prop_map(
        |(mut pieces, bad)| {
            if let Some((bytes, at)) = bad {
                pieces.insert(at.index(pieces.len() + 1), bytes);
            }
            pieces.concat()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn long_values_agree_with_the_plain_path(
        events in prop::collection::vec(prop::collection::vec(data_value(), 1..4), 1..4),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        // Long values are checked as UTF-8 when they arrive, the others at dispatch: either
        // way each event's data is its values joined with LF, then decoded, as the plain
        // path decodes them (and feed and feed_borrowed agree, whatever the chunking).
        let mut stream = Vec::new();
        let mut expected = Vec::new();
        for values in &events {
            for value in values {
                stream.extend_from_slice(b"data: ");
                stream.extend_from_slice(value);
                stream.push(b'\n');
            }
            stream.push(b'\n');
            expected.push(String::from_utf8_lossy(&values.join(&b'\n')).into_owned());
        }
        let data: Vec<String> = feed_chunks(&mut Parser::new(), &cut(&stream, &cuts))
            .into_iter()
            .filter_map(|item| match item {
                Ok(Item::Event(event)) => Some(event.into_data()),
                _ => None,
            })
            .collect();
        prop_assert_eq!(data, expected);
    }
}

/// The fields of a frame the encoder accepts: type, id, data, retry, comment.
fn frame_parts() -> impl Strategy<Value = FrameParts> {
    (
        prop::option::of("[^\r\n]{0,12}"),
        prop::option::of("[^\r\n\0]{0,12}"),
        prop::option::of(any::<String>()),
        prop::option::of(any::<u64>()),
        prop::option::of(any::<String>()),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encode_then_parse_round_trips(
        frames in prop::collection::vec(frame_parts(), 0..8),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let mut bytes = Vec::new();
        for parts in &frames {
            to_frame(parts).encode_into(&mut bytes).expect("the strategy only makes valid frames");
        }
        let parsed = feed_chunks(&mut Parser::new(), &cut(&bytes, &cuts));
        prop_assert_eq!(parsed, expected_items(&frames));
    }
}

#[test]
fn long_data_of_short_lines_is_the_same_owned_or_borrowed() {
    // Data past the copy bound (4 KiB) of short lines is handed over with its buffer, valid
    // or not; shorter data is copied: both give what the borrowed feed lends.
    for line in [&b"data: abc \xC3\xA9\n"[..], b"data: abc \xFF\n"] {
        for lines in [10, 1000] {
            let mut stream = line.repeat(lines);
            stream.extend_from_slice(b"\n");
            stream.extend_from_slice(&stream.clone());
            let chunks = cut(&stream, &[]);
            let mut borrowed = Vec::new();
            let mut parser = Parser::new();
            for chunk in &chunks {
                parser.feed_borrowed(chunk, |item| borrowed.push(item.map(|item| item.to_item())));
            }
            let owned = feed_chunks(&mut Parser::new(), &chunks);
            assert_eq!(owned.len(), 2);
            assert_eq!(owned, borrowed, "{lines} lines");
        }
    }
}
