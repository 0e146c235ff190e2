# SPDX-License-Identifier: Apache-2.0
# Fault injection for test/security/faults.bats: corun killed (SIGKILL, as
# kill -9 or the OOM killer would) before each syscall of a command, and
# syscalls made to fail. The points are deterministic: one clean run under
# strace records the command's syscalls, then each run N is stopped with
# strace's "inject=NAME:signal=KILL:when=K" on the K-th call of NAME, before
# the kernel runs it. Only corun's own process is traced (no -f): its
# children (the init, exec's helper) see their parent die, as with kill -9.

# LeakSanitizer cannot run under ptrace (an ASan build of corun aborts
# under strace): these tests do without it; the other suites keep it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# The cgroup hierarchies of this host: every v1 controller mount and the
# unified one (read once: the checks below run hundreds of times on a busy
# machine, so they spawn as little as they can).
# A relative cgroupsPath (the default: the id) may land below our own
# cgroup of a controller (/proc/self/cgroup), so every mount is paired
# with each of our paths as well as its root.
mapfile -t CG_BASES < <(
	awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo | sort -u |
		while read -r m; do
			echo "$m"
			cut -d: -f3- /proc/self/cgroup | sort -u | sed "s|^|$m|; s|/\$||"
		done | sort -u
)

# cg_left ID: the cgroup directories named ID (the default cgroupsPath)
# that exist in any hierarchy.
cg_left() {
	local m
	for m in "${CG_BASES[@]}"; do
		[ ! -d "$m/$1" ] || echo "$m/$1"
	done
}

# trace_calls FILE CMD...: runs CMD under strace and writes the names of
# the syscalls of corun's own process, one a line, to FILE.
trace_calls() {
	local out=$1
	shift
	strace -qq -o "$out.raw" -- "$@" </dev/null >/dev/null 2>&1 3>&-
	sed -nE 's/^([a-z0-9_]+)\(.*/\1/p' "$out.raw" >"$out"
	rm -f "$out.raw"
}

# kill_at NAME K CMD...: CMD killed with SIGKILL on entry to its K-th NAME.
kill_at() {
	local name=$1 k=$2
	shift 2
	strace -qq -o /dev/null -e trace="$name" -e inject="$name:signal=KILL:when=$k" -- \
		"$@" </dev/null >"$TEST_DIR/kill.out" 2>&1 3>&-
}

# tagged_alive: this test's processes that still run (not zombies): the
# runtime's (its command line names the test's --root) and the
# container's (sleep, true, sh: the tag in their environment). Cheaper
# than tagged_pids, which reads every process's environment.
tagged_alive() {
	local p
	for p in $(pgrep -f -- "--root $ROOT|^(sleep|true|sh)( |\$)"); do
		[ "$p" != $$ ] && [ "$p" != "$BASHPID" ] || continue
		grep -qasF "CORUN_TEST_TAG=$TAG" "/proc/$p/environ" 2>/dev/null || continue
		alive "$p" && echo "$p"
	done
	true
}

# what_is_left ID: prints what remains of container ID (state dir,
# cgroups, processes, mounts under the test dir); nothing when clean.
what_is_left() {
	local id=$1 left
	[ -e "$ROOT/$id" ] && echo "state dir $ROOT/$id ($(ls -A "$ROOT/$id" | tr '\n' ' '))"
	left=$(cg_left "$id")
	[ -z "$left" ] || echo "cgroups: $(echo "$left" | tr '\n' ' ')"
	for _ in $(seq 30); do
		left=$(tagged_alive)
		[ -n "$left" ] || break
		sleep 0.1
	done
	[ -z "$left" ] || echo "processes: $(for p in $left; do echo -n "$p($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-40)) "; done)"
	left=$(grep -F " $TEST_DIR/" /proc/self/mountinfo | awk '{ print $5 }')
	[ -z "$left" ] || echo "mounts: $left"
	true
}

# list_truth ID: prints a complaint when `list` hides or misreports ID:
# something of ID exists but ID is not listed, or its status disagrees
# with its pid.
list_truth() {
	local id=$1 line status pid
	line=$(runtime list -f json 2>&1 | jq -c --arg id "$id" '.[]? | select(.id == $id)')
	if [ -z "$line" ]; then
		if [ -n "$(cg_left "$id")" ] || [ -n "$(tagged_alive)" ]; then
			echo "list does not show $id, but its cgroups or processes exist"
		fi
		return 0
	fi
	status=$(echo "$line" | jq -r .status)
	pid=$(echo "$line" | jq -r .pid)
	case $status in
	created | running | paused)
		alive "$pid" || echo "list says $status, pid $pid is gone"
		;;
	stopped) ;;
	*) echo "list says $status for a container whose corun is dead" ;;
	esac
	true
}

# check_after_kill ID WHAT: the checks after a killed command; prints one
# line of problems (or nothing). delete -f must leave nothing.
check_after_kill() {
	local id=$1 what=$2 p del left
	p=$(list_truth "$id")
	[ -z "${PRE_CHECK:-}" ] || p+=$(eval "$PRE_CHECK")
	if [ -d "$ROOT/$id" ] || [ -n "$(runtime list -q 2>/dev/null | grep -x "$id")" ]; then
		del=$(runtime delete -f "$id" 2>&1) || p+=" delete -f failed: $del;"
	else
		runtime delete -f "$id" >/dev/null 2>&1
	fi
	left=$(what_is_left "$id")
	[ -z "$left" ] || p+=" left after delete -f: $(echo "$left" | tr '\n' ';')"
	[ -z "$p" ] || echo "$what: $p"
	# the next point starts clean whatever happened
	[ -z "$left" ] || force_clean "$id"
}

# force_clean ID: removes what delete -f left (so one failure does not
# spoil the following points).
force_clean() {
	local id=$1 p d
	for p in $(tagged_alive); do kill -9 "$p" 2>/dev/null; done
	sleep 0.2
	for d in $(cg_left "$id"); do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rm -rf "${ROOT:?}/$id"
}

# kill_points LABEL ID SETUP CMD...: kills CMD before each of its syscalls
# in turn (SETUP, a shell command, runs before each), then checks. Prints
# the problems; sets KILLS (points tried) and BAD (points with problems).
kill_points() {
	local label=$1 id=$2 setup=$3 i=0 name k line
	shift 3
	local -A seen=()
	eval "$setup"
	trace_calls "$TEST_DIR/calls" "$@"
	check_after_kill "$id" "$label clean run" >/dev/null
	KILLS=0 BAD=0
	while read -r name; do
		i=$((i + 1))
		seen[$name]=$((${seen[$name]:-0} + 1))
		k=${seen[$name]}
		# every point, or only the calls that change something
		if [ -z "${FAULTS_ALL:-}" ] && ! [[ $name =~ $SIDE_EFFECTS ]]; then
			continue
		fi
		eval "$setup"
		kill_at "$name" "$k" "$@"
		KILLS=$((KILLS + 1))
		line=$(check_after_kill "$id" "$label killed before call $i ($name #$k)")
		if [ -n "$line" ]; then
			BAD=$((BAD + 1))
			echo "$line"
		fi
	done <"$TEST_DIR/calls"
	echo "# $label: $KILLS kill points, $BAD left something or misreported"
	echo "# $label: $KILLS kill points, $BAD left something or misreported" >&3
}

# Calls with an effect outside the process: a kill just before each is a
# distinct state of the world.
SIDE_EFFECTS='^(mkdir|mkdirat|rmdir|unlink|unlinkat|rename|renameat|renameat2|write|writev|pwrite64|clone|clone3|fork|vfork|execve|execveat|sendto|sendmsg|mount|umount2|move_mount|mount_setattr|mknodat|fchownat|fchmodat|fchmod|fchown|flock|kill|pidfd_send_signal|wait4|waitid|socketpair|setns|exit_group)$'
