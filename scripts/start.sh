#!/usr/bin/env bash
# Installs what is missing (system packages when root/sudo, npm packages, the pinned codex)
# and launches Codex Desk in development mode.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx tauri dev
