#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Namespaces: new ones, shared ones, joined ones, uts names, user and time.

load helpers

# ns_links NAME...: "NAME:[inode]" for each of this process's namespaces.
ns_script='for n in "$@"; do echo "$n $(readlink /proc/self/ns/$n)"; done'

host_ns() { readlink "/proc/self/ns/$1"; }

@test "namespaces: each listed namespace differs from the host's" {
	local n
	update_config '.linux.namespaces |= (map(select(.type != "cgroup")) + [{"type": "cgroup"}])'
	set_args sh -c "$ns_script" x pid net ipc uts mnt cgroup
	run run_ct
	assert_success
	for n in pid net ipc uts mnt cgroup; do
		line=$(echo "$output" | grep "^$n ")
		[[ $line == "$n $n:["* ]] || fail "no $n namespace in: $output"
		[ "$line" != "$n $(host_ns "$n")" ] || fail "$n namespace is the host's: $line"
	done
	# user is not listed: shared with the host.
	set_args sh -c "$ns_script" x user
	run run_ct
	assert_success
	assert_equal "$output" "user $(host_ns user)"
}

@test "namespaces: an unlisted namespace is the host's" {
	local n
	update_config 'del(.hostname) | del(.domainname) |
		.linux.namespaces |= map(select(.type == "mount"))'
	set_args sh -c "$ns_script" x pid net ipc uts cgroup mnt
	run run_ct
	assert_success
	for n in pid net ipc uts cgroup; do
		echo "$output" | grep -qxF "$n $(host_ns "$n")" || fail "$n is not the host's: $output"
	done
	echo "$output" | grep -vqxF "mnt $(host_ns mnt)"
}

@test "namespaces: joining another container's namespaces by path" {
	set_args sleep 100
	run_detached "${CID}a"
	pid=$(ct_pid "${CID}a")
	update_config 'del(.hostname) | .linux.namespaces |= map(
		if .type == "network" then .path = "/proc/\($p)/ns/net"
		elif .type == "ipc" then .path = "/proc/\($p)/ns/ipc"
		elif .type == "uts" then .path = "/proc/\($p)/ns/uts"
		else . end)' --arg p "$pid"
	set_args sh -c "$ns_script" x net ipc uts mnt
	run run_ct
	assert_success
	for n in net ipc uts; do
		echo "$output" | grep -qxF "$n $(readlink "/proc/$pid/ns/$n")" ||
			fail "$n not joined: $output"
	done
	echo "$output" | grep -vqxF "mnt $(readlink "/proc/$pid/ns/mnt")"
}

@test "namespaces: joining a bind-mounted network namespace" {
	command -v unshare >/dev/null || skip "no unshare"
	touch "$TEST_DIR/netns"
	unshare --net="$TEST_DIR/netns" true || skip "cannot make a persistent netns here"
	want=$(stat -L -c %i "$TEST_DIR/netns")
	update_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
		--arg p "$TEST_DIR/netns"
	set_args sh -c "$ns_script" x net
	run run_ct
	umount "$TEST_DIR/netns"
	assert_success
	assert_equal "$output" "net net:[$want]"
	# A fresh netns has only a down loopback.
}

@test "namespaces: a path to a namespace of the wrong type fails" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/proc/1/ns/ipc" else . end)'
	set_args true
	run run_ct
	assert_failure
	assert_nothing_left
}

@test "namespaces: hostname" {
	hn=$(hostname)
	update_config '.hostname = "ct-host"'
	set_args sh -c 'hostname; cat /proc/sys/kernel/hostname'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" ct-host
	assert_equal "${lines[1]}" ct-host
	assert_equal "$(hostname)" "$hn"
}

@test "namespaces: domainname" {
	skip_if_runc "runc 1.1.5 ignores linux.domainname"
	dn=$(cat /proc/sys/kernel/domainname)
	update_config '.hostname = "ct-host" | .domainname = "ct.example"'
	set_args cat /proc/sys/kernel/domainname
	run run_ct
	assert_success
	assert_equal "$output" ct.example
	assert_equal "$(cat /proc/sys/kernel/domainname)" "$dn"
}

@test "namespaces: the default hostname is set from the spec" {
	want=$(jq -r '.hostname // empty' "$BUNDLE/config.json")
	[ -n "$want" ] || skip "the default spec sets no hostname"
	set_args hostname
	run run_ct
	assert_success
	# runc's default is "runc", corun's "corun".
	assert_equal "$output" "$want"
}

@test "namespaces: user namespace with uid and gid mappings" {
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}] |
		.mounts |= map(select(.destination != "/sys/fs/cgroup"))'
	set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g;
		readlink /proc/self/ns/user; sleep 100'
	run_detached
	pid=$(ct_pid)
	for _ in $(seq 50); do
		[ "$(wc -l <"$(ct_log)")" -ge 5 ] && break
		sleep 0.1
	done
	run cat "$(ct_log)"
	[ "$(echo "${lines[0]}" | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ]
	[ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "0 200000 65536" ]
	assert_equal "${lines[2]}" 0
	assert_equal "${lines[3]}" 0
	[ "${lines[4]}" != "$(host_ns user)" ]
	# Seen from the host, the process runs as the mapped ids.
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = 100000 ]
	[ "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" = 200000 ]
}

@test "namespaces: with a user namespace /dev/mqueue belongs to the container's root, who can chmod it" {
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}] |
		.mounts |= map(select(.destination != "/sys/fs/cgroup"))'
	set_args sh -c 'stat -c "%u %g %a" /dev/mqueue; chmod 700 /dev/mqueue && stat -c "%a" /dev/mqueue;
		readlink /proc/self/ns/ipc'
	run run_ct
	assert_success
	# the group: runc's (the host's root group, unmapped here)
	assert_equal "${lines[0]}" "0 65534 1777"
	assert_equal "${lines[1]}" 700
	[ "${lines[2]}" != "$(host_ns ipc)" ]
}

@test "namespaces: time namespace with offsets" {
	[ -e /proc/self/ns/time ] || skip "the kernel has no time namespaces"
	skip_if_runc "runc 1.1 does not support time namespaces"
	update_config '.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"boottime": {"secs": 8640000, "nanosecs": 0},
				      "monotonic": {"secs": 8640000, "nanosecs": 0}}'
	set_args sh -c 'readlink /proc/self/ns/time; cut -d. -f1 /proc/uptime'
	run run_ct
	assert_success
	[[ ${lines[0]} == "time:["* ]]
	[ "${lines[0]}" != "$(host_ns time)" ]
	host_up=$(cut -d. -f1 /proc/uptime)
	[ "${lines[1]}" -ge $((host_up + 8640000 - 5)) ] || fail "uptime ${lines[1]}, host $host_up"
}

@test "namespaces: a new network namespace has loopback up" {
	set_args sh -c 'ip link show lo; ip addr show lo'
	run run_ct
	assert_success
	assert_output_contains "UP" "127.0.0.1"
}

@test "namespaces: 340 uid and gid mappings (the kernel's limit) work, 341 are refused clearly" {
	local maps
	maps=$(jq -nc '[range(340) | {"containerID": ., "hostID": (. + 1000), "size": 1}]')
	update_config '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = $m |
		.linux.gidMappings = $m | .mounts |= map(select(.destination != "/sys/fs/cgroup"))' \
		--argjson m "$maps"
	set_args sh -c 'wc -l < /proc/self/uid_map; wc -l < /proc/self/gid_map'
	run run_ct
	assert_success
	assert_equal "$(echo "$output" | tr -d ' ' | tr '\n' ' ')" "340 340 "
	update_config '.linux.uidMappings += [{"containerID": 5000, "hostID": 9000, "size": 1}]'
	run run_ct
	assert_failure
	# runc 1.1.5 fails too, with the kernel's EINVAL for uid_map
	is_runc || assert_output_contains "linux.uidMappings" "341 entries" "340"
	assert_nothing_left
}
