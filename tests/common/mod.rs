//! Helpers shared by the native parser tests.
#![allow(dead_code)]

use wasm_eventsource::parser::{Event, Item, ParseError, Parser};

pub type Output = Vec<Result<Item, ParseError>>;

/// Feeds `chunks` in order to `parser` and collects what it emits.
pub fn feed_chunks(parser: &mut Parser, chunks: &[&[u8]]) -> Output {
    let mut out = Vec::new();
    for chunk in chunks {
        parser.feed(chunk, |item| out.push(item));
    }
    out
}

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
