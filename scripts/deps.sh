#!/usr/bin/env bash
# Installs the Debian packages corun's build, tests and benchmark need.
# Idempotent; run as root. Skips apt entirely when everything is present.
set -euo pipefail

pkgs=(
	meson ninja-build pkg-config gcc
	libjansson-dev libseccomp-dev libsystemd-dev
	busybox-static bats jq iproute2 util-linux man-db strace
	runc crun hyperfine time bc uidmap python3
	# checkpoint/restore: CRIU's rpc.proto (package criu) compiled by
	# protoc-c; the host runs the error-path tests against Debian's criu
	protobuf-c-compiler libprotobuf-c-dev criu
	# the fuzz targets (fuzz/run.sh): clang and its libFuzzer runtime,
	# which clang only recommends
	clang libclang-rt-14-dev
	# the style check (scripts/format.sh --check)
	clang-format
	# the cgroup v2 guest (test/guest/): qemu under TCG, and debootstrap
	# for its image, which brings Debian's linux-image-amd64 into the
	# image from the archive (never installed on this host)
	qemu-system-x86 debootstrap
	# engines for test/engines (containerd brings ctr and its runc v2 shim)
	podman conmon containerd docker.io
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages (${missing[*]}); run as root" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
