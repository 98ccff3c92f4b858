#!/usr/bin/env bash
# Installs everything Codex Desk needs on a fresh machine, skipping what is already there.
#   - Debian/Ubuntu system packages (when run as root or with sudo)
#   - npm dependencies (including the pinned @openai/codex)
#   - tauri-driver (only with --e2e)
set -euo pipefail
cd "$(dirname "$0")/.."

want_e2e=0
for arg in "$@"; do
  case "$arg" in
    --e2e) want_e2e=1 ;;
  esac
done

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

BUILD_PKGS=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config)
TEST_PKGS=(xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring libsecret-tools imagemagick)

install_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      log "missing system packages: ${missing[*]} (run as root or install them yourself)"; return 0
    fi
  fi
  log "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if command -v apt-get >/dev/null 2>&1; then
  if [ $want_e2e -eq 1 ]; then install_apt "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"; else install_apt "${BUILD_PKGS[@]}"; fi
elif [ "$(uname)" = "Linux" ]; then
  log "not a Debian/Ubuntu system: install webkit2gtk-4.1 and its build dependencies yourself (see README)"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

if [ $want_e2e -eq 1 ] && ! command -v tauri-driver >/dev/null 2>&1; then
  log "installing tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0
fi
log "done"
