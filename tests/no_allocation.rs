//! The borrowed paths allocate nothing per event once their buffers are warm: a counting
//! global allocator watches `Parser::feed_borrowed` and `Engine::on_chunk_borrowed` over a
//! stream of events with ids, types, multi-line data and comments.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use wasm_eventsource::engine::{Engine, RetryPolicy};
use wasm_eventsource::parser::{ItemRef, Parser};

/// The system allocator, counting the allocations of the thread that asks for counting.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed to the system allocator unchanged; the counters are
// thread-local cells, which do not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn note_allocation() {
    let _ = COUNTING.try_with(|counting| {
        if counting.get() {
            let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        }
    });
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// How many allocations `run` made on this thread.
fn allocations(run: impl FnOnce()) -> usize {
    ALLOCATIONS.with(|count| count.set(0));
    COUNTING.with(|counting| counting.set(true));
    run();
    COUNTING.with(|counting| counting.set(false));
    ALLOCATIONS.with(Cell::get)
}

/// A stream of `count` events of every kind, ids up to `count` (so no id is longer than the
/// last one of the warm-up).
fn stream(count: usize) -> Vec<u8> {
    let mut text = String::new();
    for n in 0..count {
        match n % 4 {
            0 => text.push_str(&format!("id: {n}\nevent: update\ndata: {{\"n\":{n}}}\n\n")),
            1 => text.push_str(&format!(": keep-alive {n}\r\ndata: line one\r\ndata: line two é\r\n\r\n")),
            2 => text.push_str(&format!("data: {}\n\n", "x".repeat(200 + n % 300))),
            _ => text.push_str(&format!("retry: 3000\nid: {n}\ndata:{}\n\n", "😀 ".repeat(8))),
        }
    }
    text.into_bytes()
}

/// Feeds `bytes` in 1 KiB chunks to `feed`, counting the events.
fn feed_all(bytes: &[u8], mut feed: impl FnMut(&[u8]) -> usize) -> usize {
    bytes.chunks(1024).map(&mut feed).sum()
}

/// Feeds the first half of a 4,000-event stream to `feed` (which counts the events of a
/// chunk), to warm its buffers, then the second half: its events and the allocations made.
fn allocations_once_warm(mut feed: impl FnMut(&[u8]) -> usize) -> (usize, usize) {
    let bytes = stream(4000);
    let (warm, measured) = bytes.split_at(bytes.len() / 2);
    feed_all(warm, &mut feed);
    let mut events = 0;
    let count = allocations(|| events = feed_all(measured, &mut feed));
    (events, count)
}

#[test]
fn the_borrowed_parser_allocates_nothing_per_event() {
    let mut parser = Parser::new();
    let (events, count) = allocations_once_warm(|chunk| {
        let mut events = 0;
        parser.feed_borrowed(chunk, |item| events += usize::from(matches!(item, Ok(ItemRef::Event(_)))));
        events
    });
    assert!(events > 1900, "{events} events");
    assert_eq!(count, 0, "allocations while parsing {events} events");
}

#[test]
fn the_owned_parser_allocates_for_its_events() {
    // The check above can fail: the owned path allocates for every event it hands out.
    let bytes = stream(400);
    let mut parser = Parser::new();
    let count = allocations(|| {
        feed_all(&bytes, |chunk| {
            parser.feed(chunk, |_| {});
            0
        });
    });
    assert!(count >= 400, "{count} allocations");
}

#[test]
fn the_engine_hands_out_a_chunk_s_events_without_allocating() {
    let Ok(mut engine) = Engine::new(RetryPolicy::default(), Parser::new(), 1) else {
        panic!("the default policy is valid");
    };
    engine.connect();
    engine.on_response(200, Some("text/event-stream"), None);
    while engine.poll_action().is_some() {}
    let (events, count) = allocations_once_warm(|chunk| {
        let mut events = 0;
        engine.on_chunk_borrowed(chunk, |item| {
            assert!(!matches!(item, Ok(ItemRef::Retry(_))), "retry fields stay in the engine");
            events += usize::from(matches!(item, Ok(ItemRef::Event(_))));
        });
        events
    });
    assert!(events > 1900, "{events} events");
    assert_eq!(count, 0, "allocations while streaming {events} events");
    assert!(engine.poll_action().is_none(), "a chunk queues no action");
}
