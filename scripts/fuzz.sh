#!/usr/bin/env bash
# Fuzzes with cargo-fuzz (libFuzzer), each target for the given number of seconds (default
# 60): the parser against the spec-text reference in arbitrary chunks, the encoder round
# trip, and the engine's invariants under arbitrary policies and input sequences.
#
#   bash scripts/fuzz.sh [seconds] [--keep]
#
# Inputs that reach new code are written to a scratch folder, or with --keep into
# fuzz/corpus/<target>/ (minimise with `cargo fuzz cmin` before committing). A failing input
# lands in fuzz/artifacts/<target>/; copy it to fuzz/regressions/<target>/ and the native
# test run (tests/fuzz_corpus.rs) replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
keep="${2:-}"
CARGO_FUZZ_VERSION=0.13.2

if [ "$(cargo fuzz --version 2>/dev/null | awk '{ print $2 }')" != "$CARGO_FUZZ_VERSION" ]; then
  echo "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION"
fi

# libFuzzer's instrumentation needs -Z flags; RUSTC_BOOTSTRAP lets the one stable toolchain
# take them. No sanitizer is needed (the crate forbids unsafe code); debug assertions are
# on, so arithmetic overflow fails too.
export RUSTC_BOOTSTRAP=1
cd fuzz
for target in parser encoder engine; do
  if [ "$keep" = "--keep" ]; then
    corpus=(corpus/$target)
  else
    scratch=$(mktemp -d)
    corpus=("$scratch" corpus/$target)
  fi
  mkdir -p "artifacts/$target"
  echo "fuzzing $target for ${seconds}s"
  output=$(mktemp)
  status=0
  cargo fuzz run "$target" --sanitizer none --debug-assertions "${corpus[@]}" -- \
    -max_total_time="$seconds" -dict=sse.dict -artifact_prefix="artifacts/$target/" >"$output" 2>&1 || status=$?
  grep -E '^Done|panicked|^SUMMARY|Test unit written' "$output" || tail -n 20 "$output"
  rm -f "$output"
  [ -n "${scratch:-}" ] && rm -rf "$scratch"
  if [ "$status" -ne 0 ]; then
    echo "fuzz $target: FAILED (reproducer in fuzz/artifacts/$target/)"
    exit 1
  fi
  echo "fuzz $target: no failure"
done
