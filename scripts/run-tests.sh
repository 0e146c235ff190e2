#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the unit tests (TAP binaries registered with meson), the bats
# integration tests against $RUNTIME (default: $CORUN_BIN, default
# $BUILD_DIR/corun) and the engine tests (podman, containerd and docker
# running containers with $RUNTIME, or ENGINE_RUNTIME), prints every TAP
# line, and ends with one line
# "N passed, N failed, N skipped" over all of them. Exit status 1 if
# anything failed. Run as root from anywhere; needs no stdin or tty.
#
# BUILD_DIR (default build), RUNTIME, CORUN_BIN, BATS_FILTER (a regex for
# bats -f), SKIP_UNIT=1, SKIP_INTEGRATION=1, SKIP_COMPAT=1 (test/compat, the
# corun/runc differential tests; COMPAT_FILTER a regex of its scenarios),
# SKIP_ENGINES=1.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
export CORUN_BIN=${CORUN_BIN:-$PWD/$BUILD_DIR/corun}
export RUNTIME=${RUNTIME:-$CORUN_BIN}

passed=0 failed=0 skipped=0

# count_tap: reads TAP on stdin, prints it, and counts into the globals.
# A plan larger than the results seen (a crash) counts the rest as failed.
count_tap() {
	local line plan=0 seen=0
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"not ok"*)
			failed=$((failed + 1)) seen=$((seen + 1))
			;;
		ok*)
			seen=$((seen + 1))
			shopt -s nocasematch
			if [[ $line =~ \#\ *skip ]]; then
				skipped=$((skipped + 1))
			else
				passed=$((passed + 1))
			fi
			shopt -u nocasematch
			;;
		1..*)
			plan=${line#1..}
			plan=${plan%% *}
			[[ $plan =~ ^[0-9]+$ ]] || plan=0
			;;
		esac
	done
	if [ "$seen" -lt "$plan" ]; then
		echo "# $((plan - seen)) planned tests did not report"
		failed=$((failed + plan - seen))
	fi
}

run_unit() {
	local tests n i name wd out rc before=$failed
	local -a cmd
	if [ ! -f "$BUILD_DIR/build.ninja" ]; then
		echo "not ok - unit tests: $BUILD_DIR is not a meson build dir"
		failed=$((failed + 1))
		return
	fi
	# meson test rebuilds what is stale and runs everything; the count
	# comes from running each registered binary for its TAP lines below.
	out=$(mktemp)
	meson test -C "$BUILD_DIR" --print-errorlogs >"$out" 2>&1
	rc=$?
	tests=$(meson introspect --tests "$BUILD_DIR" 2>/dev/null) || tests='[]'
	n=$(echo "$tests" | jq 'length')
	for ((i = 0; i < n; i++)); do
		name=$(echo "$tests" | jq -r ".[$i].name")
		wd=$(echo "$tests" | jq -r ".[$i].workdir // \"$BUILD_DIR\"")
		mapfile -t cmd < <(echo "$tests" | jq -r ".[$i].cmd[]")
		echo "# unit: $name"
		local tb=$failed trc
		count_tap < <(cd "$wd" && "${cmd[@]}" </dev/null 2>&1)
		wait $! 2>/dev/null
		trc=$?
		if [ $trc -ne 0 ] && [ "$failed" -eq "$tb" ]; then
			echo "not ok - $name exited with status $trc"
			failed=$((failed + 1))
		fi
	done
	# meson saw a failure the TAP lines did not show (e.g. a build error).
	if [ $rc -ne 0 ] && [ "$failed" -eq "$before" ]; then
		echo "not ok - meson test failed"
		sed 's/^/# /' "$out"
		failed=$((failed + 1))
	fi
	rm -f "$out"
}

# run_bats LABEL DIR [ENV=VALUE...]: one bats stage over DIR.
run_bats() {
	local label=$1 dir=$2 args=(--tap) before=$failed rc
	shift 2
	[ -z "${BATS_FILTER:-}" ] || args+=(-f "$BATS_FILTER")
	if ! command -v bats >/dev/null; then
		echo "not ok - $label tests: bats is not installed"
		failed=$((failed + 1))
		return
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "not ok - $label tests need root"
		failed=$((failed + 1))
		return
	fi
	echo "# $label: RUNTIME=$RUNTIME $*"
	count_tap < <(env "$@" bats "${args[@]}" "$dir" </dev/null 2>&1)
	wait $! 2>/dev/null
	rc=$?
	if [ $rc -ne 0 ] && [ "$failed" -eq "$before" ]; then
		echo "not ok - bats exited with status $rc"
		failed=$((failed + 1))
	fi
}

# run_compat: test/compat, every scenario with corun and with runc, their
# observations compared (TAP; known gaps count as skipped).
run_compat() {
	local before=$failed rc
	if ! command -v python3 >/dev/null; then
		echo "not ok - compat tests: python3 is not installed"
		failed=$((failed + 1))
		return
	fi
	echo "# compat: COMPAT_A=${COMPAT_A:-$CORUN_BIN} COMPAT_B=${COMPAT_B:-runc}"
	count_tap < <(COMPAT_A="${COMPAT_A:-$CORUN_BIN}" python3 test/compat/compat.py \
		${COMPAT_FILTER:+-f "$COMPAT_FILTER"} </dev/null 2>&1)
	wait $! 2>/dev/null
	rc=$?
	if [ $rc -ne 0 ] && [ "$failed" -eq "$before" ]; then
		echo "not ok - compat exited with status $rc"
		failed=$((failed + 1))
	fi
}

[ "${SKIP_UNIT:-}" = 1 ] || run_unit
[ "${SKIP_INTEGRATION:-}" = 1 ] || run_bats integration test/integration
# The advisories' attacks, fault injection and the stress test.
[ "${SKIP_SECURITY:-}" = 1 ] || run_bats security test/security
if [ "${SKIP_COMPAT:-}" = 1 ]; then
	echo "ok - compat # skip ${SKIP_COMPAT_WHY:-SKIP_COMPAT=1}"
	skipped=$((skipped + 1))
else
	run_compat
fi
# Engines skip, each with its reason, where they cannot run.
[ "${SKIP_ENGINES:-}" = 1 ] ||
	run_bats engines test/engines ENGINE_RUNTIME="${ENGINE_RUNTIME:-$RUNTIME}"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
