#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Rootless: the runtime run by an unprivileged user, with a config from
# `spec --rootless`, a --root the user owns and no cgroups unless delegated.

load helpers

RL_USER=corunrl

setup_file() {
	# newuidmap names the caller by its passwd entry: a real (system) user
	if ! id -u "$RL_USER" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin "$RL_USER"
	fi
	local f
	for f in /etc/subuid /etc/subgid; do
		grep -q "^$RL_USER:" "$f" 2>/dev/null || echo "$RL_USER:300000:65536" >>"$f"
	done
}

# as_user CMD...: runs CMD as the rootless user, keeping the test tag.
as_user() {
	setpriv --reuid="$RL_USER" --regid="$RL_USER" --init-groups \
		env CORUN_TEST_TAG="$TAG" XDG_RUNTIME_DIR= "$@"
}

# rl_runtime ARGS...: the runtime as the user, on the user's --root.
rl_runtime() {
	as_user timeout -k 5 "$RUNTIME_TIMEOUT" "$RUNTIME" --root "$RL_ROOT" "$@"
}

# rl_bundle ARGS...: the bundle's config becomes the user's `spec --rootless`
# with these args and the test tag.
rl_bundle() {
	RL_UID=$(id -u "$RL_USER")
	RL_ROOT="$TEST_DIR/rl-root"
	mkdir -p "$TEST_DIR/rlspec" "$RL_ROOT"
	chown "$RL_USER" "$TEST_DIR/rlspec" "$RL_ROOT"
	(cd "$TEST_DIR/rlspec" && as_user "$RUNTIME" spec --rootless)
	jq --argjson a "$(json_array "$@")" --arg tag "$TAG" \
		'.process.args = $a | .process.terminal = false |
		 .process.env += ["CORUN_TEST_TAG=" + $tag]' \
		"$TEST_DIR/rlspec/config.json" >"$BUNDLE/config.json"
	chmod 644 "$BUNDLE/config.json"
	TEARDOWN_EXTRA='for id in $(rl_runtime list -q 2>/dev/null); do rl_runtime delete -f "$id"; done'
}

@test "rootless: the busybox bundle runs with spec --rootless" {
	rl_bundle sh -c 'id -u; id -g; cat /proc/self/uid_map; exit 7'
	run rl_runtime run -b "$BUNDLE" "$CID"
	assert_status 7
	assert_equal "${lines[0]}" 0
	assert_equal "${lines[1]}" 0
	assert_equal "$(echo "${lines[2]}" | tr -s ' ')" " 0 $RL_UID 1"
	assert_nothing_left
}

@test "rootless: create, start, state, kill, delete as the user" {
	rl_bundle sleep 100
	rl_runtime create -b "$BUNDLE" "$CID" >"$(ct_log)" 2>&1 </dev/null 3>&-
	run rl_runtime state "$CID"
	assert_success
	assert_equal "$(echo "$output" | jq -r .status)" created
	pid=$(echo "$output" | jq .pid)
	# the host sees the container's root as the user
	assert_equal "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" "$RL_UID"
	rl_runtime start "$CID"
	assert_equal "$(rl_runtime state "$CID" | jq -r .status)" running
	rl_runtime kill "$CID" KILL
	for _ in $(seq 50); do
		[ "$(rl_runtime state "$CID" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	assert_equal "$(rl_runtime state "$CID" | jq -r .status)" stopped
	rl_runtime delete "$CID"
	[ -z "$(ls -A "$RL_ROOT")" ] || fail "state left: $(ls -A "$RL_ROOT")"
}

@test "rootless: a bind mount of the user's dir; files made inside are the user's" {
	rl_bundle sh -c 'echo hi >/data/made && ls -ln /data/made'
	mkdir "$TEST_DIR/data"
	chown "$RL_USER" "$TEST_DIR/data"
	# the user cannot create the mount point in a rootfs root owns
	mkdir "$BUNDLE/rootfs/data"
	update_config '.mounts += [{"destination": "/data", "type": "bind", "source": $d,
		"options": ["rbind", "rw"]}]' --arg d "$TEST_DIR/data"
	run rl_runtime run -b "$BUNDLE" "$CID"
	assert_success
	# inside: owned by root; outside: by the user
	assert_equal "$(echo "$output" | awk '{ print $3 }')" 0
	assert_equal "$(stat -c %u "$TEST_DIR/data/made")" "$RL_UID"
}

@test "rootless: no cgroup by default; a cgroup it cannot make fails clearly" {
	rl_bundle sh -c 'cat /proc/self/cgroup'
	run rl_runtime run -b "$BUNDLE" "$CID"
	assert_success
	# the container stays in the caller's cgroups
	assert_equal "$output" "$(cat /proc/self/cgroup)"
	[ -z "$(find /sys/fs/cgroup -maxdepth 2 -name "$CID")" ]

	# asked for, as runc: an error that names the cgroup
	update_config '.linux.cgroupsPath = $p' --arg p "/corun-rl-$TAG"
	run rl_runtime run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains "corun-rl-$TAG" "ermission denied"
	assert_nothing_left
	[ -z "$(ls -A "$RL_ROOT")" ]
}

@test "rootless: --rootless false makes a cgroup it cannot make an error, as runc" {
	rl_bundle true
	run as_user timeout -k 5 "$RUNTIME_TIMEOUT" "$RUNTIME" --root "$RL_ROOT" --rootless false \
		run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains "$CID" "ermission denied"
	[ -z "$(ls -A "$RL_ROOT")" ] || fail "state left: $(ls -A "$RL_ROOT")"
	run as_user timeout -k 5 "$RUNTIME_TIMEOUT" "$RUNTIME" --root "$RL_ROOT" --rootless true \
		run -b "$BUNDLE" "$CID"
	assert_success
}

@test "rootless: more than one's own id is mapped with newuidmap and /etc/subuid" {
	command -v newuidmap >/dev/null || skip "newuidmap is not installed (package uidmap)"
	rl_bundle sh -c 'cat /proc/self/uid_map /proc/self/gid_map'
	update_config '.linux.uidMappings += [{"containerID": 1, "hostID": 300000, "size": 1000}] |
		.linux.gidMappings += [{"containerID": 1, "hostID": 300000, "size": 1000}]'
	run rl_runtime run -b "$BUNDLE" "$CID"
	assert_success
	assert_equal "$(echo "$output" | tr -s ' ' | grep -c '^ 1 300000 1000$')" 2
}

@test "rootless: mapping an id the user does not own is refused" {
	rl_bundle true
	update_config '.linux.uidMappings += [{"containerID": 1, "hostID": 1, "size": 1}]'
	run rl_runtime run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains newuidmap
	assert_nothing_left
}
