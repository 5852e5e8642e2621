#!/usr/bin/env bash
# Builds the npm package's WebAssembly: release wasm32 build of binding/, wasm-bindgen into pkg/, then
# wasm-opt -Oz (binaryen, from the npm dev dependencies) over the result.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -p wasm-eventsource-npm --release --target wasm32-unknown-unknown --quiet
wasm-bindgen --target web --remove-name-section --remove-producers-section \
  --out-dir pkg --out-name wasm_eventsource \
  target/wasm32-unknown-unknown/release/wasm_eventsource_npm.wasm
npx --no-install wasm-opt -Oz --strip-debug --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/wasm_eventsource_bg.wasm -o pkg/wasm_eventsource_bg.wasm

size() { printf '%s bytes (%s gzipped)' "$(wc -c < "$1")" "$(gzip -9 -c "$1" | wc -c)"; }
printf '[build] pkg/wasm_eventsource_bg.wasm: %s\n' "$(size pkg/wasm_eventsource_bg.wasm)" >&2
