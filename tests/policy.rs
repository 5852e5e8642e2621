//! The request decisions every transport shares (src/core/policy.rs).

use wasm_eventsource::policy::{
    Change, Environment, HeaderChars, LastEventIdPlacement, Response, Standing, Suspension,
    last_event_id_header, on_change, origin, place_last_event_id, stall_wait_ms, url_with_query,
};

#[test]
fn the_last_event_id_goes_in_the_header_or_the_chosen_parameter_and_nowhere_when_empty() {
    assert_eq!(place_last_event_id("", None), LastEventIdPlacement::Nowhere);
    assert_eq!(place_last_event_id("", Some("lastEventId")), LastEventIdPlacement::Nowhere);
    assert_eq!(place_last_event_id("é…3", None), LastEventIdPlacement::Header("é…3"));
    assert_eq!(
        place_last_event_id("42", Some("since")),
        LastEventIdPlacement::Query { name: "since", value: "42" }
    );
}

/// The cases of a vector file in tests/common/ that the JavaScript class is tested on too.
fn shared_vectors(file: &str) -> Vec<serde_json::Value> {
    let path = format!("{}/tests/common/{file}", env!("CARGO_MANIFEST_DIR"));
    let vectors: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    vectors["cases"].as_array().unwrap().clone()
}

/// tests/common/last-event-id-url.json, which the JavaScript class's `urlWithParam` and the
/// native client's requests (tests/native_source.rs) are held to as well.
#[test]
fn the_last_event_id_parameter_url_matches_the_shared_vectors() {
    let cases = shared_vectors("last-event-id-url.json");
    assert!(cases.len() >= 12);
    for case in &cases {
        let [url, name, id, want] = ["url", "name", "id", "want"].map(|field| case[field].as_str().unwrap());
        assert_eq!(url_with_query(url, &[(name, id)]), want, "{name:?}={id:?} on {url}");
    }
}

#[test]
fn a_url_with_no_parameters_to_set_is_left_as_it_is() {
    let none: &[(&str, &str)] = &[];
    assert_eq!(
        url_with_query("https://example.com/sse?a=b%20c&x#f", none),
        "https://example.com/sse?a=b%20c&x#f"
    );
}

#[test]
fn several_parameters_replace_their_names_and_keep_their_order() {
    let params = [("a", "1"), ("b", "2"), ("a", "3")];
    assert_eq!(
        url_with_query("https://example.com/?b=0&c=x%20y&a=0", &params),
        "https://example.com/?c=x%20y&a=1&b=2&a=3"
    );
}

#[test]
fn an_origin_drops_default_ports_user_info_path_and_case() {
    let cases = [
        ("http://example.com/a", "http://example.com"),
        ("http://example.com:80/a", "http://example.com"),
        ("http://example.com:080/a", "http://example.com"),
        ("https://example.com:443", "https://example.com"),
        ("https://example.com:80/", "https://example.com:80"),
        ("http://example.com:443/", "http://example.com:443"),
        ("wss://example.com:443/socket", "wss://example.com"),
        ("ws://example.com:80", "ws://example.com"),
        ("ftp://example.com:21/file", "ftp://example.com"),
        ("HTTP://User:Secret@EXAMPLE.com:8080/x?y#z", "http://example.com:8080"),
        ("http://127.0.0.1:3000/sse?key=1", "http://127.0.0.1:3000"),
        ("http://[::1]:8080/sse", "http://[::1]:8080"),
        ("http://[::1]/sse", "http://[::1]"),
        ("https://[2001:db8::1]:443/", "https://[2001:db8::1]"),
        ("http://example.com:0/", "http://example.com:0"),
        ("http://example.com?x=1", "http://example.com"),
        ("http://example.com#top", "http://example.com"),
        ("data:text/plain,hi", "null"),
        ("file:///tmp/x", "null"),
        ("blob://example.com/x", "null"),
        ("relative/path", "null"),
    ];
    for (url, want) in cases {
        assert_eq!(origin(url), want, "{url}");
    }
}

#[test]
fn a_stall_timer_waits_out_what_is_left_of_the_timeout() {
    assert_eq!(stall_wait_ms(45_000, 0), 45_000);
    assert_eq!(stall_wait_ms(45_000, 44_999), 1);
    assert_eq!(stall_wait_ms(45_000, 45_000), 0);
    assert_eq!(stall_wait_ms(45_000, u64::MAX), 0);
}

/// tests/common/last-event-id-header.json, which the JavaScript class's `headerValue` is
/// held to as well (tests/js/header-value.test.mjs).
#[test]
fn the_last_event_id_header_value_matches_the_shared_vectors() {
    let cases = shared_vectors("last-event-id-header.json");
    assert!(cases.len() >= 8);
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        for (chars, field) in [(HeaderChars::Bytes, "bytes"), (HeaderChars::Utf8, "utf8")] {
            assert_eq!(last_event_id_header(id, chars), case[field].as_str().unwrap(), "{id:?} as {field}");
        }
    }
}

#[test]
fn a_header_value_the_platform_sends_as_utf8_bytes_decodes_to_the_id() {
    // What the server receives: one byte per char, or each char's UTF-8 encoding.
    let sent = |value: &str, chars| match chars {
        HeaderChars::Bytes => value.chars().map(|c| u8::try_from(c).unwrap()).collect::<Vec<u8>>(),
        HeaderChars::Utf8 => value.as_bytes().to_vec(),
    };
    for id in ["", "7", "é", "ü-ÿ", "\u{80}x"] {
        for chars in [HeaderChars::Bytes, HeaderChars::Utf8] {
            assert_eq!(sent(&last_event_id_header(id, chars), chars), id.as_bytes(), "{id:?} {chars:?}");
        }
    }
    // Beyond U+00FF, only the platforms that send bytes carry the id intact.
    assert_eq!(sent(&last_event_id_header("é✓", HeaderChars::Bytes), HeaderChars::Bytes), "é✓".as_bytes());
}

#[test]
fn an_ascii_id_is_not_copied() {
    assert!(matches!(last_event_id_header("id-42", HeaderChars::Bytes), std::borrow::Cow::Borrowed(_)));
    assert!(matches!(last_event_id_header("é", HeaderChars::Utf8), std::borrow::Cow::Borrowed(_)));
}

const ONLINE: Environment = Environment { offline: false, hidden: false, pause_when_hidden: false };

#[test]
fn offline_suspends_whatever_the_page_and_hidden_only_with_pause_when_hidden() {
    let offline = Environment { offline: true, ..ONLINE };
    assert_eq!(offline.suspension(), Some(Suspension::Offline));
    assert_eq!(
        Environment { hidden: true, pause_when_hidden: true, ..offline }.suspension(),
        Some(Suspension::Offline)
    );
    assert_eq!(Environment { hidden: true, ..ONLINE }.suspension(), None);
    assert_eq!(Environment { pause_when_hidden: true, ..ONLINE }.suspension(), None);
    assert_eq!(
        Environment { hidden: true, pause_when_hidden: true, ..ONLINE }.suspension(),
        Some(Suspension::Hidden)
    );
    assert_eq!(ONLINE.suspension(), None);
}

#[test]
fn going_offline_or_hidden_suspends_only_a_running_connection() {
    let offline = Environment { offline: true, ..ONLINE };
    let paused = Environment { hidden: true, pause_when_hidden: true, ..ONLINE };
    assert_eq!(
        on_change(Change::Offline, offline, Standing::Running),
        Response::Suspend(Suspension::Offline)
    );
    assert_eq!(on_change(Change::Hidden, paused, Standing::Running), Response::Suspend(Suspension::Hidden));
    for standing in [Standing::Held, Standing::Waiting, Standing::WaitingForRetryAfter, Standing::Idle] {
        assert_eq!(on_change(Change::Offline, offline, standing), Response::Nothing, "{standing:?}");
        assert_eq!(on_change(Change::Hidden, paused, standing), Response::Nothing, "{standing:?}");
    }
    // Hidden without pause_when_hidden changes nothing, not even a waiting reconnect.
    let hidden = Environment { hidden: true, ..ONLINE };
    assert_eq!(on_change(Change::Hidden, hidden, Standing::Running), Response::Nothing);
    assert_eq!(on_change(Change::Hidden, hidden, Standing::Waiting), Response::Nothing);
}

#[test]
fn the_network_back_or_the_page_shown_resumes_at_once_unless_still_suspended_or_told_to_wait() {
    for change in [Change::Online, Change::Shown] {
        assert_eq!(on_change(change, ONLINE, Standing::Held), Response::SendHeld, "{change:?}");
        assert_eq!(on_change(change, ONLINE, Standing::Waiting), Response::ReconnectNow, "{change:?}");
        assert_eq!(
            on_change(change, ONLINE, Standing::WaitingForRetryAfter),
            Response::Nothing,
            "{change:?}"
        );
        assert_eq!(on_change(change, ONLINE, Standing::Running), Response::Nothing, "{change:?}");
        assert_eq!(on_change(change, ONLINE, Standing::Idle), Response::Nothing, "{change:?}");
    }
    // Back online on a hidden page that pauses: still suspended.
    let paused = Environment { hidden: true, pause_when_hidden: true, ..ONLINE };
    assert_eq!(on_change(Change::Online, paused, Standing::Held), Response::Nothing);
    assert_eq!(on_change(Change::Online, paused, Standing::Waiting), Response::Nothing);
    // Shown while offline: still suspended.
    let offline = Environment { offline: true, ..ONLINE };
    assert_eq!(on_change(Change::Shown, offline, Standing::Held), Response::Nothing);
    // Back online on a hidden page that does not pause: resumes.
    let hidden = Environment { hidden: true, ..ONLINE };
    assert_eq!(on_change(Change::Online, hidden, Standing::Waiting), Response::ReconnectNow);
}
