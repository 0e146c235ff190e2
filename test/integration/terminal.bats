#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# process.terminal for create and run, driven through real ptys: script(1)
# gives the runtime a terminal of its own, recvtty takes a --console-socket.
# Every test name contains "terminal".

load helpers

need_script() {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
}

build_recvtty() {
	command -v gcc >/dev/null || skip "gcc is not installed: cannot build the recvtty helper"
	[ -x "$TEST_DIR/recvtty" ] || gcc -O2 -o "$TEST_DIR/recvtty" "$REPO_ROOT/test/helpers/recvtty.c"
}

# in_pty CMD: runs the shell command CMD on a fresh pty (script's), its
# output (the pty's, CRs removed) in $TEST_DIR/pty.out; stdin goes to the pty.
in_pty() {
	script -qec "$1" /dev/null >"$TEST_DIR/pty.out" 2>&1
	local rc=$?
	tr -d '\r' <"$TEST_DIR/pty.out" >"$TEST_DIR/pty.txt"
	cat "$TEST_DIR/pty.txt"
	return $rc
}

# What the container reports about its terminal, one "key value" a line.
TTY_REPORT='echo fd0 $(readlink /proc/self/fd/0)
echo console $(stat -c %t:%T /dev/console)
echo pty $(stat -c %t:%T $(readlink /proc/self/fd/0))
echo size $(stty size)
echo tty $(tty)'

setup_file_tty() {
	update_config '.process.terminal = true'
	set_args sh -c "$1"
}

@test "terminal: foreground run relays a pty that is /dev/console, consoleSize applies" {
	need_script
	setup_file_tty "$TTY_REPORT; exit 3"
	update_config '.process.consoleSize = {"height": 33, "width": 111}'
	run in_pty "stty -g >$TEST_DIR/before; CORUN_TEST_TAG=$TAG $RUNTIME --root $ROOT run -b $BUNDLE $CID; echo rc=\$?; stty -g >$TEST_DIR/after"
	assert_success
	assert_output_contains "rc=3" "tty /dev/pts/0" "fd0 /dev/pts/0"
	pty=$(awk '$1 == "pty" { print $2 }' "$TEST_DIR/pty.txt")
	console=$(awk '$1 == "console" { print $2 }' "$TEST_DIR/pty.txt")
	[ -n "$pty" ]
	[ "$pty" != "0:0" ]
	assert_equal "$console" "$pty"
	# script's pty has no size: the config's stays
	skip_if_runc "runc copies an unset (0x0) size over consoleSize"
	assert_output_contains "size 33 111"
	# raw mode while relaying, and the terminal as it was afterwards
	assert_equal "$(cat "$TEST_DIR/after")" "$(cat "$TEST_DIR/before")"
}

@test "terminal: foreground run takes our window size, input and exit code" {
	need_script
	setup_file_tty 'stty size; read line; echo "got:$line"; exit 7'
	update_config '.process.consoleSize = {"height": 33, "width": 111}'
	run in_pty "stty rows 20 cols 70; CORUN_TEST_TAG=$TAG $RUNTIME --root $ROOT run -b $BUNDLE $CID" \
		< <(sleep 1; echo hello-tty)
	assert_status 7
	assert_output_contains "20 70" "got:hello-tty"
	[ -z "$(ls -A "$ROOT")" ]
}

@test "terminal: SIGWINCH to the foreground run resizes the container's pty" {
	need_script
	setup_file_tty 'stty size; sleep 2; stty size'
	run in_pty "stty rows 20 cols 70; CORUN_TEST_TAG=$TAG $RUNTIME --root $ROOT run -b $BUNDLE $CID </dev/tty & sleep 1; stty rows 40 cols 100; wait"
	assert_success
	assert_output_contains "20 70" "40 100"
}

@test "terminal: create --console-socket sends the pty master; /dev/console is the pty" {
	build_recvtty
	setup_file_tty "$TTY_REPORT; read l; echo typed \$l"
	sock=$TEST_DIR/tty.sock
	"$TEST_DIR/recvtty" "$sock" $'abcde\n' >"$TEST_DIR/tty.out" 2>&1 &
	helper=$!
	wait_file "$sock"
	create_ct "$CID" --console-socket "$sock"
	assert_equal "$(ct_status)" created
	runtime start "$CID"
	wait "$helper"
	tr -d '\r' <"$TEST_DIR/tty.out" >"$TEST_DIR/tty.txt"
	cat "$TEST_DIR/tty.txt"
	# (the input comes first: the pty echoes it)
	grep -q "fd0 /dev/pts/0$" "$TEST_DIR/tty.txt"
	grep -qx "typed abcde" "$TEST_DIR/tty.txt"
	pty=$(awk '$1 == "pty" { print $2 }' "$TEST_DIR/tty.txt")
	console=$(awk '$1 == "console" { print $2 }' "$TEST_DIR/tty.txt")
	[ -n "$pty" ]
	assert_equal "$console" "$pty"
	wait_status "$CID" stopped
	runtime delete "$CID"
}

@test "terminal: run -d --console-socket hands the pty over" {
	build_recvtty
	setup_file_tty 'read l; echo "run-d:$l"'
	sock=$TEST_DIR/tty.sock
	"$TEST_DIR/recvtty" "$sock" $'line\n' >"$TEST_DIR/tty.out" 2>&1 &
	helper=$!
	wait_file "$sock"
	run_detached "$CID" --console-socket "$sock"
	wait "$helper"
	grep -q "run-d:line" "$TEST_DIR/tty.out"
	wait_status "$CID" stopped
	runtime delete "$CID"
}

@test "terminal: without a console socket create and run -d fail, as a socket in the foreground" {
	setup_file_tty 'true'
	run runtime create -b "$BUNDLE" "$CID" </dev/null
	assert_failure
	assert_output_contains "cannot allocate tty if" "detach without setting console socket"
	run runtime run -d -b "$BUNDLE" "$CID" </dev/null
	assert_failure
	assert_output_contains "cannot allocate tty if"
	run runtime run --console-socket "$TEST_DIR/none.sock" -b "$BUNDLE" "$CID" </dev/null
	assert_failure
	assert_output_contains "cannot use console socket if"
	update_config '.process.terminal = false'
	run runtime create --console-socket "$TEST_DIR/none.sock" -b "$BUNDLE" "$CID" </dev/null
	assert_failure
	assert_output_contains "cannot use console socket if"
	assert_nothing_left
}

@test "terminal: engine flow: create --console-socket, start, exec -t, kill, delete" {
	build_recvtty
	setup_file_tty 'echo init-up; exec sleep 1000'
	sock=$TEST_DIR/init.sock
	"$TEST_DIR/recvtty" "$sock" "" >"$TEST_DIR/init.out" 2>&1 &
	init_helper=$!
	wait_file "$sock"
	create_ct "$CID" --console-socket "$sock" --pid-file "$TEST_DIR/init.pid"
	runtime start "$CID"
	assert_equal "$(ct_status)" running
	esock=$TEST_DIR/exec.sock
	"$TEST_DIR/recvtty" "$esock" $'echo EXEC-$((6*7)); tty; exit 0\n' >"$TEST_DIR/exec.out" 2>&1 &
	exec_helper=$!
	wait_file "$esock"
	runtime exec -d -t --console-socket "$esock" --pid-file "$TEST_DIR/exec.pid" "$CID" sh \
		</dev/null >/dev/null 2>&1 3>&-
	wait "$exec_helper"
	grep -q "EXEC-42" "$TEST_DIR/exec.out"
	grep -q "^/dev/pts/1" "$TEST_DIR/exec.out"
	runtime kill "$CID" KILL
	wait_status "$CID" stopped
	wait "$init_helper"
	grep -q "init-up" "$TEST_DIR/init.out"
	runtime delete "$CID"
	[ -z "$(ls -A "$ROOT")" ]
}
