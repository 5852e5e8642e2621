//! What each attempt sends: the URL (with the builder's query parameters and, when asked,
//! the last event ID as a parameter), the method, the headers (fixed, then computed, then
//! `Last-Event-ID`) and the body. Fixed parts are checked once, when the source is built.

use crate::builder::{Body, EventSourceBuilder, HeadersFn};
use crate::event::Error;
use crate::policy::{LastEventIdPlacement, place_last_event_id, url_with_query};
use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Client, Method, Url};

/// The request every attempt of one source sends, checked.
pub(super) struct RequestConfig {
    url: Url,
    method: Method,
    /// `Accept: text/event-stream` and the fixed headers.
    headers: HeaderMap,
    headers_fn: Option<HeadersFn>,
    body: Option<Body>,
    last_event_id_param: Option<String>,
}

impl RequestConfig {
    /// Checks the builder's URL (it must be absolute: there is no page to resolve against),
    /// method and headers.
    pub(super) fn new(builder: &EventSourceBuilder) -> Result<RequestConfig, Error> {
        let invalid = || Error::InvalidUrl(builder.url.clone());
        let url = Url::parse(&builder.url).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid());
        }
        let url = with_query(url, &builder.query).ok_or_else(invalid)?;
        let method = builder.request_method()?;
        let last_event_id_param = builder.checked_last_event_id_param()?;
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("{method:?} is not an HTTP method")))?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
        set_headers(&mut headers, &builder.headers).map_err(Error::InvalidRequest)?;
        Ok(RequestConfig {
            url,
            method,
            headers,
            headers_fn: builder.headers_fn.clone(),
            body: builder.body.clone(),
            last_event_id_param,
        })
    }

    /// The request of one attempt: computes the headers, then adds the last event ID
    /// (as the header, or as the chosen query parameter). An error says what is wrong.
    pub(super) async fn request(
        &self,
        client: &Client,
        last_event_id: &str,
    ) -> Result<reqwest::Request, String> {
        let mut headers = self.headers.clone();
        if let Some(make) = &self.headers_fn {
            set_headers(&mut headers, &make().await)?;
        }
        let mut url = self.url.clone();
        match place_last_event_id(last_event_id, self.last_event_id_param.as_deref()) {
            LastEventIdPlacement::Query { name, value } => {
                url = with_query(url, &[(name, value)])
                    .ok_or_else(|| format!("the last event ID {value:?} cannot be in the URL"))?;
            }
            LastEventIdPlacement::Header(value) => {
                // Header values are bytes: the id goes as its UTF-8, as browsers send it.
                let value = HeaderValue::from_bytes(value.as_bytes())
                    .map_err(|_| format!("the last event ID {value:?} cannot be a header value"))?;
                headers.insert("last-event-id", value);
            }
            LastEventIdPlacement::Nowhere => {}
        }
        let mut request = client.request(self.method.clone(), url).headers(headers);
        match &self.body {
            Some(Body::Text(text)) => request = request.body(text.clone()),
            Some(Body::Bytes(bytes)) => request = request.body(bytes.clone()),
            None => {}
        }
        request.build().map_err(|error| error.to_string())
    }
}

/// Sets each `(name, value)` in `headers`, replacing one of the same name (later ones win).
fn set_headers(headers: &mut HeaderMap, pairs: &[(String, String)]) -> Result<(), String> {
    for (name, value) in pairs {
        let invalid = || format!("header {name:?} has an invalid name or value");
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let value = HeaderValue::from_str(value).map_err(|_| invalid())?;
        headers.insert(name, value);
    }
    Ok(())
}

/// `url` with the query parameters set by the core's rule ([`url_with_query`]): each
/// replaces those of its name, and the other parameters keep their bytes as written.
/// `None` only if the result did not parse, which a valid `url` cannot cause.
fn with_query<N: AsRef<str>, V: AsRef<str>>(url: Url, params: &[(N, V)]) -> Option<Url> {
    if params.is_empty() {
        return Some(url);
    }
    Url::parse(&url_with_query(url.as_str(), params)).ok()
}
