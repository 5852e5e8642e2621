//! [`EventStream`]: the parser over any `Stream` of byte chunks, for Rust code that makes
//! the request itself (reqwest, hyper, a `fetch` of its own, a file).
//!
//! ```
//! use futures::{StreamExt, executor::block_on, stream};
//! use wasm_eventsource::{EventStream, Item};
//!
//! let body = stream::iter([Ok::<_, std::io::Error>(&b"data: hel"[..]), Ok(b"lo\n\n")]);
//! let items: Vec<_> = block_on(EventStream::new(body).collect());
//! assert!(matches!(&items[..], [Ok(Item::Event(e))] if e.data() == "hello"));
//! ```

use crate::parser::{Item, ParseError, Parser};
use alloc::collections::VecDeque;
use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};
use futures_core::Stream;

/// What an [`EventStream`] yields besides items: the byte stream's own error, or an event
/// the parser skipped. Neither ends the stream; it ends when the byte stream does.
#[derive(Debug, PartialEq, Eq)]
pub enum StreamError<E> {
    /// The underlying stream yielded an error.
    Source(E),
    /// An event exceeded the parser's maximum size and was skipped.
    Parse(ParseError),
}

impl<E: fmt::Display> fmt::Display for StreamError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Source(error) => error.fmt(f),
            StreamError::Parse(error) => error.fmt(f),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for StreamError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            StreamError::Source(error) => Some(error),
            StreamError::Parse(error) => Some(error),
        }
    }
}

/// Parses a `Stream` of byte chunks (`Result<impl AsRef<[u8]>, E>`) into the items of a
/// `text/event-stream`: events, `retry:` values and comments, in order.
///
/// It follows the same rules as the browser clients: any chunking gives the same items,
/// and an event the body ends before its blank line is dropped. The inner stream must be
/// `Unpin`; pass `Box::pin(stream)` or `core::pin::pin!(stream)` for one that is not.
#[derive(Debug)]
pub struct EventStream<S> {
    inner: S,
    parser: Parser,
    ready: VecDeque<Result<Item, ParseError>>,
    ended: bool,
}

impl<S> EventStream<S> {
    /// Parses `inner` with a fresh [`Parser`] (no size limit).
    pub fn new(inner: S) -> Self {
        EventStream::with_parser(inner, Parser::new())
    }

    /// Parses `inner` with a configured parser, e.g. one with
    /// [`Parser::with_max_event_size`] or a [`Parser::with_last_event_id`] to carry on from.
    pub fn with_parser(inner: S, parser: Parser) -> Self {
        EventStream { inner, parser, ready: VecDeque::new(), ended: false }
    }

    /// The last event ID so far: what a reconnect would send as `Last-Event-ID`.
    pub fn last_event_id(&self) -> &str {
        self.parser.last_event_id()
    }

    /// Gives back the byte stream and the parser (which keeps the last event ID).
    pub fn into_parts(self) -> (S, Parser) {
        (self.inner, self.parser)
    }
}

impl<S, B, E> Stream for EventStream<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    type Item = Result<Item, StreamError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.ready.pop_front() {
                return Poll::Ready(Some(item.map_err(StreamError::Parse)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.inner).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    let ready = &mut this.ready;
                    this.parser.feed(chunk.as_ref(), |item| ready.push_back(item));
                }
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(StreamError::Source(error)))),
                Poll::Ready(None) => {
                    this.parser.end_stream();
                    this.ended = true;
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let queued = self.ready.len();
        if self.ended { (queued, Some(queued)) } else { (queued, None) }
    }
}
