#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds corun twice (release
# with -Werror, and ASan+UBSan), runs unit and integration tests on each,
# fuzzes the parsers for a while (fuzz/run.sh), then the cgroup v2 tests in a guest VM (test/guest/run.sh; skipped with
# the reason when it cannot boot one, or with CORUN_SKIP_GUEST=1) and the
# systemd cgroup driver's tests in one with systemd as PID 1 (run.sh -s,
# on v2 and on the hybrid v1 layout with -l), and ends with one line "N passed, N failed, N skipped" over everything.
# Run as root from the repository root.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh || exit 1

build() { # dir, extra meson args...
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" --werror "$@" >"$dir.setup.log" 2>&1 || {
			cat "$dir.setup.log"
			return 1
		}
	fi
	ninja -C "$dir" >"$dir.ninja.log" 2>&1 || {
		cat "$dir.ninja.log"
		return 1
	}
}

passed=0 failed=0 skipped=0
run_suite() { # label, build dir[, command...]
	local label=$1 dir=$2 out
	shift 2
	[ $# -gt 0 ] || set -- bash scripts/run-tests.sh
	out=$(mktemp)
	echo "=== $label"
	BUILD_DIR=$dir CORUN_BIN=$PWD/$dir/corun "$@" 2>&1 | tee "$out"
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$label: the test runner printed no summary" >&2
		failed=$((failed + 1))
	else
		read -r p _ f _ s _ <<<"$(echo "$line" | tr -d ',')"
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
	fi
	rm -f "$out"
}

# The style: every C file as .clang-format says (scripts/format.sh fixes)
run_suite "style (clang-format)" build bash scripts/format.sh --check
# The layering of src/lib (docs/ARCHITECTURE.md): no call up, no file loop
run_suite "layers" build bash scripts/layers.sh --check

release_ok=false
if build build; then
	release_ok=true
	run_suite "release build" build
else
	echo "release build failed" >&2
	failed=$((failed + 1))
fi

asan_ok=false
if [ "${CORUN_SKIP_ASAN:-}" != 1 ]; then
	if build build-asan -Db_sanitize=address,undefined -Dbuildtype=debug -Db_lundef=false; then
		asan_ok=true
		# test/compat compares behaviour with runc, which the release
		# stage does; here it would double CI's longest stage
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			SKIP_COMPAT=1 SKIP_COMPAT_WHY="the release build's stage compares with runc" \
			run_suite "ASan+UBSan build" build-asan
	else
		echo "sanitizer build failed" >&2
		failed=$((failed + 1))
	fi
fi

# The parsers under libFuzzer (fuzz/run.sh, clang, its own build-fuzz):
# each target for CORUN_FUZZ_SECONDS (default 20) from the seeds in
# fuzz/corpus; a crash, leak, UB or hang is a failure. About 3 minutes
# with the build.
if [ "${CORUN_SKIP_FUZZ:-}" = 1 ]; then
	echo "=== fuzz"
	echo "ok - fuzz # skip CORUN_SKIP_FUZZ=1"
	skipped=$((skipped + 1))
else
	run_suite "fuzz (libFuzzer)" build-fuzz bash fuzz/run.sh "${CORUN_FUZZ_SECONDS:-20}"
fi

# The guests (this host is cgroup v1 without systemd): cgroup v2 alone,
# then systemd as PID 1 on v2 and on the hybrid v1 layout for the systemd
# cgroup driver, which talks to it over D-Bus; its v2 suite (the larger
# one, with the rootless and slice paths) runs the sanitizer build, as
# the host suites cannot reach that code. Each boots in 10-20 s under TCG;
# the suites take 1 to 2.5 minutes. checkpoint.bats (CRIU, which this
# host's kernel cannot run) rides along in the v2 and hybrid guests, podman's
# checkpoint/restore with corun in the v2 one.
guest_stage() { # label, build dir, run.sh arguments...
	local label=$1 dir=$2 why=
	shift 2
	if [ "${CORUN_SKIP_GUEST:-}" = 1 ]; then
		why="CORUN_SKIP_GUEST=1"
	elif [ ! -x "$dir/corun" ] || { [ "$dir" = build ] && ! $release_ok; } ||
		{ [ "$dir" = build-asan ] && ! $asan_ok; }; then
		why="no $dir build"
	fi
	if [ -n "$why" ]; then
		echo "=== $label"
		echo "ok - $label # skip $why"
		skipped=$((skipped + 1))
	else
		run_suite "$label" "$dir" bash test/guest/run.sh -b "$dir" "$@"
	fi
}
guest_stage "cgroup v2 guest" build test/integration/cgroups_v2.bats \
	test/integration/checkpoint.bats test/engines/podman_checkpoint.bats
guest_stage "systemd guest (ASan+UBSan build)" build-asan -s test/integration/cgroups_systemd.bats \
	test/engines/containerd_systemd.bats
guest_stage "systemd hybrid guest" build -s -l test/integration/cgroups_systemd.bats \
	test/integration/checkpoint.bats

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
