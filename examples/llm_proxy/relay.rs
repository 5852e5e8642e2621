//! The proxy's route: `POST /chat` with `{"prompt": "..."}` streams the upstream model's reply
//! back as SSE, one `token` event per piece of text, then `done`; or `error` with what the
//! upstream said. The upstream is an OpenAI-style chat completions endpoint, asked with the
//! native `EventSource` (POST, JSON body, `Authorization: Bearer` with the server's secret
//! key, which never reaches the browser).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures_util::StreamExt;
use std::sync::Arc;
use wasm_eventsource::encoder::Frame;
use wasm_eventsource::server::{SseResponse, SseSender, json_frame};
use wasm_eventsource::{Error, EventSource, RetryPolicy, SseEvent};

/// Where the upstream is, and the key it wants.
pub struct Upstream {
    /// The chat completions URL (`https://api.openai.com/v1/chat/completions`, say).
    pub url: String,
    /// The secret API key, sent upstream as a bearer token.
    pub key: String,
    /// The model asked for.
    pub model: String,
    /// The one origin whose pages may call the proxy from elsewhere (CORS), if any: the
    /// app's, when the proxy is not served from it.
    pub allow_origin: Option<String>,
}

/// The proxy's routes.
pub fn routes(upstream: Upstream) -> Router {
    Router::new().route("/chat", post(chat).options(preflight)).with_state(Arc::new(upstream))
}

/// `response`, which the allowed origin (if any) may read.
fn allowed(upstream: &Upstream, mut response: Response) -> Response {
    if let Some(origin) =
        upstream.allow_origin.as_deref().and_then(|origin| HeaderValue::from_str(origin).ok())
    {
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    response
}

/// The CORS preflight of a JSON POST from the allowed origin.
async fn preflight(State(upstream): State<Arc<Upstream>>) -> Response {
    let headers = [
        (header::ACCESS_CONTROL_ALLOW_METHODS, "POST"),
        (header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type"),
    ];
    allowed(&upstream, (StatusCode::NO_CONTENT, headers).into_response())
}

/// The reply to one prompt, relayed as it streams in.
async fn chat(State(upstream): State<Arc<Upstream>>, body: String) -> Response {
    let response = match reply(&upstream, &body) {
        Ok(response) => response.into_response(),
        Err(refusal) => refusal.into_response(),
    };
    allowed(&upstream, response)
}

/// The stream of the reply to the prompt in `body`, or why there is none.
fn reply(upstream: &Upstream, body: &str) -> Result<SseResponse, (StatusCode, String)> {
    let prompt = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|request| request.get("prompt")?.as_str().map(String::from))
        .ok_or((StatusCode::BAD_REQUEST, "send {\"prompt\": \"...\"}".into()))?;
    let request = serde_json::json!({
        "model": upstream.model,
        "stream": true,
        "messages": [{ "role": "user", "content": prompt }],
    });
    // One attempt: a stream that breaks off is reported, never asked again (that would
    // send the prompt twice, and bill it twice).
    let source = EventSource::builder(upstream.url.as_str())
        .method("POST")
        .header("authorization", format!("Bearer {}", upstream.key))
        .header("content-type", "application/json")
        .body(request.to_string())
        .retry(RetryPolicy { max_retries: Some(0), ..RetryPolicy::default() })
        .build()
        .map_err(|error| (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?;
    let (sender, response) = SseResponse::channel(64);
    tokio::spawn(relay(source, sender));
    Ok(response.keep_alive(None))
}

/// Sends each piece of the upstream's reply on, until `[DONE]`, an error, or the client leaves.
async fn relay(mut source: EventSource, client: SseSender) {
    // Returning drops `source`, which closes the upstream request.
    while let Some(item) = tokio::select! {
        item = source.next() => item,
        () = client.closed() => None,
    } {
        // Each frame for the client, and whether it is the last.
        let (frame, last) = match item {
            Ok(SseEvent::Message(message)) if message.data == "[DONE]" => {
                (Frame::new().event_type("done").data(""), true)
            }
            Ok(SseEvent::Message(message)) => match token_of(&message.data) {
                Some(text) if text.is_empty() => continue,
                Some(text) => (Frame::new().event_type("token").data(text), false),
                None => (error_frame(0, "the upstream sent a chunk that is not a chat completion"), true),
            },
            Ok(SseEvent::Open { .. }) => continue,
            Ok(SseEvent::Reconnecting { cause, .. }) | Err(cause) => (upstream_error(cause).await, true),
        };
        if client.send(&frame).await.is_err() || last {
            break;
        }
    }
}

/// The text of one streamed chat completion chunk (`choices[0].delta.content`).
fn token_of(data: &str) -> Option<String> {
    let chunk: serde_json::Value = serde_json::from_str(data).ok()?;
    let delta = chunk.get("choices")?.get(0)?.get("delta")?;
    Some(delta.get("content").and_then(|content| content.as_str()).unwrap_or_default().into())
}

/// What the client is told when the upstream fails: its status and message, never its headers.
async fn upstream_error(cause: Error) -> Frame {
    match cause {
        Error::Status(response) | Error::NotEventStream(response) => {
            let body = response.body.text().await;
            let message = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|body| body.pointer("/error/message")?.as_str().map(String::from))
                .unwrap_or_else(|| format!("the upstream answered {}", response.status));
            error_frame(response.status, &message)
        }
        Error::Ended | Error::RetriesExhausted(_) => {
            error_frame(0, "the upstream ended the reply before [DONE]")
        }
        other => error_frame(0, &other.to_string()),
    }
}

/// An `error` event: `{"status": ..., "message": ...}` (status 0 when there was no response).
fn error_frame(status: u16, message: &str) -> Frame {
    json_frame(&serde_json::json!({ "status": status, "message": message }))
        .unwrap_or_else(|_| Frame::new().data(message))
        .event_type("error")
}
