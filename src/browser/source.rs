//! The Rust-native `EventSource`: a [`futures_core::Stream`] of typed events over the
//! fetch transport, for Rust frontends (and the Leptos and Yew hooks).
//!
//! ```no_run
//! use futures::StreamExt;
//! use wasm_eventsource::{EventSource, SseEvent};
//!
//! async fn chat(log: impl Fn(&str)) -> Result<(), wasm_eventsource::Error> {
//!     let mut source = EventSource::builder("/chat")
//!         .header("Authorization", "Bearer token")
//!         .method("POST")
//!         .body(r#"{"prompt":"hi"}"#)
//!         .build()?;
//!     while let Some(item) = source.next().await {
//!         match item {
//!             Ok(SseEvent::Message(message)) => log(&message.data),
//!             Ok(_) => {}
//!             Err(error) => log(&error.to_string()),
//!         }
//!     }
//!     Ok(())
//! }
//! ```

use crate::ErrorBody;
use crate::builder::EventSourceBuilder;
use crate::engine::{Engine, ReadyState, Reason};
use crate::event::{Error, FailedResponse, MessageEvent, SseEvent};
use crate::fetch::{self, ErrorReport, Listener, RequestConfig, Trouble};
use crate::parser::{Event, ParseError};
use crate::policy;
use futures_core::Stream;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Headers, Response};

/// Checks the builder's URL and headers and starts the browser transport: what
/// [`EventSourceBuilder::build`] does on wasm32.
pub(crate) fn connect(builder: EventSourceBuilder) -> Result<EventSource, Error> {
    let url = resolve_url(&builder.url, &builder.query)?;
    let probe = Headers::new().map_err(|_| Error::InvalidRequest("no Headers in this environment".into()))?;
    for (name, value) in &builder.headers {
        probe
            .set(name, value)
            .map_err(|_| Error::InvalidRequest(format!("header {name:?} has an invalid name or value")))?;
    }
    let method = builder.request_method()?;
    let last_event_id_param = builder.checked_last_event_id_param()?;
    let parser = builder.parser();
    let seed = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    let engine = Engine::new(builder.retry, parser, seed).map_err(Error::InvalidConfig)?;
    let config = RequestConfig {
        url,
        method,
        with_credentials: builder.with_credentials,
        headers: builder.headers,
        headers_fn: builder.headers_fn,
        body: builder.body,
        stall_timeout_ms: builder
            .stall_timeout
            .map(|timeout| timeout.as_millis().min(u128::from(u32::MAX)) as u32),
        max_error_body_bytes: builder.max_error_body_size,
        last_event_id_param,
        pause_when_hidden: builder.pause_when_hidden,
    };
    let shared = Rc::new(SourceShared {
        connection: RefCell::new(None),
        queue: RefCell::new(VecDeque::new()),
        waker: RefCell::new(None),
        reader_waker: RefCell::new(None),
        max_queued: builder.max_queued_events,
        finished: Cell::new(false),
    });
    let listener = QueueListener(Rc::downgrade(&shared));
    *shared.connection.borrow_mut() = Some(fetch::Connection::start(engine, config, Box::new(listener)));
    Ok(EventSource { handle: EventSourceHandle { shared } })
}

/// Resolves `url` against the page (or worker) location and sets the parameters of `query`
/// (by the core's rule: the others keep their bytes as written).
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
    Ok(policy::url_with_query(&parsed.href(), query))
}

struct SourceShared {
    connection: RefCell<Option<fetch::Connection>>,
    queue: RefCell<VecDeque<Result<SseEvent, Error>>>,
    /// The consumer's waker, for a new item.
    waker: RefCell<Option<Waker>>,
    /// The body reader's waker, while it waits for the consumer to catch up.
    reader_waker: RefCell<Option<Waker>>,
    /// How many items the queue holds before the reader waits.
    max_queued: usize,
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
        self.wake_reader();
    }

    fn wake_reader(&self) {
        if let Some(waker) = self.reader_waker.borrow_mut().take() {
            waker.wake();
        }
    }
}

/// A server-sent events connection, as a [`Stream`] of [`SseEvent`]s.
///
/// Dropping it closes the connection. To close it from elsewhere (a button, a timer),
/// take a [`EventSourceHandle`] with [`EventSource::handle`]: a handle can close the
/// source, but dropping one never does.
pub struct EventSource {
    pub(crate) handle: EventSourceHandle,
}

impl EventSource {
    /// The next item, without needing `StreamExt`.
    #[cfg(any(feature = "leptos", feature = "yew"))]
    pub(crate) async fn next_item(&mut self) -> Option<Result<SseEvent, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl Stream for EventSource {
    type Item = Result<SseEvent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let shared = &self.handle.shared;
        let (item, left) = {
            let mut queue = shared.queue.borrow_mut();
            (queue.pop_front(), queue.len())
        };
        if let Some(item) = item {
            if left <= shared.max_queued / 2 {
                shared.wake_reader();
            }
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
    /// ```no_run
    /// # let source = wasm_eventsource::EventSource::builder("/events").build()?;
    /// source.handle().close();
    /// # Ok::<(), wasm_eventsource::Error>(())
    /// ```
    pub fn close(&self) {
        self.shared.close();
    }

    /// The source's `readyState`.
    ///
    /// ```no_run
    /// # use wasm_eventsource::ReadyState;
    /// # let source = wasm_eventsource::EventSource::builder("/events").build()?;
    /// # let handle = source.handle();
    /// if handle.ready_state() == ReadyState::Open { /* ... */ }
    /// # Ok::<(), wasm_eventsource::Error>(())
    /// ```
    pub fn ready_state(&self) -> ReadyState {
        match &*self.shared.connection.borrow() {
            Some(connection) => connection.ready_state(),
            None => ReadyState::Closed,
        }
    }

    /// The last event ID the next reconnect will send.
    ///
    /// ```no_run
    /// # let source = wasm_eventsource::EventSource::builder("/events").build()?;
    /// # let handle = source.handle();
    /// let id = handle.last_event_id();
    /// # Ok::<(), wasm_eventsource::Error>(())
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

fn failed_response(response: &Response, body: Option<ErrorBody>) -> FailedResponse {
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
        (Trouble::EventTooLarge(error), _) => Error::Skipped(error),
        (Trouble::Suspended(reason), _) => Error::Suspended(reason),
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

    fn message(&self, event: Event, origin: &Arc<str>) {
        let (named, data, id) = event.into_parts();
        let event_type = if named.is_empty() { Cow::Borrowed("message") } else { Cow::Owned(named) };
        self.push(Ok(SseEvent::Message(MessageEvent { event_type, data, id, origin: origin.clone() })));
    }

    fn comment(&self, _text: String) {}

    fn poll_room(&self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(shared) = self.0.upgrade() else {
            return Poll::Ready(());
        };
        if shared.finished.get() || shared.queue.borrow().len() < shared.max_queued {
            return Poll::Ready(());
        }
        *shared.reader_waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }

    fn error(&self, report: ErrorReport) {
        let error = error_of(&report);
        if let Some(delay) = report.retry_in_ms {
            self.push(Ok(SseEvent::Reconnecting { retry_in: Duration::from_millis(delay), cause: error }));
        } else if let Error::EventTooLarge { .. } | Error::Skipped(_) = error {
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
