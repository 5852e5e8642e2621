//! A spec-exact Server-Sent Events client for the browser, compiled to WebAssembly, and
//! the server-side encoder that speaks the same format.
//!
//! The crate is layered so that most of it is pure and tested natively:
//!
//! - [`parser`]: `text/event-stream` bytes in, events out, exactly per the WHATWG rules,
//!   in time linear in the bytes however they are chunked.
//! - [`encoder`]: events in, bytes out, for servers; the parser reads them back unchanged.
//! - [`EventStream`]: the parser over any `Stream` of byte chunks, for code that makes the
//!   request itself.
//! - [`engine`]: the connection state machine (open, fail, reconnect, backoff), with no
//!   I/O and no clock.
//!
//! In the browser build (`wasm32`, with the default `browser` feature) the crate also has:
//!
//! - `EventSource`: a Rust-native `EventSource` whose events are a
//!   `futures` `Stream`, with headers, methods, bodies and the retry policy.
//!
//! Without `browser` (`default-features = false`), the crate on wasm32 is the layers above
//! alone and needs no wasm-bindgen: for a module with a transport of its own.

// The browser transport, and the tests, use std; the rest is core and alloc only, so a
// module without `browser` links no std (the npm package's has no panic formatting).
#![cfg_attr(not(any(feature = "browser", feature = "native", test)), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

mod builder;
pub mod encoder;
pub mod engine;
mod error_body;
mod event;
mod event_stream;
#[cfg(any(feature = "leptos", feature = "yew"))]
pub mod hooks;
#[cfg(feature = "leptos")]
pub mod leptos;
pub mod parser;
#[cfg(feature = "yew")]
pub mod yew;

#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
mod native;

#[cfg(all(target_arch = "wasm32", feature = "browser"))]
mod fetch;
#[cfg(all(target_arch = "wasm32", feature = "browser"))]
mod source;

pub use builder::{Body, EventSourceBuilder};
pub use encoder::{EncodeError, Frame};
pub use engine::{Action, Engine, ReadyState, Reason, RetryPolicy};
pub use error_body::ErrorBody;
pub use event::{Error, FailedResponse, MessageEvent, SseEvent};
pub use event_stream::{EventStream, StreamError};
#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
pub use native::{EventSource, EventSourceHandle};
pub use parser::{Event, EventRef, Item, ItemRef, ParseError, Parser};
#[cfg(all(target_arch = "wasm32", feature = "browser"))]
pub use source::{EventSource, EventSourceHandle};
