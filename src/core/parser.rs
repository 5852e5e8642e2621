//! Incremental `text/event-stream` parser: response-body bytes in, events out.
//!
//! The parser follows the WHATWG HTML "Server-sent events" parsing rules exactly.
//! Lines are split on raw bytes (CR and LF are ASCII, so they can never sit inside a
//! multi-byte UTF-8 sequence) and each field value is decoded once its line is complete.
//! Decoding a line at a time therefore gives the same text as decoding the whole stream,
//! and every byte is scanned once whatever the chunking: the cost is linear in the input.
//!
//! ```
//! use wasm_eventsource::parser::{Item, Parser};
//!
//! let mut parser = Parser::new();
//! let mut events = Vec::new();
//! for chunk in [&b"id: 7\ndata: hel"[..], b"lo\r", b"\n\n"] {
//!     parser.feed(chunk, |item| {
//!         if let Ok(Item::Event(event)) = item {
//!             events.push(event);
//!         }
//!     });
//! }
//! assert_eq!(events[0].data(), "hello");
//! assert_eq!(events[0].event_type(), "message");
//! assert_eq!(events[0].id(), "7");
//! ```

use crate::type_names::TypeNames;
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use memchr::memchr2;

/// A dispatched event: what a browser turns into a `MessageEvent`.
#[derive(Clone, Debug, Default, Eq)]
pub struct Event {
    /// The `event:` field, shared with the other events of its type (see `TypeNames`);
    /// `None` for the default type, `message`.
    event_type: Option<Arc<str>>,
    data: String,
    /// The id, shared with the parser and the other events that carry it (`None` when
    /// empty, so an id-less stream keeps no reference count). Most events inherit their id;
    /// a copy per event took [`Parser::feed`] on "mixed (ids, types, comments)" from 158.2
    /// to 167.6 million instructions (callgrind, one pass over the fixture).
    id: Option<Arc<str>>,
}

impl Event {
    /// Builds an event by hand (for tests and for code that replays events).
    pub fn new(event_type: impl Into<String>, data: impl Into<String>, id: impl Into<String>) -> Self {
        let (event_type, id): (String, String) = (event_type.into(), id.into());
        Event {
            event_type: (!event_type.is_empty()).then(|| Arc::from(event_type)),
            data: data.into(),
            id: (!id.is_empty()).then(|| Arc::from(id)),
        }
    }

    /// The event type: the last `event:` field of the block, or `"message"`.
    pub fn event_type(&self) -> &str {
        self.event_type.as_deref().unwrap_or("message")
    }

    /// The `event:` field as sent: empty stands for the default type, `message`.
    pub fn event_type_field(&self) -> &str {
        self.event_type.as_deref().unwrap_or_default()
    }

    /// The data: the block's `data:` lines joined with LF.
    pub fn data(&self) -> &str {
        &self.data
    }

    /// The connection's last event ID when the event was dispatched (`lastEventId`).
    pub fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }

    /// Takes the data out without copying it.
    pub fn into_data(self) -> String {
        self.data
    }

    /// Splits the event into its type (empty for `message`), data and id, copying the type
    /// and the id (which the event shares with others) but not the data.
    pub fn into_parts(self) -> (String, String, String) {
        let copy = |text: Option<Arc<str>>| text.as_deref().map(String::from).unwrap_or_default();
        (copy(self.event_type), self.data, copy(self.id))
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.event_type() == other.event_type() && self.data == other.data && self.id == other.id
    }
}

/// One thing the parser found in the stream, in stream order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A complete event (a block with at least one `data` field, ended by a blank line).
    Event(Event),
    /// A valid `retry:` field: the server's reconnection time in milliseconds.
    Retry(u64),
    /// A comment line (`:` first), with one leading space removed; often a heartbeat.
    Comment(String),
}

/// An event as [`Parser::feed_borrowed`] hands it out: borrowed from the parser's buffers,
/// so dispatching it allocates nothing. It lives until the callback returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventRef<'a> {
    event_type: &'a str,
    data: &'a str,
    id: &'a str,
}

impl<'a> EventRef<'a> {
    /// The `event:` field as sent: empty stands for the default type, `message`.
    pub fn event_type_field(&self) -> &'a str {
        self.event_type
    }

    /// The event type: the last `event:` field of the block, or `"message"`.
    pub fn event_type(&self) -> &'a str {
        if self.event_type.is_empty() { "message" } else { self.event_type }
    }

    /// The data: the block's `data:` lines joined with LF.
    pub fn data(&self) -> &'a str {
        self.data
    }

    /// The connection's last event ID when the event was dispatched (`lastEventId`).
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// An owned copy, as [`Parser::feed`] gives it.
    pub fn to_event(&self) -> Event {
        Event::new(self.event_type, self.data, self.id)
    }
}

/// One thing the parser found in the stream, borrowed (see [`Parser::feed_borrowed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemRef<'a> {
    /// A complete event.
    Event(EventRef<'a>),
    /// A valid `retry:` field: the server's reconnection time in milliseconds.
    Retry(u64),
    /// A comment line, with one leading space removed.
    Comment(&'a str),
}

impl ItemRef<'_> {
    /// An owned copy, as [`Parser::feed`] gives it.
    pub fn to_item(&self) -> Item {
        match *self {
            ItemRef::Event(event) => Item::Event(event.to_event()),
            ItemRef::Retry(millis) => Item::Retry(millis),
            ItemRef::Comment(text) => Item::Comment(String::from(text)),
        }
    }
}

/// A problem in the stream. The parser reports it, skips the event it was in (up to the next
/// blank line) and carries on with the next one, so memory stays bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// An event grew past the maximum size ([`Parser::with_max_event_size`]).
    EventTooLarge {
        /// The maximum, in bytes.
        limit: usize,
    },
    /// An `id` field was longer than [`MAX_ID_SIZE`]: its event was skipped and the last
    /// event ID kept, so a reconnect never sends a header no server would take.
    IdTooLarge {
        /// The maximum, in bytes.
        limit: usize,
    },
    /// Memory for the event could not be had (the allocator refused `requested` more
    /// bytes): its event was skipped, and the parser goes on with what it holds.
    OutOfMemory {
        /// The bytes the parser asked for.
        requested: usize,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::EventTooLarge { limit } => {
                write!(f, "event larger than the maximum of {limit} bytes was skipped")
            }
            ParseError::IdTooLarge { limit } => {
                write!(f, "event whose id is longer than {limit} bytes was skipped")
            }
            ParseError::OutOfMemory { requested } => {
                write!(f, "event skipped: {requested} more bytes of memory could not be had")
            }
        }
    }
}

impl core::error::Error for ParseError {}

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// The default bound on one event ([`Parser::new`]): 16 MiB of data and the line being read.
/// No stream we know of sends events near it (chat tokens and JSON updates are bytes to
/// kilobytes; a snapshot of a few MiB fits), and it keeps one hostile stream that never
/// ends its line from taking a WebAssembly page's memory (4 GiB, shared by every source
/// of the page) or a native process's. [`Parser::with_max_event_size`] changes it;
/// `usize::MAX` removes it.
pub const DEFAULT_MAX_EVENT_SIZE: usize = 16 * 1024 * 1024;

/// The longest `id` field the parser takes, in bytes. The last event ID goes back to the
/// server in a request header (or the query), and servers refuse long header lines (nginx
/// past 8 KiB, Node past 16 KiB for all headers): an id longer than this could only make
/// every reconnect fail. Ids in the wild (counters, UUIDs, stream offsets, cursors) are far
/// shorter.
pub const MAX_ID_SIZE: usize = 4096;

/// An event whose first `data` value is at least this long is decoded value by value as
/// they arrive (the check costs little beside the copy then), and needs no check at
/// dispatch; the others are checked once for the whole event, at dispatch (see
/// `Parser::push_data`).
const LONG_VALUE: usize = 1024;

/// Whether long values take that fast path. Natively only: in the WebAssembly module, where
/// the check is core's either way, eight engines that each had an 8 MiB event grew the
/// memory by 112 MiB with it, against under 80 MiB without (tests/js/pipeline.test.mjs).
const DECODE_LONG_VALUES_EARLY: bool = cfg!(not(any(target_arch = "wasm32", target_os = "none")));

/// Data up to this long is copied out of the buffer into an owned event; longer data is
/// handed over with the buffer (see `Owned::event`).
const COPIED_DATA: usize = 4 * 1024;

/// The partial-line and data buffers keep this much capacity between uses; after a longer
/// line or event their memory goes back to the allocator, so one huge event does not pin it.
const LINE_CAPACITY_KEPT: usize = 64 * 1024;

/// Where the parser reports items. There are two, each compiled only where it is used: the
/// borrowed one ([`Parser::feed_borrowed`]) and the owned one ([`Parser::feed`]), whose
/// events copy their data out of the parser's buffer or, for a long value decoded as it
/// arrived, take the buffer whole.
trait Emit {
    fn comment(&mut self, value: &[u8]);
    fn retry(&mut self, millis: u64);
    fn error(&mut self, error: ParseError);
    /// An event; its data buffers are cleared afterwards, whatever is left in them.
    fn event(&mut self, event: Dispatched<'_>);
}

/// The parser's buffers behind the event being dispatched.
struct Dispatched<'p> {
    event_type: &'p str,
    /// The data, if its first value was long (see `LONG_VALUE`); otherwise empty, and the
    /// data is `data` decoded.
    text: &'p mut String,
    data: &'p mut Vec<u8>,
    id: &'p str,
    /// The id as owned events share it (see `Parser::shared_id`).
    shared_id: &'p mut Option<Arc<str>>,
    /// The types owned events share.
    type_names: &'p mut TypeNames,
}

/// The borrowed items' callback.
struct Borrowed<'a>(&'a mut dyn FnMut(Result<ItemRef<'_>, ParseError>));

impl Emit for Borrowed<'_> {
    fn comment(&mut self, value: &[u8]) {
        (self.0)(Ok(ItemRef::Comment(&decode(value))));
    }

    fn retry(&mut self, millis: u64) {
        (self.0)(Ok(ItemRef::Retry(millis)));
    }

    fn error(&mut self, error: ParseError) {
        (self.0)(Err(error));
    }

    fn event(&mut self, Dispatched { event_type, text, data, id, .. }: Dispatched<'_>) {
        let data = if text.is_empty() { decode(data) } else { Cow::Borrowed(text.as_str()) };
        (self.0)(Ok(ItemRef::Event(EventRef { event_type, data: &data, id })));
    }
}

/// The owned items' callback.
struct Owned<'a>(&'a mut dyn FnMut(Result<Item, ParseError>));

impl Emit for Owned<'_> {
    fn comment(&mut self, value: &[u8]) {
        (self.0)(Ok(Item::Comment(decode(value).into_owned())));
    }

    fn retry(&mut self, millis: u64) {
        (self.0)(Ok(Item::Retry(millis)));
    }

    fn error(&mut self, error: ParseError) {
        (self.0)(Err(error));
    }

    fn event(&mut self, Dispatched { event_type, text, data, id, shared_id, type_names }: Dispatched<'_>) {
        // The type and the id are shared, not copied (see `TypeNames` and `Event::id`); the
        // type's buffer stays with the parser.
        let event_type = (!event_type.is_empty()).then(|| type_names.share(event_type));
        // The id is shared from the first event that carries it on.
        let id =
            if id.is_empty() { None } else { Some(shared_id.get_or_insert_with(|| Arc::from(id)).clone()) };
        if !text.is_empty() {
            let event = Event { event_type, data: core::mem::take(text), id };
            (self.0)(Ok(Item::Event(event)));
            return;
        }
        // Fast path: short data is checked with `utf8` (simdutf8 natively) and copied out,
        // and the buffer stays for the next event, instead of being handed over, which needs
        // core's check (`String::from_utf8`, several times slower per byte than the check
        // and the copy together) and a new buffer. Callgrind, one pass over each fixture,
        // million instructions: "mixed (ids, types, comments)" 158.2 to 153.3, "LLM tokens"
        // 142.2 to 134.3. Long data is handed over as before: copied, it would be held twice
        // for a moment (a WebAssembly memory keeps its peak), and "64 KiB multi-line events"
        // gained nothing (29.6 to 35.1 million instructions in about the same time).
        // tests/parser_props.rs checks both paths against the borrowed feed
        // (`owned_and_borrowed_events_agree`).
        let data = if data.len() <= COPIED_DATA {
            match utf8(data) {
                Some(text) => String::from(text),
                None => decode(data).into_owned(),
            }
        } else {
            let taken = core::mem::take(data);
            // The next event's buffer starts as large as this one's was (up to
            // LINE_CAPACITY_KEPT), as events of a stream tend to be alike, instead of
            // growing from nothing by doubling. If memory is short, it grows as before.
            let _ = data.try_reserve_exact(taken.capacity().min(LINE_CAPACITY_KEPT));
            decode_owned(taken)
        };
        let event = Event { event_type, data, id };
        (self.0)(Ok(Item::Event(event)));
    }
}

/// The incremental parser for one `EventSource`'s streams.
///
/// Feed it each chunk of a response body with [`Parser::feed`]; call
/// [`Parser::end_stream`] when the body ends or the connection drops. The last event ID
/// survives `end_stream`, so the same parser serves every reconnection.
#[derive(Clone, Debug)]
pub struct Parser {
    /// Bytes of a line that started in an earlier chunk and has not ended yet.
    line: Vec<u8>,
    /// The data lines so far, joined with LF and decoded one by one, when the first was long
    /// (see `LONG_VALUE`); `data` is empty then.
    text: String,
    /// Otherwise the data lines so far, joined with LF, as raw bytes: decoding them once at
    /// dispatch gives the same text as decoding each line (LF cannot sit inside a UTF-8
    /// sequence).
    data: Vec<u8>,
    /// The stream bytes behind `text` (values and LFs): what the size limit counts (the
    /// text is longer where invalid bytes became U+FFFD).
    text_size: usize,
    /// Whether any `data` field was seen since the last dispatch (the data buffer is
    /// non-empty in the spec's terms, where each value is followed by LF).
    has_data: bool,
    event_type: String,
    /// The last `id` field's value; read only while `id_pending` (the dispatch swaps it
    /// with `last_event_id`, so otherwise it holds an old ID).
    id_buffer: String,
    /// An `id` field arrived since the last dispatch.
    id_pending: bool,
    /// Kept as text, so that the borrowed feed allocates nothing when it changes.
    last_event_id: String,
    /// The last event ID as the owned feed's events share it, made by the first of them
    /// (`None` until then, and again whenever the ID changes).
    shared_id: Option<Arc<str>>,
    /// How many bytes of a leading BOM have matched; `None` once the decision is made.
    bom_matched: Option<usize>,
    /// The previous chunk ended with CR, so an LF first in the next chunk is its pair.
    after_cr: bool,
    skip: Skip,
    max_event_size: usize,
    /// Whether comment lines are reported ([`Parser::without_comments`]).
    comments: bool,
    /// The event types the owned feed's events share.
    type_names: TypeNames,
}

/// Whether an oversized event's block is being skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Skip {
    No,
    /// Skipping; `line_started` tells whether the current line has bytes yet.
    Block {
        line_started: bool,
    },
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

impl Parser {
    /// A parser with an empty last event ID, whose events are bounded to
    /// [`DEFAULT_MAX_EVENT_SIZE`] bytes and ids to [`MAX_ID_SIZE`].
    pub fn new() -> Self {
        Parser {
            line: Vec::new(),
            text: String::new(),
            data: Vec::new(),
            text_size: 0,
            has_data: false,
            event_type: String::new(),
            id_buffer: String::new(),
            id_pending: false,
            last_event_id: String::new(),
            shared_id: None,
            bom_matched: Some(0),
            after_cr: false,
            skip: Skip::No,
            max_event_size: DEFAULT_MAX_EVENT_SIZE,
            comments: true,
            type_names: TypeNames::default(),
        }
    }

    /// Bounds the bytes held for one event: its data so far plus the line being read
    /// ([`DEFAULT_MAX_EVENT_SIZE`] unless set; `usize::MAX` for no bound). An event that
    /// grows past it is reported as [`ParseError::EventTooLarge`] and skipped.
    pub fn with_max_event_size(mut self, limit: usize) -> Self {
        self.max_event_size = limit;
        self
    }

    /// Drops comment lines instead of reporting them as [`Item::Comment`], for a caller with
    /// no use for them (the Rust `EventSource`, whose stream has no comment item): a
    /// heartbeat then costs no allocation and no callback.
    pub fn without_comments(mut self) -> Self {
        self.comments = false;
        self
    }

    /// Starts from a known last event ID, as if an earlier stream had dispatched it.
    pub fn with_last_event_id(mut self, id: impl Into<String>) -> Self {
        self.last_event_id = id.into();
        self.shared_id = None;
        self
    }

    /// The connection's last event ID: what a reconnect sends as `Last-Event-ID`.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// The maximum event size in bytes (`usize::MAX` when unbounded).
    pub fn max_event_size(&self) -> usize {
        self.max_event_size
    }

    /// Parses one chunk of the body, calling `emit` for each item in stream order.
    ///
    /// Chunks may be split anywhere, even inside a UTF-8 character or a CRLF pair; the
    /// items are the same as for the whole body in one chunk. An item is emitted as soon
    /// as its line ends: a chunk ending in CR needs no further byte.
    pub fn feed(&mut self, chunk: &[u8], mut emit: impl FnMut(Result<Item, ParseError>)) {
        self.feed_dyn(chunk, &mut Owned(&mut emit));
    }

    /// [`Parser::feed`] with the items borrowed from the parser's buffers: an event's type,
    /// data and id are not copied out, so a caller that only reads them (to hand them on, say)
    /// allocates nothing per event.
    pub fn feed_borrowed(&mut self, chunk: &[u8], mut emit: impl FnMut(Result<ItemRef<'_>, ParseError>)) {
        self.feed_dyn(chunk, &mut Borrowed(&mut emit));
    }

    /// The body of both feeds, compiled once for each kind of callback.
    fn feed_dyn(&mut self, chunk: &[u8], emit: &mut impl Emit) {
        let mut rest = chunk;
        if self.bom_matched.is_some() {
            rest = self.strip_bom(rest, emit);
        }
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if let Some((b'\n', tail)) = rest.split_first() {
                rest = tail;
            }
        }
        while let Some(end) = line_end(rest) {
            let Some((line, terminator_and_tail)) = rest.split_at_checked(end) else {
                break;
            };
            rest = match terminator_and_tail {
                [b'\r', b'\n', tail @ ..] => tail,
                [b'\r'] => {
                    self.after_cr = true;
                    &[]
                }
                [_, tail @ ..] => tail,
                [] => &[],
            };
            self.end_line(line, emit);
        }
        self.hold_partial_line(rest, emit);
    }

    /// The body ended or the connection dropped: an unterminated event is discarded
    /// (its `id` too), and the parser is ready for the next response body. The last
    /// event ID is kept, as browsers keep it across reconnections.
    pub fn end_stream(&mut self) {
        self.line.clear();
        self.line.shrink_to(LINE_CAPACITY_KEPT);
        self.clear_data();
        self.clear_event_type();
        self.id_pending = false;
        self.bom_matched = Some(0);
        self.after_cr = false;
        self.skip = Skip::No;
    }

    /// Consumes a leading byte-order mark, which may arrive split over chunks.
    fn strip_bom<'c>(&mut self, chunk: &'c [u8], emit: &mut impl Emit) -> &'c [u8] {
        let mut rest = chunk;
        while let Some(matched) = self.bom_matched {
            let Some((&byte, tail)) = rest.split_first() else {
                return rest;
            };
            if BOM.get(matched) == Some(&byte) {
                rest = tail;
                self.bom_matched = if matched + 1 == BOM.len() { None } else { Some(matched + 1) };
            } else {
                // Not a BOM after all: the bytes matched so far start the first line.
                self.bom_matched = None;
                self.hold_partial_line(BOM.get(..matched).unwrap_or_default(), emit);
            }
        }
        rest
    }

    /// Keeps the start of a line whose end has not arrived yet.
    fn hold_partial_line(&mut self, bytes: &[u8], emit: &mut impl Emit) {
        if bytes.is_empty() {
            return;
        }
        if let Skip::Block { .. } = self.skip {
            self.skip = Skip::Block { line_started: true };
            return;
        }
        if self.exceeds_limit(self.line.len().saturating_add(bytes.len())) {
            self.start_skipping(true, ParseError::EventTooLarge { limit: self.max_event_size }, emit);
            return;
        }
        if let Err(error) = reserve(&mut self.line, bytes.len()) {
            self.start_skipping(true, error, emit);
            return;
        }
        self.line.extend_from_slice(bytes);
    }

    /// A line ended; `tail` is its part in the current chunk.
    fn end_line(&mut self, tail: &[u8], emit: &mut impl Emit) {
        if let Skip::Block { line_started } = self.skip {
            if !line_started && tail.is_empty() {
                // The blank line that ends the skipped block: a dispatch with no data.
                self.skip = Skip::No;
                self.dispatch(emit);
            } else {
                self.skip = Skip::Block { line_started: false };
            }
            return;
        }
        if self.exceeds_limit(self.line.len().saturating_add(tail.len())) {
            self.start_skipping(false, ParseError::EventTooLarge { limit: self.max_event_size }, emit);
            return;
        }
        if self.line.is_empty() {
            self.process_line(tail, emit);
        } else {
            if let Err(error) = reserve(&mut self.line, tail.len()) {
                self.start_skipping(false, error, emit);
                return;
            }
            let mut line = core::mem::take(&mut self.line);
            line.extend_from_slice(tail);
            self.process_line(&line, emit);
            line.clear();
            line.shrink_to(LINE_CAPACITY_KEPT);
            self.line = line;
        }
    }

    fn exceeds_limit(&self, line_len: usize) -> bool {
        self.text_size.saturating_add(self.data.len()).saturating_add(line_len) > self.max_event_size
    }

    /// Drops the event being read and skips the rest of its block, reporting `error`. An
    /// `id` field read before the trouble still counts: a reconnect resumes after the
    /// skipped event rather than asking for it again.
    fn start_skipping(&mut self, line_started: bool, error: ParseError, emit: &mut impl Emit) {
        self.line.clear();
        self.line.shrink_to(LINE_CAPACITY_KEPT);
        self.clear_data();
        self.clear_event_type();
        self.skip = Skip::Block { line_started };
        emit.error(error);
    }

    /// Interprets one complete line (without its terminator).
    fn process_line(&mut self, line: &[u8], emit: &mut impl Emit) {
        if line.is_empty() {
            self.dispatch(emit);
            return;
        }
        // Fast path: most lines are `data:` lines, whose value needs no search for the colon.
        // After split_field's fast path, it took "64 KiB multi-line events" (80-byte data
        // lines) from 31.4 to 27.6 million instructions (callgrind, one pass over the
        // fixture); `data_lines_agree_with_the_plain_split` checks it against the plain split.
        if let Some(value) = line.strip_prefix(b"data:") {
            self.push_data(value.strip_prefix(b" ").unwrap_or(value), emit);
            return;
        }
        let (name, value) = split_field(line);
        match name {
            b"" if self.comments => emit.comment(value),
            b"data" => self.push_data(value, emit),
            b"event" => {
                self.event_type.clear();
                if let Err(error) = reserve_text(&mut self.event_type, value.len()) {
                    self.start_skipping(false, error, emit);
                    return;
                }
                push_lossy(&mut self.event_type, value);
            }
            b"id" if value.len() > MAX_ID_SIZE => {
                self.start_skipping(false, ParseError::IdTooLarge { limit: MAX_ID_SIZE }, emit);
            }
            b"id" if value.iter().all(|&byte| byte != 0) => {
                self.id_buffer.clear();
                push_lossy(&mut self.id_buffer, value);
                self.id_pending = true;
            }
            b"retry" => {
                if let Some(millis) = parse_retry(value) {
                    emit.retry(millis);
                }
            }
            _ => {}
        }
    }

    /// Appends a `data` field's value to the event's data, after an LF if it is not the first.
    fn push_data(&mut self, value: &[u8], emit: &mut impl Emit) {
        // Fast path: an event whose first value is long is decoded value by value into text
        // as they arrive (the native check is simdutf8's SIMD one, `utf8`), so it needs no
        // check at dispatch, where core's costs three times as much; short values are
        // cheaper checked together at dispatch. Callgrind, one pass over each fixture,
        // million instructions: "8 MiB line, one chunk" 6.56 to 4.07, "8 MiB line, 64-byte
        // chunks" 30.7 to 28.1, "1 KiB data lines" 12.1 to 10.0; the fixtures of short
        // values pay the test, 2 to 4% ("LLM tokens" 150.7 to 154.7, "64 KiB multi-line
        // events" 27.3 to 28.5), within the noise of wall-clock runs.
        // `long_values_agree_with_the_plain_path` (tests/parser_props.rs) checks it
        // against the plain path.
        if DECODE_LONG_VALUES_EARLY
            && (!self.text.is_empty() || (value.len() >= LONG_VALUE && !self.has_data))
        {
            if let Err(error) = reserve_text(&mut self.text, value.len().saturating_add(1)) {
                self.start_skipping(false, error, emit);
                return;
            }
            if self.has_data {
                self.text.push('\n');
            }
            self.text_size =
                self.text_size.saturating_add(value.len()).saturating_add(usize::from(self.has_data));
            self.has_data = true;
            push_lossy_in_blocks(&mut self.text, value);
            return;
        }
        if let Err(error) = reserve(&mut self.data, value.len().saturating_add(1)) {
            self.start_skipping(false, error, emit);
            return;
        }
        if self.has_data {
            self.data.push(b'\n');
        }
        self.has_data = true;
        self.data.extend_from_slice(value);
    }

    /// The blank line: sets the last event ID and fires the event if it has data.
    fn dispatch(&mut self, emit: &mut impl Emit) {
        if self.id_pending {
            self.id_pending = false;
            // Swapping spares a copy: the buffer is read again only once refilled.
            core::mem::swap(&mut self.last_event_id, &mut self.id_buffer);
            self.shared_id = None;
        }
        if !self.has_data {
            self.clear_event_type();
            return;
        }
        emit.event(Dispatched {
            event_type: &self.event_type,
            text: &mut self.text,
            data: &mut self.data,
            id: &self.last_event_id,
            shared_id: &mut self.shared_id,
            type_names: &mut self.type_names,
        });
        self.clear_data();
        self.clear_event_type();
    }

    /// Empties the type buffer, keeping a bounded capacity (a type may be as long as an
    /// event).
    fn clear_event_type(&mut self) {
        self.event_type.clear();
        if self.event_type.capacity() > LINE_CAPACITY_KEPT {
            self.event_type.shrink_to(LINE_CAPACITY_KEPT);
        }
    }

    /// Empties the data buffer, keeping a bounded capacity for the next event.
    fn clear_data(&mut self) {
        self.text.clear();
        self.text.shrink_to(LINE_CAPACITY_KEPT);
        self.data.clear();
        self.data.shrink_to(LINE_CAPACITY_KEPT);
        self.text_size = 0;
        self.has_data = false;
    }
}

/// Makes room for `more` bytes in `buffer`, or says how much could not be had: the parser
/// then skips the event instead of stopping the program (a WebAssembly module would trap,
/// and with it every source of the page).
#[inline]
fn reserve(buffer: &mut Vec<u8>, more: usize) -> Result<(), ParseError> {
    buffer.try_reserve(more).map_err(|_| ParseError::OutOfMemory { requested: more })
}

/// [`reserve`] for text (the event type, which a long line can make large).
fn reserve_text(text: &mut String, more: usize) -> Result<(), ParseError> {
    text.try_reserve(more).map_err(|_| ParseError::OutOfMemory { requested: more })
}

/// Where the first CR or LF in `bytes` is: `memchr2(b'\n', b'\r', bytes)`.
///
/// Fast path: a line that starts with its terminator (the blank line that ends each event)
/// is found without calling `memchr2`. Callgrind, one pass over each fixture, million
/// instructions: "LLM tokens" 147.7 to 139.9, "mixed" 156.8 to 154.7; "64 KiB multi-line
/// events", whose lines are long, pays the test, 28.3 to 29.6.
/// `line_end_agrees_with_memchr2` (tests below) checks it against `memchr2`.
#[inline]
fn line_end(bytes: &[u8]) -> Option<usize> {
    match bytes.first() {
        Some(b'\n' | b'\r') => Some(0),
        _ => memchr2(b'\n', b'\r', bytes),
    }
}

/// The longest field name the parser acts on (`event`, `retry`).
const LONGEST_FIELD_NAME: usize = 5;

/// Splits `name:value` at the first colon and drops one space after it. A line with
/// no colon is a field name with an empty value; a comment has an empty name.
///
/// Fast path: the colon is looked for only where a known name could end, in the first
/// [`LONGEST_FIELD_NAME`] + 1 bytes; a line with none there has a longer name, which is
/// ignored, so it comes back whole as the name (as the plain split, which searched the
/// whole line with `memchr`, gives an unknown name too). With the `data:` fast path in
/// `Parser::process_line`, it took "64 KiB multi-line events" (80-byte data lines) from
/// 34.9 to 27.6 million instructions and "mixed (ids, types, comments)" from 187.9 to
/// 172.0 (callgrind, one pass over each fixture of benches/fixtures.rs; this alone: 34.9
/// to 31.4). `split_field_agrees_with_the_plain_split` in the tests below checks it
/// against the plain split.
fn split_field(line: &[u8]) -> (&[u8], &[u8]) {
    let head = line.get(..=LONGEST_FIELD_NAME).unwrap_or(line);
    let Some((name, colon_and_value)) =
        head.iter().position(|&byte| byte == b':').and_then(|at| line.split_at_checked(at))
    else {
        return (line, &[]);
    };
    let value = colon_and_value.get(1..).unwrap_or_default();
    (name, value.strip_prefix(b" ").unwrap_or(value))
}

/// Decodes `bytes` as UTF-8 like [`push_lossy`], reusing the buffer when it is valid.
fn decode_owned(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|error| decode(error.as_bytes()).into_owned())
}

/// A `retry` value counts only when it is non-empty and all ASCII digits.
fn parse_retry(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        value
            .iter()
            .fold(0u64, |millis, digit| millis.saturating_mul(10).saturating_add(u64::from(digit - b'0'))),
    )
}

/// `bytes` as text if they are valid UTF-8. Natively the check is simdutf8's, whose SIMD
/// code is picked for the CPU at run time (with AVX2 it checks the 8 MiB fixture line in a
/// third of the instructions of core's); on wasm32 (the npm module) and bare-metal targets
/// it is core's, which adds no code.
#[cfg(not(any(target_arch = "wasm32", target_os = "none")))]
fn utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

/// `bytes` as text if they are valid UTF-8 (core's check; see the native `utf8`).
#[cfg(any(target_arch = "wasm32", target_os = "none"))]
fn utf8(bytes: &[u8]) -> Option<&str> {
    core::str::from_utf8(bytes).ok()
}

/// `bytes` decoded as UTF-8 like [`push_lossy`], borrowed when they are valid (checked with
/// [`utf8`]: `String::from_utf8_lossy` checks byte by byte).
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match utf8(bytes) {
        Some(text) => Cow::Borrowed(text),
        None => {
            let mut text = String::new();
            push_lossy(&mut text, bytes);
            Cow::Owned(text)
        }
    }
}

/// How much of a long value is checked and then copied at a time (see
/// [`push_lossy_in_blocks`]): small enough to be still in the CPU's cache for the copy.
const BLOCK: usize = 16 * 1024;

/// [`push_lossy`], a block at a time, so that each block is copied while the check has
/// just read it. A block ends before a byte that starts a character (so no character
/// straddles two); the first invalid block and all after it take the plain path, from a
/// block start. "8 MiB line, one chunk", fastest of 80 runs (the parse alone, four rounds
/// beside the whole-value check and sse-stream): 0.41-0.44 ms whole, 0.28-0.35 ms in
/// blocks, sse-stream 0.44-0.46. (Callgrind counts more instructions, 11.5 million against
/// 4.1, as memcpy moves 16 KiB blocks with vector loads where it moved the whole value with
/// `rep movsb`; the time is what fell.) `lossy_blocks_agree_with_push_lossy` in the tests
/// below checks it against push_lossy.
fn push_lossy_in_blocks(out: &mut String, bytes: &[u8]) {
    let mut rest = bytes;
    while rest.len() > BLOCK {
        // A character is at most four bytes: one of the four before BLOCK starts one.
        let end = (BLOCK - 3..=BLOCK).rev().find(|&at| rest.get(at).is_some_and(|&byte| byte & 0xC0 != 0x80));
        let Some((block, tail)) = end.and_then(|end| rest.split_at_checked(end)) else {
            break;
        };
        let Some(text) = utf8(block) else {
            break;
        };
        out.push_str(text);
        rest = tail;
    }
    push_lossy(out, rest);
}

/// Appends `bytes` decoded as UTF-8, each invalid sequence becoming one U+FFFD, exactly
/// as the WHATWG decoder does.
pub(crate) fn push_lossy(out: &mut String, bytes: &[u8]) {
    match utf8(bytes) {
        Some(text) => out.push_str(text),
        None => {
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    out.push(char::REPLACEMENT_CHARACTER);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{LINE_CAPACITY_KEPT, Parser};

    #[test]
    fn an_event_whose_first_value_is_long_is_decoded_as_it_arrives() {
        let long = "é".repeat(super::LONG_VALUE / 2);
        let mut parser = Parser::new();
        let mut data = Vec::new();
        let mut collect = |item| {
            if let Ok(super::Item::Event(event)) = item {
                data.push(event.into_data());
            }
        };
        parser.feed(&[format!("data: {long}\ndata: short ").as_bytes(), b"\xFF\n"].concat(), &mut collect);
        assert_eq!((parser.text.len(), parser.data.len()), (long.len() + "\nshort \u{FFFD}".len(), 0));
        parser.feed(format!("\ndata: short\ndata: {long}\n").as_bytes(), &mut collect);
        assert_eq!(
            (parser.text.len(), parser.data.len()),
            (0, "short\n".len() + long.len()),
            "a short first"
        );
        parser.feed(b"\n", &mut collect);
        assert_eq!(data, [format!("{long}\nshort \u{FFFD}"), format!("short\n{long}")]);
    }

    #[test]
    fn the_next_event_starts_with_the_last_ones_capacity() {
        let mut parser = Parser::new();
        let mut sizes = Vec::new();
        let line = [b'x'; 1000];
        let mut stream = Vec::new();
        for _ in 0..8 {
            stream.extend_from_slice(b"data: ");
            stream.extend_from_slice(&line);
            stream.push(b'\n');
        }
        stream.push(b'\n');
        parser.feed(&stream, |item| {
            if let Ok(super::Item::Event(event)) = item {
                sizes.push(event.data().len());
            }
        });
        assert_eq!(sizes, [8 * 1001 - 1]);
        assert!(parser.data.capacity() >= 8 * 1001 - 1, "the data buffer starts at the last event's size");
        let bigger = vec![b'x'; 4 * LINE_CAPACITY_KEPT];
        parser.feed(b"data: ", |_| {});
        parser.feed(&bigger, |_| {});
        parser.feed(b"\n\n", |_| {});
        assert!(parser.data.capacity() <= LINE_CAPACITY_KEPT, "but not above the capacity kept");
    }

    #[test]
    fn a_huge_line_does_not_pin_its_buffer() {
        let mut parser = Parser::new();
        let mut events = 0;
        parser.feed(b"data: ", |_| {});
        for _ in 0..64 {
            parser.feed(&[b'x'; 16 * 1024], |_| {});
        }
        assert!(parser.line.capacity() >= 1 << 20, "the line was buffered");
        parser.feed(b"\n\n", |_| events += 1);
        assert_eq!(events, 1);
        assert!(parser.line.capacity() <= LINE_CAPACITY_KEPT);
    }

    #[test]
    fn a_huge_event_does_not_pin_the_data_buffers() {
        // Alone, the huge value is kept as checked text; after a short one, as raw bytes.
        for (first, extra) in [(&b""[..], 2), (b"data: y\n", 4)] {
            let mut parser = Parser::new();
            let mut sizes = Vec::new();
            parser.feed(first, |_| {});
            parser.feed(b"data: ", |_| {});
            parser.feed(&[b'x'; 1 << 20], |_| {});
            parser.feed(b"\ndata: y\n", |_| {});
            assert!(parser.text.capacity().max(parser.data.capacity()) >= 1 << 20, "the data was buffered");
            parser.feed_borrowed(b"\n", |item| {
                if let Ok(super::ItemRef::Event(event)) = item {
                    sizes.push(event.data().len());
                }
            });
            assert_eq!(sizes, [(1 << 20) + extra]);
            assert!(parser.text.capacity() <= LINE_CAPACITY_KEPT);
            assert!(parser.data.capacity() <= LINE_CAPACITY_KEPT);
        }
    }

    #[test]
    fn a_huge_event_type_does_not_pin_its_buffer() {
        for borrowed in [false, true] {
            let mut parser = Parser::new();
            let mut types = Vec::new();
            let stream = [&b"event: "[..], &[b't'; 1 << 20], b"\ndata: x\n"].concat();
            parser.feed(&stream, |_| {});
            assert!(parser.event_type.capacity() >= 1 << 20, "the type was buffered");
            if borrowed {
                parser.feed_borrowed(b"\n", |item| {
                    if let Ok(super::ItemRef::Event(event)) = item {
                        types.push(event.event_type().len());
                    }
                });
            } else {
                parser.feed(b"\n", |item| {
                    if let Ok(super::Item::Event(event)) = item {
                        types.push(event.event_type().len());
                    }
                });
            }
            assert_eq!(types, [1 << 20]);
            assert!(parser.event_type.capacity() <= LINE_CAPACITY_KEPT);
        }
    }

    /// The plain split: the name is everything before the first colon, wherever it is.
    #[cfg(not(target_arch = "wasm32"))]
    fn plain_split(line: &[u8]) -> (&[u8], &[u8]) {
        match line.iter().position(|&byte| byte == b':') {
            Some(at) => {
                let value = line.get(at + 1..).unwrap_or_default();
                (line.get(..at).unwrap_or_default(), value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[]),
        }
    }

    /// The names the parser acts on; any other is ignored.
    #[cfg(not(target_arch = "wasm32"))]
    const KNOWN_NAMES: [&[u8]; 5] = [b"", b"data", b"event", b"id", b"retry"];

    /// Lines that start like a field: a name near or at a known one, then anything.
    #[cfg(not(target_arch = "wasm32"))]
    fn field_lines() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let names = prop::sample::select(vec![
            &b""[..],
            b"data",
            b"data:",
            b"data: ",
            b"event",
            b"event: ",
            b"id",
            b"retry",
            b"dat",
            b"datax",
            b"events",
            b"retry1",
            b"i",
            b"x",
        ]);
        let tail =
            prop::collection::vec(prop::sample::select(vec![b':', b' ', b'a', b'\0', 0xC3, 0xFF]), 0..12);
        (names, tail).prop_map(|(name, tail)| [name, &tail].concat())
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn split_field_agrees_with_the_plain_split(line in field_lines()) {
            let (name, value) = super::split_field(&line);
            let (plain_name, plain_value) = plain_split(&line);
            if KNOWN_NAMES.contains(&plain_name) {
                proptest::prop_assert_eq!((name, value), (plain_name, plain_value));
            } else {
                proptest::prop_assert!(!KNOWN_NAMES.contains(&name), "an unknown name stays unknown");
            }
        }

        #[test]
        fn line_end_agrees_with_memchr2(
            bytes in proptest::collection::vec(proptest::sample::select(vec![b'\n', b'\r', b'a', b':', 0xC3]), 0..40)
        ) {
            proptest::prop_assert_eq!(super::line_end(&bytes), memchr::memchr2(b'\n', b'\r', &bytes));
        }

        #[test]
        fn data_lines_agree_with_the_plain_split(line in field_lines(), tail in field_lines()) {
            // The same data whether the `data:` fast path or split_field reads the line.
            let mut parser = Parser::new();
            let mut stream = line.clone();
            stream.extend_from_slice(b"\n");
            stream.extend_from_slice(&tail);
            stream.extend_from_slice(b"\n\n");
            let mut data = None;
            parser.feed(&stream, |item| {
                if let Ok(super::Item::Event(event)) = item {
                    data = Some(event.into_data());
                }
            });
            let values: Vec<String> = [&line[..], &tail[..]]
                .iter()
                .filter_map(|line| match plain_split(line) {
                    (b"data", value) => Some(String::from_utf8_lossy(value).into_owned()),
                    _ => None,
                })
                .collect();
            let expected = (!values.is_empty()).then(|| values.join("\n"));
            proptest::prop_assert_eq!(data, expected);
        }
    }

    /// Pieces of text, valid or not, to set across a block's end.
    #[cfg(not(target_arch = "wasm32"))]
    fn boundary_pieces() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        proptest::sample::select(vec![
            "é".as_bytes().to_vec(),
            "€".as_bytes().to_vec(),
            "😀".as_bytes().to_vec(),
            b"\xFF".to_vec(),
            b"\xE2\x82".to_vec(),
            b"\xF0\x9F\x98".to_vec(),
            b"\x80\x80\x80\x80".to_vec(),
        ])
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn lossy_blocks_agree_with_push_lossy(
            start in (super::BLOCK - 6)..(super::BLOCK + 2),
            pieces in proptest::collection::vec(boundary_pieces(), 1..4),
            gap in 0..(super::BLOCK + 8),
        ) {
            let mut bytes = vec![b'a'; start];
            for piece in &pieces {
                bytes.extend_from_slice(piece);
                bytes.resize(bytes.len() + gap, b'b');
            }
            let (mut blocks, mut plain) = (String::new(), String::new());
            super::push_lossy_in_blocks(&mut blocks, &bytes);
            super::push_lossy(&mut plain, &bytes);
            proptest::prop_assert_eq!(blocks, plain);
        }
    }
}
