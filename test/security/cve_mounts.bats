#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Mount attacks from the runc advisories: destinations that are (or race
# to become) symlinks (CVE-2019-19921, CVE-2021-30465, CVE-2023-28642),
# maskedPaths and /dev/console bind mounts redirected by a /dev/null or
# /dev/console symlink (CVE-2025-31133, CVE-2025-52565), and procfs writes
# of the runtime redirected by mounts over /proc (CVE-2025-52881).

load sec

# The container's /proc is the real procfs, at /proc.
proc_check='t=$(stat -f -c %T /proc); [ -L /proc ] && echo "PROC-IS-SYMLINK"; echo "proctype $t"'

@test "CVE-2023-28642: a rootfs /proc that is a symlink does not move procfs elsewhere" {
	mkdir "$BUNDLE/rootfs/fakeproc"
	rmdir "$BUNDLE/rootfs/proc"
	ln -s /fakeproc "$BUNDLE/rootfs/proc"
	set_args sh -c "$proc_check; ls /fakeproc | head -3"
	run run_ct
	echo "status $status: $output"
	if [ "$status" -eq 0 ]; then
		assert_output_not_contains PROC-IS-SYMLINK
		assert_output_contains "proctype proc"
	fi
	# procfs never reached the symlink's target
	[ -z "$(ls -A "$BUNDLE/rootfs/fakeproc")" ] || [ "$status" -ne 0 ] ||
		fail "procfs mounted on the symlink's target"
}

@test "CVE-2023-28642: a rootfs /proc symlink to a host path goes nowhere on the host" {
	mkdir "$TEST_DIR/hostproc"
	rmdir "$BUNDLE/rootfs/proc"
	ln -s "$TEST_DIR/hostproc" "$BUNDLE/rootfs/proc"
	set_args sh -c "$proc_check"
	run run_ct
	echo "status $status: $output"
	[ -z "$(ls -A "$TEST_DIR/hostproc")" ] || fail "something appeared in the host dir"
	! grep -qF " $TEST_DIR/hostproc " /proc/self/mountinfo || fail "mounted on the host"
	[ "$status" -ne 0 ] || assert_output_contains "proctype proc"
}

# CVE-2019-19921: a volume (shared with another container) holds a
# directory that becomes a symlink to / between the runtime's check and its
# mount, so a mount meant for the volume lands on /proc. Both the settled
# forms (the symlink already there) and the race.
@test "CVE-2019-19921: a mount destination through a volume symlink cannot shadow /proc" {
	mkdir -p "$TEST_DIR/vol" "$TEST_DIR/fake/self"
	echo fake >"$TEST_DIR/fake/self/status"
	ln -s / "$TEST_DIR/vol/evil"
	add_volume "$TEST_DIR/vol" /vol
	update_config '.mounts += [{"destination": "/vol/evil/proc", "type": "bind", "source": $s,
		"options": ["rbind", "ro"]}]' --arg s "$TEST_DIR/fake"
	set_args sh -c "$proc_check; cat /proc/self/status | head -1"
	run run_ct
	echo "status $status: $output"
	if [ "$status" -eq 0 ]; then
		assert_output_contains "proctype proc"
		assert_output_not_contains fake
	fi
}

@test "CVE-2019-19921: racing a volume directory against a symlink to / never shadows /proc" {
	mkdir -p "$TEST_DIR/vol/d/proc" "$TEST_DIR/fake/self"
	echo fake >"$TEST_DIR/fake/self/status"
	add_volume "$TEST_DIR/vol" /vol
	update_config '.mounts += [{"destination": "/vol/d/proc", "type": "bind", "source": $s,
		"options": ["rbind", "ro"]}]' --arg s "$TEST_DIR/fake"
	set_args sh -c "$proc_check; head -1 /proc/self/status"
	# the other container's part, from the host: swap the directory and a
	# symlink to / as fast as it can
	(
		cd "$TEST_DIR/vol"
		ln -s / l
		mv d dd
		end=$(($(date +%s) + 30))
		while [ ! -e "$TEST_DIR/stop" ] && [ "$(date +%s)" -lt "$end" ]; do
			mv -T l d 2>/dev/null; mv -T d l 2>/dev/null; mv -T dd d 2>/dev/null; mv -T d dd 2>/dev/null
			ln -s / l 2>/dev/null
		done
	) &
	racer=$!
	bad=0
	for i in $(seq 30); do
		run runtime run -b "$BUNDLE" "$CID-$i" </dev/null
		runtime delete -f "$CID-$i" >/dev/null 2>&1 || true
		if [ "$status" -eq 0 ] && [[ $output == *fake* || $output != *"proctype proc"* ]]; then
			echo "run $i: $output"
			bad=$((bad + 1))
		fi
	done
	touch "$TEST_DIR/stop"
	wait "$racer" || true
	[ "$bad" = 0 ] || fail "/proc shadowed in $bad of 30 runs"
}

# CVE-2021-30465: a symlink swapped in for a mount destination inside a
# volume makes the runtime mount outside the rootfs: the host directory
# the symlink names must see nothing.
@test "CVE-2021-30465: a mount destination through a volume symlink to a host path stays in the rootfs" {
	mkdir -p "$TEST_DIR/vol" "$TEST_DIR/hosttarget" "$TEST_DIR/src"
	echo from-src >"$TEST_DIR/src/file"
	ln -s "$TEST_DIR/hosttarget" "$TEST_DIR/vol/link"
	add_volume "$TEST_DIR/vol" /vol
	update_config '.mounts += [{"destination": "/vol/link/sub", "type": "bind", "source": $s,
		"options": ["rbind", "ro"]}, {"destination": "/vol/link/tmp", "type": "tmpfs",
		"source": "tmpfs", "options": ["size=1m"]}]' --arg s "$TEST_DIR/src"
	set_args sh -c 'cat /vol/link/sub/file; echo ok'
	run run_ct
	echo "status $status: $output"
	[ -z "$(ls -A "$TEST_DIR/hosttarget")" ] || fail "the runtime created $(ls -A "$TEST_DIR/hosttarget") in a host directory"
	! grep -qF " $TEST_DIR/hosttarget" /proc/self/mountinfo || fail "mounted on the host"
}

@test "CVE-2021-30465: racing a mount destination against a symlink to the host never mounts outside the rootfs" {
	mkdir -p "$TEST_DIR/vol/d" "$TEST_DIR/hosttarget" "$TEST_DIR/src"
	echo from-src >"$TEST_DIR/src/file"
	add_volume "$TEST_DIR/vol" /vol
	update_config '.mounts += [{"destination": "/vol/d/sub", "type": "bind", "source": $s,
		"options": ["rbind", "ro"]}]' --arg s "$TEST_DIR/src"
	set_args true
	(
		cd "$TEST_DIR/vol"
		end=$(($(date +%s) + 30))
		while [ ! -e "$TEST_DIR/stop" ] && [ "$(date +%s)" -lt "$end" ]; do
			mv -T d dd 2>/dev/null; ln -sfn "$TEST_DIR/hosttarget" d 2>/dev/null
			rm -f d 2>/dev/null; mv -T dd d 2>/dev/null; mkdir -p d 2>/dev/null
		done
	) &
	racer=$!
	for i in $(seq 30); do
		runtime run -b "$BUNDLE" "$CID-$i" </dev/null >/dev/null 2>&1 || true
		runtime delete -f "$CID-$i" >/dev/null 2>&1 || true
	done
	touch "$TEST_DIR/stop"
	wait "$racer" || true
	[ -z "$(ls -A "$TEST_DIR/hosttarget")" ] || fail "the runtime made $(ls -A "$TEST_DIR/hosttarget") in a host directory"
}

# CVE-2025-31133: with /dev from a volume whose "null" is a symlink to a
# procfs file, masking binds that file over the masked paths (and
# a write to a masked path lands in core_pattern).
@test "CVE-2025-31133: maskedPaths stay masked when /dev/null is a symlink to core_pattern" {
	save_core_pattern
	mkdir -p "$TEST_DIR/devvol"
	ln -s /proc/sys/kernel/core_pattern "$TEST_DIR/devvol/null"
	update_config '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))'
	add_volume "$TEST_DIR/devvol" /dev
	set_args sh -c 'for f in /proc/kcore /proc/timer_list /proc/keys /proc/sched_debug; do
		[ -e $f ] || continue; n=$(head -c 200 $f 2>/dev/null | wc -c); echo "$f bytes $n"
		echo "|/tmp/pwned %p" 2>/dev/null >$f && echo "$f WRITABLE"; done'
	run run_ct
	echo "status $status: $output"
	assert_core_pattern_intact
	assert_output_not_contains WRITABLE
	[ "$status" -ne 0 ] || ! echo "$output" | grep -E 'bytes [1-9]' || fail "a masked path is readable"
}

@test "masked paths: default maskedPaths are empty and readonlyPaths refuse writes" {
	set_args sh -c 'for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/acpi /proc/scsi /sys/firmware; do
		[ -e $f ] || continue
		if [ -d $f ]; then echo "$f entries $(ls -A $f | wc -l)"; else echo "$f bytes $(head -c 100 $f 2>/dev/null | wc -c)"; fi
	done
	echo 1 >/proc/sys/kernel/sysrq 2>/dev/null && echo "sysctl WRITABLE"
	echo 1 >/proc/sysrq-trigger 2>/dev/null && echo "sysrq-trigger WRITABLE"
	mount -o remount,rw /proc/sys 2>/dev/null && echo "REMOUNTED"; true'
	run run_ct
	echo "$output"
	assert_success
	assert_output_not_contains WRITABLE
	assert_output_not_contains REMOUNTED
	! echo "$output" | grep -E '(bytes|entries) [1-9]' || fail "a masked path shows content"
}

# CVE-2025-52565: the pty is bound onto /dev/console; a /dev/console that is
# a symlink must not redirect that bind (onto core_pattern here).
@test "CVE-2025-52565: a /dev/console symlink does not redirect the console bind mount" {
	command -v script >/dev/null || skip "script(1) is not installed"
	save_core_pattern
	mkdir -p "$TEST_DIR/devvol"
	ln -s /proc/sys/kernel/core_pattern "$TEST_DIR/devvol/console"
	: >"$TEST_DIR/devvol/null"
	update_config '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))'
	add_volume "$TEST_DIR/devvol" /dev
	update_config '.process.terminal = true'
	set_args sh -c 'echo "|/tmp/pwned %p" >/proc/sys/kernel/core_pattern 2>/dev/null && echo "core_pattern WRITABLE"
		ls -l /dev/console; echo done'
	script -qec "CORUN_TEST_TAG=$TAG timeout 30 $RUNTIME --root $ROOT run -b $BUNDLE $CID" /dev/null \
		>"$TEST_DIR/pty.out" 2>&1 </dev/null || true
	cat "$TEST_DIR/pty.out"
	assert_core_pattern_intact
	! grep -q WRITABLE "$TEST_DIR/pty.out" || fail "core_pattern writable in the container"
	[ -L "$TEST_DIR/devvol/console" ] || fail "the host's volume was changed"
	assert_equal "$(readlink "$TEST_DIR/devvol/console")" /proc/sys/kernel/core_pattern
}

# CVE-2025-52881: a bind mount over /proc (after the procfs mount) makes the
# runtime's own procfs writes (oom_score_adj, sysctls, LSM attributes) land
# in a host directory.
fake_proc_dir() {
	mkdir -p "$1/self/attr" "$1/sys/kernel" "$1/sys/net/ipv4"
	echo 7 >"$1/self/oom_score_adj"
	echo unchanged >"$1/self/attr/exec"
	echo unchanged >"$1/sys/kernel/domainname"
	echo unchanged >"$1/sys/net/ipv4/ip_forward"
	find "$1" -type f -exec sha256sum {} + | sort >"$TEST_DIR/fakeproc.sum"
}

assert_fake_proc_untouched() {
	(cd / && find "$1" -type f -exec sha256sum {} + | sort) | diff "$TEST_DIR/fakeproc.sum" - ||
		fail "the runtime wrote into the host directory mounted over /proc"
}

@test "CVE-2025-52881: a bind mount onto /proc cannot redirect the oomScoreAdj and sysctl writes" {
	fake_proc_dir "$TEST_DIR/fakeproc"
	add_volume "$TEST_DIR/fakeproc" /proc
	update_config '.process.oomScoreAdj = 123 | .linux.sysctl = {"kernel.domainname": "ctdomain"}'
	set_args sleep 100
	run run_detached
	echo "status $status: $output"
	assert_fake_proc_untouched "$TEST_DIR/fakeproc"
	if [ "$status" -eq 0 ]; then
		pid=$(ct_pid)
		assert_equal "$(cat "/proc/$pid/oom_score_adj")" 123
	fi
}

@test "CVE-2025-52881: a bind mount onto /proc/sys or /proc/self cannot redirect the runtime's writes" {
	fake_proc_dir "$TEST_DIR/fakeproc"
	add_volume "$TEST_DIR/fakeproc/sys" /proc/sys
	update_config '.process.oomScoreAdj = 123 | .linux.sysctl = {"kernel.domainname": "ctdomain", "net.ipv4.ip_forward": "1"}'
	set_args sleep 100
	run run_detached
	echo "status $status: $output"
	assert_fake_proc_untouched "$TEST_DIR/fakeproc"
	runtime delete -f "$CID" >/dev/null 2>&1 || true
	update_config '.mounts |= map(select(.destination != "/proc/sys"))'
	add_volume "$TEST_DIR/fakeproc/self" /proc/self
	run run_detached
	echo "status $status: $output"
	assert_fake_proc_untouched "$TEST_DIR/fakeproc"
	if [ "$status" -eq 0 ]; then
		assert_equal "$(cat "/proc/$(ct_pid)/oom_score_adj")" 123
	fi
}
