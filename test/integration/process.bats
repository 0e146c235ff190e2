#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The container process: capabilities, user, umask, cwd, env, rlimits,
# noNewPrivileges, oomScoreAdj, args.

load helpers

CAPS=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
	LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK
	IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT
	SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL
	SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON
	BPF CHECKPOINT_RESTORE)

# cap_mask JSON_ARRAY: the 16-hex-digit mask of /proc/PID/status.
cap_mask() {
	local m=0 c i
	for c in $(echo "$1" | jq -r '.[]?'); do
		for i in "${!CAPS[@]}"; do
			[ "CAP_${CAPS[$i]}" != "$c" ] || m=$((m | (1 << i)))
		done
	done
	printf '%016x\n' "$m"
}

# status_field NAME: from the container's /proc/self/status in $output.
status_field() {
	echo "$output" | awk -v f="$1:" '$1 == f { print $2 }'
}

@test "capabilities: the default spec's sets" {
	update_config '.process.noNewPrivileges = true'
	set_args cat /proc/self/status
	run run_ct
	assert_success
	caps=$(jq -c '.process.capabilities' "$BUNDLE/config.json")
	bnd=$(cap_mask "$(echo "$caps" | jq -c '.bounding')")
	prm=$(cap_mask "$(echo "$caps" | jq -c '.permitted')")
	inh=$(cap_mask "$(echo "$caps" | jq -c '.inheritable')")
	# An ambient cap needs to be permitted and inheritable too.
	amb=$(cap_mask "$(echo "$caps" | jq -c '[.ambient[]? as $c |
		select((.inheritable // []) | index($c)) | select(.permitted | index($c)) | $c]')")
	[ "$bnd" != 0000000000000000 ]
	assert_equal "$(status_field CapBnd)" "$bnd"
	assert_equal "$(status_field CapInh)" "$inh"
	# root with no_new_privs: exec keeps the permitted set.
	assert_equal "$(status_field CapPrm)" "$prm"
	assert_equal "$(status_field CapEff)" "$prm"
	assert_equal "$(status_field CapAmb)" "$amb"
}

custom_caps='{"bounding": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_KILL", "CAP_NET_RAW"],
	"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
	"inheritable": ["CAP_KILL", "CAP_NET_RAW"],
	"ambient": ["CAP_NET_RAW"],
	"effective": ["CAP_CHOWN", "CAP_KILL"]}'

@test "capabilities: a custom set as root" {
	update_config '.process.capabilities = $c | .process.noNewPrivileges = true' \
		--argjson c "$custom_caps"
	set_args cat /proc/self/status
	run run_ct
	assert_success
	assert_equal "$(status_field CapBnd)" 0000000000002023
	assert_equal "$(status_field CapInh)" 0000000000002020
	assert_equal "$(status_field CapPrm)" 0000000000002021
	assert_equal "$(status_field CapEff)" 0000000000002021
	assert_equal "$(status_field CapAmb)" 0000000000002000
}

@test "capabilities: a custom set as a non-root user (ambient only survives exec)" {
	update_config '.process.capabilities = $c | .process.user = {"uid": 1000, "gid": 1000}' \
		--argjson c "$custom_caps"
	set_args cat /proc/self/status
	run run_ct
	assert_success
	assert_equal "$(status_field CapBnd)" 0000000000002023
	assert_equal "$(status_field CapInh)" 0000000000002020
	assert_equal "$(status_field CapPrm)" 0000000000002000
	assert_equal "$(status_field CapEff)" 0000000000002000
	assert_equal "$(status_field CapAmb)" 0000000000002000
}

@test "capabilities: without CAP_CHOWN chown fails, with it it works" {
	update_config '.root.readonly = false |
		.process.capabilities = {"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"],
		"effective": ["CAP_KILL"]}'
	set_args sh -c 'touch /tmp/f && chown 1000 /tmp/f'
	run run_ct
	assert_failure
	update_config '.process.capabilities = {"bounding": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN"],
		"effective": ["CAP_CHOWN"]}'
	run run_ct
	assert_success
}

@test "user: uid, gid and additionalGids" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20]}'
	set_args sh -c 'id; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
	run run_ct
	assert_success
	assert_output_contains "uid=1000(user) gid=1000(user)"
	[ "$(status_field Uid)" = 1000 ]
	[ "$(status_field Gid)" = 1000 ]
	[ "$(echo "$output" | awk '$1 == "Groups:" { $1 = ""; print }' | xargs)" = "10 20" ]
}

@test "user: a non-root uid cannot write root's files" {
	update_config '.root.readonly = false | .process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'touch /etc/passwd'
	run run_ct
	assert_failure
	assert_output_contains "Permission denied"
}

@test "user: umask" {
	update_config '.root.readonly = false | .process.user.umask = 23'
	set_args sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" 0027
	assert_equal "${lines[1]}" 640
}

@test "cwd" {
	update_config '.process.cwd = "/tmp"'
	set_args pwd
	run run_ct
	assert_success
	assert_equal "$output" /tmp
}

@test "cwd: a missing cwd is made (0755, root's) inside the rootfs, even through the image's symlink" {
	# /link leads to the host's / if followed outside the rootfs
	local name="corun-cwd-away-$TAG"
	mkdir -p "$BUNDLE/rootfs/tmp"
	ln -s "../../../../../../../../.." "$BUNDLE/rootfs/link"
	update_config '.process.cwd = "/link/tmp/'"$name"'/b" | .process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'cd "$(pwd -P)"; pwd; stat -c "%a %u" . ..; touch x 2>&1 || echo no-write'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" "/tmp/$name/b"
	assert_equal "${lines[1]}" "755 0"
	assert_equal "${lines[2]}" "755 0"
	assert_output_contains no-write
	[ -d "$BUNDLE/rootfs/tmp/$name/b" ]
	[ ! -e "/tmp/$name" ]
}

@test "cwd: a directory the user cannot search (/root) is entered as root, as runc" {
	update_config '.process.cwd = "/root" | .process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'pwd; ls 2>&1; id -u'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" /root
	assert_output_contains "Permission denied"
	assert_equal "${lines[2]}" 1000
}

@test "env: the spec's variables and nothing of the host's" {
	update_config '.process.env += ["FOO=bar baz", "EMPTY="]'
	set_args env
	HOST_ONLY_VAR=leak run run_ct
	assert_success
	echo "$output" | grep -qx 'FOO=bar baz'
	echo "$output" | grep -qx 'EMPTY='
	echo "$output" | grep -qx 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	assert_output_not_contains HOST_ONLY_VAR
	assert_output_not_contains BATS_
}

@test "env: HOME comes from /etc/passwd when not set" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'echo "$HOME"'
	run run_ct
	assert_success
	assert_equal "$output" /home/user
}

@test "rlimits: ulimit and /proc/self/limits" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 1000},
		{"type": "RLIMIT_NPROC", "soft": 4321, "hard": 4321}]'
	set_args sh -c 'ulimit -n; ulimit -Hn; cat /proc/self/limits'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" 123
	assert_equal "${lines[1]}" 456
	echo "$output" | grep -E '^Max open files +123 +456 +files'
	echo "$output" | grep -E '^Max core file size +0 +1000 +bytes'
	echo "$output" | grep -E '^Max processes +4321 +4321 +processes'
}

@test "noNewPrivileges: true and false" {
	update_config '.process.noNewPrivileges = true'
	set_args grep NoNewPrivs /proc/self/status
	run run_ct
	assert_success
	[ "$(status_field NoNewPrivs)" = 1 ]
	update_config '.process.noNewPrivileges = false'
	run run_ct
	assert_success
	[ "$(status_field NoNewPrivs)" = 0 ]
}

@test "oomScoreAdj" {
	update_config '.process.oomScoreAdj = 123'
	set_args cat /proc/self/oom_score_adj
	run run_ct
	assert_success
	assert_equal "$output" 123
}

@test "args: spaces, quotes and empty arguments are kept" {
	set_args sh -c 'for a in "$@"; do printf "[%s]" "$a"; done' x "a b" "c  d" "" "'q'" '$HOME'
	run run_ct
	assert_success
	assert_equal "$output" "[a b][c  d][]['q'][\$HOME]"
}

@test "args: the program is looked up in the container's PATH" {
	update_config '.root.readonly = false'
	printf '#!/bin/sh\necho mine\n' >"$BUNDLE/rootfs/usr/bin/myprog"
	chmod 755 "$BUNDLE/rootfs/usr/bin/myprog"
	set_args myprog
	run run_ct
	assert_success
	assert_equal "$output" mine
}

@test "args: a missing program fails" {
	set_args /no/such/program
	run run_ct
	assert_failure
	assert_nothing_left
}

@test "the container process is pid 1 of its pid namespace" {
	set_args sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" 1
}

@test "keyring: a session keyring of the container's own, none with --no-new-keyring" {
	update_config '.linux.maskedPaths -= ["/proc/keys"]'
	set_args sh -c 'grep -c " _ses\.'"$CID"': " /proc/keys; cat /proc/keys'
	run run_ct
	assert_success
	[ "${lines[0]}" = 1 ] || fail "no _ses.$CID keyring: $output"
	# a new id: the first keyring may linger until the kernel collects it
	CID=${CID}k
	set_args sh -c 'grep -c " _ses\.'"$CID"': " /proc/keys; cat /proc/keys'
	run run_ct --no-new-keyring
	# the caller's session keyring is kept: no keyring named after the id
	[ "${lines[0]}" = 0 ] || fail "_ses.$CID with --no-new-keyring: $output"
}

@test "sysctl: set in the container's namespaces, the host's unchanged" {
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	want=$((1 - host_fwd))
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": $f, "kernel.shmmax": "12345678"}' \
		--arg f "$want"
	set_args sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" "$want"
	assert_equal "${lines[1]}" 12345678
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd"
}

@test "sysctl: a host-wide key without its namespace is refused" {
	update_config '.linux.namespaces |= map(select(.type != "network")) |
		.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	set_args true
	run run_ct
	assert_failure
	assert_output_contains net.ipv4.ip_forward
	assert_nothing_left
}

@test "cwd: a directory only root may enter works for a non-root user (as runc)" {
	mkdir -p "$BUNDLE/rootfs/private"
	chmod 700 "$BUNDLE/rootfs/private"
	update_config '.process.cwd = "/private" | .process.user = {"uid": 42, "gid": 42}'
	set_args sh -c 'pwd; id -u'
	run run_ct
	assert_success
	assert_equal "${lines[0]}" /private
	assert_equal "${lines[1]}" 42
}

@test "cwd: exec --user 0 without CAP_DAC_OVERRIDE into a 0700 cwd owned by another user" {
	mkdir -p "$BUNDLE/rootfs/home42"
	chown 42:42 "$BUNDLE/rootfs/home42"
	chmod 700 "$BUNDLE/rootfs/home42"
	update_config '.process.cwd = "/home42" | .process.user = {"uid": 42, "gid": 42} |
		.process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
			"permitted": ["CAP_KILL"]}'
	set_args sleep 100
	run_detached
	run runtime exec --user 0 "$CID" sh -c 'pwd; id -u'
	assert_success
	assert_equal "${lines[0]}" /home42
	assert_equal "${lines[1]}" 0
}

@test "cwd: a cwd through a runtime fd is refused (CVE-2024-21626)" {
	set_args sleep 100
	run_detached
	for fd in 3 4 5 6 7 8 9 10; do
		run runtime exec --cwd "/proc/self/fd/$fd" "$CID" pwd
		assert_failure
		run runtime exec "$CID" "/proc/self/fd/$fd/../../../../../bin/true"
		assert_failure
	done
}
