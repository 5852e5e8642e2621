//! A resumable event stream on axum, on one node or many.
//!
//! `cargo run --example axum_server --features redis` serves `GET /events` on 127.0.0.1:3000
//! (`PORT` picks another, 0 a free one) and `POST /publish`, each line of whose body becomes
//! an event. With `REDIS_URL` set (`redis://127.0.0.1:6379/`) the events live in a Redis
//! stream: run several of these servers on one Redis, restart any of them, and a client
//! resumes on any node with no gap and no repeat.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use std::time::Duration;
use wasm_eventsource::server::{Hub, LastEventId, MemoryHub, Message, RedisHub, Retention, SseResponse};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let retention = Retention { max_events: 200_000, ..Retention::default() };
    let port: u16 = std::env::var("PORT").map_or(Ok(3000), |port| port.parse())?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let app = match std::env::var("REDIS_URL") {
        Ok(url) => routes(RedisHub::connect(redis::Client::open(url)?, "events", retention).await?),
        Err(_) => routes(MemoryHub::new(retention)),
    };
    println!("listening on http://{}/events", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

fn routes<H: Hub + Clone + 'static>(hub: H) -> Router {
    Router::new().route("/events", get(events::<H>)).route("/publish", post(publish::<H>)).with_state(hub)
}

/// The events after the client's `Last-Event-ID` (header or `?lastEventId=`), then live ones.
async fn events<H: Hub>(State(hub): State<H>, LastEventId(last): LastEventId) -> SseResponse {
    match hub.subscribe(last.as_deref()).await {
        // `subscription.missed()` is true when the id was too old: send a snapshot first.
        Ok(subscription) => SseResponse::encoded(subscription).retry(Duration::from_millis(250)),
        Err(_) => SseResponse::retry_later(Duration::from_secs(2)),
    }
}

/// Publishes each line of the body as an event and answers with the last one's id.
async fn publish<H: Hub>(State(hub): State<H>, body: String) -> Result<String, StatusCode> {
    let mut last = String::new();
    for line in body.lines() {
        last = hub.publish(Message::new(line)).await.map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    }
    Ok(last)
}
