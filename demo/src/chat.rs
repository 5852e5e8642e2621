//! `POST /demo/chat`: streams a reply word by word, like a chat completion, from the posted
//! prompt. The text is made up deterministically from the prompt; there is no model.

use crate::sse;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use std::time::Duration;
use wasm_eventsource::encoder::Frame;

#[derive(Deserialize)]
struct Prompt {
    prompt: String,
}

/// The most prompt text the demo accepts.
const MAX_PROMPT_CHARS: usize = 2_000;

/// Answers `{"prompt": "..."}` with `token` events and a final `done` event.
pub async fn reply(headers: HeaderMap, body: Bytes) -> Response {
    let prompt = match serde_json::from_slice::<Prompt>(&body) {
        Ok(Prompt { prompt }) => prompt,
        Err(error) => {
            let message = format!("the body must be JSON like {{\"prompt\": \"...\"}}: {error}");
            return sse::error(StatusCode::BAD_REQUEST, &message);
        }
    };
    let prompt = prompt.trim();
    if prompt.is_empty() || prompt.chars().count() > MAX_PROMPT_CHARS {
        return sse::error(StatusCode::BAD_REQUEST, "the prompt must have 1 to 2000 characters");
    }
    let words = compose(prompt);
    let request = sse::request_event(&headers);
    sse::stream(async_stream::stream! {
        yield Ok(request);
        for (index, word) in words.iter().enumerate() {
            yield Ok(sse::bytes(&Frame::new().event_type("token").id(index.to_string()).data(word.as_str())));
            if !sse::pause(Duration::from_millis(45)).await {
                return;
            }
        }
        let summary = serde_json::json!({ "tokens": words.len() }).to_string();
        yield Ok(sse::bytes(&Frame::new().event_type("done").data(summary)));
    })
}

/// The reply's words (each with its trailing space), chosen from the prompt's hash.
fn compose(prompt: &str) -> Vec<String> {
    const OPENINGS: [&str; 3] = ["Good question.", "Happy to help.", "Let me think about that."];
    const POINTS: [&str; 4] = [
        "Every word you see arrived as its own server-sent event,",
        "This reply streams over a POST request with a JSON body,",
        "Each token is a separate event typed \"token\",",
        "The stream is parsed by Rust compiled to WebAssembly,",
    ];
    let hash = prompt.bytes().fold(2_166_136_261u32, |h, b| (h ^ u32::from(b)).wrapping_mul(16_777_619));
    let pick = |options: &[&'static str], salt: u32| {
        options[(hash.rotate_left(salt) % options.len() as u32) as usize]
    };
    let text = format!(
        "{} You wrote {} words: \u{201c}{}\u{201d}. {} something the browser's own EventSource cannot do. Done.",
        pick(&OPENINGS, 0),
        prompt.split_whitespace().count(),
        prompt,
        pick(&POINTS, 7),
    );
    text.split_inclusive(' ').map(str::to_owned).collect()
}
