#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# checkpoint.sh [N]: how long `checkpoint` and `restore -d` of a busybox
# container holding 64 MiB of touched memory take, corun vs runc, median
# of N rounds each (default 3), and the ratios corun/runc.
# CRIU cannot run on newer kernels (its vDSO parser), so by default this
# runs itself in the project's guest (test/guest/run.sh: Debian's 6.1
# kernel under TCG, with Debian's criu and runc): emulated, its seconds are
# many times the host's; the ratios are what compare.
# BENCH_IN_GUEST=1 (set by the guest run) runs here. CORUN_BIN selects corun.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-3}
if [ -z "${BENCH_IN_GUEST:-}" ]; then
	build=${BUILD_DIR:-build}
	exec bash test/guest/run.sh -b "$build" -c \
		"BENCH_IN_GUEST=1 CORUN_BIN=$PWD/$build/corun bash bench/checkpoint.sh $N"
fi
corun=${CORUN_BIN:-$PWD/build/corun}
runc=${RUNC_BIN:-$(command -v runc)}
work=$(mktemp -d /tmp/cr-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
RUNTIME=$corun bash scripts/mkbundle.sh "$work/bundle" >/dev/null
# dd touches a 64 MiB buffer, then blocks writing to a pipe nobody reads
jq '.process.terminal = false | .root.readonly = false |
	.process.args = ["sh", "-c", "dd if=/dev/zero bs=64M count=1 2>/dev/null | sleep 100000"]' \
	"$work/bundle/config.json" >"$work/c" && mv "$work/c" "$work/bundle/config.json"

ms() { date +%s%N | cut -c1-13; }

# round RUNTIME NAME: prints "checkpoint_ms restore_ms"
round() {
	local rt=$1 id=$2 root=$work/root-$2 img=$work/img-$2 t0 t1 t2 rss
	rm -rf "$img"
	# pipes for stdio: CRIU cannot dump a host file outside the container
	"$rt" --root "$root" run -d -b "$work/bundle" "$id" < <(sleep 100000) > >(cat >/dev/null) 2>&1
	# until dd has its 64 MiB
	for _ in $(seq 100); do
		rss=$(ps -o rss= -C dd | sort -n | tail -n 1)
		[ "${rss:-0}" -lt 65000 ] || break
		sleep 0.2
	done
	t0=$(ms)
	"$rt" --root "$root" checkpoint --image-path "$img" "$id"
	t1=$(ms)
	"$rt" --root "$root" restore -d -b "$work/bundle" --image-path "$img" "$id" \
		< <(sleep 100000) > >(cat >/dev/null) 2>&1
	t2=$(ms)
	[ "$("$rt" --root "$root" state "$id" | jq -r .status)" = running ] ||
		{ echo "checkpoint.sh: $id not running after restore" >&2; exit 1; }
	"$rt" --root "$root" delete -f "$id"
	echo "$((t1 - t0)) $((t2 - t1))"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A cp rs
for rt in runc corun; do
	bin=$runc
	[ $rt = runc ] || bin=$corun
	: >"$work/$rt.txt"
	for i in $(seq "$N"); do round "$bin" "$rt$i" >>"$work/$rt.txt"; done
	cp[$rt]=$(cut -d' ' -f1 "$work/$rt.txt" | median)
	rs[$rt]=$(cut -d' ' -f2 "$work/$rt.txt" | median)
done
echo "# 64 MiB busybox container, median of $N, $(uname -r), criu $(criu --version | sed -n 's/Version: //p')"
printf '%-12s %10s %10s %8s\n' "" "corun ms" "runc ms" "ratio"
for what in checkpoint restore; do
	if [ $what = checkpoint ]; then c=${cp[corun]} r=${cp[runc]}; else c=${rs[corun]} r=${rs[runc]}; fi
	printf '%-12s %10s %10s %8s\n' $what "$c" "$r" "$(awk -v c="$c" -v r="$r" 'BEGIN { printf "%.2fx", c / r }')"
done
