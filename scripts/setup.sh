#!/usr/bin/env bash
# Shared setup for the two README commands: Node >= 20.19, npm dependencies, build.
# Idempotent: a second run only checks. The test kit installs Docker and debootstrap itself.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok; then
  say "installing Node.js and npm from the distribution"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q nodejs npm
  node_ok || { echo "Berth needs Node.js >= 20.19; this system has $(node --version 2>/dev/null || echo none). Install a newer Node.js and run again." >&2; exit 1; }
fi
say "node $(node --version), npm $(npm --version)"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm install, not npm ci: npm 11 leaves other platforms' optional packages (Biome's
  # binaries) out of the lock file and npm ci then refuses it. install follows the lock as is.
  say "npm install (from package-lock.json)"
  npm install --no-fund --no-audit --loglevel=error
fi
say "build (tsc -b, then the CLI bundle)"
npx tsc -b
node scripts/bundle.mjs
