//! The encoder's exact output and its refusals.
#![cfg(not(target_arch = "wasm32"))]

use wasm_eventsource::encoder::{EncodeError, Frame};

fn encode(frame: Frame) -> String {
    String::from_utf8(frame.to_bytes().expect("valid frame")).expect("utf-8")
}

#[test]
fn writes_every_field_in_order() {
    let frame = Frame::new().comment("hi").retry(1500).event_type("tick").id("7").data("x");
    assert_eq!(encode(frame), ": hi\nretry: 1500\nevent: tick\nid: 7\ndata: x\n\n");
}

#[test]
fn multi_line_data_becomes_several_data_lines() {
    assert_eq!(encode(Frame::new().data("a\nb\r\nc\rd")), "data: a\ndata: b\ndata: c\ndata: d\n\n");
    assert_eq!(encode(Frame::new().data("a\n")), "data: a\ndata:\n\n");
}

#[test]
fn empty_values_have_no_trailing_space() {
    assert_eq!(encode(Frame::new().data("")), "data:\n\n");
    assert_eq!(encode(Frame::new().id("").data("x")), "id:\ndata: x\n\n");
}

#[test]
fn a_leading_space_in_a_value_is_kept_by_the_separator_space() {
    assert_eq!(encode(Frame::new().data(" x")), "data:  x\n\n");
}

#[test]
fn comment_and_retry_only_frames_end_no_event() {
    assert_eq!(encode(Frame::new().comment("ping")), ": ping\n");
    assert_eq!(encode(Frame::new().comment("a\nb")), ": a\n: b\n");
    assert_eq!(encode(Frame::new().retry(0)), "retry: 0\n");
    assert_eq!(encode(Frame::new().retry(u64::MAX)), "retry: 18446744073709551615\n");
}

#[test]
fn id_only_frame_is_a_block() {
    assert_eq!(encode(Frame::new().id("9")), "id: 9\n\n");
}

#[test]
fn refuses_ids_that_would_break_the_line_or_be_ignored() {
    for id in ["a\nb", "a\rb", "a\0b"] {
        let mut out = b"kept".to_vec();
        assert_eq!(Frame::new().id(id).data("x").encode_into(&mut out), Err(EncodeError::InvalidId));
        assert_eq!(out, b"kept", "nothing appended for {id:?}");
    }
}

#[test]
fn refuses_event_types_with_line_breaks() {
    for event_type in ["a\nb", "a\rb"] {
        let frame = Frame::new().event_type(event_type).data("x");
        assert_eq!(frame.to_bytes(), Err(EncodeError::InvalidEventType));
    }
    assert!(Frame::new().event_type("a\0b").data("x").to_bytes().is_ok());
}

#[test]
fn errors_explain_themselves() {
    assert_eq!(EncodeError::InvalidId.to_string(), "an event id cannot contain CR, LF or NUL");
}
