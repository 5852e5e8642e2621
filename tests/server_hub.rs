//! `MemoryHub`: resuming with no gap and no repeat, retention, too-old ids, lagging
//! subscribers, and a resumable endpoint over real HTTP.

#![cfg(not(target_arch = "wasm32"))]

mod server_support;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use futures_util::StreamExt;
use proptest::prelude::*;
use server_support::{PATIENCE, get as request, serve, take};
use std::time::Duration;
use wasm_eventsource::server::{Hub, LastEventId, MemoryHub, Message, Retention, SseResponse};
use wasm_eventsource::{Item, Parser};

fn numbered(range: std::ops::RangeInclusive<u64>) -> Vec<(String, String)> {
    range.map(|n| (n.to_string(), format!("event {n}"))).collect()
}

async fn publish(hub: &MemoryHub, range: std::ops::RangeInclusive<u64>) {
    for n in range {
        assert_eq!(hub.publish(Message::new(format!("event {n}"))).await.unwrap(), n.to_string());
    }
}

fn retention(max_events: usize) -> Retention {
    Retention { max_events, ..Retention::default() }
}

#[tokio::test]
async fn resumes_after_the_id_then_follows_live() {
    let hub = MemoryHub::new(Retention::default());
    publish(&hub, 1..=5).await;
    let mut resumed = hub.subscribe(Some("2")).await.unwrap();
    let mut fresh = hub.subscribe(None).await.unwrap();
    assert!(!resumed.missed() && !fresh.missed());
    publish(&hub, 6..=7).await;
    assert_eq!(take(&mut resumed, 5).await, numbered(3..=7));
    assert_eq!(take(&mut fresh, 2).await, numbered(6..=7));
}

#[tokio::test]
async fn no_gap_and_no_repeat_while_events_are_published_during_the_switch() {
    let hub = MemoryHub::new(retention(100_000));
    publish(&hub, 1..=100).await;
    let publisher = {
        let hub = hub.clone();
        tokio::spawn(async move { publish(&hub, 101..=20_000).await })
    };
    // Subscribers join at different points while the publisher runs.
    let mut joined = Vec::new();
    for from in [0u64, 50, 100] {
        joined.push((from, hub.subscribe(Some(&from.to_string())).await.unwrap()));
        tokio::task::yield_now().await;
    }
    for (from, mut subscription) in joined {
        let events = take(&mut subscription, usize::try_from(20_000 - from).unwrap()).await;
        assert_eq!(events, numbered(from + 1..=20_000), "joined after {from}");
    }
    publisher.await.unwrap();
}

#[tokio::test]
async fn retention_bounds_count_bytes_and_age() {
    // By count: 3 kept; an id before them was missed.
    let hub = MemoryHub::new(retention(3));
    publish(&hub, 1..=6).await;
    let mut late = hub.subscribe(Some("1")).await.unwrap();
    assert!(late.missed());
    assert_eq!(take(&mut late, 3).await, numbered(4..=6));
    let mut edge = hub.subscribe(Some("3")).await.unwrap();
    assert!(!edge.missed(), "the event after 3 is still kept");
    assert_eq!(take(&mut edge, 3).await, numbered(4..=6));

    // By bytes: each event here encodes to 24 bytes, so 50 bytes keep two.
    let hub = MemoryHub::new(Retention { max_bytes: 50, ..Retention::default() });
    publish(&hub, 1..=4).await;
    assert_eq!(take(&mut hub.subscribe(Some("0")).await.unwrap(), 2).await, numbered(3..=4));

    // By age: an event older than the limit is dropped when the hub is next used.
    let hub = MemoryHub::new(Retention { max_age: Some(Duration::from_millis(1)), ..Retention::default() });
    publish(&hub, 1..=2).await;
    let published = std::time::Instant::now();
    while published.elapsed() <= Duration::from_millis(2) {
        tokio::task::yield_now().await;
    }
    publish(&hub, 3..=3).await;
    let mut resumed = hub.subscribe(Some("1")).await.unwrap();
    assert!(resumed.missed());
    assert_eq!(take(&mut resumed, 1).await, numbered(3..=3));
}

#[tokio::test]
async fn unknown_ids_start_at_the_oldest_kept_event_and_say_so() {
    let hub = MemoryHub::new(Retention::default());
    publish(&hub, 1..=3).await;
    for id in ["99", "not-a-number", "-1"] {
        let mut subscription = hub.subscribe(Some(id)).await.unwrap();
        assert!(subscription.missed(), "{id}");
        assert_eq!(take(&mut subscription, 3).await, numbered(1..=3), "{id}");
    }
    let empty = hub.subscribe(Some("")).await.unwrap();
    assert!(!empty.missed(), "an empty id is no id");
}

#[tokio::test]
async fn a_lagging_subscriber_is_cut_off_with_a_retry_hint() {
    let hub = MemoryHub::new(Retention {
        max_events: 4,
        lag_retry: Duration::from_millis(1234),
        ..Retention::default()
    });
    let mut slow = hub.subscribe(None).await.unwrap();
    publish(&hub, 1..=10).await;
    let mut parser = Parser::new();
    let mut items = Vec::new();
    while let Some(chunk) = tokio::time::timeout(PATIENCE, slow.next()).await.expect("in time") {
        parser.feed(&chunk, |item| items.push(item.unwrap()));
    }
    assert_eq!(
        items,
        [Item::Comment("fell behind the retained events; reconnect".into()), Item::Retry(1234)]
    );
}

#[tokio::test]
async fn a_resumable_endpoint_over_http() {
    async fn events(State(hub): State<MemoryHub>, LastEventId(last): LastEventId) -> SseResponse {
        match hub.subscribe(last.as_deref()).await {
            Ok(subscription) => SseResponse::encoded(subscription),
            Err(_) => SseResponse::retry_later(Duration::from_secs(1)),
        }
    }
    let hub = MemoryHub::new(Retention::default());
    let address = serve(Router::new().route("/events", get(events)).with_state(hub.clone())).await;
    publish(&hub, 1..=3).await;
    let mut first = request(address, "/events?lastEventId=1", &[]).await;
    assert_eq!(first.events(2).await, numbered(2..=3));
    publish(&hub, 4..=5).await;
    assert_eq!(first.events(1).await, numbered(4..=4));
    drop(first);
    let mut second = request(address, "/events", &[("last-event-id", "4")]).await;
    publish(&hub, 6..=6).await;
    assert_eq!(second.events(2).await, numbered(5..=6));
}

#[tokio::test]
async fn a_burst_goes_out_in_chunks_of_whole_events() {
    let hub = MemoryHub::new(Retention::default());
    for n in 0..300usize {
        hub.publish(Message::new("x".repeat(n * 7 % 1_000))).await.unwrap();
    }
    let mut subscription = hub.subscribe(Some("0")).await.unwrap();
    let (mut events, mut chunks, mut largest) = (0, 0, 0);
    while events < 300 {
        let chunk =
            tokio::time::timeout(PATIENCE, subscription.next()).await.expect("in time").expect("a chunk");
        // A fresh parser for each chunk: every chunk must hold whole events only.
        let mut parser = Parser::new();
        let mut found = 0;
        parser.feed(&chunk, |item| found += usize::from(matches!(item, Ok(Item::Event(_)))));
        assert!(chunk.ends_with(b"\n\n") && found > 0, "chunk {chunks} ends mid-event");
        (events, chunks, largest) = (events + found, chunks + 1, largest.max(found));
    }
    assert_eq!(events, 300);
    assert!(largest > 1 && chunks > 1, "{chunks} chunks, up to {largest} events in one");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever was published and kept, a subscriber from any id gets exactly the kept
    /// events after it, in order, and `missed` says whether any after it were dropped.
    #[test]
    fn a_subscription_is_the_kept_events_after_the_id(
        published in 0u64..40,
        kept in 1usize..20,
        from in 0u64..45,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        runtime.block_on(async {
            let hub = MemoryHub::new(retention(kept));
            publish(&hub, 1..=published).await;
            let oldest_kept = published.saturating_sub(kept as u64) + 1;
            let mut subscription = hub.subscribe(Some(&from.to_string())).await.unwrap();
            let known = from <= published;
            let missed = !known || from + 1 < oldest_kept;
            prop_assert_eq!(subscription.missed(), missed);
            let start = if missed { oldest_kept } else { from + 1 };
            let expected = numbered(start..=published);
            let events = take(&mut subscription, expected.len()).await;
            prop_assert_eq!(events, expected);
            // Nothing more until the next publish, which comes next.
            publish(&hub, published + 1..=published + 1).await;
            prop_assert_eq!(take(&mut subscription, 1).await, numbered(published + 1..=published + 1));
            Ok(())
        })?;
    }
}
