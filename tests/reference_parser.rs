//! A differential check: a deliberately simple parser written straight from the WHATWG
//! text (decode the whole stream, split it into lines, process each line) against the real
//! one, on random streams cut into random chunks.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{Output, byte_soup, cut, feed_chunks};
use proptest::prelude::*;
use wasm_eventsource::parser::{Event, Item, Parser};

/// The spec's algorithm, whole-input and line at a time, with no attention to speed.
fn reference(bytes: &[u8]) -> Output {
    // "UTF-8 decode": replacement characters, and one leading BOM removed.
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    // Lines end at CRLF, LF, or CR; whatever follows the last line end is discarded.
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lines.push(std::mem::take(&mut current));
            }
            '\n' => lines.push(std::mem::take(&mut current)),
            other => current.push(other),
        }
    }
    let mut out = Vec::new();
    let (mut data, mut event_type, mut id_buffer) = (String::new(), String::new(), String::new());
    for line in lines {
        if line.is_empty() {
            // The connection's last event ID is set from the buffer on every dispatch.
            let last_id = id_buffer.clone();
            if data.is_empty() {
                event_type.clear();
                continue;
            }
            if data.ends_with('\n') {
                data.pop();
            }
            out.push(Ok(Item::Event(Event::new(
                std::mem::take(&mut event_type),
                std::mem::take(&mut data),
                last_id,
            ))));
            continue;
        }
        if let Some(comment) = line.strip_prefix(':') {
            // Ignored by the spec; the parser reports it with one leading space removed.
            out.push(Ok(Item::Comment(comment.strip_prefix(' ').unwrap_or(comment).to_string())));
            continue;
        }
        let (field, value) = match line.find(':') {
            Some(at) => {
                let value = &line[at + 1..];
                (&line[..at], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line.as_str(), ""),
        };
        match field {
            "event" => event_type = value.to_string(),
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            "id" if !value.contains('\0') => id_buffer = value.to_string(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                let millis = value
                    .bytes()
                    .fold(0u64, |acc, d| acc.saturating_mul(10).saturating_add(u64::from(d - b'0')));
                out.push(Ok(Item::Retry(millis)));
            }
            _ => {}
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn the_parser_agrees_with_the_spec_text(bytes in byte_soup(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..10)) {
        let chunks = cut(&bytes, &cuts);
        prop_assert_eq!(feed_chunks(&mut Parser::new(), &chunks), reference(&bytes));
    }
}

#[test]
fn the_reference_itself_reads_a_known_stream() {
    let out = reference(b"\xEF\xBB\xBFid: 1\r\nevent: t\rdata: a\ndata: b\n\n: c\nretry: 10\ndata: lost");
    assert_eq!(
        out,
        [Ok(Item::Event(Event::new("t", "a\nb", "1"))), Ok(Item::Comment("c".into())), Ok(Item::Retry(10))]
    );
}
