#!/usr/bin/env bash
# Builds the npm package's WebAssembly: a release wasm32 build of binding/ (plain exports, no
# imports), then wasm-opt -Oz (binaryen, from the npm dev dependencies) into pkg/; the parser
# alone cut from it into pkg/wasm_parser.wasm; and both deflated into the JavaScript modules
# the package carries them in (scripts/inline-wasm.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -p wasm-eventsource-npm --release --target wasm32-unknown-unknown --quiet
# Wherever cargo puts its output (CARGO_TARGET_DIR, a config file), it says so here.
target_dir=$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).target_directory))')
mkdir -p pkg
rm -f pkg/wasm_eventsource.js pkg/wasm_eventsource.d.ts pkg/wasm_eventsource_bg.wasm pkg/wasm_eventsource_bg.wasm.d.ts
features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals
  --enable-simd --enable-multivalue)
npx --no-install wasm-opt -Oz --strip-debug --strip-producers --strip-target-features "${features[@]}" \
  "$target_dir/wasm32-unknown-unknown/release/wasm_eventsource_npm.wasm" -o pkg/wasm_eventsource.wasm
# A page that uses parseEvents and not the class needs only the parser's exports: wasm-metadce
# removes the others and the code only they reach (the engine, the retry policy), and a second
# -Oz pass tidies what is left (12.6 KB against 22.2 KB; 6.1 KB gzipped against 10.8 KB).
parser_only=$(mktemp)
trap 'rm -f "$parser_only"' EXIT
npx --no-install wasm-metadce "${features[@]}" -f scripts/parser-exports.json pkg/wasm_eventsource.wasm -o "$parser_only" >/dev/null
npx --no-install wasm-opt -Oz "${features[@]}" "$parser_only" -o pkg/wasm_parser.wasm

size() { printf '%s bytes (%s gzipped)' "$(wc -c < "$1")" "$(gzip -9 -c "$1" | wc -c)"; }
for module in pkg/wasm_eventsource.wasm pkg/wasm_parser.wasm; do
  printf '[build] %s: %s\n' "$module" "$(size "$module")" >&2
done
node scripts/inline-wasm.mjs
