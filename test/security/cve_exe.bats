#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# CVE-2019-5736 (the runtime binary overwritten through /proc/self/exe of
# a runtime process that entered the container) for run and exec, and
# CVE-2016-9962 (the exec'd runtime process inspected from the container
# before it drops into the user's program: its fds, cwd and root).

load sec

# run of an entry point #!/proc/self/exe: test/integration/security.bats

# The advisory's exec form: the image's /bin/sh is "#!/proc/self/exe", a
# process of the container waits for a runtime process to appear, holds
# its /proc/PID/exe and writes it once the runtime is gone.
@test "CVE-2019-5736: exec of a #!/proc/self/exe /bin/sh cannot overwrite the runtime" {
	copy_runtime
	mkdir -m 777 "$TEST_DIR/shared"
	add_volume "$TEST_DIR/shared" /shared
	rm "$BUNDLE/rootfs/bin/sh"
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/bin/sh"
	chmod 755 "$BUNDLE/rootfs/bin/sh"
	set_args busybox sh -c '
		me=$$
		end=$(( $(date +%s) + 8 ))
		while [ $(date +%s) -lt $end ]; do
			for p in /proc/[0-9]*; do
				[ "${p#/proc/}" = "$me" ] && continue
				e=$(busybox readlink $p/exe 2>/dev/null) || continue
				case $e in
				*busybox*|"") ;;
				*) echo "exe $p $e" >>/shared/log
				   if exec 5<$p/exe; then
					   echo "held $e" >>/shared/log
					   for i in 1 2 3 4 5 6 7 8 9 10; do
						   if printf X 1<>/proc/self/fd/5; then echo WROTE >>/shared/log; break; fi
						   busybox sleep 0.2
					   done
					   exec 5<&-
				   fi ;;
				esac
			done
		done; touch /shared/done; busybox sleep 100'
	rt_copy run -d -b "$BUNDLE" "$CID" >"$(ct_log)" 2>&1 </dev/null 3>&-
	for _ in 1 2 3 4 5; do
		rt_copy exec "$CID" sh </dev/null >>"$TEST_DIR/exec.out" 2>&1 || true
		rt_copy exec "$CID" /bin/sh -c true </dev/null >>"$TEST_DIR/exec.out" 2>&1 || true
	done
	wait_file "$TEST_DIR/shared/done" || true
	echo "container saw: $(cat "$TEST_DIR/shared/log" 2>/dev/null)"
	! grep -q WROTE "$TEST_DIR/shared/log" 2>/dev/null || fail "wrote the runtime's exe"
	assert_copy_intact
	rt_copy delete -f "$CID"
}

# probe: from inside the container, every other process's fds, cwd and
# root are tried as ways to the host's marker file.
probe_script='end=$(( $(date +%s) + $1 ))
	while [ $(date +%s) -lt $end ]; do
		for p in /proc/[0-9]*; do
			[ "${p#/proc/}" = "$$" ] && continue
			for f in $p/fd/* $p/cwd $p/root; do
				if [ -e "$f/'"$UP"'$MARK" ] || [ -e "$f$MARK" ]; then
					echo "REACHED host through $f -> $(readlink $f)" >>/shared/log
				fi
			done
		done
	done; touch /shared/done; sleep 100'

@test "CVE-2016-9962: the exec'd process's fds, cwd and root lead nowhere on the host while it starts" {
	command -v strace >/dev/null || skip "strace is not installed"
	make_host_target
	mkdir -m 777 "$TEST_DIR/shared"
	add_volume "$TEST_DIR/shared" /shared
	update_config '.process.env += ["MARK=" + $m]' --arg m "$HOST_DIR/mark"
	set_args sh -c "$probe_script" probe 10
	run_detached
	# the new process is held 2 s at its execve, set up and in the
	# container, while the probe looks at it
	for _ in 1 2; do
		strace -qq -o /dev/null -f -e trace=execve -e inject=execve:delay_enter=2000000 \
			env CORUN_TEST_TAG="$TAG" "$RUNTIME" --root "$ROOT" exec "$CID" true \
			</dev/null >>"$TEST_DIR/exec.out" 2>&1 3>&- || true
	done
	wait_file "$TEST_DIR/shared/done"
	echo "exec: $(cat "$TEST_DIR/exec.out")"
	[ ! -e "$TEST_DIR/shared/log" ] || fail "$(cat "$TEST_DIR/shared/log")"
}
