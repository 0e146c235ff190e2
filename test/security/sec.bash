# SPDX-License-Identifier: Apache-2.0
# Shared by the test/security bats files: the integration helpers (bundle,
# --root, teardown checks) plus what the attacks need. The attacks follow
# the published advisories; each test asserts what the host and the
# container really see afterwards.

load ../integration/helpers

# A host directory the container must never reach, with a marker file and
# a host program: a static binary that says it ran (a script would not
# do: executed through a leaked fd, its interpreter could not reopen it).
make_host_target() {
	local prog="$BATS_RUN_TMPDIR/hostprog"
	HOST_DIR="$TEST_DIR/host"
	mkdir -p "$HOST_DIR/bin"
	echo "host secret $TAG" >"$HOST_DIR/mark"
	if [ ! -x "$prog" ]; then
		command -v gcc >/dev/null || skip "gcc is not installed: cannot build the host program"
		printf '%s\n' '#include <stdio.h>' '#include <unistd.h>' \
			'int main(void) { char b[4096] = ""; ssize_t n = readlink("/proc/self/exe", b, sizeof(b) - 1);' \
			'if (n > 0) b[n] = 0; printf("HOSTPROG-RAN exe=%s\n", b); return 0; }' >"$prog.c"
		gcc -static -O2 -o "$prog" "$prog.c" || return 1
	fi
	cp "$prog" "$HOST_DIR/bin/prog"
	HOST_SUM=$(sha256sum <"$HOST_DIR/bin/prog")
}

assert_host_target_intact() {
	assert_equal "$(cat "$HOST_DIR/mark")" "host secret $TAG"
	[ "$(sha256sum <"$HOST_DIR/bin/prog")" = "$HOST_SUM" ] || fail "the host program was modified"
}

# UP: enough ".." to climb from any directory to / (extra ones stay at /).
UP=../../../../../../../../../../../../../../../..

# A bind of a host directory into the container (a "volume").
add_volume() {
	update_config '.mounts += [{"destination": $d, "type": "bind", "source": $s,
		"options": ["rbind", "rw"]}]' --arg s "$1" --arg d "$2"
}

# The host's core_pattern: some attacks aim at it. Restored by teardown if
# an attack got through, so the host survives a broken runtime.
save_core_pattern() {
	CORE_PATTERN=$(cat /proc/sys/kernel/core_pattern)
	TEARDOWN_EXTRA='[ "$(cat /proc/sys/kernel/core_pattern)" = "$CORE_PATTERN" ] ||
		printf "%s\n" "$CORE_PATTERN" >/proc/sys/kernel/core_pattern'
}

assert_core_pattern_intact() {
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$CORE_PATTERN"
}

# The runtime as a copy, for attacks on its binary (a broken protection
# damages only the copy).
copy_runtime() {
	mkdir -p "$TEST_DIR/rt"
	RT_COPY="$TEST_DIR/rt/$(basename "$RUNTIME")"
	cp "$RUNTIME" "$RT_COPY"
	RT_SUM=$(sha256sum <"$RT_COPY")
}

rt_copy() {
	CORUN_TEST_TAG="$TAG" timeout -k 5 "$RUNTIME_TIMEOUT" "$RT_COPY" --root "$ROOT" "$@"
}

assert_copy_intact() {
	[ "$(sha256sum <"$RT_COPY")" = "$RT_SUM" ] || fail "the runtime binary was modified!"
	cmp -s "$RUNTIME" "$RT_COPY" || fail "the runtime binary differs from the original"
}

# status_of PID KEY: a line of the host's /proc/PID/status, value only.
status_of() {
	awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}
