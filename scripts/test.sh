#!/usr/bin/env bash
# README command 2: set up, build, lint and run every test (unit and end-to-end on real test hosts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The cloud-init seed tests read Berth's ISO images with the real tools, and its YAML with PyYAML (what cloud-init parses with).
if ! command -v isoinfo >/dev/null 2>&1 || ! command -v xorriso >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import yaml' >/dev/null 2>&1; then
  printf '==> %s\n' "installing xorriso, genisoimage and python3-yaml from the distribution"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q xorriso genisoimage python3-yaml
fi
printf '==> lint (biome)\n'
npx biome ci --colors=off .
printf '==> import rules (scripts/check-imports.mjs)\n'
node scripts/check-imports.mjs
printf '==> type-check the tests (tsconfig.test.json)\n'
npx tsc -p tsconfig.test.json
printf '==> tests (vitest: unit + e2e)\n'
report=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$report" || true
rm -f "$report"
exit "$status"
