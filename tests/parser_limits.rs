//! The parser's default bounds, and what it does when memory runs out: an event is skipped
//! with an error, and the stream goes on.

use std::alloc::{GlobalAlloc, Layout, System};
use wasm_eventsource::parser::{DEFAULT_MAX_EVENT_SIZE, Item, MAX_ID_SIZE, ParseError, Parser};

/// The system allocator, refusing any single block larger than this: a stand-in for a
/// WebAssembly page whose memory is used up.
const LARGEST_BLOCK: usize = 48 << 20;

struct Refusing;

// SAFETY: forwards to the system allocator, or returns null (a refusal, which the
// `GlobalAlloc` contract allows) for blocks over the bound.
unsafe impl GlobalAlloc for Refusing {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > LARGEST_BLOCK { std::ptr::null_mut() } else { unsafe { System.alloc(layout) } }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > LARGEST_BLOCK {
            std::ptr::null_mut()
        } else {
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}

#[global_allocator]
static ALLOCATOR: Refusing = Refusing;

/// Feeds `chunks`, collecting what the parser reports (events by data and id).
fn run(
    parser: &mut Parser,
    chunks: impl IntoIterator<Item = Vec<u8>>,
) -> Vec<Result<(String, String), ParseError>> {
    let mut out = Vec::new();
    for chunk in chunks {
        parser.feed(&chunk, |item| match item {
            Ok(Item::Event(event)) => out.push(Ok((event.data().to_owned(), event.id().to_owned()))),
            Ok(_) => {}
            Err(error) => out.push(Err(error)),
        });
    }
    out
}

/// `data: ` then `size` bytes of `x` in 1 MiB chunks, with no line end.
fn endless_line(size: usize) -> impl Iterator<Item = Vec<u8>> {
    std::iter::once(b"data: ".to_vec()).chain((0..size.div_ceil(1 << 20)).map(|_| vec![b'x'; 1 << 20]))
}

#[test]
fn a_new_parser_bounds_events_to_the_default() {
    let mut parser = Parser::new();
    assert_eq!(parser.max_event_size(), DEFAULT_MAX_EVENT_SIZE);
    let mut chunks: Vec<Vec<u8>> = endless_line(DEFAULT_MAX_EVENT_SIZE).collect();
    chunks.push(b"\n\ndata: after\n\n".to_vec());
    let out = run(&mut parser, chunks);
    assert_eq!(
        out,
        [Err(ParseError::EventTooLarge { limit: DEFAULT_MAX_EVENT_SIZE }), Ok(("after".into(), "".into()))]
    );
}

#[test]
fn an_event_just_under_the_default_passes() {
    let mut parser = Parser::new();
    let size = DEFAULT_MAX_EVENT_SIZE - b"data: ".len();
    let chunks = vec![b"data: ".to_vec(), vec![b'y'; size], b"\n\n".to_vec()];
    let out = run(&mut parser, chunks);
    assert!(matches!(out.as_slice(), [Ok((data, _))] if data.len() == size), "{:?}", out.len());
}

#[test]
fn an_id_over_the_bound_skips_its_event_and_keeps_the_last_id() {
    let long = "7".repeat(MAX_ID_SIZE + 1);
    let longest = "8".repeat(MAX_ID_SIZE);
    let stream = format!("id: 1\ndata: a\n\nid: {long}\ndata: b\n\ndata: c\n\nid: {longest}\ndata: d\n\n");
    let mut parser = Parser::new();
    let out = run(&mut parser, [stream.into_bytes()]);
    assert_eq!(
        out,
        [
            Ok(("a".into(), "1".into())),
            Err(ParseError::IdTooLarge { limit: MAX_ID_SIZE }),
            Ok(("c".into(), "1".into())),
            Ok(("d".into(), longest.clone())),
        ]
    );
    assert_eq!(parser.last_event_id(), longest);
}

#[test]
fn memory_refused_for_an_unbounded_event_skips_it_and_the_stream_goes_on() {
    let mut parser = Parser::new().with_max_event_size(usize::MAX);
    let mut chunks: Vec<Vec<u8>> = endless_line(4 * LARGEST_BLOCK).collect();
    chunks.push(b"\n\nid: 2\ndata: after\n\n".to_vec());
    let out = run(&mut parser, chunks);
    assert!(
        matches!(out.as_slice(), [Err(ParseError::OutOfMemory { requested }), Ok((data, id))]
            if *requested > 0 && data == "after" && id == "2"),
        "{out:?}"
    );
}

#[test]
fn memory_refused_for_data_lines_skips_the_event() {
    let mut parser = Parser::new().with_max_event_size(usize::MAX);
    let line = format!("data: {}\n", "z".repeat(1 << 20));
    let mut chunks: Vec<Vec<u8>> =
        (0..4 * (LARGEST_BLOCK >> 20)).map(|_| line.clone().into_bytes()).collect();
    chunks.push(b"\ndata: next\n\n".to_vec());
    let out = run(&mut parser, chunks);
    assert!(
        matches!(out.as_slice(), [Err(ParseError::OutOfMemory { .. }), Ok((data, _))] if data == "next"),
        "{:?}",
        out.iter().map(|item| item.as_ref().map(|(data, _)| data.len())).collect::<Vec<_>>()
    );
}
