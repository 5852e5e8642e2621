//! The native `EventSource` (feature `native`, any target but wasm32): the same builder and
//! [`futures_core::Stream`] as in the browser, over tokio and reqwest (rustls for https).
//!
//! The connection runs as a tokio task that only does I/O: it issues the request the
//! [`crate::engine::Engine`] asks for, feeds it the response head and the body's chunks,
//! and carries out its actions (events into a bounded queue, reconnect waits, stalls).
//! Every decision (open or fail, reconnect delay, backoff, `Retry-After`, `max_retries`)
//! is the engine's, as in the browser.
//!
//! - [`source`]: [`connect`] (what `build()` does natively), [`EventSource`] and
//!   [`EventSourceHandle`].
//! - [`queue`]: the bounded queue between the task and the consumer (backpressure).
//! - [`request`]: what each attempt sends (URL, method, headers, body, Last-Event-ID).
//! - [`connection`]: the task: one attempt after another, as the engine says.
//! - [`error_body`]: the body of a failed response, read on request.

mod connection;
pub(crate) mod error_body;
mod queue;
mod request;
mod source;

pub(crate) use source::connect;
pub use source::{EventSource, EventSourceHandle};
