//! Native end-to-end throughput: wasm-eventsource's native `EventSource` beside
//! `reqwest-eventsource` and `eventsource-client`, each reading the same stream from the
//! same local server over loopback, in the same process. Prints a JSON report in the
//! format of the parsers benchmark (`fixture`, `parser` = the client, `seconds`).
//!
//! `cargo bench --features native --bench clients -- [--smoke] [--out FILE]`: each client
//! reads `events` events 7 times (after one warm-up round), the clients taking turns, and
//! the median, min and max are reported. A run is timed from building the client to its
//! last event, so connecting is included (a fraction of a millisecond here).

use futures::StreamExt;
use std::hint::black_box;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const RUNS: usize = 7;
/// How long one client may take for one run before the benchmark stops it.
const RUN_TIME_LIMIT: Duration = Duration::from_secs(60);

/// A stream of `count` events of `size` bytes each on the wire.
struct Fixture {
    name: &'static str,
    size: usize,
    count: usize,
}

/// Serves `/<size>/<count>`: the response head, then `count` events of `size` bytes
/// (`data: xxx…\n\n`) in 64 KiB writes, then nothing until the client goes away.
async fn serve(listener: TcpListener) {
    loop {
        let Ok((socket, _)) = listener.accept().await else { continue };
        tokio::spawn(respond(socket));
    }
}

async fn respond(mut socket: TcpStream) {
    let _ = socket.set_nodelay(true);
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => head.extend_from_slice(&buffer[..read]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/");
    let mut numbers = path.trim_start_matches('/').split('/').map(|part| part.parse::<usize>().unwrap_or(0));
    let (size, count) = (numbers.next().unwrap_or(64).max(9), numbers.next().unwrap_or(0));
    let mut event = b"data: ".to_vec();
    event.resize(size - 2, b'x');
    event.extend_from_slice(b"\n\n");
    let per_write = (64 * 1024 / size).max(1);
    let block = event.repeat(per_write);
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-store\r\n\r\n";
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let mut left = count;
    while left > 0 {
        let events = left.min(per_write);
        if socket.write_all(&block[..events * size]).await.is_err() {
            return;
        }
        left -= events;
    }
    // Hold the connection open until the client closes it.
    while let Ok(read) = socket.read(&mut buffer).await {
        if read == 0 {
            return;
        }
    }
}

async fn ours(url: String, count: usize) -> usize {
    use wasm_eventsource::{EventSource, SseEvent};
    let mut source = EventSource::new(url).expect("a valid URL");
    let mut events = 0;
    while let Some(item) = source.next().await {
        match item {
            Ok(SseEvent::Message(message)) => {
                black_box(&message);
                events += 1;
                if events == count {
                    break;
                }
            }
            Ok(_) => {}
            Err(error) => panic!("wasm-eventsource: {error}"),
        }
    }
    events
}

async fn reqwest_eventsource(url: String, count: usize) -> usize {
    use reqwest_eventsource::{Event, EventSource};
    let mut source = EventSource::get(url);
    let mut events = 0;
    while let Some(item) = source.next().await {
        match item {
            Ok(Event::Message(message)) => {
                black_box(&message);
                events += 1;
                if events == count {
                    break;
                }
            }
            Ok(Event::Open) => {}
            Err(error) => panic!("reqwest-eventsource: {error}"),
        }
    }
    source.close();
    events
}

async fn eventsource_client(url: String, count: usize) -> usize {
    use eventsource_client::{Client, ClientBuilder, SSE};
    let client = ClientBuilder::for_url(&url).expect("a valid URL").build_http();
    let mut stream = client.stream();
    let mut events = 0;
    while let Some(item) = stream.next().await {
        match item {
            Ok(SSE::Event(event)) => {
                black_box(&event);
                events += 1;
                if events == count {
                    break;
                }
            }
            Ok(_) => {}
            Err(error) => panic!("eventsource-client: {error:?}"),
        }
    }
    events
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    let out = args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1)).cloned();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let address = listener.local_addr().expect("its address");
    tokio::spawn(serve(listener));
    let scale = if smoke { 100 } else { 1 };
    let fixtures = [
        Fixture { name: "64-byte events", size: 64, count: 400_000 / scale },
        Fixture { name: "1 KiB events", size: 1024, count: 50_000 / scale },
    ];
    let mut rows = Vec::new();
    for Fixture { name, size, count } in fixtures {
        let url = format!("http://{address}/{size}/{count}");
        let mut times: [Vec<f64>; 3] = Default::default();
        let names = ["wasm-eventsource", "reqwest-eventsource", "eventsource-client"];
        for run in 0..=RUNS {
            for (client, seconds) in times.iter_mut().enumerate() {
                let start = Instant::now();
                let reading = async {
                    match client {
                        0 => ours(url.clone(), count).await,
                        1 => reqwest_eventsource(url.clone(), count).await,
                        _ => eventsource_client(url.clone(), count).await,
                    }
                };
                let events =
                    tokio::time::timeout(RUN_TIME_LIMIT, reading).await.expect("a run within the limit");
                assert_eq!(events, count, "{} event count", names[client]);
                if run > 0 {
                    seconds.push(start.elapsed().as_secs_f64());
                }
            }
        }
        for (client, mut seconds) in times.into_iter().enumerate() {
            seconds.sort_by(f64::total_cmp);
            let median = seconds[RUNS / 2];
            eprintln!(
                "{name:16} {:20} median {:8.2} ms, {:>12.0} events/s",
                names[client],
                median * 1e3,
                count as f64 / median
            );
            let list: Vec<String> = seconds.iter().map(|t| format!("{t:.6}")).collect();
            rows.push(format!(
                r#"{{"fixture":"{name}","parser":"{}","bytes":{},"events":{count},"finished":true,"seconds":[{}]}}"#,
                names[client],
                size * count,
                list.join(",")
            ));
        }
    }
    let report = format!("{{\"runs\":{RUNS},\"rows\":[\n{}\n]}}\n", rows.join(",\n"));
    match out {
        Some(path) => std::fs::write(path, report).expect("write the report"),
        None => print!("{report}"),
    }
}
