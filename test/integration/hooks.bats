#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Hooks: order, state on stdin, args and env, failures and timeouts.

load helpers

# Every hook appends "NAME ARG $HOOKVAR" to a log and saves its stdin.
# Hooks that run in the container's mount namespace after pivot_root see the
# host dir only through the /hooklog bind mount.
hook_script='d=$1; [ -d "$d" ] || d=/hooklog
echo "$0 $2 $HOOKVAR" >>"$d/log"
cat >"$d/$0.state"'

# hook NAME: the JSON of a hook logging as NAME.
hook() {
	jq -nc --arg s "$hook_script" --arg n "$1" --arg d "$HOOKDIR" \
		'{"path": "/bin/sh", "args": ["sh", "-c", $s, $n, $d, ("arg-" + $n)],
		  "env": ["HOOKVAR=env-" + $n]}'
}

# hooks_setup HOOK...: a log dir shared with the container, and the hooks.
hooks_setup() {
	local h
	HOOKDIR="$TEST_DIR/hooks"
	mkdir -m 777 "$HOOKDIR"
	update_config '.mounts += [{"destination": "/hooklog", "type": "bind", "source": $d,
		"options": ["rbind", "rw"]}]' --arg d "$HOOKDIR"
	for h in "$@"; do
		update_config ".hooks.$h = [\$h]" --argjson h "$(hook "$h")"
	done
}

hook_names() { awk '{ print $1 }' "$HOOKDIR/log" | tr '\n' ' '; }

ALL_HOOKS=(prestart createRuntime createContainer startContainer poststart poststop)

@test "hooks: all kinds run in order with their args and env" {
	hooks_setup "${ALL_HOOKS[@]}"
	set_args sh -c 'echo user >>/hooklog/log'
	create_ct
	if is_runc; then
		# runc 1.1 runs poststart hooks at create already.
		[[ "$(hook_names)" == "prestart createRuntime createContainer "* ]]
	else
		assert_equal "$(hook_names)" "prestart createRuntime createContainer "
	fi
	runtime start "$CID"
	wait_status "$CID" stopped
	runtime delete "$CID"
	# poststart follows the exec, but may run before the user process writes
	if ! is_runc; then
		assert_equal "$(hook_names | sed 's/user //')" \
			"prestart createRuntime createContainer startContainer poststart poststop "
	fi
	[[ "$(hook_names)" == *" startContainer "*"user "*"poststop " ]] || fail "order: $(hook_names)"
	for h in "${ALL_HOOKS[@]}"; do
		grep -qx "$h arg-$h env-$h" "$HOOKDIR/log" || fail "$h: $(cat "$HOOKDIR/log")"
	done
}

@test "hooks: poststart runs at start, not at create" {
	skip_if_runc "runc 1.1 runs poststart hooks during create"
	hooks_setup poststart
	set_args sleep 100
	create_ct
	[ ! -e "$HOOKDIR/log" ]
	runtime start "$CID"
	assert_equal "$(hook_names)" "poststart "
}

@test "hooks: each gets the state JSON on stdin" {
	hooks_setup "${ALL_HOOKS[@]}"
	set_args sleep 100
	create_ct
	pid=$(ct_pid)
	runtime start "$CID"
	runtime delete -f "$CID"
	for h in "${ALL_HOOKS[@]}"; do
		f="$HOOKDIR/$h.state"
		jq -e --arg id "$CID" --arg b "$BUNDLE" \
			'.id == $id and .bundle == $b and .ociVersion != null' "$f" ||
			fail "$h: bad state: $(cat "$f")"
	done
	# runc 1.1 gives the container hooks the pid inside the container.
	local hs=(prestart createRuntime poststart)
	is_runc || hs+=(createContainer startContainer)
	for h in "${hs[@]}"; do
		[ "$(jq .pid "$HOOKDIR/$h.state")" = "$pid" ] || fail "$h: pid $(cat "$HOOKDIR/$h.state")"
	done
	assert_equal "$(jq -r .status "$HOOKDIR/startContainer.state")" created
	# runc 1.1 runs poststart during create.
	is_runc || assert_equal "$(jq -r .status "$HOOKDIR/poststart.state")" running
	assert_equal "$(jq -r .status "$HOOKDIR/poststop.state")" stopped
}

@test "hooks: state status is creating in the create hooks" {
	hooks_setup prestart createRuntime createContainer
	set_args true
	create_ct
	for h in prestart createRuntime createContainer; do
		assert_equal "$(jq -r .status "$HOOKDIR/$h.state")" creating
	done
}

@test "hooks: startContainer and createContainer run in the container's namespaces" {
	hooks_setup
	update_config '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c",
		"for n in mnt net; do readlink /proc/self/ns/$n; done >" + $d + "/cc"]}] |
		.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c",
		"for n in mnt net; do readlink /proc/self/ns/$n; done >/hooklog/sc; hostname >>/hooklog/sc"]}] |
		.hostname = "hookhost"' --arg d "$HOOKDIR"
	set_args sleep 100
	run_detached
	pid=$(ct_pid)
	want="$(readlink "/proc/$pid/ns/mnt" "/proc/$pid/ns/net")"
	assert_equal "$(cat "$HOOKDIR/cc")" "$want"
	assert_equal "$(head -n 2 "$HOOKDIR/sc")" "$want"
	assert_equal "$(tail -n 1 "$HOOKDIR/sc")" hookhost
}

@test "hooks: prestart, createRuntime and poststart run in the host's namespaces" {
	hooks_setup
	for h in prestart createRuntime poststart; do
		update_config ".hooks.$h = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\",
			\"readlink /proc/self/ns/mnt /proc/self/ns/net >$HOOKDIR/$h\"]}]"
	done
	set_args sleep 100
	run_detached
	want="$(readlink /proc/self/ns/mnt /proc/self/ns/net)"
	for h in prestart createRuntime poststart; do
		assert_equal "$(cat "$HOOKDIR/$h")" "$want"
	done
}

@test "hooks: a failing prestart hook fails create and leaves nothing" {
	hooks_setup
	update_config '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
	set_args sleep 100
	run create_ct
	assert_failure
	assert_nothing_left
}

@test "hooks: a failing createRuntime hook fails create and leaves nothing" {
	hooks_setup
	update_config '.hooks.createRuntime = [{"path": "/bin/false"}]'
	set_args sleep 100
	run create_ct
	assert_failure
	assert_nothing_left
}

@test "hooks: a failing createContainer hook fails create and leaves nothing" {
	hooks_setup
	update_config '.hooks.createContainer = [{"path": "/bin/false"}]'
	set_args sleep 100
	run create_ct
	assert_failure
	assert_nothing_left
}

@test "hooks: a missing hook binary fails create" {
	hooks_setup
	update_config '.hooks.createRuntime = [{"path": "/no/such/hook"}]'
	set_args sleep 100
	run create_ct
	assert_failure
	assert_nothing_left
}

@test "hooks: a failing poststop hook does not stop delete" {
	hooks_setup
	update_config '.hooks.poststop = [{"path": "/bin/false"}]'
	set_args true
	run_ct --keep
	run runtime delete "$CID"
	[ -z "$(ls -A "$ROOT")" ]
}

@test "hooks: a hook that outlives its timeout fails create" {
	hooks_setup
	n="20.$RANDOM"
	update_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", $n],
		"timeout": 1}]' --arg n "$n"
	set_args sleep 100
	start=$(date +%s)
	run create_ct
	end=$(date +%s)
	assert_failure
	[ $((end - start)) -lt 10 ] || fail "took $((end - start)) s"
	assert_nothing_left
	# The hook itself is killed.
	sleep 0.2
	! pgrep -xf "sleep $n"
}

@test "hooks: poststop runs on delete, not before" {
	hooks_setup poststop
	set_args sleep 100
	run_detached
	runtime kill "$CID" KILL
	wait_status "$CID" stopped
	[ ! -e "$HOOKDIR/log" ]
	runtime delete "$CID"
	assert_equal "$(hook_names)" "poststop "
}

@test "hooks: poststart runs after start for run -d and run" {
	hooks_setup poststart poststop
	set_args true
	run run_ct
	assert_success
	assert_equal "$(hook_names)" "poststart poststop "
}

@test "hooks: a failing startContainer hook fails start and stops the container" {
	skip_if_runc "runc 1.1 does not report startContainer failures from start"
	hooks_setup
	update_config '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 7"]}]'
	set_args sleep 100
	create_ct
	run runtime start "$CID"
	assert_failure
	[[ "$output" == *startContainer* ]] || fail "error does not name the hook: $output"
	wait_status "$CID" stopped
	runtime delete "$CID"
}

@test "hooks: start returns only after the user process was executed" {
	hooks_setup
	update_config '.hooks.poststart = [{"path": "/bin/sh", "args": ["sh", "-c",
		"readlink /proc/$(jq -r .pid)/exe >" + $d + "/exe"]}]' --arg d "$HOOKDIR"
	set_args sleep 100
	run_detached
	# poststart saw the exec'd program, not the runtime's init
	[[ "$(cat "$HOOKDIR/exe")" == */busybox ]] || fail "poststart saw $(cat "$HOOKDIR/exe")"
}

@test "hooks: createContainer runs in the rootfs, the runtime's hooks in the bundle (runc)" {
	hooks_setup
	for h in prestart createRuntime createContainer poststart poststop; do
		update_config ".hooks.$h = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\",
			\"pwd >\$0/$h.cwd\", \$d]}]" --arg d "$HOOKDIR"
	done
	# a relative path in a createContainer hook's args is inside the rootfs
	update_config '.hooks.createContainer += [{"path": "/bin/sh", "args": ["sh", "-c",
		"test -x bin/busybox && echo found >$0/rel", $d]}]' --arg d "$HOOKDIR"
	set_args true
	cd /
	run run_ct
	assert_success
	assert_equal "$(cat "$HOOKDIR/createContainer.cwd")" "$(realpath "$BUNDLE/rootfs")"
	assert_equal "$(cat "$HOOKDIR/rel")" found
	for h in prestart createRuntime poststart poststop; do
		assert_equal "$(cat "$HOOKDIR/$h.cwd")" "$(realpath "$BUNDLE")"
	done
}

@test "hooks: a failing poststop hook is a warning and the next poststop hooks still run" {
	skip_if_runc "runc 1.1 stops at the first failing poststop hook (the spec: the rest run)"
	hooks_setup
	update_config '.hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "echo oops >&2; exit 3"]},
		{"path": "/bin/sh", "args": ["sh", "-c", "echo second >>$0/log", $d]},
		{"path": "/bin/false"},
		{"path": "/bin/sh", "args": ["sh", "-c", "echo fourth >>$0/log", $d]}]' --arg d "$HOOKDIR"
	set_args true
	run_ct --keep
	run runtime delete "$CID"
	assert_success
	assert_output_contains "level=warning" "error running hook #0: error running hook: exit status 3" \
		"stderr: oops" "error running hook #2"
	assert_equal "$(hook_names)" "second fourth "
	[ -z "$(ls -A "$ROOT")" ]
}

@test "hooks: a failed hook's exit status, stdout and stderr are in the error (runc's words)" {
	hooks_setup
	update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c",
		"echo some-out; echo why-it-failed >&2; exit 5"]}]'
	set_args true
	run create_ct
	assert_failure
	assert_output_contains "error running hook #0: error running hook: exit status 5, stdout: some-out" \
		"stderr: why-it-failed"
	assert_nothing_left
	# a hook that succeeds says nothing (runc keeps its output too)
	update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c",
		"echo chatty-out; echo chatty-err >&2"]}]'
	run run_ct
	assert_success
	assert_output_not_contains chatty
}
