/**
 * What `--engine-install-url` serves to test hosts: it installs Docker from the packages cached
 * in the host image, as get.docker.com would from the internet, and fails loudly if it cannot.
 */
export const INSTALL_SCRIPT = `#!/bin/sh
# Berth test kit engine installer: installs Debian's docker.io from this host's apt cache.
set -e
fail() { echo "berth test-kit install script: $*" >&2; exit 1; }
sh_c='sh -c'
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "not root and no sudo"
  sh_c='sudo -E sh -c'
fi
if command -v dockerd >/dev/null 2>&1; then
  echo "Docker is already installed: $(dockerd --version)"
  exit 0
fi
ls /var/cache/apt/archives/docker.io_*.deb >/dev/null 2>&1 || fail "docker.io is not in the apt cache of this host"
echo "# Installing docker.io from the local apt cache"
$sh_c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-download --no-install-recommends docker.io' \\
  || fail "apt-get install docker.io failed"
$sh_c 'systemctl enable --now docker.service' || fail "could not start docker.service"
echo "# Docker installed: $(dockerd --version)"
`;
