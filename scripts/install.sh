#!/usr/bin/env bash
# Installs what Tikar needs on a fresh Debian / Raspberry Pi OS machine, then the npm packages.
#   scripts/install.sh          the gateway (Node.js, build tools for sqlite3), then builds dist/
#   scripts/install.sh --test   also what the test suite drives for real: mosquitto, socat, chromium, postgresql, and
#                               the AVR toolchain that builds the mat board's StandardFirmata (scripts/build-firmata.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(ca-certificates python3 make g++)
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then packages+=(nodejs npm); fi
if [ "${1:-}" = "--test" ]; then packages+=(mosquitto socat chromium postgresql gcc-avr avr-libc arduino-core-avr arduino-mk); fi

# Another apt run (unattended-upgrades on a fresh Pi, a package manager window) holds the dpkg lock:
# wait for it, up to 10 minutes, instead of failing at once.
lock_wait=(-o DPkg::Lock::Timeout=600)

echo "tikar install: apt packages: ${packages[*]} (waits up to 10 min if another apt run holds the lock)" >&2
as_root apt-get "${lock_wait[@]}" update -q
DEBIAN_FRONTEND=noninteractive as_root apt-get "${lock_wait[@]}" install -y -q --no-install-recommends "${packages[@]}"

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "tikar install: Node.js $(node -v) is too old; Tikar needs Node.js 20 or newer (Debian 13 / Raspberry Pi OS trixie ship it)." >&2
  exit 1
fi

echo "tikar install: npm packages" >&2
npm ci --no-audit --no-fund
# The product runs only as built JavaScript (dist/); nothing is compiled while a command runs.
echo "tikar install: build" >&2
npm run build
