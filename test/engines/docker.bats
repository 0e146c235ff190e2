#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# dockerd running busybox containers with the runtime under test, added by
# path (`--add-runtime eng=PATH`, the default runtime). The test starts its
# own dockerd (with the containerd it manages) in a network namespace of its
# own, with its own data, exec root, socket and pid file, no iptables and
# no bridge, so the host's network is never touched; stopped by pid after.

bats_require_minimum_version 1.5.0
load helpers

DOCKER=/usr/bin/docker # the engine's own client (another may be on PATH)

setup_file() {
	ENGINE_SKIP=$(engine_check dockerd containerd unshare)
	[ -n "$ENGINE_SKIP" ] || [ -x "$DOCKER" ] || ENGINE_SKIP="$DOCKER is not installed"
	export ENGINE_SKIP
	[ -z "$ENGINE_SKIP" ] || return 0
	DK_DIR=$(mktemp -d /tmp/dkXXXX)
	DK_CG=${DK_DIR#/tmp/}
	export DK_DIR DK_CG
	mkdir "$DK_DIR/vol" "$DK_DIR/cfg"
	echo '{}' >"$DK_DIR/daemon.json"
	cat >"$DK_DIR/docker" <<-SH
		#!/bin/sh
		export DOCKER_CONFIG="$DK_DIR/cfg"
		exec $DOCKER -H "unix://$DK_DIR/d.sock" "\$@"
	SH
	chmod +x "$DK_DIR/docker"
	unshare -n dockerd --config-file "$DK_DIR/daemon.json" --data-root "$DK_DIR/data" \
		--exec-root "$DK_DIR/x" --pidfile "$DK_DIR/dockerd.pid" -H "unix://$DK_DIR/d.sock" \
		--add-runtime "eng=$ENGINE_RUNTIME" --default-runtime eng \
		--iptables=false --ip6tables=false --bridge=none --ip-masq=false \
		--exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$DK_CG" \
		--storage-driver vfs --default-ulimit "nofile=$NOFILE" --default-ulimit "nproc=$NPROC" \
		>"$DK_DIR/dockerd.log" 2>&1 </dev/null 3>&- &
	echo $! >"$DK_DIR/unshare.pid"
	wait_until dk version || wait_until dk version || {
		tail -20 "$DK_DIR/dockerd.log" >&2
		return 1
	}
	local img
	img=$(image_dir) || return 1
	dk load -q -i "$img/image.tar" >/dev/null
}

teardown_file() {
	[ -n "${DK_DIR:-}" ] || return 0
	local ids
	ids=$(dk ps -aq 2>/dev/null)
	[ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1
	# unshare execs dockerd: the same pid
	stop_pid "$(cat "$DK_DIR/unshare.pid")"
	umount_under "$DK_DIR"
	rm -rf "$DK_DIR"
	cgroup_cleanup "$DK_CG"
}

dk() { timeout -k 5 "$ENGINE_TIMEOUT" "$DK_DIR/docker" "$@"; }

# dkrun ARGS...: run, with loopback only.
dkrun() { dk run --network none "$@"; }

@test "docker: run prints the output and passes exit codes through" {
	run dkrun --rm "$IMAGE" echo hello-docker
	assert_success
	assert_equal "$output" hello-docker
	run dkrun --rm "$IMAGE" sh -c 'exit 3'
	assert_status 3
	run -127 dkrun --rm "$IMAGE" /no/such/binary
	assert_status 127
	assert_output_contains /no/such/binary
}

@test "docker: --device under docker's default seccomp profile" {
	run dkrun --rm --device /dev/zero:/dev/myzero "$IMAGE" sh -c \
		'head -c 4 /dev/myzero | od -An -tx1; grep Seccomp: /proc/self/status; stat -c "%F %t:%T" /dev/myzero'
	assert_success
	assert_output_contains "00 00 00 00" "Seccomp:	2" "character special file 1:5"
}

@test "docker: run -t gives the container a terminal" {
	run in_tty "$DK_DIR/docker" run --network none --rm -t "$IMAGE" \
		sh -c 'tty; test -t 0 && echo is-a-tty'
	assert_success
	assert_output_contains /dev/pts/ is-a-tty
}

@test "docker: detached run, exec (also -t), ps, stop, rm" {
	run dkrun -d --name dk-life "$IMAGE" sleep 1000
	assert_success
	run dk ps --format '{{.Names}} {{.Status}}'
	assert_output_contains "dk-life Up"
	run dk exec dk-life sh -c 'echo in-exec; exit 4'
	assert_status 4
	assert_equal "$output" in-exec
	run in_tty "$DK_DIR/docker" exec -t dk-life tty
	assert_success
	assert_output_contains /dev/pts/
	# sleep as pid 1 ignores SIGTERM: stop has to SIGKILL it
	run dk stop -t 1 dk-life
	assert_success
	run dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' dk-life
	assert_equal "$output" "exited 137"
	run dk rm dk-life
	assert_success
	run dk ps -aq --filter name=dk-life
	assert_equal "$output" ""
}

@test "docker: top lists the container's processes" {
	"$ENGINE_RUNTIME" ps --help >/dev/null 2>&1 || skip "the runtime has no ps command"
	dkrun -d --name dk-top "$IMAGE" sleep 1000
	run dk top dk-top
	assert_success
	assert_output_contains "sleep 1000"
	dk rm -f dk-top
}

@test "docker: stop delivers SIGTERM to a container that handles it" {
	dkrun -d --name dk-term "$IMAGE" sh -c 'trap "exit 5" TERM; while :; do sleep 0.1; done'
	run dk stop -t 10 dk-term
	assert_success
	run dk inspect -f '{{.State.ExitCode}}' dk-term
	assert_equal "$output" 5
	dk rm dk-term
}

@test "docker: pause and unpause" {
	dkrun -d --name dk-pause "$IMAGE" sleep 1000
	run dk pause dk-pause
	assert_success
	run dk inspect -f '{{.State.Status}}' dk-pause
	assert_equal "$output" paused
	run dk unpause dk-pause
	assert_success
	run dk exec dk-pause echo awake
	assert_equal "$output" awake
	dk rm -f dk-pause
}

@test "docker: memory, pids and cpu limits in the container's cgroup" {
	run dkrun --rm --memory 64m --pids-limit 50 --cpus 0.5 "$IMAGE" cat \
		/sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max \
		/sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us
	assert_success
	assert_equal "$(echo $output)" "67108864 50 50000 100000"
}

@test "docker: env, user and workdir" {
	run dkrun --rm -e FOO=bar -u 1000:1000 -w /home/user "$IMAGE" \
		sh -c 'echo $FOO $(id -u) $(id -g) $(pwd)'
	assert_success
	assert_equal "$output" "bar 1000 1000 /home/user"
}

@test "docker: read-only rootfs and a bind-mounted volume" {
	echo from-host >"$DK_DIR/vol/in"
	run dkrun --rm --read-only -v "$DK_DIR/vol:/data" "$IMAGE" \
		sh -c 'cat /data/in; echo from-ct >/data/out; touch /bin/x || echo ro-ok'
	assert_success
	assert_output_contains from-host ro-ok
	assert_equal "$(cat "$DK_DIR/vol/out")" from-ct
}

@test "docker: loopback networking inside the container" {
	run dkrun --rm "$IMAGE" sh -c \
		'nc -l -p 8080 -e echo pong & sleep 0.5; sleep 1 | nc -w 3 127.0.0.1 8080; wait'
	assert_success
	assert_equal "$output" pong
}

@test "docker: stats and kill with a signal" {
	dkrun -d --name dk-kill "$IMAGE" sh -c \
		'trap "echo got-usr1; exit 7" USR1; while :; do sleep 0.1; done'
	run dk stats --no-stream --format '{{.Name}} {{.PIDs}}' dk-kill
	assert_success
	assert_output_contains dk-kill
	run dk kill -s USR1 dk-kill
	assert_success
	run dk wait dk-kill
	assert_equal "$output" 7
	run dk logs dk-kill
	assert_output_contains got-usr1
	dk rm dk-kill
}

@test "docker: several containers in parallel" {
	local i pids=()
	for i in 1 2 3 4 5 6; do
		dkrun --rm "$IMAGE" sh -c "echo par-$i" >"$DK_DIR/par$i" 2>&1 </dev/null 3>&- &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || fail "container $((i + 1)): $(cat "$DK_DIR/par$((i + 1))")"
	done
	for i in 1 2 3 4 5 6; do
		assert_equal "$(cat "$DK_DIR/par$i")" "par-$i"
	done
}
