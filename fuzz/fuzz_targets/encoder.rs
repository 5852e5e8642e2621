//! Arbitrary frames: the encoder refuses the invalid ones, and the parser reads the valid
//! ones back exactly, in arbitrary chunks.
#![no_main]

#[path = "../../tests/common/differential.rs"]
mod differential;

libfuzzer_sys::fuzz_target!(|input: &[u8]| differential::check_encoder(input));
