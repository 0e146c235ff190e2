#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs inside the container (copied to the rootfs as /probe): prints what
# the process sees, one "== SECTION" header per argument. Host-specific
# numbers (mount ids, device numbers of the host's disks) are left out so
# that two runtimes on the same host print the same lines.
for s in "$@"; do
	echo "== $s"
	case $s in
	id) id; grep -E '^(Uid|Gid|Groups):' /proc/self/status ;;
	caps) grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' /proc/self/status ;;
	cwd) pwd; ls -d . >/dev/null 2>&1 && echo readable || echo unreadable ;;
	umask) umask ;;
	limits) cat /proc/self/limits ;;
	env) env | grep -v '^PWD=\|^SHLVL=\|^_=' | sort ;;
	host) hostname; cat /etc/hostname 2>&1 ;;
	mounts)
		# mountpoint options propagation(no ids) fstype source superoptions root
		awk '{ p = ""; i = 7; while ($i != "-") { x = $i; sub(/:.*/, "", x); p = p x ","; i++ }
			print $5, $6, p, $(i + 1), $(i + 2), $(i + 3), $4 }' /proc/self/mountinfo ;;
	dev)
		for f in /dev/* /dev/pts/* /dev/shm /dev/mqueue; do
			[ -e "$f" ] || [ -L "$f" ] || continue
			if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else stat -c '%n %A %u %g %t:%T' "$f"; fi
		done ;;
	devwrite) for f in /dev/null /dev/zero /dev/full /dev/tty; do (echo x >"$f") 2>/dev/null && echo "$f w" || echo "$f -"; done ;;
	tty)
		t=$(tty 2>/dev/null) && { echo "tty yes"; stat -c '%a %u %g' "$t"; } || echo "tty no"
		[ -e /dev/console ] && stat -c 'console %A %u %g' /dev/console ;;
	cgroup) sed 's/^[0-9]*://' /proc/self/cgroup | sort ;;
	cgfiles)
		# the container's own cgroup files (v1 controllers or the v2 tree)
		for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes \
			memory/memory.soft_limit_in_bytes memory/memory.swappiness pids/pids.max \
			cpu/cpu.shares cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpuset/cpuset.cpus \
			blkio/blkio.weight freezer/freezer.state memory.max memory.swap.max memory.low \
			pids.max cpu.max cpu.weight cpuset.cpus io.weight cgroup.freeze; do
			[ -e "/sys/fs/cgroup/$f" ] && echo "$f $(cat "/sys/fs/cgroup/$f" 2>&1)"
		done ;;
	procs) ls /proc | grep -c '^[0-9]' ;;
	ns) for n in cgroup ipc mnt net pid uts user time; do
			[ "$(readlink /proc/1/ns/$n)" = "$(readlink /proc/self/ns/$n)" ] && echo "$n same-as-1" || echo "$n differs-from-1"
		done ;;
	sleep) sleep "${PROBE_SLEEP:-30}" ;;
	*) sh -c "$s" 2>&1; echo "rc=$?" ;;
	esac
done
