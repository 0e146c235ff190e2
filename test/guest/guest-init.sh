#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# PID 1 of the test guest (started by the image's /sbin/corun-guest-init
# once the source tree is mounted at the host's path, $1, and the results
# dir at /results): a cgroup v2 only system, the tests run from a child
# cgroup as under a service manager, then power off. Reads the job from
# /results/job.env (BUILD_DIR, BATS_FILES, BATS_FILTER, or JOB_CMD to run
# instead of bats); writes the TAP (or the command's output) to
# /results/tap.txt and bats' exit status to /results/rc.
#
# With corun.systemd=1 on the kernel command line (run.sh -s) it does the
# same first mounts, then writes into the overlay's /etc/systemd/system a
# corun-tests.target pulling corun-tests.service and masks for what only
# slows the boot, and execs systemd as PID 1 (it mounts cgroup2 itself).
# That service runs this script again as `guest-init.sh SRC --tests` (in
# /system.slice/corun-tests.service, with the system bus up) and systemd
# powers off when it ends, whatever its result.
src=$1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8

run_tests() {
	# shellcheck source=/dev/null
	. /results/job.env
	# loopback, as on any host (criu probes TCP repair on it)
	ip link set lo up 2>/dev/null
	cd "$src" || exit 1
	{
		echo "# guest: kernel $(uname -r), $(nproc) cpus, booted in ${start}s"
		if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
			echo "# guest: cgroup controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
		else
			echo "# guest: cgroup v1 hierarchies:" $(ls /sys/fs/cgroup)
		fi
		echo "# guest: tests run in cgroup $(sed -n 's/^0:://p' /proc/self/cgroup)"
	} >/results/tap.txt
	if [ -n "${JOB_CMD:-}" ]; then
		bash -c "$JOB_CMD" </dev/null >>/results/tap.txt 2>&1
		echo $? >/results/rc
		sync
		return
	fi
	local files=() f args=(--tap)
	for f in $BATS_FILES; do files+=("$src/$f"); done
	[ -z "${BATS_FILTER:-}" ] || args+=(-f "$BATS_FILTER")
	CORUN_BIN=$src/$BUILD_DIR/corun RUNTIME_TIMEOUT=${RUNTIME_TIMEOUT:-120} \
		bats "${args[@]}" "${files[@]}" </dev/null >>/results/tap.txt 2>&1
	echo $? >/results/rc
	echo "# guest: tests done at $(cut -d' ' -f1 /proc/uptime)s uptime" >>/results/tap.txt
	sync
}

start=$(cut -d' ' -f1 /proc/uptime)
if [ "${2:-}" = --tests ]; then
	# the systemd unit's ExecStart: its SuccessAction/FailureAction power off
	run_tests
	exit 0
fi

finish() {
	sync
	busybox poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 60
}
trap finish EXIT

mount -o remount,rw / 2>/dev/null
# the tree may sit below /tmp or /run on the host (a CI clone): keep its
# share reachable across the tmpfs mounts that would hide it
mkdir -p /.src
mount --move "$src" /.src
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p "$src"
mount --move /.src "$src"
hostname corun-guest

if [[ " $(</proc/cmdline) " = *" corun.systemd=1 "* ]]; then
	units=/etc/systemd/system
	# systemd unit syntax expands % and $ in ExecStart (the path has no
	# blanks: corun-guest-init cuts it at the first one)
	esc=${src//\\/\\\\} esc=${esc//%/%%} esc=${esc//\$/\$\$}
	cat >"$units/corun-tests.service" <<-UNIT
		[Unit]
		Description=corun tests (test/guest/run.sh -s)
		# the system bus, started up front rather than by the first test
		Wants=dbus.service
		Requires=dbus.socket
		After=basic.target dbus.socket dbus.service
		SuccessAction=poweroff-immediate
		FailureAction=poweroff-immediate
		[Service]
		Type=oneshot
		ExecStart=/bin/bash "$esc/test/guest/guest-init.sh" "$esc" --tests
		Environment=HOME=/root LANG=C.UTF-8
		TimeoutStartSec=infinity
		# the tests may make cgroups below their own, as in the default mode
		Delegate=yes
		StandardOutput=journal+console
	UNIT
	# the default unit: basic.target (sockets, slices) plus the tests;
	# no multi-user.target (getty, logind, ...)
	cat >"$units/corun-tests.target" <<-UNIT
		[Unit]
		Description=corun tests
		Requires=basic.target
		Wants=corun-tests.service
		After=basic.target
		AllowIsolate=yes
	UNIT
	# what is slow under TCG and of no use to the tests (the default mode
	# has none of it either): udev's coldplug, kernel module loading, the
	# pseudo-filesystems nobody reads, state kept across boots, timers
	for u in systemd-udevd.service systemd-udevd-control.socket \
		systemd-udevd-kernel.socket systemd-udev-trigger.service \
		systemd-udev-settle.service kmod-static-nodes.service \
		systemd-modules-load.service modprobe@.service \
		systemd-tmpfiles-setup-dev.service dev-hugepages.mount \
		dev-mqueue.mount sys-kernel-debug.mount sys-kernel-tracing.mount \
		sys-kernel-config.mount sys-fs-fuse-connections.mount \
		proc-sys-fs-binfmt_misc.automount systemd-binfmt.service \
		systemd-random-seed.service systemd-sysusers.service \
		systemd-update-utmp.service systemd-journal-flush.service \
		systemd-remount-fs.service systemd-pstore.service \
		systemd-firstboot.service systemd-machine-id-commit.service \
		systemd-repart.service systemd-pcrphase.service \
		systemd-pcrphase-sysinit.service systemd-initctl.socket \
		systemd-ask-password-console.path systemd-ask-password-wall.path \
		timers.target; do
		: >"$units/$u" # empty: masked, without a fork of ln under TCG
	done
	# generators run before any unit loads; none has anything to find here
	mkdir -p /etc/systemd/system-generators
	for g in /lib/systemd/system-generators/*; do
		: >"/etc/systemd/system-generators/${g##*/}"
	done
	shopt -s execfail # a failed exec must reach the trap, not panic
	exec /lib/systemd/systemd --unit=corun-tests.target
	echo "guest-init: cannot exec systemd" >&2
	exit 1
fi

# without systemd, this script sets up what it would have
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ln -sf /proc/self/fd /dev/fd 2>/dev/null

# /tests has no process of its own, so it can give its children
# controllers; relative cgroupsPaths land next to the runner, as runc's do
mkdir -p /sys/fs/cgroup/tests/runner
echo $$ >/sys/fs/cgroup/tests/runner/cgroup.procs

run_tests
