//! Replays the fuzz corpus (`fuzz/corpus/`) and the kept crash reproducers
//! (`fuzz/regressions/`) through the fuzz targets' checks, so every input the fuzzer found
//! interesting stays a regression test in the ordinary native run.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::differential::{check_encoder, check_parser};
use common::engine_checks::check_engine;
use std::path::Path;

/// Runs `check` on every file under `fuzz/<kind>/<target>/`; returns how many it ran.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for kind in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(kind).join(target)) else { continue };
        for entry in entries {
            let path = entry.expect("a readable directory entry").path();
            let input = std::fs::read(&path).expect("a readable corpus file");
            let outcome = std::panic::catch_unwind(|| check(&input));
            assert!(outcome.is_ok(), "{} fails the {target} check", path.display());
            count += 1;
        }
    }
    count
}

#[test]
fn the_parser_corpus_still_agrees_with_the_spec_text() {
    assert!(replay("parser", check_parser) > 100, "the parser corpus is missing");
}

#[test]
fn the_encoder_corpus_still_round_trips() {
    assert!(replay("encoder", check_encoder) > 100, "the encoder corpus is missing");
}

#[test]
fn the_engine_corpus_keeps_its_invariants() {
    assert!(replay("engine", check_engine) > 100, "the engine corpus is missing");
}
