//! Helpers shared by the native parser tests.
#![allow(dead_code)]

pub mod differential;
pub mod engine_checks;

#[allow(unused_imports)]
pub use differential::{FrameParts, Output, expected_items, feed_chunks, reference, to_frame};
use proptest::prelude::*;
use wasm_eventsource::parser::{Event, Item, Parser};

/// Parses `stream` whole, byte by byte, in 2- and 3-byte chunks and split in two at every
/// position; asserts that all give the same items and returns them.
pub fn parse_every_way(stream: &[u8]) -> Output {
    parse_every_way_with(stream, Parser::new)
}

/// As [`parse_every_way`], with parsers made by `make`.
pub fn parse_every_way_with(stream: &[u8], make: impl Fn() -> Parser) -> Output {
    let whole = feed_chunks(&mut make(), &[stream]);
    for size in 1..=3 {
        let chunks: Vec<&[u8]> = stream.chunks(size).collect();
        assert_eq!(feed_chunks(&mut make(), &chunks), whole, "chunks of {size} bytes");
    }
    for at in 0..=stream.len() {
        let (head, tail) = stream.split_at(at);
        assert_eq!(feed_chunks(&mut make(), &[head, tail]), whole, "split at byte {at}");
    }
    whole
}

/// The events of `stream`, parsed every way.
pub fn events(stream: &[u8]) -> Vec<Event> {
    parse_every_way(stream)
        .into_iter()
        .filter_map(|item| match item {
            Ok(Item::Event(event)) => Some(event),
            _ => None,
        })
        .collect()
}

/// The data of each event of `stream`.
pub fn data(stream: &[u8]) -> Vec<String> {
    events(stream).into_iter().map(Event::into_data).collect()
}

/// A `message` event with this data and id.
pub fn message(data: &str, id: &str) -> Event {
    Event::new("message", data, id)
}

/// Random streams for property tests: pieces that exercise every parser branch (field
/// names, separators, line ends, BOMs, NULs, invalid and multi-byte UTF-8) glued at random.
pub fn byte_soup() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"data".to_vec()),
        Just(b"data:".to_vec()),
        Just(b"data: ".to_vec()),
        Just(b"event: ".to_vec()),
        Just(b"id: ".to_vec()),
        Just(b"retry: ".to_vec()),
        Just(b":".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n\n".to_vec()),
        Just(b"\0".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xEF\xBB".to_vec()),
        Just(b"\xFF".to_vec()),
        Just(b"\xE2\x82".to_vec()),
        Just(b"\xF0\x9F".to_vec()),
        Just("é€😀".as_bytes().to_vec()),
        "[0-9]{1,4}".prop_map(String::into_bytes),
        "[a-zA-Z]{1,8}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 1..8),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

/// Cuts `bytes` into chunks at the given fractions of its length.
pub fn cut<'a>(bytes: &'a [u8], cuts: &[prop::sample::Index]) -> Vec<&'a [u8]> {
    let points: Vec<usize> = cuts.iter().map(|index| index.index(bytes.len() + 1)).collect();
    differential::cut_at(bytes, &points)
}
