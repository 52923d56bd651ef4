#!/usr/bin/env bash
# Builds the test-host images from Debian's packages (no image registry is reachable here).
# Usage: build-host-images.sh BASE_TAG ADOPT_TAG BOOT2DOCKER_TAG WORKDIR
# Prints one progress line per step; fails loudly.
set -euo pipefail
base_tag=$1 adopt_tag=$2 b2d_tag=$3 work=$4
suite=bookworm
mirror=http://deb.debian.org/debian
rootfs="$work/rootfs"

step() { printf '[test-kit] %s\n' "$*"; }

rm -rf "$rootfs"
mkdir -p "$work"
step "debootstrap Debian 12 ($suite) into $rootfs (takes a minute or two)"
# rsync: the host's end of `berth scp --delta`.
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,openssh-server,sudo,curl,ca-certificates,iproute2,procps,kmod,rsync \
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

# boot2docker, as far as a provisioner sees it: its os-release, the login user `docker` with
# password-less sudo, no systemd unit for Docker but /etc/init.d/docker driven by
# /var/lib/boot2docker/profile (started at boot, as boot2docker does), and /usr/bin/sethostname.
step "build $b2d_tag from $adopt_tag"
b2d="$work/boot2docker"
rm -rf "$b2d"
mkdir -p "$b2d/files/usr/lib" "$b2d/files/etc/init.d" "$b2d/files/usr/bin" "$b2d/files/etc/systemd/system" \
  "$b2d/files/etc/sudoers.d" "$b2d/files/usr/local/sbin"
cat > "$b2d/files/usr/lib/os-release" <<'OSRELEASE'
NAME=Boot2Docker
VERSION=19.03.12
ID=boot2docker
ID_LIKE=tcl
VERSION_ID=19.03.12
PRETTY_NAME="Boot2Docker 19.03.12 (TCL 10.1)"
ANSI_COLOR="1;34"
HOME_URL="https://github.com/boot2docker/boot2docker"
OSRELEASE
cat > "$b2d/files/etc/init.d/docker" <<'INITD'
#!/bin/sh
# boot2docker-style control of dockerd: start|stop|restart|status, configured by the profile.
PROFILE=/var/lib/boot2docker/profile
PIDFILE=/var/run/docker.pid
LOG=/var/log/docker.log
EXTRA_ARGS='' DOCKER_HOST='' DOCKER_TLS=no DOCKER_STORAGE='' CACERT='' SERVERCERT='' SERVERKEY=''
# shellcheck disable=SC1090
[ -r "$PROFILE" ] && . "$PROFILE"

running() { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  if running; then echo 'Docker daemon is already running'; return 0; fi
  set -- -H unix:///var/run/docker.sock $DOCKER_HOST
  if [ "$DOCKER_TLS" != no ]; then
    set -- "$@" --tlsverify --tlscacert "$CACERT" --tlscert "$SERVERCERT" --tlskey "$SERVERKEY"
  fi
  [ -n "$DOCKER_STORAGE" ] && set -- "$@" --storage-driver "$DOCKER_STORAGE"
  rm -f "$PIDFILE"
  echo "$(date) starting dockerd $* $EXTRA_ARGS" >> "$LOG"
  # Its own session, with no descriptor of the caller's (an SSH channel, sudo's pty) kept open.
  # shellcheck disable=SC2086
  setsid "$(command -v dockerd)" "$@" $EXTRA_ARGS --pidfile "$PIDFILE" < /dev/null >> "$LOG" 2>&1 &
  i=0
  while [ "$i" -lt 60 ]; do
    if running && [ -S /var/run/docker.sock ]; then echo 'Docker daemon started'; return 0; fi
    kill -0 $! 2>/dev/null || break
    sleep 0.5; i=$((i + 1))
  done
  echo 'dockerd did not start:' >&2
  tail -n 10 "$LOG" >&2
  return 1
}

stop() {
  running || return 0
  kill "$(cat "$PIDFILE")"
  i=0
  while running && [ "$i" -lt 60 ]; do sleep 0.5; i=$((i + 1)); done
  if running; then echo 'dockerd did not stop' >&2; return 1; fi
}

case "$1" in
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  status)
    if running; then echo 'Docker daemon is running'; else echo 'Docker daemon is not running'; exit 1; fi ;;
  *) echo "Usage: $0 {start|stop|restart|status}" >&2; exit 2 ;;
esac
INITD
cat > "$b2d/files/usr/bin/sethostname" <<'SETHOSTNAME'
#!/bin/sh
# boot2docker's hostname command: the running system's name and /etc/hostname.
[ -n "$1" ] || { echo "Usage: $0 NAME" >&2; exit 2; }
hostname "$1" && echo "$1" > /etc/hostname
SETHOSTNAME
cat > "$b2d/files/etc/systemd/system/berth-boot2docker-docker.service" <<'UNIT'
[Unit]
Description=Docker daemon, started the boot2docker way (/etc/init.d/docker)
After=network.target containerd.service berth-testhost-unbind.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/etc/init.d/docker start
ExecStop=/etc/init.d/docker stop
TimeoutSec=120

[Install]
WantedBy=multi-user.target
UNIT
echo 'docker ALL=(ALL) NOPASSWD:ALL' > "$b2d/files/etc/sudoers.d/docker"
# The session puts its key in root's authorized_keys; `docker` logs in with the same keys.
cat > "$b2d/files/usr/local/sbin/berth-testhost-docker-keys" <<'KEYS'
#!/bin/sh
cat /root/.ssh/authorized_keys 2>/dev/null || true
KEYS
# Appended to sshd_config: a Match block ends only at the end of the file.
printf 'Match User docker\n  AuthorizedKeysCommand /usr/local/sbin/berth-testhost-docker-keys\n  AuthorizedKeysCommandUser root\n' \
  > "$b2d/sshd-match.conf"
cat > "$b2d/Dockerfile" <<DOCKERFILE
FROM $adopt_tag
# Before Debian's /etc/init.d/docker is replaced: disabling syncs the SysV links through it.
RUN systemctl --root=/ disable docker.service docker.socket >/dev/null 2>&1 \\
 && systemctl --root=/ mask docker.service docker.socket >/dev/null 2>&1
COPY files/ /
COPY sshd-match.conf /tmp/
RUN cat /tmp/sshd-match.conf >> /etc/ssh/sshd_config && rm /tmp/sshd-match.conf \\
 && chmod 0755 /etc/init.d/docker /usr/bin/sethostname /usr/local/sbin/berth-testhost-docker-keys \\
 && chmod 0440 /etc/sudoers.d/docker \\
 && { getent group docker >/dev/null || groupadd --system docker; } \\
 && useradd -m -s /bin/sh -g docker -G sudo docker \\
 && install -d -m 0700 -o docker -g docker /home/docker/.ssh \\
 && mkdir -p /var/lib/boot2docker \\
 && systemctl --root=/ enable berth-boot2docker-docker.service >/dev/null 2>&1
LABEL berth.testkit.image=$b2d_tag
DOCKERFILE
DOCKER_BUILDKIT=0 docker build --network none --force-rm --quiet --tag "$b2d_tag" "$b2d" > "$work/boot2docker-build.log" 2>&1 \
  || { tail -20 "$work/boot2docker-build.log"; exit 1; }
rm -rf "$b2d"
step "host images ready"
