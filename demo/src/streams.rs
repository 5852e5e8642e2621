//! The clock (resumable with Last-Event-ID, droppable on demand) and the authenticated
//! stream (401 without a valid token; ends when the token expires).

use crate::Demo;
use crate::sse::{self, TICK};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;
use wasm_eventsource::encoder::Frame;
use wasm_eventsource::server::LastEventId;

/// Drops every open clock connection when pressed.
#[derive(Clone)]
pub struct DropSwitch(watch::Sender<u64>);

impl Default for DropSwitch {
    fn default() -> Self {
        DropSwitch(watch::Sender::new(0))
    }
}

fn now_text() -> String {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    format!("{:02}:{:02}:{:02} UTC", seconds / 3600 % 24, seconds / 60 % 60, seconds % 60)
}

/// `GET /demo/clock`: `id: n`, one a second, from the one after `Last-Event-ID`.
pub async fn clock(State(demo): State<Demo>, last: LastEventId, headers: HeaderMap) -> Response {
    let mut dropped = demo.drops.0.subscribe();
    dropped.mark_unchanged();
    let first = sse::resume_from(&last);
    let request = sse::request_event(&headers);
    sse::stream(async_stream::stream! {
        yield Ok(sse::bytes(&Frame::new().retry(1000)));
        yield Ok(request);
        let mut n = first;
        loop {
            let data = serde_json::json!({ "n": n, "time": now_text() }).to_string();
            yield Ok(sse::bytes(&Frame::new().id(n.to_string()).data(data)));
            n += 1;
            tokio::select! {
                running = sse::pause(TICK) => if !running { break },
                _ = dropped.changed() => {
                    yield Err(std::io::Error::other("dropped on request"));
                    break;
                }
            }
        }
    })
}

/// `POST /demo/clock/drop`: breaks every open clock connection (they resume on their own).
pub async fn drop_clocks(State(demo): State<Demo>) -> StatusCode {
    demo.drops.0.send_modify(|count| *count += 1);
    StatusCode::NO_CONTENT
}

/// `GET /demo/auth/stream`: needs `Authorization: Bearer <token>` from `/demo/auth/token`.
/// Sends a tick a second and ends when the token expires, so the client reconnects with
/// the fresh token its header function fetches.
pub async fn authenticated(State(demo): State<Demo>, last: LastEventId, headers: HeaderMap) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::to_owned);
    let Some((token, expires_in)) =
        token.and_then(|token| demo.tokens.remaining(&token).map(|left| (token, left)))
    else {
        let mut response = sse::error(StatusCode::UNAUTHORIZED, "missing, unknown or expired bearer token");
        response.headers_mut().insert("www-authenticate", axum::http::HeaderValue::from_static("Bearer"));
        return response;
    };
    let first = sse::resume_from(&last);
    let request = sse::request_event(&headers);
    sse::stream(async_stream::stream! {
        yield Ok(sse::bytes(&Frame::new().retry(500)));
        yield Ok(request);
        let deadline = tokio::time::Instant::now() + expires_in;
        let mut n = first;
        while tokio::time::Instant::now() + TICK <= deadline {
            let data = serde_json::json!({ "n": n, "token": token, "time": now_text() }).to_string();
            yield Ok(sse::bytes(&Frame::new().id(n.to_string()).data(data)));
            n += 1;
            if !sse::pause(TICK).await {
                break;
            }
        }
        let _ = sse::pause(deadline.saturating_duration_since(tokio::time::Instant::now())).await;
        yield Ok(sse::bytes(&Frame::new().comment("token expired; reconnect with a fresh one")));
    })
}

/// Any other `/demo/...` path.
pub async fn unknown() -> Response {
    sse::error(StatusCode::NOT_FOUND, "no such stream; see the demo page for the ones there are")
}

/// How long the demo's tokens live.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(6);
