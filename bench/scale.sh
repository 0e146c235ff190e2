#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# scale.sh [N...]: how list, ps, state and delete -f scale with the number
# of containers on one --root. For each N (default 100 500 1000) it creates
# N containers (sleep), then times `list`, `list -f json`, `state` and `ps`
# of one container (with N around), and `delete -f` of all of them, and
# prints per-operation figures; a cost linear in N shows as a constant
# per-container time for list and delete, and a flat one for state and ps.
# Needs root; $CORUN_BIN (default build/corun). Uses its own --root.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rt=${CORUN_BIN:-$here/build/corun}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 500 1000)
work=$(mktemp -d /tmp/corun-scale.XXXXXX)
root="$work/root"
trap 'for id in $("$rt" --root "$root" list -q 2>/dev/null); do "$rt" --root "$root" delete -f "$id" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
RUNTIME=$rt bash "$here/scripts/mkbundle.sh" "$work/bundle" sleep 1000000 >/dev/null
# no cgroup limits beyond the defaults; one small bundle for all
now() { date +%s%N; }
ms() { echo "scale=2; ($2 - $1) / 1000000" | bc; }

printf '%6s %12s %14s %12s %12s %14s %16s\n' N "create/ct ms" "list ms" "list json ms" "state ms" "ps ms" "delete -f/ct ms"
for n in "${sizes[@]}"; do
	t0=$(now)
	for ((i = 0; i < n; i++)); do
		"$rt" --root "$root" create -b "$work/bundle" "s$i" </dev/null >/dev/null 2>&1
	done
	t1=$(now)
	"$rt" --root "$root" list >/dev/null
	t2=$(now)
	"$rt" --root "$root" list -f json >/dev/null
	t3=$(now)
	for _ in 1 2 3 4 5 6 7 8 9 10; do "$rt" --root "$root" state "s$((n / 2))" >/dev/null; done
	t4=$(now)
	for _ in 1 2 3 4 5; do "$rt" --root "$root" ps "s$((n / 2))" >/dev/null; done
	t5=$(now)
	for ((i = 0; i < n; i++)); do
		"$rt" --root "$root" delete -f "s$i" >/dev/null
	done
	t6=$(now)
	[ -z "$("$rt" --root "$root" list -q)" ] || { echo "containers left after delete -f" >&2; exit 1; }
	printf '%6s %12s %14s %12s %12s %14s %16s\n' "$n" \
		"$(echo "scale=2; $(ms "$t0" "$t1") / $n" | bc)" "$(ms "$t1" "$t2")" "$(ms "$t2" "$t3")" \
		"$(echo "scale=2; $(ms "$t3" "$t4") / 10" | bc)" "$(echo "scale=2; $(ms "$t4" "$t5") / 5" | bc)" \
		"$(echo "scale=2; $(ms "$t5" "$t6") / $n" | bc)"
done
