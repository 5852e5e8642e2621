//! Request decisions that need no I/O, shared by every transport: where the last event ID
//! goes and the header value or query parameter that carries it, the origin a message
//! reports, how long a stall timer still has to wait, and what going offline or hidden does
//! to a connection.
//!
//! The transports (the browser's `fetch()` one, the native one) only carry these out, so
//! they cannot drift apart; each rule is tested natively here.

use alloc::borrow::Cow;
use alloc::string::String;

/// Where a request carries the connection's last event ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastEventIdPlacement<'a> {
    /// No ID yet: the request carries none.
    Nowhere,
    /// The `Last-Event-ID` header, with this value (sent as its UTF-8 bytes).
    Header(&'a str),
    /// The query parameter `name` (replacing those of that name, see [`url_with_query`]),
    /// with this value. A cross-origin request with the header needs a CORS preflight;
    /// with a parameter it needs none, as with the browser's own `EventSource`.
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

/// `url` with each `(name, value)` of `params` as a query parameter, for the last event ID
/// (`last_event_id_param`) and the builder's own parameters.
///
/// Each parameter replaces those of its name (compared after decoding, so `a%62` is `ab`)
/// and is appended form-encoded (`application/x-www-form-urlencoded`: a space is `+`,
/// `*-._` and ASCII letters and digits stay, every other byte of the UTF-8 is `%XX`). The
/// other parameters keep their bytes as written (`a=b%20c` is not rewritten `a=b+c`, nor
/// `x` as `x=`, as `URLSearchParams` would), empty ones (`&&`) are dropped, and a fragment
/// stays after the query. `url` is an absolute URL as a URL parser serialises it; with no
/// `params` it is returned as it is.
///
/// ```
/// use wasm_eventsource::policy::url_with_query;
///
/// assert_eq!(
///     url_with_query("https://example.com/sse?a=b%20c&x&lastEventId=1#top", &[("lastEventId", "é 1&2")]),
///     "https://example.com/sse?a=b%20c&x&lastEventId=%C3%A9+1%262#top"
/// );
/// ```
pub fn url_with_query<N: AsRef<str>, V: AsRef<str>>(url: &str, params: &[(N, V)]) -> String {
    if params.is_empty() {
        return url.into();
    }
    let (before_fragment, fragment) = url.split_once('#').map_or((url, None), |(at, tail)| (at, Some(tail)));
    let (path, query) = before_fragment.split_once('?').unwrap_or((before_fragment, ""));
    let replaced = |segment: &&str| {
        form_urlencoded::parse(segment.as_bytes())
            .next()
            .is_some_and(|(name, _)| params.iter().any(|(replaced, _)| replaced.as_ref() == name))
    };
    let mut out = String::with_capacity(url.len() + 16 * params.len());
    out.push_str(path);
    out.push('?');
    for segment in query.split('&').filter(|segment| !segment.is_empty()).filter(|segment| !replaced(segment))
    {
        out.push_str(segment);
        out.push('&');
    }
    for (name, value) in params {
        out.extend(form_urlencoded::byte_serialize(name.as_ref().as_bytes()));
        out.push('=');
        out.extend(form_urlencoded::byte_serialize(value.as_ref().as_bytes()));
        out.push('&');
    }
    out.pop(); // the last '&'
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
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

/// How a platform's `fetch()` turns the chars of a header value into bytes. Header values
/// are byte strings, but platforms disagree on what a char beyond ASCII becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderChars {
    /// Each char (U+0000 to U+00FF) is one byte: Chromium, Firefox, Node, Deno, Bun.
    Bytes,
    /// Each char goes out as its UTF-8 encoding: WebKit (Safari and every WebKit-based
    /// browser), which also refuses chars beyond U+00FF.
    Utf8,
}

/// The `Last-Event-ID` header value that reaches the server as the id's UTF-8 bytes.
///
/// With [`HeaderChars::Bytes`] that is the id's UTF-8 bytes, one char per byte. With
/// [`HeaderChars::Utf8`] it is the id as it is, when all its chars lie within U+0000 to
/// U+00FF. An id beyond that cannot reach a WebKit server intact in a header: it gets the
/// one-char-per-byte value, which WebKit accepts but encodes again, so the server sees its
/// bytes doubly encoded; `last_event_id_param` carries such an id intact. Only an id with
/// non-ASCII chars is copied.
///
/// ```
/// use wasm_eventsource::policy::{HeaderChars, last_event_id_header};
///
/// assert_eq!(last_event_id_header("42", HeaderChars::Bytes), "42");
/// assert_eq!(last_event_id_header("é", HeaderChars::Bytes), "\u{c3}\u{a9}");
/// assert_eq!(last_event_id_header("é", HeaderChars::Utf8), "é");
/// assert_eq!(last_event_id_header("✓", HeaderChars::Utf8), "\u{e2}\u{9c}\u{93}");
/// ```
pub fn last_event_id_header(id: &str, chars: HeaderChars) -> Cow<'_, str> {
    let as_is = match chars {
        HeaderChars::Bytes => id.is_ascii(),
        HeaderChars::Utf8 => id.chars().all(|c| u32::from(c) <= 0xFF),
    };
    if as_is { Cow::Borrowed(id) } else { Cow::Owned(id.bytes().map(char::from).collect()) }
}

/// What keeps a connection from connecting now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suspension {
    /// The device reports no network (`navigator.onLine` is false).
    Offline,
    /// The page is hidden, and the source pauses while it is (`pause_when_hidden`).
    Hidden,
}

/// What a transport knows of its surroundings: the network and the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Environment {
    /// The device reports no network.
    pub offline: bool,
    /// The page is hidden (a tab in the background).
    pub hidden: bool,
    /// The source pauses while the page is hidden.
    pub pause_when_hidden: bool,
}

impl Environment {
    /// What keeps the connection from connecting now, offline first; `None` when nothing.
    ///
    /// ```
    /// use wasm_eventsource::policy::{Environment, Suspension};
    ///
    /// let hidden = Environment { hidden: true, ..Environment::default() };
    /// assert_eq!(hidden.suspension(), None);
    /// let paused = Environment { pause_when_hidden: true, ..hidden };
    /// assert_eq!(paused.suspension(), Some(Suspension::Hidden));
    /// assert_eq!(Environment { offline: true, ..paused }.suspension(), Some(Suspension::Offline));
    /// ```
    pub fn suspension(&self) -> Option<Suspension> {
        if self.offline {
            Some(Suspension::Offline)
        } else if self.pause_when_hidden && self.hidden {
            Some(Suspension::Hidden)
        } else {
            None
        }
    }
}

/// What the platform reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The `online` event.
    Online,
    /// The `offline` event.
    Offline,
    /// `visibilitychange` to visible.
    Shown,
    /// `visibilitychange` to hidden.
    Hidden,
}

/// Where the connection stands when the platform reports a [`Change`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// A request or a stream is running.
    Running,
    /// A request the engine asked for is held back because the connection is suspended.
    Held,
    /// A reconnect delay is running.
    Waiting,
    /// A reconnect delay that a `Retry-After` header asked for is running: the server's
    /// wish is kept.
    WaitingForRetryAfter,
    /// Closed, or nothing else to do.
    Idle,
}

/// What a transport does about a [`Change`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Response {
    /// Nothing.
    Nothing,
    /// Stop the running request with the engine's `suspend()`, for this reason.
    Suspend(Suspension),
    /// Send the held request now.
    SendHeld,
    /// Cut the reconnect delay short: reconnect now (the engine's `on_retry_timer()`).
    ReconnectNow,
}

/// What a transport does when the network comes or goes or the page is shown or hidden,
/// given the environment after the change: a running connection is suspended while
/// [`Environment::suspension`] says so, and the network coming back or the page being
/// shown, with nothing left to suspend it, sends a held request or cuts a reconnect delay
/// short.
///
/// ```
/// use wasm_eventsource::policy::{Change, Environment, Response, Standing, Suspension, on_change};
///
/// let offline = Environment { offline: true, ..Environment::default() };
/// assert_eq!(on_change(Change::Offline, offline, Standing::Running), Response::Suspend(Suspension::Offline));
/// assert_eq!(on_change(Change::Online, Environment::default(), Standing::Waiting), Response::ReconnectNow);
/// ```
pub fn on_change(change: Change, environment: Environment, standing: Standing) -> Response {
    match (environment.suspension(), standing) {
        (Some(reason), Standing::Running) => Response::Suspend(reason),
        (Some(_), _) => Response::Nothing,
        (None, _) if matches!(change, Change::Offline | Change::Hidden) => Response::Nothing,
        (None, Standing::Held) => Response::SendHeld,
        (None, Standing::Waiting) => Response::ReconnectNow,
        (None, _) => Response::Nothing,
    }
}
