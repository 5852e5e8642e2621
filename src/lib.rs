//! A spec-exact Server-Sent Events client for the browser, compiled to WebAssembly, and
//! the server-side encoder that speaks the same format.
//!
//! The crate is layered so that most of it is pure and tested natively:
//!
//! - [`parser`]: `text/event-stream` bytes in, events out, exactly per the WHATWG rules,
//!   in time linear in the bytes however they are chunked.
//! - [`encoder`]: events in, bytes out, for servers; the parser reads them back unchanged.
//! - [`engine`]: the connection state machine (open, fail, reconnect, backoff), with no
//!   I/O and no clock.
//!
//! In the browser build (`wasm32`) the crate also has:
//!
//! - [`EventSource`] (in `source`): a Rust-native `EventSource` whose events are a
//!   `futures` `Stream`, with headers, methods, bodies and the retry policy;
//! - the bindings that the npm package's JavaScript `EventSource` class uses.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod encoder;
pub mod engine;
pub mod parser;

#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(target_arch = "wasm32")]
mod js_api;
#[cfg(target_arch = "wasm32")]
pub mod source;

pub use encoder::{EncodeError, Frame};
pub use engine::{Action, Engine, ReadyState, Reason, RetryPolicy};
#[cfg(target_arch = "wasm32")]
pub use fetch::Body;
pub use parser::{Event, Item, ParseError, Parser};
#[cfg(target_arch = "wasm32")]
pub use source::{
    Error, EventSource, EventSourceBuilder, EventSourceHandle, FailedResponse, MessageEvent, SseEvent,
};
