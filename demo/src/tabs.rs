//! The stream the tab-sharing panel opens from every tab: a tick twice a second, published
//! to one `MemoryHub` per client, so every connection gets the same ids and a resumed one
//! the ticks it missed (up to [`MAX_REPLAY`]). A tick's data says how many connections of
//! that client the server held open when it was published.

use crate::sse;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use futures_util::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wasm_eventsource::encoder::Frame;
use wasm_eventsource::server::{Hub, LastEventId, MemoryHub, Message, Retention};

use crate::Demo;

/// How often the tab stream ticks.
const TAB_TICK: Duration = Duration::from_millis(500);

/// The most missed ticks a resumed connection is sent again.
const MAX_REPLAY: usize = 120;

/// One client's ticks and its open connections.
#[derive(Clone)]
struct Tab {
    open: Arc<AtomicUsize>,
    hub: MemoryHub,
}

impl Tab {
    /// A tab stream whose ticker runs until the server shuts down.
    fn start() -> Tab {
        let tab = Tab {
            open: Arc::default(),
            hub: MemoryHub::new(Retention { max_events: MAX_REPLAY, ..Retention::default() }),
        };
        tokio::spawn(tab.clone().tick());
        tab
    }

    /// Publishes `{"n": tick, "connections": open}`; the hub's ids are the tick numbers.
    async fn tick(self) {
        let mut n = 0u64;
        while sse::pause(TAB_TICK).await {
            n += 1;
            let connections = self.open.load(Ordering::Relaxed);
            let tick = serde_json::json!({ "n": n, "connections": connections });
            if let Ok(message) = Message::json(&tick) {
                let _ = self.hub.publish(message).await;
            }
        }
    }
}

/// Open tab-stream connections and ticks, per client.
#[derive(Clone)]
pub struct TabCounts {
    native: Tab,
    wasm: Tab,
}

impl Default for TabCounts {
    /// Starts both tickers (within the server's runtime).
    fn default() -> Self {
        TabCounts { native: Tab::start(), wasm: Tab::start() }
    }
}

/// One open connection, counted until it is dropped.
struct Held(Arc<AtomicUsize>);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// `GET /demo/tabs/{native|wasm}`: ticks from now, or from the one after the last event ID.
pub async fn tabs(State(demo): State<Demo>, Path(client): Path<String>, last: LastEventId) -> Response {
    let tab = match client.as_str() {
        "native" => demo.tabs.native.clone(),
        "wasm" => demo.tabs.wasm.clone(),
        _ => return sse::error(StatusCode::NOT_FOUND, "the client is native or wasm"),
    };
    tab.open.fetch_add(1, Ordering::Relaxed);
    let held = Held(Arc::clone(&tab.open));
    let mut ticks = match tab.hub.subscribe(last.0.as_deref()).await {
        Ok(ticks) => ticks,
        Err(error) => return sse::error(StatusCode::SERVICE_UNAVAILABLE, &error.to_string()),
    };
    sse::stream(async_stream::stream! {
        let _held = held;
        yield Ok(sse::bytes(&Frame::new().retry(1000)));
        loop {
            tokio::select! {
                tick = ticks.next() => match tick {
                    Some(tick) => yield Ok(tick),
                    None => break,
                },
                () = sse::stopped() => break,
            }
        }
    })
}
