//! The [`Hub`] trait both back ends implement, and what goes in and out of it.

use crate::encoder::{EncodeError, Frame};
use bytes::Bytes;
use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};
use futures_core::Stream;
use std::time::Duration;

/// Publishes events with ids and serves subscribers from a `Last-Event-ID`.
///
/// A subscription yields the retained events after the given id, then the live ones, with
/// no gap and no repeat across the switch. Without an id it yields live events only.
///
/// **A too-old or unknown id** (older than the oldest retained event, from before a
/// restart that lost the events, or not an id this hub gives out) is not an error: the
/// subscription starts at the oldest retained event and [`Subscription::missed`] is true,
/// so the handler can first send what the client lacks (a snapshot, a `reset` event).
///
/// **A lagging subscriber**, one that has not read events the hub has since dropped under
/// its [`Retention`], is cut off: its stream ends with a `retry:` hint
/// ([`Retention::lag_retry`]) and the client reconnects with its last id. Memory stays
/// bounded by the retention, never by how slow a reader is.
pub trait Hub: Send + Sync {
    /// Appends an event and returns the id it was given.
    fn publish(&self, message: Message) -> impl Future<Output = Result<String, HubError>> + Send;

    /// Starts a subscription after `last_event_id` (live only for `None` or an empty id).
    fn subscribe(
        &self,
        last_event_id: Option<&str>,
    ) -> impl Future<Output = Result<Subscription, HubError>> + Send;
}

/// An event to publish; the hub gives it its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub(crate) event_type: Option<String>,
    pub(crate) data: String,
}

impl Message {
    /// An event of the default type (`message`) carrying `data`.
    pub fn new(data: impl Into<String>) -> Self {
        Message { event_type: None, data: data.into() }
    }

    /// An event whose data is `value` as JSON.
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        Ok(Message::new(serde_json::to_string(value)?))
    }

    /// Sets the event type the client listens for.
    pub fn event_type(mut self, event_type: impl Into<String>) -> Self {
        self.event_type = Some(event_type.into());
        self
    }

    /// The event's bytes with `id`; fails for an event type with CR or LF.
    pub(crate) fn encode(&self, id: &str) -> Result<Bytes, EncodeError> {
        let mut frame = Frame::new().id(id).data(self.data.as_str());
        if let Some(event_type) = &self.event_type {
            frame = frame.event_type(event_type.as_str());
        }
        frame.to_bytes().map(Bytes::from)
    }
}

/// How much a hub keeps for resuming clients, and what a lagging subscriber is told.
///
/// An event is dropped once any bound is passed. [`RedisHub`](super::RedisHub) bounds its
/// Redis stream by count and age; the byte bound applies to each node's copy in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// The most events kept.
    pub max_events: usize,
    /// The most encoded bytes kept.
    pub max_bytes: usize,
    /// How long an event is kept (`None`: no age limit).
    pub max_age: Option<Duration>,
    /// The `retry:` hint sent to a subscriber cut off for lagging.
    pub lag_retry: Duration,
}

impl Default for Retention {
    /// 10,000 events, 16 MiB, no age limit; a lagging client retries after 1 s.
    fn default() -> Self {
        Retention {
            max_events: 10_000,
            max_bytes: 16 * 1024 * 1024,
            max_age: None,
            lag_retry: Duration::from_secs(1),
        }
    }
}

/// Why a hub could not publish or subscribe.
#[derive(Debug)]
#[non_exhaustive]
pub enum HubError {
    /// The message cannot be encoded (an event type with CR or LF).
    Encode(EncodeError),
    /// The Redis server failed or could not be reached.
    #[cfg(feature = "redis")]
    Redis(redis::RedisError),
}

impl fmt::Display for HubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HubError::Encode(error) => error.fmt(f),
            #[cfg(feature = "redis")]
            HubError::Redis(error) => write!(f, "redis: {error}"),
        }
    }
}

impl std::error::Error for HubError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HubError::Encode(error) => Some(error),
            #[cfg(feature = "redis")]
            HubError::Redis(error) => Some(error),
        }
    }
}

impl From<EncodeError> for HubError {
    fn from(error: EncodeError) -> Self {
        HubError::Encode(error)
    }
}

/// The encoded events of one subscriber, in order: retained, then live. Send it with
/// [`SseResponse::encoded`](super::SseResponse::encoded).
pub struct Subscription {
    missed: bool,
    frames: Pin<Box<dyn Stream<Item = Bytes> + Send>>,
}

impl Subscription {
    pub(crate) fn new(missed: bool, frames: impl Stream<Item = Bytes> + Send + 'static) -> Self {
        Subscription { missed, frames: Box::pin(frames) }
    }

    /// True when the client's id was too old or unknown: events after it may be lost, and
    /// the subscription starts at the oldest retained one.
    pub fn missed(&self) -> bool {
        self.missed
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription").field("missed", &self.missed).finish_non_exhaustive()
    }
}

impl Stream for Subscription {
    type Item = Bytes;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        self.frames.as_mut().poll_next(cx)
    }
}
