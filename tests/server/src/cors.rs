//! Cross-origin access for the tests' second origin: requests with an `Origin` are allowed
//! with credentials unless the query says `cors=none`. A preflight is logged under the
//! request's `key`, and allows only the request headers in `cors_headers` (a comma list;
//! by default the ones the tests send), as a real server would be configured.

use crate::params::Params;
use crate::requests::{Log, now_ms};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

/// The request headers a preflight allows unless the query names others.
const DEFAULT_ALLOWED: &str = "authorization,content-type,last-event-id,x-custom,x-token";

pub async fn allow(State(log): State<Log>, request: Request, next: Next) -> Response {
    let params = Params::parse(request.uri().query());
    let origin = request.headers().get(header::ORIGIN).cloned();
    let refuse = params.text("cors").as_deref() == Some("none");
    let Some(origin) = origin.filter(|_| !refuse) else {
        return next.run(request).await;
    };
    let mut response = if request.method() == Method::OPTIONS {
        preflight(&log, &request, &params)
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("*"));
    response
}

/// Answers a preflight: the asked method, and the asked headers only if all are allowed.
fn preflight(log: &Log, request: &Request, params: &Params) -> Response {
    let asked = request.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
    let asked_text =
        asked.as_ref().and_then(|value| value.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    let allowed = params.text("cors_headers").unwrap_or_else(|| DEFAULT_ALLOWED.into()).to_ascii_lowercase();
    let allowed: Vec<&str> = allowed.split(',').map(str::trim).collect();
    let granted = asked_text
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .all(|name| allowed.contains(&name));
    log.record(
        params.text("key"),
        json!({ "method": "OPTIONS", "preflight": true, "requestedHeaders": asked_text, "at": now_ms() }),
    );
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    if let (Some(asked), true) = (asked, granted) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked);
    }
    if let Some(method) = request.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD).cloned() {
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method);
    }
    response
}
