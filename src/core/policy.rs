//! Request decisions that need no I/O, shared by every transport: where the last event ID
//! goes, the origin a message reports, and how long a stall timer still has to wait.
//!
//! The transports (the browser's `fetch()` one, the native one) only carry these out, so
//! they cannot drift apart; each rule is tested natively here.

use alloc::string::String;

/// Where a request carries the connection's last event ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastEventIdPlacement<'a> {
    /// No ID yet: the request carries none.
    Nowhere,
    /// The `Last-Event-ID` header, with this value (sent as its UTF-8 bytes).
    Header(&'a str),
    /// The query parameter `name` (replacing one of that name), with this value. A
    /// cross-origin request with the header needs a CORS preflight; with a parameter it
    /// needs none, as with the browser's own `EventSource`.
    Query {
        /// The parameter's name.
        name: &'a str,
        /// The last event ID.
        value: &'a str,
    },
}

/// Where `last_event_id` goes, given the builder's `last_event_id_param` (if any).
///
/// ```
/// use wasm_eventsource::policy::{LastEventIdPlacement, place_last_event_id};
///
/// assert_eq!(place_last_event_id("", None), LastEventIdPlacement::Nowhere);
/// assert_eq!(place_last_event_id("7", None), LastEventIdPlacement::Header("7"));
/// assert_eq!(
///     place_last_event_id("7", Some("lastEventId")),
///     LastEventIdPlacement::Query { name: "lastEventId", value: "7" }
/// );
/// ```
pub fn place_last_event_id<'a>(last_event_id: &'a str, param: Option<&'a str>) -> LastEventIdPlacement<'a> {
    match param {
        _ if last_event_id.is_empty() => LastEventIdPlacement::Nowhere,
        Some(name) => LastEventIdPlacement::Query { name, value: last_event_id },
        None => LastEventIdPlacement::Header(last_event_id),
    }
}

/// The origin of an absolute URL as the web serialises it (`scheme://host[:port]`): scheme
/// and host in lower case, no user info, and no port when it is the scheme's default (so
/// `https://example.com:443/x` and `https://example.com/x` have the same origin). Schemes
/// without a tuple origin (`data:`, `file:`, ...) give `"null"`.
///
/// ```
/// use wasm_eventsource::policy::origin;
///
/// assert_eq!(origin("HTTPS://user:pw@Example.com:443/events?x=1"), "https://example.com");
/// assert_eq!(origin("http://127.0.0.1:8080/sse"), "http://127.0.0.1:8080");
/// assert_eq!(origin("data:text/plain,hi"), "null");
/// ```
pub fn origin(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "null".into();
    };
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" | "ws" => "80",
        "https" | "wss" => "443",
        "ftp" => "21",
        _ => return "null".into(),
    };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or_default();
    let host_and_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    // The port follows the last colon, unless that colon is inside an IPv6 literal.
    let (host, port) = match host_and_port.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, port),
        _ => (host_and_port, ""),
    };
    // `:080` is port 80, and `:0` port 0.
    let port = match port.trim_start_matches('0') {
        "" if !port.is_empty() => "0",
        trimmed => trimmed,
    };
    let mut origin = String::with_capacity(scheme.len() + 3 + host_and_port.len());
    origin.push_str(&scheme);
    origin.push_str("://");
    origin.push_str(&host.to_ascii_lowercase());
    let default = port.is_empty() || port == default_port;
    if !default {
        origin.push(':');
        origin.push_str(port);
    }
    origin
}

/// How long a stall timer still has to wait, in milliseconds: the stall timeout less the
/// time already spent without a byte, never negative. Zero means the stream stalled.
///
/// ```
/// use wasm_eventsource::policy::stall_wait_ms;
///
/// assert_eq!(stall_wait_ms(45_000, 10_000), 35_000);
/// assert_eq!(stall_wait_ms(45_000, 50_000), 0);
/// ```
pub fn stall_wait_ms(stall_timeout_ms: u64, idle_ms: u64) -> u64 {
    stall_timeout_ms.saturating_sub(idle_ms)
}
