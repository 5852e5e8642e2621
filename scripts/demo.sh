#!/usr/bin/env bash
# Runs the demo. For now it sets up and builds the package; the demo server and page
# that show the client side by side with the native EventSource come in a later release.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh
echo "[demo] the package is built in pkg/ and js/; the interactive demo page is not part of this release yet."
