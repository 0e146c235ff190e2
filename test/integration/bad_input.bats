#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Input that is not what it should be - config.json, state.json, exec -p
# files that are FIFOs, devices, directories, huge or symlinks; strings
# with NUL bytes or invalid UTF-8; a --root that is no directory - gets a
# clear error, quickly: never a hang, a crash or a write through a symlink.
# Every runtime call is bounded (RUNTIME_TIMEOUT below); a hang shows as
# exit 124 or 137.

load helpers

RUNTIME_TIMEOUT=15

# bounded_fail CMD...: runs the runtime, expects a plain failure (exit 1,
# or 255 from exec as in runc: no timeout, no signal) and keeps the output
# in $output.
bounded_fail() {
	status=0
	runtime "$@" >"$TEST_DIR/out" 2>&1 </dev/null 3>&- || status=$?
	output=$(cat "$TEST_DIR/out")
	[ "$status" -eq 1 ] || { [ "$1" = exec ] && [ "$status" -eq 255 ]; } ||
		fail "$*: exit status $status, expected 1 (124/137: it hung): $output"
}

# config_refused WHAT...: create and run fail at once and leave nothing;
# corun's error names each WHAT.
config_refused() {
	local cmd
	for cmd in create run; do
		bounded_fail "$cmd" -b "$BUNDLE" "$CID"
		assert_nothing_left
		if [ "$RUNTIME_NAME" = corun ]; then
			assert_output_contains "$@"
		fi
	done
}

@test "bad input: config.json is a FIFO without a writer" {
	skip_if_runc "runc blocks in open(2) until someone writes"
	rm "$BUNDLE/config.json"
	mkfifo "$BUNDLE/config.json"
	config_refused "read config.json: not a regular file (a FIFO)"
}

@test "bad input: config.json is a character device" {
	ln -sf /dev/zero "$BUNDLE/config.json"
	# runc reads it: "invalid character '\x00' looking for beginning of value"
	config_refused "read config.json: not a regular file (a character device)"
}

@test "bad input: config.json is a directory" {
	rm "$BUNDLE/config.json"
	mkdir "$BUNDLE/config.json"
	config_refused "read config.json: Is a directory" # runc: "read config.json: is a directory"
}

@test "bad input: config.json of a gigabyte is refused before reading" {
	truncate -s 1G "$BUNDLE/config.json"
	local t0=$SECONDS
	config_refused "read config.json: larger than 16777216 bytes"
	[ $((SECONDS - t0)) -lt 10 ] || fail "took $((SECONDS - t0)) s"
}

@test "bad input: a symlinked config.json is followed, as in runc" {
	mv "$BUNDLE/config.json" "$TEST_DIR/real.json"
	ln -s "$TEST_DIR/real.json" "$BUNDLE/config.json"
	set_args true
	run run_ct
	assert_success
}

@test "bad input: run reads the bundle before it holds SIGTERM and SIGINT" {
	skip_if_runc "corun's own order of system calls"
	command -v strace >/dev/null || skip "no strace"
	set_args true
	# the config is opened before the first sigprocmask that blocks
	# signals: until then SIGTERM/SIGINT end `run` as they would any command
	# (LeakSanitizer cannot work under ptrace: off for a sanitizer build)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		run strace -f -qq -e trace=openat,rt_sigprocmask -o "$TEST_DIR/trace" \
		timeout 30 "$RUNTIME" --root "$ROOT" run -b "$BUNDLE" "$CID" </dev/null
	assert_success
	local cfg blk
	cfg=$(grep -n 'config.json' "$TEST_DIR/trace" | head -1 | cut -d: -f1)
	blk=$(grep -n 'rt_sigprocmask(SIG_BLOCK, ~\[' "$TEST_DIR/trace" | head -1 | cut -d: -f1)
	[ -n "$cfg" ] && [ -n "$blk" ] || fail "no config open or signal block in: $(cat "$TEST_DIR/trace")"
	[ "$cfg" -lt "$blk" ] || fail "signals blocked (line $blk) before config.json was read (line $cfg)"
}

# NUL and UTF-8: the kernel takes C strings, so a string with a NUL byte
# cannot reach it intact. corun refuses it naming the JSON path; runc
# passes what Go gives it (a hostname "a\0b" is set as such, args with a
# NUL fail at exec with "invalid argument").
@test "bad input: NUL bytes in config strings are refused with their JSON path" {
	skip_if_runc "runc passes them on (see above)"
	local filter path
	for filter in '.hostname = "a\u0000b"|hostname' \
		'.process.args = ["echo", "x\u0000y"]|process.args[1]' \
		'.process.env[0] = "A=\u0000"|process.env[0]' \
		'.process.cwd = "/\u0000tmp"|process.cwd' \
		'.mounts[0].destination = "/pro\u0000c"|mounts[0].destination' \
		'.annotations = {"k": "v\u0000"}|annotations' \
		'.linux.sysctl = {"net.ipv4.ip_forward": "1\u0000"}|linux.sysctl'; do
		path=${filter#*|}
		cp "$BATS_RUN_TMPDIR/template-bundle/config.json" "$BUNDLE/config.json"
		update_config "${filter%|*}"
		bounded_fail create -b "$BUNDLE" "$CID"
		assert_nothing_left
		assert_output_contains "$path" "contains a NUL byte"
	done
}

@test "bad input: a NUL in an object key is refused" {
	update_config '.annotations = {"k\u0000x": "v"}'
	bounded_fail create -b "$BUNDLE" "$CID"
	assert_nothing_left
	if ! is_runc; then
		assert_output_contains "config.json" "NUL byte in object key"
	fi
}

# runc (Go) replaces each invalid byte by U+FFFD and goes on; JSON text
# must be UTF-8 (RFC 8259), and jansson refuses it while parsing, so
# corun names the place by line and column (no JSON path exists yet).
@test "bad input: invalid UTF-8 in config.json is refused with its place" {
	skip_if_runc "runc replaces invalid bytes with U+FFFD"
	jq -c '.hostname = "HOST"' "$BUNDLE/config.json" | sed 's/HOST/a\xff\xfeb/' >"$TEST_DIR/c.json"
	mv "$TEST_DIR/c.json" "$BUNDLE/config.json"
	config_refused "config.json: invalid JSON at line 1 column" "unable to decode byte 0xff"
}

@test "bad input: a lone UTF-16 surrogate escape in config.json is refused" {
	skip_if_runc "runc replaces it with U+FFFD"
	jq -c '.hostname = "HOST"' "$BUNDLE/config.json" | sed 's/HOST/a\\ud800b/' >"$TEST_DIR/c.json"
	mv "$TEST_DIR/c.json" "$BUNDLE/config.json"
	config_refused "config.json: invalid JSON" "invalid Unicode"
}

# ---- state files ----

# tamper_setup: a created container whose state.json is saved aside, for
# restoring before teardown deletes it.
tamper_setup() {
	set_args sleep 100
	create_ct
	STATE="$ROOT/$CID/state.json"
	cp "$STATE" "$TEST_DIR/state.saved"
}

restore_state() {
	rm -rf "$STATE"
	cp "$TEST_DIR/state.saved" "$STATE"
	runtime delete -f "$CID"
}

@test "bad input: state.json with wrong types is an error naming the file and field" {
	skip_if_runc "runc's state.json has other fields"
	tamper_setup
	jq -c '.pid = "12"' "$TEST_DIR/state.saved" >"$STATE"
	bounded_fail state "$CID"
	assert_output_contains "$STATE" "pid: must be an integer"
	jq -c '.annotations = ["x"]' "$TEST_DIR/state.saved" >"$STATE"
	bounded_fail kill "$CID" KILL
	assert_output_contains "$STATE" "annotations: must be an object"
	echo '[1,' >"$STATE"
	bounded_fail exec "$CID" true
	assert_output_contains "$STATE" "invalid JSON"
	restore_state
}

@test "bad input: a huge, FIFO or device state.json is refused at once" {
	skip_if_runc "runc's state.json checks differ"
	tamper_setup
	rm "$STATE"
	truncate -s 100M "$STATE"
	bounded_fail state "$CID"
	assert_output_contains "$STATE" "larger than"
	rm "$STATE"
	mkfifo "$STATE"
	bounded_fail state "$CID"
	assert_output_contains "$STATE" "not a regular file (a FIFO)"
	bounded_fail exec "$CID" true
	assert_output_contains "not a regular file (a FIFO)"
	rm "$STATE"
	mknod "$STATE" c 1 5 # /dev/zero
	run runtime list -q # not listed, like a container being created
	assert_success
	bounded_fail pause "$CID"
	assert_output_contains "not a regular file (a character device)"
	restore_state
}

@test "bad input: a symlinked state.json is refused, never written through" {
	skip_if_runc "runc follows it"
	tamper_setup
	cp "$STATE" "$TEST_DIR/target"
	ln -sf "$TEST_DIR/target" "$STATE"
	local cmd
	for cmd in "state $CID" "kill $CID KILL" "pause $CID" "update --pids-limit 10 $CID" \
		"exec $CID true" "start $CID" "delete $CID"; do
		# shellcheck disable=SC2086
		bounded_fail $cmd
		assert_output_contains "$STATE: open state.json: is a symbolic link"
		cmp "$TEST_DIR/target" "$TEST_DIR/state.saved" || fail "$cmd changed the symlink's target"
		[ -L "$STATE" ] || fail "$cmd replaced the symlink"
	done
	alive "$(jq -r .pid "$TEST_DIR/state.saved")" || fail "the init died"
	restore_state
}

@test "bad input: saved config.json in the state dir: a symlink is refused" {
	skip_if_runc "corun's own copy of the config"
	tamper_setup
	mv "$ROOT/$CID/config.json" "$TEST_DIR/saved-config.json"
	ln -s "$TEST_DIR/saved-config.json" "$ROOT/$CID/config.json"
	bounded_fail exec "$CID" true
	assert_output_contains "open config.json: is a symbolic link"
	rm "$ROOT/$CID/config.json"
	mv "$TEST_DIR/saved-config.json" "$ROOT/$CID/config.json"
	restore_state
}

@test "bad input: delete -f of a tampered state warns and removes the state dir" {
	skip_if_runc "runc's wording"
	set_args true
	create_ct
	local pid
	pid=$(ct_pid)
	runtime kill "$CID" KILL
	wait_gone "$pid"
	echo garbage >"$ROOT/$CID/state.json"
	run runtime delete -f "$CID"
	# the cgroup it named is still there (unknown without the state): take
	# it away by hand (teardown checks that none is left)
	find /sys/fs/cgroup -maxdepth 8 -type d -name "$CID" -exec rmdir {} + 2>/dev/null || true
	assert_success
	assert_output_contains "$CID/state.json: state: invalid JSON"
	[ ! -e "$ROOT/$CID" ] || fail "state dir left"
}

# ---- exec -p ----

@test "bad input: exec -p of a FIFO, a device, a directory or a huge file" {
	skip_if_runc "runc blocks in open(2) on the FIFO"
	set_args sleep 100
	create_ct
	mkfifo "$TEST_DIR/fifo"
	mkdir "$TEST_DIR/dir"
	truncate -s 2M "$TEST_DIR/big"
	bounded_fail exec -p "$TEST_DIR/fifo" "$CID"
	assert_output_contains "read $TEST_DIR/fifo: not a regular file (a FIFO)"
	bounded_fail exec -p /dev/zero "$CID"
	assert_output_contains "not a regular file (a character device)"
	bounded_fail exec -p "$TEST_DIR/dir" "$CID"
	assert_output_contains "read $TEST_DIR/dir: Is a directory"
	bounded_fail exec -p "$TEST_DIR/big" "$CID"
	assert_output_contains "larger than 1048576 bytes"
	echo '{"args": ["echo", "a\u0000b"], "cwd": "/"}' >"$TEST_DIR/p.json"
	bounded_fail exec -p "$TEST_DIR/p.json" "$CID"
	assert_output_contains "process.args[1]: contains a NUL byte"
	runtime delete -f "$CID"
}

# ---- --root ----

@test "bad input: --root that is a file or a FIFO" {
	local r
	touch "$TEST_DIR/rootfile"
	mkfifo "$TEST_DIR/rootfifo"
	set_args true
	for r in "$TEST_DIR/rootfile" "$TEST_DIR/rootfifo"; do
		status=0
		timeout -k 5 15 "$RUNTIME" --root "$r" list >"$TEST_DIR/out" 2>&1 || status=$?
		[ "$status" -eq 1 ] || fail "list: exit $status: $(cat "$TEST_DIR/out")"
		status=0
		CORUN_TEST_TAG=$TAG timeout -k 5 15 "$RUNTIME" --root "$r" run -b "$BUNDLE" "$CID" \
			</dev/null >"$TEST_DIR/out" 2>&1 || status=$?
		[ "$status" -eq 1 ] || fail "run: exit $status: $(cat "$TEST_DIR/out")"
		is_runc || grep -q "Not a directory\|not a directory" "$TEST_DIR/out" ||
			fail "run: $(cat "$TEST_DIR/out")"
		status=0
		timeout -k 5 15 "$RUNTIME" --root "$r" state "$CID" >/dev/null 2>&1 || status=$?
		[ "$status" -eq 1 ] || fail "state: exit $status"
	done
	[ -f "$TEST_DIR/rootfile" ] && [ -p "$TEST_DIR/rootfifo" ] || fail "--root was replaced"
	assert_nothing_left
}
