//! The module's exports: plain functions over numbers, which `js/handles.js` wraps as the
//! `Engine` and `Parser` classes. An engine or a parser is a handle, a small nonzero id.
//! Text and lists go in through one argument buffer ([`arguments`]), which JavaScript fills
//! just before the call that reads it. The module imports nothing, so no call re-enters it
//! and each of its statics ([`Global`]) is in use by one call at a time.
//!
//! Each export keeps its name with `#[unsafe(no_mangle)]`, the only unsafe code here.
#![allow(unsafe_code)]

use crate::engine_handle::{EngineHandle, Settings};
use crate::global::Global;
use crate::handles::Handles;
use crate::input::Input;
use crate::parser_handle::ParserHandle;

static ENGINES: Global<Handles<EngineHandle>> = Global::new(Handles::new());
static PARSERS: Global<Handles<ParserHandle>> = Global::new(Handles::new());
static ARGUMENTS: Global<Input> = Global::new(Input::new());
/// Why the last [`engine_new`] refused its settings, as [`engine_refusal`] hands it out: the
/// address and length of [`ConfigError`](wasm_eventsource::engine::ConfigError)'s message, 0 and 0 when it did not refuse them.
static REFUSAL: Global<[u32; 2]> = Global::new([0; 2]);

/// What a call on a handle that is not live returns: a batch of no tokens.
static NOTHING: [u32; 6] = [0; 6];

/// Runs `call` on the handle `id` of `handles`, or returns [`NOTHING`] if it is not live.
fn on<T>(handles: &Global<Handles<T>>, id: u32, call: impl FnOnce(&mut T) -> *const u32) -> *const u32 {
    handles.with(|handles| handles.get(id).map(call)).flatten().unwrap_or(NOTHING.as_ptr())
}

/// The input buffer of the handle `id` of `handles` (`room` reserves it), or, for a handle
/// that is not live, the argument buffer: what JavaScript writes there is then ignored.
fn input_of<T>(
    handles: &Global<Handles<T>>,
    id: u32,
    length: usize,
    room: impl FnOnce(&mut T, usize) -> *mut u8,
) -> *mut u8 {
    let input = handles.with(|handles| Some(room(handles.get(id)?, length))).flatten();
    input.unwrap_or_else(|| arguments(length))
}

/// Reads the argument buffer: `read` gets its first `length` bytes.
fn with_arguments<R>(length: usize, read: impl FnOnce(&[u8]) -> R) -> Option<R> {
    ARGUMENTS.with(|arguments| read(arguments.bytes(length)))
}

/// Where JavaScript writes the text or list arguments of the next call, `length` bytes;
/// null when the memory cannot be had.
#[unsafe(no_mangle)]
pub extern "C" fn arguments(length: usize) -> *mut u8 {
    ARGUMENTS.with(|arguments| arguments.reserve(length)).unwrap_or(core::ptr::null_mut())
}

/// UTF-8 that JavaScript encoded; anything else (which it never writes) reads as empty.
fn text(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}

/// The `Option<&str>` of an argument JavaScript passed as a byte length, -1 for none.
fn optional(bytes: &[u8], start: usize, length: i32) -> (Option<&str>, usize) {
    match usize::try_from(length) {
        Ok(length) => (Some(text(bytes.get(start..start + length).unwrap_or_default())), start + length),
        Err(_) => (None, start),
    }
}

/// A new engine (see [`Settings`]): the argument buffer holds the last event id in UTF-8
/// (`id_length` bytes), then `statuses` retryable HTTP statuses as little-endian u16s.
/// Returns its handle, or 0: for a retry policy that cannot work ([`engine_refusal`] then
/// says why), or for want of memory.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn engine_new(
    initial_delay: f64,
    max_delay: f64,
    factor: f64,
    jitter: f64,
    max_retries: f64,
    max_event_size: f64,
    seed: f64,
    id_length: usize,
    statuses: usize,
) -> u32 {
    let settings = with_arguments(id_length.saturating_add(statuses.saturating_mul(2)), |bytes| {
        let (id, list) = bytes.split_at(id_length.min(bytes.len()));
        let (pairs, _) = list.as_chunks::<2>();
        Settings {
            initial_delay,
            max_delay,
            factor,
            jitter,
            max_retries,
            retry_on_status: pairs.iter().map(|pair| u16::from_le_bytes(*pair)).collect(),
            max_event_size,
            last_event_id: text(id).into(),
            seed,
        }
    });
    let engine = settings.map(EngineHandle::new);
    let refusal = engine.as_ref().and_then(|engine| engine.as_ref().err()).map(|error| error.message());
    REFUSAL.with(|last| *last = refusal.map_or([0; 2], |text| [text.as_ptr() as u32, text.len() as u32]));
    let Some(Ok(engine)) = engine else { return 0 };
    ENGINES.with(|engines| engines.insert(engine)).unwrap_or(0)
}

/// Why the last [`engine_new`] returned 0: the address of two words, the address and the
/// length of [`ConfigError`](wasm_eventsource::engine::ConfigError)'s message (ASCII) when it refused the settings, 0 and 0 when
/// memory ran out.
#[unsafe(no_mangle)]
pub extern "C" fn engine_refusal() -> *const u32 {
    REFUSAL.with(|last| last.as_ptr()).unwrap_or(NOTHING.as_ptr())
}

/// Releases an engine; its handle is then not live.
#[unsafe(no_mangle)]
pub extern "C" fn engine_free(id: u32) {
    ENGINES.with(|engines| engines.remove(id));
}

/// Where JavaScript writes the engine's next chunk of `length` bytes.
#[unsafe(no_mangle)]
pub extern "C" fn engine_input(id: u32, length: usize) -> *mut u8 {
    input_of(&ENGINES, id, length, EngineHandle::input)
}

/// A chunk of the body arrived: the first `length` bytes of the engine's input.
#[unsafe(no_mangle)]
pub extern "C" fn engine_chunk(id: u32, length: usize) -> *const u32 {
    on(&ENGINES, id, |engine| engine.chunk(length))
}

/// Starts the first connection.
#[unsafe(no_mangle)]
pub extern "C" fn engine_connect(id: u32) -> *const u32 {
    on(&ENGINES, id, EngineHandle::connect)
}

/// The response head arrived: the argument buffer holds the Content-Type and the
/// `Retry-After` value in UTF-8, one after the other, with byte lengths of -1 for absent.
/// `status` is the number a (custom) fetch gave: one that is not a whole number a status
/// can be goes to the engine as 0, which fails for good.
#[unsafe(no_mangle)]
pub extern "C" fn engine_response(
    id: u32,
    status: f64,
    content_type_length: i32,
    retry_after_length: i32,
    now_ms: f64,
) -> *const u32 {
    let total = content_type_length.max(0) as usize + retry_after_length.max(0) as usize;
    with_arguments(total, |bytes| {
        let (content_type, next) = optional(bytes, 0, content_type_length);
        let (retry_after, _) = optional(bytes, next, retry_after_length);
        on(&ENGINES, id, |engine| engine.response(status_code(status), content_type, retry_after, now_ms))
    })
    .unwrap_or(NOTHING.as_ptr())
}

/// `status` as a `u16` when it is one exactly, else 0.
fn status_code(status: f64) -> u16 {
    let code = status as u16;
    if f64::from(code) == status { code } else { 0 }
}

/// The body ended.
#[unsafe(no_mangle)]
pub extern "C" fn engine_end(id: u32) -> *const u32 {
    on(&ENGINES, id, EngineHandle::end)
}

/// The request or the body read failed.
#[unsafe(no_mangle)]
pub extern "C" fn engine_network_error(id: u32) -> *const u32 {
    on(&ENGINES, id, EngineHandle::network_error)
}

/// No byte arrived within the stall timeout.
#[unsafe(no_mangle)]
pub extern "C" fn engine_stall(id: u32) -> *const u32 {
    on(&ENGINES, id, EngineHandle::stall)
}

/// The transport stops the connection without spending a retry.
#[unsafe(no_mangle)]
pub extern "C" fn engine_suspend(id: u32) -> *const u32 {
    on(&ENGINES, id, EngineHandle::suspend)
}

/// The reconnect delay is over.
#[unsafe(no_mangle)]
pub extern "C" fn engine_retry_timer(id: u32) -> *const u32 {
    on(&ENGINES, id, EngineHandle::retry_timer)
}

/// A new parser (see [`ParserHandle::new`]); returns its handle.
#[unsafe(no_mangle)]
pub extern "C" fn parser_new(max_event_size: f64) -> u32 {
    let parser = ParserHandle::new(max_event_size);
    PARSERS.with(|parsers| parsers.insert(parser)).unwrap_or(0)
}

/// Releases a parser; its handle is then not live.
#[unsafe(no_mangle)]
pub extern "C" fn parser_free(id: u32) {
    PARSERS.with(|parsers| parsers.remove(id));
}

/// Where JavaScript writes the parser's next chunk of `length` bytes.
#[unsafe(no_mangle)]
pub extern "C" fn parser_input(id: u32, length: usize) -> *mut u8 {
    input_of(&PARSERS, id, length, ParserHandle::input)
}

/// Parses the first `length` bytes of the parser's input; returns their batch of tokens.
#[unsafe(no_mangle)]
pub extern "C" fn parser_chunk(id: u32, length: usize) -> *const u32 {
    on(&PARSERS, id, |parser| parser.chunk(length))
}

/// The body ended: an event not yet ended by a blank line is discarded.
#[unsafe(no_mangle)]
pub extern "C" fn parser_end(id: u32) {
    on(&PARSERS, id, |parser| {
        parser.end();
        NOTHING.as_ptr()
    });
}
