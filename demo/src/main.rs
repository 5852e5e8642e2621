//! The demo server: serves the demo page (`www/`), the built package (`pkg/`, `js/`), the
//! Leptos and Yew example apps when they are built, and the streams the page shows.
//!
//! `wasm-eventsource-demo [--port N] [--root DIR]` listens on 127.0.0.1 (port 8080 unless
//! `--port` or `PORT` says otherwise; 0 picks a free one), prints the URL, and shuts down
//! cleanly on Ctrl-C or SIGTERM.

mod chat;
mod faults;
mod sse;
mod streams;
mod tabs;
mod tokens;

use axum::Router;
use axum::routing::{get, post};
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;

/// Shared state of the demo streams.
#[derive(Clone, Default)]
pub struct Demo {
    /// Issued bearer tokens and their expiry.
    pub tokens: tokens::Tokens,
    /// Fires to drop every open clock connection at once.
    pub drops: streams::DropSwitch,
    /// Open connections of the tab-sharing panel's stream, per client.
    pub tabs: tabs::TabCounts,
}

fn app(root: &Path) -> Router {
    let mut router = Router::new()
        .route("/demo/clock", get(streams::clock))
        .route("/demo/clock/drop", post(streams::drop_clocks))
        .route("/demo/auth/token", post(tokens::issue))
        .route("/demo/auth/stream", get(streams::authenticated))
        .route("/demo/chat", post(chat::reply))
        .route("/demo/fault/{kind}", get(faults::fault))
        .route("/demo/tabs/{client}", get(tabs::tabs))
        .route("/demo/{*unknown}", get(streams::unknown).post(streams::unknown))
        .nest_service("/pkg", ServeDir::new(root.join("pkg")))
        .nest_service("/js", ServeDir::new(root.join("js")));
    for (name, dir) in [("leptos", "examples/leptos-app/dist"), ("yew", "examples/yew-app/dist")] {
        let dist = root.join(dir);
        if dist.is_dir() {
            router = router.nest_service(&format!("/examples/{name}"), ServeDir::new(dist));
        }
    }
    router.fallback_service(ServeDir::new(root.join("www"))).with_state(Demo::default())
}

/// `--port N` / `PORT`, and `--root DIR` (default: the current directory).
fn options() -> Result<(u16, PathBuf), String> {
    let mut port = std::env::var("PORT").ok();
    let mut root = PathBuf::from(".");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = args.next(),
            "--root" => root = args.next().map(PathBuf::from).ok_or("--root needs a directory")?,
            other => return Err(format!("unknown argument {other:?}; use --port N and --root DIR")),
        }
    }
    let port = match port {
        Some(text) => text.parse().map_err(|_| format!("port {text:?} is not a number from 0 to 65535"))?,
        None => 8080,
    };
    Ok((port, root))
}

#[tokio::main]
async fn main() {
    let (port, root) = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("wasm-eventsource-demo: {message}");
            std::process::exit(2);
        }
    };
    if !root.join("www/index.html").is_file() {
        eprintln!(
            "wasm-eventsource-demo: {} has no www/index.html; pass --root <repository>",
            root.display()
        );
        std::process::exit(2);
    }
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "wasm-eventsource-demo: cannot listen on 127.0.0.1:{port}: {error} (set PORT to use another port)"
            );
            std::process::exit(1);
        }
    };
    let address = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    println!("Demo running at http://127.0.0.1:{address}/  (Ctrl-C stops it)");
    let served = axum::serve(listener, app(&root)).with_graceful_shutdown(shutdown_signal()).await;
    if let Err(error) = served {
        eprintln!("wasm-eventsource-demo: {error}");
        std::process::exit(1);
    }
    println!("Demo stopped.");
}

/// Resolves on Ctrl-C or SIGTERM. Open event streams end with the server, so graceful
/// shutdown does not wait on them.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    sse::shut_down();
}
