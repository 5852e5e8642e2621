#!/usr/bin/env bash
# Builds the npm package's WebAssembly: release wasm32 build, then wasm-bindgen into pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --lib --release --target wasm32-unknown-unknown --quiet
wasm-bindgen --target web --remove-name-section --remove-producers-section \
  --out-dir pkg --out-name wasm_eventsource \
  target/wasm32-unknown-unknown/release/wasm_eventsource.wasm

wasm_bytes=$(wc -c < pkg/wasm_eventsource_bg.wasm)
wasm_gzip=$(gzip -9 -c pkg/wasm_eventsource_bg.wasm | wc -c)
printf '[build] pkg/wasm_eventsource_bg.wasm: %s bytes (%s gzipped)\n' "$wasm_bytes" "$wasm_gzip"
