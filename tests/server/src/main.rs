//! The scripted SSE server the tests run against.
//!
//! It listens on two loopback ports (two origins, for CORS tests), prints
//! `LISTENING <primary-port> <secondary-port>` once ready, and exits when its standard
//! input closes, so a test run that dies never leaves it behind. It serves the
//! repository's `js/`, `pkg/`, `tests/browser/`, built `tests/vite-app/` and built example
//! apps for the browser tests, and the
//! scenarios in [`scenarios`] under `/sse/`.

mod cors;
mod params;
mod requests;
mod scenarios;

use axum::Router;
use axum::extract::RawQuery;
use axum::routing::{any, get};
use std::path::PathBuf;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tower_http::services::ServeDir;

fn app(root: PathBuf, log: requests::Log) -> Router {
    let files = |dir: &str| ServeDir::new(root.join(dir));
    Router::new()
        .route("/sse/raw", any(scenarios::raw))
        .route("/sse/redirect", any(scenarios::redirect))
        .route("/sse/counter", any(scenarios::counter))
        .route("/sse/echo", any(scenarios::echo))
        .route("/sse/bulk", any(scenarios::bulk))
        .route("/sse/sequence", any(scenarios::sequence))
        .route("/log", get(requests::show))
        .route("/results", axum::routing::post(requests::post_results))
        .route("/csp", get(strict_csp_page))
        .nest_service("/js", files("js"))
        .nest_service("/pkg", files("pkg"))
        .nest_service("/browser", files("tests/browser"))
        .nest_service("/vite", files("tests/vite-app/dist"))
        .nest_service("/examples/leptos", files("examples/leptos-app/dist"))
        .nest_service("/examples/yew", files("examples/yew-app/dist"))
        .nest_service("/benches", files("benches/browser"))
        .layer(axum::middleware::from_fn_with_state(log.clone(), cors::allow))
        .with_state(log)
}

/// A page under the strictest CSP the package supports: scripts only from this origin, and
/// WebAssembly compilation allowed (`'wasm-unsafe-eval'`), nothing inline, no eval. With
/// `?wasm=no`, WebAssembly is not allowed either, which the package must report clearly.
async fn strict_csp_page(RawQuery(query): RawQuery) -> impl axum::response::IntoResponse {
    let policy = if query.is_some_and(|query| query.split('&').any(|pair| pair == "wasm=no")) {
        "default-src 'self'; script-src 'self'; connect-src 'self'"
    } else {
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"
    };
    (
        [
            (axum::http::header::CONTENT_SECURITY_POLICY, policy),
            (axum::http::header::CONTENT_TYPE, "text/html"),
        ],
        "<!doctype html><meta charset=utf-8><title>strict CSP</title><script type=module src=/browser/csp.js></script>",
    )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let root = std::env::args().nth(1).map_or_else(|| PathBuf::from("."), PathBuf::from);
    let log = requests::Log::default();
    let primary = TcpListener::bind("127.0.0.1:0").await?;
    let secondary = TcpListener::bind("127.0.0.1:0").await?;
    println!("LISTENING {} {}", primary.local_addr()?.port(), secondary.local_addr()?.port());
    let serve = |listener: TcpListener| {
        let app = app(root.clone(), log.clone());
        tokio::spawn(async move { axum::serve(listener, app).await })
    };
    serve(primary);
    serve(secondary);
    // Run until the parent closes our standard input (or dies).
    let mut sink = [0u8; 64];
    let mut stdin = tokio::io::stdin();
    while stdin.read(&mut sink).await? > 0 {}
    Ok(())
}
