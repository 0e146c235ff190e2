#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# containerd's systemd cgroup path with the runtime under test: the runc v2
# shim passes --systemd-cgroup on every call and a "slice:prefix:name"
# cgroupsPath (`ctr run --runc-systemd-cgroup --cgroup ...`, as the CRI
# plugin does with SystemdCgroup = true). Needs systemd as PID 1: the
# systemd guest of test/guest/run.sh -s runs it; elsewhere it skips.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	ENGINE_SKIP=
	if [ "$(id -u)" -ne 0 ]; then
		ENGINE_SKIP="needs root"
	elif [ ! -d /run/systemd/system ]; then
		ENGINE_SKIP="systemd is not PID 1 here; test/guest/run.sh -s runs these in a guest"
	elif ! "$ENGINE_RUNTIME" features | jq -e '.linux.cgroup.systemd' >/dev/null 2>&1; then
		ENGINE_SKIP="$ENGINE_RUNTIME has no systemd cgroup driver"
	else
		for c in containerd ctr containerd-shim-runc-v2; do
			command -v "$c" >/dev/null || ENGINE_SKIP="$c is not installed"
		done
	fi
	export ENGINE_SKIP
	[ -z "$ENGINE_SKIP" ] || return 0
	containerd_start
}

teardown_file() {
	containerd_stop
}

# sdrun ID ARGS...: a detached container in system.slice:ctrsd:ID.
sdrun() {
	local id=$1
	shift
	ct run -d --null-io --runtime io.containerd.runc.v2 --runc-binary "$ENGINE_RUNTIME" \
		--runc-systemd-cgroup --cgroup "system.slice:ctrsd:$id" "$@" "$IMAGE" "$id" \
		sleep 1000 >/dev/null
}

task_pid() { ct task ls | awk -v id="$1" '$1 == id { print $2 }'; }
task_is() { [ "$(ct task ls | awk -v id="$1" '$1 == id { print $3 }')" = "$2" ]; }
prop() { systemctl show -P "$2" "$1"; }

@test "containerd --runc-systemd-cgroup: the task is a delegated systemd scope; exec, kill, rm" {
	sdrun sd-life
	local pid unit=ctrsd-sd-life.scope
	pid=$(task_pid sd-life)
	assert_equal "$(sed -n 's/^0:://p' "/proc/$pid/cgroup")" "/system.slice/$unit"
	assert_equal "$(prop "$unit" ActiveState)" active
	assert_equal "$(prop "$unit" Delegate)" yes
	run ct task exec --exec-id e1 sd-life sh -c 'cat /proc/self/cgroup; exit 4'
	assert_status 4
	assert_output_contains "0::/"
	[ "$(wc -l <"/sys/fs/cgroup/system.slice/$unit/cgroup.procs")" -ge 1 ]
	ct task kill -s SIGKILL sd-life
	wait_until task_is sd-life STOPPED
	ct task rm sd-life
	ct containers rm sd-life
	local st
	st=$(prop "$unit" ActiveState)
	[ "$st" = inactive ] || fail "unit $unit is $st after rm"
	[ ! -e "/sys/fs/cgroup/system.slice/$unit" ] || fail "its cgroup is left"
}

@test "containerd --runc-systemd-cgroup: --memory-limit reaches MemoryMax and memory.max" {
	sdrun sd-mem --memory-limit 67108864
	local unit=ctrsd-sd-mem.scope
	assert_equal "$(prop "$unit" MemoryMax)" 67108864
	assert_equal "$(cat "/sys/fs/cgroup/system.slice/$unit/memory.max")" 67108864
	ct task kill -s SIGKILL sd-mem
	wait_until task_is sd-mem STOPPED
	ct task rm sd-mem
	ct containers rm sd-mem
	[ ! -e "/sys/fs/cgroup/system.slice/$unit" ] || fail "its cgroup is left"
}
