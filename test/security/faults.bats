#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# corun killed at every step of create, run, exec and delete, and its
# syscalls made to fail: `list` tells the truth afterwards and `delete -f`
# leaves no state dir, cgroup (any v1 controller, the unified hierarchy),
# process or mount. FAULTS_ALL=1 kills before every syscall, not only
# before those with an effect outside the process.

load ../integration/helpers
load faults

need_strace() {
	command -v strace >/dev/null || skip "strace is not installed"
	is_runc && skip "the kill points are corun's syscalls" || true
}

# rt ARGS...: the runtime with this test's root and tag, no timeout
# wrapper between strace and it.
rt() { echo env CORUN_TEST_TAG="$TAG" "$RUNTIME" --root "$ROOT" "$@"; }

@test "faults: corun killed before each step of create" {
	need_strace
	set_args sleep 100
	run kill_points create "$CID" : $(rt create -b "$BUNDLE" "$CID")
	echo "$output"
	[ "$KILLS" != 0 ] || true
	[[ ${lines[-1]} == *", 0 left something"* ]] || fail "problems after kills"
}

@test "faults: corun killed before each step of run" {
	need_strace
	set_args true
	run kill_points run "$CID" : $(rt run -b "$BUNDLE" "$CID")
	echo "$output"
	[[ ${lines[-1]} == *", 0 left something"* ]] || fail "problems after kills"
}

@test "faults: corun killed before each step of run -d" {
	need_strace
	set_args sleep 100
	run kill_points "run -d" "$CID" : $(rt run -d -b "$BUNDLE" "$CID")
	echo "$output"
	[[ ${lines[-1]} == *", 0 left something"* ]] || fail "problems after kills"
}

# exec: the container runs on; the killed exec's process must not stay.
exec_alone='[ "$(ct_status)" = running ] || echo " container not running after the kill;"
	init=$(ct_pid)
	for _ in $(seq 30); do n=$(tagged_alive | grep -vx "$init" | wc -l); [ "$n" = 0 ] && break; sleep 0.1; done
	[ "$n" = 0 ] || echo " exec processes left: $(tagged_alive | grep -vx "$init" | tr "\n" " ");"'

@test "faults: corun killed before each step of exec" {
	need_strace
	set_args sleep 100
	PRE_CHECK=$exec_alone
	run kill_points exec "$CID" 'run_detached >/dev/null' $(rt exec "$CID" true)
	echo "$output"
	[[ ${lines[-1]} == *", 0 left something"* ]] || fail "problems after kills"
}

@test "faults: corun killed before each step of delete -f" {
	need_strace
	set_args sleep 100
	run kill_points "delete -f" "$CID" 'run_detached >/dev/null' $(rt delete -f "$CID")
	echo "$output"
	[[ ${lines[-1]} == *", 0 left something"* ]] || fail "problems after kills"
}

# inject_fail CMD-LABEL STRACE-ARGS -- CMD...: CMD under strace with a
# syscall made to fail; sets status and output like bats' run.
inject_fail() {
	local rc=0
	# strace -f waits for every traced process: a create that wrongly
	# succeeds leaves an init waiting for start
	timeout -k 2 30 strace -qq -o /dev/null "$@" </dev/null >"$TEST_DIR/inject.out" 2>&1 3>&- || rc=$?
	status=$rc
	output=$(cat "$TEST_DIR/inject.out")
	echo "injected ${*:1:4}: status $status: $output"
}

# assert_clean_failure ERRTEXT: the command failed on its own (not killed),
# said why, and left nothing.
assert_clean_failure() {
	[ "$status" -ne 0 ] || fail "succeeded despite the injected failure"
	[ "$status" -lt 128 ] || fail "died (status $status) instead of failing"
	[[ $output == *"$1"* ]] || fail "the error does not say \"$1\": $output"
	[ -z "$(runtime list -q)" ] || fail "list shows $(runtime list -q) after a failed create"
	left=$(what_is_left "$CID")
	[ -z "$left" ] || fail "left behind: $left"
}

# The failures to inject into create and run: strace filter and the words
# of the injected errno the error must carry.
injections=(
	"-e trace=clone3 -e inject=clone3:error=ENOMEM|Cannot allocate memory"
	"-f -e trace=mount -e inject=mount:error=EIO:when=2|Input/output error"
	"-f -e trace=mount -e inject=mount:error=ENOMEM:when=5|Cannot allocate memory"
	"-e trace=mkdir -P @MEMCG@/@ID@ -e inject=mkdir:error=ENOMEM|Cannot allocate memory"
	"-e trace=mkdir -P /sys/fs/cgroup/unified/@ID@ -e inject=mkdir:error=EIO|Input/output error"
	"-e trace=openat -P /sys/fs/cgroup/pids/@ID@/cgroup.procs -e inject=openat:error=EIO|Input/output error"
	"-e trace=write -P /sys/fs/cgroup/devices/@ID@/devices.deny -e inject=write:error=EIO|Input/output error"
	"-e trace=write -P /sys/fs/cgroup/freezer/@ID@/cgroup.procs -e inject=write:error=ENOMEM|Cannot allocate memory"
	"-e trace=sendto -e inject=sendto:error=EIO|Input/output error"
	"-f -e trace=sendto -e inject=sendto:error=EIO:when=2|Input/output error"
	"-e trace=recvmsg -e inject=recvmsg:error=EIO|Input/output error"
	"-e trace=sendmsg,sendto -e inject=sendmsg,sendto:error=ENOMEM|Cannot allocate memory"
	"-f -e trace=pivot_root -e inject=pivot_root:error=EIO|Input/output error"
)
# run only: create never execs the user's process
run_only_injections=(
	"-f -P /bin/true -e trace=execve -e inject=execve:error=ENOMEM|Cannot allocate memory"
)

# memcg_base: where the memory controller puts a relative cgroupsPath.
memcg_base() {
	echo "/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup | sed 's|/$||')"
}

run_injections() {
	local cmd=$1 spec args words n=0 extra=()
	[ "$cmd" != run ] || extra=("${run_only_injections[@]}")
	for spec in "${injections[@]}" "${extra[@]}"; do
		args=${spec%%|*}
		words=${spec#*|}
		args=${args//@ID@/$CID}
		args=${args//@MEMCG@/$(memcg_base)}
		# shellcheck disable=SC2086
		inject_fail $args -- env CORUN_TEST_TAG="$TAG" "$RUNTIME" --root "$ROOT" $cmd -b "$BUNDLE" "$CID"
		assert_clean_failure "$words"
		n=$((n + 1))
	done
	echo "# $cmd: $n injected failures, each a clean error" >&3
}

@test "faults: injected syscall failures during create fail cleanly" {
	need_strace
	set_args sleep 100
	run_injections create
}

@test "faults: injected syscall failures during run fail cleanly" {
	need_strace
	set_args /bin/true
	run_injections run
}

@test "faults: injected syscall failures during exec fail cleanly" {
	need_strace
	set_args sleep 100
	run_detached
	local spec init n=0
	for spec in "-e trace=clone,clone3 -e inject=clone,clone3:error=ENOMEM|Cannot allocate memory" \
		"-f -e trace=setns -e inject=setns:error=ENOMEM|Cannot allocate memory" \
		"-e trace=pidfd_open -e inject=pidfd_open:error=ENOMEM|Cannot allocate memory" \
		"-f -e trace=write -P /sys/fs/cgroup/pids/$CID/cgroup.procs -e inject=write:error=EIO|Input/output error" \
		"-f -e trace=sendto,sendmsg -e inject=sendto,sendmsg:error=EIO|exec failed" \
		"-e trace=recvmsg -e inject=recvmsg:error=EINTR:when=1|" \
		"-f -P /bin/true -e trace=execve -e inject=execve:error=ENOMEM|Cannot allocate memory"; do
		# shellcheck disable=SC2086
		inject_fail ${spec%%|*} -- env CORUN_TEST_TAG="$TAG" "$RUNTIME" --root "$ROOT" exec "$CID" /bin/true
		[ "$status" -ne 0 ] || [ -z "${spec#*|}" ] || fail "exec succeeded despite the injection"
		# 255: runc's status for an exec that could not start
		[ "$status" -lt 124 ] || [ "$status" -eq 255 ] || fail "exec died (status $status)"
		[ "$status" -eq 0 ] || [ -n "$output" ] || fail "exec failed without a word"
		[[ $output == *"${spec#*|}"* ]] || fail "the error does not say \"${spec#*|}\": $output"
		assert_equal "$(ct_status)" running
		# the init's pid first: a tagged "corun state" running beside
		# tagged_alive in one pipeline would count as left over
		init=$(ct_pid)
		for _ in $(seq 30); do
			[ "$(tagged_alive | grep -vcx "$init")" = 0 ] && break
			sleep 0.1
		done
		[ "$(tagged_alive | grep -vcx "$init")" = 0 ] ||
			fail "exec left processes: $(tagged_alive | grep -vx "$init" | xargs -r ps -o pid,stat,args -p)"
		n=$((n + 1))
	done
	echo "# exec: $n injected failures" >&3
}

@test "faults: the init dying while exec joins it makes exec fail promptly" {
	need_strace
	set_args sleep 100
	run_detached
	pid=$(ct_pid)
	# exec's helper is held 3 s before it joins the namespaces; the init
	# dies meanwhile
	strace -qq -o /dev/null -f -e trace=setns -e inject=setns:delay_enter=3000000 \
		env CORUN_TEST_TAG="$TAG" "$RUNTIME" --root "$ROOT" exec "$CID" sh -c 'sleep 100' \
		</dev/null >"$TEST_DIR/exec.out" 2>&1 3>&- &
	ex=$!
	sleep 1
	kill -9 "$pid"
	start=$(date +%s)
	rc=0
	wait "$ex" || rc=$?
	took=$(($(date +%s) - start))
	echo "exec: status $rc after ${took}s: $(cat "$TEST_DIR/exec.out")"
	[ "$rc" -ne 0 ] || fail "exec succeeded in a dead container"
	[ "$took" -le 8 ] || fail "exec took ${took}s"
	[ -s "$TEST_DIR/exec.out" ] || [ "$rc" -ge 128 ] || fail "exec failed without a word"
}

@test "faults: the init dying while an exec'd process runs ends exec promptly" {
	set_args sleep 100
	run_detached
	pid=$(ct_pid)
	runtime exec "$CID" sleep 100 </dev/null >"$TEST_DIR/exec.out" 2>&1 3>&- &
	ex=$!
	for _ in $(seq 50); do
		[ "$(tagged_alive | grep -vcx "$pid")" != 0 ] && break
		sleep 0.1
	done
	kill -9 "$pid"
	start=$(date +%s)
	rc=0
	wait "$ex" || rc=$?
	took=$(($(date +%s) - start))
	echo "exec: status $rc after ${took}s: $(cat "$TEST_DIR/exec.out")"
	[ "$rc" -ne 0 ] || fail "exec reported success"
	[ "$took" -le 5 ] || fail "exec took ${took}s to notice"
}
