#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# What the runtime reads or writes about the process itself must come from
# the kernel, not from the image (A3: a fake /proc when procfs is mounted
# elsewhere); id maps at the kernel's limit (A4); CVE-2022-29162 (exec
# --cap and the inheritable set); seccomp filters that list only x86_64
# against the i386 and x32 ABIs; device nodes of the host.

load sec

# proc_elsewhere: procfs at /altproc; the image's /proc is a plain
# directory the attacker fills.
proc_elsewhere() {
	update_config '.mounts |= map(if .destination == "/proc" then .destination = "/altproc" else . end)'
	mkdir -p "$BUNDLE/rootfs/altproc" "$BUNDLE/rootfs/proc/sys/kernel" "$BUNDLE/rootfs/proc/self"
}

# caps_of PID: the five capability sets of PID as the host sees them.
caps_of() {
	grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' "/proc/$1/status" | tr '\t' ' '
}

@test "A3: a fake /proc/sys/kernel/cap_last_cap in the image does not keep capabilities" {
	set_args sleep 100
	run_detached
	want=$(caps_of "$(ct_pid)")
	runtime delete -f "$CID"
	proc_elsewhere
	echo 5 >"$BUNDLE/rootfs/proc/sys/kernel/cap_last_cap"
	run run_detached
	echo "status $status: $output"
	[ "$status" -eq 0 ] || return 0 # refusing is fine
	got=$(caps_of "$(ct_pid)")
	echo "real procfs: $want"
	echo "fake cap_last_cap: $got"
	assert_equal "$got" "$want"
}

@test "A3: a fake /proc/self/setgroups in the image does not keep the caller's groups" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args sleep 100
	setpriv --groups 4,27,100 -- true 2>/dev/null || skip "setpriv --groups is not available"
	CORUN_TEST_TAG="$TAG" setpriv --groups 4,27,100 -- timeout 30 "$RUNTIME" --root "$ROOT" \
		run -d -b "$BUNDLE" "$CID" </dev/null >"$(ct_log)" 2>&1 3>&-
	want=$(status_of "$(ct_pid)" Groups)
	runtime delete -f "$CID"
	proc_elsewhere
	echo deny >"$BUNDLE/rootfs/proc/self/setgroups"
	rc=0
	CORUN_TEST_TAG="$TAG" setpriv --groups 4,27,100 -- timeout 30 "$RUNTIME" --root "$ROOT" \
		run -d -b "$BUNDLE" "$CID" </dev/null >"$(ct_log)" 2>&1 3>&- || rc=$?
	cat "$(ct_log)"
	[ "$rc" -eq 0 ] || return 0
	got=$(status_of "$(ct_pid)" Groups)
	echo "groups with real procfs: '$want', with the fake setgroups: '$got'"
	assert_equal "$got" "$want"
	[[ " $got " != *" 27 "* ]] || fail "the caller's group 27 reached the container"
}

@test "A3: an image /proc/self/oom_score_adj symlink into a volume does not take the oomScoreAdj write" {
	mkdir -p "$TEST_DIR/vol"
	echo untouched >"$TEST_DIR/vol/target"
	add_volume "$TEST_DIR/vol" /vol
	proc_elsewhere
	ln -s /vol/target "$BUNDLE/rootfs/proc/self/oom_score_adj"
	update_config '.process.oomScoreAdj = 456'
	set_args sleep 100
	run run_detached
	echo "status $status: $output"
	assert_equal "$(cat "$TEST_DIR/vol/target")" untouched
	[ "$status" -ne 0 ] || assert_equal "$(cat "/proc/$(ct_pid)/oom_score_adj")" 456
}

# userns_maps N: a user namespace with N one-id uid and gid mappings
# (host ids short enough that 340 lines fit in the one write under a page
# that the kernel takes).
userns_maps() {
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [range(0; $n) | {"containerID": ., "hostID": (10000 + .), "size": 1}] |
		.linux.gidMappings = .linux.uidMappings' --argjson n "$1"
}

@test "A4: 340 uid/gid map entries (the kernel's limit) work" {
	userns_maps 340
	set_args sh -c 'wc -l </proc/self/uid_map; wc -l </proc/self/gid_map; id -u'
	run run_ct
	echo "$output"
	assert_success
	assert_equal "${lines[0]}" 340
	assert_equal "${lines[1]}" 340
	assert_equal "${lines[2]}" 0
}

@test "A4: 341 uid map entries fail with a clear error and leave nothing" {
	userns_maps 341
	set_args true
	run run_ct
	echo "$output"
	[ "$status" -ne 0 ] || fail "341 map entries accepted"
	[ "$status" -lt 128 ] || fail "the runtime crashed (status $status)"
	[[ $output == *340* || $output == *Mappings* || $output == *map* ]] || fail "unclear error: $output"
	assert_nothing_left
}

@test "CVE-2022-29162: exec --cap gives no inheritable capabilities" {
	set_args sleep 100
	run_detached
	assert_equal "$(status_of "$(ct_pid)" CapInh)" 0000000000000000
	run runtime exec --cap CAP_NET_ADMIN --cap CAP_SYS_ADMIN "$CID" grep -E '^Cap(Inh|Eff)' /proc/self/status
	echo "$output"
	assert_success
	inh=$(echo "$output" | awk '$1 == "CapInh:" { print $2 }')
	eff=$(echo "$output" | awk '$1 == "CapEff:" { print $2 }')
	assert_equal "$inh" 0000000000000000
	# the caps asked for are effective: CAP_NET_ADMIN (12), CAP_SYS_ADMIN (21)
	[ $((0x$eff & (1 << 12))) -ne 0 ] && [ $((0x$eff & (1 << 21))) -ne 0 ] || fail "CapEff $eff"
}

@test "CVE-2022-29162: a file capability cannot grow through the inheritable set after exec --cap" {
	command -v setcap >/dev/null || skip "setcap (libcap2-bin) is not installed"
	cp "$BUNDLE/rootfs/bin/busybox" "$BUNDLE/rootfs/bin/capbb"
	setcap cap_net_admin,cap_sys_admin+ei "$BUNDLE/rootfs/bin/capbb" || skip "setcap failed"
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args sleep 100
	run_detached
	# busybox picks its applet by name: /capbin/grep runs capbb as grep
	mkdir "$BUNDLE/rootfs/capbin"
	ln -s /bin/capbb "$BUNDLE/rootfs/capbin/grep"
	run runtime exec --cap CAP_NET_ADMIN --cap CAP_SYS_ADMIN "$CID" /capbin/grep -E '^Cap(Prm|Eff)' /proc/self/status
	echo "$output"
	assert_success
	prm=$(echo "$output" | awk '$1 == "CapPrm:" { print $2 }')
	[ -n "$prm" ] || fail "no CapPrm line"
 [ $((0x$prm & ((1 << 12) | (1 << 21)))) -eq 0 ] || fail "the program gained CapPrm $prm"
}

probe_in_rootfs() {
	local bin="$BATS_RUN_TMPDIR/arch_probe"
	command -v gcc >/dev/null || skip "gcc is not installed (needed to build arch_probe)"
	[ -x "$bin" ] || gcc -static -O2 -Wall -o "$bin" "$REPO_ROOT/test/helpers/arch_probe.c" ||
		skip "cannot build arch_probe statically"
	cp "$bin" "$BUNDLE/rootfs/bin/arch_probe"
}

@test "seccomp: a filter listing only x86_64 blocks the i386 and x32 ABIs too" {
	[ "$(uname -m)" = x86_64 ] || skip "an x86_64 host is needed"
	probe_in_rootfs
	# umask: x86_64 and x32 95, i386 60; what the ABIs do on this host
	abis=()
	for a in "i386 60" "x32 95"; do
		out=$("$BATS_RUN_TMPDIR/arch_probe" $a 022 2>&1) && [[ $out == ret=* ]] && abis+=("$a")
		echo "host: $a -> ${out:-crashed}"
	done
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64"],
		"syscalls": [{"names": ["umask"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	set_args sh -c 'arch_probe x86_64 95 022; arch_probe i386 60 022; echo "i386 status $?"
		arch_probe x32 95 022; echo "x32 status $?"'
	run run_ct
	echo "$output"
	assert_equal "${lines[0]}" "errno=1"
	# whatever the ABI does, umask never succeeds through it
	[ "$(echo "$output" | grep -c '^ret=')" = 0 ] || fail "a blocked syscall ran through another ABI"
	[ ${#abis[@]} -gt 0 ] || skip "neither the i386 nor the x32 ABI works on this kernel: only x86_64 was checked"
}

@test "devices: a host block device made with mknod cannot be opened" {
	local dev
	dev=$(for b in /sys/block/*; do case ${b##*/} in loop* | zram* | ram*) ;; *) cat "$b/dev"; break ;; esac; done)
	[ -n "$dev" ] || skip "no block device on this host"
	update_config '.process.capabilities |= map_values(. + ["CAP_MKNOD"] | unique)'
	set_args sh -c "mknod /tmp/blk b ${dev%:*} ${dev#*:} && echo made
		head -c 512 /tmp/blk >/dev/null 2>&1 && echo BLOCK-READ
		echo x 2>/dev/null >/tmp/blk && echo BLOCK-WRITTEN
		mknod /tmp/mem c 1 1 && head -c 1 /tmp/mem >/dev/null 2>&1 && echo MEM-READ
		mknod /tmp/kmsg c 1 11 && head -c 1 /tmp/kmsg >/dev/null 2>&1 && echo KMSG-READ
		ls /dev; true"
	run run_ct
	echo "$output"
	assert_success
	assert_output_not_contains BLOCK-READ
	assert_output_not_contains BLOCK-WRITTEN
	assert_output_not_contains MEM-READ
	assert_output_not_contains KMSG-READ
	! echo "$output" | grep -qxE '(sd|vd|nvme|xvd)[a-z0-9]*|mem|kmem|port' || fail "a host device node is in /dev"
}

# A4 as the lead's report found it: a rootless create maps through
# newuidmap/newgidmap, whose argument list is built on the stack. A user
# of our own with 400 subordinate ids at 10000 (short numbers: 340 lines
# must fit in the kernel's one write under a page).
MAP_USER=corunsec

map_user_setup() {
	command -v newuidmap >/dev/null || skip "newuidmap (package uidmap) is not installed"
	id -u "$MAP_USER" >/dev/null 2>&1 ||
		useradd --system --no-create-home --shell /usr/sbin/nologin "$MAP_USER" ||
		skip "cannot add the user $MAP_USER"
	local f
	for f in /etc/subuid /etc/subgid; do
		grep -q "^$MAP_USER:" "$f" 2>/dev/null || echo "$MAP_USER:10000:400" >>"$f"
	done
	MAP_ROOT="$TEST_DIR/map-root"
	mkdir -p "$MAP_ROOT" "$TEST_DIR/mapspec"
	chown "$MAP_USER" "$MAP_ROOT" "$TEST_DIR/mapspec"
	(cd "$TEST_DIR/mapspec" && setpriv --reuid="$MAP_USER" --regid="$MAP_USER" --init-groups \
		"$RUNTIME" spec --rootless)
	jq --arg tag "$TAG" --argjson n "$1" '.process.terminal = false |
		.process.env += ["CORUN_TEST_TAG=" + $tag] |
		.process.args = ["sh", "-c", "wc -l </proc/self/uid_map; wc -l </proc/self/gid_map"] |
		.linux.uidMappings = [range(0; $n) | {"containerID": ., "hostID": (10000 + .), "size": 1}] |
		.linux.gidMappings = .linux.uidMappings' \
		"$TEST_DIR/mapspec/config.json" >"$BUNDLE/config.json"
	chmod 644 "$BUNDLE/config.json"
	TEARDOWN_EXTRA='for id in $(map_runtime list -q 2>/dev/null); do map_runtime delete -f "$id"; done'
}

map_runtime() {
	setpriv --reuid="$MAP_USER" --regid="$MAP_USER" --init-groups env CORUN_TEST_TAG="$TAG" \
		XDG_RUNTIME_DIR= timeout -k 5 "$RUNTIME_TIMEOUT" "$RUNTIME" --root "$MAP_ROOT" "$@"
}

@test "A4: rootless, 340 uid/gid map entries through newuidmap work" {
	map_user_setup 340
	run map_runtime run -b "$BUNDLE" "$CID" </dev/null
	echo "$output"
	assert_success
	assert_equal "${lines[0]}" 340
	assert_equal "${lines[1]}" 340
}

@test "A4: rootless, 341 uid map entries fail with a clear error and leave nothing" {
	map_user_setup 341
	run map_runtime run -b "$BUNDLE" "$CID" </dev/null
	echo "$output"
	[ "$status" -ne 0 ] || fail "341 map entries accepted"
	[ "$status" -lt 128 ] || fail "the runtime crashed (status $status)"
	[[ $output == *340* || $output == *Mappings* || $output == *map* ]] || fail "unclear error: $output"
	[ -z "$(ls -A "$MAP_ROOT")" ] || fail "state left: $(ls -A "$MAP_ROOT")"
}
