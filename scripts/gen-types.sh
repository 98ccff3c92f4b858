#!/usr/bin/env bash
# Regenerates the TypeScript types the UI shares with the backend:
#   ui/src/generated/desk/   our own DTOs (ts-rs, from src-tauri/crates/protocol)
#   ui/src/generated/codex/  codex's app-server protocol, from the pinned codex binary
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf ui/src/generated/desk ui/src/generated/codex
cargo run -q -p codex-desk-protocol --bin export-ts -- ui/src/generated/desk
codex_bin=$(node scripts/codex-path.mjs)
"$codex_bin" app-server generate-ts --out ui/src/generated/codex
echo "types written to ui/src/generated/"
