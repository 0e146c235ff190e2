#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# guest.sh [-s] [-b BUILD_DIR] [-j JOBS] [-f REGEX]: test/compat (corun
# against the guest's runc, Debian's 1.1.5) in the cgroup v2 guest of
# test/guest/run.sh, where the host's hybrid layout cannot show what differs
# on a pure v2 system. Default: cgroupfs driver, the guest's own init as
# PID 1. -s: systemd as PID 1 and both runtimes with --systemd-cgroup
# (COMPAT_GLOBAL_FLAGS). -f: a regex over scenario names (default
# 'cgroups/|races/', the areas where the layouts differ; '.' for all).
# -j: scenarios in parallel (default 2, the guest's cpus). Time limits and
# the races' sleeps are 3 times longer (COMPAT_TIME_SCALE).
# Prints compat's TAP and table, then run.sh's "N passed, N failed, N
# skipped" and the guest's wall time. TCG is slow: the budget
# (CORUN_GUEST_TIMEOUT) defaults to 40 minutes here.
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here" || exit 1
build=build jobs=2 filter='cgroups/|races/' sflag=() flags=
while getopts sb:j:f: o; do
	case $o in
	s) sflag=(-s) flags=--systemd-cgroup ;;
	b) build=$OPTARG ;;
	j) jobs=$OPTARG ;;
	f) filter=$OPTARG ;;
	*) exit 2 ;;
	esac
done
export CORUN_GUEST_TIMEOUT=${CORUN_GUEST_TIMEOUT:-2400}
# TCG: a runtime call takes about a second, longer than the races' windows
scale=${COMPAT_TIME_SCALE:-3}
# tun: runc's default device rules allow /dev/net/tun, and with
# --systemd-cgroup runc warns about every rule whose device the host lacks
# (the guest loads no modules by itself); a real host has it
cmd=$(printf 'modprobe tun 2>/dev/null; COMPAT_A=%q COMPAT_B=/usr/sbin/runc COMPAT_JOBS=%q COMPAT_GLOBAL_FLAGS=%q COMPAT_TIME_SCALE=%q python3 test/compat/compat.py -f %q' \
	"$here/$build/corun" "$jobs" "$flags" "$scale" "$filter")
exec bash test/guest/run.sh "${sflag[@]}" -b "$build" -c "$cmd"
