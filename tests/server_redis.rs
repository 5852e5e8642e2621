//! `RedisHub` against a real `redis-server` started for the test: ids that are Redis
//! stream ids, replay then live with no gap and no repeat, two nodes sharing one stream,
//! a node restart, trimming, and unknown ids.

#![cfg(not(target_arch = "wasm32"))]

mod server_support;

use server_support::{RedisServer, take};
use std::time::Duration;
use wasm_eventsource::server::{Hub, Message, RedisHub, Retention};

fn data(events: &[(String, String)]) -> Vec<String> {
    events.iter().map(|(_, data)| data.clone()).collect()
}

fn numbered(range: std::ops::RangeInclusive<u64>) -> Vec<String> {
    range.map(|n| format!("event {n}")).collect()
}

/// Publishes `event n` for each n; returns the ids.
async fn publish(hub: &RedisHub, range: std::ops::RangeInclusive<u64>) -> Vec<String> {
    let mut ids = Vec::new();
    for n in range {
        ids.push(hub.publish(Message::new(format!("event {n}"))).await.unwrap());
    }
    ids
}

#[tokio::test]
async fn replays_from_redis_then_follows_live_across_nodes() {
    let redis = RedisServer::start().await;
    let writer = RedisHub::connect(redis.client(), "events", Retention::default()).await.unwrap();
    let ids = publish(&writer, 1..=5).await;
    // Ids are Redis stream ids, growing, and valid Last-Event-IDs (no CR, LF or NUL).
    assert!(ids.iter().all(|id| {
        id.split_once('-').is_some_and(|(a, b)| a.parse::<u64>().is_ok() && b.parse::<u64>().is_ok())
    }));
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1] || pair[0].len() < pair[1].len()));

    // A second node, started after the events, resumes a client from Redis.
    let reader = RedisHub::connect(redis.client(), "events", Retention::default()).await.unwrap();
    let mut resumed = reader.subscribe(Some(&ids[1])).await.unwrap();
    let mut live = reader.subscribe(None).await.unwrap();
    assert!(!resumed.missed());
    let first = take(&mut resumed, 3).await;
    assert_eq!(data(&first), numbered(3..=5));
    assert_eq!(first.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(), ids[2..]);
    let later = publish(&writer, 6..=7).await;
    let both = take(&mut resumed, 2).await;
    assert_eq!(data(&both), numbered(6..=7));
    assert_eq!(both.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(), later);
    assert_eq!(data(&take(&mut live, 2).await), numbered(6..=7));
}

#[tokio::test]
async fn no_gap_and_no_repeat_while_a_resumed_subscriber_switches_to_live() {
    let redis = RedisServer::start().await;
    let hub = RedisHub::connect(redis.client(), "events", Retention::default()).await.unwrap();
    let ids = publish(&hub, 1..=1_200).await;
    let publisher = {
        let hub = hub.clone();
        tokio::spawn(async move { publish(&hub, 1_201..=3_000).await })
    };
    // Each replays over several XRANGE pages while the publisher goes on.
    let mut joined = Vec::new();
    for from in [0usize, 600, 1_199] {
        let node = RedisHub::connect(redis.client(), "events", Retention::default()).await.unwrap();
        let subscription = node.subscribe(Some(&ids[from])).await.unwrap();
        joined.push((from, node, subscription));
    }
    for (from, _node, mut subscription) in joined {
        let expected = numbered(u64::try_from(from).unwrap() + 2..=3_000);
        assert_eq!(data(&take(&mut subscription, expected.len()).await), expected, "after {from}");
    }
    publisher.await.unwrap();
}

#[tokio::test]
async fn a_restarted_node_loses_nothing_redis_kept() {
    let redis = RedisServer::start().await;
    let node = RedisHub::connect(redis.client(), "events", Retention::default()).await.unwrap();
    let ids = publish(&node, 1..=10).await;
    drop(node);
    let restarted = RedisHub::connect(redis.client(), "events", Retention::default()).await.unwrap();
    publish(&restarted, 11..=12).await;
    let mut resumed = restarted.subscribe(Some(&ids[3])).await.unwrap();
    assert!(!resumed.missed());
    assert_eq!(data(&take(&mut resumed, 8).await), numbered(5..=12));
}

#[tokio::test]
async fn trimming_bounds_the_stream_and_older_ids_are_reported_missed() {
    let redis = RedisServer::start().await;
    let retention = Retention { max_events: 3, ..Retention::default() };
    let hub = RedisHub::connect(redis.client(), "events", retention).await.unwrap();
    let ids = publish(&hub, 1..=6).await;
    let mut connection = redis.client().get_multiplexed_async_connection().await.unwrap();
    let length: usize = redis::cmd("XLEN").arg("events").query_async(&mut connection).await.unwrap();
    assert_eq!(length, 3);

    let other = RedisHub::connect(redis.client(), "events", retention).await.unwrap();
    let mut late = other.subscribe(Some(&ids[0])).await.unwrap();
    assert!(late.missed());
    assert_eq!(data(&take(&mut late, 3).await), numbered(4..=6));
    let mut kept = other.subscribe(Some(&ids[3])).await.unwrap();
    assert!(!kept.missed());
    assert_eq!(data(&take(&mut kept, 2).await), numbered(5..=6));
    for unknown in ["garbage", "99999999999999-0"] {
        let mut subscription = other.subscribe(Some(unknown)).await.unwrap();
        assert!(subscription.missed(), "{unknown}");
        assert_eq!(data(&take(&mut subscription, 3).await), numbered(4..=6), "{unknown}");
    }

    // By age: an entry older than the limit (by the ids' clock) is trimmed at the next add.
    let aging = Retention { max_age: Some(Duration::from_millis(1)), ..Retention::default() };
    let hub = RedisHub::connect(redis.client(), "aging", aging).await.unwrap();
    let millis = |id: &str| id.split('-').next().and_then(|ms| ms.parse::<u64>().ok()).unwrap();
    let first = publish(&hub, 1..=1).await.remove(0);
    // Publishes until an id's clock is more than 1 ms past the first's.
    let mut last = first.clone();
    while millis(&last) <= millis(&first) + 1 {
        last = publish(&hub, 2..=2).await.remove(0);
    }
    let range: redis::streams::StreamRangeReply =
        redis::cmd("XRANGE").arg("aging").arg("-").arg("+").query_async(&mut connection).await.unwrap();
    assert!(
        range.ids.iter().all(|entry| millis(&entry.id) + 1 >= millis(&last)),
        "older entries were trimmed"
    );
    assert_eq!(range.ids.last().map(|entry| entry.id.clone()), Some(last));
}

#[tokio::test]
async fn an_unencodable_event_type_is_refused_before_it_is_stored() {
    let redis = RedisServer::start().await;
    let hub = RedisHub::connect(redis.client(), "events", Retention::default()).await.unwrap();
    let error = hub.publish(Message::new("x").event_type("a\nb")).await.unwrap_err();
    assert_eq!(error.to_string(), "an event type cannot contain CR or LF");
    let mut connection = redis.client().get_multiplexed_async_connection().await.unwrap();
    let length: usize = redis::cmd("XLEN").arg("events").query_async(&mut connection).await.unwrap();
    assert_eq!(length, 0);
}

#[tokio::test]
async fn a_redis_that_is_gone_is_an_error_not_a_panic() {
    let redis = RedisServer::start().await;
    let hub = RedisHub::connect(redis.client(), "events", Retention::default()).await.unwrap();
    let client = redis.client();
    drop(redis);
    let error = hub.publish(Message::new("x")).await.unwrap_err();
    assert!(error.to_string().starts_with("redis: "), "{error}");
    assert!(hub.subscribe(Some("1-0")).await.is_err());
    assert!(RedisHub::connect(client, "events", Retention::default()).await.is_err());
}
