#!/usr/bin/env bash
# The window benchmark (tests/bench/window.bench.mjs) against the release app: builds what it
# needs, then runs inside a private D-Bus/keychain and Xvfb. Pass --quick for the CI mode.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo build -p codex-desk-tests --bin seed-session
cargo build -p codex-desk-test-support --bin mock-model
npx tauri build --no-bundle
bash scripts/with-test-keychain.sh xvfb-run -a -s "-screen 0 1280x900x24" node tests/bench/window.bench.mjs "$@"
