#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Invalid configs: a clear error naming the JSON path, a non-zero exit, and
# nothing left behind (no state dir under --root, no process).

load helpers

# expect_config_error WHAT...: create and run both fail, leave nothing, and
# (for corun, whose wording this suite defines) name each WHAT.
expect_config_error() {
	local cmd
	for cmd in create run; do
		# A file, not a pipe: a leaked init must not hang the test.
		status=0
		runtime "$cmd" -b "$BUNDLE" "$CID" >"$TEST_DIR/out" 2>&1 </dev/null 3>&- || status=$?
		output=$(cat "$TEST_DIR/out")
		assert_failure
		[ "$status" -eq 1 ] || fail "$cmd: exit status $status, expected 1: $output"
		assert_nothing_left
		if [ "$RUNTIME_NAME" = corun ]; then
			assert_output_contains "$@"
		fi
	done
}

@test "config: missing config.json" {
	rm "$BUNDLE/config.json"
	expect_config_error config.json
}

@test "config: invalid JSON" {
	echo '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
	expect_config_error config.json
}

@test "config: not an object" {
	echo '[1, 2]' >"$BUNDLE/config.json"
	expect_config_error config.json
}

@test "config: missing process.args" {
	update_config 'del(.process.args)'
	expect_config_error process.args
}

@test "config: empty process.args" {
	update_config '.process.args = []'
	expect_config_error process.args
}

@test "config: relative cwd" {
	update_config '.process.cwd = "tmp"'
	expect_config_error process.cwd
}

@test "config: wrong JSON type" {
	skip_if_runc "runc 1.1 ignores a wrong type for process.terminal only at run time"
	update_config '.process.terminal = "no"'
	expect_config_error process.terminal
}

@test "config: unknown namespace" {
	update_config '.linux.namespaces += [{"type": "bogus"}]'
	expect_config_error "linux.namespaces[5].type" bogus
}

@test "config: duplicate namespace" {
	update_config '.linux.namespaces += [{"type": "network"}]'
	expect_config_error "linux.namespaces[5]" network
}

@test "config: an unknown capability is a warning naming it; the known ones still apply" {
	# config.md: log a warning, do not fail (runc: the same words)
	update_config '.process.capabilities.bounding += ["CAP_BOGUS"] |
		.process.capabilities.effective = ["CAP_KILL", "CAP_BOGUS", "CAP_OTHER"] |
		.process.capabilities.permitted = ["CAP_KILL"]'
	set_args sh -c 'grep CapEff /proc/self/status'
	run run_ct
	[ "$status" -eq 0 ]
	assert_output_contains "level=warning"
	assert_output_contains "ignoring unknown or unavailable capabilities: [CAP_BOGUS CAP_OTHER]"
	assert_output_contains "CapEff:	0000000000000020"
}

@test "config: bad rlimit" {
	update_config '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	expect_config_error "process.rlimits[0].type" RLIMIT_BOGUS
}

@test "config: rlimit soft above hard" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 10}]'
	expect_config_error "process.rlimits[0]"
}

@test "config: mount destination escaping the rootfs" {
	skip_if_runc "runc 1.1 clamps .. at the rootfs and accepts the mount"
	update_config '.mounts += [{"destination": "/proc/../../../x", "type": "tmpfs",
		"source": "tmpfs"}]'
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	expect_config_error "mounts[$n].destination" escapes
}

@test "config: NUL byte in a string" {
	update_config '.process.args = ["a\u0000b"]'
	expect_config_error "process.args[0]"
}

@test "config: NUL byte in an env entry" {
	skip_if_runc "runc 1.1 accepts it and fails only at exec"
	update_config '.process.env += ["A=x\u0000y"]'
	expect_config_error "process.env"
}

@test "config: bad linux.seccomp action" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_BOGUS"}'
	expect_config_error linux.seccomp.defaultAction SCMP_ACT_BOGUS
}

@test "config: uidMappings without a user namespace" {
	skip_if_runc "runc 1.1 ignores mappings without a user namespace"
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]'
	expect_config_error linux.uidMappings
}

@test "config: bad rootfsPropagation" {
	update_config '.linux.rootfsPropagation = "bogus"'
	expect_config_error linux.rootfsPropagation bogus
}

@test "config: missing rootfs" {
	rm -rf "$BUNDLE/rootfs"
	expect_config_error rootfs
}

@test "config: a missing bundle dir" {
	run runtime create -b "$TEST_DIR/nosuch" "$CID" </dev/null 3>&-
	assert_failure
	assert_nothing_left
}
