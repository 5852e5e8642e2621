//! A spec-exact Server-Sent Events client for Rust in the browser (WebAssembly) and in
//! native tokio programs, and the server-side encoder that speaks the same format.
//!
//! One [`EventSource`] on both targets: the same builder, the same [`futures_core::Stream`]
//! of [`SseEvent`]s and the same typed [`Error`]s, over `fetch()` in the browser (feature
//! `browser`, on by default) and over tokio and reqwest natively (feature `native`).
//!
//! ```no_run
//! # #[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
//! # mod example {
//! use futures::StreamExt;
//! use wasm_eventsource::{Error, EventSource, RetryPolicy, SseEvent};
//!
//! # async fn fresh_token() -> String { String::new() }
//! # pub async fn run() -> Result<(), Error> {
//! let mut source = EventSource::builder("https://api.example.com/chat")
//!     // Computed again before every reconnect, so the stream outlives each token.
//!     .headers_async(|| async { vec![("Authorization".into(), format!("Bearer {}", fresh_token().await))] })
//!     .body(r#"{"prompt":"Hello"}"#) // POST, sent again on every reconnect
//!     .retry(RetryPolicy { max_retries: Some(5), ..RetryPolicy::default() })
//!     .stall_timeout(std::time::Duration::from_secs(45))
//!     .build()?;
//! while let Some(item) = source.next().await {
//!     match item {
//!         Ok(SseEvent::Message(message)) => println!("{}: {}", message.event_type, message.data),
//!         Ok(SseEvent::Open { .. } | SseEvent::Reconnecting { .. }) => {}
//!         Err(Error::Status(response)) => eprintln!("{}: {}", response.status, response.body.text().await),
//!         Err(error) => eprintln!("{error}"),
//!     }
//! }
//! # Ok(()) }
//! # }
//! # fn main() {}
//! ```
//!
//! Which event type is which: a source yields [`SseEvent`]s, and a message is a
//! [`MessageEvent`] (type, data, id, origin), as in the browser. [`Event`] and
//! [`EventRef`] are the [`parser`]'s own output, for code that reads a stream without a
//! source ([`EventStream`], [`Parser`]).
//!
//! The crate is layered so that most of it is pure and tested natively:
//!
//! - [`parser`]: `text/event-stream` bytes in, events out, exactly per the WHATWG rules,
//!   in time linear in the bytes however they are chunked.
//! - [`encoder`]: events in, bytes out, for servers; the parser reads them back unchanged.
//! - [`EventStream`]: the parser over any `Stream` of byte chunks, for code that makes the
//!   request itself.
//! - [`engine`]: the connection state machine (open, fail, reconnect, backoff), with no
//!   I/O and no clock. Both transports only do I/O and follow it.
//! - [`policy`]: the request decisions beside it (where the last event ID goes, the
//!   origin a message reports, the stall timer's wait), shared by the transports.
//! - `server` (the `axum` and `redis` features, native only): resumable event-stream
//!   responses for axum, with hubs in memory or over Redis Streams.
//!
//! Without `browser` and `native` (`default-features = false`), the crate is the layers
//! above alone, with no std on wasm32 and no wasm-bindgen: for a module with a transport
//! of its own (the npm package's).

// The browser transport, and the tests, use std; the rest is core and alloc only, so a
// module without `browser` links no std (the npm package's has no panic formatting).
#![cfg_attr(not(any(feature = "browser", feature = "native", feature = "axum", test)), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// docs.rs (which sets `docsrs`) labels each item with the features and targets it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;

// Each layer is a folder (core/, client/, browser/, native/, server/, hooks/); the modules
// keep the flat paths the crate has always had (`wasm_eventsource::parser`, ...).

// The core: no I/O, no transport.
#[path = "core/encoder.rs"]
pub mod encoder;
#[path = "core/engine.rs"]
pub mod engine;
#[path = "core/event_stream.rs"]
mod event_stream;
#[path = "core/parser.rs"]
pub mod parser;
#[path = "core/policy.rs"]
pub mod policy;
#[path = "core/type_names.rs"]
mod type_names;

// The client API both Rust transports share.
#[path = "client/builder.rs"]
mod builder;
#[path = "client/error_body.rs"]
mod error_body;
#[path = "client/event.rs"]
mod event;
#[cfg(any(
    all(target_arch = "wasm32", feature = "browser"),
    all(not(target_arch = "wasm32"), feature = "native")
))]
#[path = "client/source_api.rs"]
mod source_api;

// The browser transport (wasm32).
#[cfg(all(target_arch = "wasm32", feature = "browser"))]
#[path = "browser/environment.rs"]
mod environment;
#[cfg(all(target_arch = "wasm32", feature = "browser"))]
#[path = "browser/fetch.rs"]
mod fetch;
#[cfg(all(target_arch = "wasm32", feature = "browser"))]
#[path = "browser/source.rs"]
mod source;

// The native transport (tokio and reqwest).
#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
mod native;

// The server half (axum, Redis).
#[cfg(all(feature = "axum", not(target_arch = "wasm32")))]
pub mod server;

// The hooks for Leptos and Yew.
#[cfg(any(feature = "leptos", feature = "yew"))]
#[path = "hooks/history.rs"]
mod history;
#[cfg(any(feature = "leptos", feature = "yew"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "leptos", feature = "yew"))))]
pub mod hooks;
#[cfg(feature = "leptos")]
#[cfg_attr(docsrs, doc(cfg(feature = "leptos")))]
#[path = "hooks/leptos.rs"]
pub mod leptos;
#[cfg(feature = "yew")]
#[cfg_attr(docsrs, doc(cfg(feature = "yew")))]
#[path = "hooks/yew.rs"]
pub mod yew;

pub use builder::{Body, EventSourceBuilder};
pub use encoder::{EncodeError, Frame};
pub use engine::{Action, Engine, ReadyState, Reason, RetryPolicy};
pub use error_body::ErrorBody;
pub use event::{Error, FailedResponse, MessageEvent, SseEvent};
pub use event_stream::{EventStream, StreamError};
#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
#[cfg_attr(docsrs, doc(cfg(all(not(target_arch = "wasm32"), feature = "native"))))]
pub use native::{EventSource, EventSourceHandle};
pub use parser::{Event, EventRef, Item, ItemRef, ParseError, Parser};
#[cfg(all(target_arch = "wasm32", feature = "browser"))]
#[cfg_attr(docsrs, doc(cfg(all(target_arch = "wasm32", feature = "browser"))))]
pub use source::{EventSource, EventSourceHandle};

/// The README's Rust examples, compiled by `cargo test --all-features` (natively).
#[cfg(all(doctest, not(target_arch = "wasm32"), feature = "native", feature = "redis"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;
