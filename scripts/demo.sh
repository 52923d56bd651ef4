#!/usr/bin/env bash
# README command 1: set up and run Berth's main job end to end on a local sandbox host.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/demo.mjs
