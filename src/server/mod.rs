//! The server half: resumable `text/event-stream` responses for axum, on one node or many.
//!
//! Behind the `axum` feature (and `redis` for [`RedisHub`]); native targets only. The
//! browser client and the npm module never link it.
//!
//! - [`SseResponse`]: an axum response with the right headers (`text/event-stream`,
//!   `Cache-Control: no-cache`, `X-Accel-Buffering: no`), keep-alive comments, a `retry:`
//!   hint, and a [`ClientGone`] signal for when the client goes away. Frames go through the
//!   crate's [`Frame`](crate::Frame) encoder: an id or type with CR or LF is an error, never
//!   a panic.
//! - [`LastEventId`]: an extractor for the `Last-Event-ID` header, or the query parameter
//!   the client's `lastEventIdParam` option sends.
//! - [`Hub`]: publish events, subscribe from a `Last-Event-ID`: the retained events after
//!   it, then the live ones, with no gap and no repeat. [`MemoryHub`] keeps them in this
//!   process; [`RedisHub`] keeps them in a Redis stream shared by many nodes.
//!
//! A resumable endpoint on either hub:
//!
//! ```no_run
//! use axum::{Router, extract::State, routing::get};
//! use wasm_eventsource::server::{Hub, LastEventId, MemoryHub, Message, Retention, SseResponse};
//!
//! async fn events(State(hub): State<MemoryHub>, LastEventId(last): LastEventId) -> SseResponse {
//!     match hub.subscribe(last.as_deref()).await {
//!         Ok(subscription) => SseResponse::encoded(subscription),
//!         Err(_) => SseResponse::retry_later(std::time::Duration::from_secs(1)),
//!     }
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let hub = MemoryHub::new(Retention::default());
//! hub.publish(Message::new("hello")).await?;
//! let app: Router = Router::new().route("/events", get(events)).with_state(hub);
//! # let _ = app;
//! # Ok(())
//! # }
//! ```
//!
//! With Redis, only the hub changes:
//! `RedisHub::connect(redis::Client::open("redis://127.0.0.1/")?, "events", Retention::default()).await?`.

mod client_gone;
mod hub;
mod last_event_id;
mod log;
mod memory_hub;
#[cfg(feature = "redis")]
mod redis_hub;
mod response;

pub use client_gone::ClientGone;
pub use hub::{Hub, HubError, Message, Retention, Subscription};
pub use last_event_id::{LastEventId, LastEventIdParam};
pub use memory_hub::MemoryHub;
#[cfg(feature = "redis")]
pub use redis_hub::RedisHub;
pub use response::{DEFAULT_KEEP_ALIVE, SendError, SseResponse, SseSender, json_frame};
