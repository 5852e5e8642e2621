//! The stream the tab-sharing panel opens from every tab: a tick twice a second, the same
//! ids for every connection, whose data says how many connections of that client the
//! server holds open right now.

use crate::Demo;
use crate::sse;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wasm_eventsource::encoder::Frame;

/// How often the tab stream ticks.
const TAB_TICK: Duration = Duration::from_millis(500);

/// The most missed ticks a resumed connection is sent again.
const MAX_REPLAY: u64 = 120;

/// When the ticks started: every connection shares their numbering.
static START: LazyLock<Instant> = LazyLock::new(Instant::now);

/// Open tab-stream connections, per client.
#[derive(Clone, Default)]
pub struct TabCounts {
    native: Arc<AtomicUsize>,
    wasm: Arc<AtomicUsize>,
}

/// One open connection, counted until it is dropped.
struct Held(Arc<AtomicUsize>);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The number of the tick now (1 at start).
fn current_tick() -> u64 {
    let elapsed = START.elapsed().as_millis() / TAB_TICK.as_millis();
    u64::try_from(elapsed).unwrap_or(u64::MAX).saturating_add(1)
}

/// `GET /demo/tabs/{native|wasm}`: ticks from now, or from the one after `Last-Event-ID`
/// (at most [`MAX_REPLAY`] back), each `{"n": tick, "connections": open}`.
pub async fn tabs(State(demo): State<Demo>, Path(client): Path<String>, headers: HeaderMap) -> Response {
    let counter = match client.as_str() {
        "native" => demo.tabs.native.clone(),
        "wasm" => demo.tabs.wasm.clone(),
        _ => return sse::error(StatusCode::NOT_FOUND, "the client is native or wasm"),
    };
    counter.fetch_add(1, Ordering::Relaxed);
    let held = Held(counter);
    let now = current_tick();
    let mut n = if headers.contains_key("last-event-id") {
        sse::resume_from(&headers).max(now.saturating_sub(MAX_REPLAY))
    } else {
        now
    };
    sse::stream(async_stream::stream! {
        let held = held;
        yield Ok(sse::bytes(&Frame::new().retry(1000)));
        loop {
            while n <= current_tick() {
                let connections = held.0.load(Ordering::Relaxed);
                let data = serde_json::json!({ "n": n, "connections": connections }).to_string();
                yield Ok(sse::bytes(&Frame::new().id(n.to_string()).data(data)));
                n += 1;
            }
            if !sse::pause(TAB_TICK / 4).await {
                break;
            }
        }
    })
}
