#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# linux.seccomp, proven from inside the container: errno and allow rules,
# kill and trap actions, argument filters, ENOSYS for syscalls newer than
# the profile, the SCMP_ACT_NOTIFY listener round trip, config errors.
# Test names all contain "seccomp" (BATS_FILTER=seccomp runs this file).

load helpers

HELPERS="$REPO_ROOT/test/helpers"

# build_helper NAME [gcc flags...]: compiles test/helpers/NAME.c once per
# bats run into $BATS_RUN_TMPDIR and sets HELPER_BIN; skips the test
# (with the reason) when gcc is missing or cannot build it.
build_helper() {
	local name=$1
	shift
	HELPER_BIN="$BATS_RUN_TMPDIR/$name"
	command -v gcc >/dev/null || skip "gcc is not installed (needed to build $name)"
	if [ ! -x "$HELPER_BIN" ]; then
		gcc -O2 -Wall -o "$HELPER_BIN.tmp" "$HELPERS/$name.c" "$@" >&2 ||
			skip "cannot build $name with gcc $* (static libc missing?)"
		mv "$HELPER_BIN.tmp" "$HELPER_BIN"
	fi
}

# probe_in_rootfs: puts the static seccomp_probe in the bundle's /bin.
probe_in_rootfs() {
	build_helper seccomp_probe -static
	cp "$HELPER_BIN" "$BUNDLE/rootfs/bin/seccomp_probe"
}

# set_seccomp JSON: linux.seccomp (noNewPrivileges stays as the spec has it).
set_seccomp() {
	update_config '.linux.seccomp = $s' --argjson s "$1"
}

# Syscalls busybox sh and its applets need; for allowlist profiles.
BASE_SYSCALLS='["read","write","readv","writev","open","openat","close","fstat","newfstatat",
	"stat","lstat","statx","lseek","mmap","munmap","mprotect","brk","rt_sigaction",
	"rt_sigprocmask","rt_sigreturn","ioctl","access","faccessat","faccessat2","execve",
	"execveat","exit","exit_group","wait4","clone","clone3","fork","vfork","getpid","getppid",
	"getuid","geteuid","getgid","getegid","getpgrp","setpgid","getcwd","chdir","fcntl",
	"dup","dup2","dup3","pipe","pipe2","uname","arch_prctl","set_tid_address",
	"set_robust_list","rseq","prlimit64","getrandom","readlink","readlinkat","kill",
	"getdents64","futex","poll","ppoll","pselect6","select","sigaltstack","umask"]'

@test "seccomp: a syscall blocked with errnoRet, others allowed" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	update_config '.root.readonly = false'
	set_args sh -c 'mkdir /tmp/d; echo "mkdir=$?"; touch /tmp/f && rm /tmp/f && echo touched'
	run run_ct
	assert_success
	assert_output_contains "mkdir=1" "Permission denied" "touched"
}

@test "seccomp: the same filter without no_new_privs (loaded while privileged)" {
	update_config '.process.noNewPrivileges = false'
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	set_args sh -c 'mkdir /tmp/d; echo "mkdir=$?"; grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
	run run_ct
	assert_success
	assert_output_contains "mkdir=1" "Permission denied"
	[[ $output =~ NoNewPrivs:[[:space:]]+0 ]] || fail "no_new_privs got set: $output"
	[[ $output =~ Seccomp:[[:space:]]+2 ]] || fail "not in filter mode: $output"
}

@test "seccomp: errnoRet defaults to EPERM" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args sh -c 'mkdir /tmp/d; echo "mkdir=$?"'
	run run_ct
	assert_success
	assert_output_contains "mkdir=1" "Operation not permitted"
}

@test "seccomp: defaultAction ERRNO with an allowlist" {
	probe_in_rootfs
	update_config '.process.noNewPrivileges = true'
	set_seccomp "$(jq -n --argjson b "$BASE_SYSCALLS" '{"defaultAction": "SCMP_ACT_ERRNO",
		"defaultErrnoRet": 1, "syscalls": [{"names": $b, "action": "SCMP_ACT_ALLOW"}]}')"
	set_args sh -c 'echo listed; mkdir /tmp/d; echo "mkdir=$?"; seccomp_probe call getpid'
	run run_ct
	assert_success
	assert_output_contains "listed" "mkdir=1" "Operation not permitted"
	[[ $output =~ ret=[0-9]+ ]] || fail "getpid did not work: $output"
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills with SIGSYS (exit 159)" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	set_args mkdir /tmp/d
	run run_ct
	assert_status 159
}

@test "seccomp: SCMP_ACT_KILL and KILL_THREAD end a single-threaded process" {
	for act in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD; do
		set_seccomp "$(jq -n --arg a $act '{"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": $a}]}')"
		set_args mkdir /tmp/d
		run run_ct
		assert_status 159
	done
}

@test "seccomp: SCMP_ACT_TRAP delivers SIGSYS to the process" {
	probe_in_rootfs
	# a syscall busybox sh itself never makes
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getpriority"], "action": "SCMP_ACT_TRAP"}]}'
	nr=$(printf '#include <sys/syscall.h>\nSYS_getpriority\n' | gcc -E -P - | tail -1)
	set_args sh -c 'seccomp_probe trap getpriority 0 0; seccomp_probe call getpriority 0 0
		echo "status=$?"'
	run run_ct
	assert_success
	# the handler sees the trapped syscall
	assert_output_contains "SIGSYS syscall=$nr data=0"
	# without a handler SIGSYS kills
	assert_output_contains "status=159"
}

@test "seccomp: SCMP_ACT_LOG and SCMP_ACT_TRACE" {
	probe_in_rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getppid"], "action": "SCMP_ACT_LOG"},
		{"names": ["getpriority"], "action": "SCMP_ACT_TRACE", "errnoRet": 5}]}'
	set_args sh -c 'seccomp_probe call getppid; seccomp_probe call getpriority 0 0'
	run run_ct
	assert_success
	[[ $output =~ ret=[0-9]+ ]] || fail "LOG did not allow: $output"
	# no tracer attached: the kernel fails the syscall with ENOSYS
	assert_output_contains "errno=38"
}

@test "seccomp: an argument filter (personality with one value)" {
	probe_in_rootfs
	# PER_LINUX32 = 8 is refused; querying (0xffffffff) and PER_LINUX (0) are not
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
		 "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}'
	set_args sh -c 'seccomp_probe call personality 8; seccomp_probe call personality 0xffffffff
		seccomp_probe call personality 0'
	run run_ct
	assert_success
	[ "${lines[0]}" = "errno=22" ] || fail "personality(8): ${lines[0]}"
	[[ ${lines[1]} == ret=* ]] || fail "personality(query): ${lines[1]}"
	[[ ${lines[2]} == ret=* ]] || fail "personality(0): ${lines[2]}"
}

@test "seccomp: kill with one signal refused, other signals pass" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
		 "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}'
	set_args sh -c 'sleep 10 & p=$!; kill -10 $p; echo "usr1=$?"; kill -15 $p; echo "term=$?"'
	run run_ct
	assert_success
	assert_output_contains "usr1=1" "term=0"
}

@test "seccomp: comparisons GT, GE, LT, LE, NE and repeated indexes" {
	probe_in_rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 11,
		 "args": [{"index": 0, "value": 5, "op": "SCMP_CMP_GT"}]},
		{"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 12,
		 "args": [{"index": 0, "value": 3, "op": "SCMP_CMP_EQ"}]},
		{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
		 "args": [{"index": 0, "value": 100, "op": "SCMP_CMP_EQ"},
			  {"index": 0, "value": 200, "op": "SCMP_CMP_EQ"}]},
		{"names": ["umask"], "action": "SCMP_ACT_ERRNO", "errnoRet": 14,
		 "args": [{"index": 0, "value": 10, "op": "SCMP_CMP_GE"},
			  {"index": 0, "value": 12, "op": "SCMP_CMP_LE"}]},
		{"names": ["getpgid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 15,
		 "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_NE"}]}]}'
	set_args sh -c 'for w in 6 3 0; do seccomp_probe call getpriority $w 0; done
		seccomp_probe call personality 100; seccomp_probe call personality 200
		seccomp_probe call umask 11; seccomp_probe call umask 0; seccomp_probe call getpgid 7'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" "errno=11"   # 6 > 5
	assert_equal "${lines[1]}" "errno=12"   # == 3
	[[ ${lines[2]} == ret=* ]] || fail "getpriority(0): ${lines[2]}"
	assert_equal "${lines[3]}" "errno=13"   # repeated index: either value
	assert_equal "${lines[4]}" "errno=13"
	# a repeated index means one rule per condition: 11 >= 10 matches alone
	assert_equal "${lines[5]}" "errno=14"
	assert_equal "${lines[6]}" "errno=14"   # 0 <= 12
	assert_equal "${lines[7]}" "errno=15"   # getpgid(7): 7 != 1
}

@test "seccomp: SCMP_CMP_MASKED_EQ (value is the mask, valueTwo the datum)" {
	probe_in_rootfs
	# umask(m) refused when the group/other bits are all set: (m & 077) == 077
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["umask"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
		 "args": [{"index": 0, "value": 63, "valueTwo": 63, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
	set_args sh -c 'seccomp_probe call umask 0777; seccomp_probe call umask 0077
		seccomp_probe call umask 0022; seccomp_probe call umask 0707'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" "errno=1"
	assert_equal "${lines[1]}" "errno=1"
	[[ ${lines[2]} == ret=* ]] || fail "umask(022): ${lines[2]}"
	[[ ${lines[3]} == ret=* ]] || fail "umask(0707): ${lines[3]}"
}

@test "seccomp: syscalls above the profile's highest get ENOSYS, not the default" {
	probe_in_rootfs
	[ "$(uname -m)" = x86_64 ] || skip "syscall numbers below are x86_64's"
	update_config '.process.noNewPrivileges = true'
	# the allowlist's highest x86_64 syscall is clone3 (435)
	set_seccomp "$(jq -n --argjson b "$BASE_SYSCALLS" '{"defaultAction": "SCMP_ACT_ERRNO",
		"defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
		"SCMP_ARCH_X32"], "syscalls": [{"names": $b, "action": "SCMP_ACT_ALLOW"}]}')"
	# 1000: unknown to everyone; 439 faccessat2 is allowed; 434 pidfd_open
	# is below the highest, so gets the default (EPERM); 440 is above
	set_args sh -c 'seccomp_probe call 1000; seccomp_probe call 440
		seccomp_probe call 434 0 0; seccomp_probe call 0x40000000; seccomp_probe call 0x400003e8'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" "errno=38"
	assert_equal "${lines[1]}" "errno=38"
	assert_equal "${lines[2]}" "errno=1"
	# x32 read (listed) is allowed by the filter (the kernel may lack x32:
	# then ENOSYS from the kernel); x32 nr 1000 is above the x32 range
	[[ ${lines[3]} != errno=1 ]] || fail "x32 read: ${lines[3]}"
	assert_equal "${lines[4]}" "errno=38"
}

@test "seccomp: defaultAction ALLOW leaves unknown syscall numbers alone" {
	probe_in_rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5}]}'
	set_args sh -c 'seccomp_probe call 1000; seccomp_probe call getppid'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" "errno=38"
	assert_equal "${lines[1]}" "errno=5"
}

@test "seccomp: unknown syscall names are skipped" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["no_such_syscall", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args sh -c 'mkdir /tmp/d; echo "mkdir=$?"'
	run run_ct
	assert_success
	assert_output_contains "mkdir=1"
}

@test "seccomp: flags LOG, SPEC_ALLOW, TSYNC are accepted" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG",
		"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args sh -c 'mkdir /tmp/d; echo "mkdir=$?"'
	run run_ct
	assert_success
	assert_output_contains "mkdir=1"
}

# start_agent ERRNO: the test agent on $TEST_DIR/agent.sock, output in
# $TEST_DIR/agent; waits until it listens.
start_agent() {
	build_helper seccomp_agent
	mkdir -p "$TEST_DIR/agent"
	"$HELPER_BIN" "$TEST_DIR/agent.sock" "$TEST_DIR/agent" "$1" </dev/null >"$TEST_DIR/agent/log" 2>&1 3>&- &
	AGENT_PID=$!
	TEARDOWN_EXTRA='kill $AGENT_PID 2>/dev/null; wait $AGENT_PID 2>/dev/null'
	wait_file "$TEST_DIR/agent/ready"
}

notify_config() {
	set_seccomp "$(jq -n --arg p "$TEST_DIR/agent.sock" '{"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": $p, "listenerMetadata": "hello agent",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}')"
}

@test "seccomp: SCMP_ACT_NOTIFY round trip with an agent (errno answer)" {
	start_agent 122
	notify_config
	set_args sh -c 'mkdir /tmp/d; echo "mkdir=$?"; [ -d /tmp/d ] || echo "no dir"'
	run run_ct
	assert_success
	assert_output_contains "mkdir=1" "Disk quota exceeded" "no dir"
	wait_gone "$AGENT_PID"
	local st="$TEST_DIR/agent/state.json"
	assert_equal "$(cat "$TEST_DIR/agent/nfds")" 1
	assert_equal "$(jq -r .ociVersion "$st")" 1.3.0
	assert_equal "$(jq -c .fds "$st")" '["seccompFd"]'
	assert_equal "$(jq -r .metadata "$st")" "hello agent"
	assert_equal "$(jq -r .state.id "$st")" "$CID"
	assert_equal "$(jq -r .state.status "$st")" creating
	assert_equal "$(jq -r .state.bundle "$st")" "$BUNDLE"
	assert_equal "$(jq -r .pid "$st")" "$(jq -r .state.pid "$st")"
	grep -q '^nr=' "$TEST_DIR/agent/notifs" || fail "no notification reached the agent"
}

@test "seccomp: SCMP_ACT_NOTIFY: the agent makes mkdir succeed (create/start, no NNP)" {
	start_agent 0
	update_config '.process.noNewPrivileges = false'
	notify_config
	set_args sh -c 'mkdir /tmp/d; echo "mkdir=$?"; [ -d /tmp/d ] || echo "no dir"'
	create_ct
	pid=$(ct_pid)
	assert_equal "$(jq -r .pid "$TEST_DIR/agent/state.json")" "$pid"
	runtime start "$CID"
	wait_gone "$pid"
	# mkdir "worked" without the kernel making anything: the agent answered
	run cat "$(ct_log)"
	assert_output_contains "mkdir=0" "no dir"
	runtime delete "$CID"
}

@test "seccomp: an unreachable listenerPath fails create and leaves nothing" {
	update_config '.process.noNewPrivileges = true'
	set_seccomp "$(jq -n --arg p "$TEST_DIR/nobody.sock" '{"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": $p, "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}')"
	run runtime create -b "$BUNDLE" "$CID"
	assert_status 1
	# runc's words, then ours
	assert_output_contains "failed to connect with seccomp agent specified in the seccomp profile"
	is_runc || assert_output_contains "connect to listenerPath $TEST_DIR/nobody.sock: No such file"
	assert_nothing_left
}

# bad_seccomp JSON MESSAGE...: create and run fail with MESSAGE, nothing left.
bad_seccomp() {
	local j=$1 cmd
	shift
	set_seccomp "$j"
	for cmd in create run; do
		run runtime "$cmd" -b "$BUNDLE" "$CID" </dev/null 3>&-
		assert_status 1
		assert_output_contains "$@"
		assert_nothing_left
	done
}

@test "seccomp: bad configs give clear errors and leave nothing behind" {
	bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["a"], "action": "SCMP_ACT_ALLOW"}, {"names": ["b"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["c"], "action": "SCMP_ACT_FOO"}]}' \
		'linux.seccomp.syscalls[2].action: unknown action' SCMP_ACT_FOO
	bad_seccomp '{"defaultAction": "SCMP_ACT_KILL", "defaultErrnoRet": 1}' \
		'linux.seccomp.defaultErrnoRet: not allowed with SCMP_ACT_KILL'
	bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]}' \
		'linux.seccomp.architectures[0]: unknown architecture' SCMP_ARCH_Z80
	bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"]}' \
		'linux.seccomp.flags[0]: unknown flag' SECCOMP_FILTER_FLAG_BOGUS
	bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"],
		"action": "SCMP_ACT_ERRNO", "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]}]}' \
		'linux.seccomp.syscalls[0].args[0].index: must be from 0 to 5'
	bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"],
		"action": "SCMP_ACT_NOTIFY"}]}' \
		'listenerPath is not set'
	bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [],
		"action": "SCMP_ACT_ERRNO"}]}' \
		'linux.seccomp.syscalls[0].names: must have at least one entry'
}

@test "seccomp: SCMP_ACT_NOTIFY for write or as the default is refused up front, in runc's words" {
	# before a listener is even looked for: no agent is listening here
	bad_seccomp "$(jq -n --arg p "$TEST_DIR/nobody.sock" '{"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": $p, "syscalls": [{"names": ["mkdir", "write"], "action": "SCMP_ACT_NOTIFY"}]}')" \
		'SCMP_ACT_NOTIFY cannot be used for the write syscall'
	bad_seccomp "$(jq -n --arg p "$TEST_DIR/nobody.sock" '{"defaultAction": "SCMP_ACT_NOTIFY",
		"listenerPath": $p}')" 'SCMP_ACT_NOTIFY cannot be used as default action'
}

@test "seccomp: an architecture this libseccomp lacks is refused at create" {
	v=$("$RUNTIME" --version | awk '/^libseccomp:/ { print $2 }')
	case $v in 2.[0-5].*) ;; *) skip "libseccomp $v knows every spec architecture" ;; esac
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_SHEB"]}'
	run runtime create -b "$BUNDLE" "$CID"
	assert_status 1
	assert_output_contains "linux.seccomp.architectures[0]: SCMP_ARCH_SHEB is not supported by this libseccomp"
	assert_nothing_left
}

@test "seccomp: SCMP_ACT_NOTIFY: an exec'd process's listener reaches listenerPath too" {
	start_agent 122
	notify_config
	set_args sleep 100
	run_detached
	init_pid=$(ct_pid)
	# a second agent on the same path gets the exec'd process's listener
	mkdir -p "$TEST_DIR/agent2"
	"$HELPER_BIN" "$TEST_DIR/agent.sock" "$TEST_DIR/agent2" 122 </dev/null \
		>"$TEST_DIR/agent2/log" 2>&1 3>&- &
	AGENT2_PID=$!
	TEARDOWN_EXTRA='kill $AGENT_PID $AGENT2_PID 2>/dev/null; wait $AGENT_PID $AGENT2_PID 2>/dev/null'
	wait_file "$TEST_DIR/agent2/ready"
	run runtime exec "$CID" sh -c 'mkdir /tmp/e; echo "mkdir=$?"'
	assert_success
	assert_output_contains "mkdir=1" "Disk quota exceeded"
	local st="$TEST_DIR/agent2/state.json"
	assert_equal "$(jq -r .state.status "$st")" running
	assert_equal "$(jq -r .state.pid "$st")" "$init_pid"
	[ "$(jq -r .pid "$st")" != "$init_pid" ] || fail "the listener names the init, not the exec'd process"
	grep -q '^nr=' "$TEST_DIR/agent2/notifs" || fail "no notification reached the second agent"
}

# A profile that refuses what a runtime likes to call late (close_range,
# getcwd, openat2, clone3): only the user's process may meet the filter.
deny_runtime_syscalls() {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["close_range", "getcwd", "openat2", "clone3"], "action": "SCMP_ACT_ERRNO",
		 "errnoRet": 1}]}'
}

@test "seccomp: a profile denying close_range and getcwd still starts (run, create/start, exec; nnp on and off)" {
	skip_if_runc "runc 1.1.5 (Debian) checks its cwd with getcwd under the filter when noNewPrivileges is false"
	deny_runtime_syscalls
	set_args sleep 100
	for nnp in false true; do
		update_config ".process.noNewPrivileges = $nnp"
		run_detached "$CID-$nnp" || fail "run -d with noNewPrivileges=$nnp"
		run runtime exec "$CID-$nnp" sh -c 'echo exec-ok; grep ^Seccomp: /proc/self/status'
		assert_success
		assert_output_contains "exec-ok"
		[[ $output =~ Seccomp:[[:space:]]+2 ]] || fail "exec'd process not filtered: $output"
		runtime delete -f "$CID-$nnp"
	done
	set_args sh -c 'echo started; grep ^Seccomp: /proc/self/status'
	create_ct || fail "create"
	run runtime start "$CID"
	assert_success
	wait_status "$CID" stopped
	run cat "$(ct_log)"
	assert_output_contains "started"
	[[ $output =~ Seccomp:[[:space:]]+2 ]] || fail "not filtered: $output"
}

@test "seccomp: startContainer hooks run under the container's filter, as in runc" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	update_config '.hooks.startContainer = [{"path": "/bin/mkdir", "args": ["mkdir", "/tmp/hook"]}]'
	set_args true
	run run_ct
	assert_failure
	assert_output_contains "hook" "signal"
	[ ! -e "$BUNDLE/rootfs/tmp/hook" ] || fail "the hook ran outside the filter"
}
