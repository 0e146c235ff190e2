#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run.sh [-s [-l]] [-c COMMAND] [-b BUILD_DIR] [-f BATS_FILTER] [BATS_FILE...]: runs bats
# files (default: test/integration/cgroups_v2.bats; with -s,
# cgroups_systemd.bats) in a throw-away Debian guest booted with cgroup v2
# only, and prints their TAP and one line "N passed, N failed, N skipped".
# The guest: Debian's kernel under qemu (TCG: no KVM needed), the cached
# image of test/guest/mkimage.sh with a copy-on-write overlay per run
# (-snapshot), this tree shared read-only over virtio-9p at the same path,
# a second 9p share for the results.
# When qemu or the image cannot be had, one skipped test says why.
# -s: for the systemd cgroup driver, systemd is PID 1 (with dbus) and the
# tests run from a oneshot service, in /system.slice/corun-tests.service
# (see guest-init.sh): same image and output, about 3 seconds more boot.
# -l (with -s): the legacy hybrid layout instead, v1 controllers and a
# cgroup2 mount at /sys/fs/cgroup/unified, as systemd sets it up with
# systemd.unified_cgroup_hierarchy=0 (and as the CI host has it).
#
# A sanitizer build (-b build-asan) brings its runtime libraries along.
# -c COMMAND: runs COMMAND (bash, from the tree's root) instead of bats,
# its output shown as is (bench/bench.sh -g uses it).
#
# CORUN_GUEST_CACHE (default .cache/guest), CORUN_GUEST_TIMEOUT (seconds,
# default 900: a TCG guest on a loaded 2-core host takes 3-4 times the
# 2 minutes it takes alone), CORUN_GUEST_MEM (MiB, default 1536),
# CORUN_GUEST_CPUS.
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here" || exit 1
build=build filter= systemd='' label="cgroup v2 guest"
layout="cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1"
cmd=
while getopts slb:f:c: o; do
	case $o in
	s) systemd=" corun.systemd=1" label="systemd guest" ;;
	l) layout="systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=0" ;;
	b) build=$OPTARG ;;
	f) filter=$OPTARG ;;
	c) cmd=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
# only systemd mounts the v1 hierarchies
[ -n "$systemd" ] || [ "${layout#cgroup_no_v1}" != "$layout" ] || {
	echo "run.sh: -l needs -s" >&2
	exit 2
}
[ "${layout#cgroup_no_v1}" != "$layout" ] || label="systemd hybrid guest"
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
	files=(test/integration/cgroups_v2.bats)
	[ -z "$systemd" ] || files=(test/integration/cgroups_systemd.bats)
fi
cache=${CORUN_GUEST_CACHE:-$here/.cache/guest}
budget=${CORUN_GUEST_TIMEOUT:-900}

skip_all() {
	echo "1..1"
	echo "ok 1 - $label # skip $*"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}
fail_all() {
	echo "not ok - $label: $*"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

command -v qemu-system-x86_64 >/dev/null ||
	skip_all "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
[ -x "$build/corun" ] || fail_all "$build/corun is not built"
# the guest has no compiler: the test helper checkpoint.bats needs there
# is built here, next to the runtime (same Debian, same libc)
if command -v gcc >/dev/null && [ ! "$build/recvtty" -nt test/helpers/recvtty.c ]; then
	gcc -O2 -o "$build/recvtty" test/helpers/recvtty.c || fail_all "test/helpers/recvtty.c does not build"
fi
if ! bash test/guest/mkimage.sh --check "$cache"; then
	command -v debootstrap >/dev/null ||
		skip_all "no guest image in $cache and no debootstrap to build one"
	[ "$(id -u)" -eq 0 ] || skip_all "no guest image in $cache; building one needs root"
	t0=$(date +%s)
	bash test/guest/mkimage.sh "$cache" >&2 || skip_all "the guest image could not be built (see $cache/debootstrap.log)"
	echo "# guest image built in $(($(date +%s) - t0))s" >&2
fi

res=$(mktemp -d /tmp/corun-guest.XXXXXX)
trap 'rm -rf "$res"' EXIT
{
	printf 'BUILD_DIR=%q\n' "$build"
	printf 'BATS_FILES=%q\n' "${files[*]}"
	printf 'BATS_FILTER=%q\n' "$filter"
	printf 'JOB_CMD=%q\n' "$cmd"
	# a sanitizer build links the compiler's runtimes, which the guest
	# lacks: they go along in the results share, with the options CI uses
	sanlibs=$(ldd "$build/corun" 2>/dev/null | awk '/lib(asan|ubsan)\.so/ { print $3 }')
	if [ -n "$sanlibs" ]; then
		mkdir "$res/lib"
		# shellcheck disable=SC2086
		cp $sanlibs "$res/lib/"
		# the rootless tests' user loads them too
		chmod 755 "$res" "$res/lib"
		echo "export LD_LIBRARY_PATH=/results/lib"
		echo "export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1"
		echo "export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
	fi
} >"$res/job.env"

args=(
	-accel tcg -cpu max -smp "${CORUN_GUEST_CPUS:-2}" -m "${CORUN_GUEST_MEM:-1536}"
	-display none -monitor none -no-reboot -serial "file:$res/console.log"
	-kernel "$cache/vmlinuz" -initrd "$cache/initrd.img"
	-append "root=/dev/vda rw console=ttyS0 quiet panic=-1 init=/sbin/corun-guest-init $layout$systemd corun.src=$here"
	-drive "file=$cache/rootfs.ext4,format=raw,if=virtio" -snapshot
	-fsdev "local,id=src,path=$here,security_model=none,readonly=on"
	-device virtio-9p-pci,fsdev=src,mount_tag=src
	-fsdev "local,id=res,path=$res,security_model=none"
	-device virtio-9p-pci,fsdev=res,mount_tag=results
)
t0=$(date +%s.%N)
timeout -k 10 "$budget" qemu-system-x86_64 "${args[@]}" </dev/null
qrc=$?
secs=$(echo "$(date +%s.%N) - $t0" | bc)

passed=0 failed=0 skipped=0 plan=0 seen=0
while IFS= read -r line; do
	printf '%s\n' "$line"
	case $line in
	"not ok"*) failed=$((failed + 1)) seen=$((seen + 1)) ;;
	ok*)
		seen=$((seen + 1))
		shopt -s nocasematch
		if [[ $line =~ \#\ *skip ]]; then skipped=$((skipped + 1)); else passed=$((passed + 1)); fi
		shopt -u nocasematch
		;;
	1..*) plan=${line#1..} plan=${plan%% *} ;;
	esac
done < <(cat "$res/tap.txt" 2>/dev/null)
[[ $plan =~ ^[0-9]+$ ]] || plan=0
if [ ! -f "$res/rc" ]; then
	echo "not ok - the guest did not finish the tests (qemu status $qrc after ${secs}s; budget ${budget}s); console:"
	tail -n 30 "$res/console.log" 2>/dev/null | sed 's/^/# /'
	failed=$((failed + 1))
elif [ "$seen" -lt "$plan" ]; then
	echo "# $((plan - seen)) planned tests did not report"
	failed=$((failed + plan - seen))
elif [ "$(cat "$res/rc")" != 0 ] && [ "$failed" -eq 0 ]; then
	echo "not ok - bats exited with status $(cat "$res/rc") in the guest"
	failed=$((failed + 1))
fi
printf '# guest: %.1fs from qemu start to power off\n' "$secs"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
