#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Recursive mount attributes, idmapped mounts, linux.netDevices and
# linux.intelRdt.

load helpers

# mnt_opts MOUNTPOINT: the per-mount options of the last mount at
# MOUNTPOINT in the mountinfo held in $output.
mnt_opts() {
	echo "$output" | awk -v m="$1" '$5 == m { r = $6 } END { print r }'
}

has_opt() {
	[[ ,$1, == *",$2,"* ]] || fail "\"$2\" not in \"$1\""
}

lacks_opt() {
	[[ ,$1, != *",$2,"* ]] || fail "\"$2\" in \"$1\""
}

# A host dir with a tmpfs mounted below it (torn down with the test dir).
make_submount_dir() {
	mkdir -p "$TEST_DIR/hd/sub"
	echo top >"$TEST_DIR/hd/f"
	mount -t tmpfs -o size=1m tmpfs "$TEST_DIR/hd/sub"
	echo sub >"$TEST_DIR/hd/sub/f"
}

userns_config() {
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "mounts_ext: rro, rnosuid, rnodev, rnoexec, rnosymfollow reach a submount" {
	make_submount_dir
	update_config '.mounts += [{"destination": "/m", "type": "bind", "source": $d,
		"options": ["rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnosymfollow", "rnoatime"]}]' \
		--arg d "$TEST_DIR/hd"
	set_args sh -c 'cat /proc/self/mountinfo; cat /m/sub/f; touch /m/sub/x 2>/dev/null || echo ROFAIL'
	run run_ct
	assert_success
	local o
	for m in /m /m/sub; do
		o=$(mnt_opts $m)
		has_opt "$o" ro && has_opt "$o" nosuid && has_opt "$o" nodev && has_opt "$o" noexec
		has_opt "$o" nosymfollow && has_opt "$o" noatime
	done
	assert_output_contains sub ROFAIL
}

@test "mounts_ext: plain ro stays on the top mount, rrw clears below it" {
	make_submount_dir
	mount -o remount,ro "$TEST_DIR/hd/sub"
	update_config '.mounts += [
		{"destination": "/a", "type": "bind", "source": $d, "options": ["rbind", "ro"]},
		{"destination": "/b", "type": "bind", "source": $d, "options": ["rbind", "rrw", "rstrictatime"]}]' \
		--arg d "$TEST_DIR/hd"
	set_args cat /proc/self/mountinfo
	run run_ct
	assert_success
	has_opt "$(mnt_opts /a)" ro
	has_opt "$(mnt_opts /a/sub)" ro # as on the host
	has_opt "$(mnt_opts /b/sub)" rw
	lacks_opt "$(mnt_opts /b/sub)" relatime
}

@test "mounts_ext: recursive attributes on a tmpfs mount" {
	update_config '.mounts += [{"destination": "/t", "type": "tmpfs", "source": "tmpfs",
		"options": ["rnoexec", "rnodev"]}]'
	set_args cat /proc/self/mountinfo
	run run_ct
	assert_success
	has_opt "$(mnt_opts /t)" noexec && has_opt "$(mnt_opts /t)" nodev
}

# A host dir with a file owned by 1000:1000 and one owned by root.
make_owned_dir() {
	mkdir -p "$TEST_DIR/own"
	touch "$TEST_DIR/own/u1000" "$TEST_DIR/own/root"
	chown 1000:1000 "$TEST_DIR/own/u1000" "$TEST_DIR/own"
}

@test "mounts_ext: idmap: on-disk 1000 seen as root, root's files land as 1000 (no user namespace)" {
	make_owned_dir
	update_config '.mounts += [{"destination": "/i", "type": "bind", "source": $d,
		"options": ["bind", "idmap"],
		"uidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}],
		"gidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}]}]' --arg d "$TEST_DIR/own"
	set_args sh -c 'stat -c "%u:%g" /i/u1000 /i/root; touch /i/new && stat -c "%u" /i/new'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" 0:0
	assert_equal "${lines[1]}" 65534:65534 # unmapped in the mount
	assert_equal "${lines[2]}" 0
	assert_equal "$(stat -c %u:%g "$TEST_DIR/own/new")" 1000:1000
}

@test "mounts_ext: user namespace: bind sources behind a 0700 host directory of root" {
	userns_config
	mkdir -p "$TEST_DIR/priv/d" "$BUNDLE/rootfs/d" "$BUNDLE/rootfs/data" "$BUNDLE/rootfs/data2"
	echo in-d >"$TEST_DIR/priv/d/f"
	echo a-file >"$TEST_DIR/priv/file"
	chmod 700 "$TEST_DIR/priv"
	touch "$BUNDLE/rootfs/file" "$BUNDLE/rootfs/data/on-disk"
	# the sources are the host's paths (as runc): /data2 is the rootfs's
	# own data dir, not the tmpfs the container mounts over /data first
	update_config '.mounts += [
		{"destination": "/d", "type": "bind", "source": ($p + "/d"), "options": ["rbind", "ro"]},
		{"destination": "/file", "type": "bind", "source": ($p + "/file"), "options": ["bind"]},
		{"destination": "/data", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/data2", "type": "bind", "source": $r, "options": ["rbind"]}]' \
		--arg p "$TEST_DIR/priv" --arg r "$BUNDLE/rootfs/data"
	set_args sh -c 'cat /d/f /file; touch /d/x 2>/dev/null || echo RO; ls /data2; cat /proc/self/mountinfo'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" in-d
	assert_equal "${lines[1]}" a-file
	assert_equal "${lines[2]}" RO
	assert_equal "${lines[3]}" on-disk
	has_opt "$(mnt_opts /d)" ro
}

@test "mounts_ext: idmap with a container user namespace" {
	make_owned_dir
	userns_config
	mkdir "$BUNDLE/rootfs/i" # container root may not write the rootfs
	update_config '.mounts += [{"destination": "/i", "type": "bind", "source": $d,
		"options": ["bind", "idmap"],
		"uidMappings": [{"containerID": 1000, "hostID": 100000, "size": 1}],
		"gidMappings": [{"containerID": 1000, "hostID": 100000, "size": 1}]}]' --arg d "$TEST_DIR/own"
	set_args sh -c 'stat -c "%u" /i/u1000; touch /i/new && stat -c "%u" /i/new'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" 0
	assert_equal "${lines[1]}" 0
	assert_equal "$(stat -c %u "$TEST_DIR/own/new")" 1000
}

@test "mounts_ext: idmap without mappings uses the container's user namespace" {
	make_owned_dir
	userns_config
	mkdir "$BUNDLE/rootfs/i" # container root may not write the rootfs
	chown 0:0 "$TEST_DIR/own"
	update_config '.mounts += [{"destination": "/i", "type": "bind", "source": $d,
		"options": ["bind", "idmap"]}]' --arg d "$TEST_DIR/own"
	set_args sh -c 'stat -c "%u" /i/root /i/u1000; touch /i/new'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" 0
	assert_equal "${lines[1]}" 1000
	assert_equal "$(stat -c %u "$TEST_DIR/own/new")" 0
}

@test "mounts_ext: ridmap maps a submount, idmap does not" {
	make_submount_dir
	chown 1000:1000 "$TEST_DIR/hd/sub/f"
	update_config '.mounts += [
		{"destination": "/r", "type": "bind", "source": $d, "options": ["rbind", "ridmap"],
		 "uidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}],
		 "gidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}]},
		{"destination": "/n", "type": "bind", "source": $d, "options": ["rbind", "idmap"],
		 "uidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}],
		 "gidMappings": [{"containerID": 1000, "hostID": 0, "size": 1}]}]' --arg d "$TEST_DIR/hd"
	set_args stat -c %u /r/sub/f /n/sub/f
	run run_ct
	assert_success
	assert_equal "${lines[0]}" 0
	assert_equal "${lines[1]}" 1000
}

@test "mounts_ext: idmap on a new tmpfs (no bind): its files show the mapped ids" {
	skip_if_runc "runc 1.1 idmaps bind mounts only"
	update_config '.mounts += [{"destination": "/it", "type": "tmpfs", "source": "tmpfs",
		"options": ["idmap", "mode=755", "size=1m", "nosuid"],
		"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
		"gidMappings": [{"containerID": 0, "hostID": 1001, "size": 1}]}]'
	set_args sh -c 'stat -c "%u %g %a" /it; grep " /it " /proc/self/mountinfo'
	run run_ct
	assert_success
	# on-disk root (the tmpfs root) seen as 1000:1001 through the mount
	assert_equal "${lines[0]}" "1000 1001 755"
	assert_output_contains "idmapped" "nosuid" "tmpfs"
	assert_nothing_left
}

@test "mounts_ext: idmap errors name the mount and leave nothing behind" {
	make_owned_dir
	update_config '.mounts += [{"destination": "/i", "type": "bind", "source": $d,
		"options": ["bind", "idmap"]}]' --arg d "$TEST_DIR/own"
	run run_ct
	assert_failure
	assert_output_contains "mounts[" "]: idmap: needs uidMappings and gidMappings on the mount or a user namespace"
	assert_nothing_left

	# mqueue has no idmapped mounts (the kernel says so)
	update_config '.mounts[-1] = {"destination": "/i", "type": "mqueue", "source": "mqueue",
		"options": ["idmap"], "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}],
		"gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}'
	run run_ct
	assert_failure
	assert_output_contains "]: idmap: the filesystem of" "does not support idmapped mounts"
	assert_nothing_left

	# proc does not support idmapped mounts
	update_config '.mounts[-1] = {"destination": "/i", "type": "bind", "source": "/proc",
		"options": ["rbind", "idmap"], "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}],
		"gidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}'
	run run_ct
	assert_failure
	assert_output_contains "]: idmap: the filesystem of" "/proc" "does not support idmapped mounts"
	assert_nothing_left
}

NETDEV=corunt0

netdev_setup() {
	ip link del "$NETDEV" 2>/dev/null || true
	TEARDOWN_EXTRA="ip link del $NETDEV 2>/dev/null; ip link del ${NETDEV}p 2>/dev/null; true"
	# a dummy, or where the kernel has none a veth pair (its peer stays)
	ip link add "$NETDEV" type dummy 2>/dev/null ||
		ip link add "$NETDEV" type veth peer name "${NETDEV}p" ||
		skip "cannot create a dummy or veth interface"
	ip addr add 10.213.7.1/24 dev "$NETDEV"
	update_config '.linux.namespaces |= (map(select(.type != "network")) + [{"type": "network"}])'
}

@test "netdev: a host interface moves in renamed, with its address, up" {
	netdev_setup
	update_config '.linux.netDevices = {($n): {"name": "eth1"}}' --arg n "$NETDEV"
	set_args sh -c 'ls /sys/class/net; cat /sys/class/net/eth1/flags; sleep 60'
	run_detached
	for _ in $(seq 50); do grep -q 0x "$(ct_log)" && break; sleep 0.1; done
	run cat "$(ct_log)"
	assert_output_contains eth1
	assert_output_not_contains "$NETDEV"
	local flags
	flags=$(grep -x '0x[0-9a-f]*' "$(ct_log)")
	# IFF_UP is bit 0
	[ $((flags & 1)) -eq 1 ] || fail "eth1 is not up: flags $flags"
	run ip link show "$NETDEV"
	assert_failure # gone from the host
	# the address went along
	run nsenter -t "$(ct_pid)" -n ip -4 -o addr show dev eth1
	assert_output_contains 10.213.7.1/24
	runtime delete -f "$CID"
	# a virtual device dies with the namespace (config-linux.md): not back
	for _ in $(seq 50); do ip link show "$NETDEV" >/dev/null 2>&1 || break; sleep 0.1; done
	run ip link show "$NETDEV"
	assert_failure
}

@test "netdev: without a name the host name is kept" {
	netdev_setup
	update_config '.linux.netDevices = {($n): {}}' --arg n "$NETDEV"
	set_args ls /sys/class/net
	run run_ct
	assert_success
	assert_output_contains "$NETDEV"
}

@test "netdev: bad configs are refused and leave nothing behind" {
	netdev_setup
	update_config '.linux.netDevices = {"corunnope0": {}}'
	run run_ct
	assert_failure
	assert_output_contains 'linux.netDevices[' corunnope0 ']: no such network device on the host'
	assert_nothing_left
	update_config '.linux.netDevices = {($n): {"name": "lo"}}' --arg n "$NETDEV"
	run run_ct
	assert_failure
	assert_output_contains "linux.netDevices[" "$NETDEV" "]: a device named" lo "already exists in the container"
	assert_nothing_left
	ip link show "$NETDEV" >/dev/null # still on the host
	update_config '.linux.namespaces |= map(select(.type != "network")) |
		.linux.netDevices = {($n): {}}' --arg n "$NETDEV"
	run run_ct
	assert_failure
	assert_output_contains "linux.netDevices: needs a network namespace in linux.namespaces"
	update_config '.linux.namespaces += [{"type": "network", "path": "/proc/self/ns/net"}]'
	run run_ct
	assert_failure
	assert_output_contains "is the runtime's own"
	assert_nothing_left
}

@test "rdt: intelRdt without resctrl is a clear error" {
	[ ! -d /sys/fs/resctrl/info ] || skip "resctrl is mounted here"
	update_config '.linux.intelRdt = {"closID": "corun-test", "l3CacheSchema": "L3:0=f"}'
	run run_ct
	assert_failure
	assert_output_contains "linux.intelRdt: resctrl is not mounted at /sys/fs/resctrl"
	assert_nothing_left
}

@test "rdt: a container in its own CLOS group" {
	if [ ! -d /sys/fs/resctrl/info ]; then
		echo "# no resctrl on this host (no RDT hardware or not mounted)" >&3
		skip "resctrl is not mounted at /sys/fs/resctrl"
	fi
	update_config '.linux.intelRdt = {}'
	set_args sleep 60
	run_detached
	grep -qx "$(ct_pid)" "/sys/fs/resctrl/$CID/tasks"
	runtime delete -f "$CID"
	[ ! -e "/sys/fs/resctrl/$CID" ]
}
