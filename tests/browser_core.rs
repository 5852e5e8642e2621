//! The core compiled to wasm32 and run in headless Chromium: the parser's UTF-8 decoding
//! agrees with the browser's own `TextDecoder`, and parser and engine behave as natively.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use wasm_eventsource::engine::{Action, Engine, RetryPolicy};
use wasm_eventsource::parser::{Item, Parser};
use web_sys::TextDecoder;

wasm_bindgen_test_configure!(run_in_browser);

/// The browser's decoding of `bytes` (UTF-8, replacement on error, BOM removed).
fn browser_decode(bytes: &[u8]) -> String {
    let decoder = TextDecoder::new_with_label("utf-8").expect("utf-8 decoder");
    decoder.decode_with_u8_array(bytes).expect("decodes")
}

fn parse_data(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    Parser::new().feed(bytes, |item| {
        if let Ok(Item::Event(event)) = item {
            out.push(event.into_data());
        }
    });
    out
}

/// A tiny deterministic generator, so the test needs no randomness source.
fn bytes_from(seed: u32, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            // Bias towards the bytes where UTF-8 errors live.
            match state % 4 {
                0 => 0x80 | (state >> 8) as u8 & 0x3F,
                1 => 0xC0 | (state >> 8) as u8 & 0x3F,
                2 => b'a' + (state >> 8) as u8 % 26,
                _ => (state >> 8) as u8,
            }
        })
        .filter(|&b| b != b'\n' && b != b'\r')
        .collect()
}

#[wasm_bindgen_test]
fn invalid_utf8_is_replaced_exactly_as_the_browser_does() {
    for seed in 0..300 {
        let payload = bytes_from(seed, 24);
        let mut stream = b"data: ".to_vec();
        stream.extend_from_slice(&payload);
        stream.extend_from_slice(b"\n\n");
        // A leading BOM would be stripped by TextDecoder but is data here (not stream start).
        let expected = browser_decode(&[b"x", payload.as_slice()].concat());
        let expected = expected.strip_prefix('x').unwrap_or(&expected).to_string();
        assert_eq!(parse_data(&stream), [expected], "seed {seed}: {payload:?}");
    }
}

#[wasm_bindgen_test]
fn leading_bom_is_removed_like_the_browser_decoder() {
    let stream = b"\xEF\xBB\xBF\xEF\xBB\xBFx";
    assert_eq!(browser_decode(stream), "\u{FEFF}x");
    assert_eq!(parse_data(b"\xEF\xBB\xBFdata: x\n\n"), ["x"]);
}

#[wasm_bindgen_test]
fn engine_opens_dispatches_and_reconnects_in_the_browser() {
    let mut engine = Engine::new(RetryPolicy { jitter: 0.0, ..RetryPolicy::default() }, Parser::new(), 1)
        .expect("valid policy");
    engine.connect();
    engine.on_response(200, Some("text/event-stream; charset=utf-8"), None);
    engine.on_chunk("id: ü\ndata: héllo\n\n".as_bytes());
    engine.on_end();
    let actions: Vec<Action> = std::iter::from_fn(|| engine.poll_action()).collect();
    assert_eq!(actions.len(), 4);
    assert!(matches!(&actions[2], Action::Message(e) if e.data() == "héllo" && e.id() == "ü"));
    assert!(matches!(actions[3], Action::Reconnecting { delay_ms: 3_000, .. }));
}
