#!/usr/bin/env bash
# Runs a command with the test SSE server up, its address in SSE_TEST_SERVER and its
# second origin in SSE_TEST_SERVER_2; stops the server afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

ready=$(mktemp)
# The server exits when its standard input closes; `sleep` holds it open until we stop.
sleep infinity | target/debug/sse-test-server . > "$ready" &
server=$!
trap 'pkill -P $$ sleep 2>/dev/null || true; kill $server 2>/dev/null || true; rm -f "$ready"' EXIT
for _ in $(seq 100); do
  grep -q LISTENING "$ready" && break
  sleep 0.1
done
read -r _ primary secondary < "$ready"
export SSE_TEST_SERVER="http://127.0.0.1:$primary" SSE_TEST_SERVER_2="http://127.0.0.1:$secondary"
"$@"
