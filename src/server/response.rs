//! [`SseResponse`]: an axum response that streams events, with the headers, keep-alive
//! comments and `retry:` hint an event stream needs, and [`SseSender`] to push frames
//! into one from a task.

use super::client_gone::{ClientGone, Presence};
use crate::encoder::{EncodeError, Frame};
use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};
use futures_core::Stream;
use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Sleep;

/// How long a stream may stay silent before a keep-alive comment, unless set otherwise:
/// under the 30 to 60 s after which proxies and load balancers commonly drop an idle
/// connection.
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The keep-alive comment: clients ignore it, proxies see traffic.
const KEEP_ALIVE_COMMENT: &[u8] = b":\n";

/// A `200 text/event-stream` response whose body is a stream of events.
///
/// Sets `Content-Type: text/event-stream`, `Cache-Control: no-cache` (no cache may keep or
/// replay the stream) and `X-Accel-Buffering: no` (nginx passes each event on at once). An
/// idle stream gets a keep-alive comment every [`DEFAULT_KEEP_ALIVE`] (see
/// [`keep_alive`](Self::keep_alive)). When the client goes away, hyper drops the body and
/// every [`ClientGone`] from [`client_gone`](Self::client_gone) resolves.
///
/// ```
/// use futures_util::stream;
/// use wasm_eventsource::Frame;
/// use wasm_eventsource::server::SseResponse;
///
/// let frames = stream::iter([Frame::new().id("1").data("hello")]);
/// let response = SseResponse::new(frames).retry(std::time::Duration::from_secs(2));
/// # let _ = response;
/// ```
pub struct SseResponse {
    chunks: Pin<Box<dyn Stream<Item = Bytes> + Send>>,
    keep_alive: Option<Duration>,
    retry: Option<Duration>,
    presence: Presence,
}

impl SseResponse {
    /// Streams `frames`, each encoded with the crate's [`Frame`] encoder. A frame that
    /// cannot be encoded (an id or type with CR or LF) is not sent: a comment naming the
    /// error goes in its place. To get the error instead, use [`channel`](Self::channel).
    pub fn new(frames: impl Stream<Item = Frame> + Send + 'static) -> Self {
        use futures_util::StreamExt;
        SseResponse::encoded(frames.map(|frame| match frame.to_bytes() {
            Ok(bytes) => Bytes::from(bytes),
            Err(error) => Bytes::from(format!(": event not sent: {error}\n")),
        }))
    }

    /// Streams chunks already encoded, each a whole number of frames: a hub's
    /// [`Subscription`](super::Subscription), or [`Frame::to_bytes`] output.
    pub fn encoded(chunks: impl Stream<Item = Bytes> + Send + 'static) -> Self {
        SseResponse {
            chunks: Box::pin(chunks),
            keep_alive: Some(DEFAULT_KEEP_ALIVE),
            retry: None,
            presence: Presence::new().0,
        }
    }

    /// A response, and a sender that pushes frames into it from anywhere. At most
    /// `capacity` encoded frames wait for the client; `send` waits when they do.
    pub fn channel(capacity: usize) -> (SseSender, SseResponse) {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        let chunks = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|chunk| (chunk, receiver))
        });
        let response = SseResponse::encoded(chunks);
        let sender = SseSender { sender, gone: response.client_gone() };
        (sender, response)
    }

    /// A response that only asks the client to come back after `delay`: for a handler that
    /// cannot serve now (its hub is unreachable). The stream ends at once.
    pub fn retry_later(delay: Duration) -> Self {
        SseResponse::encoded(futures_util::stream::empty()).retry(delay)
    }

    /// Sends a comment after `interval` of silence (`None`: never). The default is
    /// [`DEFAULT_KEEP_ALIVE`].
    pub fn keep_alive(mut self, interval: Option<Duration>) -> Self {
        self.keep_alive = interval.filter(|interval| !interval.is_zero());
        self
    }

    /// Starts the stream with a `retry:` hint: how long the client waits before it
    /// reconnects.
    pub fn retry(mut self, delay: Duration) -> Self {
        self.retry = Some(delay);
        self
    }

    /// Resolves when the client has gone away (the body was dropped).
    pub fn client_gone(&self) -> ClientGone {
        self.presence.watch()
    }
}

impl fmt::Debug for SseResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SseResponse")
            .field("keep_alive", &self.keep_alive)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl IntoResponse for SseResponse {
    fn into_response(self) -> Response {
        let first = self.retry.map(|delay| {
            let millis = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            // A retry-only frame always encodes.
            Bytes::from(Frame::new().retry(millis).to_bytes().unwrap_or_default())
        });
        let body = EventBody {
            first,
            chunks: self.chunks,
            keep_alive: self.keep_alive.map(|interval| (interval, Box::pin(tokio::time::sleep(interval)))),
            _presence: self.presence,
        };
        let mut response = Response::new(Body::from_stream(body));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
        response
    }
}

/// The response body: the retry hint, then the chunks, with keep-alive comments in the
/// silences. Dropping it (hyper does when the client leaves) ends the presence.
struct EventBody {
    first: Option<Bytes>,
    chunks: Pin<Box<dyn Stream<Item = Bytes> + Send>>,
    keep_alive: Option<(Duration, Pin<Box<Sleep>>)>,
    _presence: Presence,
}

impl Stream for EventBody {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(first)));
        }
        match self.chunks.as_mut().poll_next(cx) {
            Poll::Ready(Some(chunk)) => {
                if let Some((interval, timer)) = &mut self.keep_alive {
                    timer.as_mut().reset(tokio::time::Instant::now() + *interval);
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match &mut self.keep_alive {
                Some((interval, timer)) => {
                    if timer.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    timer.as_mut().reset(tokio::time::Instant::now() + *interval);
                    Poll::Ready(Some(Ok(Bytes::from_static(KEEP_ALIVE_COMMENT))))
                }
                None => Poll::Pending,
            },
        }
    }
}

/// Pushes frames into an [`SseResponse`] made by [`SseResponse::channel`].
#[derive(Clone, Debug)]
pub struct SseSender {
    sender: mpsc::Sender<Bytes>,
    gone: ClientGone,
}

/// Why [`SseSender::send`] did not send a frame.
#[derive(Debug, PartialEq, Eq)]
pub enum SendError {
    /// The frame cannot be encoded (an id or type with CR or LF); the stream goes on.
    Encode(EncodeError),
    /// The client has gone away; nothing more can be sent.
    Gone,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Encode(error) => error.fmt(f),
            SendError::Gone => f.write_str("the client has gone away"),
        }
    }
}

impl std::error::Error for SendError {}

impl SseSender {
    /// Encodes and sends `frame`, waiting while the response's buffer is full.
    pub async fn send(&self, frame: &Frame) -> Result<(), SendError> {
        let bytes = frame.to_bytes().map_err(SendError::Encode)?;
        self.sender.send(Bytes::from(bytes)).await.map_err(|_| SendError::Gone)
    }

    /// True while the client is connected.
    pub fn is_connected(&self) -> bool {
        !self.gone.is_gone() && !self.sender.is_closed()
    }

    /// Resolves when the client has gone away.
    pub async fn closed(&self) {
        self.gone.wait().await;
    }
}

/// A frame whose data is `value` as JSON; add the type and id with the [`Frame`] builder.
///
/// ```
/// let frame = wasm_eventsource::server::json_frame(&[1, 2])?.id("7");
/// assert_eq!(frame.to_bytes().unwrap(), b"id: 7\ndata: [1,2]\n\n");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn json_frame<T: serde::Serialize + ?Sized>(value: &T) -> Result<Frame, serde_json::Error> {
    Ok(Frame::new().data(serde_json::to_string(value)?))
}
