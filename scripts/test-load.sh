#!/usr/bin/env bash
# Runs the browser suite (Chromium, or BROWSER=firefox / webkit) with the CPU saturated: two
# busy processes beside it on this 2-core machine, as CI machines often are. The suite waits
# on conditions, not on time, so it must pass like this too. Expects what `npm test` builds
# (pkg/, the test server) to be in place.
set -euo pipefail
cd "$(dirname "$0")/.."

busy=()
for _ in 1 2; do
  node -e 'for (;;);' &
  busy+=("$!")
done
trap 'kill "${busy[@]}" 2>/dev/null || true' EXIT

if [ "${BROWSER:-chromium}" = webkit ]; then
  xvfb-run -a node --test --test-concurrency=1 tests/browser/
else
  node --test --test-concurrency=1 tests/browser/
fi
