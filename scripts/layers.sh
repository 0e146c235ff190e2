#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# layers.sh: checks that src/lib calls down only (docs/ARCHITECTURE.md,
# "Module map"). Prints every violation and exits 1 if there is one:
#  - upward include: a file in src/lib/F/ includes "x.h" that lives in a
#    folder above F in the order below;
#  - file cycle: two or more .c files of one folder that call each other's
#    functions around a loop (a function is "defined" by a line at column 0
#    that is not static and opens a body; "called" by its name as a word).
# --check: the same as one TAP test with the summary line, for CI.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --check ]; then
	out=$(bash scripts/layers.sh)
	rc=$?
	echo "1..1"
	if [ $rc -eq 0 ]; then
		echo "ok 1 - layers: src/lib calls down only"
		echo "1 passed, 0 failed"
		exit 0
	fi
	echo "not ok 1 - layers: src/lib calls up or around a loop"
	sed 's/^/#   /' <<<"$out"
	echo "0 passed, 1 failed"
	exit 1
fi

# The order, lowest first; folders on one line are one level.
levels=(
	"util"
	"config"
	"security net rootfs cgroup criu"
	"state hooks"
	"process"
	"container"
)
declare -A rank
for i in "${!levels[@]}"; do
	for d in ${levels[$i]}; do rank[$d]=$i; done
done
bad=0

# Where each header lives.
declare -A home
for h in src/lib/*/*.h; do
	d=${h#src/lib/}
	home[$(basename "$h")]=${d%%/*}
done
for d in src/lib/*/; do
	d=${d%/}
	d=${d#src/lib/}
	[ -n "${rank[$d]:-}" ] || {
		echo "folder src/lib/$d is not in the order (scripts/layers.sh)"
		bad=1
		continue
	}
done

# Upward includes.
for f in src/lib/*/*.[ch]; do
	d=${f#src/lib/}
	d=${d%%/*}
	[ -n "${rank[$d]:-}" ] || continue
	while read -r h; do
		hd=${home[$h]:-}
		[ -n "$hd" ] || continue
		if [ "${rank[$hd]}" -gt "${rank[$d]}" ]; then
			echo "upward include: $f -> $hd/$h"
			bad=1
		fi
	done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done

# File cycles inside a folder: edges A -> B when A.c names a function that
# B.c defines; then a loop through the edges.
defs=$(mktemp)
trap 'rm -f "$defs"' EXIT
for dir in src/lib/*/; do
	# "function file" for every non-static function defined in the folder
	for b in "$dir"*.c; do
		grep -E '^[a-z][a-z0-9_ *]*[ *][a-z_][a-z0-9_]*\(' "$b" | grep -v '^static' |
			grep -v ';$' | sed -E 's/^[a-z][a-z0-9_ *]*[ *]([a-z_][a-z0-9_]*)\(.*/\1/' |
			sed "s|\$| $(basename "$b")|"
	done >"$defs"
	[ -s "$defs" ] || continue
	edges=$(
		for a in "$dir"*.c; do
			grep -owE "[a-z_][a-z0-9_]*" "$a" | sort -u |
				awk -v a="$(basename "$a")" 'NR == FNR { def[$1] = $2; next }
					($1 in def) && def[$1] != a { print a, def[$1] }' "$defs" -
		done | sort -u
	)
	[ -n "$edges" ] || continue
	# Strongly connected files: A reaches B and B reaches A.
	cyc=$(echo "$edges" | awk '
		{ e[$1, $2] = 1; n[$1] = 1; n[$2] = 1 }
		END {
			for (k in n) for (i in n) for (j in n)
				if (e[i, k] && e[k, j]) e[i, j] = 1
			for (i in n) for (j in n)
				if (i < j && e[i, j] && e[j, i]) print i " <-> " j
		}' | sort)
	if [ -n "$cyc" ]; then
		while read -r c; do echo "file cycle in $dir: $c"; done <<<"$cyc"
		bad=1
	fi
done
exit $bad
