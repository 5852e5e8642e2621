//! Native parser throughput: wasm-eventsource's parser beside `eventsource-stream` and
//! `sse-stream`, on the same fixtures in the same process. Prints a JSON report.
//!
//! `cargo bench --bench parsers -- [--smoke] [--out FILE]`: every fixture is parsed 7 times
//! per parser (after one warm-up) and the median, min and max are reported. A peer whose
//! run takes longer than 20 s is stopped counting and reported as not finished.

mod fixtures;

use bytes::Bytes;
use fixtures::Fixture;
use futures::StreamExt;
use futures::executor::block_on;
use std::convert::Infallible;
use std::hint::black_box;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use wasm_eventsource::parser::{Item, Parser};

const RUNS: usize = 7;
/// How long a peer's run may take before it is reported as not finished.
const PEER_TIME_LIMIT: Duration = Duration::from_secs(20);
/// The same limit in the smoke run, which only checks that everything still works.
const SMOKE_PEER_TIME_LIMIT: Duration = Duration::from_secs(1);

type ParseFn = fn(&[Bytes]) -> usize;

fn ours(chunks: &[Bytes]) -> usize {
    let mut parser = Parser::new();
    let mut events = 0;
    for chunk in chunks {
        parser.feed(chunk, |item| {
            if let Ok(Item::Event(event)) = item {
                black_box(&event);
                events += 1;
            }
        });
    }
    events
}

fn eventsource_stream(chunks: &[Bytes]) -> usize {
    use eventsource_stream::Eventsource;
    let stream = futures::stream::iter(chunks.iter().cloned().map(Ok::<Bytes, Infallible>)).eventsource();
    block_on(stream.fold(0, |events, item| async move {
        black_box(&item);
        events + usize::from(item.is_ok())
    }))
}

fn sse_stream(chunks: &[Bytes]) -> usize {
    let stream = sse_stream::SseStream::from_bytes_stream(futures::stream::iter(
        chunks.iter().cloned().map(Ok::<Bytes, std::io::Error>),
    ));
    block_on(stream.fold(0, |events, item| async move {
        let is_event = matches!(&item, Ok(sse) if sse.data.is_some());
        black_box(&item);
        events + usize::from(is_event)
    }))
}

/// Times `parse` over `chunks`; `None` when a run exceeded `limit`.
fn measure(parse: ParseFn, chunks: Vec<Bytes>, expected: usize, limit: Option<Duration>) -> Option<Vec<f64>> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for run in 0..=RUNS {
            let start = Instant::now();
            let events = parse(&chunks);
            let seconds = start.elapsed().as_secs_f64();
            assert_eq!(events, expected, "event count");
            if run > 0 && sender.send(seconds).is_err() {
                return;
            }
        }
    });
    let mut times = Vec::new();
    while times.len() < RUNS {
        let next = match limit {
            Some(limit) => receiver.recv_timeout(limit).ok()?,
            None => receiver.recv().ok()?,
        };
        times.push(next);
    }
    Some(times)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    let out = args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1)).cloned();
    let parsers: [(&str, ParseFn); 3] =
        [("wasm-eventsource", ours), ("eventsource-stream", eventsource_stream), ("sse-stream", sse_stream)];
    let mut rows = Vec::new();
    // A peer that did not finish a fixture is not run on the same stream in smaller chunks.
    let mut gave_up: Vec<&str> = Vec::new();
    for Fixture { name, bytes, chunk, events } in fixtures::all(if smoke { 64 } else { 1 }) {
        let shared = Bytes::from(bytes);
        let chunks: Vec<Bytes> = (0..shared.len())
            .step_by(chunk)
            .map(|at| shared.slice(at..(at + chunk).min(shared.len())))
            .collect();
        for (parser, parse) in parsers {
            let big = name.starts_with("8 MiB");
            if big && gave_up.contains(&parser) {
                rows.push(format!(r#"{{"fixture":"{name}","parser":"{parser}","bytes":{},"events":{events},"finished":false}}"#, shared.len()));
                continue;
            }
            let peer_limit = if smoke { SMOKE_PEER_TIME_LIMIT } else { PEER_TIME_LIMIT };
            let limit = (parser != "wasm-eventsource").then_some(peer_limit);
            match measure(parse, chunks.clone(), events, limit) {
                Some(mut times) => {
                    times.sort_by(f64::total_cmp);
                    let list: Vec<String> = times.iter().map(|t| format!("{t:.6}")).collect();
                    rows.push(format!(
                        r#"{{"fixture":"{name}","parser":"{parser}","bytes":{},"events":{events},"finished":true,"seconds":[{}]}}"#,
                        shared.len(),
                        list.join(",")
                    ));
                    eprintln!("{name:32} {parser:20} median {:8.2} ms", times[RUNS / 2] * 1e3);
                }
                None => {
                    gave_up.push(parser);
                    rows.push(format!(r#"{{"fixture":"{name}","parser":"{parser}","bytes":{},"events":{events},"finished":false}}"#, shared.len()));
                    eprintln!(
                        "{name:32} {parser:20} did not finish a run in {} s",
                        PEER_TIME_LIMIT.as_secs()
                    );
                }
            }
        }
    }
    let report = format!("{{\"runs\":{RUNS},\"rows\":[\n{}\n]}}\n", rows.join(",\n"));
    match out {
        Some(path) => std::fs::write(path, report).expect("write the report"),
        None => print!("{report}"),
    }
}
