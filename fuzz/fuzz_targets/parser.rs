//! Arbitrary bytes in arbitrary chunks: the parser must agree with the spec-text reference.
#![no_main]

#[path = "../../tests/common/differential.rs"]
mod differential;

libfuzzer_sys::fuzz_target!(|input: &[u8]| differential::check_parser(input));
