#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# exec: a new process in a running container. Every test name contains
# "exec" so that BATS_FILTER=exec selects them.

load helpers

# start_ct: a running container whose init sleeps.
start_ct() {
	set_args sleep 1000
	run_detached
}

# ex ARGS...: runtime exec with stdin closed (use under `run`).
ex() {
	runtime exec "$@" </dev/null
}

# fds_of OUTPUT: the fd numbers in `ls -l /proc/PID/fd` output, one line.
fds_of() {
	awk '$1 ~ /^l/ { print $9 }' <<<"$1" | sort -n | tr '\n' ' '
}

@test "exec: joins every namespace of the container" {
	start_ct
	pid=$(ct_pid)
	for ns in mnt pid net ipc uts user cgroup time; do
		[ -e "/proc/$pid/ns/$ns" ] || continue
		run ex "$CID" readlink "/proc/self/ns/$ns"
		assert_success
		assert_equal "$output" "$(readlink "/proc/$pid/ns/$ns")"
	done
	# In the pid namespace: sh is not pid 1, the init is.
	run ex "$CID" sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	[ "${lines[0]}" -gt 1 ]
	assert_equal "${lines[1]}" "sleep 1000 "
}

@test "exec: hostname and root are the container's" {
	update_config '.hostname = "exec-host"'
	start_ct
	echo marker >"$BUNDLE/rootfs/exec-marker"
	run ex "$CID" sh -c 'hostname; cat /exec-marker'
	assert_success
	assert_equal "${lines[0]}" exec-host
	assert_equal "${lines[1]}" marker
}

@test "exec: the process is in the container's cgroup" {
	start_ct
	run ex "$CID" sh -c 'cat /proc/self/cgroup; echo ---; cat /proc/1/cgroup'
	assert_success
	own=${output%%---*}
	init=${output##*---}
	[ -n "$own" ]
	assert_equal "$(echo $own)" "$(echo $init)"
}

@test "exec: exit codes 0, 3 and 128+N pass through" {
	start_ct
	run ex "$CID" true
	assert_status 0
	run ex "$CID" sh -c 'exit 3'
	assert_status 3
	run ex "$CID" sh -c 'kill -9 $$'
	assert_status 137
	run ex "$CID" sh -c 'kill -TERM $$'
	assert_status 143
}

@test "exec: failures exit 255 with the reason" {
	start_ct
	run ex "$CID" /no/such/binary
	assert_status 255
	assert_output_contains "exec failed:" "/no/such/binary"
	run ex "$CID" nosuchcommand
	assert_status 255
	assert_output_contains 'exec: \"nosuchcommand\": executable file not found in $PATH'
	run ex nosuchcontainer true
	assert_status 255
	assert_output_contains "container does not exist"
	run ex "$CID"
	assert_status 255
	assert_output_contains "process args cannot be empty"
	run ex -u abc "$CID" true
	assert_status 255
	assert_output_contains 'parsing abc as int for uid failed'
	run ex -d -t "$CID" true
	assert_status 255
	assert_output_contains "cannot allocate tty"
	run ex --console-socket "$TEST_DIR/sock" "$CID" true
	assert_status 255
	assert_output_contains "cannot use console socket"
	run ex -p "$TEST_DIR/nonexistent.json" "$CID"
	assert_status 255
	run ex --cgroup nosuchsub "$CID" true
	assert_status 255
	assert_output_contains "nosuchsub"
	# A usage error is 1, as in runc.
	run ex --bogus "$CID" true
	assert_status 1
	assert_output_contains "flag provided but not defined: -bogus"
}

@test "exec: the command's own flags are not taken for exec's" {
	start_ct
	run ex "$CID" sh -c 'echo x -e -t -d' -u -p
	assert_success
	assert_equal "$output" "x -e -t -d"
}

@test "exec: into a stopped container fails" {
	set_args true
	run_detached
	wait_status "$CID" stopped
	run ex "$CID" true
	assert_status 255
	assert_output_contains "cannot exec in a stopped container"
}

@test "exec: into a created container works" {
	set_args sleep 1000
	create_ct
	run ex "$CID" sh -c 'echo in-created'
	assert_success
	assert_equal "$output" in-created
}

@test "exec: into a paused container needs --ignore-paused" {
	start_ct
	runtime pause "$CID" 2>/dev/null || skip "pause is not implemented"
	run ex "$CID" true
	assert_status 255
	assert_output_contains "paused"
	runtime resume "$CID"
}

@test "exec: env from the config, -e/--env adds and overrides" {
	update_config '.process.env += ["FROMCFG=yes"]'
	start_ct
	run ex -e A=1 -e B=two -e FROMCFG=over "$CID" sh -c 'echo $A $B $FROMCFG; echo $HOME'
	assert_success
	assert_equal "${lines[0]}" "1 two over"
	assert_equal "${lines[1]}" "/root"
	run ex --env C=3 "$CID" sh -c 'echo $C $FROMCFG'
	assert_equal "$output" "3 yes"
}

@test "exec: --cwd, and a missing or escaping cwd is an error" {
	start_ct
	run ex --cwd /proc "$CID" pwd
	assert_success
	assert_equal "$output" /proc
	run ex --cwd /nonexistent "$CID" pwd
	assert_status 255
	assert_output_contains 'chdir to cwd (\"/nonexistent\")'
	# ".." cannot climb above the container's root.
	run ex --cwd /../../.. "$CID" pwd
	assert_success
	assert_equal "$output" /
}

@test "exec: a --cwd the user cannot search is entered before the user switch (runc)" {
	# a user namespace container whose /mnt is a host dir only the
	# container's root may enter (as an engine's volume can be)
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.mounts += [{"destination": "/mnt", "type": "bind", "source": $d, "options": ["rbind"]}]' \
		--arg d "$TEST_DIR/vol"
	mkdir "$TEST_DIR/vol"
	chown 100000:100000 "$TEST_DIR/vol"
	chmod 700 "$TEST_DIR/vol"
	start_ct
	run ex --cwd /mnt -u 1000 "$CID" sh -c 'pwd; ls 2>&1; id -u'
	assert_success
	assert_equal "${lines[0]}" /mnt
	assert_output_contains "Permission denied"
	assert_equal "${lines[2]}" 1000
}

@test "exec: -u uid:gid and -g set the ids and groups" {
	start_ct
	run ex -u 1000:1001 -g 5 -g 6 "$CID" cat /proc/self/status
	assert_success
	assert_equal "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' <<<"$output")" "1000 1000 1000 1000"
	assert_equal "$(awk '/^Gid:/ { print $2, $3, $4, $5 }' <<<"$output")" "1001 1001 1001 1001"
	assert_equal "$(awk '/^Groups:/ { $1 = ""; print }' <<<"$output" | xargs)" "5 6"
	run ex -u 7 "$CID" id -u
	assert_equal "$output" 7
	run ex -g -1 "$CID" true
	assert_status 255
	assert_output_contains "additional-gids must be a positive number -1"
}

@test "exec: --cap adds to the config's capabilities" {
	start_ct
	run ex "$CID" awk '/^CapEff:/ { print $2 }' /proc/self/status
	assert_success
	base=$output
	run ex --cap CAP_SYS_ADMIN "$CID" awk '/^CapEff:/ { print $2 }' /proc/self/status
	assert_success
	# CAP_SYS_ADMIN is bit 21
	assert_equal "$(printf '%016x' $((0x$base | (1 << 21))))" "$output"
	[ "$base" != "$output" ]
}

@test "exec: --no-new-privs sets NoNewPrivs" {
	update_config '.process.noNewPrivileges = false'
	start_ct
	run ex "$CID" awk '/^NoNewPrivs:/ { print $2 }' /proc/self/status
	assert_equal "$output" 0
	run ex --no-new-privs "$CID" awk '/^NoNewPrivs:/ { print $2 }' /proc/self/status
	assert_equal "$output" 1
}

@test "exec: --no-new-privs=false clears the config's noNewPrivileges" {
	update_config '.process.noNewPrivileges = true'
	start_ct
	run ex "$CID" awk '/^NoNewPrivs:/ { print $2 }' /proc/self/status
	assert_equal "$output" 1
	run ex --no-new-privs=false "$CID" awk '/^NoNewPrivs:/ { print $2 }' /proc/self/status
	assert_equal "$output" 0
	run ex --no-new-privs=true "$CID" awk '/^NoNewPrivs:/ { print $2 }' /proc/self/status
	assert_equal "$output" 1
}

@test "exec: -p process.json describes the process" {
	start_ct
	cat >"$TEST_DIR/process.json" <<-'EOF'
		{"args": ["/bin/sh", "-c", "echo $FOO; id -u; id -g; pwd"], "cwd": "/proc",
		 "env": ["FOO=from-json"], "user": {"uid": 12, "gid": 34}}
	EOF
	run ex -p "$TEST_DIR/process.json" "$CID"
	assert_success
	assert_equal "$(echo $output)" "from-json 12 34 /proc"
	echo '{"args": ["true"], "cwd": "relative"}' >"$TEST_DIR/bad.json"
	run ex -p "$TEST_DIR/bad.json" "$CID"
	assert_status 255
	[[ ${output,,} == *cwd* ]] || fail "no word about cwd: $output"
}

@test "exec: -d returns at once and --pid-file names the process" {
	start_ct
	# not under `run`: the process would hold its output pipe
	runtime exec -d --pid-file "$TEST_DIR/exec.pid" "$CID" sleep 100 \
		</dev/null >"$TEST_DIR/exec.out" 2>&1 3>&-
	pid=$(cat "$TEST_DIR/exec.pid")
	alive "$pid"
	assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 100 "
	# the host pid, in the container's pid namespace
	assert_equal "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$(ct_pid)/ns/pid")"
	kill -9 "$pid"
	wait_gone "$pid"
}

@test "exec: no fd of the runtime leaks; --preserve-fds passes exactly N more" {
	start_ct
	run ex "$CID" sh -c 'ls -l /proc/$$/fd; :'
	assert_success
	assert_equal "$(fds_of "$output")" "0 1 2 "
	run runtime exec --preserve-fds 2 "$CID" sh -c 'ls -l /proc/$$/fd; :' \
		</dev/null 3</dev/null 4</dev/null 5</dev/null
	assert_success
	assert_equal "$(fds_of "$output")" "0 1 2 3 4 "
}

@test "exec: signals to the runtime reach the process" {
	start_ct
	runtime exec "$CID" sh -c 'trap "echo got-term; exit 7" TERM; while :; do sleep 0.1; done' \
		>"$TEST_DIR/sig.out" 2>&1 </dev/null 3>&- &
	rt=$!
	for _ in $(seq 50); do
		pgrep -P "$rt" >/dev/null && break
		sleep 0.1
	done
	sleep 0.5
	kill -TERM "$(pgrep -f -n "^$RUNTIME --root $ROOT exec")"
	wait "$rt" || status=$?
	assert_equal "${status:-0}" 7
	grep -q got-term "$TEST_DIR/sig.out"
}

@test "exec: -t with --console-socket hands over a working pty" {
	command -v gcc >/dev/null || skip "gcc is not installed: cannot build the recvtty helper"
	gcc -O2 -o "$TEST_DIR/recvtty" "$REPO_ROOT/test/helpers/recvtty.c"
	start_ct
	sock="$TEST_DIR/tty.sock"
	"$TEST_DIR/recvtty" "$sock" $'echo TTY-$((6*7)); tty; exit 4\n' >"$TEST_DIR/tty.out" 2>&1 &
	helper=$!
	wait_file "$sock"
	# the socket goes with --detach only, as in runc
	run ex --tty --console-socket "$sock" "$CID" sh
	assert_status 255
	assert_output_contains "cannot use console socket"
	runtime exec -d -t --console-socket "$sock" "$CID" sh </dev/null >/dev/null 2>&1 3>&-
	wait "$helper"
	cat "$TEST_DIR/tty.out"
	grep -q "TTY-42" "$TEST_DIR/tty.out"
	grep -q "^/dev/pts/" "$TEST_DIR/tty.out"
	# /dev/console of the container is left alone
	run ex "$CID" sh -c '[ -c /dev/console ] || echo no-console-replacement'
	assert_success
}

@test "exec: -t in the foreground relays the terminal" {
	skip_if_runc "runc wants a terminal on stdin"
	start_ct
	run ex -t "$CID" sh -c 'tty; exit 5'
	assert_status 5
	assert_output_contains /dev/pts/
}

@test "exec: --cgroup puts the process in an existing sub-cgroup" {
	start_ct
	dir=$(awk -F: '$2 == "pids" { print $3 }' "/proc/$(ct_pid)/cgroup")
	mnt=$(awk '$3 == "cgroup" && $4 ~ /(^|,)pids(,|$)/ { print $2; exit }' /proc/mounts)
	[ -n "$dir" ] && [ -n "$mnt" ] || skip "no cgroup v1 pids hierarchy"
	mkdir "$mnt$dir/sub"
	run ex --cgroup pids:sub "$CID" cat /proc/self/cgroup
	rmdir "$mnt$dir/sub" 2>/dev/null || true
	assert_success
	assert_output_contains "pids:$dir/sub"
	run ex --cgroup a:b --cgroup c "$CID" true
	assert_status 255
	assert_output_contains "missing <controller>: prefix"
}

@test "exec: --cgroup paths that leave the container's cgroup, unknown controllers (runc's words)" {
	start_ct
	local a
	for a in .. ../x x/../../y /../x; do
		run ex --cgroup "$a" "$CID" true
		assert_status 255
		assert_output_contains "$a is not a sub cgroup path"
	done
	run ex --cgroup pids:../x "$CID" true
	assert_status 255
	assert_output_contains "../x is not a sub cgroup path"
	grep -qw pids /proc/self/cgroup || skip "no cgroup v1 hierarchies: no controller to check"
	run ex --cgroup bogus:x "$CID" true
	assert_status 255
	assert_output_contains "unknown controller bogus"
	# ".." that stays inside is cleaned away, as runc does
	dir=$(awk -F: '$2 == "pids" { print $3 }' "/proc/$(ct_pid)/cgroup")
	mnt=$(awk '$3 == "cgroup" && $4 ~ /(^|,)pids(,|$)/ { print $2; exit }' /proc/mounts)
	[ -n "$dir" ] && [ -n "$mnt" ] || skip "no cgroup v1 pids hierarchy"
	mkdir "$mnt$dir/sub"
	run ex --cgroup pids:nosuch/../sub "$CID" cat /proc/self/cgroup
	rmdir "$mnt$dir/sub" 2>/dev/null || true
	assert_success
	assert_output_contains "pids:$dir/sub"
}

@test "exec: CVE-2019-5736 #!/proc/self/exe leaves the runtime intact" {
	mkdir "$TEST_DIR/rt"
	copy="$TEST_DIR/rt/$(basename "$RUNTIME")"
	cp "$RUNTIME" "$copy"
	sum=$(sha256sum <"$copy")
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/evil.sh"
	chmod 755 "$BUNDLE/rootfs/evil.sh"
	set_args sleep 1000
	rtc() { CORUN_TEST_TAG="$TAG" timeout -k 5 20 "$copy" --root "$ROOT" "$@"; }
	rtc run -d -b "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&-
	# The exploit's second half: grab the exe of any process that is not
	# busybox (the runtime, run as the script's interpreter) and write it.
	rtc exec -d "$CID" sh -c 'me=$(readlink /proc/self/exe)
		for i in $(seq 300); do
			for p in /proc/[0-9]*; do
				e=$(readlink $p/exe 2>/dev/null) || continue
				[ "$e" = "$me" ] && continue
				exec 3<$p/exe || continue
				sleep 0.2
				if printf X 1<>/proc/self/fd/3; then echo WROTE; else echo FAILED; fi
				exit 0
			done
			sleep 0.01
		done' </dev/null >"$TEST_DIR/watch.out" 2>&1 3>&-
	for _ in $(seq 10); do
		rtc exec "$CID" /evil.sh </dev/null >/dev/null 2>&1 3>&- || true
	done
	sleep 0.5
	echo "watcher: $(cat "$TEST_DIR/watch.out")"
	run grep -c WROTE "$TEST_DIR/watch.out"
	assert_equal "$output" 0
	[ "$(sha256sum <"$copy")" = "$sum" ] || fail "the runtime binary was modified!"
	cmp -s "$RUNTIME" "$copy" || fail "the runtime binary differs from the original"
	# the copy still works
	run rtc exec "$CID" sh -c 'exit 6'
	assert_status 6
}

@test "exec: the container's seccomp filter applies to the process" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	update_config '.mounts += [{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs"}]'
	start_ct
	run ex "$CID" mkdir /scratch/d
	assert_failure
	assert_output_contains "Operation not permitted"
	run ex --no-new-privs "$CID" mkdir /scratch/d
	assert_failure
	run ex "$CID" ls /scratch
	assert_success
	assert_equal "$output" ""
}

@test "exec --ignore-paused: waits in a paused container, runs once it is resumed" {
	start_ct
	runtime pause "$CID" 2>/dev/null || skip "pause is not implemented"
	CORUN_TEST_TAG="$TAG" timeout -k 1 20 "$RUNTIME" --root "$ROOT" exec --ignore-paused \
		"$CID" sh -c 'echo ran' >"$TEST_DIR/exec.out" 2>&1 </dev/null 3>&- &
	epid=$!
	sleep 1
	alive "$epid" || fail "exec did not wait: $(cat "$TEST_DIR/exec.out")"
	[ ! -s "$TEST_DIR/exec.out" ] || fail "ran while paused: $(cat "$TEST_DIR/exec.out")"
	# resume must not wait for the exec
	RUNTIME_TIMEOUT=5 runtime resume "$CID"
	rc=0
	wait "$epid" || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(cat "$TEST_DIR/exec.out")" ran
}
