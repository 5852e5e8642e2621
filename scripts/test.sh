#!/usr/bin/env bash
# Runs every check CI runs: set-up, formatting, lints (native and wasm32), native tests,
# the wasm build, the JavaScript tests and the browser tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

step() {
  printf '\n== %s\n' "$1"
  shift
  "$@" 2>&1 | tee -a "$log"
}

bash scripts/setup.sh
step "format" cargo fmt --all -- --check
# The example apps are browser-only; they are linted for wasm32 only.
examples=(--exclude leptos-app --exclude yew-app --exclude example-shared)
step "clippy (native)" cargo clippy --workspace "${examples[@]}" --all-targets --all-features --quiet -- -D warnings
# Benchmarks are native-only, so the wasm32 lint covers the library and its tests.
step "clippy (wasm32)" cargo clippy -p wasm-eventsource --lib --tests --all-features \
  --target wasm32-unknown-unknown --quiet -- -D warnings
# The npm binding links the crate without its browser feature, and so without std (it has a
# panic handler of its own, which std's would clash with).
step "clippy (wasm32, npm binding: no std)" cargo clippy -p wasm-eventsource -p wasm-eventsource-npm --lib \
  --no-default-features --target wasm32-unknown-unknown --quiet -- -D warnings
step "clippy (examples, wasm32)" cargo clippy -p leptos-app -p yew-app -p example-shared \
  --target wasm32-unknown-unknown --quiet -- -D warnings
# The hooks as an SSR app builds them: Leptos's ssr and Yew's ssr on the server (nothing
# connects there), Leptos's hydrate and Yew's hydration in the browser. About 3 minutes on
# a clean clone, seconds after that.
for hooks in "leptos,leptos/ssr" "yew,yew/ssr" "leptos,leptos/hydrate --target wasm32-unknown-unknown" \
  "yew,yew/hydration --target wasm32-unknown-unknown"; do
  # shellcheck disable=SC2086 # the target flag is split on purpose
  step "clippy (hooks: $hooks)" cargo clippy -p wasm-eventsource --lib --features $hooks --quiet -- -D warnings
done
step "docs (all features, warnings denied)" env RUSTDOCFLAGS="-D warnings" \
  cargo doc --no-deps --all-features --target wasm32-unknown-unknown --quiet -p wasm-eventsource
# The server module is native-only, so its docs are checked for the host too.
step "docs (native: server and client features)" env RUSTDOCFLAGS="-D warnings" \
  cargo doc --no-deps --features redis,native --quiet -p wasm-eventsource
step "native tests" cargo test --workspace "${examples[@]}" --all-features --quiet
# The doc examples of browser-only items (EventSource on wasm32, the hooks) compile only for
# wasm32: cargo compiles every doc example for it (they run natively above).
step "doc examples (wasm32, compiled)" cargo test --doc --target wasm32-unknown-unknown --all-features \
  -p wasm-eventsource --quiet
step "fuzzing, short run (npm run fuzz for longer)" bash scripts/fuzz.sh 15
step "wasm build" bash scripts/build.sh
step "test and demo server build" cargo build --quiet -p sse-test-server -p wasm-eventsource-demo
step "server example builds (each node of the two-node test; the LLM proxy the hook tests go through)" \
  cargo build --quiet --example axum_server --example llm_proxy --features redis,native
step "example apps build (release)" bash scripts/build-examples.sh
step "TypeScript declarations (DOM)" npx --no-install tsc -p tests/types/tsconfig.json
step "TypeScript declarations (Node-only: no DOM library)" npx --no-install tsc -p tests/types/node/tsconfig.json
step "JavaScript tests (Node)" node --test tests/js/
step "JavaScript tests (Deno)" env NO_COLOR=1 node_modules/.bin/deno test --quiet --no-check --allow-read --allow-net=127.0.0.1 tests/js/
step "JavaScript tests (Bun)" node_modules/.bin/bun test tests/js/
# Two server nodes on one Redis, behind a balancer that cuts connections: about a minute.
step "two server nodes sharing one Redis (JS client, Node)" node --test tests/cluster/
# Every mainstream bundler builds the packed tarball (about a minute).
step "bundlers: the tarball built by esbuild, Rollup, webpack, Parcel, Vite and Next.js (headless Chromium)" \
  node --test --test-concurrency=1 tests/bundlers/
step "EventSource tests (headless Chromium)" node --test --test-concurrency=1 tests/browser/
# The same suite in the other engines (the tests that need Chromium's DevTools protocol skip).
step "EventSource tests (headless Firefox ESR)" env BROWSER=firefox node --test --test-concurrency=1 tests/browser/
step "EventSource tests (WebKitGTK under Xvfb)" xvfb-run -a env BROWSER=webkit node --test --test-concurrency=1 tests/browser/
step "benchmark smoke run (tiny sizes)" node benches/run.mjs --smoke
test -s test-results/bench-smoke/BENCHMARKS.md && test -s test-results/bench-smoke/ratios.svg
# The runner's timeout covers the whole run, which includes a 100,000-event resume test.
wasm_tests=(cargo test --target wasm32-unknown-unknown --all-features --test browser_core --test browser_source)
step "wasm tests (headless Chromium)" env WASM_BINDGEN_TEST_TIMEOUT=300 bash scripts/with-test-server.sh "${wasm_tests[@]}"
step "wasm tests (headless Firefox ESR)" env -u CHROMEDRIVER GECKODRIVER="$(command -v geckodriver)" \
  WASM_BINDGEN_TEST_TIMEOUT=300 bash scripts/with-test-server.sh "${wasm_tests[@]}"
step "wasm tests (WebKitGTK under Xvfb)" xvfb-run -a env -u CHROMEDRIVER SAFARIDRIVER=/usr/bin/WebKitWebDriver \
  WASM_BINDGEN_TEST_TIMEOUT=300 bash scripts/with-test-server.sh "${wasm_tests[@]}"

# One closing line for the whole run, summed over every runner above.
# (cargo's "test result: ok. N", node's "# pass N", Deno's "ok | N passed", Bun's " N pass").
passed=$(grep -hoE '(test result: ok\. |^# pass |^ok \| )[0-9]+|^ [0-9]+ pass$' "$log" | grep -oE '[0-9]+' | awk '{ sum += $1 } END { print sum + 0 }')
printf '\nall checks: %s passed, 0 failed\n' "$passed"
