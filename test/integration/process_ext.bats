#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# How the container process is scheduled: process.ioPriority,
# process.scheduler, process.execCPUAffinity, linux.personality and
# linux.memoryPolicy, for the init and for `exec`. Values are read back
# from the host (/proc/PID/*, chrt, ionice) or from inside the container.

load helpers

setup_file() {
	export NCPU NNODES
	NCPU=$(nproc)
	NNODES=$(find /sys/devices/system/node -maxdepth 1 -name 'node[0-9]*' 2>/dev/null | wc -l)
}

# runc 1.1 ignores all of these (runc 1.2 and 1.3 added them).
needs_ext() {
	skip_if_runc "runc 1.1 does not implement $*"
}

# field PID KEY: a value of /proc/PID/sched ("policy", "prio").
sched_field() {
	awk -v f="$2" '$1 == f { print $3 }' "/proc/$1/sched"
}

# nice_of PID: field 19 of /proc/PID/stat (no spaces in our comms).
nice_of() {
	awk '{ print $19 }' "/proc/$1/stat"
}

# SCHED_FIFO and SCHED_RR need real-time time in the container's cgroup
# when the kernel has real-time group scheduling (a new cgroup has none).
rt_budget() {
	if [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; then
		update_config '.linux.resources.cpu.realtimeRuntime = 10000 |
			.linux.resources.cpu.realtimePeriod = 1000000'
	fi
}

start_sleeper() {
	set_args sleep 1000
	run_detached
}

# process_json FILE JQ_FILTER: a process.json for exec -p, edited by the
# filter; the tag in its env lets teardown find what it leaves.
process_json() {
	jq -n --arg tag "$TAG" '{"args": ["sleep", "1000"], "cwd": "/",
		"env": ["PATH=/bin:/usr/bin", "CORUN_TEST_TAG=" + $tag]}' | jq "$2" >"$1"
}

ex() {
	runtime exec "$@" </dev/null
}

# The log's text format escapes quotes (msg="... \"x\""): compare without.
unescape_output() {
	output=${output//\\\"/\"}
}

# ---- ioPriority ----

@test "process_ext: ioPriority best-effort 6, read inside with ionice" {
	needs_ext ioPriority
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	set_args ionice
	run run_ct
	assert_success
	assert_equal "$output" "best-effort: prio 6"
}

@test "process_ext: ioPriority idle and realtime, read from the host" {
	needs_ext ioPriority
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
	start_sleeper
	assert_equal "$(ionice -p "$(ct_pid)")" idle
	runtime delete -f "$CID"
	# realtime needs CAP_SYS_ADMIN or CAP_SYS_NICE of the runtime, not of
	# the container's process: a non-root user gets it too
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_RT", "priority": 3} |
		.process.user = {"uid": 1000, "gid": 1000}'
	start_sleeper
	assert_equal "$(ionice -p "$(ct_pid)")" "realtime: prio 3"
}

# ---- scheduler ----

@test "process_ext: scheduler SCHED_BATCH with nice 5" {
	needs_ext scheduler
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
	start_sleeper
	pid=$(ct_pid)
	run chrt -p "$pid"
	assert_output_contains "policy: SCHED_BATCH"
	assert_equal "$(sched_field "$pid" policy)" 3
	assert_equal "$(nice_of "$pid")" 5
}

@test "process_ext: scheduler SCHED_IDLE, and SCHED_OTHER with a negative nice" {
	needs_ext scheduler
	update_config '.process.scheduler = {"policy": "SCHED_IDLE"}'
	start_sleeper
	assert_equal "$(sched_field "$(ct_pid)" policy)" 5
	runtime delete -f "$CID"
	update_config '.process.scheduler = {"policy": "SCHED_OTHER", "nice": -7} |
		.process.user = {"uid": 1000, "gid": 1000}'
	start_sleeper
	assert_equal "$(sched_field "$(ct_pid)" policy)" 0
	assert_equal "$(nice_of "$(ct_pid)")" -7
}

@test "process_ext: scheduler SCHED_FIFO and SCHED_RR with a priority" {
	needs_ext scheduler
	rt_budget
	update_config '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10}'
	start_sleeper
	run chrt -p "$(ct_pid)"
	assert_output_contains "policy: SCHED_FIFO" "priority: 10"
	runtime delete -f "$CID"
	update_config '.process.scheduler = {"policy": "SCHED_RR", "priority": 5} |
		.process.user = {"uid": 1000, "gid": 1000}'
	start_sleeper
	run chrt -p "$(ct_pid)"
	assert_output_contains "policy: SCHED_RR" "priority: 5"
}

@test "process_ext: SCHED_FLAG_RESET_ON_FORK: the process keeps the policy, its children do not" {
	needs_ext scheduler
	rt_budget
	# sched(7): the flag resets real-time policies (and negative nice) only
	update_config '.process.scheduler = {"policy": "SCHED_RR", "priority": 4,
		"flags": ["SCHED_FLAG_RESET_ON_FORK"]}'
	set_args sh -c 'sleep 1000 & wait'
	run_detached
	pid=$(ct_pid)
	run chrt -p "$pid"
	assert_output_contains "SCHED_RR|SCHED_RESET_ON_FORK" "priority: 4"
	for _ in $(seq 50); do
		child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | tr -d ' ')
		[ -z "$child" ] || break
		sleep 0.1
	done
	[ -n "$child" ] || fail "sh started no child"
	assert_equal "$(sched_field "$child" policy)" 0
}

@test "process_ext: scheduler SCHED_DEADLINE" {
	needs_ext scheduler
	update_config '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1000000,
		"deadline": 10000000, "period": 10000000}'
	start_sleeper || true
	if ! runtime state "$CID" >/dev/null 2>&1; then
		out=$(cat "$(ct_log)")
		# admission control needs the whole root domain's CPUs and
		# bandwidth; a VM or a busy cgroup setup may not offer them
		[[ $out == *"SCHED_DEADLINE"*"Operation not permitted"* ||
			$out == *"SCHED_DEADLINE"*"Device or resource busy"* ]] || fail "$out"
		skip "this kernel refuses SCHED_DEADLINE here: $out"
	fi
	assert_equal "$(sched_field "$(ct_pid)" policy)" 6
}

@test "process_ext: scheduler and ioPriority apply to exec'd processes too" {
	needs_ext scheduler
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 2} |
		.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 7}'
	start_sleeper
	# without -p the process is the config's, as runc builds it
	run ex "$CID" sh -c 'awk "\$1 == \"policy\" { print \$3 }" /proc/self/sched; ionice'
	assert_success
	assert_equal "${lines[0]}" 3
	assert_equal "${lines[1]}" "best-effort: prio 7"
	# -p: its own values
	process_json "$TEST_DIR/p.json" '.args = ["sh", "-c",
		"awk \"\\$1 == \\\"policy\\\" { print \\$3 }\" /proc/self/sched; ionice"] |
		.scheduler = {"policy": "SCHED_IDLE"} |
		.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
	run ex -p "$TEST_DIR/p.json" "$CID"
	assert_success
	assert_equal "${lines[0]}" 5
	assert_equal "${lines[1]}" idle
}

# ---- execCPUAffinity ----

@test "process_ext: execCPUAffinity final pins exec'd processes, not the init" {
	needs_ext execCPUAffinity
	[ "$NCPU" -ge 2 ] || skip "needs 2 CPUs, this machine has $NCPU"
	update_config '.process.execCPUAffinity = {"initial": "0", "final": "1"}'
	start_sleeper
	# the spec: "not applicable to the container's init process"
	assert_equal "$(awk '/^Cpus_allowed_list:/ { print $2 }' "/proc/$(ct_pid)/status")" \
		"$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)"
	run ex "$CID" awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status
	assert_success
	assert_equal "$output" 1
	process_json "$TEST_DIR/p.json" '.args = ["sleep", "1000"] |
		.execCPUAffinity = {"final": "0-1"}'
	# not under `run`: the process would hold its output pipe
	runtime exec -d --pid-file "$TEST_DIR/pid" -p "$TEST_DIR/p.json" "$CID" \
		</dev/null >"$TEST_DIR/exec.out" 2>&1 3>&-
	run taskset -pc "$(cat "$TEST_DIR/pid")"
	assert_output_contains "list: 0,1"
}

@test "process_ext: execCPUAffinity initial is applied (a CPU the machine lacks fails)" {
	needs_ext execCPUAffinity
	start_sleeper
	process_json "$TEST_DIR/p.json" '.args = ["true"] | .execCPUAffinity = {"initial": "4000"}'
	run ex -p "$TEST_DIR/p.json" "$CID"
	assert_failure
	unescape_output
	assert_output_contains 'process.execCPUAffinity.initial ("4000"): Invalid argument'
	# the container is untouched
	assert_equal "$(ct_status)" running
	run ex "$CID" true
	assert_success
}

# ---- personality ----

@test "process_ext: personality LINUX32: uname -m is 32-bit, for exec too" {
	needs_ext personality
	[ "$(uname -m)" = x86_64 ] || skip "LINUX32 checked against i686 on x86_64 only"
	update_config '.linux.personality = {"domain": "LINUX32"}'
	start_sleeper
	assert_equal "$(cat "/proc/$(ct_pid)/personality")" 00000008
	run ex "$CID" uname -m
	assert_success
	assert_equal "$output" i686
	runtime delete -f "$CID"
	update_config '.linux.personality = {"domain": "LINUX"}'
	set_args uname -m
	run run_ct
	assert_success
	assert_equal "$output" x86_64
}

# ---- memoryPolicy ----

@test "process_ext: memoryPolicy MPOL_BIND and MPOL_INTERLEAVE on node 0" {
	needs_ext memoryPolicy
	[ "$NNODES" -ge 1 ] || skip "no NUMA node in /sys/devices/system/node"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
	start_sleeper
	# numa_maps shows the task's policy on mappings without their own
	run head -1 "/proc/$(ct_pid)/numa_maps"
	assert_output_contains " bind:0 "
	run ex "$CID" head -1 /proc/self/numa_maps
	assert_output_contains " bind:0 "
	runtime delete -f "$CID"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0",
		"flags": ["MPOL_F_STATIC_NODES"]}'
	set_args head -1 /proc/self/numa_maps
	run run_ct
	assert_success
	assert_output_contains " interleave=static:0 "
}

@test "process_ext: memoryPolicy across two nodes" {
	needs_ext memoryPolicy
	[ "$NNODES" -ge 2 ] || skip "needs 2 NUMA nodes, this machine has $NNODES"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0-1"}'
	set_args head -1 /proc/self/numa_maps
	run run_ct
	assert_success
	assert_output_contains " interleave:0-1 "
}

@test "process_ext: memoryPolicy on a node the machine lacks fails, nothing left" {
	needs_ext memoryPolicy
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "1000"}'
	set_args true
	run run_ct
	assert_failure
	unescape_output
	assert_output_contains 'set linux.memoryPolicy (MPOL_BIND, nodes "1000"): Invalid argument'
	assert_nothing_left
}

# ---- bad values ----

@test "process_ext: invalid values are refused with their JSON path, nothing left" {
	needs_ext "these keys"
	set_args true
	local cases=(
		'.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8}'
		'process.ioPriority.priority: must be an integer from 0 to 7'
		'.process.ioPriority = {"class": "BE", "priority": 1}'
		'process.ioPriority.class: unknown class "BE"'
		'.process.scheduler = {"policy": "SCHED_FIFO"}'
		'process.scheduler.priority: must be from 1 to 99 with SCHED_FIFO'
		'.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 2000, "deadline": 1000}'
		'process.scheduler.deadline: SCHED_DEADLINE needs runtime <= deadline'
		'.process.scheduler = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_X"]}'
		'process.scheduler.flags[0]: unknown flag "SCHED_FLAG_X"'
		'.process.execCPUAffinity = {"final": "1-0"}'
		'process.execCPUAffinity.final: invalid CPU list "1-0": range 1-0 is reversed'
		'.linux.personality = {"domain": "LINUX64"}'
		'linux.personality.domain: unknown domain "LINUX64" (LINUX, LINUX32)'
		'.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}'
		'linux.personality.flags[0]: unknown flag "ADDR_NO_RANDOMIZE"'
		'.linux.memoryPolicy = {"mode": "MPOL_LOCAL", "nodes": "0"}'
		'linux.memoryPolicy.nodes: must be empty with MPOL_LOCAL'
		'.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0,x"}'
		'linux.memoryPolicy.nodes: invalid node list "0,x"'
	)
	cp "$BUNDLE/config.json" "$TEST_DIR/config.orig"
	for ((i = 0; i < ${#cases[@]}; i += 2)); do
		cp "$TEST_DIR/config.orig" "$BUNDLE/config.json"
		update_config "${cases[i]}"
		run run_ct
		assert_failure
		unescape_output
		assert_output_contains "${cases[i + 1]}"
		assert_nothing_left
	done
}

@test "process_ext: a policy the kernel refuses fails the create, nothing left" {
	needs_ext scheduler
	update_config '.process.scheduler = {"policy": "SCHED_ISO"}'
	set_args true
	run runtime create -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains "set process.scheduler (SCHED_ISO, nice 0, priority 0): Invalid argument"
	assert_nothing_left
}

@test "process_ext: exec with an invalid process.json fails, the container is untouched" {
	needs_ext scheduler
	start_sleeper
	process_json "$TEST_DIR/p.json" '.args = ["true"] | .scheduler = {"policy": "SCHED_RR"}'
	run ex -p "$TEST_DIR/p.json" "$CID"
	assert_failure
	assert_output_contains "process.scheduler.priority: must be from 1 to 99 with SCHED_RR"
	process_json "$TEST_DIR/p.json" '.args = ["true"] |
		.scheduler = {"policy": "SCHED_ISO"}'
	run ex -p "$TEST_DIR/p.json" "$CID"
	assert_failure
	assert_output_contains "set process.scheduler (SCHED_ISO"
	assert_equal "$(ct_status)" running
	# only the init is left in the container
	assert_equal "$(tagged_pids | wc -l)" 1
}

@test "lsm: an AppArmor profile on a host without AppArmor is ignored" {
	skip_if_runc "runc 1.1.5 still writes the profile and fails"
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] ||
		skip "AppArmor is enabled here: the profile would be applied"
	update_config '.process.apparmorProfile = "corun-test-profile"'
	set_args sh -c 'cat /proc/self/attr/current 2>/dev/null; echo ran'
	run run_ct
	assert_success
	assert_output_contains ran
}

@test "lsm: an SELinux label on a host without SELinux is a clear error" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	set_args true
	run run_ct
	assert_failure
	is_runc || assert_output_contains "SELinux is not enabled" "container_t"
	assert_nothing_left
}

@test "lsm: linux.mountLabel without SELinux leaves the mounts as they are" {
	skip_if_runc "runc 1.1.5 passes context= to the mount anyway and fails"
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	set_args sh -c 'grep " /dev/shm " /proc/self/mountinfo'
	run run_ct
	assert_success
	assert_output_not_contains context=
}
