#!/usr/bin/env bash
# Installs what is missing and runs every check and test: formatting, lints, UI unit tests,
# Rust unit tests, the real-codex integration tests, and the end-to-end test in a real window.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

step() { printf '\n\033[1;36m=== %s\033[0m\n' "$*"; }

step "set-up"
bash scripts/setup.sh --e2e

step "rust formatting"
cargo fmt --all -- --check

step "the core crate does not depend on tauri"
if cargo tree -p codex-desk-core -e normal --prefix none | grep -Eq '^tauri'; then
  echo "codex-desk-core depends on tauri:"; cargo tree -p codex-desk-core -i tauri; exit 1
fi
echo "ok"

step "UI lint and typecheck"
npm run lint

step "UI unit tests"
npm run test:ui

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "rust tests: core, protocol drift, real codex integration (private test keychain)"
cargo build -p codex-desk-test-support -p codex-desk-tests --bins
bash scripts/with-test-keychain.sh cargo test

step "build the app (debug, UI embedded)"
npx tauri build --debug --no-bundle

step "end-to-end in a real window (Xvfb + WebDriver + private test keychain)"
rm -rf tests/e2e/artifacts
bash scripts/with-test-keychain.sh xvfb-run -a -s "-screen 0 1280x900x24" node --test tests/e2e/
echo "screenshots: tests/e2e/artifacts/"

step "benchmarks, short mode (fail only when ten times over budget; full numbers: npm run bench:all)"
cargo run --release -q -p codex-desk-core --example store_bench -- --quick
bash scripts/bench-window.sh --quick
