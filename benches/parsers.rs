//! Native parser throughput: wasm-eventsource's parser beside `eventsource-stream` and
//! `sse-stream`, on the same fixtures in the same process. Prints a JSON report.
//!
//! `cargo bench --bench parsers -- [--smoke] [--out FILE]`: every fixture is parsed 12 times
//! by each parser, the parsers taking turns, each timed run after an untimed one, and the
//! median, min and max are reported. A peer whose warm-up takes longer than 20 s is reported
//! as not finished.

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

/// Runs per parser and fixture: three rounds of each order of the four parsers.
const RUNS: usize = 12;
/// How long a peer's run may take before it is reported as not finished.
const PEER_TIME_LIMIT: Duration = Duration::from_secs(20);
/// The same limit in the smoke run, which only checks that everything still works.
const SMOKE_PEER_TIME_LIMIT: Duration = Duration::from_secs(1);

type ParseFn = fn(&[Bytes]) -> usize;

/// Ours as the native `EventSource` sets it up: comments dropped, as sse-stream drops them.
fn ours(chunks: &[Bytes]) -> usize {
    parse_with(Parser::new().without_comments(), chunks)
}

/// Ours with every comment reported as an `Item::Comment` (`Parser::new()`).
fn ours_with_comments(chunks: &[Bytes]) -> usize {
    parse_with(Parser::new(), chunks)
}

/// Not inlined, so that both configurations run the same machine code: inlined into each,
/// the two copies differed by up to 15% on fixtures with no comment at all.
#[inline(never)]
fn parse_with(mut parser: Parser, chunks: &[Bytes]) -> usize {
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

/// One timed pass of `parse` over `chunks`, in seconds.
fn time_once(parse: ParseFn, chunks: &[Bytes], expected: usize) -> f64 {
    let start = Instant::now();
    let events = parse(chunks);
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(events, expected, "event count");
    seconds
}

/// Whether `parse` gets through `chunks` once within `limit` (a warm-up run, on a thread of
/// its own so that a peer that would take minutes can be left behind).
fn finishes_within(parse: ParseFn, chunks: &[Bytes], expected: usize, limit: Option<Duration>) -> bool {
    let Some(limit) = limit else {
        time_once(parse, chunks, expected);
        return true;
    };
    let (sender, receiver) = mpsc::channel();
    let chunks = chunks.to_vec();
    std::thread::spawn(move || {
        let _ = sender.send(time_once(parse, &chunks, expected));
    });
    receiver.recv_timeout(limit).is_ok()
}

/// Times every parser in `parsers` `RUNS` times over `chunks`, taking turns: each round runs
/// each parser once, starting one further along each time, so that a change in the machine's
/// load falls on all of them alike. Each timed run follows an untimed one of the same
/// parser, so that it starts from the heap and caches its own work leaves, not another
/// parser's. Run one after the other instead, the same build's ratio against sse-stream on
/// the 64 KiB fixture read 0.68x on a busy machine and 1.09x minutes later; in turns but
/// right after another parser, our two rows, the same code on a fixture with no comment,
/// differed by 12%, run after run.
fn measure_in_turns(parsers: &[(&str, ParseFn)], chunks: &[Bytes], expected: usize) -> Vec<Vec<f64>> {
    let mut times = vec![Vec::with_capacity(RUNS); parsers.len()];
    for round in 0..RUNS {
        for turn in 0..parsers.len() {
            let at = (round + turn) % parsers.len();
            if let (Some((_, parse)), Some(times)) = (parsers.get(at), times.get_mut(at)) {
                time_once(*parse, chunks, expected);
                times.push(time_once(*parse, chunks, expected));
            }
        }
    }
    times
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    let out = args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1)).cloned();
    let parsers: [(&str, ParseFn); 4] = [
        ("wasm-eventsource", ours),
        ("wasm-eventsource, comments reported", ours_with_comments),
        ("eventsource-stream", eventsource_stream),
        ("sse-stream", sse_stream),
    ];
    let mut rows = Vec::new();
    // A peer that did not finish a fixture is not run on the same stream in smaller chunks.
    let mut gave_up: Vec<&str> = Vec::new();
    for Fixture { name, bytes, chunk, events } in fixtures::all(if smoke { 64 } else { 1 }) {
        let shared = Bytes::from(bytes);
        let chunks: Vec<Bytes> = (0..shared.len())
            .step_by(chunk)
            .map(|at| shared.slice(at..(at + chunk).min(shared.len())))
            .collect();
        let big = name.starts_with("8 MiB");
        let peer_limit = if smoke { SMOKE_PEER_TIME_LIMIT } else { PEER_TIME_LIMIT };
        let mut timed: Vec<(&str, ParseFn)> = Vec::new();
        for (parser, parse) in parsers {
            let limit = (!parser.starts_with("wasm-eventsource")).then_some(peer_limit);
            let skipped = big && gave_up.contains(&parser);
            if !skipped && finishes_within(parse, &chunks, events, limit) {
                timed.push((parser, parse));
                continue;
            }
            if !skipped {
                gave_up.push(parser);
                eprintln!("{name:32} {parser:20} did not finish a run in {} s", peer_limit.as_secs());
            }
            rows.push(format!(
                r#"{{"fixture":"{name}","parser":"{parser}","bytes":{},"events":{events},"finished":false}}"#,
                shared.len()
            ));
        }
        for ((parser, _), mut times) in timed.iter().zip(measure_in_turns(&timed, &chunks, events)) {
            times.sort_by(f64::total_cmp);
            let list: Vec<String> = times.iter().map(|t| format!("{t:.6}")).collect();
            rows.push(format!(
                r#"{{"fixture":"{name}","parser":"{parser}","bytes":{},"events":{events},"finished":true,"seconds":[{}]}}"#,
                shared.len(),
                list.join(",")
            ));
            eprintln!("{name:32} {parser:20} median {:8.2} ms", times[RUNS / 2] * 1e3);
        }
    }
    let report = format!("{{\"runs\":{RUNS},\"rows\":[\n{}\n]}}\n", rows.join(",\n"));
    match out {
        Some(path) => std::fs::write(path, report).expect("write the report"),
        None => print!("{report}"),
    }
}
