#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# PID 1 of the test guest (started by the image's /sbin/corun-guest-init
# once the source tree is mounted at the host's path, $1, and the results
# dir at /results): a cgroup v2 only system, the tests run from a child
# cgroup as under a service manager, then power off. Reads the job from
# /results/job.env (BUILD_DIR, BATS_FILES, BATS_FILTER); writes the TAP to
# /results/tap.txt and bats' exit status to /results/rc.
src=$1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8

finish() {
	sync
	busybox poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 60
}
trap finish EXIT

start=$(cut -d' ' -f1 /proc/uptime)
mount -o remount,rw / 2>/dev/null
# the tree may sit below /tmp or /run on the host (a CI clone): keep its
# share reachable across the tmpfs mounts that would hide it
mkdir -p /.src
mount --move "$src" /.src
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p "$src"
mount --move /.src "$src"
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ln -sf /proc/self/fd /dev/fd 2>/dev/null
hostname corun-guest

# /tests has no process of its own, so it can give its children
# controllers; relative cgroupsPaths land next to the runner, as runc's do
mkdir -p /sys/fs/cgroup/tests/runner
echo $$ >/sys/fs/cgroup/tests/runner/cgroup.procs

# shellcheck source=/dev/null
. /results/job.env
cd "$src" || exit 1
{
	echo "# guest: kernel $(uname -r), $(nproc) cpus, booted in ${start}s"
	echo "# guest: cgroup controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
} >/results/tap.txt
files=()
for f in $BATS_FILES; do files+=("$src/$f"); done
args=(--tap)
[ -z "${BATS_FILTER:-}" ] || args+=(-f "$BATS_FILTER")
CORUN_BIN=$src/$BUILD_DIR/corun RUNTIME_TIMEOUT=${RUNTIME_TIMEOUT:-120} \
	bats "${args[@]}" "${files[@]}" </dev/null >>/results/tap.txt 2>&1
echo $? >/results/rc
echo "# guest: tests done at $(cut -d' ' -f1 /proc/uptime)s uptime" >>/results/tap.txt
