#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tty.sh [MIB] [RUNS]: terminal relay throughput of a foreground `run` with
# process.terminal, corun next to runc. Each runtime
# runs on a pty of test/helpers/ptyrun, which types MIB MiB (default 8) of
# text lines into it as fast as the relay takes them, in three ways:
#   in:   the container reads its input raw without echo (head | md5sum)
#   out:  the container writes MIB MiB to its terminal (cat)
#   both: the container copies its input back raw (stty raw -echo; head):
#         MIB MiB each way at the same time
# and checks every byte arrived (md5, cmp). MiB/s is the best of RUNS
# (default 3) from the first byte typed (or printed) to the last one out.
# Run as root. CORUN_BIN selects corun (default build/corun).
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-8}
runs=${2:-3}
corun=${CORUN_BIN:-$PWD/build/corun}
[ "$(id -u)" -eq 0 ] || { echo "tty.sh: run as root" >&2; exit 1; }

names=() bins=()
add() { # name, path or command
	local p
	p=$(command -v "$2" 2>/dev/null) || { echo "# $1: not found, skipped" >&2; return 0; }
	names+=("$1") bins+=("$p")
}
add corun "$corun"
add runc "${RUNC_BIN:-runc}"


work=$(mktemp -d /tmp/corun-ttybench.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/ptyrun" test/helpers/ptyrun.c
spec_rt=$(command -v runc || echo "${bins[0]}")
RUNTIME=$spec_rt bash scripts/mkbundle.sh "$work/bundle" >/dev/null
mkdir "$work/data"
bytes=$((mib * 1048576))
# (base64's lines are longer than the input: it ends on SIGPIPE)
head -c $((bytes * 3 / 4)) /dev/urandom | base64 | head -c $bytes >"$work/data/in.txt" || true
sum=$(md5sum <"$work/data/in.txt" | awk '{ print $1 }')
cfg=$work/bundle/config.json
jq --arg d "$work/data" '.process.terminal = true |
	.mounts += [{"destination": "/data", "type": "bind", "source": $d, "options": ["rbind", "ro"]}]' \
	"$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"

# one RT MODE: seconds of one run, or "LOST" when bytes went missing
one() {
	local bin=$1 mode=$2 cmd in=(-i "$work/data/in.txt") secs
	case $mode in
	in) cmd="stty raw -echo && printf READY && head -c $bytes | md5sum" ;;
	out) cmd="printf READY && cat /data/in.txt" in=() ;;
	both) cmd="stty raw -echo && printf READY && head -c $bytes" ;;
	esac
	jq --arg c "$cmd" '.process.args = ["sh", "-c", $c]' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
	secs=$("$work/ptyrun" "${in[@]}" -o "$work/screen" -w READY -t 120 -- \
		"$bin" --root "$work/root" run -b "$work/bundle" "ct-$$" 2>&1 >/dev/null |
		sed -n 's/.*rc=0 .* secs=\([0-9.]*\).*/\1/p')
	"$bin" --root "$work/root" delete -f "ct-$$" >/dev/null 2>&1 || true
	tr -d '\r' <"$work/screen" >"$work/screen.txt"
	case $mode in
	in) grep -q "^$sum" "$work/screen.txt" || secs= ;;
	*) cmp -s "$work/screen.txt" "$work/data/in.txt" || secs= ;;
	esac
	echo "${secs:-LOST}"
}

rate() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }

printf "| runtime | in (MiB/s) | out (MiB/s) | both, each way (MiB/s) |\n| --- | --- | --- | --- |\n"
for i in "${!names[@]}"; do
	row="| ${names[$i]} |"
	for mode in in out both; do
		best=
		for _ in $(seq "$runs"); do
			s=$(one "${bins[$i]}" "$mode")
			if [ "$s" = LOST ]; then
				best=LOST
				break
			fi
			if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then
				best=$s
			fi
		done
		if [ "$best" = LOST ] || [ -z "$best" ]; then
			row+=" bytes lost or hung |"
		else
			row+=" $(rate "$best") |"
		fi
	done
	echo "$row"
done
echo "# $mib MiB each, best of $runs; $(uname -r), $(nproc) cores"
