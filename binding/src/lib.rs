//! The WebAssembly exports of the npm package (`exports.rs`): the connection engine that
//! `js/connection.js` drives, and the bare parser behind `js/parse.js`.
//!
//! It is a crate of its own so that Rust users of `wasm-eventsource` never link these
//! exports. The exports take and return numbers only and the module imports nothing, so
//! its JavaScript side (`js/handles.js`) is a few lines instead of generated glue.
//!
//! Each input returns what it caused as one batch of tokens, which JavaScript reads in
//! place in the module's memory (`js/tokens.js`): the address of six words, giving the
//! token table and two strings. A token is its tag's char code, then one word per field;
//! a field's word is its length in UTF-16 code units shifted left once, and bit 0 says
//! which string holds its text: the ASCII one, or the wide one for text that is not all
//! ASCII. Each string holds its fields one after another, so a chunk's events cross the
//! boundary as at most two strings, and most text as a one-byte string; JavaScript slices
//! the fields by their lengths and scans nothing. A token's first field is its text, and
//! every message is one token:
//!
//! | token | then | meaning |
//! |---|---|---|
//! | `c` + last event id | | issue the request (engine) |
//! | `o` | | the stream is open (engine) |
//! | `m` + data | | dispatch a `message` |
//! | `n` + type | data | dispatch a message of a named type |
//! | `M` + data | id | dispatch a `message` whose id is new: the last event id from now on |
//! | `N` + type | data, id | the same for a message of a named type |
//! | `I` + id | | the last event id changed with no message (engine, at a chunk's end) |
//! | `k` + text | | a comment line |
//! | `t` + milliseconds | | a valid `retry:` field (parser) |
//! | `r` + delay ms | reason, `1` if `Retry-After` asked for the wait, else `0` | reconnecting after the delay (engine) |
//! | `f` + reason | `1` if retries ran out, else `0` | failed for good (engine) |
//! | `s` + limit | | an event over `limit` bytes was skipped |
//! | `i` + limit | | an event whose id is over `limit` bytes was skipped |
//! | `x` + bytes | | an event was skipped: `bytes` more bytes of memory could not be had |

// The module links no std: core and alloc (as does the crate without its browser feature).
#![cfg_attr(target_arch = "wasm32", no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

#[cfg(target_arch = "wasm32")]
mod engine_handle;
#[cfg(target_arch = "wasm32")]
mod exports;
#[cfg(target_arch = "wasm32")]
mod global;
#[cfg(any(target_arch = "wasm32", test))]
mod handles;
#[cfg(target_arch = "wasm32")]
mod input;
#[cfg(target_arch = "wasm32")]
mod parser_handle;
#[cfg(any(target_arch = "wasm32", test))]
mod swar;
#[cfg(target_arch = "wasm32")]
mod tokens;

/// The module's allocator: talc, which grows wasm memory as needed, in place of dlmalloc.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A panic, which no input reaches, stops the module with a trap (JavaScript sees a
/// `WebAssembly.RuntimeError`). There is nowhere to report one, and a handler that formats
/// nothing links none of the formatting code.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn stop(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
