//! `GET /demo/fault/{kind}`: streams that misbehave on purpose, to show how the clients cope.

use crate::sse::{self, TICK};
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use wasm_eventsource::encoder::Frame;
use wasm_eventsource::server::LastEventId;

/// The size of the oversized event: larger than the demo's `maxEventSize` of 1 MiB.
const OVERSIZED_BYTES: usize = 3 * 1024 * 1024;

pub async fn fault(Path(kind): Path<String>, last: LastEventId, headers: HeaderMap) -> Response {
    let first = sse::resume_from(&last);
    let request = sse::request_event(&headers);
    match kind.as_str() {
        // Four events, then the connection breaks; the client resumes from its last id.
        "drop" => sse::stream(async_stream::stream! {
            yield Ok(sse::bytes(&Frame::new().retry(500)));
            yield Ok(request);
            for n in first..first + 4 {
                yield Ok(sse::bytes(&Frame::new().id(n.to_string()).data(format!("event {n}"))));
                if !sse::pause(Duration::from_millis(400)).await {
                    return;
                }
            }
            yield Err(std::io::Error::other("dropped on purpose"));
        }),
        // Two events, then silence with the connection left open.
        "stall" => sse::stream(async_stream::stream! {
            yield Ok(sse::bytes(&Frame::new().retry(1000)));
            yield Ok(request);
            for n in first..first + 2 {
                yield Ok(sse::bytes(&Frame::new().id(n.to_string()).data(format!("event {n}, then silence"))));
            }
            while sse::pause(TICK).await {}
        }),
        "503" => (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                (header::RETRY_AFTER, HeaderValue::from_static("2")),
                (header::CONTENT_TYPE, HeaderValue::from_static("text/plain")),
            ],
            "The service is busy; retry after 2 seconds.",
        )
            .into_response(),
        "204" => StatusCode::NO_CONTENT.into_response(),
        // One event far over the limit, then small ones.
        "oversized" => sse::stream(async_stream::stream! {
            yield Ok(sse::bytes(&Frame::new().retry(1000)));
            yield Ok(request);
            let mut huge = b"data: ".to_vec();
            huge.resize(6 + OVERSIZED_BYTES, b'x');
            huge.extend_from_slice(b"\n\n");
            yield Ok(Bytes::from(huge));
            let mut n = 1;
            while sse::pause(TICK).await {
                yield Ok(sse::bytes(&Frame::new().data(format!("still alive {n}"))));
                n += 1;
            }
        }),
        // Bytes that are not UTF-8 become U+FFFD, exactly as in the native client.
        "invalid-utf8" => sse::stream(async_stream::stream! {
            yield Ok(sse::bytes(&Frame::new().retry(1000)));
            yield Ok(request);
            yield Ok(Bytes::from_static(b"data: caf\xC3 \xFF\xFE ok \xE2\x82\xAC\n\ndata: lone surrogate \xED\xA0\x80 end\n\n"));
            while sse::pause(TICK).await {}
        }),
        _ => sse::error(
            StatusCode::NOT_FOUND,
            "no such fault; try drop, stall, 503, 204, oversized or invalid-utf8",
        ),
    }
}
