//! Writing the CR-separated tokens described in the crate documentation.

use wasm_eventsource::{ItemRef, ParseError};

/// A batch of tokens, and the last event id already told to JavaScript.
#[derive(Default)]
pub struct Tokens {
    out: String,
    reported_id: String,
}

impl Tokens {
    /// Starts from an id JavaScript already knows (one it passed in).
    pub fn with_reported_id(reported_id: String) -> Tokens {
        Tokens { out: String::new(), reported_id }
    }

    /// Appends one token: `tag` then `text`.
    pub fn push(&mut self, tag: char, text: &str) {
        if !self.out.is_empty() {
            self.out.push('\r');
        }
        self.out.push(tag);
        self.out.push_str(text);
    }

    /// Appends a field (no tag) to the previous token.
    pub fn field(&mut self, text: &str) {
        self.out.push('\r');
        self.out.push_str(text);
    }

    /// Appends a token whose text is a number in decimal.
    pub fn number(&mut self, tag: char, value: u64) {
        self.push(tag, "");
        push_decimal(&mut self.out, value);
    }

    /// What the parser found: an event, a comment, a `retry:` field or a skipped event.
    pub fn item(&mut self, item: Result<ItemRef<'_>, ParseError>) {
        match item {
            Ok(ItemRef::Event(event)) => self.event(event.event_type_field(), event.data(), event.id()),
            Ok(ItemRef::Retry(millis)) => self.number('t', millis),
            Ok(ItemRef::Comment(text)) => self.push('k', text),
            Err(error) => self.skipped(error),
        }
    }

    /// An event (`event_type` empty for `message`): its id first when it changed, then
    /// `m` + data or `n` + type, data. Nothing is allocated unless the id grew.
    pub fn event(&mut self, event_type: &str, data: &str, id: &str) {
        if id != self.reported_id {
            self.push('i', id);
            self.reported_id.clear();
            self.reported_id.push_str(id);
        }
        if event_type.is_empty() {
            self.push('m', data);
        } else {
            self.push('n', event_type);
            self.field(data);
        }
    }

    /// A skipped, oversized event.
    pub fn skipped(&mut self, error: ParseError) {
        match error {
            ParseError::EventTooLarge { limit } => self.number('s', limit as u64),
        }
    }

    /// The batch so far, leaving an empty one (the reported id is kept).
    pub fn take(&mut self) -> String {
        core::mem::take(&mut self.out)
    }
}

/// Writes `value` in decimal without the formatting machinery (it costs wasm bytes).
fn push_decimal(out: &mut String, value: u64) {
    if value >= 10 {
        push_decimal(out, value / 10);
    }
    out.push(char::from(b'0' + (value % 10) as u8));
}
