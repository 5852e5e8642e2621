//! The `#[wasm_bindgen]` surface that the npm package's JavaScript uses.

use crate::parser::{Item, Parser};
use wasm_bindgen::prelude::*;

/// A `text/event-stream` parser for JavaScript: feed it body chunks, get events back.
///
/// `feed` returns the chunk's events flattened as `[type, data, id, type, data, id, ...]`
/// (type `"message"` when the stream named none), one array per chunk so that crossing
/// the wasm boundary costs one call per chunk, not per event.
#[wasm_bindgen(js_name = SseParser)]
pub struct SseParser {
    parser: Parser,
    retry: Option<u64>,
    too_large: u32,
}

#[wasm_bindgen(js_class = SseParser)]
impl SseParser {
    /// A parser; `maxEventSize` (bytes) bounds one event when given.
    #[wasm_bindgen(constructor)]
    pub fn new(max_event_size: Option<u32>) -> SseParser {
        let parser = match max_event_size {
            Some(limit) => Parser::new().with_max_event_size(limit as usize),
            None => Parser::new(),
        };
        SseParser {
            parser,
            retry: None,
            too_large: 0,
        }
    }

    /// Parses one chunk and returns its events as flat `[type, data, id]` triples.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let retry = &mut self.retry;
        let too_large = &mut self.too_large;
        self.parser.feed(chunk, |item| match item {
            Ok(Item::Event(event)) => {
                let kind = String::from(event.event_type());
                let (_, data, id) = event.into_parts();
                out.extend([kind, data, id]);
            }
            Ok(Item::Retry(millis)) => *retry = Some(millis),
            Ok(Item::Comment(_)) => {}
            Err(_) => *too_large = too_large.saturating_add(1),
        });
        out
    }

    /// Ends the current stream: an unterminated event is discarded.
    #[wasm_bindgen(js_name = endStream)]
    pub fn end_stream(&mut self) {
        self.parser.end_stream();
    }

    /// The last event ID dispatched so far.
    #[wasm_bindgen(getter, js_name = lastEventId)]
    pub fn last_event_id(&self) -> String {
        self.parser.last_event_id().into()
    }

    /// The last `retry:` value seen, in milliseconds, or `undefined`.
    #[wasm_bindgen(getter)]
    pub fn retry(&self) -> Option<f64> {
        self.retry.map(|millis| millis as f64)
    }

    /// How many events were skipped for exceeding `maxEventSize`.
    #[wasm_bindgen(getter, js_name = skippedEvents)]
    pub fn skipped_events(&self) -> u32 {
        self.too_large
    }
}
