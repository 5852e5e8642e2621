//! The native EventSource against two server nodes sharing one Redis, behind a balancer that
//! sends each connection to a node at random (tests/cluster/cluster.mjs, the fixture of the
//! JS client's test beside it): 100,000 events arrive exactly once and in order while every
//! open connection is broken 200 times, wherever the stream is.
#![cfg(all(not(target_arch = "wasm32"), feature = "native", feature = "redis"))]

use futures::StreamExt;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use wasm_eventsource::{EventSource, SseEvent};

const COUNT: usize = 100_000;
const DROPS: usize = 200;
const BATCH: usize = 250;
/// The pause between published batches: 400 batches take about a minute.
const PACE: Duration = Duration::from_millis(150);

/// The cluster program, ended (with every node and its Redis) when dropped.
struct Cluster {
    child: Child,
    /// The balancer's URL, and the URL of the node events are published to.
    url: String,
    publish_to: String,
}

impl Cluster {
    fn start(root: &Path) -> Cluster {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let built = Command::new(cargo)
            .current_dir(root)
            .args(["build", "--quiet", "--example", "axum_server", "--features", "redis"])
            .status()
            .expect("cargo runs");
        assert!(built.success(), "building the server example failed");
        let mut child = Command::new("node")
            .arg(root.join("tests/cluster/cluster.mjs"))
            .arg("2")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("node starts the cluster");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("the cluster says where it listens");
        // The acknowledgements of later commands are read, and dropped, by a thread of their own.
        std::thread::spawn(move || for _ in stdout.lines() {});
        let info: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
        let url = info["url"].as_str().expect("the balancer's URL").to_owned();
        let publish_to = info["nodes"][1].as_str().expect("a second node").to_owned();
        Cluster { child, url, publish_to }
    }

    /// Breaks every open connection, as a failing balancer or network would.
    fn drop_connections(&mut self) {
        let stdin = self.child.stdin.as_mut().expect("piped stdin");
        stdin.write_all(b"drop\n").and_then(|()| stdin.flush()).expect("the cluster takes commands");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Closing its standard input stops the cluster, which stops its nodes and Redis.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_thousand_events_exactly_once_across_two_nodes_and_200_drops() {
    let mut cluster = Cluster::start(Path::new(env!("CARGO_MANIFEST_DIR")));
    let mut source = EventSource::builder(format!("{}/events", cluster.url)).build().expect("a source");
    let opened =
        tokio::time::timeout(Duration::from_secs(30), source.next()).await.expect("a response within 30 s");
    assert!(matches!(opened, Some(Ok(SseEvent::Open { .. }))), "{opened:?}");

    let publish_to = format!("{}/publish", cluster.publish_to);
    let publishing = tokio::spawn(async move {
        let client = reqwest::Client::new();
        for first in (1..=COUNT).step_by(BATCH) {
            let lines: Vec<String> = (first..first + BATCH).map(|n| n.to_string()).collect();
            let response = client.post(&publish_to).body(lines.join("\n")).send().await.expect("published");
            assert!(response.status().is_success(), "publish answered {}", response.status());
            // Paced, so that the stream runs long enough for 200 drops, each followed by a
            // reconnect after the server's retry time.
            tokio::time::sleep(PACE).await;
        }
    });

    // A drop goes out every few hundred events while a connection is open, so each breaks one
    // (the cluster takes the command while the stream runs, wherever it is in an event).
    let drop_every = COUNT / (DROPS * 5);
    let (mut received, mut drops, mut reconnects, mut next_drop) = (0, 0, 0, drop_every);
    // Whether the connection a drop would break is a new one: a drop waits for the reconnect
    // of the one before, and for an event over the new connection.
    let (mut open, mut reconnected) = (true, false);
    let mut last_id = String::new();
    while received < COUNT {
        let item =
            tokio::time::timeout(Duration::from_secs(30), source.next()).await.expect("an item within 30 s");
        match item {
            Some(Ok(SseEvent::Message(message))) => {
                received += 1;
                open |= reconnected;
                assert_eq!(message.data, received.to_string(), "event {received}, after id {last_id}");
                last_id = message.id;
                if open && received >= next_drop && drops < DROPS {
                    cluster.drop_connections();
                    drops += 1;
                    (open, reconnected) = (false, false);
                    next_drop = received + drop_every;
                }
            }
            Some(Ok(SseEvent::Reconnecting { .. })) => {
                reconnects += 1;
                reconnected = true;
            }
            Some(Ok(_)) => {}
            other => panic!("the stream ended after {received} events: {other:?}"),
        }
    }
    publishing.await.expect("the publisher finished");
    assert_eq!(drops, DROPS);
    assert!(reconnects >= DROPS, "{reconnects} reconnects for {DROPS} drops of an open connection");
}
