#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fuzz/run.sh [SECONDS] [TARGET...]: builds the libFuzzer targets (clang,
# -Dfuzz=true, in $FUZZ_BUILD_DIR, default build-fuzz) if needed, then runs
# each for SECONDS (default 20), one after the other, from the seeds in
# fuzz/corpus/TARGET (a scratch copy: the seeds in the tree stay as they
# are). Prints TAP: "ok N - fuzz TARGET: X runs, corpus N" or "not ok" on a
# crash, leak, UB or timeout (with the reproducer's path and the report's
# head), and ends with "N passed, N failed". Exit 1 when one failed.
# A reproducer is replayed with: build-fuzz/fuzz/fuzz_TARGET FILE
# $FUZZ_WORK keeps the grown corpora and logs in that directory.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-20}
shift || true
build=${FUZZ_BUILD_DIR:-$here/build-fuzz}
all=(config state mount_opts seccomp mountinfo proc opts)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$here" --werror -Dfuzz=true -Dbuildtype=debugoptimized \
		>"$build.setup.log" 2>&1 || { cat "$build.setup.log"; echo "0 passed, 1 failed"; exit 1; }
fi
if ! ninja -C "$build" $(printf 'fuzz/fuzz_%s ' "${targets[@]}") >"$build/fuzz-build.log" 2>&1; then
	tail -30 "$build/fuzz-build.log"
	echo "0 passed, 1 failed"
	exit 1
fi

# $FUZZ_WORK: keep the grown corpora and logs there (else a temp dir)
work=${FUZZ_WORK:-$(mktemp -d /tmp/corun-fuzz.XXXXXX)}
mkdir -p "$work"
pass=0 fail=0 n=0
echo "1..${#targets[@]}"
for t in "${targets[@]}"; do
	n=$((n + 1))
	corpus="$work/$t"
	mkdir -p "$corpus" "$work/crash-$t"
	cp "$here/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null
	log="$work/$t.log"
	# -timeout: one input taking over FUZZ_TIMEOUT s (default 10; it is
	# wall-clock time, so raise it for a long run at low priority) is a
	# hang; leaks are errors (ASan)
	TIMEFORMAT='%U %S'
	{
		time ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
			LSAN_OPTIONS=suppressions="$here/fuzz/lsan.supp" \
			"$build/fuzz/fuzz_$t" -max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix="$work/crash-$t/" "$corpus" >"$log" 2>&1
	} 2>"$work/$t.cpu"
	rc=$?
	runs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$log")
	size=$(ls "$corpus" | wc -l)
	cpu=$(awk '{ printf "%.0f", $1 + $2 }' "$work/$t.cpu")
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - fuzz $t: ${runs:-?} runs, corpus $size, ${cpu} s CPU"
	else
		fail=$((fail + 1))
		echo "not ok $n - fuzz $t: exit $rc after ${runs:-?} runs; reproducer: $(ls "$work/crash-$t"/* 2>/dev/null | head -1)"
		grep -m1 -E 'ERROR:|runtime error:|SUMMARY:|timeout' "$log" | sed 's/^/# /'
		grep -A12 -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log" | sed 's/^/# /' | head -14
	fi
done
# reproducers and logs stay for a failure; a clean run leaves nothing
if [ -n "${FUZZ_WORK:-}" ]; then
	echo "# corpora and logs: $work"
elif [ $fail -eq 0 ]; then
	rm -rf "$work"
else
	echo "# logs and reproducers: $work"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
