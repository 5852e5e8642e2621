//! The `#[wasm_bindgen]` surface that the npm package's JavaScript uses.
//!
//! The package's transport is JavaScript (`js/connection.js`): it owns `fetch()`, the
//! body reader and the timers, and asks this module's [`EngineHandle`] what to do. Every
//! decision (open, fail, reconnect, backoff, parsing) stays in the Rust engine.
//!
//! Each input returns the actions it caused as one string of tokens separated by CR.
//! CR is the one character that can never occur in an event type, data, id or comment
//! (it always ends a line), so JavaScript splits the whole batch with one `split('\r')`,
//! and a chunk's events cross the boundary as a single string. A token's first character
//! says what it is; the rest is its first field, so a plain message costs one token.
//!
//! | token | then | meaning |
//! |---|---|---|
//! | `c` + last event id | | issue the request |
//! | `o` | | the stream is open |
//! | `i` + id | | the last event id changed (for the messages that follow) |
//! | `m` + data | | dispatch a `message` |
//! | `n` + type | data | dispatch a message of a named type |
//! | `k` + text | | a comment line |
//! | `r` + delay ms | reason | reconnecting after the delay |
//! | `f` + reason | `1` if retries ran out, else `0` | failed for good |
//! | `s` + limit | | an event over `limit` bytes was skipped |

use crate::encoder::format_decimal;
use crate::engine::{Action, Engine, Reason, RetryPolicy};
use crate::parser::{ParseError, Parser};
use wasm_bindgen::prelude::*;

/// The connection engine of one JavaScript `EventSource`.
#[wasm_bindgen(js_name = Engine)]
pub struct EngineHandle {
    engine: Engine,
    /// The last event id already told to JavaScript.
    reported_id: String,
}

fn millis(value: Option<f64>, default: u64) -> u64 {
    value.filter(|v| v.is_finite()).map_or(default, |v| v.max(0.0) as u64)
}

fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::Status(_) => "status",
        Reason::ContentType => "content-type",
        Reason::BodyEnded => "ended",
        Reason::Network => "network",
        Reason::Stalled => "stalled",
    }
}

/// Appends one token, CR-separated from the previous one: `tag` then `text`.
fn token(out: &mut String, tag: char, text: &str) {
    if !out.is_empty() {
        out.push('\r');
    }
    out.push(tag);
    out.push_str(text);
}

/// Appends a field token (no tag) after the previous token.
fn field(out: &mut String, text: &str) {
    out.push('\r');
    out.push_str(text);
}

fn number_token(out: &mut String, tag: char, value: u64) {
    let mut digits = [0u8; 20];
    // Decimal digits are ASCII, so this never fails.
    token(out, tag, core::str::from_utf8(format_decimal(value, &mut digits)).unwrap_or("0"));
}

#[wasm_bindgen(js_class = Engine)]
impl EngineHandle {
    /// An engine for one source. Delays are in milliseconds; `undefined` takes the
    /// default. Throws a `RangeError` for a policy that cannot work.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        initial_delay: Option<f64>,
        max_delay: Option<f64>,
        factor: Option<f64>,
        jitter: Option<f64>,
        max_retries: Option<f64>,
        retry_on_status: Vec<u16>,
        max_event_size: Option<f64>,
        last_event_id: Option<String>,
        seed: f64,
    ) -> Result<EngineHandle, JsValue> {
        let defaults = RetryPolicy::default();
        let policy = RetryPolicy {
            initial_delay_ms: millis(initial_delay, defaults.initial_delay_ms),
            max_delay_ms: millis(max_delay, defaults.max_delay_ms),
            factor: factor.unwrap_or(defaults.factor),
            jitter: jitter.unwrap_or(defaults.jitter),
            max_retries: max_retries
                .filter(|v| v.is_finite())
                .map(|v| v.clamp(0.0, f64::from(u32::MAX)) as u32),
            retry_on_status,
        };
        let mut parser = Parser::new();
        if let Some(limit) = max_event_size.filter(|v| v.is_finite()) {
            parser = parser.with_max_event_size(limit.max(0.0) as usize);
        }
        let reported_id = last_event_id.unwrap_or_default();
        if !reported_id.is_empty() {
            parser = parser.with_last_event_id(reported_id.clone());
        }
        let engine = Engine::new(policy, parser, seed as u64)
            .map_err(|error| JsValue::from(js_sys::RangeError::new(error.message())))?;
        Ok(EngineHandle { engine, reported_id })
    }

    /// Starts the first connection.
    pub fn connect(&mut self) -> String {
        self.engine.connect();
        self.drain()
    }

    /// The response head arrived: its status, Content-Type, and `Retry-After` header
    /// (read against `now_ms`, the Unix time in milliseconds).
    pub fn response(
        &mut self,
        status: u16,
        content_type: Option<String>,
        retry_after: Option<String>,
        now_ms: f64,
    ) -> String {
        let retry_after_ms =
            retry_after.and_then(|value| crate::engine::retry_after_ms(&value, now_ms.max(0.0) as u64));
        self.engine.on_response(status, content_type.as_deref(), retry_after_ms);
        self.drain()
    }

    /// A chunk of the body arrived.
    pub fn chunk(&mut self, bytes: &[u8]) -> String {
        self.engine.on_chunk(bytes);
        self.drain()
    }

    /// The body ended.
    pub fn end(&mut self) -> String {
        self.engine.on_end();
        self.drain()
    }

    /// The request or the body read failed.
    #[wasm_bindgen(js_name = networkError)]
    pub fn network_error(&mut self) -> String {
        self.engine.on_network_error();
        self.drain()
    }

    /// No byte arrived within the stall timeout.
    pub fn stall(&mut self) -> String {
        self.engine.on_stall();
        self.drain()
    }

    /// The reconnect delay is over.
    #[wasm_bindgen(js_name = retryTimer)]
    pub fn retry_timer(&mut self) -> String {
        self.engine.on_retry_timer();
        self.drain()
    }

    /// Closed for good; later inputs do nothing.
    pub fn close(&mut self) {
        self.engine.close();
    }

    /// Encodes the pending actions (see the module documentation).
    fn drain(&mut self) -> String {
        let mut out = String::new();
        while let Some(action) = self.engine.poll_action() {
            match action {
                Action::Connect { last_event_id } => token(&mut out, 'c', &last_event_id),
                Action::Open => token(&mut out, 'o', ""),
                Action::Message(event) => {
                    let (event_type, data, id) = event.into_parts();
                    if id != self.reported_id {
                        token(&mut out, 'i', &id);
                        self.reported_id = id;
                    }
                    if event_type.is_empty() {
                        token(&mut out, 'm', &data);
                    } else {
                        token(&mut out, 'n', &event_type);
                        field(&mut out, &data);
                    }
                }
                Action::Comment(text) => token(&mut out, 'k', &text),
                Action::Reconnecting { delay_ms, reason } => {
                    number_token(&mut out, 'r', delay_ms);
                    field(&mut out, reason_name(reason));
                }
                Action::Failed { reason, retries_exhausted } => {
                    token(&mut out, 'f', reason_name(reason));
                    field(&mut out, if retries_exhausted { "1" } else { "0" });
                }
                Action::Skipped(ParseError::EventTooLarge { limit }) => {
                    number_token(&mut out, 's', limit as u64)
                }
            }
        }
        out
    }
}
