//! Fan-out: one server process, many subscribers, every event to every one of them.
//!
//! `cargo bench --bench fanout --features axum -- [--smoke] [--out FILE]` measures two
//! servers in the same run, each in a child process of its own (this program, started with
//! `--serve <kind>`), so its memory is read alone from `/proc/<pid>/status`:
//!
//! - `hub`: `MemoryHub` subscriptions sent as `SseResponse`s. Each event is encoded once
//!   and its bytes shared by every subscriber.
//! - `broadcast`: axum's own `Sse` over a tokio `broadcast` channel, each subscriber
//!   building and encoding its own `Event` (the usual way to fan out with axum).
//!
//! The subscribers are real HTTP/1.1 connections on loopback from this process. A run
//! publishes `events` events of 64 B; it is timed from the publish request to the last
//! event counted by the last subscriber. Reported per server: deliveries per second (median
//! of the runs, with the slowest and fastest) and the server's resident memory per
//! subscriber, once all are connected and again after the runs.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::sse::{Event, Sse};
use axum::routing::{get, post};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{Notify, broadcast};
use wasm_eventsource::server::{Hub, MemoryHub, Message, Retention, SseResponse};

/// The payload of every event: 64 bytes, about the size of a small JSON update.
const PAYLOAD: &str = "{\"price\":1234.5,\"symbol\":\"ABCD\",\"volume\":100000,\"side\":\"buy\"}xxx";

/// The broadcast server's state: the channel and the next event id.
type Channel = (broadcast::Sender<(u64, Arc<str>)>, Arc<AtomicU64>);

/// Sizes of a full run and of the smoke run (which only checks that everything works).
struct Sizes {
    subscribers: usize,
    events: u64,
    runs: usize,
}

const FULL: Sizes = Sizes { subscribers: 1_000, events: 2_000, runs: 5 };
const SMOKE: Sizes = Sizes { subscribers: 20, events: 50, runs: 1 };

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| args.iter().position(|arg| arg == name).and_then(|at| args.get(at + 1)).cloned();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    if let Some(kind) = flag("--serve") {
        let capacity: usize = flag("--capacity").ok_or("--capacity N")?.parse()?;
        return runtime.block_on(serve(&kind, capacity));
    }
    let sizes = if args.iter().any(|arg| arg == "--smoke") { SMOKE } else { FULL };
    let mut rows = Vec::new();
    for kind in ["hub", "broadcast"] {
        rows.push(runtime.block_on(measure(kind, &sizes))?);
        eprintln!("[fanout] {}", rows.last().map(String::as_str).unwrap_or_default());
    }
    let json = format!(
        "{{\"subscribers\":{},\"events\":{},\"runs\":{},\"bytes\":{},\"rows\":[{}]}}",
        sizes.subscribers,
        sizes.events,
        sizes.runs,
        PAYLOAD.len(),
        rows.join(",")
    );
    match flag("--out") {
        Some(path) => std::fs::write(path, json)?,
        None => println!("{json}"),
    }
    Ok(())
}

/// The server side: `GET /events` and `POST /publish?n=N` for one kind, on a free port
/// printed as `port N`.
async fn serve(kind: &str, capacity: usize) -> Result<(), Box<dyn std::error::Error>> {
    let app = match kind {
        "hub" => {
            let hub = MemoryHub::new(Retention { max_events: capacity, ..Retention::default() });
            Router::new()
                .route(
                    "/events",
                    get(|State(hub): State<MemoryHub>| async move {
                        match hub.subscribe(None).await {
                            Ok(subscription) => SseResponse::encoded(subscription),
                            Err(_) => SseResponse::retry_later(Duration::from_secs(1)),
                        }
                    }),
                )
                .route(
                    "/publish",
                    post(
                        |State(hub): State<MemoryHub>, Query(query): Query<HashMap<String, u64>>| async move {
                            for _ in 0..query.get("n").copied().unwrap_or(0) {
                                let _ = hub.publish(Message::new(PAYLOAD)).await;
                            }
                        },
                    ),
                )
                .with_state(hub)
        }
        _ => {
            let (sender, _) = broadcast::channel::<(u64, Arc<str>)>(capacity);
            let next = Arc::new(AtomicU64::new(1));
            Router::new()
                .route(
                    "/events",
                    get(|State((sender, _)): State<Channel>| async move {
                        let events = futures_util::stream::unfold(sender.subscribe(), |mut receiver| async move {
                            loop {
                                match receiver.recv().await {
                                    Ok((id, data)) => {
                                        let event = Event::default().id(id.to_string()).data(&*data);
                                        return Some((Ok::<_, std::convert::Infallible>(event), receiver));
                                    }
                                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                                    Err(broadcast::error::RecvError::Closed) => return None,
                                }
                            }
                        });
                        Sse::new(events)
                    }),
                )
                .route(
                    "/publish",
                    post(
                        |State((sender, next)): State<Channel>,
                         Query(query): Query<HashMap<String, u64>>| async move {
                            let data: Arc<str> = Arc::from(PAYLOAD);
                            for _ in 0..query.get("n").copied().unwrap_or(0) {
                                let _ = sender.send((next.fetch_add(1, Ordering::Relaxed), Arc::clone(&data)));
                            }
                        },
                    ),
                )
                .with_state((sender, next))
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("port {}", listener.local_addr()?.port());
    std::io::stdout().flush()?;
    axum::serve(listener, app).await?;
    Ok(())
}

/// The server's resident memory in bytes (`VmRSS`).
fn resident_bytes(child: &Child) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    kib * 1024
}

/// Kills the server when the measurement ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Counts the events every subscriber has received, and wakes the measurement when the
/// total reaches its target.
struct Tally {
    events: AtomicU64,
    target: AtomicU64,
    reached: Notify,
}

impl Tally {
    fn add(&self, events: u64) {
        let total = self.events.fetch_add(events, Ordering::AcqRel) + events;
        if total >= self.target.load(Ordering::Acquire) {
            self.reached.notify_one();
        }
    }

    async fn wait_for(&self, target: u64) {
        self.target.store(target, Ordering::Release);
        while self.events.load(Ordering::Acquire) < target {
            self.reached.notified().await;
        }
    }
}

/// Opens `GET /events` and counts the events in its body (each ends with a blank line).
async fn subscribe(
    port: u16,
    tally: Arc<Tally>,
    opened: Arc<Tally>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let request = hyper::Request::get("/events").header("host", "127.0.0.1").body(Empty::<Bytes>::new())?;
    let mut body = sender.send_request(request).await?.into_body();
    opened.add(1);
    let mut previous = 0u8;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else { continue };
        let mut events = 0;
        for &byte in data.iter() {
            if byte == b'\n' && previous == b'\n' {
                events += 1;
            }
            previous = byte;
        }
        tally.add(events);
    }
    Ok(())
}

/// One server kind: connects the subscribers, runs the publishes, returns a JSON row.
async fn measure(kind: &str, sizes: &Sizes) -> Result<String, Box<dyn std::error::Error>> {
    let capacity = usize::try_from(sizes.events)?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--serve", kind, "--capacity", &capacity.to_string()])
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let port: u16 = line.trim().strip_prefix("port ").ok_or("no port line")?.parse()?;

    let before = resident_bytes(&server.0);
    let tally = Arc::new(Tally {
        events: AtomicU64::new(0),
        target: AtomicU64::new(u64::MAX),
        reached: Notify::new(),
    });
    let opened = Arc::new(Tally {
        events: AtomicU64::new(0),
        target: AtomicU64::new(u64::MAX),
        reached: Notify::new(),
    });
    let mut subscribers = Vec::with_capacity(sizes.subscribers);
    for _ in 0..sizes.subscribers {
        let (tally, opened) = (Arc::clone(&tally), Arc::clone(&opened));
        subscribers.push(tokio::spawn(async move {
            if let Err(error) = subscribe(port, tally, opened).await {
                eprintln!("[fanout] a subscriber failed: {error}");
            }
        }));
    }
    opened.wait_for(u64::try_from(sizes.subscribers)?).await;
    let connected = resident_bytes(&server.0);

    let count = u64::try_from(sizes.subscribers)?;
    let mut rates = Vec::new();
    // One warm-up run, then the measured ones.
    for run in 0..=sizes.runs {
        let target = tally.events.load(Ordering::Acquire) + count * sizes.events;
        let started = Instant::now();
        publish(port, sizes.events).await?;
        tally.wait_for(target).await;
        let seconds = started.elapsed().as_secs_f64();
        if run > 0 {
            rates.push((count * sizes.events) as f64 / seconds);
        }
    }
    let after = resident_bytes(&server.0);
    // Ended before the server, so that its going is no subscriber's failure.
    subscribers.iter().for_each(tokio::task::JoinHandle::abort);
    rates.sort_by(f64::total_cmp);
    let median = rates.get(rates.len() / 2).copied().unwrap_or(0.0);
    let per = |bytes: u64| bytes.saturating_sub(before) as f64 / sizes.subscribers as f64;
    Ok(format!(
        "{{\"name\":\"{kind}\",\"deliveriesPerSecond\":{median:.0},\"slowest\":{:.0},\"fastest\":{:.0},\"connectedBytesPerSubscriber\":{:.0},\"afterBytesPerSubscriber\":{:.0},\"baseBytes\":{before}}}",
        rates.first().copied().unwrap_or(0.0),
        rates.last().copied().unwrap_or(0.0),
        per(connected),
        per(after),
    ))
}

/// `POST /publish?n=N` on a fresh connection, resolving when the server has published.
async fn publish(port: u16, events: u64) -> Result<(), Box<dyn std::error::Error>> {
    let stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let request = hyper::Request::post(format!("/publish?n={events}"))
        .header("host", "127.0.0.1")
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    response.into_body().collect().await?;
    Ok(())
}
