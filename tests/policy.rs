//! The request decisions every transport shares (src/core/policy.rs).

use wasm_eventsource::policy::{LastEventIdPlacement, origin, place_last_event_id, stall_wait_ms};

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
