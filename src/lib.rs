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
//! In the browser build the crate also exports the bindings that the npm package's
//! JavaScript `EventSource` class uses.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod encoder;
pub mod engine;
pub mod parser;

#[cfg(target_arch = "wasm32")]
mod js_api;

pub use encoder::{EncodeError, Frame};
pub use engine::{Action, Engine, ReadyState, Reason, RetryPolicy};
pub use parser::{Event, Item, ParseError, Parser};
