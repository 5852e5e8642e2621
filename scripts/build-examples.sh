#!/usr/bin/env bash
# Builds the Leptos and Yew example apps in release into examples/<app>/dist, which the
# demo server serves at /examples/leptos/ and /examples/yew/ (and the tests use).
set -euo pipefail
cd "$(dirname "$0")/.."

for app in leptos-app yew-app; do
  crate=${app//-/_}
  cargo build --release --target wasm32-unknown-unknown --quiet -p "$app"
  wasm-bindgen --target web --out-dir "examples/$app/dist" --out-name "$crate" \
    "target/wasm32-unknown-unknown/release/$crate.wasm"
  cp "examples/$app/index.html" "examples/$app/dist/index.html"
  printf '[examples] %s: %s bytes of wasm\n' "$app" "$(wc -c < "examples/$app/dist/${crate}_bg.wasm")"
done
