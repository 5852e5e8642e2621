//! What the Rust `EventSource` yields: messages, lifecycle events and typed errors. Plain
//! data, available on every target so that server-rendered code can name them too.

use crate::ErrorBody;
use crate::engine::ConfigError;
use crate::parser::ParseError;
use crate::policy::Suspension;
use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

/// One message: what the browser's `MessageEvent` carries.
///
/// The type and the origin are shared rather than copied per message: `"message"` is a
/// static string, and every message of a connection holds the same origin. Allocating both
/// per message cost 64-byte events about a third of their end-to-end throughput natively
/// (`cargo bench --features native --bench clients`: 119 ms against 82 ms for 400,000).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageEvent {
    /// The event type (`"message"` unless the server named one). Compares with `&str` and
    /// `String`; `&message.event_type` derefs to `&str`.
    pub event_type: Cow<'static, str>,
    /// The data, its lines joined with LF.
    pub data: String,
    /// The last event ID when the event was dispatched.
    pub id: String,
    /// The origin of the stream's final URL (after redirects), shared by the connection's
    /// messages. `&*message.origin` is a `&str`.
    pub origin: Arc<str>,
}

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl MessageEvent {
    /// Decodes the data as JSON.
    ///
    /// ```
    /// # let message = wasm_eventsource::MessageEvent { event_type: "message".into(),
    /// #     data: "[1, 2]".into(), id: String::new(), origin: "".into() };
    /// let numbers: Vec<u64> = message.json()?;
    /// assert_eq!(numbers, [1, 2]);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.data)
    }
}

/// What the stream yields.
#[derive(Clone, Debug, PartialEq)]
pub enum SseEvent {
    /// The stream opened (again, after a reconnect).
    Open {
        /// The response status (200).
        status: u16,
        /// The response headers.
        headers: Vec<(String, String)>,
    },
    /// A message arrived.
    Message(MessageEvent),
    /// The connection was lost and will be re-established after `retry_in`.
    Reconnecting {
        /// The wait before reconnecting.
        retry_in: Duration,
        /// What went wrong.
        cause: Error,
    },
}

/// A response that made the source fail: everything the server said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedResponse {
    /// The status code.
    pub status: u16,
    /// The status text.
    pub status_text: String,
    /// The response headers.
    pub headers: Vec<(String, String)>,
    /// The body, read on request: `response.body.text().await` gives its start (up to
    /// `max_error_body_bytes`) as text. The error comes as soon as the headers arrive.
    pub body: ErrorBody,
}

/// Why a source could not be built, lost its connection, or failed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The URL could not be parsed.
    InvalidUrl(String),
    /// The request could not be built (a bad header name or value, a GET with a body).
    InvalidRequest(String),
    /// The retry policy cannot work.
    InvalidConfig(ConfigError),
    /// The server answered with a status other than 200.
    Status(FailedResponse),
    /// The server answered 200 with a Content-Type other than `text/event-stream`.
    NotEventStream(FailedResponse),
    /// The request or the body read failed (DNS, refused, reset, CORS...).
    Network(String),
    /// The server ended the stream.
    Ended,
    /// No byte arrived within the stall timeout.
    Stalled,
    /// An event was larger than the maximum size and was skipped; the stream goes on.
    EventTooLarge {
        /// The configured maximum, in bytes.
        limit: usize,
    },
    /// An event was skipped for another reason (an id longer than the parser takes, memory
    /// that could not be had); the stream goes on.
    Skipped(ParseError),
    /// The source gave up after `max_retries` failed reconnects; this was the last cause.
    RetriesExhausted(Box<Error>),
    /// A hook's decoder refused a message (the message was not kept).
    Decode(String),
    /// The browser source stopped the connection because the device went offline or the
    /// page was hidden (with `pause_when_hidden`); it reconnects once that ends, and spent
    /// no retry.
    Suspended(Suspension),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidUrl(url) => write!(f, "invalid URL {url:?}"),
            Error::InvalidRequest(why) => write!(f, "invalid request: {why}"),
            Error::InvalidConfig(error) => write!(f, "invalid retry policy: {error}"),
            Error::Status(response) => {
                write!(f, "the server answered {} {}", response.status, response.status_text)
            }
            Error::NotEventStream(_) => f.write_str("the response is not text/event-stream"),
            Error::Network(why) => write!(f, "network error: {why}"),
            Error::Ended => f.write_str("the server ended the stream"),
            Error::Stalled => f.write_str("the stream stalled"),
            Error::EventTooLarge { limit } => write!(f, "an event larger than {limit} bytes was skipped"),
            Error::Skipped(error) => write!(f, "an {error}"),
            Error::RetriesExhausted(last) => write!(f, "gave up reconnecting; last error: {last}"),
            Error::Decode(why) => write!(f, "could not decode a message: {why}"),
            Error::Suspended(Suspension::Offline) => f.write_str("suspended while the device is offline"),
            Error::Suspended(Suspension::Hidden) => f.write_str("suspended while the page is hidden"),
        }
    }
}

impl core::error::Error for Error {}
