//! The `#[wasm_bindgen]` surface of the npm package: the connection engine that
//! `js/connection.js` drives, and the bare parser behind `js/parse.js`.
//!
//! It is a crate of its own so that Rust users of `wasm-eventsource` never link these
//! exports or need the exact `wasm-bindgen` version the package's CLI is pinned to.
//!
//! Each input returns what it caused as one string of tokens separated by CR.
//! CR is the one character that can never occur in an event type, data, id or comment
//! (it always ends a line), so JavaScript splits the whole batch with one `split('\r')`,
//! and a chunk's events cross the boundary as a single string. A token's first character
//! says what it is; the rest is its first field, so a plain message costs one token.
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

#![cfg(target_arch = "wasm32")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod engine;
mod parser;
mod tokens;

/// The module's allocator: talc, which grows wasm memory as needed, in place of dlmalloc.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
