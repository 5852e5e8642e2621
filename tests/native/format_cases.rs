//! The stream format cases of tests/browser/format-cases.mjs, in Rust: a body and the
//! messages it gives, as (type, data, lastEventId). Keep the two lists the same.

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A format case: its name, the body, and the messages it gives.
pub struct FormatCase {
    pub name: &'static str,
    pub body: Vec<u8>,
    pub messages: Vec<(&'static str, &'static str, &'static str)>,
}

fn case(
    name: &'static str,
    parts: &[&[u8]],
    messages: &[(&'static str, &'static str, &'static str)],
) -> FormatCase {
    FormatCase { name, body: parts.concat(), messages: messages.to_vec() }
}

/// Every case, in the order of the JavaScript list.
pub fn format_cases() -> Vec<FormatCase> {
    vec![
        case("one event", &[b"retry: 10\ndata: hello\n\n"], &[("message", "hello", "")]),
        case(
            "type, id, multi-line data",
            &[b"retry: 10\nevent: tick\nid: 1\ndata: a\ndata: b\n\n"],
            &[("tick", "a\nb", "1")],
        ),
        case(
            "CRLF, CR and LF line ends",
            &[b"retry: 10\r\ndata: a\r\rdata: b\r\n\r\n"],
            &[("message", "a", ""), ("message", "b", "")],
        ),
        case("one leading BOM removed", &[BOM, b"data: x\n\nretry: 10\n"], &[("message", "x", "")]),
        case(
            "a second BOM is part of the first line",
            &[BOM, BOM, b"data: x\n\ndata: y\n\nretry: 10\n"],
            &[("message", "y", "")],
        ),
        case(
            "comments and unknown fields ignored",
            &[b"retry: 10\n: c\nfoo: bar\ndata: z\n\n"],
            &[("message", "z", "")],
        ),
        case(
            "data without colon, and one space removed",
            &[b"retry: 10\ndata\n\ndata:  x\n\ndata:y\n\n"],
            &[("message", "", ""), ("message", " x", ""), ("message", "y", "")],
        ),
        case(
            "invalid UTF-8 becomes U+FFFD",
            &[b"retry: 10\ndata: a", b"\xFF", b"b", b"\xE2\x82", b"\n\n"],
            &[("message", "a\u{FFFD}b\u{FFFD}", "")],
        ),
        case("multi-byte characters", &["retry: 10\ndata: é€😀\n\n".as_bytes()], &[("message", "é€😀", "")]),
        case(
            "id with NUL ignored",
            &[b"retry: 10\nid: 1\n\nid: x", b"\0", b"\ndata: a\n\nid: ", b"\0", b"y\ndata: b\n\n"],
            &[("message", "a", "1"), ("message", "b", "1")],
        ),
        case(
            "id-only block sets the id; empty id clears it",
            &[b"retry: 10\nid: 5\n\ndata: a\n\nid\ndata: b\n\n"],
            &[("message", "a", "5"), ("message", "b", "")],
        ),
        case(
            "a block without data resets the type",
            &[b"retry: 10\nevent: foo\n\ndata: x\n\n"],
            &[("message", "x", "")],
        ),
        case(
            "an unterminated event is discarded",
            &[b"retry: 10\ndata: a\n\nid: 9\ndata: lost"],
            &[("message", "a", "")],
        ),
        case(
            "invalid retry values are ignored",
            &[b"retry: 10\nretry: 12x\nretry:\ndata: a\n\n"],
            &[("message", "a", "")],
        ),
        case(
            "field names are case-sensitive",
            &[b"retry: 10\nData: a\n\ndata: b\n\n"],
            &[("message", "b", "")],
        ),
        case("NUL in data is kept", &[b"retry: 10\ndata: a", b"\0", b"b\n\n"], &[("message", "a\0b", "")]),
        case("one trailing LF removed", &[b"retry: 10\ndata: a\ndata:\n\n"], &[("message", "a\n", "")]),
        case(
            "the id is not reset by dispatch",
            &[b"retry: 10\nid: 3\ndata: a\n\ndata: b\n\n"],
            &[("message", "a", "3"), ("message", "b", "3")],
        ),
    ]
}
