//! The native EventSource against the scripted test server (tests/server) over loopback:
//! the cases the browser client is tested on (tests/browser_source.rs and the format and
//! timing cases of tests/browser/), with real bytes and real reconnects.
#![cfg(all(not(target_arch = "wasm32"), feature = "native"))]

#[path = "native/format_cases.rs"]
mod format_cases;
#[path = "native/server.rs"]
mod server;

use futures::{FutureExt, StreamExt};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wasm_eventsource::engine::{ReadyState, RetryPolicy};
use wasm_eventsource::{Error, EventSource, MessageEvent, SseEvent};

/// A key no other test uses, so the server's log of it is this test's alone.
fn key(name: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("native-{name}-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

fn url(path_and_query: &str) -> String {
    format!("{}{path_and_query}", server::base())
}

/// Bytes as a query parameter value that carries any byte stream.
fn percent_encoded(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("%{byte:02X}")).collect()
}

type Item = Result<SseEvent, Error>;

/// The next item, or a panic after ten seconds (a busy 2-core machine can be slow).
async fn next(source: &mut EventSource) -> Option<Item> {
    tokio::time::timeout(Duration::from_secs(10), source.next()).await.expect("an item within 10 s")
}

/// The next `count` messages, skipping other items.
async fn messages(source: &mut EventSource, count: usize) -> Vec<MessageEvent> {
    let mut seen = Vec::new();
    while seen.len() < count {
        match next(source).await {
            Some(Ok(SseEvent::Message(message))) => seen.push(message),
            Some(Ok(_)) => {}
            other => panic!("stream ended early: {other:?}"),
        }
    }
    seen
}

fn data(messages: &[MessageEvent]) -> Vec<&str> {
    messages.iter().map(|message| message.data.as_str()).collect()
}

/// The requests the server saw for `key`, as its JSON log entries.
async fn requests(key: &str) -> Vec<Value> {
    let log = reqwest::get(url(&format!("/log?key={key}"))).await.unwrap().text().await.unwrap();
    match serde_json::from_str(&log).unwrap() {
        Value::Array(entries) => entries,
        other => panic!("not a log: {other}"),
    }
}

/// [`requests`] once `done` holds for them, polling every 20 ms for at most 10 s.
async fn requests_when(key: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let seen = requests(key).await;
        if done(&seen) || Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn all_closed(requests: &[Value]) -> bool {
    !requests.is_empty() && requests.iter().all(|request| request["closed"] == true)
}

fn json(data: &str) -> Value {
    serde_json::from_str(data).unwrap()
}

#[tokio::test]
async fn streams_open_then_messages_in_order() {
    let mut source =
        EventSource::new(url(&format!("/sse/counter?key={}&count=5&end=hang", key("order")))).unwrap();
    assert_eq!(source.ready_state(), ReadyState::Connecting);
    match next(&mut source).await {
        Some(Ok(SseEvent::Open { status, headers })) => {
            assert_eq!(status, 200);
            assert!(
                headers.iter().any(|(name, value)| name == "content-type" && value == "text/event-stream")
            );
        }
        other => panic!("expected Open, got {other:?}"),
    }
    assert_eq!(source.ready_state(), ReadyState::Open);
    let seen = messages(&mut source, 5).await;
    assert_eq!(data(&seen), ["1", "2", "3", "4", "5"]);
    for message in &seen {
        assert_eq!(message.event_type, "message");
        assert_eq!(message.id, message.data);
        assert_eq!(&*message.origin, server::base());
    }
    assert_eq!(source.last_event_id(), "5");
}

#[tokio::test]
async fn every_format_case_gives_the_spec_messages_in_any_chunking() {
    let cases = format_cases::format_cases();
    // The JavaScript list is the reference: same count, same names.
    let javascript = include_str!("browser/format-cases.mjs");
    assert_eq!(javascript.matches("\n  ['").count(), cases.len(), "as many cases as format-cases.mjs");
    for case in &cases {
        assert!(javascript.contains(&format!("['{}',", case.name)), "{} is in format-cases.mjs", case.name);
        for chunk in [None, Some(1), Some(3)] {
            let chunking = chunk.map_or(String::new(), |size| format!("&chunk={size}"));
            let body = percent_encoded(&case.body);
            let source_url = url(&format!("/sse/raw?key={}&then=204&body={body}{chunking}", key("format")));
            let mut source = EventSource::new(source_url).unwrap();
            let mut seen = Vec::new();
            // The body ends, the source reconnects and gets 204: the stream fails and ends.
            while let Some(item) = next(&mut source).await {
                if let Ok(SseEvent::Message(message)) = item {
                    seen.push((message.event_type.into_owned(), message.data, message.id));
                }
            }
            let want: Vec<_> = case
                .messages
                .iter()
                .map(|(kind, data, id)| (kind.to_string(), data.to_string(), id.to_string()))
                .collect();
            assert_eq!(seen, want, "{} ({chunk:?}-byte chunks)", case.name);
        }
    }
}

#[tokio::test]
async fn headers_and_a_post_body_arrive() {
    let body = "prompt: héllo wörld ✓";
    let mut source = EventSource::builder(url(&format!("/sse/echo?key={}&end=hang", key("echo"))))
        .header("Authorization", "Bearer t0k3n")
        .body(body)
        .query("extra", "1")
        .build()
        .unwrap();
    let report = json(&messages(&mut source, 1).await[0].data);
    assert_eq!(report["method"], "POST");
    assert_eq!(report["headers"]["authorization"], "Bearer t0k3n");
    assert_eq!(report["headers"]["accept"], "text/event-stream");
    assert_eq!(report["body"]["text"], body);
}

#[tokio::test]
async fn any_method_and_a_byte_body_arrive() {
    let body = vec![0u8, 1, 2, 255, 254];
    let mut source = EventSource::builder(url(&format!("/sse/echo?key={}&end=hang", key("put"))))
        .method("PUT")
        .body(body.clone())
        .build()
        .unwrap();
    let report = json(&messages(&mut source, 1).await[0].data);
    assert_eq!(report["method"], "PUT");
    assert_eq!(report["body"]["length"], body.len());
}

#[tokio::test]
async fn the_header_functions_run_before_every_reconnect() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let mut source = EventSource::builder(url(&format!("/sse/echo?key={}&retry=10", key("fresh"))))
        .header("Authorization", "Bearer fixed")
        .headers_fn(move || {
            let call = counter.fetch_add(1, Ordering::SeqCst) + 1;
            vec![("Authorization".into(), format!("Bearer token-{call}"))]
        })
        .build()
        .unwrap();
    let tokens: Vec<_> = messages(&mut source, 3)
        .await
        .iter()
        .map(|m| json(&m.data)["headers"]["authorization"].clone())
        .collect();
    assert_eq!(tokens, ["Bearer token-1", "Bearer token-2", "Bearer token-3"]);

    let mut source = EventSource::builder(url(&format!("/sse/echo?key={}&retry=10", key("async"))))
        .headers_async(|| async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            vec![("X-Computed".into(), "later".into())]
        })
        .build()
        .unwrap();
    let report = json(&messages(&mut source, 2).await[1].data);
    assert_eq!(report["headers"]["x-computed"], "later");
}

#[tokio::test]
async fn resuming_with_last_event_id_loses_and_repeats_nothing() {
    let key = key("resume");
    let mut source =
        EventSource::new(url(&format!("/sse/counter?key={key}&count=20&per=3&retry=5"))).unwrap();
    let mut reconnects = 0;
    let mut seen = Vec::new();
    while seen.len() < 20 {
        match next(&mut source).await {
            Some(Ok(SseEvent::Message(message))) => seen.push(message.data.parse::<u32>().unwrap()),
            Some(Ok(SseEvent::Reconnecting { cause, .. })) => {
                assert_eq!(cause, Error::Ended);
                reconnects += 1;
            }
            Some(Ok(SseEvent::Open { .. })) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(seen, (1..=20).collect::<Vec<_>>());
    assert_eq!(reconnects, 6);
    let ids: Vec<_> = requests(&key).await.iter().map(|request| request["lastEventId"].clone()).collect();
    assert_eq!(ids[..3], [Value::Null, "3".into(), "6".into()]);
}

#[tokio::test]
async fn a_non_ascii_last_event_id_is_sent_as_its_utf8_bytes() {
    for id in ["ü-é-ÿ", "é…3", "ü-é-😀"] {
        let key = key("utf8-id");
        let body = percent_encoded(format!("retry: 10\nid: {id}\ndata: a\n\n").as_bytes());
        let mut source = EventSource::new(url(&format!("/sse/raw?key={key}&then=204&body={body}"))).unwrap();
        while next(&mut source).await.is_some() {}
        let seen = requests(&key).await;
        assert_eq!(seen[1]["lastEventId"], id);
    }
}

#[tokio::test]
async fn a_hundred_thousand_events_over_two_hundred_drops_arrive_exactly_once() {
    // Each drop cuts the next event at a random byte: inside a multi-byte character,
    // between CR and LF, or at its end.
    let key = key("exactly-once");
    let count = 100_000u32;
    let mut source =
        EventSource::new(url(&format!("/sse/sequence?key={key}&count={count}&drops=200&seed=2027"))).unwrap();
    let mut expected = 1u32;
    let mut reconnects = 0;
    while expected <= count {
        match next(&mut source).await {
            Some(Ok(SseEvent::Message(message))) => {
                let want = expected.to_string();
                assert_eq!(message.id, want);
                assert_eq!(message.data, format!("{want} \u{2713}"));
                expected += 1;
            }
            Some(Ok(SseEvent::Reconnecting { cause, .. })) => {
                assert!(matches!(cause, Error::Network(_)), "{cause:?}");
                reconnects += 1;
            }
            Some(Ok(SseEvent::Open { .. })) => {}
            other => panic!("unexpected {other:?} after {} events", expected - 1),
        }
    }
    assert_eq!(reconnects, 200, "each drop costs one reconnect");
    drop(source);
    let seen = requests_when(&key, all_closed).await;
    assert_eq!(seen.len(), 201);
    assert!(all_closed(&seen), "the server saw every connection closed");
}

#[tokio::test]
async fn each_reconnect_waits_the_retry_time_after_the_body_ended_timed_at_the_server() {
    for retry in [200u64, 500] {
        let key = key("timing");
        let mut source =
            EventSource::new(url(&format!("/sse/counter?key={key}&count=3&per=1&retry={retry}"))).unwrap();
        let retries: Vec<_> = {
            let mut delays = Vec::new();
            let mut seen = 0;
            while seen < 3 {
                match next(&mut source).await {
                    Some(Ok(SseEvent::Message(_))) => seen += 1,
                    Some(Ok(SseEvent::Reconnecting { retry_in, .. })) => delays.push(retry_in),
                    Some(Ok(SseEvent::Open { .. })) => {}
                    other => panic!("unexpected {other:?}"),
                }
            }
            delays
        };
        assert_eq!(retries, [Duration::from_millis(retry); 2], "no jitter after a stream that opened");
        let seen = requests(&key).await;
        // From the server sending the end of one body to the next request arriving. Never
        // sooner; later by at most 250 ms (a busy 2-core machine schedules late).
        let gaps: Vec<f64> = seen
            .windows(2)
            .map(|pair| pair[1]["at"].as_f64().unwrap() - pair[0]["endedAt"].as_f64().unwrap())
            .collect();
        assert_eq!(gaps.len(), 2, "{gaps:?}");
        assert!(gaps.iter().all(|&gap| gap >= retry as f64 - 1.0), "retry {retry}: gaps {gaps:?}");
        assert!(gaps.iter().all(|&gap| gap <= retry as f64 + 250.0), "retry {retry}: gaps {gaps:?}");
    }
}

#[tokio::test]
async fn retry_after_on_a_retried_status_is_a_floor_on_the_wait() {
    let key = key("retry-after");
    let policy = RetryPolicy { initial_delay_ms: 10, retry_on_status: vec![503], ..RetryPolicy::default() };
    let source_url = url(&format!("/sse/raw?key={key}&status=503&retry_after=1&ct=text/plain"));
    let mut source = EventSource::builder(source_url).retry(policy).build().unwrap();
    for _ in 0..2 {
        match next(&mut source).await {
            Some(Ok(SseEvent::Reconnecting { retry_in, cause: Error::Status(response) })) => {
                assert_eq!(response.status, 503);
                assert!(retry_in >= Duration::from_secs(1), "{retry_in:?}");
            }
            other => panic!("expected a reconnect after 503, got {other:?}"),
        }
    }
    // Timed at the server: the second request came at least Retry-After after the first
    // (the policy alone would have waited 100 ms).
    let seen = requests_when(&key, |seen| seen.len() >= 2).await;
    let gap = seen[1]["at"].as_f64().unwrap() - seen[0]["at"].as_f64().unwrap();
    assert!(gap >= 1000.0, "the second request came {gap} ms after the first");
}

#[tokio::test]
async fn a_stalled_stream_reconnects() {
    let key = key("stall");
    let body = percent_encoded(b"retry: 10\ndata: one\n\n");
    let mut source = EventSource::builder(url(&format!("/sse/raw?key={key}&end=hang&body={body}")))
        .stall_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    assert_eq!(data(&messages(&mut source, 1).await), ["one"]);
    let started = Instant::now();
    loop {
        match next(&mut source).await {
            Some(Ok(SseEvent::Reconnecting { cause, .. })) => {
                assert_eq!(cause, Error::Stalled);
                break;
            }
            Some(Ok(SseEvent::Open { .. })) => {}
            other => panic!("expected a stall, got {other:?}"),
        }
    }
    assert!(started.elapsed() >= Duration::from_millis(250), "stalled after {:?}", started.elapsed());
    assert_eq!(data(&messages(&mut source, 1).await), ["one"], "and reconnected");
    let seen = requests_when(&key, |seen| seen.first().is_some_and(|first| first["closed"] == true)).await;
    assert_eq!(seen[0]["closed"], true, "the stalled request was dropped");
}

#[tokio::test(flavor = "current_thread")]
async fn a_slow_consumer_holds_the_stream_back_and_loses_nothing() {
    let count = 200_000;
    let mut source =
        EventSource::builder(url(&format!("/sse/bulk?key={}&count={count}&size=64", key("slow"))))
            .max_queued_events(100)
            .stall_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
    let mut received = messages(&mut source, 10).await.len();
    // The consumer dawdles; the source must stop reading (and not call it a stall).
    tokio::time::sleep(Duration::from_secs(1)).await;
    // On this one-thread runtime the task cannot run while items are taken without
    // yielding, so this counts what the queue held: its bound, plus at most the events of
    // the one read that filled it (a read is up to 64 KiB: 1,024 of these events).
    // Without the bound the source reads all 200,000 (12.8 MB) in that second.
    let mut queued = 0;
    while let Some(Some(item)) = source.next().now_or_never() {
        assert!(matches!(item, Ok(SseEvent::Message(_))), "{item:?}");
        queued += 1;
    }
    assert!(queued <= 100 + 1024, "{queued} items were queued");
    received += queued;
    while received < count {
        match next(&mut source).await {
            Some(Ok(SseEvent::Message(_))) => received += 1,
            other => panic!("unexpected {other:?} after {received} messages"),
        }
    }
}

#[tokio::test]
async fn a_fatal_status_ends_the_stream_with_status_and_body() {
    let source_url = url(&format!("/sse/raw?key={}&status=404&ct=text/plain&body=not%20here", key("fatal")));
    let mut source = EventSource::new(source_url).unwrap();
    match next(&mut source).await {
        Some(Err(Error::Status(response))) => {
            assert_eq!(response.status, 404);
            assert_eq!(response.status_text, "Not Found");
            assert!(response.headers.iter().any(|(name, value)| name == "x-test" && value == "scenario"));
            assert!(next(&mut source).await.is_none());
            assert_eq!(source.ready_state(), ReadyState::Closed);
            drop(source);
            // The body is the error's own: it can be read after the source is gone.
            assert_eq!(response.body.text().await, "not here");
            assert_eq!(response.body.text().await, "not here", "the same text every time");
        }
        other => panic!("expected a status error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_content_type_fails_at_the_headers_and_its_body_is_read_on_request() {
    // 1,400 bytes of heartbeats, 7 bytes every 20 ms: about 4 s to the end of the body.
    let beats = ":%20beat%0A".repeat(200);
    let source_url =
        url(&format!("/sse/raw?key={}&ct=text/plain&chunk=7&delay=20&body={beats}", key("early")));
    let started = Instant::now();
    let mut source = EventSource::new(source_url).unwrap();
    let Some(Err(Error::NotEventStream(response))) = next(&mut source).await else {
        panic!("expected a content-type error");
    };
    assert!(started.elapsed() < Duration::from_millis(1500), "failed after {:?}", started.elapsed());
    assert_eq!(response.body.text().await, ": beat\n".repeat(200));
}

#[tokio::test]
async fn a_failed_body_is_read_up_to_the_maximum_error_body_size() {
    let source_url = url(&format!("/sse/raw?key={}&status=500&fill=5000&body={{fill}}", key("bound")));
    let mut source = EventSource::builder(source_url).max_error_body_size(1000).build().unwrap();
    let Some(Err(Error::Status(response))) = next(&mut source).await else {
        panic!("expected a status error");
    };
    assert_eq!(response.body.text().await, "x".repeat(1000));
}

#[tokio::test]
async fn a_failed_body_that_stops_sending_gives_what_arrived_after_the_stall_timeout() {
    let source_url = url(&format!("/sse/raw?key={}&status=500&end=hang&body=half", key("idle-body")));
    let mut source =
        EventSource::builder(source_url).stall_timeout(Duration::from_millis(300)).build().unwrap();
    let Some(Err(Error::Status(response))) = next(&mut source).await else {
        panic!("expected a status error");
    };
    let text = tokio::time::timeout(Duration::from_secs(5), response.body.text()).await;
    assert_eq!(text.as_deref(), Ok("half"), "the read ends after the stall timeout");
}

#[tokio::test]
async fn an_unread_failed_body_is_let_go_when_its_error_is_dropped() {
    let key = key("unread");
    let source_url = url(&format!("/sse/raw?key={key}&status=500&chunk=1&delay=100&end=hang&body=busy"));
    let mut source = EventSource::new(source_url).unwrap();
    let error = next(&mut source).await;
    assert!(matches!(error, Some(Err(Error::Status(_)))), "{error:?}");
    assert_eq!(requests(&key).await[0]["closed"], false, "the body is kept while its error lives");
    drop(error);
    assert!(all_closed(&requests_when(&key, all_closed).await));
}

#[tokio::test]
async fn a_retried_failed_body_is_let_go_at_the_next_attempt() {
    let key = key("retried-body");
    let policy = RetryPolicy { initial_delay_ms: 10, retry_on_status: vec![503], ..RetryPolicy::default() };
    let source_url = url(&format!("/sse/raw?key={key}&status=503&chunk=1&delay=100&end=hang&body=busy"));
    let mut source = EventSource::builder(source_url).retry(policy).build().unwrap();
    let mut kept = Vec::new();
    while kept.len() < 3 {
        if let Some(Ok(SseEvent::Reconnecting { cause, .. })) = next(&mut source).await {
            kept.push(cause);
        }
    }
    // The errors are still held, but each attempt let the one before go.
    let seen =
        requests_when(&key, |seen| seen.len() >= 3 && seen[..2].iter().all(|r| r["closed"] == true)).await;
    assert!(seen[..2].iter().all(|request| request["closed"] == true), "{seen:?}");
}

#[tokio::test]
async fn max_retries_ends_with_retries_exhausted() {
    let policy = RetryPolicy { initial_delay_ms: 5, max_retries: Some(2), ..RetryPolicy::default() };
    let mut source = EventSource::builder(url(&format!("/sse/raw?key={}&body=", key("exhaust"))))
        .retry(policy)
        .build()
        .unwrap();
    let mut reconnects = 0;
    loop {
        match next(&mut source).await {
            Some(Ok(SseEvent::Reconnecting { .. })) => reconnects += 1,
            Some(Ok(_)) => {}
            Some(Err(Error::RetriesExhausted(last))) => {
                assert_eq!(*last, Error::Ended);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(reconnects, 2);
    assert!(next(&mut source).await.is_none());
}

#[tokio::test]
async fn a_refused_connection_is_a_network_error_and_backs_off() {
    // A port that was free a moment ago: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let policy =
        RetryPolicy { initial_delay_ms: 10, jitter: 0.0, max_retries: Some(3), ..RetryPolicy::default() };
    let mut source = EventSource::builder(format!("http://127.0.0.1:{port}/")).retry(policy).build().unwrap();
    let mut delays = Vec::new();
    loop {
        match next(&mut source).await {
            Some(Ok(SseEvent::Reconnecting { retry_in, cause: Error::Network(_) })) => delays.push(retry_in),
            Some(Err(Error::RetriesExhausted(last))) => {
                assert!(matches!(*last, Error::Network(_)), "{last:?}");
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let ms = |n| Duration::from_millis(n);
    assert_eq!(delays, [ms(100), ms(200), ms(400)], "backoff from the 100 ms floor, doubling");
}

#[tokio::test]
async fn dropping_the_source_aborts_the_request() {
    let key = key("drop");
    let mut source = EventSource::new(url(&format!("/sse/counter?key={key}&count=2&end=hang"))).unwrap();
    messages(&mut source, 2).await;
    drop(source);
    assert!(all_closed(&requests_when(&key, all_closed).await));
}

#[tokio::test]
async fn last_event_id_param_resumes_with_a_query_parameter_instead_of_the_header() {
    let key = key("param");
    let mut source = EventSource::builder(url(&format!("/sse/counter?key={key}&count=4&per=2&retry=50")))
        .last_event_id_param("lastEventId")
        .build()
        .unwrap();
    assert_eq!(data(&messages(&mut source, 4).await), ["1", "2", "3", "4"]);
    drop(source);
    let seen = requests(&key).await;
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|request| request["lastEventId"].is_null()), "no header: {seen:?}");
}

/// The query of a URL (before any fragment), if it has one.
fn query_of(url: &str) -> Option<&str> {
    url.split('#').next()?.split_once('?').map(|(_, query)| query)
}

/// Each case of tests/common/last-event-id-url.json on a request to the test server: the
/// query it receives is the vectors' (after the test's own parameters; a fragment is not sent).
#[tokio::test]
async fn the_last_event_id_parameter_reaches_the_server_as_the_shared_vectors_say() {
    let vectors: Value = json(include_str!("common/last-event-id-url.json"));
    for case in vectors["cases"].as_array().unwrap() {
        let [written, name, id, want] =
            ["url", "name", "id", "want"].map(|field| case[field].as_str().unwrap());
        let key = key("param-url");
        let ours = format!("key={key}&status=204");
        let sent = match query_of(written) {
            Some(query) => format!("/sse/raw?{ours}&{query}"),
            None => format!("/sse/raw?{ours}"),
        };
        let mut source =
            EventSource::builder(url(&sent)).last_event_id(id).last_event_id_param(name).build().unwrap();
        // 204 fails the source: its one request has been answered.
        assert!(matches!(next(&mut source).await, Some(Err(Error::Status(_)))));
        let seen = requests(&key).await;
        assert_eq!(
            seen[0]["query"],
            format!("{ours}&{}", query_of(want).unwrap()),
            "{name:?}={id:?} on {written}"
        );
    }
}

#[tokio::test]
async fn a_dropped_handle_leaves_the_source_open_and_close_ends_it() {
    let key = key("handle");
    let mut source =
        EventSource::new(url(&format!("/sse/counter?key={key}&count=3&interval=100&end=hang"))).unwrap();
    let handle = source.handle();
    let second = handle.clone();
    drop(handle);
    assert_eq!(data(&messages(&mut source, 3).await), ["1", "2", "3"]);
    assert_eq!(requests(&key).await[0]["closed"], false);
    std::thread::spawn(move || second.close()).join().unwrap();
    assert!(next(&mut source).await.is_none());
    assert_eq!(source.ready_state(), ReadyState::Closed);
    assert!(all_closed(&requests_when(&key, all_closed).await));
}

#[tokio::test]
async fn close_drops_the_items_not_yet_taken() {
    let mut source =
        EventSource::new(url(&format!("/sse/bulk?key={}&count=5000&size=64", key("close")))).unwrap();
    messages(&mut source, 1).await;
    // Thousands of events are in flight or queued by now; none may come after close().
    source.handle().close();
    assert!(next(&mut source).await.is_none());
}

#[tokio::test]
async fn an_oversized_event_is_an_error_and_the_stream_goes_on() {
    let source_url = url(&format!(
        "/sse/raw?key={}&fill=5000&body=data:%20{{fill}}%0A%0Adata:%20ok%0A%0A&end=hang",
        key("big")
    ));
    let mut source = EventSource::builder(source_url).max_event_size(1024).build().unwrap();
    assert!(matches!(next(&mut source).await, Some(Ok(SseEvent::Open { .. }))));
    assert_eq!(next(&mut source).await, Some(Err(Error::EventTooLarge { limit: 1024 })));
    assert_eq!(data(&messages(&mut source, 1).await), ["ok"]);
}

#[tokio::test]
async fn a_given_last_event_id_is_sent_on_the_first_request() {
    let key = key("given-id");
    let mut source = EventSource::builder(url(&format!("/sse/counter?key={key}&count=7&end=hang")))
        .last_event_id("5")
        .build()
        .unwrap();
    assert_eq!(data(&messages(&mut source, 2).await), ["6", "7"]);
    assert_eq!(requests(&key).await[0]["lastEventId"], "5");
}

#[tokio::test]
async fn bad_input_is_refused_at_build() {
    assert!(matches!(EventSource::new("/relative"), Err(Error::InvalidUrl(_))));
    assert!(matches!(EventSource::new("ftp://example.com/x"), Err(Error::InvalidUrl(_))));
    let builder = || EventSource::builder("http://127.0.0.1:9/x");
    assert!(matches!(builder().method("GET").body("x").build(), Err(Error::InvalidRequest(_))));
    assert!(matches!(builder().method("BAD METHOD").build(), Err(Error::InvalidRequest(_))));
    assert!(matches!(builder().header("bad name", "x").build(), Err(Error::InvalidRequest(_))));
    // As the JavaScript class refuses `lastEventIdParam: ''`: the server would get `?=<id>`.
    assert!(matches!(builder().last_event_id_param("").build(), Err(Error::InvalidRequest(_))));
    let policy = RetryPolicy { factor: 0.5, ..RetryPolicy::default() };
    assert!(matches!(builder().retry(policy).build(), Err(Error::InvalidConfig(_))));
}

#[test]
fn building_outside_a_tokio_runtime_is_an_error() {
    assert!(matches!(EventSource::new("http://127.0.0.1:9/x"), Err(Error::InvalidRequest(_))));
}

#[test]
fn the_source_and_its_handle_are_send() {
    fn send<T: Send>() {}
    fn send_sync<T: Send + Sync>() {}
    send::<EventSource>();
    send_sync::<wasm_eventsource::EventSourceHandle>();
    send_sync::<wasm_eventsource::EventSourceBuilder>();
    send_sync::<Error>();
}

#[cfg(feature = "serde")]
#[tokio::test]
async fn messages_decode_as_json() {
    let mut source =
        EventSource::new(url(&format!("/sse/counter?key={}&count=1&end=hang", key("json")))).unwrap();
    let message = messages(&mut source, 1).await.remove(0);
    assert_eq!(message.json::<u64>().unwrap(), 1);
    assert!(message.json::<String>().is_err());
}

/// A message sent before a reconnect that lands on another origin keeps its own origin,
/// even when the consumer takes it in the same batch as the messages after the reconnect.
#[tokio::test]
async fn each_message_keeps_the_origin_of_its_own_connection_across_a_redirected_reconnect() {
    let first_origin = server::base();
    let second_origin = first_origin.replace("127.0.0.1", "localhost");
    let (redirect_key, later_key) = (key("origin-redirect"), key("origin-later"));
    let first = format!("{first_origin}/sse/raw?key={}&body=id:%201%0Adata:%20a%0A%0A", key("origin-first"));
    let later = format!("{second_origin}/sse/raw?key={later_key}&body=data:%20b%0A%0A&end=hang");
    let source_url = url(&format!(
        "/sse/redirect?key={redirect_key}&to={}&later={}",
        percent_encoded(first.as_bytes()),
        percent_encoded(later.as_bytes())
    ));
    let policy = RetryPolicy { initial_delay_ms: 10, ..RetryPolicy::default() };
    let mut source = EventSource::builder(source_url).retry(policy).build().unwrap();
    // Nothing is taken before the second connection's body was sent: both connections'
    // items wait in the queue together.
    requests_when(&later_key, |seen| !seen.is_empty()).await;
    let mut seen = Vec::new();
    while seen.len() < 5 {
        match next(&mut source).await {
            Some(Ok(SseEvent::Open { .. })) => seen.push("open".to_string()),
            Some(Ok(SseEvent::Message(message))) => {
                seen.push(format!("{} {} from {}", message.data, message.id, message.origin))
            }
            Some(Ok(SseEvent::Reconnecting { cause: Error::Ended, .. })) => seen.push("reconnecting".into()),
            other => panic!("unexpected {other:?} after {seen:?}"),
        }
    }
    assert_eq!(
        seen,
        [
            "open".to_string(),
            format!("a 1 from {first_origin}"),
            "reconnecting".into(),
            "open".into(),
            format!("b 1 from {second_origin}"),
        ]
    );
}

/// What a hostile server can put in a message's fields: bytes that are not UTF-8 (each
/// bad sequence becomes U+FFFD), a 100 KB event name, and ids, one of them not UTF-8.
#[tokio::test]
async fn invalid_utf8_and_a_huge_event_name_arrive_as_the_spec_decodes_them() {
    let body = percent_encoded(b"event: {fill}\nid: \xff\xfe7\ndata: \xc3\x28bad\n\nid: 8\ndata: ok\n\n");
    let source_url = url(&format!("/sse/raw?key={}&fill=100000&body={body}&end=hang", key("hostile-bytes")));
    let mut source = EventSource::new(source_url).unwrap();
    let seen = messages(&mut source, 2).await;
    assert_eq!(seen[0].event_type.len(), 100_000);
    assert!(seen[0].event_type.bytes().all(|byte| byte == b'x'));
    assert_eq!((seen[0].id.as_str(), seen[0].data.as_str()), ("\u{FFFD}\u{FFFD}7", "\u{FFFD}(bad"));
    assert_eq!((&*seen[1].event_type, seen[1].id.as_str(), seen[1].data.as_str()), ("message", "8", "ok"));
    assert_eq!(source.last_event_id(), "8");
}

/// With room for one item, every item (open, messages, a skipped event's error, the
/// reconnect, the next open) comes in the order the server's bytes gave them, the bytes
/// arriving a few at a time.
#[tokio::test]
async fn with_one_queued_item_every_kind_of_item_keeps_its_order() {
    let body = percent_encoded(b"data: 1\n\ndata: {fill}\n\nid: 2\ndata: 2\n\n");
    let again = percent_encoded(b"data: 3\n\n");
    let source_url =
        url(&format!("/sse/raw?key={}&fill=2000&chunk=7&body={body}&again={again}", key("one-queued")));
    let policy = RetryPolicy { initial_delay_ms: 10, ..RetryPolicy::default() };
    let mut source = EventSource::builder(source_url)
        .retry(policy)
        .max_queued_events(1)
        .max_event_size(1000)
        .build()
        .unwrap();
    let mut seen = Vec::new();
    while seen.len() < 7 {
        let item = match next(&mut source).await {
            Some(Ok(SseEvent::Open { .. })) => "open".to_string(),
            Some(Ok(SseEvent::Message(message))) => format!("{} {}", message.data, message.id),
            Some(Ok(SseEvent::Reconnecting { cause: Error::Ended, .. })) => "reconnecting".into(),
            Some(Err(Error::EventTooLarge { limit: 1000 })) => "too large".into(),
            other => panic!("unexpected {other:?} after {seen:?}"),
        };
        seen.push(item);
        // A slow consumer: the task fills the queue while this one waits.
        tokio::task::yield_now().await;
    }
    assert_eq!(seen, ["open", "1 ", "too large", "2 2", "reconnecting", "open", "3 2"]);
}

/// A handle closing the source from another thread while the consumer holds a taken
/// batch: nothing more comes, and the server sees the connection closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_from_another_thread_mid_batch_yields_nothing_more() {
    let key = key("close-thread");
    let mut source = EventSource::builder(url(&format!("/sse/bulk?key={key}&count=100000&size=64")))
        .max_queued_events(10_000)
        .build()
        .unwrap();
    messages(&mut source, 2).await;
    let handle = source.handle();
    std::thread::spawn(move || handle.close()).join().unwrap();
    assert!(next(&mut source).await.is_none());
    assert!(next(&mut source).await.is_none());
    assert_eq!(source.ready_state(), ReadyState::Closed);
    assert!(all_closed(&requests_when(&key, all_closed).await));
}

/// Megabyte events in a burst to a consumer that yields between them, with room for two
/// items: each arrives whole, and dropping the source while it holds a taken batch closes
/// it for its handles and the server.
#[tokio::test]
async fn megabyte_events_in_a_burst_arrive_whole_and_a_drop_mid_batch_closes() {
    let key = key("megabyte-burst");
    let size = 1 << 20;
    let source_url = url(&format!("/sse/bulk?key={key}&count=16&size={size}"));
    let mut source = EventSource::builder(source_url).max_queued_events(2).build().unwrap();
    let handle = source.handle();
    for _ in 0..8 {
        let message = messages(&mut source, 1).await.remove(0);
        assert_eq!(message.data.len(), size - 8);
        assert!(message.data.bytes().all(|byte| byte == b'x'));
        tokio::task::yield_now().await;
    }
    drop(source);
    assert_eq!(handle.ready_state(), ReadyState::Closed);
    assert!(all_closed(&requests_when(&key, all_closed).await));
}
