#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# checkpoint and restore (CRIU, through the runtime). Two groups:
# "checkpoint:" tests dump and restore real containers and need a working
# criu (`criu check`; test/guest/run.sh boots a guest where it works);
# "checkpoint error:" tests the runtime's own checks, words and exit
# codes, and run anywhere (some only where criu check fails).
# CRIU cannot dump a container whose stdio is a host file outside its
# mounts (the host's /dev/null): these containers get anonymous pipes.

load helpers

setup_file() {
	local out
	CRIU_WORKS=false CRIU_SKIP=
	if ! command -v criu >/dev/null; then
		CRIU_SKIP="criu is not installed"
	elif ! out=$(criu check 2>&1); then
		CRIU_SKIP="criu check fails here: $(tail -n 1 <<<"$out")"
	else
		CRIU_WORKS=true
	fi
	export CRIU_WORKS CRIU_SKIP
	# criu locks a container's network with iptables-restore; where that is
	# missing (the test guest) a stand-in takes the rules, so that dumps of
	# a container with its own network namespace still run
	if $CRIU_WORKS && ! command -v iptables-restore >/dev/null; then
		local t
		mkdir -p "$BATS_FILE_TMPDIR/bin"
		for t in iptables-restore ip6tables-restore; do
			printf '#!/bin/sh\ncat >/dev/null\n' >"$BATS_FILE_TMPDIR/bin/$t"
			chmod +x "$BATS_FILE_TMPDIR/bin/$t"
		done
		export PATH="$BATS_FILE_TMPDIR/bin:$PATH"
	fi
}

need_criu() {
	$CRIU_WORKS || skip "$CRIU_SKIP"
}

# open_pipes: IN, OUT and ERR, fds of three fresh anonymous pipes, each
# open for reading and writing here (a read never sees EOF, only -t).
open_pipes() {
	exec {IN}<> <(:)
	exec {OUT}<> <(:)
	exec {ERR}<> <(:)
}

# drain FD: what is in the pipe now (lines, 0.5 s of quiet ends it).
drain() {
	local l
	while IFS= read -r -t 0.5 -u "$1" l; do printf '%s\n' "$l"; done
}

# expect_line FD TEXT: waits up to 30 s for a line of the pipe to hold TEXT.
expect_line() {
	local l seen=
	for _ in $(seq 60); do
		if IFS= read -r -t 0.5 -u "$1" l; then
			seen+="$l|"
			[[ $l == *"$2"* ]] && return 0
		fi
	done
	fail "no line with \"$2\" (read: $seen)"
}

# run_piped [ID] [run options]: run -d with the pipes as stdio.
run_piped() {
	local id=${1:-$CID} rc=0
	shift || true
	runtime run -d -b "$BUNDLE" "$@" "$id" <&"$IN" >&"$OUT" 2>&"$ERR" 3>&- || rc=$?
	[ $rc -eq 0 ] || drain "$ERR"
	return $rc
}

# restore_piped [ID] [restore options]: restore -d of $TEST_DIR/img with the
# pipes as stdio.
restore_piped() {
	local id=${1:-$CID} rc=0
	shift || true
	runtime restore -d -b "$BUNDLE" --image-path "$TEST_DIR/img" "$@" "$id" \
		<&"$IN" >&"$OUT" 2>&"$ERR" 3>&- || rc=$?
	[ $rc -eq 0 ] || { drain "$ERR"; cat "$TEST_DIR"/img/restore.log 2>/dev/null | tail -n 20; }
	return $rc
}

# checkpoint_ok [ID] [options]: checkpoint into $TEST_DIR/img (the log's
# end shown on failure).
checkpoint_ok() {
	local id=${1:-$CID} rc=0
	shift || true
	runtime checkpoint --image-path "$TEST_DIR/img" "$@" "$id" || rc=$?
	[ $rc -eq 0 ] || tail -n 20 "$TEST_DIR"/img/dump.log 2>/dev/null
	return $rc
}

# The counter: /cnt in the (writable) rootfs counts up 5 times a second
# from /start, in a child; the shell echoes stdin back as "echo:LINE" (a
# background job's stdin would be /dev/null).
COUNTER='(i=$(cat /start); while :; do i=$((i + 1)); echo $i >/cnt; sleep 0.2; done) &
while read l; do echo "echo:$l"; done; wait'
counter_setup() {
	update_config '.root.readonly = false'
	echo 0 >"$BUNDLE/rootfs/start"
	set_args sh -c "$COUNTER"
}
cnt() { cat "$BUNDLE/rootfs/cnt" 2>/dev/null || echo 0; }

# wait_count N: waits up to 60 s for the counter to reach N.
wait_count() {
	for _ in $(seq 600); do
		[ "$(cnt)" -ge "$1" ] && return 0
		sleep 0.1
	done
	fail "the counter is at $(cnt), not $1"
}

# assert_stopped_counter: the counter does not move for a second.
assert_stopped_counter() {
	local a
	a=$(cnt)
	sleep 1
	assert_equal "$(cnt)" "$a"
}

# prepare_restore: before a restore, /cnt is blanked and a counter started
# afresh would count from 100000.
prepare_restore() {
	echo 100000 >"$BUNDLE/rootfs/start"
	echo 0 >"$BUNDLE/rootfs/cnt"
}

# assert_continues LO: after prepare_restore and a restore, the counter goes
# on from where it was dumped (above LO), not afresh, and keeps counting.
assert_continues() {
	local v
	wait_count 1
	v=$(cnt)
	echo "counter: $1 before the dump, $v after the restore"
	[ "$v" -gt "$1" ] && [ "$v" -lt 100000 ] || fail "the counter went from $1 to $v"
	wait_count $((v + 2))
	[ "$(cnt)" -lt 100000 ] || fail "the counter restarted: $(cnt)"
}

# assert_gone [ID]: not in list, state fails, no state dir, no cgroup.
assert_gone() {
	local id=${1:-$CID} left
	run runtime state "$id"
	assert_failure
	assert_output_contains "container does not exist"
	[[ " $(runtime list -q | tr '\n' ' ') " != *" $id "* ]] || fail "$id still listed"
	[ ! -e "$ROOT/$id" ] || fail "state dir $ROOT/$id left"
	left=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "$id" 2>/dev/null)
	[ -z "$left" ] || fail "cgroups left: $left"
}

# assert_running [ID]: status running, a live pid, the bundle.
assert_running() {
	local id=${1:-$CID} st
	st=$(runtime state "$id")
	echo "$st"
	assert_equal "$(jq -r .status <<<"$st")" running
	assert_equal "$(jq -r .bundle <<<"$st")" "$BUNDLE"
	alive "$(jq -r .pid <<<"$st")" || fail "pid $(jq -r .pid <<<"$st") is not alive"
}

# cg_file V2FILE V1CTRL V1FILE: the path of a container cgroup file, v2 or v1.
cg_file() {
	local pid
	pid=$(ct_pid)
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")/$1"
		return
	fi
	local path mnt
	path=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
		"/proc/$pid/cgroup")
	mnt=$(awk -v c="$2" '$9 == "cgroup" && $0 ~ ("[ ,]" c "(,|$)") { print $5; exit }' /proc/self/mountinfo)
	echo "$mnt$path/$3"
}

# runc 1.1 on cgroup v2: criu put the tasks restored under another id in
# a cgroup named after the dumped one, which runc then leaves behind.
runc_cgroup_quirk() {
	if is_runc; then
		find /sys/fs/cgroup -depth -type d -name "$CID" -print -exec rmdir {} \; 2>/dev/null || true
	fi
}

# RECVTTY: the recvtty helper, built here or, where there is no compiler
# (the test guest), the one test/guest/run.sh builds next to the runtime.
build_recvtty() {
	RECVTTY=$TEST_DIR/recvtty
	if command -v gcc >/dev/null; then
		gcc -O2 -o "$RECVTTY" "$REPO_ROOT/test/helpers/recvtty.c"
	else
		RECVTTY=$(dirname "$CORUN_BIN")/recvtty
		[ -x "$RECVTTY" ] || skip "gcc is not installed and there is no $RECVTTY"
	fi
}

# --- real checkpoint and restore ---------------------------------------

@test "checkpoint: a container's counter continues after restore; the restored container works" {
	need_criu
	counter_setup
	open_pipes
	run_piped
	wait_count 5
	checkpoint_ok
	n=$(cnt)
	# the container is gone: state, list, its state dir and its cgroup
	assert_gone
	assert_stopped_counter
	[ -s "$TEST_DIR/img/descriptors.json" ]
	jq -r '.[]' "$TEST_DIR/img/descriptors.json"
	assert_equal "$(jq -r '.[0]' "$TEST_DIR/img/descriptors.json")" "$(readlink "/proc/self/fd/$IN")"
	assert_equal "$(jq -r 'length' "$TEST_DIR/img/descriptors.json")" 3

	# restored with fresh pipes: stdio follows them
	prepare_restore
	open_pipes
	restore_piped
	assert_running
	assert_continues "$n"
	echo ping >&"$IN"
	expect_line "$OUT" "echo:ping"
	run runtime list
	assert_success
	assert_output_contains "$CID" running "$BUNDLE"

	run runtime exec "$CID" cat /cnt
	assert_success
	[ "$output" -gt "$n" ]
	runtime pause "$CID"
	assert_equal "$(ct_status)" paused
	assert_stopped_counter
	runtime resume "$CID"
	assert_equal "$(ct_status)" running
	a=$(cnt)
	wait_count $((a + 2))
	runtime update --pids-limit 99 "$CID"
	assert_equal "$(cat "$(cg_file pids.max pids pids.max)")" 99
	pid=$(ct_pid)
	runtime kill "$CID" KILL
	wait_status "$CID" stopped
	wait_gone "$pid"
	runtime delete "$CID"
	assert_gone
}

@test "checkpoint: --leave-running keeps the container; restore under another id" {
	need_criu
	counter_setup
	open_pipes
	run_piped
	wait_count 3
	b=$(cnt)
	checkpoint_ok "$CID" --leave-running
	n=$(cnt)
	assert_running
	a=$(cnt)
	wait_count $((a + 2))
	runtime kill "$CID" KILL
	wait_status "$CID" stopped
	runtime delete "$CID"
	assert_gone
	prepare_restore
	restore_piped "${CID}b"
	assert_running "${CID}b"
	assert_equal "$(runtime list -q)" "${CID}b"
	assert_continues "$b"
	runtime exec "${CID}b" true
	cat "/proc/$(ct_pid "${CID}b")/cgroup"
	runtime delete -f "${CID}b"
	runc_cgroup_quirk
	assert_gone "${CID}b"
	assert_gone "$CID"
}

@test "checkpoint: --pre-dump, then a dump with a relative --parent-path, restores" {
	need_criu
	counter_setup
	open_pipes
	run_piped
	wait_count 3
	runtime checkpoint --pre-dump --image-path "$TEST_DIR/pre" "$CID"
	# a pre-dump leaves the container running, with pages in the images
	assert_running
	ls "$TEST_DIR/pre"
	ls "$TEST_DIR/pre" | grep -q '^pages-'
	a=$(cnt)
	wait_count $((a + 2))
	checkpoint_ok "$CID" --parent-path ../pre
	n=$(cnt)
	assert_gone
	# criu links the parent images
	[ -L "$TEST_DIR/img/parent" ]
	prepare_restore
	open_pipes
	restore_piped
	assert_running
	assert_continues "$n"
}

@test "checkpoint: an external bind mount's contents are visible after restore" {
	need_criu
	counter_setup
	mkdir "$TEST_DIR/data"
	echo before >"$TEST_DIR/data/f"
	update_config '.mounts += [{"destination": "/data", "type": "bind", "source": $d,
		"options": ["rbind", "rw"]}]' --arg d "$TEST_DIR/data"
	set_args sh -c "$COUNTER"
	open_pipes
	run_piped
	wait_count 3
	checkpoint_ok
	echo after >"$TEST_DIR/data/f"
	open_pipes
	restore_piped
	assert_running
	run runtime exec "$CID" cat /data/f
	assert_success
	assert_equal "$output" after
	runtime exec "$CID" sh -c 'echo from-ct >/data/g'
	assert_equal "$(cat "$TEST_DIR/data/g")" from-ct
}

@test "checkpoint: a tty container restored with a new --console-socket talks through it" {
	need_criu
	build_recvtty
	update_config '.process.terminal = true | .root.readonly = false'
	set_args sh -c 'echo first-up; while read l; do echo "got:$l"; done'
	sock=$TEST_DIR/tty1.sock
	"$RECVTTY" "$sock" "" >"$TEST_DIR/tty1.out" 2>&1 &
	h1=$!
	wait_file "$sock"
	run_detached "$CID" --console-socket "$sock"
	for _ in $(seq 100); do grep -q first-up "$TEST_DIR/tty1.out" && break; sleep 0.1; done
	grep -q first-up "$TEST_DIR/tty1.out"
	checkpoint_ok
	assert_gone
	# the old pty's peer is gone: recvtty sees EIO
	wait "$h1" || true
	sock=$TEST_DIR/tty2.sock
	"$RECVTTY" "$sock" $'hello\n' >"$TEST_DIR/tty2.out" 2>&1 &
	h2=$!
	wait_file "$sock"
	runtime restore -d -b "$BUNDLE" --image-path "$TEST_DIR/img" --console-socket "$sock" "$CID" \
		>"$TEST_DIR/restore.out" 2>&1 </dev/null 3>&- || {
		cat "$TEST_DIR/restore.out"
		tail -n 20 "$TEST_DIR/img/restore.log"
		false
	}
	assert_running
	for _ in $(seq 200); do grep -q got:hello "$TEST_DIR/tty2.out" && break; sleep 0.1; done
	tr -d '\r' <"$TEST_DIR/tty2.out"
	grep -q got:hello "$TEST_DIR/tty2.out"
	runtime delete -f "$CID"
	wait "$h2" || true
}

@test "checkpoint: --lazy-pages with --status-fd, criu lazy-pages and restore --lazy-pages" {
	need_criu
	counter_setup
	open_pipes
	run_piped
	wait_count 3
	# --status-fd must be open write-only, not read-write
	exec {st}<> <(:)
	run runtime checkpoint --image-path "$TEST_DIR/img" --lazy-pages --status-fd "$st" "$CID"
	assert_status 1
	if grep -q "feature check failed" <<<"$output"; then
		skip "criu cannot do lazy pages here: $output"
	fi
	assert_output_contains "invalid --status-fd argument $st: not writable"
	assert_running
	exec {stw}>"/proc/self/fd/$st"
	port=$((27000 + RANDOM % 1000))
	runtime checkpoint --image-path "$TEST_DIR/img" --lazy-pages --page-server "127.0.0.1:$port" \
		--status-fd "$stw" "$CID" >"$TEST_DIR/ck.out" 2>&1 3>&- &
	ck=$!
	exec {stw}>&-
	if ! IFS= read -r -d '' -t 60 -u "$st" _; then
		wait "$ck" || true
		cat "$TEST_DIR/ck.out"
		tail -n 5 "$TEST_DIR/img/dump.log" 2>/dev/null || true
		grep -q "feature check failed" "$TEST_DIR/ck.out" &&
			skip "criu cannot do lazy pages here: $(cat "$TEST_DIR/ck.out")"
		fail "no status byte from the lazy checkpoint"
	fi
	n=$(cnt)
	# the dump is done: the processes are gone, the pages are still served
	assert_stopped_counter
	prepare_restore
	timeout -k 5 60 criu lazy-pages --page-server --address 127.0.0.1 --port "$port" -D "$TEST_DIR/img" \
		-o "$TEST_DIR/img/lazy-pages.log" -v4 3>&- &
	lp=$!
	sleep 1
	open_pipes
	rc=0
	# the checkpoint serves the pages and holds the id until they are all
	# fetched: the restore takes another one
	restore_piped "${CID}r" --lazy-pages || rc=$?
	wait "$ck" || rc=$?
	cat "$TEST_DIR/ck.out"
	wait "$lp" || true
	[ $rc -eq 0 ] || { tail -n 5 "$TEST_DIR/img/lazy-pages.log"; false; }
	assert_running "${CID}r"
	assert_continues "$n"
	runtime delete -f "${CID}r"
	runc_cgroup_quirk
	assert_gone "${CID}r"
	assert_gone "$CID"
}

@test "checkpoint: cgroup limits are set in the restored container's cgroup" {
	need_criu
	counter_setup
	update_config '.linux.resources.memory.limit = 134217728 | .linux.resources.pids.limit = 77'
	open_pipes
	run_piped
	wait_count 3
	checkpoint_ok
	assert_gone
	open_pipes
	restore_piped
	assert_running
	assert_equal "$(cat "$(cg_file pids.max pids pids.max)")" 77
	assert_equal "$(cat "$(cg_file memory.max memory memory.limit_in_bytes)")" 134217728
	# the restored tasks are in the container's cgroup
	grep -qx "$(ct_pid)" "$(cg_file cgroup.procs pids cgroup.procs)"
}

@test "checkpoint: --work-path holds dump.log and restore.log" {
	need_criu
	counter_setup
	open_pipes
	run_piped
	wait_count 3
	checkpoint_ok "$CID" --work-path "$TEST_DIR/work1"
	[ -s "$TEST_DIR/work1/dump.log" ]
	[ ! -e "$TEST_DIR/img/dump.log" ]
	open_pipes
	restore_piped "$CID" --work-path "$TEST_DIR/work2"
	[ -s "$TEST_DIR/work2/restore.log" ]
	[ ! -e "$TEST_DIR/img/restore.log" ]
	assert_running
}

@test "checkpoint: a foreground restore returns the process's exit code" {
	need_criu
	update_config '.root.readonly = false'
	set_args sh -c 'echo up >/up; while [ ! -e /stop ]; do sleep 0.2; done; echo bye; exit 7'
	open_pipes
	run_piped
	wait_file "$BUNDLE/rootfs/up"
	checkpoint_ok
	assert_gone
	open_pipes
	runtime restore -b "$BUNDLE" --image-path "$TEST_DIR/img" "$CID" \
		<&"$IN" >&"$OUT" 2>&"$ERR" 3>&- &
	r=$!
	wait_status "$CID" running
	touch "$BUNDLE/rootfs/stop"
	rc=0
	wait "$r" || rc=$?
	drain "$ERR"
	expect_line "$OUT" bye
	assert_equal "$rc" 7
	# runc leaves a stopped container to delete
	run runtime state "$CID"
	echo "$output"
	if [ "$status" -eq 0 ]; then
		assert_equal "$(ct_status)" stopped
		runtime delete "$CID"
	fi
	assert_gone
}

# --- the runtime's own checks ------------------------------------------

# a running container that only sleeps
sleeper() {
	set_args sleep 1000
	run_detached
}

@test "checkpoint error: --criu /nonexistent fails the version check, the container stays" {
	sleeper
	pid=$(ct_pid)
	run runtime --criu /nonexistent checkpoint --image-path "$TEST_DIR/img" "$CID"
	assert_status 1
	assert_output_contains "CRIU version check failed"
	assert_running
	assert_equal "$(ct_pid)" "$pid"
	run runtime --criu /nonexistent restore -b "$BUNDLE" --image-path "$TEST_DIR/img" "${CID}x"
	assert_status 1
	assert_output_contains "CRIU version check failed"
	assert_equal "$(runtime list -q)" "$CID"
	[ ! -e "$ROOT/${CID}x" ]
}

@test "checkpoint error: a created container cannot be checkpointed" {
	set_args sleep 1000
	create_ct
	run runtime checkpoint --image-path "$TEST_DIR/img" "$CID"
	assert_status 1
	assert_output_contains "Container cannot be checkpointed in created state"
	assert_equal "$(ct_status)" created
	# before the CRIU version check
	run runtime --criu /nonexistent checkpoint --image-path "$TEST_DIR/img" "$CID"
	assert_status 1
	assert_output_contains "Container cannot be checkpointed in created state"
}

@test "checkpoint error: a stopped container cannot be checkpointed" {
	set_args true
	run_detached
	wait_status "$CID" stopped
	run runtime checkpoint --image-path "$TEST_DIR/img" "$CID"
	assert_status 1
	assert_output_contains "Container cannot be checkpointed in stopped state"
}

@test "checkpoint error: a missing container does not exist" {
	run runtime checkpoint --image-path "$TEST_DIR/img" nosuch
	assert_status 1
	assert_output_contains "container does not exist"
	run runtime checkpoint
	assert_status 1
	assert_output_contains 'checkpoint\" requires exactly 1 argument(s)'
	run runtime restore
	assert_status 1
	assert_output_contains 'restore\" requires exactly 1 argument(s)'
}

@test "checkpoint error: --parent-path must be relative and must exist" {
	sleeper
	run runtime checkpoint --image-path "$TEST_DIR/img" --parent-path /abs "$CID"
	assert_status 1
	assert_output_contains "--parent-path must be relative"
	run runtime --criu /nonexistent checkpoint --image-path "$TEST_DIR/img" --parent-path ../nope "$CID"
	assert_status 1
	# relative to the image path, checked before CRIU's version
	assert_output_contains "invalid --parent-path" "$TEST_DIR/nope"
	assert_output_not_contains "CRIU version"
	assert_running
}

@test "checkpoint error: --manage-cgroups-mode must be soft, full or strict" {
	sleeper
	run runtime --criu /nonexistent checkpoint --image-path "$TEST_DIR/img" --manage-cgroups-mode bogus "$CID"
	assert_status 1
	assert_output_contains "Invalid manage cgroups mode"
	assert_running
}

@test "checkpoint error: --empty-ns takes only network" {
	sleeper
	run runtime --criu /nonexistent checkpoint --image-path "$TEST_DIR/img" --empty-ns pid "$CID"
	assert_status 1
	assert_output_contains 'namespace \"pid\" is not supported'
	assert_output_not_contains "CRIU version"
	assert_running
	run runtime --criu /nonexistent restore -b "$BUNDLE" --image-path "$TEST_DIR/img" --empty-ns pid "${CID}x"
	assert_status 1
	assert_output_contains 'namespace \"pid\" is not supported'
	[ ! -e "$ROOT/${CID}x" ]
}

@test "checkpoint error: --page-server needs ADDRESS:PORT" {
	sleeper
	run runtime --criu /nonexistent checkpoint --image-path "$TEST_DIR/img" --page-server foo "$CID"
	assert_status 1
	assert_output_contains "Use --page-server ADDRESS:PORT to specify page server"
	run runtime checkpoint --image-path "$TEST_DIR/img" --page-server foo:bar "$CID"
	assert_status 1
	assert_output_contains "Invalid port number"
	assert_running
}

@test "checkpoint error: restore without a checkpoint leaves nothing behind" {
	mkdir "$TEST_DIR/empty"
	run runtime restore -d -b "$BUNDLE" --image-path "$TEST_DIR/empty" "$CID"
	assert_status 1
	# Go's errno words are lower case, glibc's capitalised (as everywhere in corun)
	[[ ${output,,} == *"descriptors.json: no such file or directory"* ]] || fail "no descriptors.json error: $output"
	assert_nothing_left
	assert_gone
	run runtime restore -b "$BUNDLE" --image-path "$TEST_DIR/empty" "$CID"
	assert_status 1
	# Go's errno words are lower case, glibc's capitalised (as everywhere in corun)
	[[ ${output,,} == *"descriptors.json: no such file or directory"* ]] || fail "no descriptors.json error: $output"
	assert_gone
}

@test "checkpoint error: restore --manage-cgroups-mode bogus" {
	mkdir "$TEST_DIR/empty"
	run runtime restore -d -b "$BUNDLE" --image-path "$TEST_DIR/empty" --manage-cgroups-mode bogus "$CID"
	assert_status 1
	local out=$output
	assert_gone
	# runc 1.1 ignores restore's --manage-cgroups-mode: the images are missing
	skip_if_runc "restore --manage-cgroups-mode is not checked"
	output=$out
	assert_output_contains "Invalid manage cgroups mode"
}

@test "checkpoint error: restore of an existing id fails before anything else" {
	sleeper
	run runtime --criu /nonexistent restore -b "$BUNDLE" --image-path "$TEST_DIR/empty" "$CID"
	assert_status 1
	assert_output_contains "container with given ID already exists"
	assert_running
}

@test "checkpoint error: where criu check fails the dump fails and the container stays" {
	! $CRIU_WORKS || skip "criu works here"
	sleeper
	pid=$(ct_pid)
	run runtime checkpoint --image-path "$TEST_DIR/img" "$CID"
	assert_status 1
	assert_output_contains "criu failed: type DUMP" "dump.log"
	[ -s "$TEST_DIR/img/dump.log" ]
	[ -s "$TEST_DIR/img/descriptors.json" ]
	run runtime checkpoint --image-path "$TEST_DIR/img" --work-path "$TEST_DIR/work" "$CID"
	assert_status 1
	assert_output_contains "criu failed: type DUMP" "$TEST_DIR/work/dump.log"
	[ -s "$TEST_DIR/work/dump.log" ]
	# still the same container, usable
	assert_running
	assert_equal "$(ct_pid)" "$pid"
	run runtime exec "$CID" echo alive
	assert_success
	assert_equal "$output" alive
	runtime pause "$CID"
	runtime resume "$CID"
	runtime kill "$CID" KILL
	wait_status "$CID" stopped
	runtime delete "$CID"
	assert_gone
}

@test "checkpoint error: where criu check fails --pre-dump and --lazy-pages fail the feature check" {
	! $CRIU_WORKS || skip "criu works here"
	sleeper
	run runtime checkpoint --image-path "$TEST_DIR/img" --pre-dump "$CID"
	assert_status 1
	assert_output_contains "CRIU feature check failed"
	run runtime checkpoint --image-path "$TEST_DIR/img" --lazy-pages "$CID"
	assert_status 1
	assert_output_contains "CRIU feature check failed"
	assert_running
}

@test "checkpoint error: the image directory is made private" {
	sleeper
	run runtime --criu /nonexistent checkpoint --image-path "$TEST_DIR/img" "$CID"
	assert_status 1
	[ -d "$TEST_DIR/img" ]
	echo "mode $(stat -c %a "$TEST_DIR/img")"
	[ $((0$(stat -c %a "$TEST_DIR/img") & 077)) -eq 0 ]
}
