//! The server-side half: turns events into `text/event-stream` bytes.
//!
//! Whatever [`Frame::encode_into`] accepts, [`crate::parser::Parser`] reads back as the
//! same event. Line breaks inside data (LF, CRLF or CR) become separate `data:` lines and
//! come back as LF, the only line break the format can carry; a multi-line comment becomes
//! several comment lines. What cannot be encoded at all is refused with an [`EncodeError`].
//!
//! ```
//! use wasm_eventsource::encoder::Frame;
//!
//! let bytes = Frame::new().event_type("tick").id("42").data("a\nb").to_bytes()?;
//! assert_eq!(bytes, b"event: tick\nid: 42\ndata: a\ndata: b\n\n");
//! # Ok::<(), wasm_eventsource::encoder::EncodeError>(())
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use memchr::{memchr2, memchr3};

/// One block of an event stream to send: an event, and/or a comment or `retry` hint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    comment: Option<String>,
    event_type: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
    data: Option<String>,
}

/// Why a [`Frame`] cannot be written as an event stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The id holds CR, LF or NUL: it would end the line early, or the client would
    /// ignore the field (a NUL makes browsers drop it).
    InvalidId,
    /// The event type holds CR or LF, which would end the line early.
    InvalidEventType,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EncodeError::InvalidId => "an event id cannot contain CR, LF or NUL",
            EncodeError::InvalidEventType => "an event type cannot contain CR or LF",
        })
    }
}

impl core::error::Error for EncodeError {}

impl Frame {
    /// An empty frame; add fields with the builder methods.
    pub fn new() -> Self {
        Frame::default()
    }

    /// The event's data; it may span lines. Without data the block dispatches nothing
    /// (it can still set the id or the retry time).
    pub fn data(mut self, data: impl Into<String>) -> Self {
        self.data = Some(data.into());
        self
    }

    /// The event type the client listens for (`addEventListener(type, ...)`).
    pub fn event_type(mut self, event_type: impl Into<String>) -> Self {
        self.event_type = Some(event_type.into());
        self
    }

    /// The event id, which the client sends back as `Last-Event-ID` when it reconnects.
    /// An empty id clears the client's last event ID.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Asks the client to wait this many milliseconds before reconnecting.
    pub fn retry(mut self, millis: u64) -> Self {
        self.retry = Some(millis);
        self
    }

    /// A comment: clients ignore it, so it keeps idle connections alive (a heartbeat).
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = Some(text.into());
        self
    }

    /// Appends the frame's bytes to `out`. On error nothing is appended.
    ///
    /// A frame with an event type, id or data ends with a blank line (the dispatch);
    /// a frame of only a comment and/or retry does not, so it never splits an event.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        if self.id.as_deref().is_some_and(|id| memchr3(b'\r', b'\n', 0, id.as_bytes()).is_some()) {
            return Err(EncodeError::InvalidId);
        }
        let breaks_line = |text: &str| memchr2(b'\r', b'\n', text.as_bytes()).is_some();
        if self.event_type.as_deref().is_some_and(breaks_line) {
            return Err(EncodeError::InvalidEventType);
        }
        if let Some(comment) = &self.comment {
            for line in lines(comment) {
                write_field(out, b"", line);
            }
        }
        if let Some(millis) = self.retry {
            let mut digits = [0u8; 20];
            write_field(out, b"retry", format_decimal(millis, &mut digits));
        }
        if let Some(event_type) = &self.event_type {
            write_field(out, b"event", event_type.as_bytes());
        }
        if let Some(id) = &self.id {
            write_field(out, b"id", id.as_bytes());
        }
        if let Some(data) = &self.data {
            for line in lines(data) {
                write_field(out, b"data", line);
            }
        }
        if self.event_type.is_some() || self.id.is_some() || self.data.is_some() {
            out.push(b'\n');
        }
        Ok(())
    }

    /// The frame's bytes in a new buffer.
    pub fn to_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        self.encode_into(&mut out)?;
        Ok(out)
    }
}

/// Writes `name: value\n`, or `name:\n` for an empty value. The space after the colon is
/// always written when there is a value, so a value starting with a space survives.
fn write_field(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.push(b':');
    if !value.is_empty() {
        out.push(b' ');
        out.extend_from_slice(value);
    }
    out.push(b'\n');
}

/// The lines of `text`, split at LF, CRLF or CR. An empty text is one empty line.
fn lines(text: &str) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(text.as_bytes());
    core::iter::from_fn(move || {
        let current = rest?;
        match memchr2(b'\r', b'\n', current).and_then(|at| current.split_at_checked(at)) {
            None => {
                rest = None;
                Some(current)
            }
            Some((line, terminator_and_tail)) => {
                rest = Some(match terminator_and_tail {
                    [b'\r', b'\n', tail @ ..] | [_, tail @ ..] => tail,
                    [] => &[],
                });
                Some(line)
            }
        }
    })
}

/// Writes `value` in decimal into `buf` and returns the digits used.
pub(crate) fn format_decimal(mut value: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        if let Some(slot) = buf.get_mut(start) {
            // `value % 10` is below 10, so the cast cannot truncate.
            *slot = b'0' + (value % 10) as u8;
        }
        value /= 10;
        if value == 0 {
            break;
        }
    }
    buf.get(start..).unwrap_or_default()
}
