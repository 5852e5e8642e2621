#!/usr/bin/env bash
# The long endurance run: the browser endurance tests at full size (10,000 open/close
# cycles, a 1,000,000-event stream, 100,000 events over 200 drops), then 5 minutes of
# fuzzing per target. The test command runs the same tests at quick sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh
cargo build --quiet -p sse-test-server
SOAK=1 node --test tests/browser/endurance.test.mjs
bash scripts/fuzz.sh "${FUZZ_SECONDS:-300}"
