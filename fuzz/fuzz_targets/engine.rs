//! Arbitrary policies and input sequences: the engine keeps its invariants and never panics.
#![no_main]

#[path = "../../tests/common/engine_checks.rs"]
mod engine_checks;

libfuzzer_sys::fuzz_target!(|input: &[u8]| engine_checks::check_engine(input));
