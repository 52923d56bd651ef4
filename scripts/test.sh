#!/usr/bin/env bash
# README command 2: set up, build, lint and run every test (unit and end-to-end on real test hosts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Tools the tests use from Debian: isoinfo/xorriso (the seed ISO is read with the real tools),
# PyYAML (what cloud-init parses user-data with), qemu and qemu-img (the qemu driver's real VMs),
# OpenSSH's client, sshfs and rsync (`berth ssh`, `mount`, `scp --delta`), bash, zsh and fish (the
# completion scripts run in them), docker-credential-pass with pass and gpg (a real credential helper).
test_tools() {
  command -v isoinfo && command -v xorriso && command -v qemu-system-x86_64 && command -v qemu-img &&
    /usr/bin/python3 -c 'import yaml' && command -v ssh && command -v sshfs && command -v rsync &&
    command -v zsh && command -v fish && command -v docker-credential-pass && command -v pass && command -v gpg
}
if ! test_tools >/dev/null 2>&1; then
  printf '==> %s\n' "installing the test tools from the distribution"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd flock /tmp/apt.lock apt-get install -y -q --no-install-recommends \
    xorriso genisoimage python3-yaml qemu-system-x86 qemu-utils openssh-client sshfs rsync zsh fish \
    golang-docker-credential-helpers pass gnupg
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
