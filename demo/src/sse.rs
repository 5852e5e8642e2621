//! Event-stream responses for the demo, on the crate's `SseResponse` (headers, keep-alive
//! comments), and the shutdown signal that ends every open stream so the server can stop
//! cleanly.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_core::Stream;
use futures_util::StreamExt;
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::{oneshot, watch};
use wasm_eventsource::encoder::Frame;
use wasm_eventsource::server::{LastEventId, SseResponse};

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

/// Resolves when the server is shutting down.
pub async fn stopped() {
    let _ = SHUTDOWN.subscribe().wait_for(|down| *down).await;
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

/// A 200 `text/event-stream` response ([`SseResponse`]) streaming `body`. An error in
/// `body` breaks the connection, as the demo's drop buttons want: `SseResponse` itself only
/// ends streams cleanly.
pub fn stream(body: impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static) -> Response {
    let (failed, failure) = oneshot::channel();
    let chunks = async_stream::stream! {
        let mut body = Box::pin(body);
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(chunk) => yield chunk,
                Err(error) => {
                    let _ = failed.send(error);
                    return;
                }
            }
        }
    };
    let (head, events) = SseResponse::encoded(chunks).into_response().into_parts();
    let broken = async_stream::stream! {
        let mut events = events.into_data_stream();
        while let Some(chunk) = events.next().await {
            yield chunk.map_err(std::io::Error::other);
        }
        if let Ok(error) = failure.await {
            yield Err(error);
        }
    };
    Response::from_parts(head, Body::from_stream(broken))
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

/// The id after the client's last event ID (1 without one).
pub fn resume_from(last: &LastEventId) -> u64 {
    last.0
        .as_deref()
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map_or(1, |last| last.saturating_add(1))
}

/// Sleeps between events of the demo streams.
pub const TICK: Duration = Duration::from_millis(1000);
