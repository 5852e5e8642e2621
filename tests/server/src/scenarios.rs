//! The scripted scenarios. Every one takes its script from the query string and records
//! the request under its `key`, so tests can run in parallel without seeing each other.

use crate::params::Params;
use crate::requests::{Log, describe};
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::time::Duration;
use wasm_eventsource::encoder::Frame;

/// How a scripted body ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// A clean end of the body.
    Close,
    /// The connection breaks (no clean end), this long after the last bytes were sent.
    Abort(Duration),
    /// Nothing more is sent, and the connection stays open.
    Hang,
}

impl Ending {
    fn from(params: &Params) -> Ending {
        match params.text("end").as_deref() {
            Some("abort") => Ending::Abort(Duration::from_millis(50)),
            Some("hang") => Ending::Hang,
            _ => Ending::Close,
        }
    }
}

/// Marks the request closed in the log when the server drops its body (the client went
/// away, or the body ended).
struct CloseGuard {
    log: Log,
    key: Option<String>,
    index: usize,
}

impl CloseGuard {
    /// Notes in the log that the body ended now.
    fn ended(&self) {
        if let Some(key) = &self.key {
            self.log.mark_ended(key, self.index);
        }
    }
}

impl Drop for CloseGuard {
    fn drop(&mut self) {
        if let Some(key) = &self.key {
            self.log.mark_closed(key, self.index);
        }
    }
}

/// Records the request and returns its number for its key (1 for the first).
async fn record(
    log: &Log,
    request: Request,
    params: &Params,
) -> (usize, Vec<u8>, Method, axum::http::HeaderMap) {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 * 1024 * 1024).await.map(|b| b.to_vec()).unwrap_or_default();
    let mut entry = describe(&parts.method, &parts.headers, params);
    // The query as the client wrote it, for the tests of where the last event ID goes.
    entry["query"] = parts.uri.query().map_or(serde_json::Value::Null, |query| query.into());
    let number = log.record(params.text("key"), entry);
    (number, body, parts.method, parts.headers)
}

/// Sends `chunks` with `delay` between them, then ends as told.
/// The chunks `delay` apart (`Pace::first` before the second chunk), then the ending.
fn stream_body(chunks: Vec<Vec<u8>>, pace: Pace, ending: Ending, guard: CloseGuard) -> Body {
    let stream = async_stream::stream! {
        let guard = guard;
        for (index, chunk) in chunks.into_iter().enumerate() {
            let delay = if index == 1 { pace.first } else { pace.delay };
            if index > 0 && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            yield Ok::<Bytes, std::io::Error>(Bytes::from(chunk));
        }
        match ending {
            Ending::Close => guard.ended(),
            Ending::Abort(pause) => {
                // Let the bytes reach the client first, so it sees a broken body rather
                // than a failed request (which the browser would silently retry).
                tokio::time::sleep(pause).await;
                yield Err(std::io::Error::other("scripted abort"));
            }
            Ending::Hang => std::future::pending::<()>().await,
        }
    };
    Body::from_stream(stream)
}

/// How a scripted body spaces its chunks.
#[derive(Clone, Copy, Default)]
struct Pace {
    /// Between chunks.
    delay: Duration,
    /// Between the first chunk (the head) and the second.
    first: Duration,
}

impl Pace {
    fn every(delay: Duration) -> Pace {
        Pace { delay, first: delay }
    }
}

fn event_stream_response(status: StatusCode, content_type: Option<&str>, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Some(content_type) = content_type.and_then(|value| HeaderValue::from_str(value).ok()) {
        headers.insert(header::CONTENT_TYPE, content_type);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-test", HeaderValue::from_static("scenario"));
    response
}

fn plain_status(status: u16) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::NO_CONTENT);
    response
}

/// `/sse/raw`: a fixed byte stream (`body`, any bytes), in `chunk`-byte pieces `delay` ms
/// apart, with `status` and `ct` (default 200 and text/event-stream; `ct=none` omits it),
/// `{fill}` in the body replaced by `fill` bytes of `x` (for events too big for a URL),
/// an optional `retry_after` header, ending as `end` says, after `head_delay` ms of silence
/// before the response headers. With `then=N`, every request after the first gets status N
/// and no body; with `again=B`, it gets body `B` instead and then stays open.
pub async fn raw(State(log): State<Log>, RawQuery(query): RawQuery, request: Request) -> Response {
    let params = Params::parse(query.as_deref());
    let (number, _, _, _) = record(&log, request, &params).await;
    if let Some(millis) = params.number("head_delay") {
        tokio::time::sleep(Duration::from_millis(millis)).await;
    }
    if let Some(then) = params.number("then").filter(|_| number > 1) {
        return plain_status(then as u16);
    }
    let later = params.bytes("again").filter(|_| number > 1);
    let body = expand_fill(
        later.or_else(|| params.bytes("body")).unwrap_or_default(),
        params.number("fill").unwrap_or(0) as usize,
    );
    let chunk = params.number("chunk").map_or(body.len().max(1), |size| size.max(1) as usize);
    let chunks: Vec<Vec<u8>> = body.chunks(chunk).map(<[u8]>::to_vec).collect();
    let delay = Duration::from_millis(params.number("delay").unwrap_or(0));
    let status =
        StatusCode::from_u16(params.number("status").unwrap_or(200) as u16).unwrap_or(StatusCode::OK);
    let content_type = params.text("ct").unwrap_or_else(|| "text/event-stream".into());
    let content_type = (content_type != "none").then_some(content_type);
    let ending = if later.is_some() { Ending::Hang } else { Ending::from(&params) };
    let guard = CloseGuard { log, key: params.text("key"), index: number.saturating_sub(1) };
    let mut response = event_stream_response(
        status,
        content_type.as_deref(),
        stream_body(chunks, Pace::every(delay), ending, guard),
    );
    if let Some(value) = params.text("retry_after").and_then(|value| HeaderValue::from_str(&value).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// `/sse/redirect`: answers `status` (default 302) with `Location: to` (`later` instead, if
/// given, for every request after the first), or with `loop=1` with its own URL (a
/// redirect loop).
pub async fn redirect(State(log): State<Log>, RawQuery(query): RawQuery, request: Request) -> Response {
    let params = Params::parse(query.as_deref());
    let own_url = request.uri().to_string();
    let (number, _, _, _) = record(&log, request, &params).await;
    let mut response = plain_status(params.number("status").unwrap_or(302) as u16);
    let target = if params.text("loop").is_some() {
        Some(own_url)
    } else {
        params.text("later").filter(|_| number > 1).or_else(|| params.text("to"))
    };
    if let Some(location) = target.and_then(|to| HeaderValue::from_str(&to).ok()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// `/sse/counter`: events `id: n / data: n` from the one after `Last-Event-ID` (or 1) up
/// to `count`, `per` events per connection (then the body ends and the client resumes),
/// `interval` ms apart, after a `retry:` of `retry` ms (default 10); the first event comes
/// `start` ms after the head when the stream starts from the beginning (default `interval`).
pub async fn counter(State(log): State<Log>, RawQuery(query): RawQuery, request: Request) -> Response {
    let params = Params::parse(query.as_deref());
    let (number, _, _, headers) = record(&log, request, &params).await;
    let resume_after = numeric_last_event_id(&headers, &params);
    let count = params.number("count").unwrap_or(u64::MAX);
    let per = params.number("per").unwrap_or(u64::MAX);
    let end = count.min(resume_after.saturating_add(per));
    let mut chunks = Vec::new();
    let mut head = Vec::new();
    let _ = Frame::new().retry(params.number("retry").unwrap_or(10)).encode_into(&mut head);
    chunks.push(head);
    for n in resume_after.saturating_add(1)..=end {
        let text = n.to_string();
        chunks.push(Frame::new().id(text.clone()).data(text).to_bytes().unwrap_or_default());
    }
    let ending = if end >= count && params.text("end").as_deref() == Some("hang") {
        Ending::Hang
    } else {
        Ending::Close
    };
    let delay = Duration::from_millis(params.number("interval").unwrap_or(0));
    let first = params.number("start").filter(|_| resume_after == 0).map_or(delay, Duration::from_millis);
    let guard = CloseGuard { log, key: params.text("key"), index: number.saturating_sub(1) };
    event_stream_response(
        StatusCode::OK,
        Some("text/event-stream"),
        stream_body(chunks, Pace { delay, first }, ending, guard),
    )
}

/// `/sse/echo`: one event whose data is JSON of the request (method, headers, body
/// length, SHA-256 and text), then a `retry:` of `retry` ms (default 50) and the ending
/// `end` asks for (default: the body ends, so the client reconnects).
pub async fn echo(State(log): State<Log>, RawQuery(query): RawQuery, request: Request) -> Response {
    let params = Params::parse(query.as_deref());
    let (number, body, method, headers) = record(&log, request, &params).await;
    let mut report = describe(&method, &headers, &params);
    report["connection"] = number.into();
    report["body"] = serde_json::json!({
        "length": body.len(),
        "sha256": hex(&Sha256::digest(&body)),
        "text": String::from_utf8_lossy(&body),
    });
    let frame = Frame::new()
        .retry(params.number("retry").unwrap_or(50))
        .id(number.to_string())
        .data(report.to_string());
    let chunks = vec![frame.to_bytes().unwrap_or_default()];
    let guard = CloseGuard { log, key: params.text("key"), index: number.saturating_sub(1) };
    event_stream_response(
        StatusCode::OK,
        Some("text/event-stream"),
        stream_body(chunks, Pace::default(), Ending::from(&params), guard),
    )
}

/// `/sse/sequence`: events `id: n`, `data: n ✓` (CRLF line ends) for n from the one after
/// `Last-Event-ID` up to `count`, with the connection broken after `drops` distinct even
/// ids chosen at random (from `seed`), so a full run takes `drops + 1` connections. At each
/// point the server sends a random prefix of the next event's bytes (which may end inside a
/// character, between CR and LF, or exactly at the event's end) and breaks the connection.
/// A client that resumes correctly sees every id once, in order. After `count` the
/// connection stays open.
pub async fn sequence(State(log): State<Log>, RawQuery(query): RawQuery, request: Request) -> Response {
    use rand::{RngExt, SeedableRng};
    let params = Params::parse(query.as_deref());
    let (number, _, _, headers) = record(&log, request, &params).await;
    let resume_after = numeric_last_event_id(&headers, &params);
    let count = params.number("count").unwrap_or(1000);
    let seed = params.number("seed").unwrap_or(1);
    let mut rng = rand_xorshift::XorShiftRng::seed_from_u64(seed);
    // Even ids only: a cut that completes the next (odd) event can't skip a drop point, so
    // every point costs exactly one connection.
    let wanted = params.number("drops").unwrap_or(0).min(count.saturating_sub(1) / 2);
    let mut drops = std::collections::BTreeSet::new();
    while (drops.len() as u64) < wanted {
        drops.insert(2 * rng.random_range(1..=count.saturating_sub(1) / 2));
    }
    let frame = |n: u64| format!("id: {n}\r\ndata: {n} \u{2713}\r\n\r\n").into_bytes();
    let drop_at = drops.iter().copied().find(|&point| point > resume_after);
    let last = drop_at.unwrap_or(count).min(count);
    let mut body = b"retry: 0\r\n".to_vec();
    for n in resume_after.saturating_add(1)..=last {
        body.extend_from_slice(&frame(n));
    }
    let ending = match drop_at {
        Some(point) => {
            let next = frame(point + 1);
            // The prefix length depends on the point only, so a test run is repeatable.
            let mut cut_rng = rand_xorshift::XorShiftRng::seed_from_u64(seed ^ point);
            body.extend_from_slice(&next[..cut_rng.random_range(0..=next.len())]);
            Ending::Abort(Duration::from_millis(5))
        }
        None => Ending::Hang,
    };
    let chunks = body.chunks(16 * 1024).map(<[u8]>::to_vec).collect();
    let guard = CloseGuard { log, key: params.text("key"), index: number.saturating_sub(1) };
    event_stream_response(
        StatusCode::OK,
        Some("text/event-stream"),
        stream_body(chunks, Pace::default(), ending, guard),
    )
}

/// `/sse/bulk`: `count` events of exactly `size` bytes on the wire (`data: ` + `x`s + two
/// LFs), written in 64 KiB chunks as fast as the socket takes them; then the connection
/// stays open, so a client stops by closing. For throughput benchmarks.
pub async fn bulk(State(log): State<Log>, RawQuery(query): RawQuery, request: Request) -> Response {
    let params = Params::parse(query.as_deref());
    let (number, _, _, _) = record(&log, request, &params).await;
    let count = params.number("count").unwrap_or(1000) as usize;
    let size = (params.number("size").unwrap_or(64) as usize).max(9);
    let mut event = b"data: ".to_vec();
    event.resize(size - 2, b'x');
    event.extend_from_slice(b"\n\n");
    // One ~64 KiB chunk of whole events, sent again and again (no copy), then the rest.
    let per_chunk = (64 * 1024 / size).max(1);
    let chunk = Bytes::from(event.repeat(per_chunk));
    let rest = Bytes::from(event.repeat(count % per_chunk));
    let full_chunks = count / per_chunk;
    let guard = CloseGuard { log, key: params.text("key"), index: number.saturating_sub(1) };
    let body = async_stream::stream! {
        let _guard = guard;
        for _ in 0..full_chunks {
            yield Ok::<Bytes, std::io::Error>(chunk.clone());
        }
        if !rest.is_empty() {
            yield Ok(rest);
        }
        std::future::pending::<()>().await;
    };
    event_stream_response(StatusCode::OK, Some("text/event-stream"), Body::from_stream(body))
}

/// The request's `Last-Event-ID` as a number (0 when absent or not a number).
/// The numeric last event id the client resumes from: its `Last-Event-ID` header, or a
/// `lastEventId` query parameter (which a client sends to avoid a CORS preflight).
fn numeric_last_event_id(headers: &axum::http::HeaderMap, params: &Params) -> u64 {
    headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok().map(str::to_owned))
        .or_else(|| params.text("lastEventId"))
        .and_then(|value| value.parse().ok())
        .unwrap_or(0)
}

/// Replaces each `{fill}` in `body` with `size` bytes of `x`.
fn expand_fill(body: &[u8], size: usize) -> Vec<u8> {
    const MARK: &[u8] = b"{fill}";
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.windows(MARK.len()).position(|window| window == MARK) {
        out.extend_from_slice(&rest[..at]);
        out.resize(out.len() + size, b'x');
        rest = &rest[at + MARK.len()..];
    }
    out.extend_from_slice(rest);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
