# SPDX-License-Identifier: Apache-2.0
# Shared setup for the engine tests: podman, containerd and docker run
# busybox containers with the runtime under test, each engine pointed at it
# by path and given its own state dirs (short ones under /tmp: podman stalls
# on long paths) so the host's engines, if any, are never touched.
#
# Environment: ENGINE_RUNTIME (path or name of any runc-compatible runtime;
# default $RUNTIME, default $CORUN_BIN, default build/corun of this tree),
# so `ENGINE_RUNTIME=runc` proves the tests themselves.

REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
: "${CORUN_BIN:=$REPO_ROOT/build/corun}"
ENGINE_RUNTIME=${ENGINE_RUNTIME:-${RUNTIME:-$CORUN_BIN}}
if [[ $ENGINE_RUNTIME != */* ]]; then
	ENGINE_RUNTIME=$(command -v "$ENGINE_RUNTIME" || echo "$ENGINE_RUNTIME")
elif [[ $ENGINE_RUNTIME != /* ]]; then
	# Engines run it from their own directories.
	ENGINE_RUNTIME=$PWD/$ENGINE_RUNTIME
fi
export ENGINE_RUNTIME
# No engine call hangs the suite: each is killed after this many seconds.
: "${ENGINE_TIMEOUT:=60}"
# The VM lacks CAP_SYS_RESOURCE (hard limits 20000 files, 96365
# processes): engines' defaults of 1048576 fail with any runtime.
NOFILE=1024:1024
NPROC=4096:4096
IMAGE=localhost/busybox:latest

# image_dir: the busybox image (rootfs.tar, image.tar), built once per run.
image_dir() {
	local d="$BATS_RUN_TMPDIR/image"
	[ -f "$d/image.tar" ] || bash "$BATS_TEST_DIRNAME/mkimage.sh" "$d" >&2 || return 1
	echo "$d"
}

# engine_check CMD...: prints why the engine cannot run here, if it cannot.
engine_check() {
	local c
	[ "$(id -u)" -eq 0 ] || { echo "needs root"; return; }
	[ -x "$ENGINE_RUNTIME" ] || { echo "runtime $ENGINE_RUNTIME not built"; return; }
	for c; do
		command -v "$c" >/dev/null || { echo "$c is not installed (scripts/deps.sh)"; return; }
	done
	# corun drives cgroup v1 through cgroupfs; engines follow the host.
	[ -d /sys/fs/cgroup/memory ] || echo "needs a cgroup v1 host"
}

# setup: every test of a file skips with the reason setup_file found.
setup() {
	[ -z "${ENGINE_SKIP:-}" ] || skip "$ENGINE_SKIP"
}

# cgroup_cleanup NAME: removes the (empty) cgroup NAME and what is below it
# in every v1 hierarchy; engines leave their parents behind.
cgroup_cleanup() {
	local d
	[ -n "$1" ] || return 0
	for d in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/unified/"$1"; do
		[ -d "$d" ] || continue
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

# umount_under DIR: unmounts what an engine left mounted below DIR.
umount_under() {
	grep -F " $1/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	return 0
}

# stop_pid PID: SIGTERM, then SIGKILL after 10 s; waits until it is gone.
stop_pid() {
	local pid=$1
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	sleep 0.2
}

# wait_until CMD...: retries CMD for up to 10 s.
wait_until() {
	for _ in $(seq 100); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "timed out waiting for: $*" >&2
	return 1
}

# in_tty CMD...: CMD with a terminal as its stdio (script(1) makes the pty).
in_tty() {
	local cmd
	cmd=$(printf '%q ' "$@")
	timeout -k 5 "$ENGINE_TIMEOUT" script -qefc "$cmd" /dev/null </dev/null
}

# fail, assert_status/success/failure, assert_output_(not_)contains, assert_equal
load ../helpers/asserts

# ---- containerd (containerd.bats, containerd_systemd.bats) ----

# containerd_start: a containerd of the test's own (root, state, sockets;
# the CRI plugin off, so no CNI) with the busybox image imported; CT_DIR
# and CT_NS (the namespace, which names the containers' cgroups) exported.
containerd_start() {
	CT_DIR=$(mktemp -d /tmp/ctXXXX)
	CT_NS=${CT_DIR#/tmp/}
	export CT_DIR CT_NS
	mkdir "$CT_DIR/vol"
	cat >"$CT_DIR/config.toml" <<-TOML
		version = 2
		root = "$CT_DIR/root"
		state = "$CT_DIR/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
		  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
		  "io.containerd.snapshotter.v1.aufs", "io.containerd.internal.v1.opt",
		  "io.containerd.tracing.processor.v1.otlp"]
		[grpc]
		  address = "$CT_DIR/c.sock"
		[ttrpc]
		  address = "$CT_DIR/c.sock.ttrpc"
		[debug]
		  address = "$CT_DIR/d.sock"
	TOML
	cat >"$CT_DIR/ctr" <<-SH
		#!/bin/sh
		exec ctr --address "$CT_DIR/c.sock" -n "$CT_NS" "\$@"
	SH
	chmod +x "$CT_DIR/ctr"
	containerd --config "$CT_DIR/config.toml" >"$CT_DIR/containerd.log" 2>&1 </dev/null 3>&- &
	echo $! >"$CT_DIR/containerd.pid"
	wait_until ct version || { cat "$CT_DIR/containerd.log" >&2; return 1; }
	local img
	img=$(image_dir) || return 1
	ct images import --all-platforms "$img/image.tar" >/dev/null
}

# containerd_stop: kills and removes every task and container, stops
# containerd and removes what it left.
containerd_stop() {
	[ -n "${CT_DIR:-}" ] || return 0
	local id
	for id in $(ct task ls -q 2>/dev/null); do
		ct task kill -s SIGKILL "$id" >/dev/null 2>&1
	done
	for id in $(ct containers ls -q 2>/dev/null); do
		wait_until ct task rm -f "$id"
		ct containers rm "$id" >/dev/null 2>&1
	done
	stop_pid "$(cat "$CT_DIR/containerd.pid")"
	umount_under "$CT_DIR"
	rm -rf "$CT_DIR"
	cgroup_cleanup "$CT_NS"
}

ct() { timeout -k 5 "$ENGINE_TIMEOUT" "$CT_DIR/ctr" "$@"; }
