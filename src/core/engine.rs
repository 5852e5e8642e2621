//! The connection state machine: every spec rule about connecting, opening, failing and
//! reconnecting, plus the retry policy, with no I/O and no clock.
//!
//! The transport tells the engine what happened (a response arrived, bytes, the body
//! ended, a network error, a timer fired, `close()`), then drains [`Engine::poll_action`]
//! and carries out each [`Action`]. Time enters only as delays the engine asks for and
//! timers the transport reports; randomness comes from a seed given at construction, so
//! every decision is reproducible in a test.
//!
//! ```
//! use wasm_eventsource::engine::{Action, Engine, ReadyState, RetryPolicy};
//! use wasm_eventsource::parser::Parser;
//!
//! let mut engine = Engine::new(RetryPolicy::default(), Parser::new(), 7)?;
//! engine.connect();
//! assert!(matches!(engine.poll_action(), Some(Action::Connect { .. })));
//! engine.on_response(200, Some("text/event-stream"), None);
//! assert_eq!(engine.poll_action(), Some(Action::Open));
//! engine.on_chunk(b"data: hi\n\n");
//! assert!(matches!(engine.poll_action(), Some(Action::Message(e)) if e.data() == "hi"));
//! engine.on_end();
//! assert!(matches!(engine.poll_action(), Some(Action::Reconnecting { .. })));
//! assert_eq!(engine.ready_state(), ReadyState::Connecting);
//! # Ok::<(), wasm_eventsource::engine::ConfigError>(())
//! ```

use crate::parser::{Event, Item, ItemRef, ParseError, Parser};
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The reconnection time before the server sends `retry:`, as in Chromium and Firefox.
pub const DEFAULT_RECONNECT_MS: u64 = 3_000;

/// No reconnect comes sooner than this after a connection ends, whatever `retry:` or the
/// options say, and backoff grows from at least this base: a server that says `retry: 0`
/// (and then closes, or fails) cannot make the client reconnect in a tight loop.
pub const MIN_RECONNECT_DELAY_MS: u64 = 100;

/// The longest delay a browser timer honours (2^31 - 1 ms); longer delays are clamped.
pub const MAX_TIMER_MS: u64 = 2_147_483_647;

/// The statuses a response can have; the transport reports anything else (a status it
/// could not read) as 0.
pub const HTTP_STATUSES: core::ops::RangeInclusive<u16> = 200..=599;

/// The `readyState` of an `EventSource`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReadyState {
    /// 0: connecting, or waiting to reconnect.
    Connecting = 0,
    /// 1: the stream is open and events flow.
    Open = 1,
    /// 2: closed for good; nothing more happens.
    Closed = 2,
}

/// How the engine waits between reconnection attempts.
///
/// The reconnection time `base` is the server's last `retry:` value, or `initial_delay_ms`
/// until it sends one, and never less than [`MIN_RECONNECT_DELAY_MS`].
///
/// - After a connection that opened, the reconnect waits exactly `base`, as the spec says.
/// - After the `n`-th attempt in a row that failed before opening (a network error, a
///   status listed in `retry_on_status`, a stall while waiting for the headers), the wait
///   grows: `base * factor^(n-1)`, at most `max_delay_ms` (which never shortens the
///   server's `retry:`). Jitter then adds a random share of up to `jitter` of that wait.
///
/// So backoff and jitter only ever add to the reconnection time. A `Retry-After` header is a
/// floor on top.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// The reconnection time until the server sends `retry:`.
    pub initial_delay_ms: u64,
    /// The most the backoff after failed attempts grows to (before jitter). It never
    /// shortens the server's `retry:`.
    pub max_delay_ms: u64,
    /// The growth per consecutive failed attempt; at least 1.
    pub factor: f64,
    /// The largest share of a backoff wait that randomness may add, in `[0, 1]`.
    pub jitter: f64,
    /// How many reconnects in a row may fail to deliver an event before giving up;
    /// `None` retries forever, as the native `EventSource` does.
    pub max_retries: Option<u32>,
    /// Response statuses that reconnect (honouring `Retry-After`) instead of failing,
    /// e.g. `[502, 503, 504]`. The spec fails on every status but 200.
    pub retry_on_status: Vec<u16>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            initial_delay_ms: DEFAULT_RECONNECT_MS,
            max_delay_ms: 60_000,
            factor: 2.0,
            jitter: 0.5,
            max_retries: None,
            retry_on_status: Vec::new(),
        }
    }
}

impl RetryPolicy {
    /// Checks the numbers make sense; [`Engine::new`] calls it.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(self.factor.is_finite() && self.factor >= 1.0) {
            return Err(ConfigError::Factor);
        }
        if !(0.0..=1.0).contains(&self.jitter) {
            return Err(ConfigError::Jitter);
        }
        if self.max_delay_ms < self.initial_delay_ms {
            return Err(ConfigError::MaxDelay);
        }
        Ok(())
    }
}

/// A [`RetryPolicy`] that cannot work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// `factor` must be a finite number of at least 1.
    Factor,
    /// `jitter` must lie in `[0, 1]`.
    Jitter,
    /// `max_delay_ms` must not be below `initial_delay_ms`.
    MaxDelay,
}

impl ConfigError {
    /// What is wrong, in one sentence.
    pub const fn message(self) -> &'static str {
        match self {
            ConfigError::Factor => "retry factor must be a finite number >= 1",
            ConfigError::Jitter => "retry jitter must be between 0 and 1",
            ConfigError::MaxDelay => "retry maxDelay must be >= initialDelay",
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for ConfigError {}

/// Why the connection was lost or refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The response status was not 200.
    Status(u16),
    /// Status 200, but the Content-Type was not `text/event-stream`.
    ContentType,
    /// The server ended the body.
    BodyEnded,
    /// The request or the body read failed (DNS, refused, reset, CORS, ...).
    Network,
    /// No byte arrived within the stall timeout.
    Stalled,
    /// The transport suspended the connection (see [`Engine::suspend`]).
    Suspended,
}

/// What the transport must do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Issue the request. A non-empty `last_event_id` goes in the `Last-Event-ID` header.
    Connect {
        /// The connection's last event ID.
        last_event_id: String,
    },
    /// The stream is open: `readyState` is OPEN; fire `open`.
    Open,
    /// Fire this event.
    Message(Event),
    /// A comment line arrived (for callers that watch heartbeats).
    Comment(String),
    /// The connection is lost: `readyState` is CONNECTING; abort any request still
    /// running, fire `error`, and call [`Engine::on_retry_timer`] after `delay_ms`.
    Reconnecting {
        /// How long to wait before reconnecting.
        delay_ms: u64,
        /// What went wrong.
        reason: Reason,
        /// Whether the server asked for this wait: the failed response's `Retry-After`
        /// gave a delay of more than zero. The transport keeps such a wait when the
        /// network comes back or the page is shown (see `policy::on_change`), instead of
        /// cutting it short.
        retry_after: bool,
    },
    /// The connection failed for good: `readyState` is CLOSED; abort any request still
    /// running and fire `error`. Nothing follows.
    Failed {
        /// What went wrong.
        reason: Reason,
        /// Whether it failed because `max_retries` ran out (else the failure is final
        /// by the spec's rules).
        retries_exhausted: bool,
    },
    /// An event was skipped (it was too large); the stream goes on. Fire `error`.
    Skipped(ParseError),
}

/// Where the connection is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    NotStarted,
    Requesting,
    Streaming,
    Waiting,
    Closed,
}

/// The pure connection state machine of one `EventSource`.
#[derive(Debug)]
pub struct Engine {
    phase: Phase,
    parser: Parser,
    policy: RetryPolicy,
    server_retry_ms: Option<u64>,
    /// Reconnects in a row that have not delivered an event (for `max_retries`).
    failed_attempts: u32,
    /// Attempts in a row that failed before opening (for the backoff).
    unopened_attempts: u32,
    rng: SplitMix64,
    actions: VecDeque<Action>,
}

impl Engine {
    /// An engine that has not connected yet. `seed` drives the jitter.
    pub fn new(policy: RetryPolicy, parser: Parser, seed: u64) -> Result<Engine, ConfigError> {
        policy.validate()?;
        Ok(Engine {
            phase: Phase::NotStarted,
            parser,
            policy,
            server_retry_ms: None,
            failed_attempts: 0,
            unopened_attempts: 0,
            rng: SplitMix64(seed),
            actions: VecDeque::new(),
        })
    }

    /// The current `readyState`.
    pub fn ready_state(&self) -> ReadyState {
        match self.phase {
            Phase::NotStarted | Phase::Requesting | Phase::Waiting => ReadyState::Connecting,
            Phase::Streaming => ReadyState::Open,
            Phase::Closed => ReadyState::Closed,
        }
    }

    /// The last event ID the next reconnect will send.
    pub fn last_event_id(&self) -> &str {
        self.parser.last_event_id()
    }

    /// The retry policy in force.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The next thing to do, in order; `None` when there is nothing left.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// Starts the first connection.
    pub fn connect(&mut self) {
        if self.phase == Phase::NotStarted {
            self.begin_request();
        }
    }

    /// The response head arrived (after redirects). `retry_after_ms` is the delay a
    /// `Retry-After` header asks for, if any (see [`retry_after_ms`]). A status outside
    /// [`HTTP_STATUSES`] (what a broken custom transport may report) fails for good, even
    /// when `retry_on_status` lists it.
    pub fn on_response(&mut self, status: u16, content_type: Option<&str>, retry_after_ms: Option<u64>) {
        if self.phase != Phase::Requesting {
            return;
        }
        if status == 200 {
            if content_type.is_some_and(is_event_stream) {
                self.phase = Phase::Streaming;
                self.unopened_attempts = 0;
                self.actions.push_back(Action::Open);
            } else {
                self.fail(Reason::ContentType, false);
            }
        } else if HTTP_STATUSES.contains(&status) && self.policy.retry_on_status.contains(&status) {
            self.reconnect(Reason::Status(status), retry_after_ms);
        } else {
            self.fail(Reason::Status(status), false);
        }
    }

    /// Bytes of the body arrived.
    pub fn on_chunk(&mut self, bytes: &[u8]) {
        if self.phase != Phase::Streaming {
            return;
        }
        let actions = &mut self.actions;
        let server_retry_ms = &mut self.server_retry_ms;
        let failed_attempts = &mut self.failed_attempts;
        // The events move into their actions as the parser made them, with no copy; the
        // bookkeeping is the same as on_chunk_borrowed's.
        self.parser.feed(bytes, |item| match item {
            Ok(Item::Event(event)) => {
                *failed_attempts = 0;
                actions.push_back(Action::Message(event));
            }
            Ok(Item::Retry(millis)) => *server_retry_ms = Some(millis),
            Ok(Item::Comment(text)) => actions.push_back(Action::Comment(text)),
            Err(error) => actions.push_back(Action::Skipped(error)),
        });
    }

    /// [`Engine::on_chunk`] with the chunk's events, comments and skipped-event errors
    /// handed to `emit` as they are parsed, borrowed, instead of queued as actions: nothing
    /// is allocated per event. A chunk causes no other action; `retry:` fields are the
    /// engine's own business and never reach `emit`.
    pub fn on_chunk_borrowed(&mut self, bytes: &[u8], mut emit: impl FnMut(Result<ItemRef<'_>, ParseError>)) {
        if self.phase != Phase::Streaming {
            return;
        }
        let server_retry_ms = &mut self.server_retry_ms;
        let failed_attempts = &mut self.failed_attempts;
        self.parser.feed_borrowed(bytes, |item| match item {
            Ok(ItemRef::Retry(millis)) => *server_retry_ms = Some(millis),
            Ok(ItemRef::Event(_)) => {
                *failed_attempts = 0;
                emit(item);
            }
            _ => emit(item),
        });
    }

    /// The server ended the body.
    pub fn on_end(&mut self) {
        if self.phase == Phase::Streaming {
            self.reconnect(Reason::BodyEnded, None);
        }
    }

    /// The request failed or the body read failed.
    pub fn on_network_error(&mut self) {
        if matches!(self.phase, Phase::Requesting | Phase::Streaming) {
            self.reconnect(Reason::Network, None);
        }
    }

    /// No byte (or no response) arrived within the stall timeout.
    pub fn on_stall(&mut self) {
        if matches!(self.phase, Phase::Requesting | Phase::Streaming) {
            self.reconnect(Reason::Stalled, None);
        }
    }

    /// The transport stops the connection for a reason of its own (the device went
    /// offline, the page was hidden): like a lost connection, CONNECTING follows with
    /// [`Action::Reconnecting`] (reason [`Reason::Suspended`]), but the attempt counts
    /// neither against `max_retries` nor towards the backoff, since no server failed. The
    /// transport calls [`Engine::on_retry_timer`] when it resumes, which may be before the
    /// delay. Does nothing while already waiting, closed or not started.
    pub fn suspend(&mut self) {
        if matches!(self.phase, Phase::Requesting | Phase::Streaming) {
            self.parser.end_stream();
            let delay_ms = self.next_delay_ms(None);
            self.phase = Phase::Waiting;
            let reconnecting =
                Action::Reconnecting { delay_ms, reason: Reason::Suspended, retry_after: false };
            self.actions.push_back(reconnecting);
        }
    }

    /// The reconnect delay of the last [`Action::Reconnecting`] is over.
    pub fn on_retry_timer(&mut self) {
        if self.phase == Phase::Waiting {
            self.begin_request();
        }
    }

    /// `close()`: CLOSED at once, nothing more is fired, queued events included.
    pub fn close(&mut self) {
        self.phase = Phase::Closed;
        self.actions.clear();
        self.parser.end_stream();
    }

    fn begin_request(&mut self) {
        self.phase = Phase::Requesting;
        self.actions.push_back(Action::Connect { last_event_id: String::from(self.parser.last_event_id()) });
    }

    fn reconnect(&mut self, reason: Reason, retry_after_ms: Option<u64>) {
        self.parser.end_stream();
        if self.policy.max_retries.is_some_and(|max| self.failed_attempts >= max) {
            self.fail(reason, true);
            return;
        }
        if self.phase != Phase::Streaming {
            self.unopened_attempts = self.unopened_attempts.saturating_add(1);
        }
        let delay_ms = self.next_delay_ms(retry_after_ms);
        self.failed_attempts = self.failed_attempts.saturating_add(1);
        self.phase = Phase::Waiting;
        let retry_after = retry_after_ms.is_some_and(|ms| ms > 0);
        self.actions.push_back(Action::Reconnecting { delay_ms, reason, retry_after });
    }

    fn fail(&mut self, reason: Reason, retries_exhausted: bool) {
        self.parser.end_stream();
        self.phase = Phase::Closed;
        self.actions.push_back(Action::Failed { reason, retries_exhausted });
    }

    /// The delay before the next attempt, per the [`RetryPolicy`] rules.
    fn next_delay_ms(&mut self, retry_after_ms: Option<u64>) -> u64 {
        let policy = &self.policy;
        let base = self.server_retry_ms.unwrap_or(policy.initial_delay_ms).max(MIN_RECONNECT_DELAY_MS);
        let mut delay = base as f64;
        if self.unopened_attempts > 0 {
            let cap = policy.max_delay_ms.max(base) as f64;
            for _ in 1..self.unopened_attempts {
                if delay >= cap {
                    break;
                }
                delay = (delay * policy.factor).min(cap);
            }
            delay += delay * policy.jitter * self.rng.next_unit();
        }
        // Float-to-int casts truncate and saturate, and `delay` is finite and non-negative
        // here, so adding a half rounds to the nearest millisecond (`f64::round` needs std).
        let delay = ((delay + 0.5) as u64).max(base).max(retry_after_ms.unwrap_or(0));
        delay.min(MAX_TIMER_MS)
    }
}

/// Whether a Content-Type is `text/event-stream` (its essence; parameters allowed).
pub fn is_event_stream(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default();
    essence.trim_matches(is_http_whitespace).eq_ignore_ascii_case("text/event-stream")
}

fn is_http_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The delay a `Retry-After` header value asks for: delta-seconds, or an HTTP date
/// (IMF-fixdate, e.g. `Wed, 21 Oct 2015 07:28:00 GMT`) compared with `now_unix_ms`.
/// A date in the past means no delay; anything unreadable is `None`.
pub fn retry_after_ms(value: &str, now_unix_ms: u64) -> Option<u64> {
    let value = value.trim_matches(is_http_whitespace);
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds =
            value.bytes().fold(0u64, |acc, d| acc.saturating_mul(10).saturating_add(u64::from(d - b'0')));
        return Some(seconds.saturating_mul(1000));
    }
    let at_ms = parse_imf_fixdate(value)?.saturating_mul(1000);
    Some(at_ms.saturating_sub(now_unix_ms))
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT` into seconds since the Unix epoch.
fn parse_imf_fixdate(value: &str) -> Option<u64> {
    let mut parts = value.split(' ');
    let _weekday = parts.next().filter(|w| w.len() == 4 && w.ends_with(','))?;
    let day = number(parts.next()?, 2)?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year = number(parts.next()?, 4)?;
    let mut clock = parts.next()?.split(':');
    let hour = number(clock.next()?, 2)?;
    let minute = number(clock.next()?, 2)?;
    let second = number(clock.next()?, 2)?;
    if parts.next()? != "GMT" || parts.next().is_some() || clock.next().is_some() {
        return None;
    }
    if !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 || year < 1970 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

fn number(text: &str, digits: usize) -> Option<u64> {
    if text.len() != digits || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (year >= 1970).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A small, fast, seedable generator for jitter (SplitMix64).
#[derive(Clone, Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `[0, 1)`.
    fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
