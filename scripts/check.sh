#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds corun twice (release
# with -Werror, and ASan+UBSan), runs unit and integration tests on each,
# then the cgroup v2 tests in a guest VM (test/guest/run.sh; skipped with
# the reason when it cannot boot one, or with CORUN_SKIP_GUEST=1) and the
# systemd cgroup driver's tests in one with systemd as PID 1 (run.sh -s),
# and ends with one line "N passed, N failed, N skipped" over everything.
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

release_ok=false
if build build; then
	release_ok=true
	run_suite "release build" build
else
	echo "release build failed" >&2
	failed=$((failed + 1))
fi

if [ "${CORUN_SKIP_ASAN:-}" != 1 ]; then
	if build build-asan -Db_sanitize=address,undefined -Dbuildtype=debug -Db_lundef=false; then
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			run_suite "ASan+UBSan build" build-asan
	else
		echo "sanitizer build failed" >&2
		failed=$((failed + 1))
	fi
fi

# cgroup v2 lives in a guest (this host is v1); about 3 minutes
if [ "${CORUN_SKIP_GUEST:-}" = 1 ]; then
	echo "=== cgroup v2 guest"
	echo "ok - cgroup v2 guest # skip CORUN_SKIP_GUEST=1"
	skipped=$((skipped + 1))
elif $release_ok; then
	run_suite "cgroup v2 guest" build bash test/guest/run.sh -b build
else
	echo "=== cgroup v2 guest"
	echo "ok - cgroup v2 guest # skip the release build failed"
	skipped=$((skipped + 1))
fi

# the systemd cgroup driver talks to systemd over D-Bus: a guest with
# systemd as PID 1 (boot and power off: about 20 seconds under TCG)
systemd_bats=test/integration/cgroups_systemd.bats
skip_systemd=
if [ "${CORUN_SKIP_GUEST:-}" = 1 ]; then
	skip_systemd="CORUN_SKIP_GUEST=1"
elif ! $release_ok; then
	skip_systemd="the release build failed"
fi
if [ -n "$skip_systemd" ]; then
	echo "=== systemd guest"
	echo "ok - systemd guest # skip $skip_systemd"
	skipped=$((skipped + 1))
else
	run_suite "systemd guest" build bash test/guest/run.sh -s -b build "$systemd_bats"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
