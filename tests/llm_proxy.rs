//! The LLM proxy example (examples/llm_proxy/) against a scripted OpenAI-style upstream, over
//! loopback: the reply streams through token by token; the secret key goes upstream and never
//! to the client; an upstream error arrives as an `error` event with its message; a reply
//! that breaks off before `[DONE]` is reported, and the prompt is never sent twice.
#![cfg(all(not(target_arch = "wasm32"), feature = "native", feature = "axum"))]

#[path = "../examples/llm_proxy/relay.rs"]
mod relay;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Response, StatusCode};
use axum::routing::post;
use futures::StreamExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wasm_eventsource::engine::RetryPolicy;
use wasm_eventsource::{EventSource, SseEvent};

const KEY: &str = "sk-secret-test-key";

/// What the scripted upstream saw: each request's Authorization header and body.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(String, String)>>>);

/// An OpenAI-style upstream: the prompt "break" gets two tokens and then a cut, "fail" a 429
/// with a JSON error, a wrong key a 401, and anything else three tokens and `[DONE]`.
async fn completions(State(seen): State<Seen>, headers: HeaderMap, body: String) -> Response<Body> {
    let auth =
        headers.get("authorization").and_then(|value| value.to_str().ok()).unwrap_or_default().to_string();
    seen.0.lock().unwrap().push((auth.clone(), body.clone()));
    let request: serde_json::Value = serde_json::from_str(&body).unwrap();
    let prompt = request["messages"][0]["content"].as_str().unwrap_or_default().to_string();
    let json_error = |status: u16, message: &str| {
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Body::from(serde_json::json!({ "error": { "message": message } }).to_string()))
            .unwrap()
    };
    if auth != format!("Bearer {KEY}") {
        return json_error(401, "Incorrect API key provided");
    }
    if prompt == "fail" {
        return json_error(429, "Rate limit reached");
    }
    let chunk = |text: &str| {
        format!("data: {}\n\n", serde_json::json!({ "choices": [{ "delta": { "content": text } }] }))
    };
    let mut stream = format!("{}{}{}", chunk(""), chunk("Hel"), chunk("lo, "));
    if prompt != "break" {
        stream.push_str(&chunk(&format!("you said {prompt}")));
        stream.push_str("data: [DONE]\n\n");
    }
    Response::builder().header("content-type", "text/event-stream").body(Body::from(stream)).unwrap()
}

/// Starts the upstream and the proxy (with `key`) on loopback; returns the proxy's URL.
async fn start(key: &str, seen: Seen) -> String {
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_url = format!("http://{}/v1/chat/completions", upstream.local_addr().unwrap());
    let app = Router::new().route("/v1/chat/completions", post(completions)).with_state(seen);
    tokio::spawn(async move { axum::serve(upstream, app).await });
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}/chat", proxy.local_addr().unwrap());
    let routes = relay::routes(relay::Upstream {
        url: upstream_url,
        key: key.into(),
        model: "test".into(),
        allow_origin: None,
    });
    tokio::spawn(async move { axum::serve(proxy, routes).await });
    proxy_url
}

/// What a client of the proxy receives for `prompt`: each event as (type, data), up to the
/// first `done` or `error`; no response header of the proxy's carries the key.
async fn ask(proxy: &str, prompt: &str) -> Vec<(String, String)> {
    let mut source = EventSource::builder(proxy)
        .method("POST")
        .body(serde_json::json!({ "prompt": prompt }).to_string())
        .retry(RetryPolicy { max_retries: Some(0), ..RetryPolicy::default() })
        .build()
        .unwrap();
    let mut events = Vec::new();
    while let Some(item) =
        tokio::time::timeout(Duration::from_secs(10), source.next()).await.expect("an item within 10 s")
    {
        match item {
            Ok(SseEvent::Message(message)) => {
                let last = message.event_type == "done" || message.event_type == "error";
                events.push((message.event_type.into_owned(), message.data));
                if last {
                    break;
                }
            }
            Ok(SseEvent::Open { headers, .. }) => {
                assert!(headers.iter().all(|(_, value)| !value.contains(KEY)), "no header carries the key");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    events
}

fn tokens(events: &[(String, String)]) -> String {
    events.iter().filter(|(kind, _)| kind == "token").map(|(_, data)| data.as_str()).collect()
}

#[tokio::test]
async fn the_reply_streams_through_and_the_key_stays_on_the_server() {
    let seen = Seen::default();
    let proxy = start(KEY, seen.clone()).await;
    let events = ask(&proxy, "hi").await;
    assert_eq!(tokens(&events), "Hello, you said hi");
    assert_eq!(events.last().unwrap(), &("done".to_string(), String::new()));
    assert!(events.iter().all(|(_, data)| !data.contains(KEY)));
    let requests = seen.0.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].0, format!("Bearer {KEY}"), "the key went upstream");
    let body: serde_json::Value = serde_json::from_str(&requests[0].1).unwrap();
    assert_eq!(body["stream"], true);
    assert_eq!(body["messages"][0]["content"], "hi");
}

#[tokio::test]
async fn an_upstream_error_arrives_with_its_status_and_message() {
    let proxy = start(KEY, Seen::default()).await;
    let events = ask(&proxy, "fail").await;
    let (kind, data) = events.last().unwrap();
    assert_eq!(kind, "error");
    let error: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(error, serde_json::json!({ "status": 429, "message": "Rate limit reached" }));

    let wrong_key = start("sk-wrong", Seen::default()).await;
    let events = ask(&wrong_key, "hi").await;
    let error: serde_json::Value = serde_json::from_str(&events.last().unwrap().1).unwrap();
    assert_eq!(error["status"], 401);
    assert_eq!(error["message"], "Incorrect API key provided");
}

#[tokio::test]
async fn a_reply_that_breaks_off_is_reported_and_the_prompt_is_sent_once() {
    let seen = Seen::default();
    let proxy = start(KEY, seen.clone()).await;
    let events = ask(&proxy, "break").await;
    assert_eq!(tokens(&events), "Hello, ");
    let (kind, data) = events.last().unwrap();
    assert_eq!(kind, "error");
    assert!(data.contains("before [DONE]"), "{data}");
    // An absence, so a wait: without the proxy's one-attempt policy the default one would
    // ask again after 1.5-4.5 s (3 s, jitter 0.5); 5 s covers that on a busy machine.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(seen.0.lock().unwrap().len(), 1, "the prompt went upstream once");
}

#[tokio::test]
async fn a_request_without_a_prompt_is_refused() {
    let proxy = start(KEY, Seen::default()).await;
    let response = reqwest::Client::new().post(&proxy).body("{}").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST.as_u16());
}
