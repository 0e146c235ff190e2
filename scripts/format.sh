#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# format.sh [--check]: formats every tracked C source and header with the
# repo's .clang-format (clang-format in place); --check changes nothing,
# prints TAP (one test: "ok - clang-format: N files as .clang-format
# says", else "not ok" with the files that differ) and the summary line
# "N passed, N failed"; exit 1 when one differs.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format.sh: clang-format is not installed" >&2; exit 1; }
mapfile -t files < <(git ls-files '*.c' '*.h')
if [ "${1:-}" != --check ]; then
	clang-format -i "${files[@]}"
	exit 0
fi
bad=()
for f in "${files[@]}"; do
	clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
echo "1..1"
if [ ${#bad[@]} -eq 0 ]; then
	echo "ok 1 - clang-format: ${#files[@]} files as .clang-format says"
	echo "1 passed, 0 failed"
	exit 0
fi
echo "not ok 1 - clang-format: ${#bad[@]} of ${#files[@]} files differ (bash scripts/format.sh fixes them)"
printf '#   %s\n' "${bad[@]}"
echo "0 passed, 1 failed"
exit 1
