//! `SseResponse`, `SseSender`, `ClientGone` and `LastEventId`, over real HTTP on loopback.

#![cfg(not(target_arch = "wasm32"))]

mod server_support;

use axum::Router;
use axum::routing::get;
use futures_util::{StreamExt, stream};
use server_support::{PATIENCE, get as request, serve};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use wasm_eventsource::server::{LastEventId, LastEventIdParam, SendError, SseResponse, json_frame};
use wasm_eventsource::{EncodeError, Frame, Item};

#[tokio::test]
async fn sets_the_event_stream_headers_and_starts_with_the_retry_hint() {
    let app = Router::new().route(
        "/",
        get(|| async {
            let frames =
                stream::iter([Frame::new().id("1").data("a"), Frame::new().event_type("t").data("b")]);
            SseResponse::new(frames).retry(Duration::from_millis(2500))
        }),
    );
    let mut connection = request(serve(app).await, "/", &[]).await;
    let headers = &connection.head.headers;
    assert_eq!(connection.head.status, 200);
    assert_eq!(headers["content-type"], "text/event-stream");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-accel-buffering"], "no");
    assert_eq!(connection.next().await, Some(Item::Retry(2500)));
    assert_eq!(connection.events(2).await, [("1".into(), "a".into()), ("1".into(), "b".into())]);
    assert_eq!(connection.next().await, None);
}

#[tokio::test]
async fn an_idle_stream_gets_keep_alive_comments() {
    let app = Router::new().route(
        "/",
        get(|| async {
            let frames = stream::iter([Frame::new().data("first")]).chain(stream::pending());
            SseResponse::new(frames).keep_alive(Some(Duration::from_millis(50)))
        }),
    );
    let mut connection = request(serve(app).await, "/", &[]).await;
    assert_eq!(connection.events(1).await, [(String::new(), "first".into())]);
    // The next two items can only be keep-alives: the frames never end.
    assert_eq!(connection.next().await, Some(Item::Comment(String::new())));
    assert_eq!(connection.next().await, Some(Item::Comment(String::new())));
}

#[tokio::test]
async fn an_unencodable_frame_is_an_error_and_the_stream_goes_on() {
    let (result, reported) = oneshot::channel();
    let result = Arc::new(Mutex::new(Some(result)));
    let app = Router::new()
        .route(
            "/channel",
            get(move || {
                let result = Arc::clone(&result);
                async move {
                    let (sender, response) = SseResponse::channel(8);
                    tokio::spawn(async move {
                        let bad_id = sender.send(&Frame::new().id("a\nb").data("x")).await;
                        let bad_type = sender.send(&Frame::new().event_type("a\rb").data("x")).await;
                        if let Some(result) = result.lock().unwrap().take() {
                            let _ = result.send((bad_id, bad_type));
                        }
                        let _ =
                            sender.send(&json_frame(&serde_json::json!({"ok": true})).unwrap().id("2")).await;
                    });
                    response
                }
            }),
        )
        .route(
            "/stream",
            get(|| async {
                SseResponse::new(stream::iter([
                    Frame::new().id("x\r").data("lost"),
                    Frame::new().data("kept"),
                ]))
            }),
        );
    let address = serve(app).await;
    let mut connection = request(address, "/channel", &[]).await;
    assert_eq!(connection.events(1).await, [("2".into(), r#"{"ok":true}"#.into())]);
    let (bad_id, bad_type) = reported.await.unwrap();
    assert_eq!(bad_id, Err(SendError::Encode(EncodeError::InvalidId)));
    assert_eq!(bad_type, Err(SendError::Encode(EncodeError::InvalidEventType)));

    let mut connection = request(address, "/stream", &[]).await;
    assert_eq!(
        connection.next().await,
        Some(Item::Comment("event not sent: an event id cannot contain CR, LF or NUL".into()))
    );
    assert_eq!(connection.events(1).await, [(String::new(), "kept".into())]);
}

#[tokio::test]
async fn the_server_learns_when_the_client_goes_away() {
    let (gone_tx, gone_rx) = oneshot::channel::<bool>();
    let gone_tx = Arc::new(Mutex::new(Some(gone_tx)));
    let app = Router::new().route(
        "/",
        get(move || {
            let gone_tx = Arc::clone(&gone_tx);
            async move {
                let (sender, response) = SseResponse::channel(8);
                let gone = response.client_gone();
                tokio::spawn(async move {
                    let _ = sender.send(&Frame::new().data("hello")).await;
                    assert!(sender.is_connected());
                    sender.closed().await;
                    let connected = sender.is_connected();
                    if let Some(tx) = gone_tx.lock().unwrap().take() {
                        let _ = tx.send(gone.is_gone() && !connected);
                    }
                });
                // No keep-alive: the server must notice the closed connection by itself.
                response.keep_alive(None)
            }
        }),
    );
    let mut connection = request(serve(app).await, "/", &[]).await;
    assert_eq!(connection.events(1).await, [(String::new(), "hello".into())]);
    drop(connection);
    let gone = tokio::time::timeout(PATIENCE, gone_rx).await.expect("the server noticed in time");
    assert_eq!(gone, Ok(true));
}

#[tokio::test]
async fn last_event_id_comes_from_the_header_or_the_query() {
    async fn echo(LastEventId(id): LastEventId) -> SseResponse {
        let data = id.unwrap_or_else(|| "none".into());
        SseResponse::new(stream::iter([Frame::new().data(data)]))
    }
    let default = serve(Router::new().route("/", get(echo))).await;
    let renamed =
        serve(Router::new().route("/", get(echo)).layer(axum::Extension(LastEventIdParam::new("since"))))
            .await;
    type Case<'a> = (std::net::SocketAddr, &'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 7] = [
        (default, "/", &[], "none"),
        (default, "/", &[("last-event-id", "7")], "7"),
        (default, "/?lastEventId=8%209", &[], "8 9"),
        (default, "/?lastEventId=8", &[("last-event-id", "7")], "7"),
        (default, "/?lastEventId=", &[], "none"),
        (renamed, "/?since=5&lastEventId=4", &[], "5"),
        (renamed, "/?lastEventId=4", &[], "none"),
    ];
    for (address, path, headers, expected) in cases {
        let mut connection = request(address, path, headers).await;
        assert_eq!(connection.events(1).await, [(String::new(), expected.into())], "{path} {headers:?}");
    }
}

#[tokio::test]
async fn retry_later_only_asks_the_client_to_come_back() {
    let app = Router::new().route("/", get(|| async { SseResponse::retry_later(Duration::from_secs(2)) }));
    let mut connection = request(serve(app).await, "/", &[]).await;
    assert_eq!(connection.head.status, 200);
    assert_eq!(connection.next().await, Some(Item::Retry(2000)));
    assert_eq!(connection.next().await, None);
}
