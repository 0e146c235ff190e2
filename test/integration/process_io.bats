#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Process plumbing without a terminal: stdio pass-through, socket
# activation (LISTEN_FDS), sd_notify (NOTIFY_SOCKET), --pidfd-socket and ps.
# Every test name contains "process io".

load helpers

# build NAME [gcc flags]: test/helpers/NAME.c into $TEST_DIR/NAME.
build() {
	command -v gcc >/dev/null || skip "gcc is not installed: cannot build the $1 helper"
	local name=$1
	shift
	gcc -O2 "$@" -o "$TEST_DIR/$name" "$REPO_ROOT/test/helpers/$name.c" ||
		skip "cannot build the $name helper (gcc $*)"
}

# listen_notify: a unix datagram socket at $TEST_DIR/notify.sock standing
# for systemd's; every datagram it gets is appended to $TEST_DIR/notify.log
# followed by a line "---".
listen_notify() {
	python3 - "$TEST_DIR/notify.sock" "$TEST_DIR/notify.log" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], "a") as f:
    while True:
        try:
            d = s.recv(4096)
        except socket.timeout:
            break
        f.write(d.decode() + "---\n")
        f.flush()
PY
	NOTIFY_PID=$!
	TEARDOWN_EXTRA='kill $NOTIFY_PID 2>/dev/null'
	wait_file "$TEST_DIR/notify.sock"
}

# A container whose process sends MESSAGE over $NOTIFY_SOCKET then runs CMD.
notify_ct() {
	command -v python3 >/dev/null || skip "python3 is not installed"
	build sdnotify -static
	cp "$TEST_DIR/sdnotify" "$BUNDLE/rootfs/sdnotify"
	set_args /sdnotify "$@"
	listen_notify
}

@test "process io: without a terminal, pipes and files given to create reach the process" {
	set_args sh -c 'cat; readlink /proc/self/fd/0; echo to-stderr >&2'
	echo piped-in | runtime create -b "$BUNDLE" "$CID" >"$TEST_DIR/out" 2>"$TEST_DIR/err"
	runtime start "$CID"
	wait_status "$CID" stopped
	cat "$TEST_DIR/out" "$TEST_DIR/err"
	assert_equal "$(sed -n 1p "$TEST_DIR/out")" piped-in
	[[ $(sed -n 2p "$TEST_DIR/out") == pipe:* ]]
	assert_equal "$(cat "$TEST_DIR/err")" to-stderr
	runtime delete "$CID"
}

@test "process io: LISTEN_FDS fds come first, --preserve-fds after, LISTEN_PID is the process's" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	set_args sh -c 'echo "env $LISTEN_FDS $LISTEN_PID $LISTEN_FDNAMES"
		echo "fd3 $(readlink /proc/self/fd/3)"; echo "fd4 $(cat /proc/self/fd/4)"
		echo "fds $(ls /proc/self/fd | tr "\n" " ")"'
	echo preserved >"$TEST_DIR/four"
	# binds a listening socket at fd 3 and execs the runtime as systemd would
	run python3 - "$TEST_DIR/act.sock" "$RUNTIME" --root "$ROOT" run --preserve-fds 1 \
		-b "$BUNDLE" "$CID" 4<"$TEST_DIR/four" </dev/null <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
os.dup2(s.fileno(), 3)
print("inode", os.fstat(3).st_ino, flush=True)
os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES="web",
                  CORUN_TEST_TAG=os.environ.get("TAG", ""))
os.execv(sys.argv[2], sys.argv[2:])
PY
	assert_success
	inode=$(awk '$1 == "inode" { print $2 }' <<<"$output")
	# runc writes LISTEN_PID=1 and drops LISTEN_FDNAMES
	assert_output_contains "env 1 1" "fd3 socket:[$inode]" "fd4 preserved"
	# stdio, the two fds, and ls's own directory fd: nothing else
	assert_output_contains "fds 0 1 2 3 4 5 "
	assert_output_not_contains " 6 "
	skip_if_runc "runc does not pass LISTEN_FDNAMES"
	assert_output_contains "env 1 1 web"
}

@test "process io: LISTEN_FDS meant for another process is ignored" {
	set_args sh -c 'echo "env:$LISTEN_FDS:$LISTEN_PID"; ls /proc/self/fd | tr "\n" " "'
	LISTEN_FDS=1 LISTEN_PID=1 run runtime run -b "$BUNDLE" "$CID" 3</dev/null </dev/null
	assert_success
	assert_output_contains "env::" "0 1 2 3 "
	assert_output_not_contains "0 1 2 3 4 "
}

@test "process io: NOTIFY_SOCKET: run -d relays READY=1 with MAINPID of the init" {
	skip_if_runc "runc 1.1.5 run -d with NOTIFY_SOCKET does not return"
	notify_ct $'STATUS=starting\nMAINPID=1\nREADY=1' sh -c \
		'echo "$NOTIFY_SOCKET"; ls -l /run/notify; echo listed; exec sleep 1000'
	NOTIFY_SOCKET=$TEST_DIR/notify.sock run_detached
	pid=$(ct_pid)
	cat "$TEST_DIR/notify.log"
	# READY=1 came through before run -d returned
	grep -qx "READY=1" "$TEST_DIR/notify.log"
	grep -qx "MAINPID=$pid" "$TEST_DIR/notify.log"
	assert_equal "$(grep -cx "MAINPID=1" "$TEST_DIR/notify.log")" 0
	for _ in $(seq 50); do
		grep -q listed "$(ct_log)" && break
		sleep 0.1
	done
	cat "$(ct_log)"
	grep -qx /run/notify/notify.sock "$(ct_log)"
	grep -q "^s.* notify.sock" "$(ct_log)"
	skip_if_runc "runc passes on the READY=1 line only"
	grep -qx "STATUS=starting" "$TEST_DIR/notify.log"
	runtime delete -f "$CID"
}

@test "process io: NOTIFY_SOCKET: create, then start waits for READY=1" {
	notify_ct READY=1 sleep 1000
	NOTIFY_SOCKET=$TEST_DIR/notify.sock create_ct
	[ ! -s "$TEST_DIR/notify.log" ]
	NOTIFY_SOCKET=$TEST_DIR/notify.sock runtime start "$CID"
	cat "$TEST_DIR/notify.log"
	grep -qx "READY=1" "$TEST_DIR/notify.log"
	grep -qx "MAINPID=$(ct_pid)" "$TEST_DIR/notify.log"
	runtime delete -f "$CID"
}

@test "process io: NOTIFY_SOCKET: foreground run relays with its own pid as MAINPID" {
	notify_ct $'READY=1\nSTATUS=serving' true
	NOTIFY_SOCKET=$TEST_DIR/notify.sock run runtime run -b "$BUNDLE" "$CID" </dev/null
	assert_success
	cat "$TEST_DIR/notify.log"
	grep -qx "READY=1" "$TEST_DIR/notify.log"
	grep -qE "^MAINPID=[0-9]+$" "$TEST_DIR/notify.log"
	skip_if_runc "runc passes on the READY=1 line only"
	grep -qx "STATUS=serving" "$TEST_DIR/notify.log"
}

@test "process io: NOTIFY_SOCKET: start returns when the container stops without READY=1" {
	skip_if_runc "runc 1.1.5 waits for its zombie child to go away"
	notify_ct STATUS=no-ready true
	NOTIFY_SOCKET=$TEST_DIR/notify.sock run_detached
	wait_status "$CID" stopped
	runtime delete "$CID"
	assert_equal "$(grep -c "READY=1" "$TEST_DIR/notify.log")" 0
	skip_if_runc "runc passes on the READY=1 line only"
	grep -qx "STATUS=no-ready" "$TEST_DIR/notify.log"
}

@test "process io: --pidfd-socket gets a pidfd of the init (create, run -d) and of exec" {
	skip_if_runc "--pidfd-socket is newer than runc 1.1"
	build recvpidfd
	set_args sleep 1000
	sock=$TEST_DIR/pidfd.sock
	"$TEST_DIR/recvpidfd" "$sock" >"$TEST_DIR/pidfd.out" 2>&1 &
	wait_file "$sock"
	create_ct "$CID" --pidfd-socket "$sock"
	wait $!
	cat "$TEST_DIR/pidfd.out"
	grep -q "pid=$(ct_pid) signal0=ok" "$TEST_DIR/pidfd.out"
	runtime start "$CID"

	rm -f "$sock"
	"$TEST_DIR/recvpidfd" "$sock" >"$TEST_DIR/pidfd.out" 2>&1 &
	wait_file "$sock"
	runtime exec -d --pid-file "$TEST_DIR/exec.pid" --pidfd-socket "$sock" "$CID" sleep 1000 \
		</dev/null >/dev/null 2>&1 3>&-
	wait $!
	cat "$TEST_DIR/pidfd.out"
	grep -q "pid=$(cat "$TEST_DIR/exec.pid") signal0=ok" "$TEST_DIR/pidfd.out"

	rm -f "$sock"
	"$TEST_DIR/recvpidfd" "$sock" >"$TEST_DIR/pidfd.out" 2>&1 &
	wait_file "$sock"
	run_detached "${CID}b" --pidfd-socket "$sock"
	wait $!
	grep -q "pid=$(ct_pid "${CID}b") signal0=ok" "$TEST_DIR/pidfd.out"
}

@test "process io: --pidfd-socket without a listener fails and leaves nothing" {
	skip_if_runc "--pidfd-socket is newer than runc 1.1"
	set_args true
	run runtime create --pidfd-socket "$TEST_DIR/none.sock" -b "$BUNDLE" "$CID" </dev/null
	assert_failure
	assert_output_contains "pidfd socket"
	assert_nothing_left
}

@test "process io: ps lists the container's processes (json and table)" {
	set_args sh -c 'sleep 100 & sleep 101 & wait'
	run_detached
	for _ in $(seq 50); do
		[ "$(runtime ps -f json "$CID" | jq length)" = 3 ] && break
		sleep 0.1
	done
	run runtime ps -f json "$CID"
	assert_success
	assert_equal "$(jq length <<<"$output")" 3
	jq -e --argjson p "$(ct_pid)" 'index($p) != null' <<<"$output"
	run runtime ps "$CID"
	assert_success
	[[ ${lines[0]} == *PID* ]]
	assert_output_contains "sleep 100" "sleep 101"
	assert_equal "${#lines[@]}" 4
	run runtime ps "$CID" -o pid,args
	assert_success
	assert_equal "$(echo ${lines[0]})" "PID COMMAND"
	assert_output_contains "sleep 101"
	run runtime ps -f yaml "$CID"
	assert_failure
	assert_output_contains "invalid format option"
	run runtime ps "$CID" -o pid=
	assert_failure
	assert_output_contains "couldn't find PID field in ps output"
	run runtime ps nosuch
	assert_failure
	skip_if_runc "runc hands a -- after the id to ps"
	run runtime ps "$CID" -- -o pid,args
	assert_success
	assert_equal "$(echo ${lines[0]})" "PID COMMAND"
}

@test "process io: ps and kill -a reach processes in sub-cgroups (exec --cgroup)" {
	set_args sleep 100
	run_detached
	# a sub-cgroup in every hierarchy the container has
	for d in $(find /sys/fs/cgroup -maxdepth 8 -type d -name "$CID"); do
		mkdir "$d/sub"
		# a v1 cpuset cgroup takes no task before it has cpus and mems
		for f in cpuset.cpus cpuset.mems; do
			[ ! -e "$d/$f" ] || cat "$d/$f" >"$d/sub/$f"
		done
	done
	runtime exec -d --pid-file "$TEST_DIR/exec.pid" --cgroup sub "$CID" sleep 101
	epid=$(cat "$TEST_DIR/exec.pid")
	grep -q "/$CID/sub\$" "/proc/$epid/cgroup" || fail "not in the sub-cgroup: $(cat "/proc/$epid/cgroup")"
	run runtime ps -f json "$CID"
	assert_success
	jq -e --argjson p "$epid" 'index($p) != null' <<<"$output" || fail "ps misses $epid: $output"
	runtime kill -a "$CID" KILL
	wait_gone "$epid"
}

@test "process io: stdio on the host's /dev/null is the container's /dev/null, read-write" {
	set_args sleep 100
	# run_detached gives the runtime a log file for stdout: stdin only here
	runtime run -d -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&-
	pid=$(ct_pid)
	# CRIU can dump only files of the container's mounts (checkpoint)
	assert_equal "$(stat -L -c %d:%i "/proc/$pid/fd/0")" "$(stat -L -c %d:%i "/proc/$pid/root/dev/null")"
	assert_equal "$(stat -L -c %d:%i "/proc/$pid/fd/2")" "$(stat -L -c %d:%i "/proc/$pid/root/dev/null")"
	grep -q "^flags:.*2$" "/proc/$pid/fdinfo/0" || fail "not O_RDWR: $(cat "/proc/$pid/fdinfo/0")"
}
