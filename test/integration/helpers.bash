# SPDX-License-Identifier: Apache-2.0
# Shared setup for the integration tests. Every test gets its own bundle (a
# copy of a template made once per bats run) and its own --root, both in a
# fresh directory under /tmp, so tests never see each other's containers.
#
# Environment: RUNTIME (path or name of any runc-compatible runtime; default
# $CORUN_BIN, default build/corun of this tree).

REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
: "${CORUN_BIN:=$REPO_ROOT/build/corun}"
RUNTIME=${RUNTIME:-$CORUN_BIN}
if [[ $RUNTIME != */* ]]; then
	RUNTIME=$(command -v "$RUNTIME" || echo "$RUNTIME")
fi
export RUNTIME
# A runtime call never hangs the suite: it is killed after this many seconds.
: "${RUNTIME_TIMEOUT:=60}"

# "runc", "crun", "corun", ... from the first word of --version.
RUNTIME_NAME=$("$RUNTIME" --version 2>/dev/null | awk 'NR == 1 { print $1 }')

is_runc() { [ "$RUNTIME_NAME" = runc ]; }

# skip_if_runc REASON: for behaviour where corun intentionally differs.
skip_if_runc() {
	if is_runc; then
		skip "runc differs: $*"
	fi
}

template_bundle() {
	local t="$BATS_RUN_TMPDIR/template-bundle"
	if [ ! -f "$t/config.json" ]; then
		rm -rf "$t.tmp"
		RUNTIME="$RUNTIME" bash "$REPO_ROOT/scripts/mkbundle.sh" "$t.tmp" >&2 || return 1
		mv "$t.tmp" "$t"
	fi
	echo "$t"
}

setup() {
	local t
	[ -x "$RUNTIME" ] || skip "runtime $RUNTIME not built"
	t=$(template_bundle) || return 1
	TEST_DIR=$(mktemp -d /tmp/corun-test.XXXXXX)
	# Mapped users of a user namespace must reach the bundle.
	chmod 755 "$TEST_DIR"
	TAG=${TEST_DIR##*.}
	CID="ct$TAG"
	BUNDLE="$TEST_DIR/bundle"
	ROOT="$TEST_DIR/state"
	mkdir "$ROOT"
	cp -a "$t" "$BUNDLE"
	# The tag finds this test's container processes in teardown.
	update_config '.process.env += ["CORUN_TEST_TAG=" + $tag]' --arg tag "$TAG"
}

# Pids of processes started for this test that still run: container
# processes (tag in their environment) and a runtime's own helpers.
tagged_pids() {
	local f pid
	for f in $(grep -lasF "CORUN_TEST_TAG=$TAG" /proc/[0-9]*/environ 2>/dev/null); do
		pid=${f#/proc/}
		pid=${pid%/environ}
		[ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] || echo "$pid"
	done
}

teardown() {
	local id ids pid left=() problems=()
	[ -n "${TEST_DIR:-}" ] || return 0
	ids=$("$RUNTIME" --root "$ROOT" list -q 2>/dev/null)
	for id in $ids; do
		timeout 20 "$RUNTIME" --root "$ROOT" delete -f "$id" >/dev/null 2>&1 ||
			problems+=("delete -f $id failed")
	done
	[ -z "${TEARDOWN_EXTRA:-}" ] || eval "$TEARDOWN_EXTRA"
	# Processes die asynchronously after SIGKILL: give them a moment.
	for _ in $(seq 50); do
		mapfile -t left < <(tagged_pids)
		[ ${#left[@]} -gt 0 ] || break
		sleep 0.1
	done
	if [ ${#left[@]} -gt 0 ]; then
		problems+=("processes left behind: ${left[*]}")
		for pid in "${left[@]}"; do kill -9 "$pid" 2>/dev/null; done
	fi
	# Cgroups named after this test's containers must be gone too.
	mapfile -t left < <(find /sys/fs/cgroup -maxdepth 8 -type d -name "*ct$TAG*" 2>/dev/null)
	if [ ${#left[@]} -gt 0 ]; then
		problems+=("cgroups left behind: ${left[*]}")
		for pid in "${left[@]}"; do rmdir "$pid" 2>/dev/null; done
	fi
	if [ -d "$ROOT" ] && [ -n "$(ls -A "$ROOT")" ]; then
		problems+=("state left behind in --root: $(ls -A "$ROOT" | tr '\n' ' ')")
	fi
	# A mount a test left under its dir would make rm -rf fail or recurse.
	grep -F " $TEST_DIR/" /proc/self/mountinfo | awk '{ print $5 }' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf "$TEST_DIR"
	if [ ${#problems[@]} -gt 0 ]; then
		printf 'teardown: %s\n' "${problems[@]}" >&2
		return 1
	fi
}

# runtime ARGS...: the runtime under test with this test's --root.
runtime() {
	CORUN_TEST_TAG="$TAG" timeout -k 5 "$RUNTIME_TIMEOUT" "$RUNTIME" --root "$ROOT" "$@"
}

# update_config JQ_FILTER [JQ_ARGS...]: edits the bundle's config.json.
update_config() {
	local cfg="${CFG_BUNDLE:-$BUNDLE}/config.json"
	jq "$@" "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}

# json_array ARG...: a JSON array of strings, any bytes but NUL allowed.
json_array() {
	local a=() i=0 x
	for x; do
		a+=(--arg "a$(printf %04d $i)" "$x")
		i=$((i + 1))
	done
	jq -nc "${a[@]}" '$ARGS.named | to_entries | sort_by(.key) | map(.value)'
}

# set_args ARG...: process.args.
set_args() {
	update_config '.process.args = $a' --argjson a "$(json_array "$@")"
}

# The container's own stdio goes to a file so that no pipe of bats is held
# by a process that outlives the runtime call; fd 3 is bats' own.
ct_log() { echo "$TEST_DIR/${1:-$CID}.out"; }

# create_ct [ID] [create options...]: creates from $BUNDLE; prints the
# runtime's output on failure.
create_ct() {
	local id=${1:-$CID}
	shift || true
	local rc=0
	runtime create -b "$BUNDLE" "$@" "$id" >"$(ct_log "$id")" 2>&1 </dev/null 3>&- || rc=$?
	[ $rc -eq 0 ] || cat "$(ct_log "$id")"
	return $rc
}

# run_detached [ID] [run options...]: run -d.
run_detached() {
	local id=${1:-$CID}
	shift || true
	local rc=0
	runtime run -d -b "$BUNDLE" "$@" "$id" >"$(ct_log "$id")" 2>&1 </dev/null 3>&- || rc=$?
	[ $rc -eq 0 ] || cat "$(ct_log "$id")"
	return $rc
}

# run_ct [run options...]: runs $CID in the foreground (use under `run`).
run_ct() {
	runtime run -b "$BUNDLE" "$@" "$CID" </dev/null
}

# ct_field ID FIELD: one field of the state JSON.
ct_field() {
	runtime state "$1" | jq -r ".$2"
}

ct_status() { ct_field "${1:-$CID}" status; }
ct_pid() { ct_field "${1:-$CID}" pid; }

# wait_status ID STATUS: waits up to 10 s for the container to reach STATUS.
wait_status() {
	local s
	for _ in $(seq 100); do
		s=$(ct_status "$1" 2>/dev/null)
		[ "$s" = "$2" ] && return 0
		sleep 0.1
	done
	echo "container $1: status \"$s\", expected \"$2\"" >&2
	return 1
}

# wait_file FILE: waits up to 10 s for FILE to exist.
wait_file() {
	for _ in $(seq 100); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	echo "timed out waiting for $1" >&2
	return 1
}

# alive PID: the process exists and is not a zombie (the host's pid 1 may
# be slow to reap orphans).
alive() {
	local st
	st=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# wait_gone PID: waits up to 5 s for PID to exit.
wait_gone() {
	for _ in $(seq 50); do
		alive "$1" || return 0
		sleep 0.1
	done
	echo "process $1 still exists" >&2
	return 1
}

# fail, assert_status/success/failure, assert_output_(not_)contains, assert_equal
load ../helpers/asserts

# assert_nothing_left: no container state under --root and no process of
# this test; for tests where the runtime failed.
assert_nothing_left() {
	local left
	[ -z "$(ls -A "$ROOT")" ] || fail "state left in --root: $(ls -A "$ROOT")"
	sleep 0.1
	left=$(tagged_pids)
	[ -z "$left" ] || fail "processes left behind: $left"
}

# expect_oom_event: runs `events` on $CID until it reports an OOM (30 s at
# most), for a container about to outgrow its memory limit.
expect_oom_event() {
	runtime events --interval 1s "$CID" >"$TEST_DIR/events" 2>&1 &
	local ev=$!
	for _ in $(seq 300); do grep -q '"type":"oom"' "$TEST_DIR/events" && break; sleep 0.1; done
	kill "$ev" 2>/dev/null
	wait "$ev" 2>/dev/null || true
	grep -q '"type":"oom"' "$TEST_DIR/events" || fail "no oom event: $(cat "$TEST_DIR/events")"
}
