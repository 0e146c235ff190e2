#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# containerd with its runc v2 shim running busybox containers with the
# runtime under test, driven by ctr: `ctr run --runtime io.containerd.runc.v2
# --runc-binary PATH`. The test starts its own containerd (own root, state,
# sockets; the CRI plugin off, so no CNI) and stops it by pid afterwards.
# ctr has no user, pids limit or stop: those scenarios are podman's/docker's.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	ENGINE_SKIP=$(engine_check containerd ctr containerd-shim-runc-v2)
	export ENGINE_SKIP
	[ -z "$ENGINE_SKIP" ] || return 0
	containerd_start
}

teardown_file() {
	containerd_stop
}

# ctrun ARGS... ID CMD...: run with the runtime under test.
ctrun() {
	ct run --runtime io.containerd.runc.v2 --runc-binary "$ENGINE_RUNTIME" "$@"
}

# ctrun_d ID CMD...: a detached container.
ctrun_d() { ctrun -d --null-io "$IMAGE" "$@" >/dev/null; }

# ct_rm ID: kills and removes a container.
ct_rm() {
	ct task kill -s SIGKILL "$1" >/dev/null 2>&1
	wait_until ct task rm "$1"
	ct containers rm "$1"
}

task_status() { ct task ls | awk -v id="$1" '$1 == id { print $3 }'; }
task_is() { [ "$(task_status "$1")" = "$2" ]; }

@test "containerd: run prints the output and passes exit codes through" {
	run ctrun --rm "$IMAGE" ct-run echo hello-containerd
	assert_success
	assert_equal "$output" hello-containerd
	run ctrun --rm "$IMAGE" ct-run sh -c 'exit 3'
	assert_status 3
	run ctrun --rm "$IMAGE" ct-run /no/such/binary
	assert_status 1
	assert_output_contains /no/such/binary
}

@test "containerd: --device under containerd's default seccomp profile" {
	[ -c /dev/net/tun ] || skip "no /dev/net/tun on this host"
	# a device no container has by default: made, and the cgroup lets it open
	run ctrun --rm --seccomp --device /dev/net/tun "$IMAGE" ct-dev sh -c \
		'stat -c "%F %t:%T" /dev/net/tun; exec 3<>/dev/net/tun 2>&1 && echo opened;
		grep Seccomp: /proc/self/status'
	assert_success
	assert_output_contains "character special file a:c8" "opened" "Seccomp:	2"
}

@test "containerd: run -t gives the container a terminal" {
	run in_tty "$CT_DIR/ctr" run --runtime io.containerd.runc.v2 --runc-binary "$ENGINE_RUNTIME" \
		--rm -t "$IMAGE" ct-tty sh -c 'tty; test -t 0 && echo is-a-tty'
	assert_success
	assert_output_contains /dev/pts/ is-a-tty
}

@test "containerd: detached run, exec (also -t), kill (TERM then KILL), rm" {
	ctrun_d ct-life sleep 1000
	assert_equal "$(task_status ct-life)" RUNNING
	run ct task exec --exec-id e1 ct-life sh -c 'echo in-exec; exit 4'
	assert_status 4
	assert_equal "$output" in-exec
	run in_tty "$CT_DIR/ctr" task exec -t --exec-id e2 ct-life tty
	assert_success
	assert_output_contains /dev/pts/
	# sleep as pid 1 ignores SIGTERM: it takes a SIGKILL
	ct task kill ct-life
	sleep 0.5
	assert_equal "$(task_status ct-life)" RUNNING
	ct task kill -s SIGKILL ct-life
	wait_until task_is ct-life STOPPED
	run ct task rm ct-life
	assert_success
	run ct containers rm ct-life
	assert_success
	assert_equal "$(ct containers ls -q)" ""
}

@test "containerd: task ps lists the container's processes" {
	"$ENGINE_RUNTIME" ps --help >/dev/null 2>&1 || skip "the runtime has no ps command"
	ctrun_d ct-ps sleep 1000
	run ct task ps ct-ps
	assert_success
	[ "$(echo "$output" | wc -l)" -ge 2 ] || fail "no processes: $output"
	ct_rm ct-ps
}

@test "containerd: pause and resume" {
	ctrun_d ct-pause sleep 1000
	run ct task pause ct-pause
	assert_success
	assert_equal "$(task_status ct-pause)" PAUSED
	run ct task resume ct-pause
	assert_success
	assert_equal "$(task_status ct-pause)" RUNNING
	run ct task exec --exec-id e1 ct-pause echo awake
	assert_equal "$output" awake
	ct_rm ct-pause
}

@test "containerd: memory and cpu limits in the container's cgroup" {
	# ctr's spec mounts no cgroupfs inside: read them on the host
	ctrun -d --null-io --memory-limit 67108864 --cpus 0.5 "$IMAGE" ct-lim sleep 1000 >/dev/null
	local cg=$CT_NS/ct-lim
	run cat /sys/fs/cgroup/memory/$cg/memory.limit_in_bytes \
		/sys/fs/cgroup/cpu/$cg/cpu.cfs_quota_us /sys/fs/cgroup/cpu/$cg/cpu.cfs_period_us
	assert_success
	assert_equal "$(echo $output)" "67108864 50000 100000"
	ct_rm ct-lim
}

@test "containerd: env and workdir" {
	run ctrun --rm --env FOO=bar --cwd /home/user "$IMAGE" ct-env sh -c 'echo $FOO $(pwd)'
	assert_success
	assert_equal "$output" "bar /home/user"
}

@test "containerd: read-only rootfs and a bind-mounted volume" {
	echo from-host >"$CT_DIR/vol/in"
	run ctrun --rm --read-only --mount "type=bind,src=$CT_DIR/vol,dst=/data,options=rbind:rw" \
		"$IMAGE" ct-ro sh -c 'cat /data/in; echo from-ct >/data/out; touch /bin/x 2>/dev/null || echo ro-ok; sleep 0.3'
	# (the sleep: on a loaded host ctr --rm once lost the last line of
	# stdout, still in its fifo when the task exited)
	assert_success
	assert_output_contains from-host ro-ok
	assert_equal "$(cat "$CT_DIR/vol/out")" from-ct
}

@test "containerd: loopback networking inside the container" {
	run ctrun --rm "$IMAGE" ct-net sh -c \
		'nc -l -p 8080 -e echo pong & sleep 0.5; sleep 1 | nc -w 3 127.0.0.1 8080; wait'
	assert_success
	assert_equal "$output" pong
}

@test "containerd: metrics and kill with a signal" {
	ctrun --rm "$IMAGE" ct-kill sh -c \
		'trap "echo got-usr1; exit 7" USR1; while :; do sleep 0.1; done' \
		>"$CT_DIR/kill.out" 2>&1 </dev/null 3>&- &
	local pid=$!
	wait_until task_is ct-kill RUNNING
	run ct task metrics ct-kill
	assert_success
	assert_output_contains memory.usage_in_bytes
	ct task kill -s SIGUSR1 ct-kill
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 7
	assert_equal "$(cat "$CT_DIR/kill.out")" got-usr1
}

@test "containerd: several containers in parallel" {
	local i pids=()
	for i in 1 2 3 4 5 6; do
		ctrun --rm "$IMAGE" "ct-par$i" echo "par-$i" >"$CT_DIR/par$i" 2>&1 </dev/null 3>&- &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || fail "container $((i + 1)): $(cat "$CT_DIR/par$((i + 1))")"
	done
	for i in 1 2 3 4 5 6; do
		assert_equal "$(cat "$CT_DIR/par$i")" "par-$i"
	done
}
