//! Remembers every scenario request by its `key` parameter, so a test can ask what the
//! server saw: how many connections, which headers, which Last-Event-ID.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use crate::params::Params;

/// Milliseconds since the server started, on a monotonic clock: the log's timestamps.
pub fn now_ms() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// Requests seen so far, by key.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<HashMap<String, Vec<Value>>>>);

impl Log {
    /// Records a request and returns how many the key has seen, this one included.
    pub fn record(&self, key: Option<String>, entry: Value) -> usize {
        let Some(key) = key else { return 0 };
        let mut entries = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let list = entries.entry(key).or_default();
        list.push(entry);
        list.len()
    }

    /// Marks request `index` of `key` as closed (the client went away, or the body ended).
    pub fn mark_closed(&self, key: &str, index: usize) {
        self.set(key, index, "closed", Value::Bool(true));
        self.set(key, index, "closedAt", Value::from(now_ms()));
    }

    /// Notes when the server sent the end of request `index`'s body.
    pub fn mark_ended(&self, key: &str, index: usize) {
        self.set(key, index, "endedAt", Value::from(now_ms()));
    }

    fn set(&self, key: &str, index: usize, field: &str, value: Value) {
        let mut entries = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = entries.get_mut(key).and_then(|list| list.get_mut(index)) {
            entry[field] = value;
        }
    }
}

/// The JSON record of one request: method, headers (values as their raw bytes decoded
/// as UTF-8, so a Last-Event-ID sent as UTF-8 bytes reads back as the original text), and
/// `at`, when it arrived (`endedAt` is added when its body ends, `closedAt` when the
/// response is dropped; all from [`now_ms`]).
pub fn describe(method: &Method, headers: &HeaderMap, query: &Params) -> Value {
    let headers: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(name, value)| {
            (name.as_str().to_owned(), Value::String(String::from_utf8_lossy(value.as_bytes()).into()))
        })
        .collect();
    json!({
        "method": method.as_str(),
        "headers": headers,
        "lastEventId": headers.get("last-event-id").cloned().unwrap_or(Value::Null),
        "scenario": query.text("scenario"),
        "closed": false,
        "at": now_ms(),
    })
}

/// `GET /log?key=K`: the requests seen for `K`.
pub async fn show(State(log): State<Log>, RawQuery(query): RawQuery) -> Json<Value> {
    let params = Params::parse(query.as_deref());
    let key = params.text("key").unwrap_or_default();
    let entries = log.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    Json(Value::Array(entries.get(&key).cloned().unwrap_or_default()))
}

/// `POST /results?key=K`: a page posts what it measured (JSON), which `/log?key=K` then
/// shows; for benchmark pages in browsers that run with nothing attached to read them.
pub async fn post_results(State(log): State<Log>, RawQuery(query): RawQuery, body: String) -> StatusCode {
    let params = Params::parse(query.as_deref());
    let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    log.record(params.text("key"), value);
    StatusCode::NO_CONTENT
}
