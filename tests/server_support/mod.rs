//! What the server tests share: an axum app served on a loopback port, a real HTTP/1.1
//! client (hyper) whose body the crate's own `EventStream` parses, and a `redis-server`
//! started for the test and killed when dropped.

#![allow(dead_code)]

use axum::Router;
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyDataStream, Empty};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;
use tokio::net::TcpStream;
use wasm_eventsource::server::Subscription;
use wasm_eventsource::{EventStream, Item, Parser};

/// How long a test waits for something that should happen at once before it fails:
/// generous, since CI machines have 2 busy cores.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Serves `app` on 127.0.0.1 at a free port until the test's runtime ends.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    address
}

type Body = Pin<Box<dyn futures_core::Stream<Item = Result<Bytes, hyper::Error>> + Send>>;

/// One open event-stream request; dropping it closes the connection.
pub struct Connection {
    pub head: hyper::http::response::Parts,
    pub events: EventStream<Body>,
    driver: tokio::task::JoinHandle<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl Connection {
    /// The next parsed item, failing the test after [`PATIENCE`].
    pub async fn next(&mut self) -> Option<Item> {
        let item = tokio::time::timeout(PATIENCE, self.events.next()).await.expect("an item in time")?;
        Some(item.expect("a well-formed stream"))
    }

    /// The next `n` events' `(id, data)`, skipping comments and retry fields.
    pub async fn events(&mut self, n: usize) -> Vec<(String, String)> {
        let mut events = Vec::with_capacity(n);
        while events.len() < n {
            match self.next().await {
                Some(Item::Event(event)) => events.push((event.id().to_owned(), event.data().to_owned())),
                Some(_) => {}
                None => panic!("the stream ended after {} of {n} events", events.len()),
            }
        }
        events
    }
}

/// The next `n` events of `subscription` as `(id, data)`, failing the test after
/// [`PATIENCE`] or when it ends first.
pub async fn take(subscription: &mut Subscription, n: usize) -> Vec<(String, String)> {
    let mut parser = Parser::new();
    let mut events = Vec::new();
    while events.len() < n {
        let chunk = tokio::time::timeout(PATIENCE, subscription.next()).await.expect("an event in time");
        let chunk = chunk.unwrap_or_else(|| panic!("ended after {} of {n} events", events.len()));
        parser.feed(&chunk, |item| {
            if let Ok(Item::Event(event)) = item {
                events.push((event.id().to_owned(), event.data().to_owned()));
            }
        });
    }
    events
}

/// `GET path` with `headers` over a fresh connection.
pub async fn get(address: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Connection {
    let stream = TcpStream::connect(address).await.expect("connect");
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut request = hyper::Request::get(path).header("host", address.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Empty::<Bytes>::new()).expect("a request");
    let response: hyper::Response<Incoming> = sender.send_request(request).await.expect("a response");
    let (head, body) = response.into_parts();
    let body: Body = Box::pin(BodyDataStream::new(body));
    Connection { head, events: EventStream::new(body), driver }
}

/// A `redis-server` on a free loopback port, persisting nothing; killed on drop.
#[cfg(feature = "redis")]
pub struct RedisServer {
    pub port: u16,
    child: std::process::Child,
}

#[cfg(feature = "redis")]
impl RedisServer {
    /// Starts one and waits until it answers.
    pub async fn start() -> RedisServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server runs (scripts/setup.sh installs it)");
        let server = RedisServer { port, child };
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Ok(mut connection) = server.client().get_multiplexed_async_connection().await {
                let pong: redis::RedisResult<String> = redis::cmd("PING").query_async(&mut connection).await;
                if pong.is_ok() {
                    return server;
                }
            }
            assert!(tokio::time::Instant::now() < deadline, "redis-server did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn client(&self) -> redis::Client {
        redis::Client::open(format!("redis://127.0.0.1:{}/", self.port)).expect("a redis URL")
    }
}

#[cfg(feature = "redis")]
impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
