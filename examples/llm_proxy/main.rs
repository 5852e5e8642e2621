//! An LLM proxy that uses both halves of the crate: the native `EventSource` asks an
//! OpenAI-style upstream for a streamed reply with the server's secret key, and the server
//! module relays it to the browser, which sends only its prompt.
//!
//! `UPSTREAM_URL=https://api.openai.com/v1/chat/completions UPSTREAM_KEY=sk-... \
//! cargo run --example llm_proxy --features native,axum` serves `POST /chat` on
//! 127.0.0.1:3000 (`PORT` picks another, 0 a free one; `ALLOW_ORIGIN` names the one origin
//! whose pages may call it from elsewhere). The Leptos and Yew example apps' chat panel is
//! such a page (`?chat=http://127.0.0.1:3000/chat`). From a page, with the npm package:
//!
//! ```js
//! for await (const event of parseEvents(await fetch('/chat', { method: 'POST', body: JSON.stringify({ prompt }) }))) {
//!   if (event.type === 'token') reply += event.data;
//! }
//! ```
//!
//! `tests/llm_proxy.rs` runs it against a scripted upstream, and `tests/browser/hooks.test.mjs`
//! the example apps' chat panel through it.

mod relay;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let upstream = relay::Upstream {
        url: std::env::var("UPSTREAM_URL")
            .unwrap_or_else(|_| "https://api.openai.com/v1/chat/completions".into()),
        key: std::env::var("UPSTREAM_KEY").map_err(|_| "set UPSTREAM_KEY to the upstream's API key")?,
        model: std::env::var("MODEL").unwrap_or_else(|_| "gpt-4o-mini".into()),
        allow_origin: std::env::var("ALLOW_ORIGIN").ok(),
    };
    let port: u16 = std::env::var("PORT").map_or(Ok(3000), |port| port.parse())?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}/chat", listener.local_addr()?);
    axum::serve(listener, relay::routes(upstream)).await?;
    Ok(())
}
