#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# mkimage.sh [--check] CACHE_DIR: builds the throw-away guest that
# test/guest/run.sh boots, once: a debootstrapped Debian bookworm (with
# Debian's kernel, its initramfs, systemd, dbus, bats, jq, containerd,
# python3, criu, podman and the libraries corun links) as an ext4 image,
# plus the kernel and initrd next to it. Needs root, debootstrap and
# Debian's archive. Idempotent: an existing image of this version is kept
# (delete CACHE_DIR to rebuild).
# --check: exit 0 iff it is there.
set -euo pipefail
# bump when the image's contents change: older caches are then rebuilt
version="corun-guest-image 7"
check=false
[ "${1:-}" != --check ] || { check=true; shift; }
cache=${1:?usage: mkimage.sh [--check] CACHE_DIR}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(cat "$cache/done" 2>/dev/null)" != "$version" ] || exit 0
! $check || exit 1
mkdir -p "$cache"
root="$cache/rootfs.tmp"
rm -rf "$root" "$cache/done" "$cache/rootfs.ext4" "$cache/vmlinuz" "$cache/initrd.img"

pkgs=linux-image-amd64,initramfs-tools,kmod,systemd,systemd-sysv,dbus,procps
pkgs+=,bats,jq,busybox-static,libjansson4,libseccomp2,iproute2,util-linux
# containerd (with Debian's runc): the engines' systemd cgroup path
pkgs+=,containerd
# python3: test/compat (corun against the guest's runc, test/compat/guest.sh)
pkgs+=,python3
# criu: checkpoint/restore (test/integration/checkpoint.bats), which the
# host's newer kernel cannot run; iptables: its network lock
pkgs+=,criu,iptables
# podman (conmon and containers-common come with it):
# test/engines/podman_checkpoint.bats; netavark (4 MB) is the smallest
# container-network-stack, which debootstrap cannot pick by itself
pkgs+=,podman,netavark
echo "mkimage: debootstrap bookworm into $root" >&2
debootstrap --variant=minbase --include="$pkgs" bookworm "$root" "$mirror" \
	>"$cache/debootstrap.log" 2>&1 || {
	tail -n 30 "$cache/debootstrap.log" >&2
	exit 1
}

# The image's init only mounts the source tree (9p) and hands over to
# test/guest/guest-init.sh there, so that changing the guest's steps needs
# no new image.
cat >"$root/sbin/corun-guest-init" <<'EOF'
#!/bin/sh
# the initramfs moved its /proc, /sys and /dev here already
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
src=$(sed -n 's/.*corun\.src=\([^ ]*\).*/\1/p' /proc/cmdline)
modprobe 9pnet_virtio 2>/dev/null
modprobe 9p 2>/dev/null
mkdir -p "$src" /results
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro src "$src" &&
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /results &&
	exec /bin/bash "$src/test/guest/guest-init.sh" "$src"
echo "corun-guest-init: cannot mount the source tree $src" >&2
echo o >/proc/sysrq-trigger
EOF
chmod 755 "$root/sbin/corun-guest-init"
echo corun-guest >"$root/etc/hostname"

# an initramfs with just what finds the root disk boots seconds faster
# under TCG than Debian's MODULES=most one
echo MODULES=list >"$root/etc/initramfs-tools/conf.d/corun-guest"
printf '%s\n' virtio_pci virtio_blk ext4 9pnet_virtio 9p >>"$root/etc/initramfs-tools/modules"
chroot "$root" update-initramfs -u -k all >>"$cache/debootstrap.log" 2>&1 || {
	tail -n 30 "$cache/debootstrap.log" >&2
	exit 1
}
cp "$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n 1)" "$cache/vmlinuz"
cp "$(ls "$root"/boot/initrd.img-* | sort -V | tail -n 1)" "$cache/initrd.img"
# the packages' caches are dead weight in every run's overlay
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
mkfs.ext4 -q -F -L corun-guest -d "$root" "$cache/rootfs.ext4" 3G
rm -rf "$root"
echo "$version" >"$cache/done"
echo "mkimage: $cache ready" >&2
