#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# cgroup v1 resources from config.json, update, pause/resume, events.
# Each value is read back from the host's cgroup files and, where the
# container's /sys/fs/cgroup shows it, from inside the container.

load helpers

# cg_dir CTRL [PID]: the host directory of PID's cgroup for controller CTRL.
cg_dir() {
	local ctrl=$1 pid=${2:-$(ct_pid)} path
	path=$(awk -F: -v c="$ctrl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
		"/proc/$pid/cgroup")
	[ -n "$path" ] || return 1
	local mnt
	mnt=$(awk -v c="$ctrl" '$9 == "cgroup" && $0 ~ ("[ ,]" c "(,|$)") { print $5; exit }' /proc/self/mountinfo)
	echo "$mnt$path"
}

# cg_read CTRL FILE: one of the container's cgroup files, from the host.
cg_read() { cat "$(cg_dir "$1")/$2"; }

# need_knob CTRL FILE: skips the test when this kernel lacks the file.
need_knob() {
	local d
	d=$(find "/sys/fs/cgroup/$1" -maxdepth 0 2>/dev/null) || true
	[ -n "$d" ] || skip "the $1 controller is not mounted"
	[ -e "/sys/fs/cgroup/$1/$2" ] || [ -n "$(find "/sys/fs/cgroup/$1" -maxdepth 3 -name "$2" -print -quit)" ] ||
		skip "$2 is not available on this kernel"
}

# set_resources JSON: linux.resources (devices kept).
set_resources() {
	update_config '.linux.resources += $r' --argjson r "$1"
}

# no_cgroup_left: nothing named after the container under /sys/fs/cgroup.
no_cgroup_left() {
	local left
	left=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "$CID" 2>/dev/null)
	[ -z "$left" ] || fail "cgroups left: $left"
}

saved_resources() { jq -c "${1:-.}" <<<"$(jq '.linux.resources' "$ROOT/$CID/config.json")"; }

@test "cgroup resources: memory limit, reservation, swap, swappiness, OOM killer" {
	local swap=true
	[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || swap=false
	set_resources '{"memory":{"limit":67108864,"reservation":33554432,"swappiness":10,"disableOOMKiller":true,"kernel":1048576,"kernelTCP":1048576}}'
	$swap && set_resources '{"memory":{"limit":67108864,"reservation":33554432,"swap":134217728,"swappiness":10,"disableOOMKiller":true}}'
	set_args sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; sleep 100'
	run_detached
	assert_equal "$(cg_read memory memory.limit_in_bytes)" 67108864
	assert_equal "$(cg_read memory memory.soft_limit_in_bytes)" 33554432
	assert_equal "$(cg_read memory memory.swappiness)" 10
	grep -qx 'oom_kill_disable 1' "$(cg_dir memory)/memory.oom_control"
	if $swap; then
		assert_equal "$(cg_read memory memory.memsw.limit_in_bytes)" 134217728
	else
		echo "# memory.memsw.limit_in_bytes missing (no swap accounting): swap not checked" >&3
	fi
	# inside: the container's own memory cgroup is its /sys/fs/cgroup/memory
	wait_file "$(ct_log)"
	for _ in $(seq 50); do [ -s "$(ct_log)" ] && break; sleep 0.1; done
	grep -qx 67108864 "$(ct_log)"
	dir=$(cg_dir memory)
	runtime delete -f "$CID"
	[ ! -d "$dir" ]
	no_cgroup_left
}

@test "cgroup resources: memory.swap without swap accounting is an error naming the field" {
	[ ! -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || skip "this kernel accounts swap"
	set_resources '{"memory":{"limit":67108864,"swap":134217728}}'
	set_args true
	run runtime run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains "linux.resources.memory.swap"
	assert_nothing_left
}

@test "cgroup resources: cpu shares, period before quota, burst, idle, cpuset" {
	set_resources '{"cpu":{"shares":512,"quota":20000,"period":50000,"cpus":"0","mems":"0"}}'
	[ -e /sys/fs/cgroup/cpu/cpu.cfs_burst_us ] && set_resources '{"cpu":{"shares":512,"quota":20000,"period":50000,"cpus":"0","mems":"0","burst":5000}}'
	[ -e /sys/fs/cgroup/cpu/cpu.idle ] && update_config '.linux.resources.cpu.idle = 0'
	set_args sh -c 'cat /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpuset/cpuset.cpus; sleep 100'
	run_detached
	assert_equal "$(cg_read cpu cpu.shares)" 512
	assert_equal "$(cg_read cpu cpu.cfs_quota_us)" 20000
	assert_equal "$(cg_read cpu cpu.cfs_period_us)" 50000
	assert_equal "$(cg_read cpuset cpuset.cpus)" 0
	assert_equal "$(cg_read cpuset cpuset.mems)" 0
	if [ -e /sys/fs/cgroup/cpu/cpu.cfs_burst_us ]; then
		assert_equal "$(cg_read cpu cpu.cfs_burst_us)" 5000
	else
		echo "# cpu.cfs_burst_us missing: burst not checked" >&3
	fi
	[ ! -e /sys/fs/cgroup/cpu/cpu.idle ] || assert_equal "$(cg_read cpu cpu.idle)" 0
	for _ in $(seq 50); do [ "$(wc -l <"$(ct_log)")" -ge 2 ] && break; sleep 0.1; done
	assert_equal "$(cat "$(ct_log)")" "512
0"
	runtime delete -f "$CID"
	no_cgroup_left
}

@test "cgroup resources: cpu realtime runtime and period" {
	need_knob cpu cpu.rt_runtime_us
	set_resources '{"cpu":{"realtimePeriod":1000000,"realtimeRuntime":0}}'
	set_args sleep 100
	run_detached
	assert_equal "$(cg_read cpu cpu.rt_period_us)" 1000000
	runtime delete -f "$CID"
	# a runtime the parent cannot give is refused, naming the field
	set_resources '{"cpu":{"realtimeRuntime":999999999}}'
	run runtime run -d -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains "linux.resources.cpu.realtimeRuntime"
	assert_nothing_left
}

@test "cgroup resources: pids.limit, and -1 is max" {
	set_resources '{"pids":{"limit":42}}'
	set_args sh -c 'cat /sys/fs/cgroup/pids/pids.max; sleep 100'
	run_detached
	assert_equal "$(cg_read pids pids.max)" 42
	for _ in $(seq 50); do [ -s "$(ct_log)" ] && break; sleep 0.1; done
	grep -qx 42 "$(ct_log)"
	runtime delete -f "$CID"
	set_resources '{"pids":{"limit":-1}}'
	set_args sleep 100
	run_detached
	assert_equal "$(cg_read pids pids.max)" max
	runtime delete -f "$CID"
	no_cgroup_left
}

@test "cgroup resources: pids.limit stops a fork bomb" {
	set_resources '{"pids":{"limit":5}}'
	set_args sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 10 & done; wait'
	run run_ct
	# sh reports the failed forks; the container still exits
	assert_output_contains "fork"
}

@test "cgroup resources: blockIO weight and throttling" {
	local dev
	dev=$(cat /sys/block/vda/dev 2>/dev/null || cat /sys/block/loop0/dev 2>/dev/null) ||
		skip "no block device to throttle"
	local maj=${dev%:*} min=${dev#*:}
	set_resources "$(jq -nc --argjson a "$maj" --argjson b "$min" \
		'{"blockIO":{"throttleReadBpsDevice":[{"major":$a,"minor":$b,"rate":1048576}],
		  "throttleWriteIOPSDevice":[{"major":$a,"minor":$b,"rate":100}]}}')"
	local wf=
	if [ -n "$(find /sys/fs/cgroup/blkio -maxdepth 2 -name blkio.weight -print -quit)" ]; then wf=blkio.weight
	elif [ -n "$(find /sys/fs/cgroup/blkio -maxdepth 2 -name blkio.bfq.weight -print -quit)" ]; then wf=blkio.bfq.weight
	fi
	[ -z "$wf" ] || update_config '.linux.resources.blockIO.weight = 300'
	set_args sleep 100
	run_detached
	grep -qx "$dev 1048576" "$(cg_dir blkio)/blkio.throttle.read_bps_device"
	grep -qx "$dev 100" "$(cg_dir blkio)/blkio.throttle.write_iops_device"
	if [ -n "$wf" ]; then
		cg_read blkio "$wf" | grep -qw 300
	else
		echo "# no blkio.weight or blkio.bfq.weight: weight not checked" >&3
	fi
	runtime delete -f "$CID"
	no_cgroup_left
}

@test "cgroup resources: hugetlb, net_cls, net_prio, rdma where mounted; an error naming the field where not" {
	local f res ctrl file
	for f in 'hugetlb|{"hugepageLimits":[{"pageSize":"2MB","limit":2097152}]}|hugetlb.2MB.limit_in_bytes|2097152' \
		'net_cls|{"network":{"classID":1048577}}|net_cls.classid|1048577' \
		'net_prio|{"network":{"priorities":[{"name":"lo","priority":5}]}}|net_prio.ifpriomap|lo 5' \
		'rdma|{"rdma":{"mlx5_0":{"hcaHandles":3}}}|rdma.max|'; do
		IFS='|' read -r ctrl res file want <<<"$f"
		update_config '.linux.resources = {"devices":[{"allow":false,"access":"rwm"}]} + $r' --argjson r "$res"
		set_args sleep 100
		if ! grep -qw "$ctrl" <(awk '$9 == "cgroup" { print $NF }' /proc/self/mountinfo); then
			echo "# the $ctrl controller is not mounted: checking the error only" >&3
			run runtime run -d -b "$BUNDLE" "$CID"
			assert_failure
			assert_output_contains "linux.resources." "the $ctrl cgroup controller is not mounted"
			assert_nothing_left
			continue
		fi
		[ "$ctrl" != rdma ] || { echo "# rdma: no RDMA device to test with" >&3; continue; }
		if [ "$ctrl" = hugetlb ] && [ ! -e /sys/fs/cgroup/hugetlb/hugetlb.2MB.limit_in_bytes ]; then
			echo "# no 2MB huge pages" >&3
			continue
		fi
		run_detached
		grep -qF "$want" "$(cg_dir "$ctrl")/$file"
		runtime delete -f "$CID"
	done
	no_cgroup_left
}

@test "cgroup resources: unified on a cgroup v1 host is refused as runc does" {
	[ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] || skip "a cgroup v2 host"
	set_resources '{"unified":{"memory.high":"1000000"}}'
	set_args true
	run runtime run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains "cannot use unified on cgroup v1"
	assert_nothing_left
}

@test "cgroup resources: a write the kernel refuses names the field and the file" {
	set_resources '{"cpu":{"shares":1}}'
	set_args true
	run runtime run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains "linux.resources.cpu.shares" "minimum allowed cpu-shares is 2"
	set_resources '{"memory":{"swappiness":101}}'
	run runtime run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains "linux.resources.memory.swappiness"
	assert_nothing_left
}

@test "update: flags reach the cgroup files and the saved config" {
	set_resources '{"memory":{"limit":67108864},"cpu":{"shares":512},"pids":{"limit":100}}'
	set_args sleep 100
	run_detached
	runtime update --memory 100m --memory-reservation 50M --cpu-share 300 --cpu-period 200000 \
		--cpu-quota 100000 --pids-limit 50 --cpuset-cpus 0 --cpuset-mems 0 "$CID"
	assert_equal "$(cg_read memory memory.limit_in_bytes)" 104857600
	assert_equal "$(cg_read memory memory.soft_limit_in_bytes)" 52428800
	assert_equal "$(cg_read cpu cpu.shares)" 300
	assert_equal "$(cg_read cpu cpu.cfs_period_us)" 200000
	assert_equal "$(cg_read cpu cpu.cfs_quota_us)" 100000
	assert_equal "$(cg_read pids pids.max)" 50
	assert_equal "$(cg_read cpuset cpuset.cpus)" 0
	assert_equal "$(saved_resources '[.memory.limit, .memory.reservation, .cpu.shares, .cpu.period, .cpu.quota, .pids.limit, .cpu.cpus]')" \
		'[104857600,52428800,300,200000,100000,50,"0"]'
	# what was not given stays, in the file and in the saved config
	runtime update --pids-limit -1 "$CID"
	assert_equal "$(cg_read pids pids.max)" max
	assert_equal "$(cg_read cpu cpu.shares)" 300
	assert_equal "$(saved_resources '.cpu.shares')" 300
	# the saved config still parses: state and delete work
	[ "$(ct_status)" = running ]
	runtime delete -f "$CID"
	no_cgroup_left
}

@test "update: memory and swap are written in the order the kernel accepts" {
	[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || skip "no swap accounting (memory.memsw.limit_in_bytes)"
	set_resources '{"memory":{"limit":67108864,"swap":67108864}}'
	set_args sleep 100
	run_detached
	runtime update --memory 200m --memory-swap 300m "$CID"
	assert_equal "$(cg_read memory memory.limit_in_bytes)" 209715200
	assert_equal "$(cg_read memory memory.memsw.limit_in_bytes)" 314572800
	runtime update --memory 32m --memory-swap 64m "$CID"
	assert_equal "$(cg_read memory memory.limit_in_bytes)" 33554432
	assert_equal "$(cg_read memory memory.memsw.limit_in_bytes)" 67108864
	# swap below the limit: the kernel's error, and nothing changed
	run runtime update --memory-swap 16m "$CID"
	assert_failure
	assert_output_contains "linux.resources.memory.swap" "memory.memsw.limit_in_bytes"
	assert_equal "$(saved_resources '.memory.swap')" 67108864
	assert_equal "$(cg_read memory memory.memsw.limit_in_bytes)" 67108864
}

@test "update: --memory -1 on a memory+swap limit makes both unlimited, as runc" {
	[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || skip "no swap accounting (memory.memsw.limit_in_bytes)"
	set_resources '{"memory":{"limit":67108864,"swap":134217728}}'
	set_args sleep 100
	run_detached
	runtime update --memory -1 "$CID"
	max=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)
	assert_equal "$(cg_read memory memory.limit_in_bytes)" "$max"
	assert_equal "$(cg_read memory memory.memsw.limit_in_bytes)" "$max"
	# limits again, then the same from a resources file
	runtime update --memory 64m --memory-swap 128m "$CID"
	assert_equal "$(cg_read memory memory.memsw.limit_in_bytes)" 134217728
	echo '{"memory":{"limit":-1}}' | runtime update -r - "$CID"
	assert_equal "$(cg_read memory memory.limit_in_bytes)" "$max"
	assert_equal "$(cg_read memory memory.memsw.limit_in_bytes)" "$max"
	# an explicit swap stays what it says
	runtime update --memory 64m --memory-swap 128m "$CID"
	runtime update --memory -1 --memory-swap -1 "$CID"
	assert_equal "$(cg_read memory memory.memsw.limit_in_bytes)" "$max"
}

@test "update: -r resources.json and -r - (stdin); other flags are then ignored" {
	set_args sleep 100
	run_detached
	echo '{"memory":{"limit":83886080},"cpu":{"shares":700},"pids":{"limit":77}}' >"$TEST_DIR/res.json"
	runtime update -r "$TEST_DIR/res.json" --pids-limit 5 "$CID"
	assert_equal "$(cg_read memory memory.limit_in_bytes)" 83886080
	assert_equal "$(cg_read cpu cpu.shares)" 700
	assert_equal "$(cg_read pids pids.max)" 77
	echo '{"pids":{"limit":88}}' | runtime update -r - "$CID"
	assert_equal "$(cg_read pids pids.max)" 88
	assert_equal "$(saved_resources '[.memory.limit, .cpu.shares, .pids.limit]')" '[83886080,700,88]'
	# a bad value names its path and changes nothing
	echo '{"pids":{"limit":"many"}}' >"$TEST_DIR/bad.json"
	run runtime update -r "$TEST_DIR/bad.json" "$CID"
	assert_failure
	assert_output_contains "linux.resources.pids.limit"
	assert_equal "$(cg_read pids pids.max)" 88
}

@test "update: errors as runc words them" {
	set_args sleep 100
	run_detached
	run runtime update --memory abc "$CID"
	assert_failure
	assert_output_contains "invalid value for memory: invalid size: 'abc'"
	run runtime update --cpu-period abc "$CID"
	assert_failure
	assert_output_contains 'invalid value for cpu-period: strconv.ParseUint: parsing \"abc\": invalid syntax'
	run runtime update --cpu-quota x "$CID"
	assert_failure
	assert_output_contains 'strconv.ParseInt: parsing \"x\": invalid syntax'
	run runtime update --pids-limit x "$CID"
	assert_failure
	assert_output_contains "Incorrect Usage: invalid value \"x\" for flag -pids-limit: parse error"
	run runtime update --l3-cache-schema L3:0=f "$CID"
	assert_failure
	assert_output_contains "Intel RDT/CAT: l3 cache schema is not enabled"
	run runtime update --kernel-memory 10m "$CID"
	assert_success
	run runtime update --cpu-share 1 "$CID"
	assert_failure
	assert_output_contains "the minimum allowed cpu-shares is 2"
	run runtime update --memory 10m nosuch
	assert_failure
	assert_output_contains "container does not exist"
	runtime kill "$CID" KILL
	wait_status "$CID" stopped
	run runtime update --memory 10m "$CID"
	assert_failure
	assert_output_contains "container not running"
}

@test "update: --cpu-burst and --cpu-idle" {
	set_args sleep 100
	run_detached
	if [ -e "$(cg_dir cpu)/cpu.cfs_burst_us" ]; then
		runtime update --cpu-period 100000 --cpu-quota 50000 --cpu-burst 20000 "$CID"
		assert_equal "$(cg_read cpu cpu.cfs_burst_us)" 20000
		assert_equal "$(saved_resources '.cpu.burst')" 20000
	else
		echo "# cpu.cfs_burst_us missing: --cpu-burst not checked" >&3
	fi
	if [ -e "$(cg_dir cpu)/cpu.idle" ]; then
		runtime update --cpu-idle 1 "$CID"
		assert_equal "$(cg_read cpu cpu.idle)" 1
		runtime update --cpu-idle 0 "$CID"
		assert_equal "$(cg_read cpu cpu.idle)" 0
	else
		echo "# cpu.idle missing: --cpu-idle not checked" >&3
	fi
}

@test "pause and resume: freezer, /proc status, state and list" {
	set_args sh -c 'while :; do sleep 0.05; done'
	run_detached
	pid=$(ct_pid)
	runtime pause "$CID"
	assert_equal "$(cg_read freezer freezer.state)" FROZEN
	assert_equal "$(ct_status)" paused
	runtime list | grep -E "^$CID +$pid +paused "
	runtime list -f json | jq -e --arg id "$CID" '.[] | select(.id == $id) | .status == "paused"'
	grep -q '^State:.*S (sleeping)\|^State:.*D' "/proc/$pid/status"
	run runtime pause "$CID"
	assert_failure
	assert_output_contains "container not running"
	runtime resume "$CID"
	assert_equal "$(cg_read freezer freezer.state)" THAWED
	assert_equal "$(ct_status)" running
	run runtime resume "$CID"
	assert_failure
	assert_output_contains "container not paused"
	runtime delete -f "$CID"
	no_cgroup_left
}

@test "pause: a created container can be paused; stopped ones cannot" {
	set_args true
	create_ct
	runtime pause "$CID"
	assert_equal "$(ct_status)" paused
	runtime resume "$CID"
	assert_equal "$(ct_status)" created
	runtime start "$CID"
	wait_status "$CID" stopped
	run runtime pause "$CID"
	assert_failure
	assert_output_contains "container not running"
	run runtime resume "$CID"
	assert_failure
	assert_output_contains "container not paused"
	runtime delete "$CID"
	run runtime pause nosuch
	assert_failure
	assert_output_contains "container does not exist"
}

@test "pause: delete -f of a paused container kills and removes it" {
	set_args sleep 100
	run_detached
	pid=$(ct_pid)
	runtime pause "$CID"
	run runtime delete "$CID"
	assert_failure
	assert_output_contains "is not stopped: paused"
	runtime delete -f "$CID"
	wait_gone "$pid"
	[ -z "$(ls -A "$ROOT")" ]
	no_cgroup_left
}

@test "pause: kill KILL of a paused container ends it, as runc" {
	set_args sleep 100
	run_detached
	pid=$(ct_pid)
	runtime pause "$CID"
	runtime kill "$CID" KILL
	wait_gone "$pid"
	wait_status "$CID" stopped
	runtime delete "$CID"
	no_cgroup_left
}

@test "pause: kill -a of a paused container signals everything and thaws, as runc" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'sleep 100 & sleep 100'
	run_detached
	pid=$(ct_pid)
	runtime pause "$CID"
	runtime kill -a "$CID" KILL
	wait_gone "$pid"
	wait_status "$CID" stopped
	assert_equal "$(cg_read freezer freezer.state 2>/dev/null || echo THAWED)" THAWED
	runtime delete "$CID"
	no_cgroup_left
}

@test "events --stats: one JSON object with runc's names and the cgroup's values" {
	set_resources '{"memory":{"limit":67108864},"pids":{"limit":64}}'
	set_args sh -c 'sleep 100 & sleep 100'
	run_detached
	run runtime events --stats "$CID"
	assert_success
	[ "$(echo "$output" | wc -l)" -eq 1 ]
	echo "$output" | jq -e --arg id "$CID" '.type == "stats" and .id == $id and
		(.data | has("cpu") and has("cpuset") and has("memory") and has("pids") and has("blkio") and has("hugetlb") and has("intel_rdt"))'
	echo "$output" | jq -e '.data.memory.usage.limit == 67108864 and (.data.memory.usage | has("failcnt"))'
	echo "$output" | jq -e '.data.pids.limit == 64 and .data.pids.current >= 2'
	echo "$output" | jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage.percpu | length) > 0'
	echo "$output" | jq -e '.data.memory.raw | has("rss") and has("cache")'
	local cur
	cur=$(cg_read pids pids.current)
	echo "$output" | jq -e --argjson c "$cur" '.data.pids.current == $c'
	runtime kill "$CID" KILL
	wait_status "$CID" stopped
	run runtime events --stats "$CID"
	assert_failure
	assert_output_contains "container with id $CID is not running"
}

@test "events --interval: stats every interval until the container stops" {
	set_args sleep 2
	run_detached
	run timeout 20 "$RUNTIME" --root "$ROOT" events --interval 300ms "$CID"
	assert_success
	n=$(echo "$output" | grep -c '"type":"stats"')
	[ "$n" -ge 3 ] || fail "$n stats events: $output"
	run runtime events --interval 0 "$CID"
	assert_failure
	run runtime events --interval abc "$CID"
	assert_failure
	assert_output_contains 'invalid value "abc" for flag -interval: parse error'
}

@test "events: an oom event when the container outgrows its memory limit" {
	set_resources '{"memory":{"limit":16777216}}'
	[ ! -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] ||
		update_config '.linux.resources.memory.swap = 16777216'
	set_args sh -c 'sleep 1; x=a; while :; do x=$x$x; done'
	run_detached
	run timeout 20 "$RUNTIME" --root "$ROOT" events --interval 10s "$CID"
	assert_success
	echo "$output" | grep -qx "{\"type\":\"oom\",\"id\":\"$CID\"}" || fail "no oom event: $output"
	assert_equal "$(ct_status)" stopped
	runtime delete "$CID"
	no_cgroup_left
}

# own_cgroup NAME: NAME made by the test in every v1 hierarchy (and the
# hybrid cgroup2 mount), removed at teardown; its path for cgroupsPath.
own_cgroup() {
	local d
	for d in /sys/fs/cgroup/*/; do
		[ -e "$d/cgroup.procs" ] || continue
		mkdir -p "$d$1"
		if [ -e "$d$1/cpuset.cpus" ]; then
			cat "$d/cpuset.cpus" >"$d$1/cpuset.cpus"
			cat "$d/cpuset.mems" >"$d$1/cpuset.mems"
		fi
	done
	TEARDOWN_EXTRA='for d in /sys/fs/cgroup/*/'"$1"'; do [ ! -e "$d/freezer.state" ] || echo THAWED >"$d/freezer.state"; for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p"; done; done; sleep 0.2; rmdir /sys/fs/cgroup/*/'"$1"' 2>/dev/null || true'
}

@test "cgroups: a cgroupsPath that holds processes: runc's warning, the container runs, others live on" {
	[ -d /sys/fs/cgroup/freezer ] || skip "needs cgroup v1"
	own_cgroup "ct$TAG-busy"
	# a process of someone else's in that cgroup
	sleep 100 </dev/null >/dev/null 2>&1 3>&- &
	other=$!
	for d in /sys/fs/cgroup/*/"ct$TAG-busy"; do echo "$other" >"$d/cgroup.procs"; done
	update_config '.linux.cgroupsPath = $p' --arg p "/ct$TAG-busy"
	set_args sleep 100
	runtime --log "$TEST_DIR/log" --log-format json run -d -b "$BUNDLE" "$CID" \
		</dev/null >"$(ct_log)" 2>&1 3>&- || fail "run -d: $(cat "$(ct_log)")"
	jq -se 'any(.[]; .level == "warning" and .msg == "container'"'"'s cgroup is not empty: 1 process(es) found")' \
		"$TEST_DIR/log" >/dev/null || fail "no warning: $(cat "$TEST_DIR/log")"
	assert_equal "$(ct_status)" running
	# delete -f ends the container's processes, not the cgroup's others
	runtime delete -f "$CID"
	alive "$other" || fail "delete -f killed a process that was not the container's"
	kill "$other"
}

@test "cgroups: a foreground run in a cgroup others stay in ends at once, the busy cgroup an error (as runc)" {
	[ -d /sys/fs/cgroup/freezer ] || skip "needs cgroup v1"
	own_cgroup "ct$TAG-stay"
	sleep 100 </dev/null >/dev/null 2>&1 3>&- &
	other=$!
	echo "$other" >"/sys/fs/cgroup/memory/ct$TAG-stay/cgroup.procs"
	update_config '.linux.cgroupsPath = $p' --arg p "/ct$TAG-stay"
	set_args true
	local t0=$SECONDS
	run run_ct
	# runc: exit 0, "level=error" naming the busy cgroup, after ~0.3 s
	assert_success
	assert_output_contains "level=error"
	[[ ${output,,} == *"device or resource busy"* ]] || fail "no EBUSY: $output"
	[ $((SECONDS - t0)) -le 3 ] || fail "took $((SECONDS - t0)) s: it waited for a process that stays"
	alive "$other" || fail "the other process was killed"
	[ -z "$(ls -A "$ROOT")" ] || fail "state left: $(ls "$ROOT")"
	kill "$other"
}

@test "cgroups: a frozen cgroupsPath is refused at once, as runc" {
	[ -d /sys/fs/cgroup/freezer ] || skip "needs cgroup v1"
	own_cgroup "ct$TAG-frozen"
	echo FROZEN >"/sys/fs/cgroup/freezer/ct$TAG-frozen/freezer.state"
	update_config '.linux.cgroupsPath = $p' --arg p "/ct$TAG-frozen"
	# a file, not bats' pipe: an init frozen there would hold it open
	RUNTIME_TIMEOUT=10
	runtime create -b "$BUNDLE" "$CID" </dev/null >"$(ct_log)" 2>&1 3>&- && fail "create succeeded"
	output=$(cat "$(ct_log)")
	assert_output_contains "container's cgroup unexpectedly frozen"
	assert_nothing_left
	# the cgroup was there before: left alone, still frozen
	assert_equal "$(cat "/sys/fs/cgroup/freezer/ct$TAG-frozen/freezer.state")" FROZEN
}

@test "cgroup devices: access strings as runc takes them (order, repeats, other letters; empty refused)" {
	[ -e /sys/fs/cgroup/devices/devices.list ] || skip "needs the cgroup v1 devices controller"
	set_args sleep 100
	local acc want
	for acc in wr:rw rwa:rw rrw:rw "r w:rw" rx:r mm:m mwr:rwm rwmrwm:rwm; do
		want=${acc##*:}
		acc=${acc%:*}
		update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"},
			{"allow": true, "type": "c", "major": 1, "minor": 1, "access": $a}]' --arg a "$acc"
		run_detached || fail "access \"$acc\" refused"
		assert_equal "$(grep '^c 1:1 ' "$(cg_dir devices)/devices.list")" "c 1:1 $want"
		runtime delete -f "$CID"
	done
	update_config '.linux.resources.devices[1].access = ""'
	run runtime run -d -b "$BUNDLE" "$CID" </dev/null
	assert_failure
	assert_output_contains "device access at 1 field cannot be empty"
	update_config 'del(.linux.resources.devices[1].access)'
	run runtime run -d -b "$BUNDLE" "$CID" </dev/null
	assert_failure
	assert_output_contains "device access at 1 field cannot be empty"
	assert_nothing_left
}
