//! The Rust-native `EventSource`: a [`futures_core::Stream`] of typed events over the
//! fetch transport, for Rust frontends (and the Leptos and Yew hooks).
//!
//! ```ignore
//! use futures::StreamExt;
//! use wasm_eventsource::{EventSource, SseEvent};
//!
//! let mut source = EventSource::builder("/chat")
//!     .header("Authorization", "Bearer token")
//!     .method("POST")
//!     .body(r#"{"prompt":"hi"}"#)
//!     .build()?;
//! while let Some(item) = source.next().await {
//!     match item {
//!         Ok(SseEvent::Message(message)) => log(&message.data),
//!         Ok(_) => {}
//!         Err(error) => log(&error.to_string()),
//!     }
//! }
//! # Ok::<(), wasm_eventsource::Error>(())
//! ```

use crate::engine::{ConfigError, Engine, ReadyState, Reason, RetryPolicy};
use crate::fetch::{self, Body, ErrorReport, HeadersFn, Listener, RequestConfig, Trouble};
use crate::parser::{Event, ParseError, Parser};
use futures_core::Stream;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Headers, Response};

/// How much of a failed response's body an error carries.
const ERROR_BODY_BYTES: usize = 64 * 1024;

/// One message: what the browser's `MessageEvent` carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageEvent {
    /// The event type (`"message"` unless the server named one).
    pub event_type: String,
    /// The data, its lines joined with LF.
    pub data: String,
    /// The last event ID when the event was dispatched.
    pub id: String,
    /// The origin of the stream's final URL (after redirects).
    pub origin: String,
}

#[cfg(feature = "serde")]
impl MessageEvent {
    /// Decodes the data as JSON.
    ///
    /// ```ignore
    /// #[derive(serde::Deserialize)]
    /// struct Tick { n: u64 }
    /// let tick: Tick = message.json()?;
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
    /// The start of the body (up to 64 KiB), as text.
    pub body: String,
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
    /// The source gave up after `max_retries` failed reconnects; this was the last cause.
    RetriesExhausted(Box<Error>),
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
            Error::RetriesExhausted(last) => write!(f, "gave up reconnecting; last error: {last}"),
        }
    }
}

impl std::error::Error for Error {}

/// Configures an [`EventSource`]; see [`EventSource::builder`].
pub struct EventSourceBuilder {
    url: String,
    method: String,
    headers: Vec<(String, String)>,
    headers_fn: Option<HeadersFn>,
    body: Option<Body>,
    query: Vec<(String, String)>,
    with_credentials: bool,
    retry: RetryPolicy,
    stall_timeout: Option<Duration>,
    max_event_size: Option<usize>,
    last_event_id: Option<String>,
}

impl EventSourceBuilder {
    /// Adds a request header (sent on every request).
    ///
    /// ```ignore
    /// EventSource::builder("/events").header("Authorization", "Bearer abc").build()?;
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Computes headers before every (re)connect, e.g. to send a fresh token; they win
    /// over fixed ones of the same name.
    ///
    /// ```ignore
    /// EventSource::builder("/events").headers_fn(|| vec![("Authorization".into(), current_token())]).build()?;
    /// ```
    pub fn headers_fn(self, make: impl Fn() -> Vec<(String, String)> + 'static) -> Self {
        self.headers_async(move || std::future::ready(make()))
    }

    /// Like [`EventSourceBuilder::headers_fn`], for headers that take a request to get.
    ///
    /// ```ignore
    /// EventSource::builder("/events").headers_async(|| async { vec![("Authorization".into(), refresh().await)] }).build()?;
    /// ```
    pub fn headers_async<F, Fut>(mut self, make: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Vec<(String, String)>> + 'static,
    {
        self.headers_fn = Some(Rc::new(move || Box::pin(make())));
        self
    }

    /// The HTTP method (`GET` by default; `POST` once a body is set, unless chosen).
    ///
    /// ```ignore
    /// EventSource::builder("/events").method("PUT").body("x").build()?;
    /// ```
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = method.into();
        self
    }

    /// The request body, sent again on every reconnect.
    ///
    /// ```ignore
    /// EventSource::builder("/chat").body(r#"{"prompt":"hi"}"#).build()?;
    /// ```
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Adds a query parameter to the URL (replacing one of the same name).
    ///
    /// ```ignore
    /// EventSource::builder("/events").query("room", "42").build()?;
    /// ```
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sends cookies and credentials cross-origin.
    ///
    /// ```ignore
    /// EventSource::builder("https://api.example.com/events").with_credentials(true).build()?;
    /// ```
    pub fn with_credentials(mut self, with_credentials: bool) -> Self {
        self.with_credentials = with_credentials;
        self
    }

    /// How reconnects are paced.
    ///
    /// ```ignore
    /// EventSource::builder("/events").retry(RetryPolicy { max_retries: Some(5), ..RetryPolicy::default() }).build()?;
    /// ```
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Reconnects when no byte arrived for this long.
    ///
    /// ```ignore
    /// EventSource::builder("/events").stall_timeout(Duration::from_secs(45)).build()?;
    /// ```
    pub fn stall_timeout(mut self, timeout: Duration) -> Self {
        self.stall_timeout = Some(timeout);
        self
    }

    /// Bounds one event, in bytes; a larger one yields [`Error::EventTooLarge`] and is skipped.
    ///
    /// ```ignore
    /// EventSource::builder("/events").max_event_size(1 << 20).build()?;
    /// ```
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.max_event_size = Some(bytes);
        self
    }

    /// The last event ID to resume from on the first request.
    ///
    /// ```ignore
    /// EventSource::builder("/events").last_event_id(saved_id).build()?;
    /// ```
    pub fn last_event_id(mut self, id: impl Into<String>) -> Self {
        self.last_event_id = Some(id.into());
        self
    }

    /// Checks the URL, headers and policy, and starts connecting.
    ///
    /// ```ignore
    /// let source = EventSource::builder("/events").build()?;
    /// ```
    pub fn build(self) -> Result<EventSource, Error> {
        let url = resolve_url(&self.url, &self.query)?;
        let probe =
            Headers::new().map_err(|_| Error::InvalidRequest("no Headers in this environment".into()))?;
        for (name, value) in &self.headers {
            probe.set(name, value).map_err(|_| {
                Error::InvalidRequest(format!("header {name:?} has an invalid name or value"))
            })?;
        }
        let method = if self.method.is_empty() {
            if self.body.is_some() { "POST".to_string() } else { "GET".to_string() }
        } else {
            self.method
        };
        if self.body.is_some() && matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD") {
            return Err(Error::InvalidRequest(format!("a {method} request cannot have a body")));
        }
        let mut parser = Parser::new();
        if let Some(limit) = self.max_event_size {
            parser = parser.with_max_event_size(limit);
        }
        if let Some(id) = &self.last_event_id {
            parser = parser.with_last_event_id(id.clone());
        }
        let seed = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
        let engine = Engine::new(self.retry, parser, seed).map_err(Error::InvalidConfig)?;
        let config = RequestConfig {
            url,
            method,
            with_credentials: self.with_credentials,
            headers: self.headers,
            headers_fn: self.headers_fn,
            body: self.body,
            stall_timeout_ms: self
                .stall_timeout
                .map(|timeout| timeout.as_millis().min(u128::from(u32::MAX)) as u32),
            max_error_body_bytes: ERROR_BODY_BYTES,
        };
        let shared = Rc::new(SourceShared::default());
        let listener = QueueListener(Rc::downgrade(&shared));
        *shared.connection.borrow_mut() = Some(fetch::Connection::start(engine, config, Box::new(listener)));
        Ok(EventSource { handle: EventSourceHandle { shared } })
    }
}

/// Resolves `url` against the page (or worker) location and merges `query`.
fn resolve_url(url: &str, query: &[(String, String)]) -> Result<String, Error> {
    let base = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("location"))
        .ok()
        .and_then(|location| js_sys::Reflect::get(&location, &JsValue::from_str("href")).ok())
        .and_then(|href| href.as_string());
    let parsed = match &base {
        Some(base) => web_sys::Url::new_with_base(url, base),
        None => web_sys::Url::new(url),
    }
    .map_err(|_| Error::InvalidUrl(url.into()))?;
    let params = parsed.search_params();
    for (name, _) in query {
        params.delete(name);
    }
    for (name, value) in query {
        params.append(name, value);
    }
    Ok(parsed.href())
}

#[derive(Default)]
struct SourceShared {
    connection: RefCell<Option<fetch::Connection>>,
    queue: RefCell<VecDeque<Result<SseEvent, Error>>>,
    waker: RefCell<Option<Waker>>,
    finished: Cell<bool>,
}

impl SourceShared {
    fn push(&self, item: Result<SseEvent, Error>) {
        if self.finished.get() {
            return;
        }
        self.queue.borrow_mut().push_back(item);
        self.wake();
    }

    fn wake(&self) {
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    fn close(&self) {
        if let Some(connection) = self.connection.borrow_mut().take() {
            connection.close();
        }
        self.finished.set(true);
        self.queue.borrow_mut().clear();
        self.wake();
    }
}

/// A server-sent events connection, as a [`Stream`] of [`SseEvent`]s.
///
/// Dropping it closes the connection. To close it from elsewhere (a button, a timer),
/// take a [`EventSourceHandle`] with [`EventSource::handle`]: a handle can close the
/// source, but dropping one never does.
pub struct EventSource {
    handle: EventSourceHandle,
}

impl EventSource {
    /// A builder for a source on `url` (relative URLs resolve against the page).
    ///
    /// ```ignore
    /// let source = EventSource::builder("/events").header("Authorization", token).build()?;
    /// ```
    pub fn builder(url: impl Into<String>) -> EventSourceBuilder {
        EventSourceBuilder {
            url: url.into(),
            method: String::new(),
            headers: Vec::new(),
            headers_fn: None,
            body: None,
            query: Vec::new(),
            with_credentials: false,
            retry: RetryPolicy::default(),
            stall_timeout: None,
            max_event_size: None,
            last_event_id: None,
        }
    }

    /// A plain GET source with the defaults, like `new EventSource(url)`.
    ///
    /// ```ignore
    /// let source = EventSource::new("/events")?;
    /// ```
    pub fn new(url: impl Into<String>) -> Result<EventSource, Error> {
        EventSource::builder(url).build()
    }

    /// A handle that can close this source or read its state; dropping it does nothing.
    ///
    /// ```ignore
    /// let handle = source.handle();
    /// button.on_click(move || handle.close());
    /// ```
    pub fn handle(&self) -> EventSourceHandle {
        self.handle.clone()
    }

    /// The `readyState`: connecting, open, or closed.
    ///
    /// ```ignore
    /// assert_eq!(source.ready_state(), ReadyState::Connecting);
    /// ```
    pub fn ready_state(&self) -> ReadyState {
        self.handle.ready_state()
    }

    /// The last event ID the next reconnect will send.
    ///
    /// ```ignore
    /// save(source.last_event_id());
    /// ```
    pub fn last_event_id(&self) -> String {
        self.handle.last_event_id()
    }

    /// Closes for good; the stream ends.
    ///
    /// ```ignore
    /// source.close();
    /// assert_eq!(source.next().await, None);
    /// ```
    pub fn close(&self) {
        self.handle.close();
    }
}

impl Drop for EventSource {
    fn drop(&mut self) {
        self.handle.close();
    }
}

impl Stream for EventSource {
    type Item = Result<SseEvent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let shared = &self.handle.shared;
        if let Some(item) = shared.queue.borrow_mut().pop_front() {
            return Poll::Ready(Some(item));
        }
        if shared.finished.get() {
            return Poll::Ready(None);
        }
        *shared.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// A second handle on an [`EventSource`]: it can close the source and read its state, and
/// dropping it leaves the source running.
#[derive(Clone)]
pub struct EventSourceHandle {
    shared: Rc<SourceShared>,
}

impl EventSourceHandle {
    /// Closes the source for good (for every holder); its stream ends.
    ///
    /// ```ignore
    /// source.handle().close();
    /// ```
    pub fn close(&self) {
        self.shared.close();
    }

    /// The source's `readyState`.
    ///
    /// ```ignore
    /// if handle.ready_state() == ReadyState::Open { /* ... */ }
    /// ```
    pub fn ready_state(&self) -> ReadyState {
        match &*self.shared.connection.borrow() {
            Some(connection) => connection.ready_state(),
            None => ReadyState::Closed,
        }
    }

    /// The last event ID the next reconnect will send.
    ///
    /// ```ignore
    /// let id = handle.last_event_id();
    /// ```
    pub fn last_event_id(&self) -> String {
        self.shared.connection.borrow().as_ref().map(fetch::Connection::last_event_id).unwrap_or_default()
    }
}

/// Turns the transport's reports into stream items.
struct QueueListener(Weak<SourceShared>);

impl QueueListener {
    fn push(&self, item: Result<SseEvent, Error>) {
        if let Some(shared) = self.0.upgrade() {
            shared.push(item);
        }
    }
}

fn header_pairs(headers: &Headers) -> Vec<(String, String)> {
    let Ok(Some(entries)) = js_sys::try_iter(headers) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pair = entry.dyn_into::<js_sys::Array>().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

fn failed_response(response: &Response, body: Option<String>) -> FailedResponse {
    FailedResponse {
        status: response.status(),
        status_text: response.status_text(),
        headers: header_pairs(&response.headers()),
        body: body.unwrap_or_default(),
    }
}

fn error_of(report: &ErrorReport) -> Error {
    match (report.trouble, &report.response) {
        (Trouble::EventTooLarge(ParseError::EventTooLarge { limit }), _) => Error::EventTooLarge { limit },
        (Trouble::Connection(Reason::Status(_)), Some(response)) => {
            Error::Status(failed_response(response, report.body.clone()))
        }
        (Trouble::Connection(Reason::ContentType), Some(response)) => {
            Error::NotEventStream(failed_response(response, report.body.clone()))
        }
        (Trouble::Connection(Reason::BodyEnded), _) => Error::Ended,
        (Trouble::Connection(Reason::Stalled), _) => Error::Stalled,
        (Trouble::Connection(_), _) => Error::Network(describe_js_error(&report.cause)),
    }
}

fn describe_js_error(cause: &JsValue) -> String {
    if let Some(error) = cause.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    cause.as_string().unwrap_or_else(|| "request failed".into())
}

impl Listener for QueueListener {
    fn open(&self, response: &Response) {
        self.push(Ok(SseEvent::Open {
            status: response.status(),
            headers: header_pairs(&response.headers()),
        }));
    }

    fn messages(&self, events: Vec<Event>, origin: &str) {
        for event in events {
            let event_type = event.event_type().to_string();
            let (_, data, id) = event.into_parts();
            self.push(Ok(SseEvent::Message(MessageEvent { event_type, data, id, origin: origin.into() })));
        }
    }

    fn comment(&self, _text: String) {}

    fn error(&self, report: ErrorReport) {
        let error = error_of(&report);
        if let Some(delay) = report.retry_in_ms {
            self.push(Ok(SseEvent::Reconnecting { retry_in: Duration::from_millis(delay), cause: error }));
        } else if let Error::EventTooLarge { .. } = error {
            self.push(Err(error));
        } else {
            let error =
                if report.retries_exhausted { Error::RetriesExhausted(Box::new(error)) } else { error };
            self.push(Err(error));
            if let Some(shared) = self.0.upgrade() {
                shared.finished.set(true);
                shared.wake();
            }
        }
    }
}
