#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench.sh [N]: corun vs runc vs crun on one busybox bundle running /bin/true.
#  1. `run` wall time, mean of N runs (hyperfine if installed, else a loop)
#  2. create + start + (wait for exit) + delete, mean of N cycles
#  3. peak RSS of the runtime process during `run` (GNU time %M, max of 5)
# Prints a table with the figures and the ratios corun/runc and corun/crun.
# Run as root. CORUN_BIN selects corun (default build/corun).
#
# bench.sh -g [N]: the same with the systemd cgroup driver (every runtime
# with --systemd-cgroup, so each container is a transient scope made over
# D-Bus), in the systemd guest of test/guest/run.sh -s: this host has no
# systemd. The guest is emulated (TCG), so its milliseconds are some ten
# times the host's; the ratios are what compare. Debian's runc goes along
# (crun needs libraries the guest lacks).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = -g ]; then
	shift
	n=${1:-20}
	build=${BUILD_DIR:-build}
	mkdir -p "$build/.bench"
	runc_bin=$(command -v runc) && cp "$runc_bin" "$build/.bench/runc"
	exec bash test/guest/run.sh -s -b "$build" -c \
		"RUNC_BIN=$PWD/$build/.bench/runc CORUN_BIN=$PWD/$build/corun BENCH_SYSTEMD=1 bash bench/bench.sh $n"
fi
N=${1:-${BENCH_RUNS:-50}}
corun=${CORUN_BIN:-$PWD/build/corun}
# BENCH_SYSTEMD=1: every runtime call with --systemd-cgroup
gflags=()
[ -z "${BENCH_SYSTEMD:-}" ] || gflags=(--systemd-cgroup)

[ "$(id -u)" -eq 0 ] || { echo "bench.sh: run as root" >&2; exit 1; }

# crun 1.8 refuses a hybrid cgroup layout whose cgroup2 mount has a
# controller (here: hugetlb). Every runtime then runs in one private mount
# namespace without /sys/fs/cgroup/unified: the same conditions for all.
if [ -z "${BENCH_IN_NS:-}" ] && mountpoint -q /sys/fs/cgroup/unified &&
	[ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers)" ]; then
	echo "# hybrid cgroups with v2 controllers: benchmarking without /sys/fs/cgroup/unified" >&2
	exec env BENCH_IN_NS=1 unshare -m --propagation private \
		sh -c 'umount /sys/fs/cgroup/unified && exec bash "$0" "$@"' "$0" "$@"
fi

names=() bins=()
add() { # name, path or command
	local p
	p=$(command -v "$2" 2>/dev/null) || { echo "# $1: not found, skipped" >&2; return 0; }
	names+=("$1") bins+=("$p")
}
add corun "$corun"
add runc "${RUNC_BIN:-runc}"
add crun "${CRUN_BIN:-crun}"
[ ${#names[@]} -gt 0 ] || { echo "bench.sh: no runtime found" >&2; exit 1; }

work=$(mktemp -d /tmp/corun-bench.XXXXXX)
chmod 755 "$work"
cleanup() {
	local i
	for i in "${!names[@]}"; do
		for id in $("${bins[$i]}" --root "$work/root-${names[$i]}" list -q 2>/dev/null); do
			"${bins[$i]}" --root "$work/root-${names[$i]}" delete -f "$id" >/dev/null 2>&1 || true
		done
	done
	rm -rf "$work"
}
trap cleanup EXIT

# One config for all: runc's default spec when runc is there, so every
# runtime does the same work (namespaces, mounts, masked paths).
spec_rt=$(command -v runc || echo "${bins[0]}")
RUNTIME=$spec_rt bash scripts/mkbundle.sh "$work/bundle" /bin/true >/dev/null
bundle=$work/bundle

now() { date +%s%N; }
# calc EXPR: floating point arithmetic (awk: the guest has no bc)
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

# bench_run I: mean ms of `run`.
bench_run() {
	local rt=${bins[$1]} root=$work/root-${names[$1]} id=b-run
	local cmd=("$rt" "${gflags[@]}" --root "$root" run -b "$bundle" "$id")
	"${cmd[@]}" </dev/null >/dev/null 2>&1 || { echo "-"; return; }
	if command -v hyperfine >/dev/null; then
		hyperfine -N --runs "$N" --warmup 3 --export-json "$work/hf.json" \
			"${cmd[*]}" </dev/null >/dev/null 2>&1 || { echo "-"; return; }
		jq '.results[0].mean * 1000' "$work/hf.json"
	else
		local i t0 t1
		t0=$(now)
		for ((i = 0; i < N; i++)); do
			"${cmd[@]}" </dev/null >/dev/null 2>&1
		done
		t1=$(now)
		calc "($t1 - $t0) / $N / 1000000"
	fi
}

# exited PID: the process is gone or a zombie (the host's init may reap
# orphans late, which must not count).
exited() {
	local st
	[ -r "/proc/$1/stat" ] || return 0
	{ read -r st <"/proc/$1/stat"; } 2>/dev/null || return 0
	st=${st##*) }
	[ "${st%% *}" = Z ] || [ "${st%% *}" = X ]
}

# bench_cycle I: mean ms of create + start + wait + delete.
bench_cycle() {
	local rt=${bins[$1]} root=$work/root-${names[$1]} i id pid t0 t1
	t0=$(now)
	for ((i = 0; i < N; i++)); do
		id=b-cyc-$i
		"$rt" "${gflags[@]}" --root "$root" create -b "$bundle" --pid-file "$work/pid" "$id" \
			</dev/null >/dev/null 2>&1 || { echo "-"; return; }
		pid=$(<"$work/pid")
		"$rt" "${gflags[@]}" --root "$root" start "$id" >/dev/null 2>&1 || { echo "-"; return; }
		while ! exited "$pid"; do :; done
		"$rt" "${gflags[@]}" --root "$root" delete "$id" >/dev/null 2>&1 ||
			"$rt" "${gflags[@]}" --root "$root" delete -f "$id" >/dev/null 2>&1
	done
	t1=$(now)
	calc "($t1 - $t0) / $N / 1000000"
}

# bench_rss I: peak RSS in KiB of the runtime process during `run`.
bench_rss() {
	local rt=${bins[$1]} root=$work/root-${names[$1]} i m max=0
	[ -x /usr/bin/time ] || { echo "-"; return; }
	for i in 1 2 3 4 5; do
		/usr/bin/time -o "$work/rss" -f %M "$rt" "${gflags[@]}" --root "$root" run -b "$bundle" b-rss \
			</dev/null >/dev/null 2>&1 || { echo "-"; return; }
		m=$(tail -n 1 "$work/rss")
		[ "$m" -le "$max" ] || max=$m
	done
	echo "$max"
}


declare -A RUN CYC RSS
for i in "${!names[@]}"; do
	n=${names[$i]}
	echo "# $n: ${bins[$i]} ($("${bins[$i]}" --version | head -n 1))" >&2
	RUN[$n]=$(bench_run "$i")
	CYC[$n]=$(bench_cycle "$i")
	RSS[$n]=$(bench_rss "$i")
done

fmt() { [ "$1" = - ] && echo - || printf '%.2f' "$1"; }
ratio() { # a, b
	if [ "$1" = - ] || [ "$2" = - ] || [ -z "$1" ] || [ -z "$2" ]; then
		echo -
	else
		printf '%.2fx' "$(calc "$1 / $2")"
	fi
}

echo
echo "busybox bundle, /bin/true, N=$N${BENCH_SYSTEMD:+, --systemd-cgroup} ($(command -v hyperfine >/dev/null && echo hyperfine || echo bash loop))"
printf '%-8s %14s %22s %16s\n' runtime "run (ms)" "create+start+delete" "peak RSS (MiB)"
for n in "${names[@]}"; do
	rss=-
	[ "${RSS[$n]}" = - ] || rss=$(calc "${RSS[$n]} / 1024")
	printf '%-8s %14s %22s %16s\n' "$n" "$(fmt "${RUN[$n]}")" "$(fmt "${CYC[$n]}")" "$(fmt "$rss")"
done
if [ -n "${RUN[corun]:-}" ]; then
	for other in runc crun; do
		[ -n "${RUN[$other]:-}" ] || continue
		printf '%-8s %14s %22s %16s\n' "corun/$other" "$(ratio "${RUN[corun]}" "${RUN[$other]}")" \
			"$(ratio "${CYC[corun]}" "${CYC[$other]}")" "$(ratio "${RSS[corun]}" "${RSS[$other]}")"
	done
fi
