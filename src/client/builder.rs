//! The configuration of a Rust `EventSource`: plain data, available on every target so that
//! code rendered on a server can build it too (only starting a connection needs a
//! transport: the browser's `fetch()` on wasm32, tokio and reqwest natively).

use crate::engine::RetryPolicy;
use crate::event::Error;
use crate::parser::Parser;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::time::Duration;

/// Computes extra request headers before every (re)connect.
///
/// In the browser there are no threads, so the function may hold anything (`Rc`, `JsValue`).
/// Natively the connection runs as a tokio task, which a multi-threaded runtime moves between
/// worker threads, so there the function must be `Send + Sync` and its future `Send`. The
/// bound follows the target, never a feature, so enabling `native` cannot break code that
/// builds a builder for server-side rendering on the same target.
#[cfg(target_arch = "wasm32")]
pub(crate) type HeadersFn = alloc::rc::Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Vec<(String, String)>>>>>;
/// Computes extra request headers before every (re)connect (see the wasm32 definition for
/// why natively it is `Send + Sync`).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type HeadersFn =
    alloc::sync::Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Vec<(String, String)>> + Send>> + Send + Sync>;

/// A request body, sent again on every reconnect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// UTF-8 text, e.g. JSON.
    Text(String),
    /// Raw bytes.
    Bytes(Vec<u8>),
}

impl From<String> for Body {
    fn from(text: String) -> Body {
        Body::Text(text)
    }
}

impl From<&str> for Body {
    fn from(text: &str) -> Body {
        Body::Text(text.into())
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Body {
        Body::Bytes(bytes)
    }
}

/// Configures a Rust `EventSource` (see `EventSource::builder`); `build()` connects.
#[derive(Clone)]
// Only `build()`, which needs a transport, reads the fields.
#[cfg_attr(
    not(any(
        all(target_arch = "wasm32", feature = "browser"),
        all(not(target_arch = "wasm32"), feature = "native")
    )),
    allow(dead_code)
)]
pub struct EventSourceBuilder {
    pub(crate) url: String,
    pub(crate) method: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) headers_fn: Option<HeadersFn>,
    pub(crate) body: Option<Body>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) with_credentials: bool,
    pub(crate) retry: RetryPolicy,
    pub(crate) stall_timeout: Option<Duration>,
    pub(crate) max_event_size: Option<usize>,
    pub(crate) max_queued_events: usize,
    pub(crate) max_error_body_size: usize,
    pub(crate) last_event_id: Option<String>,
    pub(crate) last_event_id_param: Option<String>,
    pub(crate) pause_when_hidden: bool,
}

#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
use crate::native as transport;
/// The transport `build()` starts: the browser's `fetch()` on wasm32, tokio and reqwest
/// natively. Each has a `connect(builder)` that does the I/O set-up and nothing else.
#[cfg(all(target_arch = "wasm32", feature = "browser"))]
use crate::source as transport;

/// How many items the stream holds for a slow consumer before reading pauses.
const DEFAULT_MAX_QUEUED_EVENTS: usize = 1000;

/// How much of a failed response's body an error carries, unless chosen.
pub(crate) const DEFAULT_MAX_ERROR_BODY_SIZE: usize = 64 * 1024;

impl EventSourceBuilder {
    /// A builder for a source on `url` (relative URLs resolve against the page); the same
    /// as `EventSource::builder(url)`.
    ///
    /// ```
    /// let builder = wasm_eventsource::EventSourceBuilder::new("/events").header("X-Room", "42");
    /// ```
    pub fn new(url: impl Into<String>) -> Self {
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
            max_queued_events: DEFAULT_MAX_QUEUED_EVENTS,
            max_error_body_size: DEFAULT_MAX_ERROR_BODY_SIZE,
            last_event_id: None,
            last_event_id_param: None,
            pause_when_hidden: false,
        }
    }

    /// Adds a request header (sent on every request).
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// let builder = EventSourceBuilder::new("/events").header("Authorization", "Bearer abc");
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Computes headers before every (re)connect, e.g. to send a fresh token; they win
    /// over fixed ones of the same name.
    ///
    /// ```no_run
    /// # use wasm_eventsource::EventSource;
    /// # fn current_token() -> String { String::new() }
    /// EventSource::builder("/events").headers_fn(|| vec![("Authorization".into(), current_token())]).build()?;
    /// # Ok::<(), wasm_eventsource::Error>(())
    /// ```
    #[cfg(target_arch = "wasm32")]
    pub fn headers_fn(self, make: impl Fn() -> Vec<(String, String)> + 'static) -> Self {
        self.headers_async(move || core::future::ready(make()))
    }

    /// Computes headers before every (re)connect, e.g. to send a fresh token; they win
    /// over fixed ones of the same name. Natively the function must be `Send + Sync`.
    ///
    /// ```no_run
    /// # fn current_token() -> String { String::new() }
    /// let builder = wasm_eventsource::EventSourceBuilder::new("https://example.com/events")
    ///     .headers_fn(|| vec![("Authorization".into(), current_token())]);
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn headers_fn(self, make: impl Fn() -> Vec<(String, String)> + Send + Sync + 'static) -> Self {
        self.headers_async(move || core::future::ready(make()))
    }

    /// Like [`EventSourceBuilder::headers_fn`], for headers that take a request to get.
    ///
    /// ```no_run
    /// # use wasm_eventsource::EventSource;
    /// # async fn refresh() -> String { String::new() }
    /// EventSource::builder("/events").headers_async(|| async { vec![("Authorization".into(), refresh().await)] }).build()?;
    /// # Ok::<(), wasm_eventsource::Error>(())
    /// ```
    #[cfg(target_arch = "wasm32")]
    pub fn headers_async<F, Fut>(mut self, make: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Vec<(String, String)>> + 'static,
    {
        self.headers_fn = Some(alloc::rc::Rc::new(move || Box::pin(make())));
        self
    }

    /// Like [`EventSourceBuilder::headers_fn`], for headers that take a request to get.
    /// Natively the function and its future must be `Send` (the connection is a tokio task).
    ///
    /// ```no_run
    /// # async fn refresh() -> String { String::new() }
    /// let builder = wasm_eventsource::EventSourceBuilder::new("https://example.com/events")
    ///     .headers_async(|| async { vec![("Authorization".into(), refresh().await)] });
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn headers_async<F, Fut>(mut self, make: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<(String, String)>> + Send + 'static,
    {
        self.headers_fn = Some(alloc::sync::Arc::new(move || Box::pin(make())));
        self
    }

    /// The HTTP method (`GET` by default; `POST` once a body is set, unless chosen).
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// let builder = EventSourceBuilder::new("/events").method("PUT").body("x");
    /// ```
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = method.into();
        self
    }

    /// The request body, sent again on every reconnect.
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// let builder = EventSourceBuilder::new("/chat").body(r#"{"prompt":"hi"}"#);
    /// ```
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Adds a query parameter to the URL (replacing those of the same name; the URL's other
    /// parameters go as written, see [`policy::url_with_query`](crate::policy::url_with_query)).
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// let builder = EventSourceBuilder::new("/events").query("room", "42");
    /// ```
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sends cookies and credentials cross-origin.
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// let builder = EventSourceBuilder::new("https://api.example.com/events").with_credentials(true);
    /// ```
    pub fn with_credentials(mut self, with_credentials: bool) -> Self {
        self.with_credentials = with_credentials;
        self
    }

    /// How reconnects are paced.
    ///
    /// ```
    /// use wasm_eventsource::{EventSourceBuilder, RetryPolicy};
    /// let builder = EventSourceBuilder::new("/events").retry(RetryPolicy { max_retries: Some(5), ..RetryPolicy::default() });
    /// ```
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Reconnects when no byte arrived for this long.
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// use std::time::Duration;
    /// let builder = EventSourceBuilder::new("/events").stall_timeout(Duration::from_secs(45));
    /// ```
    pub fn stall_timeout(mut self, timeout: Duration) -> Self {
        self.stall_timeout = Some(timeout);
        self
    }

    /// Bounds one event, in bytes; a larger one yields [`crate::Error::EventTooLarge`] and is skipped.
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// let builder = EventSourceBuilder::new("/events").max_event_size(1 << 20);
    /// ```
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.max_event_size = Some(bytes);
        self
    }

    /// How many items the stream may hold that the consumer has not taken (default 1000;
    /// at least 1). Past that the source stops reading the
    /// body until the consumer is halfway caught up, so TCP flow control slows the server
    /// instead of memory growing. A paused read does not count towards the stall timeout.
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// let builder = EventSourceBuilder::new("/events").max_queued_events(100);
    /// ```
    pub fn max_queued_events(mut self, items: usize) -> Self {
        self.max_queued_events = items.max(1);
        self
    }

    /// How much of a failed response's body its error keeps for
    /// [`crate::ErrorBody::text`], in bytes (default 64 KiB). The body is read only when
    /// asked for, and never past this.
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// let builder = EventSourceBuilder::new("/events").max_error_body_size(4096);
    /// ```
    pub fn max_error_body_size(mut self, bytes: usize) -> Self {
        self.max_error_body_size = bytes;
        self
    }

    /// The last event ID to resume from on the first request.
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// # let saved_id = "41";
    /// let builder = EventSourceBuilder::new("/events").last_event_id(saved_id);
    /// ```
    pub fn last_event_id(mut self, id: impl Into<String>) -> Self {
        self.last_event_id = Some(id.into());
        self
    }

    /// Sends the last event ID as the query parameter `name` instead of the
    /// `Last-Event-ID` header. A cross-origin request with that header needs a CORS
    /// preflight the server must allow; with the parameter it needs none, like the
    /// browser's own `EventSource`. The id replaces any parameter of that name and the
    /// URL's other parameters go as written ([`policy::url_with_query`](crate::policy::url_with_query)).
    /// `build()` refuses an empty name ([`Error::InvalidRequest`]).
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// let builder = EventSourceBuilder::new("https://api.example/events").last_event_id_param("lastEventId");
    /// ```
    pub fn last_event_id_param(mut self, name: impl Into<String>) -> Self {
        self.last_event_id_param = Some(name.into());
        self
    }

    /// In the browser, stops the connection while the page is hidden (a tab in the
    /// background) and reconnects, resuming from the last event ID, once it is shown again:
    /// an idle tab then holds no connection. The pause spends no retry; the stream yields
    /// `Reconnecting` with [`crate::Error::Suspended`]. (Offline is handled always: no
    /// request while `navigator.onLine` is false, and one as soon as the network is back.)
    /// Natively there is no page, and this does nothing.
    ///
    /// ```
    /// use wasm_eventsource::EventSourceBuilder;
    /// let builder = EventSourceBuilder::new("/events").pause_when_hidden(true);
    /// ```
    pub fn pause_when_hidden(mut self, pause: bool) -> Self {
        self.pause_when_hidden = pause;
        self
    }

    /// Checks the URL, headers and policy, and starts connecting. In the browser a relative
    /// URL resolves against the page (or worker) location and the request goes through
    /// `fetch()`. Natively the URL must be absolute (`http` or `https`), and the connection
    /// runs as a task on the current tokio runtime (outside one it is an
    /// [`Error::InvalidRequest`]).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), wasm_eventsource::Error> {
    /// let source = wasm_eventsource::EventSource::builder("https://example.com/events").build()?;
    /// # Ok(()) }
    /// ```
    #[cfg(any(
        all(target_arch = "wasm32", feature = "browser"),
        all(not(target_arch = "wasm32"), feature = "native")
    ))]
    pub fn build(self) -> Result<crate::EventSource, Error> {
        transport::connect(self)
    }

    /// The HTTP method to send: the chosen one, else `POST` with a body and `GET` without;
    /// a `GET` or `HEAD` with a body is refused (no transport can send it).
    #[cfg_attr(
        not(any(
            all(target_arch = "wasm32", feature = "browser"),
            all(not(target_arch = "wasm32"), feature = "native")
        )),
        allow(dead_code)
    )]
    pub(crate) fn request_method(&self) -> Result<String, Error> {
        let method = match (self.method.is_empty(), &self.body) {
            (false, _) => self.method.clone(),
            (true, Some(_)) => "POST".into(),
            (true, None) => "GET".into(),
        };
        if self.body.is_some() && matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD") {
            return Err(Error::InvalidRequest(alloc::format!("a {method} request cannot have a body")));
        }
        Ok(method)
    }

    /// The query parameter the last event ID goes in, if any: a parameter needs a name
    /// (the JavaScript class refuses an empty `lastEventIdParam` too), or the server would
    /// get `?=<id>`.
    #[cfg_attr(
        not(any(
            all(target_arch = "wasm32", feature = "browser"),
            all(not(target_arch = "wasm32"), feature = "native")
        )),
        allow(dead_code)
    )]
    pub(crate) fn checked_last_event_id_param(&self) -> Result<Option<String>, Error> {
        match &self.last_event_id_param {
            Some(name) if name.is_empty() => {
                Err(Error::InvalidRequest("the last event ID parameter needs a name".into()))
            }
            param => Ok(param.clone()),
        }
    }

    /// The parser every connection of the source shares: the event size bound and the
    /// starting last event ID. It drops comments, which the stream does not yield.
    #[cfg_attr(
        not(any(
            all(target_arch = "wasm32", feature = "browser"),
            all(not(target_arch = "wasm32"), feature = "native")
        )),
        allow(dead_code)
    )]
    pub(crate) fn parser(&self) -> Parser {
        let mut parser = Parser::new().without_comments();
        if let Some(limit) = self.max_event_size {
            parser = parser.with_max_event_size(limit);
        }
        if let Some(id) = &self.last_event_id {
            parser = parser.with_last_event_id(id.clone());
        }
        parser
    }
}
