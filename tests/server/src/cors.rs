//! Cross-origin access for the tests' second origin: requests with an `Origin` are allowed
//! with credentials, and preflights succeed, unless the query says `cors=none`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

pub async fn allow(request: Request, next: Next) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let refuse = request.uri().query().is_some_and(|query| query.split('&').any(|pair| pair == "cors=none"));
    let Some(origin) = origin.filter(|_| !refuse) else {
        return next.run(request).await;
    };
    let preflight = request.method() == Method::OPTIONS;
    let asked_headers = request.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
    let asked_method = request.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD).cloned();
    let mut response = if preflight {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        response
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("*"));
    if let Some(asked) = asked_headers {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked);
    }
    if let Some(asked) = asked_method {
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, asked);
    }
    response
}
