//! The connection rules (SSE-SPEC.md 11-17) and the retry policy, driven through the pure
//! engine with no browser, no clock and a fixed seed.
#![cfg(not(target_arch = "wasm32"))]

use wasm_eventsource::engine::{
    Action, ConfigError, Engine, MAX_TIMER_MS, MIN_RECONNECT_DELAY_MS, ReadyState, Reason, RetryPolicy,
    retry_after_ms,
};
use wasm_eventsource::parser::{Event, ParseError, Parser};

const SSE: Option<&str> = Some("text/event-stream");

fn engine_with(policy: RetryPolicy) -> Engine {
    Engine::new(policy, Parser::new(), 42).expect("valid policy")
}

fn engine() -> Engine {
    engine_with(RetryPolicy::default())
}

fn no_jitter() -> RetryPolicy {
    RetryPolicy { jitter: 0.0, ..RetryPolicy::default() }
}

fn drain(engine: &mut Engine) -> Vec<Action> {
    std::iter::from_fn(|| engine.poll_action()).collect()
}

fn connect(last_event_id: &str) -> Action {
    Action::Connect { last_event_id: last_event_id.into() }
}

/// Connects and opens a stream; returns what that produced.
fn open(engine: &mut Engine) -> Vec<Action> {
    engine.connect();
    engine.on_response(200, SSE, None);
    drain(engine)
}

/// Drives one failed connection after the stream ended; returns the reconnect delay.
fn delay_after_end(engine: &mut Engine) -> u64 {
    engine.on_end();
    let delay = match drain(engine).as_slice() {
        [Action::Reconnecting { delay_ms, .. }] => *delay_ms,
        other => panic!("expected a reconnect, got {other:?}"),
    };
    engine.on_retry_timer();
    engine.on_response(200, SSE, None);
    drain(engine);
    delay
}

// Rule 12: the start.

#[test]
fn starts_connecting_and_requests_on_connect() {
    let mut engine = engine();
    assert_eq!(engine.ready_state(), ReadyState::Connecting);
    assert_eq!(drain(&mut engine), []);
    engine.connect();
    assert_eq!(drain(&mut engine), [connect("")]);
    engine.connect();
    assert_eq!(drain(&mut engine), [], "a second connect() does nothing");
}

// Rule 14: the response.

#[test]
fn status_200_with_event_stream_opens() {
    let mut engine = engine();
    assert_eq!(open(&mut engine), [connect(""), Action::Open]);
    assert_eq!(engine.ready_state(), ReadyState::Open);
}

#[test]
fn content_type_parameters_and_case_are_accepted() {
    for content_type in [
        "text/event-stream;charset=utf-8",
        "text/event-stream; charset=UTF-8",
        "Text/Event-Stream",
        " text/event-stream ;x=y",
        "text/event-stream; charset=iso-8859-1",
    ] {
        let mut engine = engine();
        engine.connect();
        engine.on_response(200, Some(content_type), None);
        assert_eq!(drain(&mut engine), [connect(""), Action::Open], "{content_type}");
    }
}

#[test]
fn body_is_utf8_even_when_the_charset_says_otherwise() {
    let mut engine = engine();
    engine.connect();
    engine.on_response(200, Some("text/event-stream; charset=iso-8859-1"), None);
    drain(&mut engine);
    engine.on_chunk("data: é\n\n".as_bytes());
    assert_eq!(drain(&mut engine), [Action::Message(Event::new("", "é", ""))]);
}

#[test]
fn any_status_but_200_fails_for_good() {
    for status in [204, 201, 301, 401, 404, 500, 503] {
        let mut engine = engine();
        engine.connect();
        engine.on_response(status, SSE, None);
        let failed = Action::Failed { reason: Reason::Status(status), retries_exhausted: false };
        assert_eq!(drain(&mut engine), [connect(""), failed], "status {status}");
        assert_eq!(engine.ready_state(), ReadyState::Closed);
        engine.on_retry_timer();
        engine.on_end();
        engine.on_network_error();
        assert_eq!(drain(&mut engine), [], "no new request after {status}");
    }
}

#[test]
fn wrong_or_missing_content_type_fails_for_good() {
    for content_type in
        [Some("text/plain"), Some("text/event-streams"), Some("text/event-stream-x"), Some(""), None]
    {
        let mut engine = engine();
        engine.connect();
        engine.on_response(200, content_type, None);
        let failed = Action::Failed { reason: Reason::ContentType, retries_exhausted: false };
        assert_eq!(drain(&mut engine), [connect(""), failed], "{content_type:?}");
        assert_eq!(engine.ready_state(), ReadyState::Closed);
    }
}

// Rule 15: re-establishing.

#[test]
fn end_of_body_reconnects_after_the_reconnection_time() {
    let mut engine = engine_with(no_jitter());
    open(&mut engine);
    engine.on_end();
    let reconnect = Action::Reconnecting { delay_ms: 3_000, reason: Reason::BodyEnded, retry_after: false };
    assert_eq!(drain(&mut engine), [reconnect]);
    assert_eq!(engine.ready_state(), ReadyState::Connecting);
    engine.on_retry_timer();
    assert_eq!(drain(&mut engine), [connect("")]);
}

#[test]
fn server_retry_sets_the_reconnection_time() {
    let mut engine = engine_with(no_jitter());
    open(&mut engine);
    engine.on_chunk(b"retry: 1500\n");
    engine.on_end();
    assert_eq!(
        drain(&mut engine),
        [Action::Reconnecting { delay_ms: 1_500, reason: Reason::BodyEnded, retry_after: false }]
    );
}

#[test]
fn reconnect_sends_the_last_event_id() {
    let mut engine = engine();
    open(&mut engine);
    engine.on_chunk("id: ü-5\ndata: x\n\nid: 6\ndata: unterminated\n".as_bytes());
    engine.on_end();
    drain(&mut engine);
    engine.on_retry_timer();
    assert_eq!(drain(&mut engine), [connect("ü-5")]);
    assert_eq!(engine.last_event_id(), "ü-5");
}

#[test]
fn initial_last_event_id_is_sent_on_the_first_request() {
    let mut engine = Engine::new(RetryPolicy::default(), Parser::new().with_last_event_id("41"), 1).unwrap();
    engine.connect();
    assert_eq!(drain(&mut engine), [connect("41")]);
}

#[test]
fn network_error_before_or_after_open_reconnects() {
    let mut engine = engine_with(no_jitter());
    engine.connect();
    engine.on_network_error();
    assert_eq!(
        drain(&mut engine)[1..],
        [Action::Reconnecting { delay_ms: 3_000, reason: Reason::Network, retry_after: false }]
    );
    engine.on_retry_timer();
    engine.on_response(200, SSE, None);
    engine.on_chunk(b"data: a\n\n");
    engine.on_network_error();
    let actions = drain(&mut engine);
    assert!(matches!(actions.last(), Some(Action::Reconnecting { reason: Reason::Network, .. })));
    assert_eq!(engine.ready_state(), ReadyState::Connecting);
}

#[test]
fn an_event_cut_by_the_drop_is_not_dispatched() {
    let mut engine = engine();
    open(&mut engine);
    engine.on_chunk(b"data: half");
    engine.on_network_error();
    engine.on_retry_timer();
    engine.on_response(200, SSE, None);
    engine.on_chunk(b"\n\n");
    let messages: Vec<_> =
        drain(&mut engine).into_iter().filter(|a| matches!(a, Action::Message(_))).collect();
    assert_eq!(messages, []);
}

#[test]
fn stall_reconnects_from_streaming_or_while_waiting_for_headers() {
    let mut engine = engine_with(no_jitter());
    open(&mut engine);
    engine.on_stall();
    assert_eq!(
        drain(&mut engine),
        [Action::Reconnecting { delay_ms: 3_000, reason: Reason::Stalled, retry_after: false }]
    );
    engine.on_retry_timer();
    drain(&mut engine);
    engine.on_stall();
    assert!(matches!(drain(&mut engine).as_slice(), [Action::Reconnecting { reason: Reason::Stalled, .. }]));
}

// Rules 11 and 17: close.

#[test]
fn close_during_a_pending_reconnect_cancels_it() {
    let mut engine = engine();
    open(&mut engine);
    engine.on_end();
    drain(&mut engine);
    engine.close();
    assert_eq!(engine.ready_state(), ReadyState::Closed);
    engine.on_retry_timer();
    assert_eq!(drain(&mut engine), []);
}

#[test]
fn close_fires_nothing_and_drops_queued_events() {
    let mut engine = engine();
    open(&mut engine);
    engine.on_chunk(b"data: 1\n\ndata: 2\n\ndata: 3\n\n");
    assert!(matches!(engine.poll_action(), Some(Action::Message(_))));
    engine.close(); // e.g. from the first event's handler
    assert_eq!(drain(&mut engine), []);
    engine.on_chunk(b"data: 4\n\n");
    engine.on_end();
    engine.on_response(200, SSE, None);
    assert_eq!(drain(&mut engine), []);
}

#[test]
fn close_before_connect_prevents_the_request() {
    let mut engine = engine();
    engine.close();
    engine.connect();
    assert_eq!(drain(&mut engine), []);
}

// Inputs that arrive at the wrong time are ignored.

#[test]
fn stale_inputs_are_ignored() {
    let mut engine = engine();
    engine.on_chunk(b"data: early\n\n");
    engine.on_response(200, SSE, None);
    engine.on_end();
    engine.on_retry_timer();
    assert_eq!(drain(&mut engine), [], "nothing before connect()");
    open(&mut engine);
    engine.on_response(200, SSE, None);
    assert_eq!(drain(&mut engine), [], "a second response is ignored");
}

#[test]
fn comments_and_oversized_events_are_reported_while_the_stream_stays_open() {
    let mut engine = Engine::new(RetryPolicy::default(), Parser::new().with_max_event_size(8), 1).unwrap();
    open(&mut engine);
    engine.on_chunk(b": ping\ndata: far too long\n\ndata: ok\n\n");
    assert_eq!(
        drain(&mut engine),
        [
            Action::Comment("ping".into()),
            Action::Skipped(ParseError::EventTooLarge { limit: 8 }),
            Action::Message(Event::new("", "ok", "")),
        ]
    );
    assert_eq!(engine.ready_state(), ReadyState::Open);
}

// The retry policy.

/// From a pending reconnect: the next attempt fails before opening; returns its delay.
fn delay_after_failed_attempt(engine: &mut Engine) -> u64 {
    engine.on_retry_timer();
    engine.on_network_error();
    match drain(engine).as_slice() {
        [Action::Connect { .. }, Action::Reconnecting { delay_ms, .. }] => *delay_ms,
        other => panic!("expected a connect and a reconnect, got {other:?}"),
    }
}

/// From a pending reconnect: the next attempt opens, and the stream ends after `body`;
/// returns the delay of the reconnect that follows (left pending).
fn delay_after_opened_stream(engine: &mut Engine, body: &[u8]) -> u64 {
    engine.on_retry_timer();
    engine.on_response(200, SSE, None);
    engine.on_chunk(body);
    drain(engine);
    engine.on_end();
    match drain(engine).as_slice() {
        [Action::Reconnecting { delay_ms, .. }] => *delay_ms,
        other => panic!("expected a reconnect, got {other:?}"),
    }
}

/// A fresh engine whose first attempt failed; returns it and that attempt's delay.
fn failed_from_the_start(policy: RetryPolicy, seed: u64) -> (Engine, u64) {
    let mut engine = Engine::new(policy, Parser::new(), seed).expect("valid policy");
    engine.connect();
    engine.on_network_error();
    let delay = match drain(&mut engine).as_slice() {
        [Action::Connect { .. }, Action::Reconnecting { delay_ms, .. }] => *delay_ms,
        other => panic!("expected a connect and a reconnect, got {other:?}"),
    };
    (engine, delay)
}

#[test]
fn after_an_opened_connection_the_reconnect_waits_exactly_the_reconnection_time() {
    // The default policy, jitter included: no seed may move these delays.
    for seed in 0..200 {
        let mut engine = Engine::new(RetryPolicy::default(), Parser::new(), seed).unwrap();
        open(&mut engine);
        assert_eq!(delay_after_end(&mut engine), 3_000, "seed {seed}: the default reconnection time");
        for (retry, expected) in [(200, 200), (500, 500), (10_000, 10_000), (90_000, 90_000)] {
            let body = format!("retry: {retry}\ndata: x\n\n");
            assert_eq!(delay_after_opened_stream(&mut engine, body.as_bytes()), expected, "seed {seed}");
        }
        // A stream that opened and then stalled or broke is not a failed attempt either.
        engine.on_retry_timer();
        engine.on_response(200, SSE, None);
        drain(&mut engine);
        engine.on_stall();
        assert!(matches!(drain(&mut engine).as_slice(), [Action::Reconnecting { delay_ms: 90_000, .. }]));
        engine.on_retry_timer();
        engine.on_response(200, SSE, None);
        engine.on_network_error();
        assert!(matches!(drain(&mut engine).last(), Some(Action::Reconnecting { delay_ms: 90_000, .. })));
    }
}

#[test]
fn failed_attempts_back_off_by_the_factor_up_to_the_cap() {
    let policy = RetryPolicy { initial_delay_ms: 1_000, max_delay_ms: 8_000, ..no_jitter() };
    let (mut engine, first) = failed_from_the_start(policy, 1);
    let mut delays = vec![first];
    delays.extend((0..5).map(|_| delay_after_failed_attempt(&mut engine)));
    assert_eq!(delays, [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
}

#[test]
fn jitter_only_adds_to_the_backoff() {
    let ceilings = [3_000u64, 6_000, 12_000, 24_000, 48_000, 60_000, 60_000];
    let mut seen_above = false;
    for seed in 0..200 {
        let (mut engine, first) = failed_from_the_start(RetryPolicy::default(), seed);
        let mut delays = vec![first];
        delays.extend((1..ceilings.len()).map(|_| delay_after_failed_attempt(&mut engine)));
        for (delay, wait) in delays.into_iter().zip(ceilings) {
            assert!(
                (wait..=wait * 3 / 2).contains(&delay),
                "seed {seed}: {delay} outside [{wait}, {}]",
                wait * 3 / 2
            );
            seen_above |= delay > wait;
        }
    }
    assert!(seen_above, "jitter never moved a delay");
}

#[test]
fn full_jitter_adds_up_to_the_whole_wait() {
    let policy = RetryPolicy { initial_delay_ms: 1_000, jitter: 1.0, ..RetryPolicy::default() };
    let delays: Vec<u64> = (0..500).map(|seed| failed_from_the_start(policy.clone(), seed).1).collect();
    assert!(delays.iter().all(|&d| (1_000..=2_000).contains(&d)), "never below the reconnection time");
    assert!(delays.iter().any(|&d| d < 1_100) && delays.iter().any(|&d| d > 1_900));
}

#[test]
fn max_delay_never_shortens_the_servers_retry() {
    let policy = RetryPolicy { initial_delay_ms: 1_000, max_delay_ms: 8_000, ..no_jitter() };
    let mut engine = engine_with(policy);
    open(&mut engine);
    engine.on_chunk(b"retry: 20000\n");
    assert_eq!(delay_after_end(&mut engine), 20_000);
    let mut engine = engine_with(RetryPolicy { initial_delay_ms: 1_000, max_delay_ms: 8_000, ..no_jitter() });
    open(&mut engine);
    engine.on_chunk(b"retry: 20000\n");
    engine.on_end();
    drain(&mut engine);
    let delays: Vec<u64> = (0..3).map(|_| delay_after_failed_attempt(&mut engine)).collect();
    assert_eq!(
        delays,
        [20_000, 20_000, 20_000],
        "failures wait the server's retry, however small maxDelay is"
    );
}

#[test]
fn a_connection_that_opens_resets_the_backoff() {
    let policy = RetryPolicy { initial_delay_ms: 1_000, ..no_jitter() };
    let (mut engine, _) = failed_from_the_start(policy, 1);
    assert_eq!(delay_after_failed_attempt(&mut engine), 2_000);
    assert_eq!(delay_after_failed_attempt(&mut engine), 4_000);
    assert_eq!(delay_after_opened_stream(&mut engine, b""), 1_000);
    assert_eq!(delay_after_failed_attempt(&mut engine), 1_000, "the backoff starts over");
    assert_eq!(delay_after_failed_attempt(&mut engine), 2_000);
}

#[test]
fn same_seed_same_delays() {
    let run = |seed| {
        let (mut engine, first) = failed_from_the_start(RetryPolicy::default(), seed);
        let mut delays = vec![first];
        delays.extend((0..4).map(|_| delay_after_failed_attempt(&mut engine)));
        delays
    };
    assert_eq!(run(9), run(9));
    assert_ne!(run(9), run(10));
}

#[test]
fn retry_zero_cannot_make_failing_reconnects_spin() {
    let mut engine = engine_with(no_jitter());
    open(&mut engine);
    engine.on_chunk(b"retry: 0\n");
    let mut delays = vec![delay_after_end(&mut engine)];
    engine.on_end();
    drain(&mut engine);
    delays.extend((0..4).map(|_| delay_after_failed_attempt(&mut engine)));
    assert_eq!(delays, [100, 100, 200, 400, 800]);
}

#[test]
fn retry_zero_with_an_event_per_connection_still_waits_the_floor() {
    let mut engine = engine();
    open(&mut engine);
    for _ in 0..3 {
        engine.on_chunk(b"retry: 0\ndata: x\n\n");
        assert!(matches!(drain(&mut engine).as_slice(), [Action::Message(_)]));
        assert_eq!(delay_after_end(&mut engine), MIN_RECONNECT_DELAY_MS);
    }
}

#[test]
fn max_retries_gives_up_after_that_many_failed_reconnects() {
    let policy = RetryPolicy { max_retries: Some(2), ..no_jitter() };
    let mut engine = engine_with(policy);
    open(&mut engine);
    delay_after_end(&mut engine);
    delay_after_end(&mut engine);
    engine.on_end();
    assert_eq!(drain(&mut engine), [Action::Failed { reason: Reason::BodyEnded, retries_exhausted: true }]);
    assert_eq!(engine.ready_state(), ReadyState::Closed);
}

#[test]
fn max_retries_zero_never_reconnects() {
    let mut engine = engine_with(RetryPolicy { max_retries: Some(0), ..RetryPolicy::default() });
    engine.connect();
    engine.on_network_error();
    let failed = Action::Failed { reason: Reason::Network, retries_exhausted: true };
    assert_eq!(drain(&mut engine), [connect(""), failed]);
}

#[test]
fn retry_on_status_reconnects_and_honours_retry_after() {
    let policy =
        RetryPolicy { initial_delay_ms: 1_000, retry_on_status: vec![503], ..RetryPolicy::default() };
    let mut engine = engine_with(policy);
    engine.connect();
    engine.on_response(503, None, Some(5_000));
    let reconnect = Action::Reconnecting { delay_ms: 5_000, reason: Reason::Status(503), retry_after: true };
    assert_eq!(drain(&mut engine), [connect(""), reconnect]);
    assert_eq!(engine.ready_state(), ReadyState::Connecting);
    engine.on_retry_timer();
    engine.on_response(500, None, Some(5_000));
    let failed = Action::Failed { reason: Reason::Status(500), retries_exhausted: false };
    assert_eq!(drain(&mut engine), [connect(""), failed], "500 is not in the list");
}

#[test]
fn a_reconnect_says_whether_the_server_asked_for_its_wait() {
    let retry_after = |engine: &mut Engine| match drain(engine).last() {
        Some(Action::Reconnecting { retry_after, .. }) => *retry_after,
        other => panic!("expected Reconnecting, got {other:?}"),
    };
    let policy = RetryPolicy { retry_on_status: vec![503], ..no_jitter() };
    let mut engine = engine_with(policy);
    engine.connect();
    engine.on_response(503, None, Some(5_000));
    assert!(retry_after(&mut engine), "Retry-After: 5");
    engine.on_retry_timer();
    engine.on_response(503, None, None);
    assert!(!retry_after(&mut engine), "no Retry-After");
    engine.on_retry_timer();
    engine.on_response(503, None, Some(0));
    assert!(!retry_after(&mut engine), "Retry-After: 0 (or a date past) asks for no wait");
    engine.on_retry_timer();
    engine.on_response(503, None, Some(1));
    assert!(retry_after(&mut engine), "shorter than the backoff, but asked for");
    engine.on_retry_timer();
    engine.on_network_error();
    assert!(!retry_after(&mut engine), "a network error");
    engine.on_retry_timer();
    engine.on_response(200, Some("text/event-stream"), Some(9_000));
    drain(&mut engine);
    engine.on_end();
    assert!(!retry_after(&mut engine), "the Retry-After of a stream that opened is not kept");
    engine.on_retry_timer();
    engine.suspend();
    assert!(!retry_after(&mut engine), "suspended");
}

#[test]
fn retry_after_shorter_than_the_backoff_does_not_shorten_it() {
    let policy = RetryPolicy { initial_delay_ms: 4_000, retry_on_status: vec![429], ..no_jitter() };
    let mut engine = engine_with(policy);
    engine.connect();
    engine.on_response(429, None, Some(1_000));
    assert!(matches!(drain(&mut engine).last(), Some(Action::Reconnecting { delay_ms: 4_000, .. })));
}

#[test]
fn delays_are_clamped_to_what_a_timer_can_wait() {
    let policy = RetryPolicy { retry_on_status: vec![503], ..RetryPolicy::default() };
    let mut engine = engine_with(policy);
    engine.connect();
    engine.on_response(503, None, Some(u64::MAX));
    assert!(matches!(drain(&mut engine).last(), Some(Action::Reconnecting { delay_ms: MAX_TIMER_MS, .. })));
}

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    let now = 784_111_777_000; // Sun, 06 Nov 1994 08:49:37 GMT
    assert_eq!(retry_after_ms("120", now), Some(120_000));
    assert_eq!(retry_after_ms(" 0 ", now), Some(0));
    assert_eq!(retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(0));
    assert_eq!(retry_after_ms("Sun, 06 Nov 1994 08:50:07 GMT", now), Some(30_000));
    assert_eq!(retry_after_ms("Sat, 01 Jan 2000 00:00:00 GMT", 0), Some(946_684_800_000));
    assert_eq!(retry_after_ms("Thu, 29 Feb 2024 12:00:00 GMT", 0), Some(1_709_208_000_000));
    assert_eq!(retry_after_ms("Sat, 05 Nov 1994 08:49:37 GMT", now), Some(0), "a past date waits nothing");
    for bad in [
        "",
        "-1",
        "1.5",
        "soon",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
    ] {
        assert_eq!(retry_after_ms(bad, now), None, "{bad:?}");
    }
}

#[test]
fn nonsensical_policies_are_refused() {
    let refuse = |policy: RetryPolicy| Engine::new(policy, Parser::new(), 0).err();
    assert_eq!(refuse(RetryPolicy { factor: 0.5, ..RetryPolicy::default() }), Some(ConfigError::Factor));
    assert_eq!(refuse(RetryPolicy { factor: f64::NAN, ..RetryPolicy::default() }), Some(ConfigError::Factor));
    assert_eq!(
        refuse(RetryPolicy { factor: f64::INFINITY, ..RetryPolicy::default() }),
        Some(ConfigError::Factor)
    );
    assert_eq!(refuse(RetryPolicy { jitter: 1.5, ..RetryPolicy::default() }), Some(ConfigError::Jitter));
    assert_eq!(refuse(RetryPolicy { jitter: -0.1, ..RetryPolicy::default() }), Some(ConfigError::Jitter));
    let short_max = RetryPolicy { initial_delay_ms: 5_000, max_delay_ms: 1_000, ..RetryPolicy::default() };
    assert_eq!(refuse(short_max), Some(ConfigError::MaxDelay));
    assert_eq!(refuse(RetryPolicy::default()), None);
}

// Suspending (offline, hidden page): a reconnect that spends nothing.

#[test]
fn suspending_spends_no_retry_and_no_backoff() {
    let policy = RetryPolicy { max_retries: Some(0), initial_delay_ms: 1_000, ..no_jitter() };
    let mut engine = engine_with(policy);
    engine.connect();
    drain(&mut engine);
    for _ in 0..5 {
        engine.suspend();
        let waiting = Action::Reconnecting { delay_ms: 1_000, reason: Reason::Suspended, retry_after: false };
        assert_eq!(drain(&mut engine), [waiting], "max_retries 0 still waits, and the wait never grows");
        assert_eq!(engine.ready_state(), ReadyState::Connecting);
        engine.on_retry_timer();
        assert_eq!(drain(&mut engine), [connect("")]);
    }
    engine.on_network_error();
    let failed = Action::Failed { reason: Reason::Network, retries_exhausted: true };
    assert_eq!(drain(&mut engine), [failed], "a real failure still counts");
}

#[test]
fn suspending_an_open_stream_drops_the_cut_event_and_resumes_from_the_last_id() {
    let mut engine = engine();
    open(&mut engine);
    engine.on_chunk(b"id: 7\ndata: whole\n\ndata: cut");
    drain(&mut engine);
    engine.suspend();
    assert!(matches!(
        drain(&mut engine).as_slice(),
        [Action::Reconnecting { reason: Reason::Suspended, .. }]
    ));
    engine.on_retry_timer();
    assert_eq!(drain(&mut engine), [connect("7")]);
}

#[test]
fn suspending_while_waiting_closed_or_unstarted_does_nothing() {
    let mut engine = engine();
    engine.suspend();
    assert_eq!(drain(&mut engine), []);
    open(&mut engine);
    engine.on_end();
    drain(&mut engine);
    engine.suspend();
    assert_eq!(drain(&mut engine), [], "already waiting");
    engine.close();
    engine.suspend();
    assert_eq!(drain(&mut engine), []);
    assert_eq!(engine.ready_state(), ReadyState::Closed);
}

#[test]
fn suspending_keeps_the_backoff_reached_by_real_failures() {
    let mut engine = engine_with(RetryPolicy { initial_delay_ms: 1_000, ..no_jitter() });
    engine.connect();
    engine.on_network_error();
    engine.on_retry_timer();
    engine.on_network_error();
    let second = drain(&mut engine);
    assert!(matches!(second.last(), Some(Action::Reconnecting { delay_ms: 2_000, .. })), "{second:?}");
    engine.on_retry_timer();
    engine.suspend();
    let suspended = drain(&mut engine);
    assert!(matches!(suspended.last(), Some(Action::Reconnecting { delay_ms: 2_000, .. })), "{suspended:?}");
    engine.on_retry_timer();
    engine.on_network_error();
    let third = drain(&mut engine);
    assert!(matches!(third.last(), Some(Action::Reconnecting { delay_ms: 4_000, .. })), "{third:?}");
}

#[test]
fn a_status_no_response_can_have_fails_for_good_even_when_listed() {
    for status in [0, 100, 199, 600, 999, u16::MAX] {
        let policy = RetryPolicy { retry_on_status: vec![status], ..RetryPolicy::default() };
        let mut engine = engine_with(policy);
        engine.connect();
        engine.on_response(status, Some("text/event-stream"), None);
        let failed = Action::Failed { reason: Reason::Status(status), retries_exhausted: false };
        assert_eq!(drain(&mut engine), [connect(""), failed], "status {status}");
        assert_eq!(engine.ready_state(), ReadyState::Closed);
    }
}
