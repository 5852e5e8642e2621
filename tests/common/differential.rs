//! The differential checks run by the property tests, the fuzz targets (`fuzz/`) and the
//! replay of the fuzz corpus: a deliberately simple parser written straight from the WHATWG
//! text, and checks that panic when the real parser or the encoder disagrees with it.
//!
//! Self-contained (only `wasm_eventsource` and `arbitrary`), so the fuzz crate can include it.
#![allow(dead_code)]

use arbitrary::Unstructured;
use wasm_eventsource::encoder::Frame;
use wasm_eventsource::parser::{Event, Item, ParseError, Parser};

/// What a parser emits for a stream.
pub type Output = Vec<Result<Item, ParseError>>;

/// Feeds `chunks` in order to `parser` and collects what it emits. A clone of the parser
/// is fed the same chunks through `feed_borrowed`, whose items must be the same.
pub fn feed_chunks(parser: &mut Parser, chunks: &[&[u8]]) -> Output {
    let mut borrowing = parser.clone();
    let mut out = Vec::new();
    let mut borrowed = Vec::new();
    for chunk in chunks {
        parser.feed(chunk, |item| out.push(item));
        borrowing.feed_borrowed(chunk, |item| borrowed.push(item.map(|item| item.to_item())));
    }
    assert_eq!(borrowed, out, "feed_borrowed and feed disagree");
    out
}

/// Cuts `bytes` at the given offsets (each taken modulo the length + 1, then sorted).
pub fn cut_at<'a>(bytes: &'a [u8], offsets: &[usize]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = offsets.iter().map(|offset| offset % (bytes.len() + 1)).collect();
    points.sort_unstable();
    let mut chunks = Vec::with_capacity(points.len() + 1);
    let mut start = 0;
    for point in points {
        chunks.push(&bytes[start..point]);
        start = point;
    }
    chunks.push(&bytes[start..]);
    chunks
}

/// Fuzz input → cut points and a stream; the parser fed those chunks must emit exactly
/// what [`reference`] reads from the whole stream.
pub fn check_parser(input: &[u8]) {
    let mut input = Unstructured::new(input);
    let offsets: Vec<u16> = input.arbitrary().unwrap_or_default();
    let bytes = input.take_rest();
    let offsets: Vec<usize> = offsets.into_iter().map(usize::from).collect();
    let chunks = cut_at(bytes, &offsets);
    assert_eq!(
        feed_chunks(&mut Parser::new(), &chunks),
        reference(bytes),
        "stream {bytes:?} cut as {chunks:?}"
    );
}

/// The parts of one [`Frame`]: event type, id, data, retry, comment.
pub type FrameParts = (Option<String>, Option<String>, Option<String>, Option<u64>, Option<String>);

/// Builds the frame with these parts.
pub fn to_frame((event_type, id, data, retry, comment): &FrameParts) -> Frame {
    let mut frame = Frame::new();
    if let Some(event_type) = event_type {
        frame = frame.event_type(event_type.clone());
    }
    if let Some(id) = id {
        frame = frame.id(id.clone());
    }
    if let Some(data) = data {
        frame = frame.data(data.clone());
    }
    if let Some(retry) = retry {
        frame = frame.retry(*retry);
    }
    if let Some(comment) = comment {
        frame = frame.comment(comment.clone());
    }
    frame
}

/// Whether the encoder must refuse these parts (an id with CR, LF or NUL, a type with CR
/// or LF).
pub fn must_refuse((event_type, id, ..): &FrameParts) -> bool {
    id.as_deref().is_some_and(|id| id.contains(['\r', '\n', '\0']))
        || event_type.as_deref().is_some_and(|t| t.contains(['\r', '\n']))
}

/// The items a correct parser must produce for these (valid) frames, worked out from the
/// spec's rules rather than from the parser.
pub fn expected_items(frames: &[FrameParts]) -> Output {
    let mut out = Vec::new();
    let mut last_id = String::new();
    for (event_type, id, data, retry, comment) in frames {
        if let Some(comment) = comment {
            for line in comment.split("\r\n").flat_map(|l| l.split(['\r', '\n'])) {
                out.push(Ok(Item::Comment(line.to_string())));
            }
        }
        if let Some(retry) = retry {
            out.push(Ok(Item::Retry(*retry)));
        }
        if let Some(id) = id {
            last_id.clone_from(id);
        }
        if let Some(data) = data {
            let data = data.replace("\r\n", "\n").replace('\r', "\n");
            let event_type = event_type.clone().unwrap_or_default();
            out.push(Ok(Item::Event(Event::new(event_type, data, last_id.clone()))));
        }
    }
    out
}

/// Fuzz input → frames and cut points. Invalid frames must be refused with nothing
/// written; the valid ones, encoded and parsed back in those chunks, must give exactly
/// their events, comments and retry times.
pub fn check_encoder(input: &[u8]) {
    let mut input = Unstructured::new(input);
    let frames: Vec<FrameParts> = input.arbitrary().unwrap_or_default();
    let offsets: Vec<u16> = input.arbitrary().unwrap_or_default();
    let mut bytes = Vec::new();
    let mut valid = Vec::new();
    for parts in frames {
        let before = bytes.len();
        let result = to_frame(&parts).encode_into(&mut bytes);
        assert_eq!(result.is_err(), must_refuse(&parts), "{parts:?}");
        assert!(result.is_ok() || bytes.len() == before, "a refused frame wrote bytes");
        if result.is_ok() {
            valid.push(parts);
        }
    }
    let offsets: Vec<usize> = offsets.into_iter().map(usize::from).collect();
    let parsed = feed_chunks(&mut Parser::new(), &cut_at(&bytes, &offsets));
    assert_eq!(parsed, expected_items(&valid), "frames {valid:?} as {bytes:?}");
}

/// The spec's algorithm, whole-input and line at a time, with no attention to speed.
pub fn reference(bytes: &[u8]) -> Output {
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
