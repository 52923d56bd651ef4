#!/usr/bin/env bash
# Builds a bootable Debian 12 disk for qemu e2e tests from Debian's packages (no image registry is
# reachable here): an unpartitioned ext4 root holding the cloud kernel, systemd, sshd, cloud-init
# (NoCloud only) and docker.io, converted to qcow2, with the kernel and initrd beside it for
# qemu's direct kernel boot.
# Why no bootloader: extlinux/grub-install need a block device, and this container may not use
# loop devices; `mkfs.ext4 -d` makes the file system from a directory without mounting anything.
# Usage: build-qemu-debian12.sh OUT_DIR WORKDIR
# Writes OUT_DIR/{disk.qcow2,vmlinuz,initrd.img}; prints one progress line per step; fails loudly.
set -euo pipefail
out=$1 work=$2
suite=bookworm
mirror=http://deb.debian.org/debian
rootfs="$work/rootfs"
disk_size=6G

step() { printf '[test-kit] %s\n' "$*"; }
in_root() { DEBIAN_FRONTEND=noninteractive chroot "$rootfs" "$@"; }

rm -rf "$rootfs" "$out.tmp"
mkdir -p "$work" "$out.tmp"
step "debootstrap Debian 12 ($suite) into $rootfs for the qemu disk (takes a few minutes)"
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,udev,kmod,e2fsprogs,openssh-server,sudo,ca-certificates,iproute2,procps \
  "$suite" "$rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }

step "install the cloud kernel, cloud-init and docker.io"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
# MODULES=most (Debian's default) puts the virtio drivers in the initramfs; "dep" would look at
# this build machine's hardware instead of the guest's.
mkdir -p "$rootfs/etc/initramfs-tools/conf.d"
echo 'MODULES=most' > "$rootfs/etc/initramfs-tools/conf.d/berth-testkit.conf"
in_root apt-get install -y -q --no-install-recommends \
  linux-image-cloud-amd64 initramfs-tools cloud-init docker.io \
  > "$work/apt.log" 2>&1 || { tail -30 "$work/apt.log"; exit 1; }
in_root apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/*
rm -f "$rootfs/usr/sbin/policy-rc.d"
printf '# berth test VM: qemu user-mode net, no outside DNS\n' > "$rootfs/etc/resolv.conf"

step "configure boot, network, cloud-init and services"
printf '/dev/vda / ext4 errors=remount-ro 0 1\n' > "$rootfs/etc/fstab"
# DHCP on the virtio NIC from systemd-networkd (qemu's user-mode net answers with 10.0.2.15);
# cloud-init's own network rendering is turned off so exactly one thing configures the NIC.
cat > "$rootfs/etc/systemd/network/10-berth-dhcp.network" <<'NET'
[Match]
Name=en* eth*

[Network]
DHCP=ipv4
LinkLocalAddressing=no
IPv6AcceptRA=no
NET
in_root systemctl enable systemd-networkd.service > /dev/null 2>&1
# NoCloud only: probing cloud metadata services would try addresses off the machine and slow
# every boot.
# Under TCG every step of cloud-init costs seconds: RSA and DSA host keys (tens of seconds) and
# locale generation are left out. /etc/hosts names the seed's hostname (sudo looks it up).
cat > "$rootfs/etc/cloud/cloud.cfg.d/99-berth-testkit.cfg" <<'CFG'
datasource_list: [ NoCloud, None ]
network: {config: disabled}
ssh_genkeytypes: [ed25519, ecdsa]
locale: false
manage_etc_hosts: true
apt_preserve_sources_list: true
package_update: false
package_upgrade: false
CFG
# docker.io already made a "docker" group, and useradd with user groups refuses a user of that
# name ("group docker exists"), which is the user docker-machine's drivers create. Without user
# groups, new users get the "users" group, as cloud images without docker.io preinstalled give.
sed -i 's/^USERGROUPS_ENAB.*/USERGROUPS_ENAB no/' "$rootfs/etc/login.defs"
rm -f "$rootfs/etc/cloud/cloud.cfg.d/90_dpkg.cfg"
# Nothing in the guest reaches for the network on its own.
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
  in_root systemctl disable "$unit" > /dev/null 2>&1 || true
  in_root systemctl mask "$unit" > /dev/null 2>&1 || true
done
in_root systemctl enable docker.service containerd.service ssh.service > /dev/null 2>&1
# cloud-init writes the host keys on first boot; this covers a boot where it did not.
rm -f "$rootfs"/etc/ssh/ssh_host_*
cat > "$rootfs/etc/systemd/system/berth-testkit-hostkeys.service" <<'UNIT'
[Unit]
Description=Generate SSH host keys when cloud-init did not
After=cloud-init.service
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
UNIT
in_root systemctl enable berth-testkit-hostkeys.service > /dev/null 2>&1
printf 'PasswordAuthentication no\nUseDNS no\n' > "$rootfs/etc/ssh/sshd_config.d/berth-testkit.conf"
# Every VM gets its own identity on first boot.
: > "$rootfs/etc/machine-id"
rm -f "$rootfs/var/lib/dbus/machine-id"
echo localhost > "$rootfs/etc/hostname"
rm -rf "$rootfs"/var/lib/cloud/* "$rootfs"/var/log/*.log "$rootfs"/tmp/*

step "check the initramfs holds the virtio drivers"
kernel=$(ls "$rootfs"/boot/vmlinuz-* | sort -V | tail -1)
initrd=$(ls "$rootfs"/boot/initrd.img-* | sort -V | tail -1)
version=${kernel##*/vmlinuz-}
builtin="$rootfs/lib/modules/$version/modules.builtin"
chroot "$rootfs" lsinitramfs "/boot/${initrd##*/}" > "$work/initramfs.list"
for driver in virtio_blk virtio_net virtio_pci ext4; do
  if ! grep -q "/$driver.ko" "$builtin" "$work/initramfs.list"; then
    echo "initramfs $initrd lacks $driver" >&2
    exit 1
  fi
done
cp "$kernel" "$out.tmp/vmlinuz"
cp "$initrd" "$out.tmp/initrd.img"

step "make the ext4 root from the directory and convert it to qcow2"
truncate -s "$disk_size" "$work/root.raw"
mkfs.ext4 -q -F -L berth-root -d "$rootfs" "$work/root.raw"
qemu-img convert -f raw -O qcow2 "$work/root.raw" "$out.tmp/disk.qcow2"
rm -f "$work/root.raw"
rm -rf "$rootfs"
rm -rf "$out"
mv "$out.tmp" "$out"
step "qemu disk ready: $out/disk.qcow2 ($(du -h "$out/disk.qcow2" | cut -f1))"
