#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# create / start / state / kill / delete / run / list / spec.

load helpers

@test "create: state created with a live init pid; start: running; exit: stopped" {
	set_args sh -c 'read x < /dev/null; sleep 0.5; echo done'
	create_ct
	run ct_status
	assert_equal "$output" created
	pid=$(ct_pid)
	[ "$pid" -gt 1 ]
	alive "$pid"
	# The state JSON has the fields runc prints.
	runtime state "$CID" | jq -e --arg id "$CID" --arg b "$BUNDLE" \
		'.id == $id and .bundle == $b and .ociVersion != null and (.created | test("^[0-9]{4}-"))'
	# Nothing of the user process runs before start.
	[ ! -s "$(ct_log)" ]

	runtime start "$CID"
	run ct_status
	assert_equal "$output" running
	wait_status "$CID" stopped
	wait_gone "$pid"
	grep -qx done "$(ct_log)"

	runtime delete "$CID"
	[ ! -e "$ROOT/$CID" ]
	run runtime state "$CID"
	assert_failure
}

@test "delete of a created container removes it and its process" {
	set_args sleep 100
	create_ct
	pid=$(ct_pid)
	runtime delete "$CID"
	wait_gone "$pid"
	[ -z "$(ls -A "$ROOT")" ]
}

@test "run: exit codes 0 and 3 are passed through" {
	set_args true
	run run_ct
	assert_status 0
	set_args sh -c 'exit 3'
	run run_ct
	assert_status 3
}

@test "run: container killed by a signal gives 128+N" {
	# As pid 1 of a pid namespace, sh would be immune to its own signals.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'kill -9 $$'
	run run_ct
	assert_status 137
	set_args sh -c 'kill -TERM $$'
	run run_ct
	assert_status 143
}

@test "run: stdout and stderr of the container reach the caller" {
	set_args sh -c 'echo out; echo err >&2'
	run run_ct
	assert_success
	assert_output_contains out err
}

@test "run: state is removed after the container exits" {
	set_args true
	run run_ct
	assert_success
	run runtime state "$CID"
	assert_failure
	[ -z "$(ls -A "$ROOT")" ]
}

@test "run -d: returns while the container runs" {
	set_args sleep 100
	run_detached
	run ct_status
	assert_equal "$output" running
	alive "$(ct_pid)"
}

@test "run --keep: the stopped container stays" {
	set_args sh -c 'exit 5'
	run run_ct --keep
	assert_status 5
	run ct_status
	assert_equal "$output" stopped
	runtime delete "$CID"
	[ -z "$(ls -A "$ROOT")" ]
}

@test "kill: signal names (KILL, SIGKILL, TERM) and numbers" {
	local sig
	# pid 1 of a namespace ignores TERM unless it has a handler.
	set_args sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	for sig in KILL SIGKILL TERM 9 15; do
		run_detached
		pid=$(ct_pid)
		runtime kill "$CID" "$sig"
		wait_status "$CID" stopped
		wait_gone "$pid"
		runtime delete "$CID"
	done
}

@test "kill: default signal is SIGTERM" {
	# trap makes the container exit 42 only on TERM.
	set_args sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
	run_detached
	sleep 0.3
	runtime kill "$CID"
	wait_status "$CID" stopped
}

@test "kill: an unknown signal is an error" {
	set_args sleep 100
	run_detached
	run runtime kill "$CID" NOSUCHSIG
	assert_failure
	run ct_status
	assert_equal "$output" running
}

@test "kill: a stopped container is an error" {
	set_args true
	run run_ct --keep
	assert_success
	run runtime kill "$CID" KILL
	assert_failure
}

@test "delete: a running container needs -f" {
	set_args sleep 100
	run_detached
	pid=$(ct_pid)
	run runtime delete "$CID"
	assert_failure
	alive "$pid"
	run ct_status
	assert_equal "$output" running
	runtime delete -f "$CID"
	wait_gone "$pid"
	[ -z "$(ls -A "$ROOT")" ]
}

@test "delete: a missing container is an error, -f is not" {
	run runtime delete nosuch
	assert_failure
	run runtime delete -f nosuch
	assert_success
}

@test "start: a running container cannot be started again" {
	set_args sleep 100
	run_detached
	run runtime start "$CID"
	assert_failure
}

@test "start: a stopped container cannot be started" {
	set_args true
	run run_ct --keep
	assert_success
	run runtime start "$CID"
	assert_failure
}

@test "state and list: a missing container is an error" {
	run runtime state nosuch
	assert_failure
	run runtime list
	assert_success
	assert_output_not_contains nosuch
}

@test "list: table, json and -q" {
	set_args sleep 100
	run_detached "${CID}a"
	set_args true
	run_ct --keep
	run runtime list -q
	assert_success
	[ "$(echo "$output" | sort | tr '\n' ' ')" = "$CID ${CID}a " ]
	run runtime list
	assert_success
	[ "$(echo "${lines[0]}" | awk '{ print $1, $2, $3 }')" = "ID PID STATUS" ]
	assert_output_contains "$BUNDLE"
	echo "$output" | grep -E "^${CID}a +[0-9]+ +running "
	echo "$output" | grep -E "^$CID +0 +stopped "
	run runtime list -f json
	assert_success
	echo "$output" | jq -e --arg a "${CID}a" --arg b "$CID" \
		'length == 2 and (map(select(.id == $a))[0].status == "running") and
		 (map(select(.id == $b))[0].status == "stopped") and
		 (map(select(.id == $a))[0].pid > 0)'
}

@test "list: an empty root" {
	run runtime list -f json
	assert_success
	[ "$output" = "null" ] || [ "$output" = "[]" ]
	run runtime list -q
	assert_success
	[ -z "$output" ]
}

@test "create --pid-file: contents equal the state pid" {
	set_args sleep 100
	create_ct "$CID" --pid-file "$TEST_DIR/pidfile"
	[ "$(cat "$TEST_DIR/pidfile")" = "$(ct_pid)" ]
	run_detached "${CID}b" --pid-file "$TEST_DIR/pidfile2"
	[ "$(cat "$TEST_DIR/pidfile2")" = "$(ct_pid "${CID}b")" ]
}

@test "create: a duplicate id fails and leaves the first container alone" {
	set_args sleep 100
	create_ct
	pid=$(ct_pid)
	run create_ct
	assert_failure
	run ct_status
	assert_equal "$output" created
	alive "$pid"
}

@test "create: invalid ids are rejected" {
	local id
	for id in "a/b" ".." "" "../x"; do
		run runtime create -b "$BUNDLE" "$id" </dev/null 3>&-
		assert_failure
	done
	[ -z "$(ls -A "$ROOT")" ]
	[ ! -e "$TEST_DIR/x" ] && [ ! -e "$TEST_DIR/b" ]
}

@test "create: five containers created concurrently all succeed" {
	local i pids=()
	set_args sleep 100
	for i in 1 2 3 4 5; do
		create_ct "$CID-$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	for i in 1 2 3 4 5; do
		[ "$(ct_status "$CID-$i")" = created ]
	done
	[ "$(runtime list -q | wc -l)" -eq 5 ]
}

@test "spec: the default config runs as is with args set" {
	mkdir "$TEST_DIR/b2"
	cp -a "$BUNDLE/rootfs" "$TEST_DIR/b2/"
	(cd "$TEST_DIR/b2" && "$RUNTIME" spec)
	[ -f "$TEST_DIR/b2/config.json" ]
	jq -e '.ociVersion and .process and .root.path == "rootfs" and .linux.namespaces' \
		"$TEST_DIR/b2/config.json"
	# runc's default has terminal true: there is no tty here.
	CFG_BUNDLE="$TEST_DIR/b2" update_config '.process.terminal=false |
		.process.args=["sh","-c","echo hi; exit 7"] | .process.env += ["CORUN_TEST_TAG=" + $t]' \
		--arg t "$TAG"
	run runtime run -b "$TEST_DIR/b2" "$CID" </dev/null
	assert_status 7
	assert_output_contains hi
}

@test "spec: -b writes into the bundle dir and refuses to overwrite" {
	mkdir "$TEST_DIR/b3"
	"$RUNTIME" spec -b "$TEST_DIR/b3"
	[ -f "$TEST_DIR/b3/config.json" ]
	echo '{"x": 1}' >"$TEST_DIR/b3/config.json"
	run "$RUNTIME" spec -b "$TEST_DIR/b3"
	assert_failure
	[ "$(cat "$TEST_DIR/b3/config.json")" = '{"x": 1}' ]
}

@test "kill -a: signals every process of the container, not only the init" {
	# pid 1 ignores TERM (no handler); its children do not
	set_args sh -c 'sleep 100 & sleep 101 & wait; exit 5'
	run_detached
	sleep 0.3
	runtime kill "$CID" TERM
	sleep 0.3
	assert_equal "$(ct_status)" running
	runtime kill -a "$CID" TERM
	wait_status "$CID" stopped
}

@test "run: the foreground runtime forwards SIGTERM to the container" {
	set_args sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
	CORUN_TEST_TAG="$TAG" "$RUNTIME" --root "$ROOT" run -b "$BUNDLE" "$CID" \
		</dev/null >"$(ct_log)" 2>&1 3>&- &
	rpid=$!
	wait_status "$CID" running
	sleep 0.3
	kill -TERM "$rpid"
	rc=0
	wait "$rpid" || rc=$?
	assert_equal "$rc" 42
}

@test "cgroups: the init is placed in the container's cgroup everywhere; delete removes it" {
	skip_if_runc "runc places the container in a path of its own choosing"
	set_args sleep 100
	run_detached
	pid=$(ct_pid)
	n=0
	while IFS=: read -r _ ctrl path; do
		[ "$ctrl" != "" ] || ctrl=unified
		case $ctrl in name=*) ctrl=${ctrl#name=} ;; esac
		[[ $path == */"$CID" ]] || fail "$ctrl: $path is not the container's cgroup"
		n=$((n + 1))
	done <"/proc/$pid/cgroup"
	[ "$n" -gt 1 ] || fail "only $n hierarchies: $(cat "/proc/$pid/cgroup")"
	runtime delete -f "$CID"
	left=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "$CID" 2>/dev/null)
	[ -z "$left" ] || fail "cgroups left: $left"
}

# fg_run: a foreground run of $CID in the background (its pid in $rpid),
# waited for until it runs.
fg_run() {
	CORUN_TEST_TAG="$TAG" "$RUNTIME" --root "$ROOT" run -b "$BUNDLE" "$@" "$CID" \
		</dev/null >"$(ct_log)" 2>&1 3>&- &
	rpid=$!
	wait_status "$CID" running
}

@test "run: while a foreground run waits, state, ps, exec, pause, resume and kill work" {
	set_args sleep 30
	fg_run
	# each must return at once: a few seconds, then killed
	RUNTIME_TIMEOUT=5
	runtime state "$CID" >/dev/null
	run runtime ps "$CID"
	assert_success
	assert_output_contains sleep
	run runtime exec "$CID" echo from-exec
	assert_success
	assert_equal "$output" from-exec
	runtime pause "$CID"
	assert_equal "$(ct_status)" paused
	runtime resume "$CID"
	assert_equal "$(ct_status)" running
	runtime kill "$CID" KILL
	rc=0
	wait "$rpid" || rc=$?
	assert_equal "$rc" 137
	run runtime state "$CID"
	assert_failure
	assert_nothing_left
}

@test "run: delete of a foreground container: refused while it runs; -f kills it, run exits 137" {
	set_args sleep 30
	fg_run
	RUNTIME_TIMEOUT=5
	run runtime delete "$CID"
	assert_failure
	assert_output_contains "cannot delete container $CID that is not stopped: running"
	run runtime delete -f "$CID"
	assert_success
	rc=0
	wait "$rpid" || rc=$?
	assert_equal "$rc" 137
	# the run found its container gone and said nothing about it
	[ ! -s "$(ct_log)" ] || fail "run printed: $(cat "$(ct_log)")"
	assert_nothing_left
}

@test "run: a delete between the exit and the run's own cleanup runs poststop once" {
	update_config '.hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "echo x >>'"$TEST_DIR"'/poststop"]}]'
	set_args sh -c 'sleep 1'
	fg_run
	# delete as soon as it has stopped; one of the two removes it
	for _ in $(seq 100); do
		RUNTIME_TIMEOUT=5 runtime delete "$CID" 2>/dev/null && break
		[ -d "$ROOT/$CID" ] || break
		sleep 0.05
	done
	rc=0
	wait "$rpid" || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(wc -l <"$TEST_DIR/poststop")" 1
	assert_nothing_left
}

@test "create: 200 creates failing early in the init all report its reason" {
	# fails in the init's first mount, while corun still talks to it
	update_config '.mounts = [{"destination": "/x", "type": "nosuchfs", "source": "none"}] + .mounts'
	bad=0
	for i in $(seq 200); do
		out=$(RUNTIME_TIMEOUT=20 runtime create -b "$BUNDLE" "$CID-$i" 2>&1 </dev/null 3>&-) &&
			fail "create $i succeeded"
		if [[ $out != *'/x'* || ${out,,} != *'no such device'* ]]; then
			bad=$((bad + 1))
			echo "create $i: $out" >&2
		fi
	done
	[ "$bad" -eq 0 ] || fail "$bad of 200 creates hid the init's error"
	assert_nothing_left
}

# expect_words WORDS RUNTIME_ARGS...: the call fails and says WORDS.
expect_words() {
	local words=$1
	shift
	run runtime "$@" </dev/null 3>&-
	assert_failure
	assert_output_contains "$words"
}

@test "errors: runc's words that scripts look for" {
	local c
	for c in state kill delete start pause resume ps "events --stats" "update --memory 10M"; do
		# shellcheck disable=SC2086
		expect_words "container does not exist" $c nosuch
	done
	expect_words "container does not exist" exec nosuch true
	expect_words "invalid container ID format" create -b "$BUNDLE" a/b
	expect_words "invalid container ID format" state ../x
	set_args sleep 100
	run_detached
	expect_words "container with given ID already exists" create -b "$BUNDLE" "$CID"
	expect_words "container with given ID already exists" run -d -b "$BUNDLE" "$CID"
	expect_words "cannot delete container $CID that is not stopped: running" delete "$CID"
	expect_words "cannot start an already running container" start "$CID"
	expect_words "container not paused" resume "$CID"
	expect_words "unable to signal init" kill "$CID" 99
	runtime pause "$CID"
	expect_words "cannot exec in a paused container" exec "$CID" true
	expect_words "cannot delete container $CID that is not stopped: paused" delete "$CID"
	runtime resume "$CID"
	runtime kill "$CID" KILL
	wait_status "$CID" stopped
	expect_words "container not running" kill "$CID" KILL
	expect_words "container not running" pause "$CID"
	expect_words "container not running" update --memory 10M "$CID"
	expect_words "cannot start a container that has stopped" start "$CID"
	expect_words "cannot exec in a stopped container" exec "$CID" true
	expect_words "container with id $CID is not running" events --stats "$CID"
}
