#!/usr/bin/env bash
# Builds the test-host images from Debian's packages (no image registry is reachable here).
# Usage: build-host-images.sh BASE_TAG ADOPT_TAG WORKDIR
# Prints one progress line per step; fails loudly.
set -euo pipefail
base_tag=$1 adopt_tag=$2 work=$3
suite=bookworm
mirror=http://deb.debian.org/debian
rootfs="$work/rootfs"

step() { printf '[test-kit] %s\n' "$*"; }

rm -rf "$rootfs"
mkdir -p "$work"
step "debootstrap Debian 12 ($suite) into $rootfs (takes a minute or two)"
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,openssh-server,sudo,curl,ca-certificates,iproute2,procps,kmod \
  "$suite" "$rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }

step "configure users, sshd and boot units"
chroot "$rootfs" useradd -m -s /bin/bash -G sudo berth
echo 'berth ALL=(ALL) NOPASSWD:ALL' > "$rootfs/etc/sudoers.d/berth"
chmod 0440 "$rootfs/etc/sudoers.d/berth"
for home in "$rootfs/root" "$rootfs/home/berth"; do install -d -m 0700 "$home/.ssh"; done
chroot "$rootfs" chown berth:berth /home/berth/.ssh
printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\nUseDNS no\n' > "$rootfs/etc/ssh/sshd_config.d/berth-testhost.conf"

# Docker bind-mounts /etc/hosts, /etc/hostname and /etc/resolv.conf; on a VM they are plain
# files that a provisioner edits in place (sed -i renames, which a bind mount refuses). The
# first boot keeps Docker's content; later boots keep what the host itself wrote.
install -m 0755 /dev/stdin "$rootfs/usr/local/sbin/berth-testhost-unbind" <<'UNBIND'
#!/bin/sh
seeded=/var/lib/berth-testhost/seeded
for f in /etc/hosts /etc/hostname /etc/resolv.conf; do
  if grep -q " $f " /proc/self/mountinfo; then
    [ -e "$seeded" ] || cp "$f" "/run/berth-seed.$(basename "$f")"
    umount "$f"
    [ -e "$seeded" ] || cat "/run/berth-seed.$(basename "$f")" > "$f"
  fi
done
# Nothing leaves the machine: test hosts resolve no outside names.
[ -e "$seeded" ] || printf '# berth test host: no DNS resolver\n' > /etc/resolv.conf
hostname -F /etc/hostname
mkdir -p /var/lib/berth-testhost && touch "$seeded"
UNBIND
cat > "$rootfs/etc/systemd/system/berth-testhost-unbind.service" <<'UNIT'
[Unit]
Description=Turn Docker's bind-mounted /etc files into plain files
DefaultDependencies=no
After=local-fs.target
Before=sysinit.target systemd-hostnamed.service ssh.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/berth-testhost-unbind
RemainAfterExit=yes

[Install]
WantedBy=sysinit.target
UNIT
# Every host gets its own SSH host keys (host-key pinning is tested against them).
rm -f "$rootfs"/etc/ssh/ssh_host_*
cat > "$rootfs/etc/systemd/system/berth-testhost-hostkeys.service" <<'UNIT'
[Unit]
Description=Generate this host's own SSH host keys
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
UNIT
# A container has no power to cut: a power-off ends PID 1 with status 0, so the container's
# restart policy (on-failure) leaves it stopped, while a reboot (status 129) brings it back.
mkdir -p "$rootfs/etc/systemd/system/systemd-poweroff.service.d"
printf '[Unit]\nSuccessAction=exit-force\nSuccessActionExitStatus=0\n' \
  > "$rootfs/etc/systemd/system/systemd-poweroff.service.d/berth-testhost.conf"
chroot "$rootfs" systemctl enable berth-testhost-unbind.service berth-testhost-hostkeys.service >/dev/null 2>&1
: > "$rootfs/etc/machine-id"
rm -f "$rootfs/var/lib/dbus/machine-id"

step "cache docker.io and its dependencies in the image's apt cache"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
chroot "$rootfs" apt-get install -y -q --download-only --no-install-recommends docker.io > "$work/apt.log" 2>&1 \
  || { tail -20 "$work/apt.log"; exit 1; }
printf '# berth test host: no DNS resolver\n' > "$rootfs/etc/resolv.conf"

import_rootfs() {
  tar -C "$rootfs" -c . | docker import \
    --change 'CMD ["/sbin/init"]' --change 'ENV container=docker' \
    --change "LABEL berth.testkit.image=$1" - "$1" > /dev/null
}
rm -f "$rootfs/usr/sbin/policy-rc.d"
step "import $base_tag"
import_rootfs "$base_tag"

step "install docker.io for the adopt variant"
printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get install -y -q --no-download --no-install-recommends docker.io \
  > "$work/apt-adopt.log" 2>&1 || { tail -20 "$work/apt-adopt.log"; exit 1; }
chroot "$rootfs" systemctl enable docker.service docker.socket >/dev/null 2>&1
rm -f "$rootfs/usr/sbin/policy-rc.d"
step "import $adopt_tag"
import_rootfs "$adopt_tag"
rm -rf "$rootfs"
step "host images ready"
