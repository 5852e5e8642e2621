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
//! the fields by their lengths and scans nothing. A token's first field is its text, so a
//! plain message costs one token:
//!
//! | token | then | meaning |
//! |---|---|---|
//! | `c` + last event id | | issue the request (engine) |
//! | `o` | | the stream is open (engine) |
//! | `i` + id | | the last event id changed (for the messages that follow) |
//! | `m` + data | | dispatch a `message` |
//! | `n` + type | data | dispatch a message of a named type |
//! | `k` + text | | a comment line |
//! | `t` + milliseconds | | a valid `retry:` field (parser) |
//! | `r` + delay ms | reason | reconnecting after the delay (engine) |
//! | `f` + reason | `1` if retries ran out, else `0` | failed for good (engine) |
//! | `s` + limit | | an event over `limit` bytes was skipped |

#![deny(unsafe_code)]
#![warn(missing_docs)]

mod engine;
mod exports;
mod handles;
mod input;
mod parser;
mod tokens;

/// The module's allocator: talc, which grows wasm memory as needed, in place of dlmalloc.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
