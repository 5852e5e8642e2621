//! [`connect`] (what `build()` does natively), the native [`EventSource`] and its
//! [`EventSourceHandle`].

use super::connection::Connection;
use super::queue::{Consumer, Shared};
use super::request::RequestConfig;
use crate::builder::EventSourceBuilder;
use crate::engine::{Engine, ReadyState};
use crate::event::{Error, SseEvent};
use futures_core::Stream;
use std::hash::{BuildHasher, RandomState};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Checks the builder's request and starts the native transport on the current tokio
/// runtime: what [`EventSourceBuilder::build`] does natively.
pub(crate) fn connect(builder: EventSourceBuilder) -> Result<EventSource, Error> {
    let runtime = tokio::runtime::Handle::try_current()
        .map_err(|_| Error::InvalidRequest("build() needs a tokio runtime to run the connection".into()))?;
    let request = RequestConfig::new(&builder)?;
    let seed = RandomState::new().hash_one(std::time::Instant::now());
    let engine = Engine::new(builder.retry.clone(), builder.parser(), seed).map_err(Error::InvalidConfig)?;
    let client = reqwest::Client::builder()
        .build()
        .map_err(|error| Error::InvalidRequest(format!("no HTTP client: {error}")))?;
    let shared = Arc::new(Shared::new(builder.max_queued_events, engine.last_event_id().into()));
    let connection = Connection::new(
        engine,
        request,
        client,
        shared.clone(),
        builder.stall_timeout,
        builder.max_error_body_size,
    );
    let task = runtime.spawn(connection.run());
    shared.set_task(task.abort_handle());
    Ok(EventSource { handle: EventSourceHandle { shared }, taken: Consumer::default() })
}

/// A server-sent events connection, as a [`Stream`] of [`SseEvent`]s.
///
/// Natively it runs as a tokio task; it is `Send`, so it can move into tasks of its own.
/// Dropping it closes the connection. To close it from elsewhere, take an
/// [`EventSourceHandle`] with [`EventSource::handle`]: a handle can close the source, but
/// dropping one never does.
///
/// ```no_run
/// use futures::StreamExt;
/// use wasm_eventsource::{EventSource, SseEvent};
///
/// # async fn run() -> Result<(), wasm_eventsource::Error> {
/// let mut source = EventSource::builder("https://example.com/chat")
///     .header("Authorization", "Bearer token")
///     .body(r#"{"prompt":"hi"}"#)
///     .build()?;
/// while let Some(item) = source.next().await {
///     match item {
///         Ok(SseEvent::Message(message)) => println!("{}", message.data),
///         Ok(_) => {}
///         Err(error) => eprintln!("{error}"),
///     }
/// }
/// # Ok(()) }
/// ```
pub struct EventSource {
    pub(crate) handle: EventSourceHandle,
    /// Items taken from the queue in one go, yielded one by one.
    taken: Consumer,
}

impl Stream for EventSource {
    type Item = Result<SseEvent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let shared = &this.handle.shared;
        if shared.is_closed() {
            this.taken.clear();
            return Poll::Ready(None);
        }
        loop {
            if this.taken.is_empty() {
                match shared.take_all(&mut this.taken, cx) {
                    Poll::Ready(Some(())) => {}
                    Poll::Ready(None) => return Poll::Ready(None),
                    Poll::Pending => return Poll::Pending,
                }
            }
            // A batch of nothing but an origin yields nothing: take the next one.
            if let Some(item) = this.taken.next(shared) {
                return Poll::Ready(Some(item));
            }
        }
    }
}

/// A second handle on an [`EventSource`]: it can close the source and read its state, and
/// dropping it leaves the source running. It is `Send + Sync` and cheap to clone.
#[derive(Clone)]
pub struct EventSourceHandle {
    shared: Arc<Shared>,
}

impl EventSourceHandle {
    /// Closes the source for good (for every holder); its stream ends.
    pub fn close(&self) {
        self.shared.close();
    }

    /// The source's `readyState`.
    pub fn ready_state(&self) -> ReadyState {
        self.shared.ready_state()
    }

    /// The last event ID the next reconnect will send.
    pub fn last_event_id(&self) -> String {
        self.shared.last_event_id()
    }
}
