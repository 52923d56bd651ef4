#!/usr/bin/env bash
# README command 2: set up, build, lint and run every test (unit and end-to-end on real test hosts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
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
