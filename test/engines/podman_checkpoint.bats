#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# podman container checkpoint / restore with the runtime under test
# (`podman --runtime PATH`, which drives `checkpoint` and, through conmon,
# `restore`): a busybox container counting in memory is checkpointed and
# restored, and has to go on counting where it stopped. Needs a kernel CRIU
# runs on (the cgroup v2 guest, test/guest/run.sh), so it skips where
# `criu check` fails. Like podman.bats: cgroupfs manager, file events
# logger, its own storage (vfs) and config, no daemon; cgroup v1 or v2.
# PM_CGROUPNS: the containers' cgroupns (default private, podman's on
# cgroup v2; host: /sys/fs/cgroup is a bind of the container's cgroup).

bats_require_minimum_version 1.5.0
# CRIU under TCG emulation takes its time
: "${ENGINE_TIMEOUT:=180}"
load helpers
: "${PM_CGROUPNS:=private}"

setup_file() {
	ENGINE_SKIP=$(pm_check)
	export ENGINE_SKIP
	if [ -n "$ENGINE_SKIP" ]; then
		echo "# podman_checkpoint: $ENGINE_SKIP" >&3
		return 0
	fi
	# Short paths: conmon's exit handling stalls on long ones.
	PM_DIR=$(mktemp -d /tmp/pmXXXX)
	PM_CG=${PM_DIR#/tmp/}
	export PM_DIR PM_CG
	cat >"$PM_DIR/containers.conf" <<-CONF
		[containers]
		default_ulimits = ["nofile=$NOFILE", "nproc=$NPROC"]
		netns = "none"
		cgroupns = "$PM_CGROUPNS"
		log_driver = "k8s-file"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$PM_DIR/events.log"
	CONF
	cat >"$PM_DIR/pm" <<-SH
		#!/bin/sh
		export CONTAINERS_CONF="$PM_DIR/containers.conf"
		exec podman --root "$PM_DIR/r" --runroot "$PM_DIR/rr" --tmpdir "$PM_DIR/t" \\
			--storage-driver vfs --runtime "$ENGINE_RUNTIME" "\$@"
	SH
	chmod +x "$PM_DIR/pm"
	local img
	img=$(image_dir) || return 1
	pm load -q -i "$img/image.tar" >/dev/null
}

teardown_file() {
	[ -n "${PM_DIR:-}" ] || return 0
	pm rm -af -t 0 >/dev/null 2>&1
	pm rmi -af >/dev/null 2>&1
	umount_under "$PM_DIR"
	rm -rf "$PM_DIR"
	cgroup_cleanup "$PM_CG"
	[ ! -d "/sys/fs/cgroup/$PM_CG" ] || find "/sys/fs/cgroup/$PM_CG" -depth -type d -exec rmdir {} + 2>/dev/null
	return 0
}

# pm_check: prints why podman cannot checkpoint here, if it cannot.
pm_check() {
	local c
	[ "$(id -u)" -eq 0 ] || { echo "needs root"; return; }
	[ -x "$ENGINE_RUNTIME" ] || { echo "runtime $ENGINE_RUNTIME not built"; return; }
	for c in podman conmon criu; do
		command -v "$c" >/dev/null || { echo "$c is not installed"; return; }
	done
	criu check >/dev/null 2>&1 || echo "criu check fails on this kernel ($(uname -r))"
}

pm() { timeout -k 5 "$ENGINE_TIMEOUT" "$PM_DIR/pm" "$@"; }

# The count lives in the shell's memory; /tmp/n only shows it, and
# /tmp/starts gets a line each time the loop starts from 0.
COUNTER='echo start >>/tmp/starts; i=0
while :; do i=$((i + 1)); echo $i >/tmp/n; echo $i; sleep 0.1; done'

# count NAME: the container's current count.
count() { pm exec "$1" cat /tmp/n; }

# start_counter NAME: runs the counter and waits until it is past 10.
start_counter() {
	run pm run -d --name "$1" --network none --cgroup-parent "/$PM_CG" \
		"$IMAGE" sh -c "$COUNTER"
	assert_success
	wait_until count_past "$1" 10
}
count_past() { [ "$(count "$1")" -gt "$2" ]; }

# timed LABEL CMD...: runs CMD under `run`, its duration on fd 3.
timed() {
	local label=$1 t0 ms
	shift
	t0=$(date +%s%N)
	run "$@"
	ms=$((($(date +%s%N) - t0) / 1000000))
	printf '# %s: %d.%03ds (%s, cgroupns %s)\n' "$label" $((ms / 1000)) $((ms % 1000)) \
		"$(basename "$ENGINE_RUNTIME")" "$PM_CGROUPNS" >&3
	[ "$status" -eq 0 ] || criu_logs
}

# criu_logs: the end of CRIU's logs in podman's checkpoint dirs.
criu_logs() {
	local f
	for f in $(find "$PM_DIR" \( -name dump.log -o -name restore.log \) 2>/dev/null); do
		echo "== $f"
		grep -B4 -E "Error|Warn" "$f" | head -n 40
	done
}

# assert_continued NAME BEFORE: NAME runs and counts on from BEFORE (its
# count when it was checkpointed or earlier), never from 0 again.
assert_continued() {
	run pm inspect -f '{{.State.Status}}' "$1"
	assert_equal "$output" running
	local n
	n=$(count "$1")
	[ "$n" -ge "$2" ] || fail "count $n after the restore, $2 before"
	wait_until count_past "$1" "$n"
	run pm exec "$1" cat /tmp/starts
	assert_equal "$output" start
}

@test "podman checkpoint: checkpoint and restore in place, the count goes on" {
	start_counter pm-cr
	local before
	before=$(count pm-cr)
	timed "podman container checkpoint" pm container checkpoint pm-cr
	assert_success
	run pm inspect -f '{{.State.Status}}' pm-cr
	assert_equal "$output" exited
	timed "podman container restore" pm container restore pm-cr
	assert_success
	assert_continued pm-cr "$before"
	run pm rm -f -t 0 pm-cr
	assert_success
}

@test "podman checkpoint: --leave-running, then --export and restore --import" {
	start_counter pm-cr2
	run pm container checkpoint --leave-running pm-cr2
	assert_success
	run pm inspect -f '{{.State.Status}}' pm-cr2
	assert_equal "$output" running
	local before
	before=$(count pm-cr2)
	wait_until count_past pm-cr2 "$before"
	before=$(count pm-cr2)
	timed "podman container checkpoint --export" pm container checkpoint \
		--export "$PM_DIR/cr2.tar.gz" pm-cr2
	assert_success
	[ -s "$PM_DIR/cr2.tar.gz" ] || fail "no checkpoint archive"
	run pm rm -f -t 0 pm-cr2
	assert_success
	timed "podman container restore --import" pm container restore \
		--import "$PM_DIR/cr2.tar.gz"
	assert_success
	assert_continued pm-cr2 "$before"
	run pm rm -f -t 0 pm-cr2
	assert_success
}
