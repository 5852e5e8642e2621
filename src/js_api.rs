//! The `#[wasm_bindgen]` surface that the npm package's JavaScript uses.
//!
//! `js/` validates and normalises the user's options, then hands them to [`Connection`]
//! with a callbacks object; this module turns them into an [`Engine`] and a
//! [`RequestConfig`], and turns the transport's reports back into plain JS values.

use crate::engine::{Engine, Reason, RetryPolicy};
use crate::fetch::{self, ErrorReport, Listener, RequestConfig, Trouble};
use crate::parser::{Event, Item, ParseError, Parser};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Response;

/// How much of a failed response's body an error event carries, unless told otherwise.
const DEFAULT_ERROR_BODY_BYTES: usize = 64 * 1024;

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn get_f64(object: &JsValue, key: &str) -> Option<f64> {
    get(object, key).as_f64().filter(|value| value.is_finite())
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// Reads the retry policy from the normalised options.
fn retry_policy(options: &JsValue) -> RetryPolicy {
    let defaults = RetryPolicy::default();
    let millis = |key, default| get_f64(options, key).map_or(default, |value: f64| value.max(0.0) as u64);
    RetryPolicy {
        initial_delay_ms: millis("initialDelay", defaults.initial_delay_ms),
        max_delay_ms: millis("maxDelay", defaults.max_delay_ms),
        factor: get(options, "factor").as_f64().unwrap_or(defaults.factor),
        jitter: get(options, "jitter").as_f64().unwrap_or(defaults.jitter),
        max_retries: get_f64(options, "maxRetries").map(|value| value.clamp(0.0, f64::from(u32::MAX)) as u32),
        retry_on_status: get(options, "retryOnStatus")
            .dyn_into::<Array>()
            .map(|statuses| {
                statuses
                    .iter()
                    .filter_map(|status| status.as_f64())
                    .map(|status| status.clamp(0.0, 999.0) as u16)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// A running connection for the JavaScript `EventSource` class.
#[wasm_bindgen]
pub struct Connection {
    inner: fetch::Connection,
}

#[wasm_bindgen]
impl Connection {
    /// Starts connecting. `options` are the normalised init options; `callbacks` has
    /// `open(status, statusText, headers)`, `messages(flat, origin)` (flat
    /// `[type, data, lastEventId, ...]`), `comment(text)` and `error(info)`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &JsValue, callbacks: &JsValue) -> Result<Connection, JsValue> {
        let mut parser = Parser::new();
        if let Some(limit) = get_f64(options, "maxEventSize") {
            parser = parser.with_max_event_size(limit.max(0.0) as usize);
        }
        if let Some(id) = get(options, "lastEventId").as_string() {
            parser = parser.with_last_event_id(id);
        }
        let seed = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
        let engine = Engine::new(retry_policy(options), parser, seed)
            .map_err(|error| JsValue::from(js_sys::RangeError::new(&error.to_string())))?;
        let config = RequestConfig {
            url: get(options, "url").as_string().unwrap_or_default(),
            method: get(options, "method").as_string().unwrap_or_else(|| "GET".into()),
            with_credentials: get(options, "withCredentials").is_truthy(),
            headers: get(options, "headers"),
            body: get(options, "body"),
            fetch: get(options, "fetch"),
            stall_timeout_ms: get_f64(options, "stallTimeout")
                .filter(|millis| *millis > 0.0)
                .map(|millis| millis.min(f64::from(u32::MAX)) as u32),
            max_error_body_bytes: get_f64(options, "maxErrorBodySize")
                .map_or(DEFAULT_ERROR_BODY_BYTES, |bytes| bytes.max(0.0) as usize),
        };
        let listener = JsListener {
            open: get(callbacks, "open").unchecked_into(),
            messages: get(callbacks, "messages").unchecked_into(),
            comment: get(callbacks, "comment").unchecked_into(),
            error: get(callbacks, "error").unchecked_into(),
        };
        Ok(Connection { inner: fetch::Connection::start(engine, config, Box::new(listener)) })
    }

    /// Closes for good: aborts the request and cancels any pending reconnect.
    pub fn close(&self) {
        self.inner.close();
    }
}

/// Forwards transport reports to the JS callbacks.
struct JsListener {
    open: Function,
    messages: Function,
    comment: Function,
    error: Function,
}

impl Listener for JsListener {
    fn open(&self, response: &Response) {
        let _ = self.open.call3(
            &JsValue::UNDEFINED,
            &JsValue::from(response.status()),
            &JsValue::from_str(&response.status_text()),
            &response.headers(),
        );
    }

    fn messages(&self, events: Vec<Event>, origin: &str) {
        let flat = Array::new_with_length((events.len() * 3) as u32);
        for (index, event) in events.into_iter().enumerate() {
            let at = (index * 3) as u32;
            flat.set(at, JsValue::from_str(event.event_type()));
            let (_, data, id) = event.into_parts();
            flat.set(at + 1, JsValue::from(data));
            flat.set(at + 2, JsValue::from(id));
        }
        let _ = self.messages.call2(&JsValue::UNDEFINED, &flat, &JsValue::from_str(origin));
    }

    fn comment(&self, text: String) {
        let _ = self.comment.call1(&JsValue::UNDEFINED, &JsValue::from(text));
    }

    fn error(&self, report: ErrorReport) {
        let info = Object::new();
        let reason = match report.trouble {
            Trouble::Connection(Reason::Status(_)) => "status",
            Trouble::Connection(Reason::ContentType) => "content-type",
            Trouble::Connection(Reason::BodyEnded) => "ended",
            Trouble::Connection(Reason::Network) => "network",
            Trouble::Connection(Reason::Stalled) => "stalled",
            Trouble::EventTooLarge(ParseError::EventTooLarge { .. }) => "event-too-large",
        };
        set(&info, "reason", &JsValue::from_str(reason));
        if let Trouble::EventTooLarge(ParseError::EventTooLarge { limit }) = report.trouble {
            set(&info, "limit", &JsValue::from(limit as f64));
        }
        set(&info, "willRetry", &JsValue::from(report.will_retry));
        if let Some(millis) = report.retry_in_ms {
            set(&info, "retryIn", &JsValue::from(millis as f64));
        }
        set(&info, "retriesExhausted", &JsValue::from(report.retries_exhausted));
        if let Some(response) = &report.response {
            set(&info, "status", &JsValue::from(response.status()));
            set(&info, "statusText", &JsValue::from_str(&response.status_text()));
            set(&info, "headers", &response.headers());
        }
        if let Some(body) = report.body {
            set(&info, "body", &JsValue::from(body));
        }
        set(&info, "cause", &report.cause);
        let _ = self.error.call1(&JsValue::UNDEFINED, &info);
    }
}

/// A `text/event-stream` parser for JavaScript: feed it body chunks, get events back.
///
/// `feed` returns the chunk's events flattened as `[type, data, id, type, data, id, ...]`
/// (type `"message"` when the stream named none), one array per chunk so that crossing
/// the wasm boundary costs one call per chunk, not per event.
#[wasm_bindgen(js_name = SseParser)]
pub struct SseParser {
    parser: Parser,
    retry: Option<u64>,
    too_large: u32,
}

#[wasm_bindgen(js_class = SseParser)]
impl SseParser {
    /// A parser; `maxEventSize` (bytes) bounds one event when given.
    #[wasm_bindgen(constructor)]
    pub fn new(max_event_size: Option<u32>) -> SseParser {
        let parser = match max_event_size {
            Some(limit) => Parser::new().with_max_event_size(limit as usize),
            None => Parser::new(),
        };
        SseParser { parser, retry: None, too_large: 0 }
    }

    /// Parses one chunk and returns its events as flat `[type, data, id]` triples.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let retry = &mut self.retry;
        let too_large = &mut self.too_large;
        self.parser.feed(chunk, |item| match item {
            Ok(Item::Event(event)) => {
                let kind = String::from(event.event_type());
                let (_, data, id) = event.into_parts();
                out.extend([kind, data, id]);
            }
            Ok(Item::Retry(millis)) => *retry = Some(millis),
            Ok(Item::Comment(_)) => {}
            Err(_) => *too_large = too_large.saturating_add(1),
        });
        out
    }

    /// Ends the current stream: an unterminated event is discarded.
    #[wasm_bindgen(js_name = endStream)]
    pub fn end_stream(&mut self) {
        self.parser.end_stream();
    }

    /// The last event ID dispatched so far.
    #[wasm_bindgen(getter, js_name = lastEventId)]
    pub fn last_event_id(&self) -> String {
        self.parser.last_event_id().into()
    }

    /// The last `retry:` value seen, in milliseconds, or `undefined`.
    #[wasm_bindgen(getter)]
    pub fn retry(&self) -> Option<f64> {
        self.retry.map(|millis| millis as f64)
    }

    /// How many events were skipped for exceeding `maxEventSize`.
    #[wasm_bindgen(getter, js_name = skippedEvents)]
    pub fn skipped_events(&self) -> u32 {
        self.too_large
    }
}
