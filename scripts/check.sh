#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds corun twice (release
# with -Werror, and ASan+UBSan), runs unit and integration tests on each,
# then the cgroup v2 tests in a guest VM (test/guest/run.sh; skipped with
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

# The guests (this host is cgroup v1 without systemd): cgroup v2 alone,
# then systemd as PID 1 on v2 and on the hybrid v1 layout for the systemd
# cgroup driver, which talks to it over D-Bus. Each boots in 10-20 s
# under TCG; the v2 suite takes about 2 minutes, the systemd ones about 1.
guest_stage() {
	local label=$1
	shift
	if [ "${CORUN_SKIP_GUEST:-}" = 1 ] || ! $release_ok; then
		echo "=== $label"
		echo "ok - $label # skip $([ "${CORUN_SKIP_GUEST:-}" = 1 ] &&
			echo CORUN_SKIP_GUEST=1 || echo the release build failed)"
		skipped=$((skipped + 1))
	else
		run_suite "$label" build bash test/guest/run.sh -b build "$@"
	fi
}
guest_stage "cgroup v2 guest"
guest_stage "systemd guest" -s test/integration/cgroups_systemd.bats
guest_stage "systemd hybrid guest" -s -l test/integration/cgroups_systemd.bats

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
