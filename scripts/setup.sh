#!/usr/bin/env bash
# Installs what a fresh machine lacks for building and testing wasm-eventsource.
# Idempotent: every step checks first and does nothing when already satisfied.
# `setup.sh demo` installs only what the demo needs (the wasm32 target and the npm
# dependencies, for wasm-opt); `setup.sh` installs everything the tests need too.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }

# The wasm-bindgen CLI must match the version the workspace pins with `=` exactly.
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen *= *{ *version *= *"=\([^"]*\)".*/\1/p; s/^wasm-bindgen *= *"=\([^"]*\)".*/\1/p' Cargo.toml | head -n 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "wasm32-unknown-unknown target present"
  else
    log "adding wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_wasm_bindgen_cli() {
  local want have
  want=$(wasm_bindgen_version)
  [ -n "$want" ] || { echo "cannot read the pinned wasm-bindgen version from Cargo.toml" >&2; exit 1; }
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" = "$want" ]; then
    log "wasm-bindgen-cli $want present"
  else
    log "installing wasm-bindgen-cli $want (found '${have:-none}'; takes a few minutes)"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

# The browsers the tests run in: Chromium with its driver, Firefox ESR, and WebKitGTK's
# MiniBrowser with WebKitWebDriver, which needs a display (Xvfb).
ensure_browsers() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  [ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
  [ -x /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser ] || missing+=(libwebkit2gtk-4.1-0)
  command -v xvfb-run >/dev/null || missing+=(xvfb)
  if [ ${#missing[@]} -eq 0 ]; then
    log "chromium, firefox-esr, webkit2gtk-driver and xvfb present"
  else
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# The server tests start their own redis-server on a loopback port (the system service
# is not started, nor needed).
ensure_redis_server() {
  if command -v redis-server >/dev/null; then
    log "redis-server present"
  else
    log "installing redis-server"
    as_root apt-get update -qq
    # RUNLEVEL=1 keeps the package from starting its service.
    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 as_root apt-get install -y -qq redis-server >/dev/null
  fi
}

# geckodriver lets wasm-bindgen-test drive Firefox (a cargo install of about four minutes, once).
GECKODRIVER_VERSION=0.37.1
ensure_geckodriver() {
  if [ "$(geckodriver --version 2>/dev/null | awk 'NR == 1 { print $2 }')" = "$GECKODRIVER_VERSION" ]; then
    log "geckodriver $GECKODRIVER_VERSION present"
  else
    log "installing geckodriver $GECKODRIVER_VERSION"
    cargo install geckodriver --version "$GECKODRIVER_VERSION"
  fi
}

# The npm dev dependencies of the directory $1 (the root's, or the bundlers the package test
# builds with, in tests/bundlers/), from its lockfile.
ensure_npm_deps() {
  local dir=$1
  if [ -d "$dir/node_modules" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    log "npm dev dependencies present in $dir"
  else
    log "installing npm dev dependencies in $dir"
    # Cached packages are used as they are, and a download that stalls is dropped after a
    # minute and tried again (npm waits five minutes by default, then retries twice: a run once
    # sat 15 minutes on one stalled registry connection).
    (cd "$dir" && npm ci --prefer-offline --fetch-timeout=60000 --fetch-retries=5 --no-audit --no-fund --loglevel=error)
  fi
}

ensure_wasm_target
if [ "${1:-all}" != demo ]; then
  ensure_browsers
  ensure_wasm_bindgen_cli
  ensure_geckodriver
fi
ensure_npm_deps .
[ "${1:-all}" = demo ] || ensure_npm_deps tests/bundlers
# Only the tests need redis-server (`setup.sh demo`, where the demo asks for its own needs,
# does not).
[ "${1:-all}" = demo ] || ensure_redis_server
log "done"
