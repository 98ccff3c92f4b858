#!/usr/bin/env bash
# Runs a command with a private, unlocked keychain: a fresh D-Bus session with gnome-keyring's
# Secret Service whose files live in a throw-away folder. Tests that store secrets run in here,
# never against the keychain of the person running them.
#   bash scripts/with-test-keychain.sh cargo test
set -euo pipefail
if [ "${1:-}" = "--inner" ]; then
  shift
  # gnome-keyring creates the "login" collection on first unlock, with this password.
  eval "$(printf 'codex-desk-test' | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL CODEX_DESK_TEST_KEYCHAIN=1
  exec "$@"
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || { echo "with-test-keychain: $tool is missing (run scripts/setup.sh --e2e)" >&2; exit 1; }
done
keyring_home=$(mktemp -d "${TMPDIR:-/tmp}/codex-desk-keyring.XXXXXX")
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data" XDG_CONFIG_HOME="$keyring_home/config" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- bash "$0" --inner "$@"
