//! The engine behind each JavaScript `EventSource` (see `js/connection.js`).

use crate::input::Input;
use crate::parser_handle::bounded_parser;
use crate::tokens::{Tokens, tag};
use alloc::string::String;
use alloc::vec::Vec;
use wasm_eventsource::engine::{Action, ConfigError, Engine, Reason, RetryPolicy, retry_after_ms};

/// The connection engine of one JavaScript `EventSource`, with its batch and input buffer.
pub struct EngineHandle {
    engine: Engine,
    tokens: Tokens,
    input: Input,
}

/// The settings of a new engine as JavaScript passes them: NaN (what `undefined` becomes)
/// takes the default.
pub struct Settings {
    pub initial_delay: f64,
    pub max_delay: f64,
    pub factor: f64,
    pub jitter: f64,
    pub max_retries: f64,
    pub retry_on_status: Vec<u16>,
    pub max_event_size: f64,
    pub last_event_id: String,
    pub seed: f64,
}

/// A number JavaScript passed, or `None` for NaN (`undefined`).
fn given(value: f64) -> Option<f64> {
    (!value.is_nan()).then_some(value)
}

/// A number JavaScript passed, or `None` for NaN (`undefined`) and the infinities (no bound).
pub fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

fn millis(value: f64, default: u64) -> u64 {
    finite(value).map_or(default, |v| v.max(0.0) as u64)
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

impl EngineHandle {
    /// An engine for one source (delays in milliseconds), or why its policy cannot work.
    pub fn new(settings: Settings) -> Result<EngineHandle, ConfigError> {
        let defaults = RetryPolicy::default();
        let policy = RetryPolicy {
            initial_delay_ms: millis(settings.initial_delay, defaults.initial_delay_ms),
            max_delay_ms: millis(settings.max_delay, defaults.max_delay_ms),
            factor: given(settings.factor).unwrap_or(defaults.factor),
            jitter: given(settings.jitter).unwrap_or(defaults.jitter),
            max_retries: finite(settings.max_retries).map(|v| v.clamp(0.0, f64::from(u32::MAX)) as u32),
            retry_on_status: settings.retry_on_status,
        };
        let parser =
            bounded_parser(settings.max_event_size).with_last_event_id(settings.last_event_id.clone());
        let engine = Engine::new(policy, parser, settings.seed as u64)?;
        let tokens = Tokens::with_reported_id(settings.last_event_id);
        Ok(EngineHandle { engine, tokens, input: Input::default() })
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
        content_type: Option<&str>,
        retry_after: Option<&str>,
        now_ms: f64,
    ) -> *const u32 {
        let retry_after_ms = retry_after.and_then(|value| retry_after_ms(value, now_ms.max(0.0) as u64));
        self.engine.on_response(status, content_type, retry_after_ms);
        self.drain()
    }

    /// Where JavaScript writes the next chunk of `length` bytes (see [`Input`]); null when
    /// the memory cannot be had.
    pub fn input(&mut self, length: usize) -> *mut u8 {
        self.input.reserve(length)
    }

    /// A chunk of the body arrived: the first `length` bytes of the input.
    pub fn chunk(&mut self, length: usize) -> *const u32 {
        let out = &mut self.tokens;
        self.engine.on_chunk_borrowed(self.input.bytes(length), |item| out.item(item));
        // An id-only block (or a skipped event's id) moves the last event id with no message to
        // carry it: JavaScript keeps it for a reconnect on a fresh instance after a trap.
        out.last_event_id(self.engine.last_event_id());
        self.drain()
    }

    /// The body ended.
    pub fn end(&mut self) -> *const u32 {
        self.engine.on_end();
        self.drain()
    }

    /// The request or the body read failed.
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
    pub fn retry_timer(&mut self) -> *const u32 {
        self.engine.on_retry_timer();
        self.drain()
    }

    /// Encodes the pending actions and publishes the batch (see the crate documentation).
    fn drain(&mut self) -> *const u32 {
        let out = &mut self.tokens;
        while let Some(action) = self.engine.poll_action() {
            match action {
                Action::Connect { last_event_id } => out.push(tag::CONNECT, &last_event_id),
                Action::Open => out.push(tag::OPEN, ""),
                Action::Message(event) => {
                    out.event(event.event_type_field(), event.data(), event.id());
                }
                Action::Comment(text) => out.push(tag::COMMENT, &text),
                Action::Reconnecting { delay_ms, reason, retry_after } => {
                    out.number(tag::RECONNECT, delay_ms);
                    out.field(reason_name(reason));
                    out.field(if retry_after { "1" } else { "0" });
                }
                Action::Failed { reason, retries_exhausted } => {
                    out.push(tag::FAILED, reason_name(reason));
                    out.field(if retries_exhausted { "1" } else { "0" });
                }
                Action::Skipped(error) => out.skipped(error),
            }
        }
        out.publish()
    }
}
