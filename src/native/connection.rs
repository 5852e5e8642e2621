//! The connection task: runs the [`Engine`] over reqwest, one attempt after another.
//!
//! The task tells the engine what happened (the response head, each chunk, the end of the
//! body, a network error, a stall, a reconnect wait that ran out) and carries out its
//! actions; it decides nothing itself. Whether a response opens the stream is read back
//! from the engine's `readyState`, not recomputed here.

use super::queue::{Batch, Shared};
use super::request::RequestConfig;
use crate::ErrorBody;
use crate::engine::{Action, Engine, ReadyState, Reason, retry_after_ms};
use crate::event::{Error, FailedResponse, SseEvent};
use crate::parser::ItemRef;
use crate::parser::ParseError;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use std::future::{Future, poll_fn};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What the task does after handling the engine's actions.
enum Next {
    /// Keep reading the body.
    Read,
    /// Start an attempt with this last event ID.
    Connect(String),
    /// Wait, then tell the engine the reconnect time is over.
    Wait(Duration),
    /// The source failed for good.
    Stop,
}

/// What the next error carries about the failed attempt.
enum Failure {
    None,
    Response(FailedResponse),
    Network(String),
}

/// One source's connection, owned by its task.
pub(super) struct Connection {
    engine: Engine,
    request: RequestConfig,
    client: reqwest::Client,
    shared: Arc<Shared>,
    stall_timeout: Option<Duration>,
    max_error_body_size: usize,
    /// The open response's status and headers, for the `Open` item.
    head: Option<(u16, Vec<(String, String)>)>,
    /// The origin of the open response's final URL, shared by every message.
    origin: Arc<str>,
    failure: Failure,
    /// The body of a failed response the source retries after, let go at the next attempt.
    failed_body: Option<ErrorBody>,
    /// Items made since the last publish, reused.
    out: Batch,
}

impl Connection {
    pub(super) fn new(
        engine: Engine,
        request: RequestConfig,
        client: reqwest::Client,
        shared: Arc<Shared>,
        stall_timeout: Option<Duration>,
        max_error_body_size: usize,
    ) -> Connection {
        Connection {
            engine,
            request,
            client,
            shared,
            stall_timeout,
            max_error_body_size,
            head: None,
            origin: Arc::from(""),
            failure: Failure::None,
            failed_body: None,
            out: Batch::default(),
        }
    }

    /// Connects, then reconnects as the engine says, until the source fails or the task
    /// is aborted (closing the source aborts it, which drops the response).
    pub(super) async fn run(mut self) {
        self.engine.connect();
        let mut next = self.drain();
        loop {
            next = match next {
                Next::Connect(last_event_id) => {
                    if let Some(body) = self.failed_body.take() {
                        body.release();
                    }
                    self.attempt(&last_event_id).await
                }
                Next::Wait(delay) => {
                    tokio::time::sleep(delay).await;
                    self.engine.on_retry_timer();
                    self.drain()
                }
                Next::Read | Next::Stop => return,
            };
        }
    }

    /// One request, from sending it to the end of its body.
    async fn attempt(&mut self, last_event_id: &str) -> Next {
        self.failure = Failure::None;
        let request = match self.request.request(&self.client, last_event_id).await {
            Ok(request) => request,
            Err(why) => return self.network_error(why),
        };
        let mut response = match within(self.stall_timeout, self.client.execute(request)).await {
            None => return self.stalled(),
            Some(Err(error)) => return self.network_error(describe(&error)),
            Some(Ok(response)) => response,
        };
        let status = response.status().as_u16();
        let headers = header_pairs(response.headers());
        let content_type = header_text(response.headers(), CONTENT_TYPE.as_str());
        let retry_after = header_text(response.headers(), RETRY_AFTER.as_str())
            .and_then(|value| retry_after_ms(&value, unix_now_ms()));
        self.engine.on_response(status, content_type.as_deref(), retry_after);
        if self.engine.ready_state() != ReadyState::Open {
            let status_text = response.status().canonical_reason().unwrap_or_default().into();
            let body = ErrorBody::from_response(response, self.max_error_body_size, self.stall_timeout);
            self.failure = Failure::Response(FailedResponse { status, status_text, headers, body });
            return self.drain();
        }
        self.origin = crate::policy::origin(response.url().as_str()).into();
        self.head = Some((status, headers));
        let mut next = self.drain();
        while let Next::Read = next {
            poll_fn(|cx| self.shared.poll_room(cx)).await;
            match within(self.stall_timeout, response.chunk()).await {
                None => self.engine.on_stall(),
                Some(Err(error)) => {
                    self.failure = Failure::Network(describe(&error));
                    self.engine.on_network_error();
                }
                Some(Ok(None)) => self.engine.on_end(),
                Some(Ok(Some(bytes))) => self.on_chunk(&bytes),
            }
            next = self.drain();
        }
        next
    }

    /// Parses a chunk: its messages go to the batch as text, with no string made here.
    fn on_chunk(&mut self, bytes: &[u8]) {
        let out = &mut self.out;
        self.engine.on_chunk_borrowed(bytes, |item| match item {
            Ok(ItemRef::Event(event)) => out.message(event.event_type_field(), event.data(), event.id()),
            Ok(ItemRef::Comment(_) | ItemRef::Retry(_)) => {}
            Err(error) => out.push(Err(skipped(error))),
        });
    }

    fn network_error(&mut self, why: String) -> Next {
        self.failure = Failure::Network(why);
        self.engine.on_network_error();
        self.drain()
    }

    fn stalled(&mut self) -> Next {
        self.engine.on_stall();
        self.drain()
    }

    /// Carries out the engine's actions: items go to the queue in one batch.
    fn drain(&mut self) -> Next {
        let mut next = Next::Read;
        while let Some(action) = self.engine.poll_action() {
            match action {
                Action::Connect { last_event_id } => next = Next::Connect(last_event_id),
                Action::Open => {
                    if let Some((status, headers)) = self.head.take() {
                        self.out.origin(self.origin.clone());
                        self.out.push(Ok(SseEvent::Open { status, headers }));
                    }
                }
                Action::Message(event) => {
                    self.out.message(event.event_type_field(), event.data(), event.id());
                }
                Action::Comment(_) => {}
                // No network or page events natively: nothing cuts a wait short.
                Action::Reconnecting { delay_ms, reason, retry_after: _ } => {
                    let cause = self.error_of(reason);
                    if let Error::Status(response) | Error::NotEventStream(response) = &cause {
                        self.failed_body = Some(response.body.clone());
                    }
                    let retry_in = Duration::from_millis(delay_ms);
                    self.out.push(Ok(SseEvent::Reconnecting { retry_in, cause }));
                    next = Next::Wait(retry_in);
                }
                Action::Failed { reason, retries_exhausted } => {
                    let error = self.error_of(reason);
                    let error =
                        if retries_exhausted { Error::RetriesExhausted(Box::new(error)) } else { error };
                    self.out.push(Err(error));
                    next = Next::Stop;
                }
                Action::Skipped(error) => self.out.push(Err(skipped(error))),
            }
        }
        self.shared.publish(&mut self.out, self.engine.ready_state(), self.engine.last_event_id());
        next
    }

    /// The error for `reason`, with what is known about the failed attempt.
    fn error_of(&mut self, reason: Reason) -> Error {
        match (reason, std::mem::replace(&mut self.failure, Failure::None)) {
            (Reason::Status(_), Failure::Response(response)) => Error::Status(response),
            (Reason::ContentType, Failure::Response(response)) => Error::NotEventStream(response),
            (Reason::BodyEnded, _) => Error::Ended,
            (Reason::Stalled, _) => Error::Stalled,
            (_, Failure::Network(why)) => Error::Network(why),
            (_, _) => Error::Network("the connection was lost".into()),
        }
    }
}

impl Drop for Connection {
    /// Closing aborts the task: a failed body nobody read is let go with it.
    fn drop(&mut self) {
        if let Some(body) = self.failed_body.take() {
            body.release();
        }
    }
}

/// The error for an event the parser skipped.
fn skipped(error: ParseError) -> Error {
    match error {
        ParseError::EventTooLarge { limit } => Error::EventTooLarge { limit },
        error => Error::Skipped(error),
    }
}

/// `future`'s output, or `None` when `limit` passes first.
async fn within<T>(limit: Option<Duration>, future: impl Future<Output = T>) -> Option<T> {
    match limit {
        Some(limit) => tokio::time::timeout(limit, future).await.ok(),
        None => Some(future.await),
    }
}

/// A reqwest error with its causes, e.g. `error sending request: connection refused`.
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The response headers as text pairs (values decoded as lossy UTF-8).
fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| (name.as_str().into(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect()
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

fn unix_now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_millis() as u64)
}
