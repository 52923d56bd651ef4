#!/usr/bin/env bash
# Builds a tiny busybox image for containers inside test engines, saved as a `docker load` tarball.
# Usage: build-tiny-image.sh TAG OUT_TAR WORKDIR
set -euo pipefail
tag=$1 out=$2 work=$3
printf '[test-kit] build tiny image %s from busybox-static\n' "$tag"
rm -rf "$work/tiny" "$work/deb"
mkdir -p "$work/tiny/bin" "$work/deb"
(cd "$work/deb" && apt-get download busybox-static > /dev/null 2>&1) || {
  apt-get update -q > /dev/null && (cd "$work/deb" && apt-get download busybox-static > /dev/null)
}
dpkg-deb -x "$work"/deb/busybox-static_*.deb "$work/deb/x"
cp "$work/deb/x/bin/busybox" "$work/tiny/bin/busybox"
for applet in sh echo cat ls sleep uname true false hostname id env wc; do ln -s busybox "$work/tiny/bin/$applet"; done
tar -C "$work/tiny" -c . | docker import --change 'CMD ["/bin/sh"]' --change "LABEL berth.testkit.image=$tag" - "$tag" > /dev/null
docker save "$tag" -o "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$work/tiny" "$work/deb"
