#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The container is hostile: CVE-2019-5736 (overwriting the runtime binary
# through /proc/PID/exe) and file descriptor leaks.
#
# The exe tests run a COPY of the runtime so that a broken protection damages
# only the copy.

# copy_runtime, rt_copy, assert_copy_intact: the security suite's
load ../security/sec

@test "CVE-2019-5736: an entry point with #!/proc/self/exe leaves the runtime intact" {
	copy_runtime
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/evil.sh"
	chmod 755 "$BUNDLE/rootfs/evil.sh"
	set_args /evil.sh
	run rt_copy run -b "$BUNDLE" "$CID" </dev/null
	echo "$output"
	assert_copy_intact
	# The copy still works.
	set_args sh -c 'exit 6'
	run rt_copy run -b "$BUNDLE" "$CID" </dev/null
	assert_status 6
}

@test "CVE-2019-5736: #!/proc/self/exe in a created and started container" {
	copy_runtime
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/evil.sh"
	chmod 755 "$BUNDLE/rootfs/evil.sh"
	set_args /evil.sh
	rt_copy create -b "$BUNDLE" "$CID" >"$(ct_log)" 2>&1 </dev/null 3>&-
	# start may fail to exec the script: what matters is the binary
	run rt_copy start "$CID"
	echo "$output"
	sleep 0.3
	rt_copy delete -f "$CID"
	assert_copy_intact
}

@test "CVE-2019-5736: a container process cannot write the runtime through /proc/<init>/exe" {
	copy_runtime
	mkdir -m 777 "$TEST_DIR/shared"
	# Container A: created, its init waits for start.
	set_args sleep 100
	rt_copy create -b "$BUNDLE" "${CID}a" >"$(ct_log "${CID}a")" 2>&1 </dev/null 3>&-
	apid=$(rt_copy state "${CID}a" | jq .pid)

	# Container B: all capabilities, in A's pid namespace, so that A's
	# init is its /proc/1. It keeps A's exe open and writes it after A's
	# init is gone (no ETXTBSY then), as the CVE's exploit did.
	mkdir "$TEST_DIR/b"
	cp -a "$BUNDLE/rootfs" "$TEST_DIR/b/"
	jq --arg p "/proc/$apid/ns/pid" --arg s "$TEST_DIR/shared" '
		.process.capabilities = ((.process.capabilities.bounding = [range(0; 41)] |
			.process.capabilities) | map_values(null)) |
		.linux.namespaces |= map(if .type == "pid" then .path = $p else . end) |
		.mounts += [{"destination": "/shared", "type": "bind", "source": $s,
			"options": ["rbind", "rw"]}] |
		.process.noNewPrivileges = false' "$BUNDLE/config.json" >"$TEST_DIR/b/config.json"
	caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER","CAP_FSETID",
		"CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP","CAP_NET_ADMIN","CAP_SYS_CHROOT",
		"CAP_SYS_PTRACE","CAP_SYS_ADMIN","CAP_MKNOD","CAP_AUDIT_WRITE","CAP_SETFCAP"]'
	CFG_BUNDLE="$TEST_DIR/b" update_config '.process.capabilities = {"bounding": $c,
		"effective": $c, "permitted": $c, "inheritable": $c}' --argjson c "$caps"
	CFG_BUNDLE="$TEST_DIR/b" update_config '.process.args = ["sh", "-c", $s]' --arg s '
		readlink /proc/1/exe >/shared/exe
		if printf X 1<>/proc/1/exe; then echo WROTE >/shared/direct; else echo FAILED >/shared/direct; fi
		exec 3</proc/1/exe || { echo OPENFAIL >/shared/result; exit 0; }
		touch /shared/opened
		while [ ! -e /shared/go ]; do sleep 0.1; done
		if printf X 1<>/proc/self/fd/3; then echo WROTE; else echo FAILED; fi >/shared/result
		if printf X >>/proc/self/fd/3; then echo WROTE; else echo FAILED; fi >>/shared/result
		sleep 100'
	rt_copy run -d -b "$TEST_DIR/b" "${CID}b" >"$(ct_log "${CID}b")" 2>&1 </dev/null 3>&-
	wait_file "$TEST_DIR/shared/direct"
	echo "A's init exe as seen in B: $(cat "$TEST_DIR/shared/exe")"
	assert_equal "$(cat "$TEST_DIR/shared/direct")" FAILED
	if [ ! -e "$TEST_DIR/shared/result" ]; then
		wait_file "$TEST_DIR/shared/opened"
		# A's init execs "sleep": the runtime binary runs nowhere now.
		rt_copy start "${CID}a"
		wait_status "${CID}a" running
		sleep 0.2
		touch "$TEST_DIR/shared/go"
		for _ in $(seq 100); do
			[ "$(wc -l <"$TEST_DIR/shared/result" 2>/dev/null)" = 2 ] && break
			sleep 0.1
		done
	fi
	echo "result: $(cat "$TEST_DIR/shared/result")"
	run grep -c WROTE "$TEST_DIR/shared/result"
	assert_equal "$output" 0
	assert_copy_intact
	rt_copy delete -f "${CID}b"
	rt_copy delete -f "${CID}a"
}

@test "CVE-2019-5736: a handle on a created container's /proc/<init>/exe cannot write the runtime" {
	copy_runtime
	set_args sleep 100
	rt_copy create -b "$BUNDLE" "$CID" >"$(ct_log)" 2>&1 </dev/null 3>&-
	pid=$(rt_copy state "$CID" | jq .pid)
	echo "exe: $(readlink "/proc/$pid/exe")"
	exec {fd}<"/proc/$pid/exe"
	rt_copy start "$CID"
	wait_status "$CID" running
	sleep 0.2
	# The init runs "sleep" now: nothing executes the runtime binary, so a
	# plain file would be writable through the handle.
	if (printf X 1<>"/proc/self/fd/$fd") 2>/dev/null; then
		echo "wrote through the handle"
	fi
	exec {fd}<&-
	assert_copy_intact
}

# The container's open fds, "fd N TARGET" each: only the shell's own, as
# the $(...) of the list and of readlink are gone or in a child when [ -e ]
# looks.
fd_script='for i in $(seq 0 40); do [ -e /proc/self/fd/$i ] && echo "fd $i $(readlink /proc/self/fd/$i)"; done; true'

fd_numbers() { echo "$output" | awk '$1 == "fd" { printf "%s ", $2 }'; }

@test "fds: no host fd leaks into the container" {
	echo x >"$TEST_DIR/x"
	set_args sh -c "$fd_script"
	exec 7<"$TEST_DIR/x" 8>"$TEST_DIR/y"
	run run_ct
	exec 7<&- 8>&-
	assert_success
	assert_equal "$(fd_numbers)" "0 1 2 "
	assert_output_not_contains "$TEST_DIR"
}

@test "fds: ls -l /proc/self/fd shows only stdio and ls's own" {
	set_args ls /proc/self/fd
	exec 7<"$BUNDLE/config.json"
	run run_ct
	exec 7<&-
	assert_success
	assert_equal "$(echo "$output" | tr '\n' ' ')" "0 1 2 3 "
}

@test "fds: no host fd leaks into a created container's process" {
	set_args sh -c "$fd_script"
	exec 7<"$BUNDLE/config.json"
	create_ct
	exec 7<&-
	runtime start "$CID"
	wait_status "$CID" stopped
	output=$(cat "$(ct_log)")
	assert_equal "$(fd_numbers)" "0 1 2 "
}

@test "fds: --preserve-fds 2 passes fds 3 and 4 and nothing beyond" {
	echo xdata >"$TEST_DIR/x"
	echo ydata >"$TEST_DIR/y"
	echo zdata >"$TEST_DIR/z"
	set_args sh -c "cat /proc/self/fd/3 /proc/self/fd/4; $fd_script"
	run runtime run --preserve-fds 2 -b "$BUNDLE" "$CID" 3<"$TEST_DIR/x" 4<"$TEST_DIR/y" \
		5<"$TEST_DIR/z" </dev/null
	assert_success
	assert_equal "${lines[0]}" xdata
	assert_equal "${lines[1]}" ydata
	echo "$output" | grep -qx "fd 3 $TEST_DIR/x"
	echo "$output" | grep -qx "fd 4 $TEST_DIR/y"
	assert_output_not_contains "$TEST_DIR/z"
	assert_equal "$(fd_numbers)" "0 1 2 3 4 "
}

@test "fds: the runtime's own fds do not reach a detached container" {
	set_args sh -c "$fd_script; echo end; sleep 100"
	run_detached
	for _ in $(seq 50); do
		grep -q '^end' "$(ct_log)" && break
		sleep 0.1
	done
	output=$(cat "$(ct_log)")
	assert_equal "$(fd_numbers)" "0 1 2 "
	# Seen from the host too: only stdio.
	pid=$(ct_pid)
	run ls "/proc/$pid/fd"
	assert_equal "$(echo "$output" | tr '\n' ' ')" "0 1 2 "
}

@test "the container cannot see the host's processes or root" {
	set_args sh -c 'ls /proc | grep -cE "^[0-9]+$"; ls / | tr "\n" " "'
	run run_ct
	assert_success
	[ "${lines[0]}" -le 3 ]
	[[ ${lines[1]} != *work* ]]
}
