#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# podman (with conmon) running busybox containers with the runtime under
# test: `podman --runtime PATH`, cgroupfs manager, file events logger, its
# own storage (vfs) and config, no network but loopback, no daemon.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	ENGINE_SKIP=$(engine_check podman conmon)
	export ENGINE_SKIP
	[ -z "$ENGINE_SKIP" ] || return 0
	# Short paths: conmon's exit handling stalls on long ones.
	PM_DIR=$(mktemp -d /tmp/pmXXXX)
	PM_CG=${PM_DIR#/tmp/}
	export PM_DIR PM_CG
	mkdir "$PM_DIR/vol"
	cat >"$PM_DIR/containers.conf" <<-CONF
		[containers]
		default_ulimits = ["nofile=$NOFILE", "nproc=$NPROC"]
		netns = "none"
		cgroupns = "host"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$PM_DIR/events.log"
	CONF
	# One command for every call, also those under in_tty.
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
}

pm() { timeout -k 5 "$ENGINE_TIMEOUT" "$PM_DIR/pm" "$@"; }

# pmrun ARGS...: run with the test's cgroup parent.
pmrun() { pm run --cgroup-parent "/$PM_CG" "$@"; }

@test "podman: run prints the output and passes exit codes through" {
	run pmrun --rm "$IMAGE" echo hello-podman
	assert_success
	assert_equal "$output" hello-podman
	run pmrun --rm "$IMAGE" sh -c 'exit 3'
	assert_status 3
	# A failed create reaches the user with the runtime's reason.
	run -127 pmrun --rm "$IMAGE" /no/such/binary
	assert_status 127
	assert_output_contains /no/such/binary
}

@test "podman: --device (fileMode with the type bits) under podman's default seccomp profile" {
	run pmrun --rm --device /dev/zero:/dev/myzero "$IMAGE" sh -c \
		'head -c 4 /dev/myzero | od -An -tx1; grep Seccomp: /proc/self/status; stat -c "%F %t:%T" /dev/myzero'
	assert_success
	assert_output_contains "00 00 00 00" "Seccomp:	2" "character special file 1:5"
}

@test "podman: run -t gives the container a terminal" {
	run in_tty "$PM_DIR/pm" run --rm -t --cgroup-parent "/$PM_CG" "$IMAGE" sh -c 'tty; test -t 0 && echo is-a-tty'
	assert_success
	assert_output_contains /dev/pts/ is-a-tty
}

@test "podman: detached run, exec (also -t), ps, top, stop, rm" {
	run pmrun -d --name pm-life "$IMAGE" sleep 1000
	assert_success
	run pm ps --format '{{.Names}} {{.Status}}'
	assert_output_contains "pm-life Up"
	run pm exec pm-life sh -c 'echo in-exec; exit 4'
	assert_status 4
	assert_equal "$output" in-exec
	run in_tty "$PM_DIR/pm" exec -t pm-life tty
	assert_success
	assert_output_contains /dev/pts/
	run pm top pm-life
	assert_success
	assert_output_contains "sleep 1000"
	# sleep as pid 1 ignores SIGTERM: stop has to SIGKILL it.
	run pm stop -t 1 pm-life
	assert_success
	run pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' pm-life
	assert_equal "$output" "exited 137"
	run pm rm pm-life
	assert_success
	run pm ps -a -q --filter name=pm-life
	assert_equal "$output" ""
}

@test "podman: stop delivers SIGTERM to a container that handles it" {
	pmrun -d --name pm-term "$IMAGE" sh -c 'trap "exit 5" TERM; while :; do sleep 0.1; done'
	run pm stop -t 10 pm-term
	assert_success
	run pm inspect -f '{{.State.ExitCode}}' pm-term
	assert_equal "$output" 5
	pm rm pm-term
}

@test "podman: pause and unpause" {
	pmrun -d --name pm-pause "$IMAGE" sleep 1000
	run pm pause pm-pause
	assert_success
	run pm inspect -f '{{.State.Status}}' pm-pause
	assert_equal "$output" paused
	run pm unpause pm-pause
	assert_success
	run pm exec pm-pause echo awake
	assert_equal "$output" awake
	pm rm -f -t 0 pm-pause
}

@test "podman: memory, pids and cpu limits in the container's cgroup" {
	run pmrun --rm --memory 64m --pids-limit 50 --cpus 0.5 "$IMAGE" cat \
		/sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max \
		/sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us
	assert_success
	assert_equal "$(echo $output)" "67108864 50 50000 100000"
}

@test "podman: env, user and workdir" {
	run pmrun --rm -e FOO=bar -u 1000:1000 -w /home/user "$IMAGE" \
		sh -c 'echo $FOO $(id -u) $(id -g) $(pwd)'
	assert_success
	assert_equal "$output" "bar 1000 1000 /home/user"
}

@test "podman: read-only rootfs and a bind-mounted volume" {
	echo from-host >"$PM_DIR/vol/in"
	run pmrun --rm --read-only -v "$PM_DIR/vol:/data" "$IMAGE" \
		sh -c 'cat /data/in; echo from-ct >/data/out; touch /bin/x || echo ro-ok'
	assert_success
	assert_output_contains from-host ro-ok
	assert_equal "$(cat "$PM_DIR/vol/out")" from-ct
}

@test "podman: loopback networking inside the container" {
	run pmrun --rm "$IMAGE" sh -c \
		'nc -l -p 8080 -e echo pong & sleep 0.5; sleep 1 | nc -w 3 127.0.0.1 8080; wait'
	assert_success
	assert_equal "$output" pong
}

@test "podman: stats and kill with a signal" {
	pmrun -d --name pm-kill "$IMAGE" sh -c \
		'trap "echo got-usr1; exit 7" USR1; while :; do sleep 0.1; done'
	run pm stats --no-stream --format '{{.Name}} {{.PIDs}}' pm-kill
	assert_success
	assert_output_contains pm-kill
	run pm kill -s USR1 pm-kill
	assert_success
	run pm wait pm-kill
	assert_equal "$output" 7
	run pm logs pm-kill
	assert_output_contains got-usr1
	pm rm pm-kill
}

@test "podman: several containers in parallel" {
	local i pids=()
	for i in 1 2 3 4 5 6; do
		pmrun --rm "$IMAGE" sh -c "echo par-$i" >"$PM_DIR/par$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || fail "container $((i + 1)): $(cat "$PM_DIR/par$((i + 1))")"
	done
	for i in 1 2 3 4 5 6; do
		assert_equal "$(cat "$PM_DIR/par$i")" "par-$i"
	done
}
