#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Many lifecycles at once on one --root: create, start, state, exec, kill,
# delete, STRESS_N containers (default 100), STRESS_P at a time (default
# 20). Zero failures and nothing left behind (teardown checks processes,
# cgroups and state). Kept well under a minute in CI.

load sec

lifecycle() {
	local id=$1
	runtime create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>"$TEST_DIR/err.$id" 3>&- || return 1
	runtime start "$id" 2>>"$TEST_DIR/err.$id" || return 2
	[ "$(runtime state "$id" 2>>"$TEST_DIR/err.$id" | jq -r .status)" = running ] || return 3
	[ "$(runtime exec "$id" echo hi 2>>"$TEST_DIR/err.$id")" = hi ] || return 4
	runtime kill "$id" KILL 2>>"$TEST_DIR/err.$id" || return 5
	for _ in $(seq 100); do
		[ "$(runtime state "$id" 2>/dev/null | jq -r .status)" = stopped ] && break
		sleep 0.05
	done
	runtime delete "$id" 2>>"$TEST_DIR/err.$id" || return 6
	[ ! -e "$ROOT/$id" ] || return 7
	rm -f "$TEST_DIR/err.$id"
}

@test "stress: 100 lifecycles, 20 at a time, on one --root" {
	local n=${STRESS_N:-100} p=${STRESS_P:-20} i failed=0 start
	set_args sleep 100
	start=$(date +%s%N)
	for ((i = 0; i < n; i++)); do
		lifecycle "$CID-$i" >/dev/null 2>&1 &
		if (((i + 1) % p == 0)); then
			for job in $(jobs -p); do wait "$job" || failed=$((failed + 1)); done
		fi
	done
	for job in $(jobs -p); do wait "$job" || failed=$((failed + 1)); done
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "# $n lifecycles, $p at a time: ${ms} ms, $failed failed" >&3
	for f in "$TEST_DIR"/err.*; do [ -e "$f" ] && echo "${f##*/}: $(cat "$f")"; done
	assert_equal "$failed" 0
	assert_equal "$(runtime list -q)" ""
	[ -z "$(ls -A "$ROOT")" ] || fail "state left: $(ls -A "$ROOT")"
}
