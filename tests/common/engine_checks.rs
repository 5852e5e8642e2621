//! The engine's invariants under any sequence of inputs, for the `engine` fuzz target and
//! the replay of its corpus: whatever a hostile server or a confused caller does, the
//! engine never panics, never reconnects sooner than the reconnection time (the server's
//! `retry:` or the initial delay, at least the floor), waits exactly that after a stream that
//! opened, never later than the cap after a failed attempt, never dispatches unless open,
//! and after `close()` or a failure does nothing at all.
//!
//! Self-contained (only `wasm_eventsource` and `arbitrary`), so the fuzz crate can include it.
#![allow(dead_code)]

use arbitrary::{Result, Unstructured};
use wasm_eventsource::engine::{
    Action, Engine, MAX_TIMER_MS, MIN_RECONNECT_DELAY_MS, ReadyState, RetryPolicy, is_event_stream,
    retry_after_ms,
};
use wasm_eventsource::parser::{Item, Parser};

const CONTENT_TYPES: [&str; 4] = ["text/event-stream", "text/event-stream; charset=utf-8", "text/plain", ""];

fn policy(input: &mut Unstructured<'_>) -> Result<RetryPolicy> {
    Ok(RetryPolicy {
        initial_delay_ms: input.arbitrary()?,
        max_delay_ms: input.arbitrary()?,
        factor: input.arbitrary()?,
        jitter: input.arbitrary()?,
        max_retries: input.arbitrary::<Option<u8>>()?.map(u32::from),
        retry_on_status: input.arbitrary()?,
    })
}

/// Runs arbitrary inputs through an engine with an arbitrary policy and checks every
/// action it emits.
pub fn check_engine(input: &[u8]) {
    let mut input = Unstructured::new(input);
    let _ = run(&mut input);
}

fn run(input: &mut Unstructured<'_>) -> Result<()> {
    // The header parsers see server text directly; they must not panic on any of it.
    let header: String = input.arbitrary()?;
    let _ = retry_after_ms(&header, input.arbitrary()?);
    let _ = is_event_stream(&header);

    let policy = policy(input)?;
    let limit = input.arbitrary::<Option<u16>>()?.map(|limit| usize::from(limit).max(1));
    let parser = limit.map_or_else(Parser::new, |limit| Parser::new().with_max_event_size(limit));
    let Ok(mut engine) = Engine::new(policy.clone(), parser, input.arbitrary()?) else {
        assert!(policy.validate().is_err(), "a valid policy was refused");
        return Ok(());
    };
    let mut closed = false;
    // A second parser fed what the open stream got, to know the server's `retry:`.
    let mut shadow = Parser::new();
    let mut server_retry = None;
    for _ in 0..input.arbitrary_len::<u8>()?.min(64) {
        let was_open = engine.ready_state() == ReadyState::Open;
        let mut retry_after = None;
        match input.int_in_range(0..=8u8)? {
            0 => engine.connect(),
            1 => {
                let content_type = CONTENT_TYPES[usize::from(input.int_in_range(0..=3u8)?)];
                retry_after = input.arbitrary::<Option<u32>>()?.map(u64::from);
                let status = if input.arbitrary()? { 200 } else { input.arbitrary()? };
                engine.on_response(status, Some(content_type).filter(|t| !t.is_empty()), retry_after);
            }
            2 => {
                let chunk: Vec<u8> = input.arbitrary()?;
                engine.on_chunk(&chunk);
                if was_open {
                    shadow.feed(&chunk, |item| {
                        if let Ok(Item::Retry(millis)) = item {
                            server_retry = Some(millis);
                        }
                    });
                }
            }
            3 => engine.on_end(),
            4 => engine.on_network_error(),
            5 => engine.on_stall(),
            6 => engine.on_retry_timer(),
            7 => {
                engine.close();
                closed = true;
            }
            _ => {}
        }
        while let Some(action) = engine.poll_action() {
            assert!(!closed, "{action:?} after close() or a failure");
            match action {
                Action::Message(_) => {
                    assert_eq!(engine.ready_state(), ReadyState::Open, "a message while not open")
                }
                Action::Reconnecting { delay_ms, .. } => {
                    shadow.end_stream();
                    let base = server_retry.unwrap_or(policy.initial_delay_ms).max(MIN_RECONNECT_DELAY_MS);
                    let floor = base.max(retry_after.unwrap_or(0)).min(MAX_TIMER_MS);
                    assert!(delay_ms >= floor, "reconnect after {delay_ms} ms, reconnection time {floor}");
                    if was_open {
                        assert_eq!(delay_ms, floor, "after an opened stream, exactly the reconnection time");
                    }
                    let grown = policy.max_delay_ms.max(base) as f64 * (1.0 + policy.jitter);
                    let cap = (grown.round() as u64).max(floor).min(MAX_TIMER_MS);
                    assert!(delay_ms <= cap, "reconnect after {delay_ms} ms, cap {cap}");
                    assert_eq!(engine.ready_state(), ReadyState::Connecting);
                }
                Action::Failed { .. } => {
                    assert_eq!(engine.ready_state(), ReadyState::Closed);
                    closed = true;
                }
                _ => {}
            }
        }
        if closed {
            assert_eq!(engine.ready_state(), ReadyState::Closed);
        }
    }
    Ok(())
}
