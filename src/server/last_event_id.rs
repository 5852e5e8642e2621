//! [`LastEventId`]: the id a reconnecting client sends, from the `Last-Event-ID` header or
//! from the query parameter its `lastEventIdParam` option names.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use std::borrow::Cow;
use std::convert::Infallible;

/// The query parameter read when no [`LastEventIdParam`] is set: the name the README's
/// examples give the client's `lastEventIdParam` option.
const DEFAULT_PARAM: &str = "lastEventId";

/// The client's last event ID, or `None` on a first connection.
///
/// Read from the `Last-Event-ID` header; without it, from the query parameter
/// `lastEventId`, or the name a [`LastEventIdParam`] request extension gives. An empty
/// value counts as none (the client has no id to resume from). Never rejects a request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LastEventId(pub Option<String>);

/// The query parameter name [`LastEventId`] reads, set as a request extension:
/// `router.layer(axum::Extension(LastEventIdParam::new("since")))`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastEventIdParam(Cow<'static, str>);

impl LastEventIdParam {
    /// Reads the id from the query parameter `name` (the client's `lastEventIdParam`).
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        LastEventIdParam(name.into())
    }
}

impl LastEventId {
    /// The id in `parts`: the header first, then the query parameter.
    pub fn from_parts(parts: &Parts) -> Self {
        let header = parts
            .headers
            .get("last-event-id")
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let id = header.or_else(|| {
            let name = parts.extensions.get::<LastEventIdParam>().map_or(DEFAULT_PARAM, |param| &param.0);
            let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri).ok()?;
            pairs.into_iter().find(|(key, _)| key == name).map(|(_, value)| value)
        });
        LastEventId(id.filter(|id| !id.is_empty()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for LastEventId {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(LastEventId::from_parts(parts))
    }
}
