#!/usr/bin/env bash
# Installs what a fresh machine lacks for building and testing wasm-eventsource.
# Idempotent: every step checks first and does nothing when already satisfied.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }

# The wasm-bindgen CLI must match the version the npm binding crate pins with `=` exactly.
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen *= *{ *version *= *"=\([^"]*\)".*/\1/p; s/^wasm-bindgen *= *"=\([^"]*\)".*/\1/p' binding/Cargo.toml | head -n 1
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
  [ -n "$want" ] || { echo "cannot read the pinned wasm-bindgen version from binding/Cargo.toml" >&2; exit 1; }
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" = "$want" ]; then
    log "wasm-bindgen-cli $want present"
  else
    log "installing wasm-bindgen-cli $want (found '${have:-none}'; takes a few minutes)"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    log "chromium and chromedriver present"
  else
    log "installing chromium and chromium-driver"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

ensure_npm_deps() {
  if [ -f package-lock.json ] && [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    log "npm dev dependencies present"
  elif [ -f package-lock.json ]; then
    log "installing npm dev dependencies"
    npm ci --no-audit --no-fund --loglevel=error
  else
    npm install --no-audit --no-fund --loglevel=error
  fi
}

ensure_wasm_target
ensure_chromium
ensure_wasm_bindgen_cli
ensure_npm_deps
log "done"
