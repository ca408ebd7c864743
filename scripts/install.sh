#!/usr/bin/env bash
# Installs what Tikar needs on a fresh Debian / Raspberry Pi OS machine, then the npm packages.
#   scripts/install.sh          the gateway (Node.js, build tools for sqlite3)
#   scripts/install.sh --test   also what the test suite drives for real: mosquitto, socat, chromium, postgresql
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(ca-certificates python3 make g++)
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then packages+=(nodejs npm); fi
if [ "${1:-}" = "--test" ]; then packages+=(mosquitto socat chromium postgresql); fi

echo "tikar install: apt packages: ${packages[*]}" >&2
as_root apt-get update -q
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${packages[@]}"

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "tikar install: Node.js $(node -v) is too old; Tikar needs Node.js 20 or newer (Debian 13 / Raspberry Pi OS trixie ship it)." >&2
  exit 1
fi

echo "tikar install: npm packages" >&2
npm ci --no-audit --no-fund
