//! `EventStream`: the parser over a `Stream` of chunks gives what the parser gives, passes
//! the byte stream's errors through in place, and waits when the byte stream waits.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{Output, byte_soup, cut, feed_chunks};
use futures::executor::block_on;
use futures::stream::{self, StreamExt};
use proptest::prelude::*;
use std::task::Poll;
use wasm_eventsource::{Event, EventStream, Item, ParseError, Parser, StreamError};

type Collected = Vec<Result<Item, StreamError<&'static str>>>;

fn collect<S>(stream: EventStream<S>) -> Collected
where
    EventStream<S>: futures::Stream<Item = Result<Item, StreamError<&'static str>>>,
{
    block_on(stream.collect())
}

/// The parser's own output, as an `EventStream` would yield it.
fn as_stream_items(output: Output) -> Collected {
    output.into_iter().map(|item| item.map_err(StreamError::Parse)).collect()
}

/// A byte stream that is not ready before every chunk, as a network body often is.
fn hesitant(chunks: Vec<Vec<u8>>) -> impl futures::Stream<Item = Result<Vec<u8>, &'static str>> + Unpin {
    let mut chunks = chunks.into_iter();
    let mut waited = false;
    stream::poll_fn(move |cx| {
        if !waited {
            waited = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        waited = false;
        Poll::Ready(chunks.next().map(Ok))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_chunking_yields_what_the_parser_gives(
        bytes in byte_soup(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        limit in prop::option::of(0usize..64),
    ) {
        let make = || limit.map_or_else(Parser::new, |limit| Parser::new().with_max_event_size(limit));
        let expected = as_stream_items(feed_chunks(&mut make(), &[&bytes]));
        let chunks: Vec<Vec<u8>> = cut(&bytes, &cuts).into_iter().map(<[u8]>::to_vec).collect();
        prop_assert_eq!(collect(EventStream::with_parser(hesitant(chunks), make())), expected);
    }
}

#[test]
fn a_source_error_comes_in_place_and_parsing_goes_on() {
    let chunks = stream::iter([Ok(&b"data: a\n\nda"[..]), Err("reset"), Ok(b"ta: b\n\n")]);
    let items = collect(EventStream::new(chunks));
    assert_eq!(
        items,
        vec![
            Ok(Item::Event(Event::new("", "a", ""))),
            Err(StreamError::Source("reset")),
            Ok(Item::Event(Event::new("", "b", ""))),
        ]
    );
}

#[test]
fn an_event_the_body_ends_inside_is_dropped() {
    let chunks = stream::iter([Ok::<_, &str>(&b"id: 1\ndata: a\n\nid: 2\ndata: cut"[..])]);
    let mut events = EventStream::new(chunks);
    let first = block_on(events.next());
    assert_eq!(first, Some(Ok(Item::Event(Event::new("", "a", "1")))));
    assert_eq!(block_on(events.next()), None);
    assert_eq!(events.last_event_id(), "1");
    assert_eq!(block_on(events.next()), None, "it stays ended");
    // The parser is ready for the next body: nothing of the cut event is left in it.
    let (_, parser) = events.into_parts();
    let next = stream::iter([Ok::<_, &str>(&b"data: y\n\n"[..])]);
    let items = collect(EventStream::with_parser(next, parser));
    assert_eq!(items, vec![Ok(Item::Event(Event::new("", "y", "1")))]);
}

#[test]
fn retries_comments_and_oversized_events_come_in_order() {
    let body = b": ping\nretry: 250\ndata: far too long\n\ndata: ok\n\n";
    let chunks = stream::iter([Ok::<_, &str>(&body[..])]);
    let items = collect(EventStream::with_parser(chunks, Parser::new().with_max_event_size(10)));
    assert_eq!(
        items,
        vec![
            Ok(Item::Comment("ping".into())),
            Ok(Item::Retry(250)),
            Err(StreamError::Parse(ParseError::EventTooLarge { limit: 10 })),
            Ok(Item::Event(Event::new("", "ok", ""))),
        ]
    );
}

#[test]
fn a_stream_that_is_not_unpin_works_boxed_and_gives_back_its_parser() {
    let chunks =
        Box::pin(stream::iter([Ok::<_, &str>(b"id: 9\ndata: x\n\n".to_vec())]).then(|c| async { c }));
    let mut events = EventStream::with_parser(chunks, Parser::new().with_last_event_id("8"));
    assert_eq!(block_on(events.next()), Some(Ok(Item::Event(Event::new("", "x", "9")))));
    let (_, parser) = events.into_parts();
    assert_eq!(parser.last_event_id(), "9");
}

#[test]
fn errors_read_well() {
    let error: StreamError<std::io::Error> = StreamError::Parse(ParseError::EventTooLarge { limit: 5 });
    assert!(error.to_string().contains('5'));
    assert!(std::error::Error::source(&error).is_some());
}
