#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The command line: version, help, flags, logging.

load helpers

SUBCOMMANDS=(create start run state list kill delete spec)

@test "cli: --version" {
	run "$RUNTIME" --version
	assert_success
	[[ ${lines[0]} =~ ^[a-z]+\ version\ [0-9]+\.[0-9]+ ]] || fail "first line: ${lines[0]}"
	echo "$output" | grep -qE '^commit: .+'
	echo "$output" | grep -qE '^spec: [0-9]+\.[0-9]+\.[0-9]+'
	echo "$output" | grep -qE '^libseccomp: [0-9]+\.[0-9]+\.[0-9]+'
	run "$RUNTIME" -v
	assert_success
	[[ ${lines[0]} =~ ^[a-z]+\ version\ [0-9]+\.[0-9]+ ]]
}

@test "cli: --help for the runtime and every subcommand" {
	local c
	run "$RUNTIME" --help
	assert_success
	for c in "${SUBCOMMANDS[@]}"; do
		assert_output_contains "$c"
	done
	assert_output_contains --root --log --log-format
	for c in "${SUBCOMMANDS[@]}"; do
		run "$RUNTIME" "$c" --help
		[ "$status" -eq 0 ] || fail "$c --help: $status: $output"
		[[ $output == *"$c"* ]] || fail "$c --help does not name it: $output"
	done
	run "$RUNTIME" help
	assert_success
}

@test "cli: an unknown global flag is named, exit 1" {
	run "$RUNTIME" --bogus-flag list
	assert_status 1
	assert_output_contains bogus-flag
}

@test "cli: an unknown subcommand flag is named, exit 1" {
	run runtime state --bogus-sub x
	assert_status 1
	assert_output_contains bogus-sub
}

@test "cli: an unknown subcommand fails" {
	run runtime nosuchcmd
	assert_failure
	assert_output_contains nosuchcmd
}

@test "cli: a missing container id is an error" {
	local c
	for c in start state kill delete; do
		run runtime "$c"
		[ "$status" -ne 0 ] || fail "$c without an id succeeded"
	done
}

@test "cli: --flag=value forms" {
	set_args sh -c 'exit 4'
	run "$RUNTIME" --root="$ROOT" run --bundle="$BUNDLE" "$CID" </dev/null
	assert_status 4
	set_args sleep 100
	CORUN_TEST_TAG=$TAG "$RUNTIME" --root="$ROOT" run -d --bundle="$BUNDLE" \
		--pid-file="$TEST_DIR/p" "$CID" >"$(ct_log)" 2>&1 </dev/null 3>&-
	run "$RUNTIME" --root="$ROOT" list -q
	assert_equal "$output" "$CID"
	[ "$(cat "$TEST_DIR/p")" = "$(ct_pid)" ]
	run "$RUNTIME" --root="$ROOT" list --format=json
	assert_success
	echo "$output" | jq -e '.[0].status == "running"'
	"$RUNTIME" --root="$ROOT" delete --force "$CID"
}

@test "cli: run -b BUNDLE --keep" {
	set_args true
	run "$RUNTIME" --root "$ROOT" run -b "$BUNDLE" --keep "$CID" </dev/null
	assert_success
	run runtime state "$CID"
	assert_success
	runtime delete "$CID"
}

@test "cli: --log --log-format json writes JSON lines on an error" {
	log="$TEST_DIR/log.json"
	run runtime --log "$log" --log-format json state nosuch
	assert_failure
	[ -s "$log" ]
	while read -r line; do
		echo "$line" | jq -e '(.level | type == "string") and (.msg | type == "string") and
			(.time | type == "string")' >/dev/null || fail "bad log line: $line"
	done <"$log"
	jq -e 'select(.level == "error") | .msg' "$log" >/dev/null
}

@test "cli: --log with the text format" {
	log="$TEST_DIR/log.txt"
	run runtime --log "$log" state nosuch
	assert_failure
	grep -q 'level=error' "$log"
	grep -q 'msg=' "$log"
}

@test "cli: --log-format bogus is an error" {
	run runtime --log-format bogus list
	assert_failure
	assert_output_contains bogus
}

@test "cli: --rootless takes true, false, auto (any case) or empty; a bad value fails in runc's words" {
	set_args sleep 100
	run_detached
	local v
	# ps reads the flag in runc too (list, state and kill do not)
	for v in true false auto AUTO "" 1 F; do
		run runtime --rootless="$v" ps "$CID"
		assert_success
	done
	run runtime --rootless bogus ps "$CID"
	assert_failure
	assert_output_contains 'parsing \"bogus\": invalid syntax'
}

@test "cli: with --rootless true, pause, resume and ps warn that they need the cgroup" {
	set_args sleep 100
	run_detached
	local v c
	for v in true false; do
		for c in pause resume ps; do
			run runtime --rootless "$v" "$c" "$CID"
			assert_success
			if [ "$v" = true ]; then
				assert_output_contains "$c may fail if you don't have the full access to cgroups"
			else
				[[ "$output" != *"may fail"* ]] || fail "$c warned with --rootless false: $output"
			fi
		done
	done
}

@test "cli: errors go to stderr, state to stdout" {
	set_args sleep 100
	run_detached
	out=$(runtime state "$CID" 2>/dev/null)
	echo "$out" | jq -e '.status == "running"'
	err=$(runtime state nosuch 2>&1 >/dev/null) && fail "state nosuch succeeded"
	[ -n "$err" ]
}

@test "help: each command's summary is the same in --help and in COMMAND --help" {
	local cmd summary own
	while read -r cmd summary; do
		[ "$cmd" = help, ] && continue
		own=$("$RUNTIME" "$cmd" --help | sed -n 2p | sed "s/^ *[^ ]* $cmd - //")
		assert_equal "$own" "$summary"
	done < <("$RUNTIME" --help | sed -n '/^COMMANDS:/,/^$/p' | sed '1d;/^$/d')
}

# debug_trace_ok FILE FORMAT: the --debug trace in FILE names the steps of
# corun and of its init: namespaces, cgroup, mounts, hooks, seccomp, exec.
debug_trace_ok() {
	local msgs
	if [ "$2" = json ]; then
		msgs=$(jq -r 'select(.level == "debug") | .msg' "$1") || fail "not JSON lines: $(cat "$1")"
	else
		msgs=$(sed -n 's/.* level=debug msg="\(.*\)"$/\1/p' "$1")
	fi
	local want
	for want in "new namespaces: mnt pid" "cgroup: " "init: mounts[0]: proc on /proc" \
		"init: in the container's cgroup" "prestart hook #0: /bin/true" "init: entering the rootfs" \
		"init: seccomp: the filter is loaded" "init: ready; waiting for start to exec /bin/true" \
		"exec'd the container process" "exit code 0"; do
		[[ $msgs == *"$want"* ]] || fail "no debug line with \"$want\" ($2): $msgs"
	done
}

@test "cli: --debug traces the steps of corun and its init, text and json, to --log or stderr" {
	skip_if_runc "runc's debug lines are its own"
	set_args /bin/true
	update_config '.hooks.prestart = [{"path": "/bin/true"}] |
		.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["kexec_load"], "action": "SCMP_ACT_ERRNO"}]}'
	runtime --debug --log "$TEST_DIR/log.txt" run -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$TEST_DIR/err"
	debug_trace_ok "$TEST_DIR/log.txt" text
	[ ! -s "$TEST_DIR/err" ] || fail "with --log, stderr got: $(cat "$TEST_DIR/err")"
	runtime --debug --log-format json run -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$TEST_DIR/err.json"
	debug_trace_ok "$TEST_DIR/err.json" json
	# a terminal takes the init's stderr: its lines still reach ours
	update_config '.process.terminal = true'
	runtime --debug run -b "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/out.tty" 2>"$TEST_DIR/err.tty"
	debug_trace_ok "$TEST_DIR/err.tty" text
	! grep -q level=debug "$TEST_DIR/out.tty" || fail "debug lines on the container's terminal"
	# no --debug, no debug lines
	runtime --log "$TEST_DIR/log2" run -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	! grep -q level=debug "$TEST_DIR/log2" || fail "debug lines without --debug: $(cat "$TEST_DIR/log2")"
}
