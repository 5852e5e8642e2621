#!/usr/bin/env bash
# Builds the npm package's WebAssembly: a release wasm32 build of binding/ (plain exports, no
# imports), then wasm-opt -Oz (binaryen, from the npm dev dependencies) into pkg/, and the same
# module deflated into pkg/wasm_inline.js, which the package's entry carries.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -p wasm-eventsource-npm --release --target wasm32-unknown-unknown --quiet
# Wherever cargo puts its output (CARGO_TARGET_DIR, a config file), it says so here.
target_dir=$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).target_directory))')
mkdir -p pkg
rm -f pkg/wasm_eventsource.js pkg/wasm_eventsource.d.ts pkg/wasm_eventsource_bg.wasm pkg/wasm_eventsource_bg.wasm.d.ts
npx --no-install wasm-opt -Oz --strip-debug --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-simd --enable-multivalue \
  "$target_dir/wasm32-unknown-unknown/release/wasm_eventsource_npm.wasm" -o pkg/wasm_eventsource.wasm

size() { printf '%s bytes (%s gzipped)' "$(wc -c < "$1")" "$(gzip -9 -c "$1" | wc -c)"; }
printf '[build] pkg/wasm_eventsource.wasm: %s\n' "$(size pkg/wasm_eventsource.wasm)" >&2
node scripts/inline-wasm.mjs
