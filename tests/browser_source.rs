//! The Rust-native EventSource in headless Chromium against the test SSE server
//! (run through scripts/with-test-server.sh, which sets SSE_TEST_SERVER at build time).
#![cfg(all(target_arch = "wasm32", feature = "browser"))]

use futures_util::StreamExt;
use futures_util::future::{Either, select};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Function, Promise, Reflect};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use wasm_eventsource::engine::{ReadyState, RetryPolicy};
use wasm_eventsource::policy::Suspension;
use wasm_eventsource::{Error, EventSource, SseEvent};

wasm_bindgen_test_configure!(run_in_browser);

/// Set by scripts/with-test-server.sh; without it every test fails with a clear message.
const SERVER: &str = match option_env!("SSE_TEST_SERVER") {
    Some(server) => server,
    None => "http://run-these-tests-through-scripts-with-test-server.sh.invalid",
};

fn key(name: &str) -> String {
    format!("{name}-{}", (js_sys::Math::random() * 1e12) as u64)
}

/// The next item, or a panic after five seconds.
async fn next(source: &mut EventSource) -> Option<Result<SseEvent, Error>> {
    match select(source.next(), TimeoutFuture::new(5_000)).await {
        Either::Left((item, _)) => item,
        Either::Right(_) => panic!("no item within 5 s"),
    }
}

/// The data of the next `count` messages, skipping other items.
async fn messages(source: &mut EventSource, count: usize) -> Vec<String> {
    let mut data = Vec::new();
    while data.len() < count {
        match next(source).await {
            Some(Ok(SseEvent::Message(message))) => data.push(message.data),
            Some(Ok(_)) => {}
            other => panic!("stream ended early: {other:?}"),
        }
    }
    data
}

/// Fetches `url` with the global fetch and parses JSON.
async fn fetch_json(url: &str) -> JsValue {
    let global = js_sys::global();
    let fetch: Function = Reflect::get(&global, &"fetch".into()).unwrap().unchecked_into();
    let response =
        JsFuture::from(fetch.call1(&global, &url.into()).unwrap().unchecked_into::<Promise>()).await.unwrap();
    let json: Function = Reflect::get(&response, &"json".into()).unwrap().unchecked_into();
    JsFuture::from(json.call0(&response).unwrap().unchecked_into::<Promise>()).await.unwrap()
}

/// The requests the server saw for `key`, as (Last-Event-ID, closed) pairs. CORS
/// preflights (this page is another origin) are left out.
async fn requests(key: &str) -> Vec<(Option<String>, bool)> {
    let log = js_sys::Array::from(&fetch_json(&format!("{SERVER}/log?key={key}")).await);
    log.iter()
        .filter(|entry| !Reflect::get(entry, &"preflight".into()).unwrap().is_truthy())
        .map(|entry| {
            let id = Reflect::get(&entry, &"lastEventId".into()).unwrap().as_string();
            let closed = Reflect::get(&entry, &"closed".into()).unwrap().is_truthy();
            (id, closed)
        })
        .collect()
}

/// [`requests`] once every one is closed, or after about `polls` × 50 ms.
async fn settled_requests(key: &str, polls: u32) -> Vec<(Option<String>, bool)> {
    let mut seen = requests(key).await;
    for _ in 0..polls {
        if seen.iter().all(|(_, closed)| *closed) {
            break;
        }
        TimeoutFuture::new(50).await;
        seen = requests(key).await;
    }
    seen
}

fn json_field(data: &str, path: &[&str]) -> JsValue {
    let mut value = js_sys::JSON::parse(data).unwrap();
    for name in path {
        value = Reflect::get(&value, &(*name).into()).unwrap();
    }
    value
}

#[wasm_bindgen_test]
async fn streams_open_then_messages_in_order() {
    let url = format!("{SERVER}/sse/counter?key={}&count=5&end=hang", key("order"));
    let mut source = EventSource::new(url).unwrap();
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
    let mut seen = Vec::new();
    for _ in 0..5 {
        match next(&mut source).await {
            Some(Ok(SseEvent::Message(message))) => {
                assert_eq!(message.event_type, "message");
                assert_eq!(message.id, message.data);
                assert_eq!(&*message.origin, SERVER);
                seen.push(message.data);
            }
            other => panic!("expected a message, got {other:?}"),
        }
    }
    assert_eq!(seen, ["1", "2", "3", "4", "5"]);
    assert_eq!(source.last_event_id(), "5");
}

#[wasm_bindgen_test]
async fn headers_and_a_post_body_arrive() {
    let body = "prompt: héllo wörld ✓";
    let url = format!("{SERVER}/sse/echo?key={}&end=hang", key("echo"));
    let mut source = EventSource::builder(url)
        .header("Authorization", "Bearer t0k3n")
        .body(body)
        .query("extra", "1")
        .build()
        .unwrap();
    let data = messages(&mut source, 1).await.remove(0);
    assert_eq!(json_field(&data, &["method"]).as_string().as_deref(), Some("POST"));
    assert_eq!(json_field(&data, &["headers", "authorization"]).as_string().as_deref(), Some("Bearer t0k3n"));
    assert_eq!(json_field(&data, &["body", "text"]).as_string().as_deref(), Some(body));
}

#[wasm_bindgen_test]
async fn the_header_function_runs_before_every_reconnect() {
    let calls = Rc::new(Cell::new(0));
    let counter = calls.clone();
    let url = format!("{SERVER}/sse/echo?key={}&retry=10", key("fresh"));
    let mut source = EventSource::builder(url)
        .headers_fn(move || {
            counter.set(counter.get() + 1);
            vec![("Authorization".into(), format!("Bearer token-{}", counter.get()))]
        })
        .build()
        .unwrap();
    let tokens: Vec<_> = messages(&mut source, 3)
        .await
        .iter()
        .map(|data| json_field(data, &["headers", "authorization"]).as_string().unwrap())
        .collect();
    assert_eq!(tokens, ["Bearer token-1", "Bearer token-2", "Bearer token-3"]);
}

#[wasm_bindgen_test]
async fn resuming_with_last_event_id_loses_and_repeats_nothing() {
    let key = key("resume");
    let url = format!("{SERVER}/sse/counter?key={key}&count=20&per=3&retry=5");
    let mut source = EventSource::new(url).unwrap();
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
    let ids: Vec<_> = requests(&key).await.into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids[..3], [None, Some("3".into()), Some("6".into())]);
}

#[wasm_bindgen_test]
async fn a_hundred_thousand_events_over_two_hundred_drops_arrive_exactly_once() {
    let key = key("exactly-once");
    let count = 100_000u32;
    let url = format!("{SERVER}/sse/sequence?key={key}&count={count}&drops=200&seed=2027");
    let mut source = EventSource::new(url).unwrap();
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
                // WebKit reports a broken connection as the end of the body.
                assert!(matches!(cause, Error::Network(_) | Error::Ended), "{cause:?}");
                reconnects += 1;
            }
            Some(Ok(SseEvent::Open { .. })) => {}
            other => panic!("unexpected {other:?} after {} events", expected - 1),
        }
    }
    // Each drop costs a reconnect; loopback may add a failed attempt of its own.
    assert!((200..=210).contains(&reconnects), "{reconnects} reconnects");
    drop(source);
    let seen = settled_requests(&key, 100).await;
    assert_eq!(seen.len(), reconnects + 1);
    assert!(seen.iter().all(|(_, closed)| *closed), "the server saw every connection closed");
}

/// The size of this module's linear memory, in bytes.
fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length().into()
}

#[wasm_bindgen_test]
async fn a_slow_consumer_holds_the_stream_back_and_loses_nothing() {
    // 400,000 events of 64 B: a source that ignored the bound would queue about 85 MB of
    // them while the consumer sleeps (42 MB measured for half of them in Chromium).
    let count = 400_000;
    let url = format!("{SERVER}/sse/bulk?key={}&count={count}&size=64", key("slow"));
    let mut source = EventSource::builder(url)
        .max_queued_events(100)
        .stall_timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();
    let before = wasm_memory_bytes();
    let mut received = messages(&mut source, 10).await.len();
    // The consumer dawdles; the source must stop reading (and not call it a stall).
    TimeoutFuture::new(1_000).await;
    // Other tests run in the same module at the same time, so memory may grow several MiB
    // anyway (17 MB seen in Firefox on a busy machine); without the bound it grows by the
    // stream's worth, several times the margin.
    let growth = wasm_memory_bytes() - before;
    assert!(growth < 32.0 * 1024.0 * 1024.0, "memory grew by {growth} bytes while the consumer slept");
    while received < count {
        match next(&mut source).await {
            Some(Ok(SseEvent::Message(_))) => received += 1,
            other => panic!("unexpected {other:?} after {received} messages"),
        }
    }
}

#[wasm_bindgen_test]
async fn a_fatal_status_ends_the_stream_with_status_and_body() {
    let url = format!("{SERVER}/sse/raw?key={}&status=404&ct=text/plain&body=not%20here", key("fatal"));
    let mut source = EventSource::new(url).unwrap();
    match next(&mut source).await {
        Some(Err(Error::Status(response))) => {
            assert_eq!(response.status, 404);
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

#[wasm_bindgen_test]
async fn a_wrong_content_type_fails_at_the_headers_and_its_body_is_read_on_request() {
    // 1,400 bytes of heartbeats, 7 bytes every 20 ms: about 4 s to the end of the body.
    let beats = ":%20beat%0A".repeat(200);
    let key = key("early");
    let url = format!("{SERVER}/sse/raw?key={key}&ct=text/plain&chunk=7&delay=20&body={beats}");
    let started = js_sys::Date::now();
    let mut source = EventSource::new(url).unwrap();
    let Some(Err(Error::NotEventStream(response))) = next(&mut source).await else {
        panic!("expected a content-type error");
    };
    let failed_after = js_sys::Date::now() - started;
    assert!(failed_after < 1_500.0, "failed after {failed_after} ms, not at the headers");
    assert_eq!(response.body.text().await, ": beat\n".repeat(200));
}

#[wasm_bindgen_test]
async fn a_failed_body_that_stops_sending_gives_what_arrived_after_the_stall_timeout() {
    let url = format!("{SERVER}/sse/raw?key={}&status=500&end=hang&body=half", key("idle-body"));
    let mut source =
        EventSource::builder(url).stall_timeout(std::time::Duration::from_millis(300)).build().unwrap();
    let Some(Err(Error::Status(response))) = next(&mut source).await else {
        panic!("expected a status error");
    };
    match select(Box::pin(response.body.text()), TimeoutFuture::new(5_000)).await {
        Either::Left((text, _)) => assert_eq!(text, "half"),
        Either::Right(_) => panic!("the read did not end after the stall timeout"),
    }
}

#[wasm_bindgen_test]
async fn an_unread_failed_body_is_let_go_when_its_error_is_dropped() {
    let key = key("unread");
    let url = format!("{SERVER}/sse/raw?key={key}&status=500&chunk=1&delay=100&end=hang&body=busy");
    let mut source = EventSource::new(url).unwrap();
    let error = next(&mut source).await;
    assert!(matches!(error, Some(Err(Error::Status(_)))), "{error:?}");
    assert_eq!(requests(&key).await, [(None, false)], "the body is kept while its error lives");
    drop(error);
    assert_eq!(settled_requests(&key, 40).await, [(None, true)]);
}

#[wasm_bindgen_test]
async fn max_retries_ends_with_retries_exhausted() {
    let url = format!("{SERVER}/sse/raw?key={}&body=", key("exhaust"));
    let policy = RetryPolicy { initial_delay_ms: 5, max_retries: Some(2), ..RetryPolicy::default() };
    let mut source = EventSource::builder(url).retry(policy).build().unwrap();
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

#[wasm_bindgen_test]
async fn dropping_the_source_aborts_the_request() {
    let key = key("drop");
    let mut source = EventSource::new(format!("{SERVER}/sse/counter?key={key}&count=2&end=hang")).unwrap();
    messages(&mut source, 2).await;
    drop(source);
    TimeoutFuture::new(300).await;
    assert_eq!(requests(&key).await, [(None, true)]);
}

#[wasm_bindgen_test]
async fn last_event_id_param_resumes_cross_origin_without_a_preflight() {
    // The test server is another origin, and here it allows no extra request headers.
    let key = key("param");
    let url = format!("{SERVER}/sse/counter?key={key}&count=4&per=2&retry=50&cors_headers=");
    let mut source = EventSource::builder(url).last_event_id_param("lastEventId").build().unwrap();
    assert_eq!(messages(&mut source, 4).await, ["1", "2", "3", "4"]);
    drop(source);
    let log = js_sys::Array::from(&fetch_json(&format!("{SERVER}/log?key={key}")).await);
    let preflights =
        log.iter().filter(|entry| Reflect::get(entry, &"preflight".into()).unwrap().is_truthy()).count();
    assert_eq!((log.length(), preflights), (2, 0), "two requests, no preflight");
}

#[wasm_bindgen_test]
async fn the_query_keeps_its_other_parameters_as_written_around_the_last_event_id() {
    // `URLSearchParams` would send `a=b+c&x=`: the core's rule leaves them as they are.
    let key = key("param-url");
    let url = format!("{SERVER}/sse/raw?key={key}&status=204&a=b%20c&x&room=1&lastEventId=0");
    let builder = EventSource::builder(url).query("room", "5 6").last_event_id("é 7");
    let mut source = builder.last_event_id_param("lastEventId").build().unwrap();
    assert!(matches!(next(&mut source).await, Some(Err(Error::Status(_)))));
    let log = js_sys::Array::from(&fetch_json(&format!("{SERVER}/log?key={key}")).await);
    let request = log.iter().find(|entry| !Reflect::get(entry, &"preflight".into()).unwrap().is_truthy());
    let query = request.and_then(|entry| Reflect::get(&entry, &"query".into()).unwrap().as_string());
    let want = format!("key={key}&status=204&a=b%20c&x&room=5+6&lastEventId=%C3%A9+7");
    assert_eq!(query.as_deref(), Some(want.as_str()));
}

#[wasm_bindgen_test]
async fn a_dropped_handle_leaves_the_source_open_and_close_ends_it() {
    let key = key("handle");
    let mut source =
        EventSource::new(format!("{SERVER}/sse/counter?key={key}&count=3&interval=100&end=hang")).unwrap();
    let handle = source.handle();
    let second = handle.clone();
    drop(handle);
    assert_eq!(messages(&mut source, 3).await, ["1", "2", "3"]);
    assert_eq!(requests(&key).await, [(None, false)]);
    second.close();
    assert!(next(&mut source).await.is_none());
    assert_eq!(second.ready_state(), ReadyState::Closed);
    TimeoutFuture::new(300).await;
    assert_eq!(requests(&key).await, [(None, true)]);
}

#[wasm_bindgen_test]
async fn an_oversized_event_is_an_error_and_the_stream_goes_on() {
    let url = format!(
        "{SERVER}/sse/raw?key={}&fill=5000&body=data:%20{{fill}}%0A%0Adata:%20ok%0A%0A&end=hang",
        key("big")
    );
    let mut source = EventSource::builder(url).max_event_size(1024).build().unwrap();
    assert!(matches!(next(&mut source).await, Some(Ok(SseEvent::Open { .. }))));
    assert_eq!(next(&mut source).await, Some(Err(Error::EventTooLarge { limit: 1024 })));
    assert_eq!(messages(&mut source, 1).await, ["ok"]);
}

#[wasm_bindgen_test]
fn bad_input_is_refused_at_build() {
    assert!(matches!(EventSource::new("http://["), Err(Error::InvalidUrl(_))));
    assert!(matches!(
        EventSource::builder("/x").method("GET").body("x").build(),
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        EventSource::builder("/x").header("bad name", "x").build(),
        Err(Error::InvalidRequest(_))
    ));
    let policy = RetryPolicy { factor: 0.5, ..RetryPolicy::default() };
    assert!(matches!(EventSource::builder("/x").retry(policy).build(), Err(Error::InvalidConfig(_))));
}

#[cfg(feature = "serde")]
#[wasm_bindgen_test]
async fn messages_decode_as_json() {
    let url = format!("{SERVER}/sse/counter?key={}&count=1&end=hang", key("json"));
    let mut source = EventSource::new(url).unwrap();
    loop {
        if let Some(Ok(SseEvent::Message(message))) = next(&mut source).await {
            assert_eq!(message.json::<u64>().unwrap(), 1);
            assert!(message.json::<String>().is_err());
            break;
        }
    }
}

#[wasm_bindgen_test]
async fn a_non_ascii_last_event_id_reaches_the_server_as_its_utf8_bytes() {
    // An id within U+0000-U+00FF, which every engine can send in a header (WebKit only
    // after encoding the chars itself, which a value of one char per UTF-8 byte would double).
    let key = key("utf8-id");
    let first = "retry%3A%2010%0Aid%3A%20%C3%BC-%C3%A9%0Adata%3A%20a%0A%0A";
    let url = format!("{SERVER}/sse/raw?key={key}&body={first}&again=data%3A%20b%0A%0A");
    let mut source = EventSource::new(url).unwrap();
    assert_eq!(messages(&mut source, 2).await, ["a", "b"]);
    assert_eq!(source.last_event_id(), "ü-é");
    let ids: Vec<_> = requests(&key).await.into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, [None, Some("ü-é".to_string())]);
}

/// Overrides a property of a browser object (`navigator.onLine`, `document.visibilityState`)
/// and fires the event that says it changed; the page's own value comes back on drop.
struct Pretend {
    target: JsValue,
    property: &'static str,
}

impl Pretend {
    fn new(target: JsValue, property: &'static str) -> Pretend {
        Pretend { target, property }
    }

    /// Sets the property to `value`, then dispatches `event` on `on`.
    fn set(&self, value: JsValue, on: &JsValue, event: &str) {
        self.set_quietly(value);
        let event_class: Function =
            Reflect::get(&js_sys::global(), &"Event".into()).unwrap().unchecked_into();
        let event = Reflect::construct(&event_class, &js_sys::Array::of1(&event.into())).unwrap();
        let dispatch: Function = Reflect::get(on, &"dispatchEvent".into()).unwrap().unchecked_into();
        dispatch.call1(on, &event).unwrap();
    }

    /// Sets the property to `value`, with no event.
    fn set_quietly(&self, value: JsValue) {
        let descriptor = js_sys::Object::new();
        Reflect::set(&descriptor, &"value".into(), &value).unwrap();
        Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE).unwrap();
        js_sys::Object::define_property(
            self.target.unchecked_ref::<js_sys::Object>(),
            &self.property.into(),
            &descriptor,
        );
    }
}

impl Drop for Pretend {
    fn drop(&mut self) {
        Reflect::delete_property(self.target.unchecked_ref::<js_sys::Object>(), &self.property.into())
            .unwrap();
    }
}

fn window() -> JsValue {
    js_sys::global().into()
}

fn document() -> JsValue {
    Reflect::get(&js_sys::global(), &"document".into()).unwrap()
}

/// How a test takes the connection away and gives it back.
#[derive(Clone, Copy, Debug)]
enum Away {
    /// `navigator.onLine` false and the `offline` event; then `online`.
    Offline,
    /// `document.visibilityState` hidden and `visibilitychange`, with `pause_when_hidden`.
    Hidden,
}

impl Away {
    fn leave(self) -> Pretend {
        let pretend = match self {
            Away::Offline => Pretend::new(Reflect::get(&window(), &"navigator".into()).unwrap(), "onLine"),
            Away::Hidden => Pretend::new(document(), "visibilityState"),
        };
        self.leave_again(&pretend);
        pretend
    }

    /// [`Away::leave`] again, with the pretence already in place.
    fn leave_again(self, pretend: &Pretend) {
        match self {
            Away::Offline => pretend.set(JsValue::FALSE, &window(), "offline"),
            Away::Hidden => pretend.set("hidden".into(), &document(), "visibilitychange"),
        }
    }

    fn come_back(self, pretend: &Pretend) {
        match self {
            Away::Offline => pretend.set(JsValue::TRUE, &window(), "online"),
            Away::Hidden => pretend.set("visible".into(), &document(), "visibilitychange"),
        }
    }

    fn suspension(self) -> Suspension {
        match self {
            Away::Offline => Suspension::Offline,
            Away::Hidden => Suspension::Hidden,
        }
    }
}

/// Opens a stream whose server asks for `retry_ms` between reconnects, takes the connection
/// away (`away`), checks that nothing is requested meanwhile, then gives it back and checks
/// that one request follows at once, resuming from the last event ID.
async fn suspends_then_resumes(away: Away, retry_ms: u32) {
    let key = key(&format!("{away:?}-{retry_ms}").to_lowercase());
    let url = format!("{SERVER}/sse/counter?key={key}&count=2&interval=10&retry={retry_ms}&end=hang");
    let mut source = EventSource::builder(url).pause_when_hidden(true).build().unwrap();
    assert_eq!(messages(&mut source, 2).await, ["1", "2"]);
    let pretend = away.leave();
    match next(&mut source).await {
        Some(Ok(SseEvent::Reconnecting { cause, .. })) => {
            assert_eq!(cause, Error::Suspended(away.suspension()))
        }
        other => panic!("expected Reconnecting, got {other:?}"),
    }
    assert_eq!(settled_requests(&key, 100).await, [(None, true)], "the stream was stopped");
    // A short retry would have reconnected within 100 ms (the shortest delay): five times that
    // shows it did not, with room for a busy machine.
    TimeoutFuture::new(500).await;
    assert_eq!(requests(&key).await.len(), 1, "no request while {away:?}");
    away.come_back(&pretend);
    // A long retry (a minute) is cut short: the Open comes well within next()'s 5 s.
    assert!(matches!(next(&mut source).await, Some(Ok(SseEvent::Open { .. }))));
    assert_eq!(requests(&key).await, [(None, true), (Some("2".into()), false)]);
    drop(pretend);
}

#[wasm_bindgen_test]
async fn offline_stops_the_stream_and_online_resumes_it_at_once() {
    // Short retry: the reconnect falls due while offline and waits for `online`; long
    // retry: `online` cuts the delay short.
    suspends_then_resumes(Away::Offline, 10).await;
    suspends_then_resumes(Away::Offline, 60_000).await;
}

#[wasm_bindgen_test]
async fn pause_when_hidden_stops_the_stream_while_the_page_is_hidden() {
    suspends_then_resumes(Away::Hidden, 10).await;
    suspends_then_resumes(Away::Hidden, 60_000).await;
}

/// Each time the page comes back a request starts, and each time it goes away that request
/// is abandoned, before its fetch could begin. An abandoned request must not fetch at all:
/// twenty connections nobody reads would take every connection the browser allows to the
/// server, and the stream (and the test's own fetches) would wait for good.
#[wasm_bindgen_test]
async fn a_flapping_network_leaves_one_connection_and_loses_or_repeats_nothing() {
    let key = key("flapping");
    let url = format!("{SERVER}/sse/counter?key={key}&count=8&interval=50&end=hang");
    let mut source = EventSource::builder(url).pause_when_hidden(true).build().unwrap();
    assert_eq!(messages(&mut source, 1).await, ["1"]);
    // Offline and online, hidden and shown, forty times in one task, ending online and shown.
    let offline = Away::Offline.leave();
    let hidden = Away::Hidden.leave();
    for _ in 0..20 {
        Away::Offline.come_back(&offline);
        Away::Hidden.come_back(&hidden);
        Away::Offline.leave_again(&offline);
        Away::Hidden.leave_again(&hidden);
    }
    Away::Offline.come_back(&offline);
    Away::Hidden.come_back(&hidden);
    let mut data = Vec::new();
    while data.len() < 7 {
        match next(&mut source).await {
            Some(Ok(SseEvent::Message(message))) => data.push(message.data),
            Some(Ok(SseEvent::Open { .. } | SseEvent::Reconnecting { .. })) => {}
            other => panic!("unexpected {other:?} after {data:?}"),
        }
    }
    assert_eq!(data, ["2", "3", "4", "5", "6", "7", "8"], "each message once, in order");
    // Every request but the last was let go; the last one streams on.
    let mut seen = requests(&key).await;
    for _ in 0..200 {
        if seen.iter().rev().skip(1).all(|(_, closed)| *closed) {
            break;
        }
        TimeoutFuture::new(50).await;
        seen = requests(&key).await;
    }
    let open = seen.iter().filter(|(_, closed)| !closed).count();
    assert_eq!(open, 1, "one connection left open: {seen:?}");
    assert_eq!(seen.last().map(|(_, closed)| *closed), Some(false), "{seen:?}");
    drop((hidden, offline));
}

#[wasm_bindgen_test]
async fn a_hidden_page_without_pause_when_hidden_keeps_streaming() {
    let key = key("hidden-streams");
    let url = format!("{SERVER}/sse/counter?key={key}&count=6&interval=50&end=hang");
    let mut source = EventSource::new(url).unwrap();
    assert_eq!(messages(&mut source, 1).await, ["1"]);
    let pretend = Away::Hidden.leave();
    assert_eq!(messages(&mut source, 5).await, ["2", "3", "4", "5", "6"]);
    assert_eq!(requests(&key).await, [(None, false)]);
    drop(pretend);
}

#[wasm_bindgen_test]
async fn a_page_shown_again_cuts_a_reconnect_delay_short() {
    let key = key("shown-wakes");
    // One event a connection, then a minute's wait before the next.
    let url = format!("{SERVER}/sse/counter?key={key}&count=2&per=1&retry=60000&end=hang");
    let mut source = EventSource::new(url).unwrap();
    assert_eq!(messages(&mut source, 1).await, ["1"]);
    assert!(matches!(next(&mut source).await, Some(Ok(SseEvent::Reconnecting { cause: Error::Ended, .. }))));
    let pretend = Away::Hidden.leave();
    Away::Hidden.come_back(&pretend);
    assert_eq!(messages(&mut source, 1).await, ["2"]);
    drop(pretend);
}

#[wasm_bindgen_test]
async fn a_dropped_source_stops_listening_to_the_page() {
    // Counts the listeners the source adds and removes on the window and the document.
    let counting = js_sys::Function::new_no_args(
        "const proto = EventTarget.prototype; const add = proto.addEventListener, remove = proto.removeEventListener;
         const live = new Set();
         proto.addEventListener = function (type, f, o) { if (['online', 'offline', 'visibilitychange'].includes(type)) live.add(f); return add.call(this, type, f, o); };
         proto.removeEventListener = function (type, f, o) { live.delete(f); return remove.call(this, type, f, o); };
         return { live, undo() { proto.addEventListener = add; proto.removeEventListener = remove; } };",
    )
    .call0(&JsValue::NULL)
    .unwrap();
    let live = || Reflect::get(&Reflect::get(&counting, &"live".into()).unwrap(), &"size".into()).unwrap();
    let key = key("unlisten");
    let mut source = EventSource::new(format!("{SERVER}/sse/counter?key={key}&count=1&end=hang")).unwrap();
    messages(&mut source, 1).await;
    let while_open = live().as_f64();
    drop(source);
    let after = live().as_f64();
    let undo: Function = Reflect::get(&counting, &"undo".into()).unwrap().unchecked_into();
    undo.call0(&counting).unwrap();
    assert_eq!((while_open, after), (Some(3.0), Some(0.0)));
}

#[wasm_bindgen_test]
async fn the_network_coming_back_keeps_a_wait_that_retry_after_asked_for() {
    let key = key("retry-after-kept");
    let url = format!("{SERVER}/sse/raw?key={key}&status=503&retry_after=60&body=busy");
    let policy = RetryPolicy { retry_on_status: vec![503], ..RetryPolicy::default() };
    let mut source = EventSource::builder(url).retry(policy).build().unwrap();
    match next(&mut source).await {
        Some(Ok(SseEvent::Reconnecting { retry_in, .. })) => {
            assert!(retry_in.as_secs() >= 59, "{retry_in:?}")
        }
        other => panic!("expected Reconnecting, got {other:?}"),
    }
    let online = Pretend::new(Reflect::get(&window(), &"navigator".into()).unwrap(), "onLine");
    online.set(JsValue::TRUE, &window(), "online");
    // A reconnect cut short would be under way at once; half a second leaves room for a busy machine.
    TimeoutFuture::new(500).await;
    assert_eq!(requests(&key).await.len(), 1, "no request before the server's minute is up");
}

#[wasm_bindgen_test]
async fn a_request_that_fails_while_offline_spends_no_retry() {
    // The server allows no extra header here, so the request fails at its CORS preflight.
    let key = key("failed-offline");
    let url = format!("{SERVER}/sse/counter?key={key}&cors_headers=");
    let policy = RetryPolicy { max_retries: Some(0), ..RetryPolicy::default() };
    let mut source = EventSource::builder(url).header("X-Custom", "1").retry(policy).build().unwrap();
    // The request is under way; the network goes before the `offline` event says so, and
    // the failed request is the first sign of it.
    let offline = Pretend::new(Reflect::get(&window(), &"navigator".into()).unwrap(), "onLine");
    offline.set_quietly(JsValue::FALSE);
    // Without retries left, a network error would end the source with RetriesExhausted.
    match next(&mut source).await {
        Some(Ok(SseEvent::Reconnecting { cause, .. })) => {
            assert_eq!(cause, Error::Suspended(Suspension::Offline))
        }
        other => panic!("expected Reconnecting, got {other:?}"),
    }
}
