#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The systemd cgroup driver (--systemd-cgroup): the container's cgroup is a
# transient unit made over D-Bus ("slice:prefix:name"), its resources are
# unit properties (read back with systemctl show) and cgroup files (read
# back from the host and from inside), and nothing is left after delete.
# Runs only where systemd is PID 1 on cgroup v2: `test/guest/run.sh -s`
# boots such a guest.

load helpers

setup_file() {
	if [ ! -d /run/systemd/system ]; then
		export SD_SKIP="systemd is not PID 1 here; test/guest/run.sh -s runs these in a guest"
	elif ! "${CORUN_BIN:-build/corun}" features | jq -e '.linux.cgroup.systemd' >/dev/null; then
		export SD_SKIP="this corun was built without systemd support (no libsystemd headers)"
	fi
	SD_LAYOUT=v1
	[ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] || SD_LAYOUT=v2
	export SD_LAYOUT
}

# helpers.bash's setup, run once systemd is known to be there. Tests say
# in their name where they apply: "(any host)" needs no systemd (they check
# what happens first), "(any layout)" runs on v1 and v2, "(v1)" only on a
# v1 (hybrid) systemd host, the rest on v2.
eval "helpers_setup() $(declare -f setup | tail -n +2)"
setup() {
	case $BATS_TEST_DESCRIPTION in
	*"(any host)"*) ;;
	*"(any layout)"*) [ -z "${SD_SKIP:-}" ] || skip "$SD_SKIP" ;;
	*"(v1)"*)
		[ -z "${SD_SKIP:-}" ] || skip "$SD_SKIP"
		[ "$SD_LAYOUT" = v1 ] || skip "a cgroup v1 test; test/guest/run.sh -s -l boots a v1 (hybrid) guest"
		;;
	*)
		[ -z "${SD_SKIP:-}" ] || skip "$SD_SKIP"
		[ "$SD_LAYOUT" = v2 ] || skip "a cgroup v2 test; test/guest/run.sh -s boots a v2 guest"
		;;
	esac
	helpers_setup
}

sd() { runtime --systemd-cgroup "$@"; }

# sd_run [run options]: run -d with the systemd driver.
sd_run() {
	local rc=0
	sd run -d -b "$BUNDLE" "$@" "$CID" >"$(ct_log)" 2>&1 </dev/null 3>&- || rc=$?
	[ $rc -eq 0 ] || cat "$(ct_log)"
	return $rc
}

cg_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
cg_dir() { echo "/sys/fs/cgroup$(cg_of "$(ct_pid)")"; }
cg_read() { cat "$(cg_dir)/$1"; }
prop() { systemctl show -P "$2" "$1"; }

set_resources() {
	update_config '.linux.resources += $r' --argjson r "$1"
}

# unit_gone UNIT DIR: the unit is unloaded (or dead) and its cgroup removed.
unit_gone() {
	local st
	st=$(systemctl show -P ActiveState "$1")
	[ "$st" = inactive ] || [ "$st" = failed ] || fail "unit $1 is $st"
	[ ! -e "$2" ] || fail "cgroup $2 left behind"
}

@test "systemd: with no systemd to talk to, create fails naming it; nothing left (any host)" {
	[ ! -d /run/systemd/system ] || skip "systemd runs here"
	"$RUNTIME" features | jq -e '.linux.cgroup.systemd' >/dev/null ||
		skip "this corun was built without systemd support"
	set_args true
	run sd run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains "systemd"
	assert_nothing_left
	local left
	left=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$CID*" 2>/dev/null)
	[ -z "$left" ] || fail "cgroups left: $left"
}

@test "systemd: the default unit is corun-<id>.scope in system.slice, delegated" {
	set_args sleep 100
	sd_run
	local unit=corun-$CID.scope dir
	assert_equal "$(cg_of "$(ct_pid)")" "/system.slice/$unit"
	assert_equal "$(prop "$unit" ActiveState)" active
	assert_equal "$(prop "$unit" Delegate)" yes
	assert_equal "$(prop "$unit" MemoryAccounting)" yes
	assert_equal "$(prop "$unit" TasksAccounting)" yes
	grep -qx "$(ct_pid)" "$(cg_dir)/cgroup.procs"
	# state remembers the driver: later commands need no flag
	runtime state "$CID" | jq -e '.status == "running"' >/dev/null
	dir=$(cg_dir)
	runtime delete -f "$CID"
	unit_gone "$unit" "$dir"
}

@test "systemd: through the system bus (dbus-daemon) where the private socket is out of reach" {
	set_args sleep 100
	# a mount namespace where /run/systemd (the manager's private socket)
	# is an empty tmpfs: corun falls back to the bus, as in a container
	# that only has /run/dbus/system_bus_socket
	unshare -m sh -c 'mount -t tmpfs tmpfs /run/systemd && exec "$@"' sh \
		"$RUNTIME" --root "$ROOT" --debug --log "$TEST_DIR/debug.log" --systemd-cgroup \
		run -d -b "$BUNDLE" "$CID" >"$(ct_log)" 2>&1 </dev/null 3>&- ||
		fail "run: $(cat "$(ct_log)" "$TEST_DIR/debug.log")"
	grep -q "trying the system bus" "$TEST_DIR/debug.log" || fail "$(cat "$TEST_DIR/debug.log")"
	assert_equal "$(cg_of "$(ct_pid)")" "/system.slice/corun-$CID.scope"
	assert_equal "$(prop "corun-$CID.scope" ActiveState)" active
	local dir
	dir=$(cg_dir)
	unshare -m sh -c 'mount -t tmpfs tmpfs /run/systemd && exec "$@"' sh \
		"$RUNTIME" --root "$ROOT" delete -f "$CID"
	unit_gone "corun-$CID.scope" "$dir"
}

@test "systemd: slice:prefix:name with a nested slice; the slice itself stays" {
	update_config '.linux.cgroupsPath = $p' --arg p "corunt-sub.slice:pfx:$CID"
	set_args sleep 100
	sd_run
	assert_equal "$(cg_of "$(ct_pid)")" "/corunt.slice/corunt-sub.slice/pfx-$CID.scope"
	assert_equal "$(prop "pfx-$CID.scope" Slice)" corunt-sub.slice
	local dir
	dir=$(cg_dir)
	sd delete -f "$CID"
	unit_gone "pfx-$CID.scope" "$dir"
	[ -d /sys/fs/cgroup/corunt.slice ] || fail "the parent slice was removed behind systemd's back"
}

@test "systemd: a name ending in .slice makes the container a slice unit" {
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:ignored:corunsl$CID.slice"
	set_args sleep 100
	sd_run
	assert_equal "$(cg_of "$(ct_pid)")" "/corunsl$CID.slice"
	assert_equal "$(prop "corunsl$CID.slice" ActiveState)" active
	runtime delete -f "$CID"
	unit_gone "corunsl$CID.slice" "/sys/fs/cgroup/corunsl$CID.slice"
}

@test "systemd: resources become unit properties and cgroup files" {
	set_resources '{"memory":{"limit":67108864,"reservation":33554432},
		"cpu":{"shares":1024,"quota":50000,"period":100000,"cpus":"0","mems":"0"},
		"pids":{"limit":42},"blockIO":{"weight":500},
		"unified":{"memory.high":"60000000"}}'
	set_args sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; sleep 100'
	sd_run
	local unit=corun-$CID.scope
	assert_equal "$(prop "$unit" MemoryMax)" 67108864
	assert_equal "$(prop "$unit" MemoryLow)" 33554432
	assert_equal "$(prop "$unit" MemoryHigh)" 60000000
	assert_equal "$(prop "$unit" CPUWeight)" 39
	assert_equal "$(prop "$unit" CPUQuotaPerSecUSec)" 500ms
	assert_equal "$(prop "$unit" TasksMax)" 42
	assert_equal "$(prop "$unit" AllowedCPUs)" 0
	assert_equal "$(prop "$unit" IOWeight)" 4950
	assert_equal "$(cg_read memory.max)" 67108864
	assert_equal "$(cg_read memory.low)" 33554432
	assert_equal "$(cg_read cpu.max)" "50000 100000"
	assert_equal "$(cg_read cpu.weight)" 39
	assert_equal "$(cg_read pids.max)" 42
	assert_equal "$(cg_read cpuset.cpus)" 0
	for _ in $(seq 100); do grep -q 42 "$(ct_log)" && break; sleep 0.1; done
	grep -qx 67108864 "$(ct_log)" || fail "inside: $(cat "$(ct_log)")"
	grep -qx 42 "$(ct_log)" || fail "inside: $(cat "$(ct_log)")"
	# systemd rewrites its units' files on daemon-reload: the limits hold
	systemctl daemon-reload
	assert_equal "$(cg_read memory.max)" 67108864
	assert_equal "$(cg_read pids.max)" 42
	assert_equal "$(cg_read cpu.max)" "50000 100000"
	runtime delete -f "$CID"
}

@test "systemd: a pids limit of 0 is no limit given: the unit keeps systemd's default, as runc" {
	set_resources '{"pids":{"limit":0}}'
	set_args sleep 100
	sd_run
	local unit=corun-$CID.scope def
	def=$(systemctl show -P DefaultTasksMax)
	# runc sets no TasksMax then (test/compat cgroups/resources/pids-zero); corun made it infinity
	assert_equal "$(prop "$unit" TasksMax)" "$def"
	[ "$def" = infinity ] || assert_equal "$(cg_read pids.max)" "$def"
	runtime delete -f "$CID"
}

@test "systemd: the device filter still applies in a systemd unit" {
	update_config '.linux.devices = [{"path":"/dev/xmem","type":"c","major":1,"minor":1}]'
	set_resources '{"devices":[{"allow":false,"access":"rwm"}]}'
	set_args sh -c 'head -c1 /dev/xmem; echo "rc=$?"; head -c1 /dev/zero | wc -c; sleep 100'
	sd_run
	for _ in $(seq 100); do grep -q '^1$' "$(ct_log)" && break; sleep 0.1; done
	grep -q 'rc=1' "$(ct_log)" || fail "/dev/xmem was readable: $(cat "$(ct_log)")"
	grep -qx 1 "$(ct_log)" || fail "/dev/zero was not readable: $(cat "$(ct_log)")"
	runtime delete -f "$CID"
}

@test "systemd: update sets the unit's properties and files, kept across daemon-reload" {
	set_resources '{"memory":{"limit":67108864},"pids":{"limit":42}}'
	set_args sleep 100
	sd_run
	local unit=corun-$CID.scope
	runtime update --memory 134217728 --pids-limit 50 --cpu-quota 20000 "$CID"
	assert_equal "$(prop "$unit" MemoryMax)" 134217728
	assert_equal "$(prop "$unit" TasksMax)" 50
	assert_equal "$(prop "$unit" CPUQuotaPerSecUSec)" 200ms
	systemctl daemon-reload
	assert_equal "$(cg_read memory.max)" 134217728
	assert_equal "$(cg_read pids.max)" 50
	echo '{"pids":{"limit":60}}' | runtime update -r - "$CID"
	assert_equal "$(prop "$unit" TasksMax)" 60
	assert_equal "$(cg_read pids.max)" 60
	runtime delete -f "$CID"
}

@test "systemd: update --memory -1 lifts MemoryMax and MemorySwapMax, as runc" {
	set_resources '{"memory":{"limit":67108864,"swap":134217728}}'
	set_args sleep 100
	sd_run
	local unit=corun-$CID.scope
	assert_equal "$(prop "$unit" MemorySwapMax)" 67108864
	runtime update --memory -1 "$CID"
	assert_equal "$(prop "$unit" MemoryMax)" infinity
	assert_equal "$(prop "$unit" MemorySwapMax)" infinity
	systemctl daemon-reload
	assert_equal "$(cg_read memory.max)" max
	assert_equal "$(cg_read memory.swap.max)" max
	runtime delete -f "$CID"
}

@test "systemd: update of the cpuset reaches AllowedCPUs and AllowedMemoryNodes, flags and -r" {
	[ "$(nproc)" -ge 2 ] || skip "one CPU: no other cpuset to move to"
	set_resources '{"memory":{"limit":67108864,"swap":134217728}}'
	set_args sleep 100
	sd_run
	local unit=corun-$CID.scope
	assert_equal "$(prop "$unit" AllowedCPUs)" ""
	runtime update --cpuset-cpus 1 --cpuset-mems 0 "$CID"
	assert_equal "$(prop "$unit" AllowedCPUs)" 1
	assert_equal "$(prop "$unit" AllowedMemoryNodes)" 0
	# with memory lifted in the same call (runc lifts swap along)
	runtime update --memory -1 --cpuset-cpus 0 "$CID"
	assert_equal "$(prop "$unit" AllowedCPUs)" 0
	# runc's own tests spell -r's keys as Go's field names
	echo '{"CPU":{"Cpus":"0-1","Mems":"0"}}' | runtime update -r - "$CID"
	assert_equal "$(prop "$unit" AllowedCPUs)" 0-1
	assert_equal "$(cg_read cpuset.cpus)" 0-1
	# systemd writes the unit's cpuset again on daemon-reload: it holds
	systemctl daemon-reload
	assert_equal "$(cg_read cpuset.cpus)" 0-1
	assert_equal "$(cg_read cpuset.mems)" 0
	runtime delete -f "$CID"
}

@test "systemd: delegation: a user namespace with its own cgroupns and a rw cgroup mount owns its scope" {
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |= map(select(. != "ro"))'
	set_args sh -c 'mkdir /sys/fs/cgroup/sub && echo $$ >/sys/fs/cgroup/sub/cgroup.procs &&
		cat /proc/self/cgroup; sleep 100'
	sd_run
	local dir f
	dir=$(cg_dir)
	dir=${dir%/sub}
	assert_equal "$(stat -c %u "$dir")" 100000
	for f in cgroup.procs cgroup.subtree_control cgroup.threads; do
		assert_equal "$(stat -c %u "$dir/$f")" 100000
	done
	assert_equal "$(stat -c %u "$dir/memory.max")" 0
	for _ in $(seq 100); do grep -q '^0::/sub$' "$(ct_log)" && break; sleep 0.1; done
	grep -qx '0::/sub' "$(ct_log)" || fail "inside: $(cat "$(ct_log)")"
	runtime delete -f "$CID"
	unit_gone "corun-$CID.scope" "$dir"
}

@test "systemd: pause, resume, exec, ps and events in the unit's cgroup" {
	set_resources '{"memory":{"limit":67108864}}'
	set_args sleep 100
	sd_run
	local dir
	dir=$(cg_dir)
	runtime exec -d "$CID" sleep 99
	runtime ps "$CID" | grep -q 'sleep 99' || fail "ps: $(runtime ps "$CID")"
	[ "$(wc -l <"$dir/cgroup.procs")" -eq 2 ] || fail "procs: $(cat "$dir/cgroup.procs")"
	runtime pause "$CID"
	assert_equal "$(ct_status)" paused
	assert_equal "$(cat "$dir/cgroup.freeze")" 1
	awk '/^State:/ { print $2 }' "/proc/$(ct_pid)/status" | grep -qE '^[SD]$'
	runtime resume "$CID"
	assert_equal "$(ct_status)" running
	assert_equal "$(cat "$dir/cgroup.freeze")" 0
	run runtime events --stats "$CID"
	assert_success
	assert_equal "$(jq -r '.data.memory.usage.limit' <<<"$output")" 67108864
	assert_equal "$(jq -r '.data.pids.current' <<<"$output")" 2
	runtime delete -f "$CID"
	unit_gone "corun-$CID.scope" "$dir"
}

@test "systemd: delete -f of a paused container, kill -a, then nothing left" {
	set_args sh -c 'sleep 100 & sleep 100'
	sd_run
	local dir
	dir=$(cg_dir)
	runtime pause "$CID"
	runtime delete -f "$CID"
	unit_gone "corun-$CID.scope" "$dir"

	CID=${CID}b
	set_args sh -c 'sleep 100 & sleep 100'
	sd_run
	dir=$(cg_dir)
	runtime kill -a "$CID" KILL
	wait_status "$CID" stopped
	[ -z "$(cat "$dir/cgroup.procs" 2>/dev/null)" ] || fail "procs left: $(cat "$dir/cgroup.procs")"
	runtime delete "$CID"
	unit_gone "corun-$CID.scope" "$dir"
}

@test "systemd: an OOM in the unit is an oom event" {
	set_resources '{"memory":{"limit":16777216,"swap":16777216}}'
	set_args sh -c 'sleep 2; tail /dev/zero; sleep 100'
	sd_run
	expect_oom_event
	runtime delete -f "$CID"
}

@test "systemd: a bad cgroupsPath is refused naming it; nothing made (any host)" {
	"$RUNTIME" features | jq -e '.linux.cgroup.systemd' >/dev/null ||
		skip "this corun was built without systemd support"
	update_config '.linux.cgroupsPath = "system.slice/x"'
	set_args true
	run sd run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains 'cgroupsPath' 'system.slice/x' 'slice:prefix:name'
	assert_nothing_left
	update_config '.linux.cgroupsPath = "a--b.slice:p:x"'
	run sd run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains "a dash may only separate"
	assert_nothing_left
}

@test "systemd: a unit name in use is refused; the first container is untouched (any layout)" {
	update_config '.linux.cgroupsPath = $p' --arg p "system.slice:dup:$CID"
	set_args sleep 100
	sd_run
	run sd run -d -b "$BUNDLE" "${CID}2"
	assert_failure
	assert_output_contains "dup-$CID.scope"
	[ ! -e "$ROOT/${CID}2" ] || fail "state of the refused container left"
	assert_equal "$(ct_status)" running
	assert_equal "$(prop "dup-$CID.scope" ActiveState)" active
	runtime delete -f "$CID"
}

@test "systemd: a create that fails after the unit is made leaves no unit (any layout)" {
	update_config '.hooks.createRuntime = [{"path":"/bin/sh","args":["sh","-c","touch $0; exit 1","'"$TEST_DIR/hook-ran"'"]}]'
	set_args sleep 100
	run sd run -d -b "$BUNDLE" "$CID"
	assert_failure
	# the hook runs once the init is in its cgroup: the unit was made
	[ -e "$TEST_DIR/hook-ran" ] || fail "the createRuntime hook did not run: $output"
	assert_nothing_left
	local left
	left=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "corun-$CID.scope")
	[ -z "$left" ] || fail "cgroups left: $left"
	unit_gone "corun-$CID.scope" /nonexistent
}

# ---- rootless: the user's own systemd manager ----

SD_USER=corunsd

# sd_user_up: a user with a running user manager (user@UID.service).
sd_user_up() {
	id -u "$SD_USER" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$SD_USER"
	SD_UID=$(id -u "$SD_USER")
	# pam_systemd (libpam-systemd, not in the test guest) is what sets
	# XDG_RUNTIME_DIR for a user manager; without it, a runtime drop-in does
	if ! ls /lib/*/security/pam_systemd.so /lib/security/pam_systemd.so >/dev/null 2>&1; then
		mkdir -p /run/systemd/system/user@.service.d
		printf '[Service]\nEnvironment=XDG_RUNTIME_DIR=/run/user/%%i\n' \
			>/run/systemd/system/user@.service.d/corun-test.conf
		systemctl daemon-reload
	fi
	systemctl start "user@$SD_UID.service" ||
		fail "user@$SD_UID.service did not start: $(journalctl -b -u "user@$SD_UID.service" --no-pager | tail -n 15)"
	wait_file "/run/user/$SD_UID/systemd/private"
}

# as_sd_user CMD...: CMD as the user, in its session's environment.
as_sd_user() {
	setpriv --reuid="$SD_USER" --regid="$SD_USER" --init-groups \
		env CORUN_TEST_TAG="$TAG" XDG_RUNTIME_DIR="/run/user/$SD_UID" "$@"
}

@test "systemd: a rootless container gets a scope from the user's own manager" {
	sd_user_up
	local root="$TEST_DIR/rl-root" base
	mkdir -p "$TEST_DIR/rlspec" "$root"
	chown "$SD_USER" "$TEST_DIR/rlspec" "$root"
	(cd "$TEST_DIR/rlspec" && as_sd_user "$RUNTIME" spec --rootless)
	jq --arg tag "$TAG" '.process.args = ["sleep", "100"] | .process.terminal = false |
		.process.env += ["CORUN_TEST_TAG=" + $tag] |
		.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 30}}' \
		"$TEST_DIR/rlspec/config.json" >"$BUNDLE/config.json"
	chmod 644 "$BUNDLE/config.json"
	TEARDOWN_EXTRA='as_sd_user "$RUNTIME" --root "'$root'" delete -f "$CID" 2>/dev/null'
	as_sd_user "$RUNTIME" --root "$root" --systemd-cgroup run -d -b "$BUNDLE" "$CID" \
		>"$(ct_log)" 2>&1 </dev/null 3>&- || fail "run: $(cat "$(ct_log)")"
	local pid
	pid=$(as_sd_user "$RUNTIME" --root "$root" state "$CID" | jq -r .pid)
	# runc's default for a rootless container on v2: the user's user.slice
	base=/user.slice/user-$SD_UID.slice/user@$SD_UID.service
	assert_equal "$(cg_of "$pid")" "$base/user.slice/corun-$CID.scope"
	assert_equal "$(as_sd_user systemctl --user show -P Delegate "corun-$CID.scope")" yes
	assert_equal "$(as_sd_user systemctl --user show -P MemoryMax "corun-$CID.scope")" 67108864
	local dir=/sys/fs/cgroup$base/user.slice/corun-$CID.scope
	assert_equal "$(cat "$dir/memory.max")" 67108864
	assert_equal "$(cat "$dir/pids.max")" 30
	as_sd_user "$RUNTIME" --root "$root" delete -f "$CID"
	[ ! -e "$dir" ] || fail "cgroup $dir left behind"
	assert_equal "$(as_sd_user systemctl --user show -P ActiveState "corun-$CID.scope")" inactive
}

# ---- cgroup v1 (hybrid): systemd's scope, joined in every hierarchy ----

v1_dir() { echo "/sys/fs/cgroup/$1/system.slice/corun-$CID.scope"; }

@test "systemd: the scope in every v1 hierarchy, limits as properties and files (v1)" {
	set_resources '{"memory":{"limit":67108864},"pids":{"limit":42},
		"cpu":{"shares":512,"quota":50000,"period":100000,"cpus":"0"}}'
	set_args sleep 100
	sd_run
	local unit=corun-$CID.scope pid line
	pid=$(ct_pid)
	# every hierarchy (and the hybrid cgroup2 mount, line 0) has it there
	while IFS= read -r line; do
		[ "${line##*:}" = "/system.slice/$unit" ] || fail "$line: not in the unit"
	done <"/proc/$pid/cgroup"
	assert_equal "$(prop "$unit" MemoryLimit)" 67108864
	assert_equal "$(prop "$unit" CPUShares)" 512
	assert_equal "$(prop "$unit" TasksMax)" 42
	assert_equal "$(prop "$unit" CPUQuotaPerSecUSec)" 500ms
	assert_equal "$(cat "$(v1_dir memory)/memory.limit_in_bytes")" 67108864
	assert_equal "$(cat "$(v1_dir cpu)/cpu.shares")" 512
	assert_equal "$(cat "$(v1_dir cpu)/cpu.cfs_quota_us")" 50000
	assert_equal "$(cat "$(v1_dir pids)/pids.max")" 42
	assert_equal "$(cat "$(v1_dir cpuset)/cpuset.cpus")" 0
	systemctl daemon-reload
	assert_equal "$(cat "$(v1_dir memory)/memory.limit_in_bytes")" 67108864
	assert_equal "$(cat "$(v1_dir cpu)/cpu.shares")" 512
	runtime delete -f "$CID"
	local left
	left=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$unit")
	[ -z "$left" ] || fail "cgroups left: $left"
	unit_gone "$unit" "$(v1_dir memory)"
}

@test "systemd: pause, resume, update, exec, events and kill -a on v1 (v1)" {
	set_resources '{"memory":{"limit":67108864}}'
	set_args sleep 100
	sd_run
	local unit=corun-$CID.scope
	runtime pause "$CID"
	assert_equal "$(ct_status)" paused
	assert_equal "$(cat "$(v1_dir freezer)/freezer.state")" FROZEN
	runtime resume "$CID"
	assert_equal "$(cat "$(v1_dir freezer)/freezer.state")" THAWED
	runtime update --memory 134217728 --cpu-shares 256 "$CID"
	assert_equal "$(prop "$unit" MemoryLimit)" 134217728
	assert_equal "$(prop "$unit" CPUShares)" 256
	assert_equal "$(cat "$(v1_dir memory)/memory.limit_in_bytes")" 134217728
	assert_equal "$(cat "$(v1_dir cpu)/cpu.shares")" 256
	runtime exec -d "$CID" sleep 99
	[ "$(wc -l <"$(v1_dir memory)/cgroup.procs")" -eq 2 ] || fail "procs: $(cat "$(v1_dir memory)/cgroup.procs")"
	run runtime events --stats "$CID"
	assert_success
	assert_equal "$(jq -r '.data.memory.usage.limit' <<<"$output")" 134217728
	runtime kill -a "$CID" KILL
	wait_status "$CID" stopped
	runtime delete "$CID"
	unit_gone "$unit" "$(v1_dir memory)"
}
