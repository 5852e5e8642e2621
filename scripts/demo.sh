#!/usr/bin/env bash
# Runs the demo: installs what it needs and is missing (not the browsers and drivers the
# tests use), builds the package and the demo server, then
# serves www/ and the demo streams on 127.0.0.1 (port 8080, or $PORT; 0 picks a free one).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh demo
bash scripts/build.sh
cargo build --quiet -p wasm-eventsource-demo
exec target/debug/wasm-eventsource-demo --root . "$@"
