#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# CVE-2024-21626: a runtime fd on a host directory left open into the
# container's process lets process.cwd or args[0] ("/proc/self/fd/N/..")
# reach the host. Every form: run and exec, cwd and args, an image
# symlink /bin/sh -> /proc/self/fd/N/..., fds 3 to 12, and fds inherited
# from corun's caller (a host directory open on fd 11).
# The host "program" announces itself with HOSTPROG-RAN (sec.bash).

load sec

host_prog_via() { echo "/proc/self/fd/$1/$UP$HOST_DIR/bin/prog"; }

# assert_not_host_prog: the host program did not run; the host is intact.
assert_not_host_prog() {
	assert_output_not_contains HOSTPROG-RAN
	assert_host_target_intact
}

@test "CVE-2024-21626: run with args[0] /proc/self/fd/N/.. (N = 3..12) never runs a host program" {
	make_host_target
	for n in $(seq 3 12); do
		set_args "$(host_prog_via "$n")"
		run runtime run -b "$BUNDLE" "$CID-$n" </dev/null
		echo "fd $n: status $status: $output"
		assert_not_host_prog
		runtime delete -f "$CID-$n" 2>/dev/null || true
	done
}

@test "CVE-2024-21626: run with cwd /proc/self/fd/N (N = 3..12) stays in the container" {
	make_host_target
	for n in $(seq 3 12); do
		update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		set_args sh -c 'cat "$(pwd)/'"$UP$HOST_DIR"'/mark" "'"$UP$HOST_DIR"'/mark" 2>/dev/null; readlink /proc/self/cwd'
		run runtime run -b "$BUNDLE" "$CID-$n" </dev/null
		echo "fd $n: status $status: $output"
		assert_output_not_contains "host secret"
		assert_output_not_contains "$TEST_DIR"
		runtime delete -f "$CID-$n" 2>/dev/null || true
	done
}

# A1: the runtime's own fds of exec.
@test "CVE-2024-21626 (A1): exec with args[0] /proc/self/fd/N/.. (N = 3..12) never runs a host program" {
	make_host_target
	set_args sleep 100
	run_detached
	for n in $(seq 3 12); do
		run runtime exec "$CID" "$(host_prog_via "$n")" </dev/null
		echo "fd $n: status $status: $output"
		assert_not_host_prog
	done
}

@test "CVE-2024-21626 (A1): exec --cwd /proc/self/fd/N (N = 3..12) stays in the container" {
	make_host_target
	set_args sleep 100
	run_detached
	for n in $(seq 3 12); do
		run runtime exec --cwd "/proc/self/fd/$n" "$CID" sh -c \
			'cat "'"$UP$HOST_DIR"'/mark" 2>/dev/null; readlink /proc/self/cwd'
		echo "fd $n: status $status: $output"
		assert_output_not_contains "host secret"
		assert_output_not_contains "$TEST_DIR"
	done
}

# A1, the image form: a plain `exec ID sh` runs whatever /bin/sh names.
@test "CVE-2024-21626 (A1): an image /bin/sh -> /proc/self/fd/N/.. never makes exec run a host program" {
	make_host_target
	set_args sleep 100
	run_detached
	for n in $(seq 3 12); do
		ln -sfn "$(host_prog_via "$n")" "$BUNDLE/rootfs/bin/sh"
		run runtime exec "$CID" sh -c 'echo container-sh'
		echo "fd $n: status $status: $output"
		assert_not_host_prog
	done
}

@test "CVE-2024-21626: an image entry point symlink -> /proc/self/fd/N/.. never makes run run a host program" {
	make_host_target
	for n in $(seq 3 12); do
		ln -sfn "$(host_prog_via "$n")" "$BUNDLE/rootfs/bin/entry"
		set_args /bin/entry
		run runtime run -b "$BUNDLE" "$CID-$n" </dev/null
		echo "fd $n: status $status: $output"
		assert_not_host_prog
		runtime delete -f "$CID-$n" 2>/dev/null || true
	done
}

# A2: corun's caller holds a host directory open on fd 11 (given to each
# command as a redirection: bash keeps fds of its own around 10).
@test "CVE-2024-21626 (A2): a host directory the caller has open on fd 11 does not reach run" {
	make_host_target
	set_args /proc/self/fd/11/bin/prog
	run runtime run -b "$BUNDLE" "$CID" </dev/null 11<"$HOST_DIR"
	echo "args[0] fd 11: status $status: $output"
	assert_not_host_prog
	runtime delete -f "$CID" 2>/dev/null || true
	set_args "/proc/self/fd/11/$UP$HOST_DIR/bin/prog"
	run runtime run -b "$BUNDLE" "$CID" </dev/null 11<"$HOST_DIR"
	echo "args[0] fd 11/..: status $status: $output"
	assert_not_host_prog
}

@test "CVE-2024-21626 (A2): a host directory the caller has open on fd 11 does not reach exec" {
	make_host_target
	set_args sleep 100
	run_detached
	run runtime exec "$CID" /proc/self/fd/11/bin/prog 11<"$HOST_DIR"
	echo "args[0] fd 11: status $status: $output"
	assert_not_host_prog
	run runtime exec "$CID" "/proc/self/fd/11/$UP$HOST_DIR/bin/prog" 11<"$HOST_DIR"
	echo "args[0] fd 11/..: status $status: $output"
	assert_not_host_prog
	run runtime exec --cwd /proc/self/fd/11 "$CID" sh -c 'cat mark ../mark 2>/dev/null; pwd' \
		11<"$HOST_DIR"
	echo "cwd fd 11: status $status: $output"
	assert_output_not_contains "host secret"
}

@test "CVE-2024-21626 (A2): a host directory open on fd 11 does not reach a created container's start" {
	make_host_target
	set_args /proc/self/fd/11/bin/prog
	runtime create -b "$BUNDLE" "$CID" >"$(ct_log)" 2>&1 </dev/null 3>&- 11<"$HOST_DIR" || true
	runtime start "$CID" 11<"$HOST_DIR" 2>/dev/null || true
	sleep 0.3
	run cat "$(ct_log)"
	echo "$output"
	assert_not_host_prog
}
