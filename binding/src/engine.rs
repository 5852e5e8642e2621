//! The engine behind each JavaScript `EventSource` (see `js/connection.js`).

use crate::input::Input;
use crate::tokens::Tokens;
use wasm_bindgen::prelude::*;
use wasm_eventsource::engine::{Action, Engine, Reason, RetryPolicy, retry_after_ms};
use wasm_eventsource::parser::Parser;

/// The connection engine of one JavaScript `EventSource`.
#[wasm_bindgen(js_name = Engine)]
pub struct EngineHandle {
    engine: Engine,
    tokens: Tokens,
    input: Input,
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
        Reason::Suspended => "suspended",
    }
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
        let known_id = last_event_id.unwrap_or_default();
        if !known_id.is_empty() {
            parser = parser.with_last_event_id(known_id.clone());
        }
        let engine = Engine::new(policy, parser, seed as u64)
            .map_err(|error| JsValue::from(js_sys::RangeError::new(error.message())))?;
        Ok(EngineHandle { engine, tokens: Tokens::with_reported_id(known_id), input: Input::default() })
    }

    /// Starts the first connection.
    pub fn connect(&mut self) -> *const u32 {
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
    ) -> *const u32 {
        let retry_after_ms = retry_after.and_then(|value| retry_after_ms(&value, now_ms.max(0.0) as u64));
        self.engine.on_response(status, content_type.as_deref(), retry_after_ms);
        self.drain()
    }

    /// Where JavaScript writes the next chunk of `length` bytes (see [`Input`]).
    pub fn input(&mut self, length: usize) -> *mut u8 {
        self.input.reserve(length)
    }

    /// A chunk of the body arrived: the first `length` bytes of the input.
    pub fn chunk(&mut self, length: usize) -> *const u32 {
        let out = &mut self.tokens;
        self.engine.on_chunk_borrowed(self.input.bytes(length), |item| out.item(item));
        self.drain()
    }

    /// The body ended.
    pub fn end(&mut self) -> *const u32 {
        self.engine.on_end();
        self.drain()
    }

    /// The request or the body read failed.
    #[wasm_bindgen(js_name = networkError)]
    pub fn network_error(&mut self) -> *const u32 {
        self.engine.on_network_error();
        self.drain()
    }

    /// No byte arrived within the stall timeout.
    pub fn stall(&mut self) -> *const u32 {
        self.engine.on_stall();
        self.drain()
    }

    /// The transport stops the connection (offline, page hidden) without spending a retry.
    pub fn suspend(&mut self) -> *const u32 {
        self.engine.suspend();
        self.drain()
    }

    /// The reconnect delay is over.
    #[wasm_bindgen(js_name = retryTimer)]
    pub fn retry_timer(&mut self) -> *const u32 {
        self.engine.on_retry_timer();
        self.drain()
    }

    /// Closed for good; later inputs do nothing.
    pub fn close(&mut self) {
        self.engine.close();
    }

    /// Encodes the pending actions and publishes the batch (see the crate documentation).
    fn drain(&mut self) -> *const u32 {
        let out = &mut self.tokens;
        while let Some(action) = self.engine.poll_action() {
            match action {
                Action::Connect { last_event_id } => out.push('c', &last_event_id),
                Action::Open => out.push('o', ""),
                Action::Message(event) => {
                    let (event_type, data, id) = event.into_parts();
                    out.event(&event_type, &data, &id);
                }
                Action::Comment(text) => out.push('k', &text),
                Action::Reconnecting { delay_ms, reason } => {
                    out.number('r', delay_ms);
                    out.field(reason_name(reason));
                }
                Action::Failed { reason, retries_exhausted } => {
                    out.push('f', reason_name(reason));
                    out.field(if retries_exhausted { "1" } else { "0" });
                }
                Action::Skipped(error) => out.skipped(error),
            }
        }
        out.publish()
    }
}
