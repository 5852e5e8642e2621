//! The bare parser behind `js/parse.js`: bytes in, events, retries and comments out.

use crate::engine_handle::finite;
use crate::input::Input;
use crate::tokens::Tokens;
use wasm_eventsource::parser::Parser;

/// A parser whose events are bounded to `max_event_size` bytes: NaN (`undefined`) takes the
/// default bound ([`wasm_eventsource::parser::DEFAULT_MAX_EVENT_SIZE`]), infinity none.
pub fn bounded_parser(max_event_size: f64) -> Parser {
    match finite(max_event_size) {
        Some(limit) => Parser::new().with_max_event_size(limit.max(0.0) as usize),
        None if max_event_size == f64::INFINITY => Parser::new().with_max_event_size(usize::MAX),
        None => Parser::new(),
    }
}

/// One stream's parser, for callers that make the request themselves.
pub struct ParserHandle {
    parser: Parser,
    tokens: Tokens,
    input: Input,
}

impl ParserHandle {
    /// A parser; `max_event_size` (bytes) bounds one event (see [`bounded_parser`]).
    pub fn new(max_event_size: f64) -> ParserHandle {
        ParserHandle {
            parser: bounded_parser(max_event_size),
            tokens: Tokens::default(),
            input: Input::default(),
        }
    }

    /// Where JavaScript writes the next chunk of `length` bytes (see [`Input`]); null when
    /// the memory cannot be had.
    pub fn input(&mut self, length: usize) -> *mut u8 {
        self.input.reserve(length)
    }

    /// Parses a chunk of the body, the first `length` bytes of the input; returns its items
    /// as a batch of tokens (see the crate documentation).
    pub fn chunk(&mut self, length: usize) -> *const u32 {
        let out = &mut self.tokens;
        self.parser.feed_borrowed(self.input.bytes(length), |item| out.item(item));
        out.publish()
    }

    /// The body ended: an event not yet ended by a blank line is discarded.
    pub fn end(&mut self) {
        self.parser.end_stream();
    }
}
