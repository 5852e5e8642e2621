//! What the Leptos and Yew examples share: the page's query parameters, the typed tick,
//! and the builder settings for the demo server's authenticated and chat streams.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_eventsource::EventSourceBuilder;

/// A query parameter of the page (`?counter=/sse/counter...`), if present.
pub fn page_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// Whether to show `panel`: all panels unless `?panels=` lists some (as the tests do).
pub fn shown(panel: &str) -> bool {
    page_param("panels").is_none_or(|panels| panels.split(',').any(|name| name == panel))
}

/// The counter stream: `?counter=` or the demo's clock.
pub fn counter_url() -> String {
    page_param("counter").unwrap_or_else(|| "/demo/clock".into())
}

/// The stream the "switch" button moves to: `?counter2=` or the demo's drop fault.
pub fn second_counter_url() -> String {
    page_param("counter2").unwrap_or_else(|| "/demo/fault/drop".into())
}

/// The chat stream: `?chat=` or the demo's.
pub fn chat_url() -> String {
    page_param("chat").unwrap_or_else(|| "/demo/chat".into())
}

/// The typed stream of JSON ticks: `?ticks=` or the demo's clock.
pub fn ticks_url() -> String {
    page_param("ticks").unwrap_or_else(|| "/demo/clock".into())
}

/// One message of the ticks stream, decoded from its JSON data (`{"n": 1, ...}`).
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct Tick {
    /// The tick's number.
    pub n: u64,
}

/// Asks the demo server for a short-lived bearer token (empty when that fails, which the
/// stream then shows as a 401).
pub async fn fresh_token() -> String {
    fetch_token().await.unwrap_or_default()
}

async fn fetch_token() -> Option<String> {
    let window = web_sys::window()?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let response = JsFuture::from(window.fetch_with_str_and_init("/demo/auth/token", &init)).await.ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    let json = JsFuture::from(response.json().ok()?).await.ok()?;
    js_sys::Reflect::get(&json, &JsValue::from_str("token")).ok()?.as_string()
}

/// The authenticated stream: a header function fetches a fresh token before every
/// (re)connect, so the stream outlives each token.
pub fn authenticated(builder: EventSourceBuilder) -> EventSourceBuilder {
    builder.headers_async(|| async {
        vec![("Authorization".to_string(), format!("Bearer {}", fresh_token().await))]
    })
}

/// The chat stream: the prompt POSTed as JSON.
pub fn chat(builder: EventSourceBuilder, prompt: &str) -> EventSourceBuilder {
    let body = format!(
        "{{\"prompt\":{}}}",
        js_sys::JSON::stringify(&JsValue::from_str(prompt)).map(String::from).unwrap_or_default()
    );
    builder.method("POST").header("Content-Type", "application/json").body(body)
}
