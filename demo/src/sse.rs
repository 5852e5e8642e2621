//! Event-stream responses for the demo, written with the crate's own encoder, and the
//! shutdown signal that ends every open stream so the server can stop cleanly.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_core::Stream;
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::watch;
use wasm_eventsource::encoder::Frame;

static SHUTDOWN: LazyLock<watch::Sender<bool>> = LazyLock::new(|| watch::Sender::new(false));

/// Ends every stream (each is waiting in [`pause`] or will be soon).
pub fn shut_down() {
    SHUTDOWN.send_replace(true);
}

/// Waits `duration`; false when the server is shutting down instead.
pub async fn pause(duration: Duration) -> bool {
    let mut shutdown = SHUTDOWN.subscribe();
    tokio::select! {
        () = tokio::time::sleep(duration) => {}
        _ = shutdown.wait_for(|down| *down) => {}
    }
    !*SHUTDOWN.borrow()
}

/// A frame's bytes; frames built here are always valid, so an error is a bug worth seeing.
pub fn bytes(frame: &Frame) -> Bytes {
    match frame.to_bytes() {
        Ok(bytes) => Bytes::from(bytes),
        Err(error) => Bytes::from(format!(": encoding failed: {error}\n")),
    }
}

/// The `request` event every stream starts with: the request headers the server saw.
pub fn request_event(headers: &HeaderMap) -> Bytes {
    let seen: serde_json::Map<String, serde_json::Value> = headers
        .iter()
        .map(|(name, value)| (name.as_str().into(), String::from_utf8_lossy(value.as_bytes()).into()))
        .collect();
    bytes(&Frame::new().event_type("request").data(serde_json::Value::Object(seen).to_string()))
}

/// A 200 `text/event-stream` response streaming `body`.
pub fn stream(body: impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static) -> Response {
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A JSON error answer, e.g. `400 {"error": "..."}`.
pub fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::json!({ "error": message }).to_string(),
    )
        .into_response()
}

/// The id after the client's `Last-Event-ID` (1 without one).
pub fn resume_from(headers: &HeaderMap) -> u64 {
    headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map_or(1, |last| last.saturating_add(1))
}

/// Sleeps between events of the demo streams.
pub const TICK: Duration = Duration::from_millis(1000);
