#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# cgroup v2 (unified) driver: placement, every resource read back from the
# v2 files (from the host and from inside the container), the eBPF device
# filter, pause/resume, kill -a, update, events --stats and OOM events.
# Runs only on a cgroup v2 host: test/guest/run.sh boots one.

load helpers

setup_file() {
	if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
		export V2_SKIP="the host is not cgroup v2 (unified); test/guest/run.sh runs these in a guest"
	fi
}

# helpers.bash's setup, run once the host is known to be v2
eval "helpers_setup() $(declare -f setup | tail -n +2)"
setup() {
	[ -z "${V2_SKIP:-}" ] || skip "$V2_SKIP"
	helpers_setup
}

# cg2 [PID]: the host directory of PID's (default: the container's) cgroup.
cg2() {
	local pid=${1:-$(ct_pid)}
	echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")"
}

cg2_read() { cat "$(cg2)/$1"; }

set_resources() {
	update_config '.linux.resources += $r' --argjson r "$1"
}

no_cgroup_left() {
	local left
	left=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "$CID" 2>/dev/null)
	[ -z "$left" ] || fail "cgroups left: $left"
}

# ct_out TEXT: waits up to 10 s for the container's output to hold TEXT.
ct_out() {
	for _ in $(seq 100); do grep -qF -- "$1" "$(ct_log)" && return 0; sleep 0.1; done
	fail "container output lacks \"$1\": $(cat "$(ct_log)")"
}

@test "v2: the init is born in <parent of our cgroup>/<id>; removed on delete" {
	set_args sleep 100
	runtime --debug --log "$TEST_DIR/debug.log" run -d -b "$BUNDLE" "$CID" \
		>"$(ct_log)" 2>&1 </dev/null 3>&-
	# born there: the parent never had to move it
	! grep -q "CLONE_INTO_CGROUP" "$TEST_DIR/debug.log" || fail "$(cat "$TEST_DIR/debug.log")"
	local own parent
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	parent=$(dirname "$own")
	[ "$parent" != / ] || parent=
	assert_equal "$(cat "/proc/$(ct_pid)/cgroup")" "0::$parent/$CID"
	grep -qx "$(ct_pid)" "$(cg2)/cgroup.procs"
	dir=$(cg2)
	runtime delete -f "$CID"
	[ ! -d "$dir" ]
	no_cgroup_left
}

@test "v2: an absolute cgroupsPath is taken as is; nested parents removed" {
	update_config '.linux.cgroupsPath = $p' --arg p "/corun-abs-$TAG/sub/$CID"
	set_args sleep 100
	run_detached
	assert_equal "$(cat "/proc/$(ct_pid)/cgroup")" "0::/corun-abs-$TAG/sub/$CID"
	# the controllers the limits need reach the container's parent
	grep -qw memory "/sys/fs/cgroup/corun-abs-$TAG/sub/cgroup.subtree_control"
	runtime delete -f "$CID"
	[ ! -d "/sys/fs/cgroup/corun-abs-$TAG" ]
}

@test "v2: memory, cpu, cpuset, pids, io and unified read back from the v2 files" {
	local res
	res='{"memory":{"limit":67108864,"reservation":33554432,"swap":134217728},
		"cpu":{"shares":1024,"quota":50000,"period":100000,"burst":10000,"cpus":"0","mems":"0"},
		"pids":{"limit":42},"blockIO":{"weight":500},
		"unified":{"memory.high":"60000000","pids.max":"43"}}'
	set_resources "$res"
	set_args sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max /proc/self/cgroup; sleep 100'
	run_detached
	assert_equal "$(cg2_read memory.max)" 67108864
	assert_equal "$(cg2_read memory.low)" 33554432
	if [ -e "$(cg2)/memory.swap.max" ]; then
		assert_equal "$(cg2_read memory.swap.max)" 67108864 # memsw - limit
	fi
	assert_equal "$(cg2_read cpu.weight)" 39 # 1 + (1024 - 2) * 9999 / 262142
	assert_equal "$(cg2_read cpu.max)" "50000 100000"
	assert_equal "$(cg2_read cpu.max.burst)" 10000
	assert_equal "$(cg2_read cpuset.cpus)" 0
	assert_equal "$(cg2_read cpuset.mems)" 0
	# unified wins over the classic field it overlaps
	assert_equal "$(cg2_read pids.max)" 43
	assert_equal "$(cg2_read memory.high)" 59998208 # rounded down to pages
	if [ -e "$(cg2)/io.bfq.weight" ]; then
		# BFQ loaded: the weight goes there as is, as runc puts it
		assert_equal "$(cg2_read io.bfq.weight)" "default 500"
	elif [ -e "$(cg2)/io.weight" ]; then
		assert_equal "$(cg2_read io.weight)" "default 4950"
	else
		echo "# io.weight missing (no io controller weight on this kernel)" >&3
	fi
	# inside: the container's /sys/fs/cgroup is its own cgroup
	ct_out 67108864
	ct_out "50000 100000"
	ct_out "0::/"
	runtime delete -f "$CID"
	no_cgroup_left
}

@test "v2: a unified key without its file is an error naming it; nothing left" {
	set_resources '{"unified":{"no.such_file":"1"}}'
	set_args true
	run runtime run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains 'linux.resources.unified[' 'no.such_file' "does not exist"
	assert_nothing_left
	no_cgroup_left
}

@test "v2: realtime cpu fields are refused on v2" {
	set_resources '{"cpu":{"realtimeRuntime":1000}}'
	set_args true
	run runtime run -b "$BUNDLE" "$CID"
	assert_failure
	assert_output_contains "linux.resources.cpu.realtimeRuntime"
	no_cgroup_left
}

@test "v2: the eBPF device filter: a device not allowed cannot be opened" {
	local disk maj min
	disk=$(awk '$2 == "/" { print $1 }' /proc/self/mounts | head -n 1)
	[ -b "$disk" ] || disk=$(ls /dev/vda /dev/sda 2>/dev/null | head -n 1)
	[ -b "$disk" ] || skip "no block device to test with"
	maj=$((0x$(stat -c %t "$disk"))) min=$((0x$(stat -c %T "$disk")))
	update_config '.linux.devices = [
		{"path":"/dev/xmem","type":"c","major":1,"minor":1},
		{"path":"/dev/xdisk","type":"b","major":$maj,"minor":$min}]' \
		--argjson maj "$maj" --argjson min "$min"
	set_resources "$(jq -nc --argjson maj "$maj" --argjson min "$min" \
		'{devices:[{allow:false,access:"rwm"},{allow:true,type:"b",major:$maj,minor:$min,access:"r"}]}')"
	# shellcheck disable=SC2016
	set_args sh -c 'head -c1 /dev/xmem; echo "mem=$?"; echo "disk=$(head -c1 /dev/xdisk | wc -c)"
		true >/dev/xdisk; echo "diskw=$?"; echo "zero=$(head -c1 /dev/zero | wc -c)"'
	run run_ct
	assert_success
	# shellcheck disable=SC2154
	assert_output_contains "mem=1" "disk=1" "diskw=1" "zero=1" "Operation not permitted"
	[ "$(grep -c "Operation not permitted" <<<"$output")" -eq 2 ] || fail "$output"
	no_cgroup_left
}

@test "v2: pause and resume through cgroup.freeze" {
	set_args sleep 100
	run_detached
	local dir
	dir=$(cg2)
	runtime pause "$CID"
	assert_equal "$(ct_status)" paused
	assert_equal "$(cat "$dir/cgroup.freeze")" 1
	grep -qx 'frozen 1' "$dir/cgroup.events"
	[ "$(runtime list -f json | jq -r --arg id "$CID" '.[] | select(.id == $id) | .status')" = paused ]
	runtime resume "$CID"
	assert_equal "$(ct_status)" running
	assert_equal "$(cat "$dir/cgroup.freeze")" 0
	grep -qx 'frozen 0' "$dir/cgroup.events"
	# delete -f of a paused container
	runtime pause "$CID"
	runtime delete -f "$CID"
	[ ! -d "$dir" ]
}

@test "v2: kill -a and delete -f end every process of the cgroup (cgroup.kill)" {
	set_args sh -c 'sleep 100 & sleep 100 & sleep 100'
	run_detached
	local dir
	dir=$(cg2)
	for _ in $(seq 50); do [ "$(wc -l <"$dir/cgroup.procs")" -ge 3 ] && break; sleep 0.1; done
	[ "$(wc -l <"$dir/cgroup.procs")" -ge 3 ]
	runtime kill -a "$CID" KILL
	for _ in $(seq 100); do [ -z "$(cat "$dir/cgroup.procs")" ] && break; sleep 0.1; done
	assert_equal "$(cat "$dir/cgroup.procs")" ""
	wait_status "$CID" stopped
	runtime delete "$CID"
	[ ! -d "$dir" ]

	# delete -f of a created container, whose init sits in the cgroup
	set_args sleep 100
	create_ct
	dir=$(cg2)
	runtime delete -f "$CID"
	[ ! -d "$dir" ]
	no_cgroup_left
}

@test "v2: update round trip (flags and -r)" {
	set_resources '{"memory":{"limit":67108864},"pids":{"limit":10}}'
	set_args sleep 100
	run_detached
	runtime update --memory 100m --cpu-share 512 --cpu-quota 20000 --cpu-period 100000 \
		--pids-limit 20 --cpuset-cpus 0 "$CID"
	assert_equal "$(cg2_read memory.max)" 104857600
	assert_equal "$(cg2_read cpu.weight)" 20 # 1 + 510 * 9999 / 262142
	assert_equal "$(cg2_read cpu.max)" "20000 100000"
	assert_equal "$(cg2_read pids.max)" 20
	# a period alone keeps the quota
	runtime update --cpu-period 200000 "$CID"
	assert_equal "$(cg2_read cpu.max)" "20000 200000"
	echo '{"memory":{"limit":83886080},"pids":{"limit":-1}}' >"$TEST_DIR/r.json"
	runtime update -r "$TEST_DIR/r.json" "$CID"
	assert_equal "$(cg2_read memory.max)" 83886080
	assert_equal "$(cg2_read pids.max)" max
	assert_equal "$(jq -c '.linux.resources.memory.limit' "$ROOT/$CID/config.json")" 83886080
}

@test "v2: events --stats shows the cgroup's values" {
	set_resources '{"memory":{"limit":67108864},"pids":{"limit":30}}'
	set_args sh -c 'sleep 100 & sleep 100'
	run_detached
	local dir
	dir=$(cg2)
	for _ in $(seq 50); do [ "$(cat "$dir/pids.current")" -ge 3 ] && break; sleep 0.1; done
	run runtime events --stats "$CID"
	assert_success
	assert_equal "$(jq -r .type <<<"$output")" stats
	assert_equal "$(jq -r .data.pids.current <<<"$output")" "$(cat "$dir/pids.current")"
	assert_equal "$(jq -r .data.pids.limit <<<"$output")" 30
	assert_equal "$(jq -r .data.memory.usage.limit <<<"$output")" 67108864
	[ "$(jq -r .data.memory.usage.usage <<<"$output")" -gt 0 ]
	[ "$(jq -r .data.cpu.usage.total <<<"$output")" -gt 0 ]
	jq -e '.data.memory.raw.anon != null' <<<"$output" >/dev/null
}

@test "v2: an OOM in the container is an oom event (memory.events)" {
	# memsw == limit: no swap, so the allocation hits the limit at once
	set_resources '{"memory":{"limit":16777216,"swap":16777216}}'
	set_args sh -c 'sleep 2; tail /dev/zero; sleep 100'
	run_detached
	local dir
	dir=$(cg2)
	expect_oom_event
	[ "$(awk '$1 == "oom_kill" { print $2 }' "$dir/memory.events")" -ge 1 ]
}

@test "v2: update --memory -1 lifts the memory limit and the swap limit with it, as runc" {
	set_resources '{"memory":{"limit":67108864,"swap":134217728}}'
	set_args sleep 100
	run_detached
	runtime update --memory -1 "$CID"
	assert_equal "$(cg2_read memory.max)" max
	[ ! -e "$(cg2)/memory.swap.max" ] || assert_equal "$(cg2_read memory.swap.max)" max
	assert_equal "$(jq -c '.linux.resources.memory | [.limit, .swap]' "$ROOT/$CID/config.json")" "[-1,-1]"
	# a new limit alone leaves swap unlimited
	runtime update --memory 100m "$CID"
	assert_equal "$(cg2_read memory.max)" 104857600
	[ ! -e "$(cg2)/memory.swap.max" ] || assert_equal "$(cg2_read memory.swap.max)" max
	# -1 with a swap limit given is the same request as in runc: refused
	run runtime update --memory -1 --memory-swap 200m "$CID"
	assert_failure
	assert_equal "$(cg2_read memory.max)" 104857600
}

@test "v2: update --memory alone keeps memory.swap.max, as runc (test/compat cgroups/update/sequence)" {
	set_resources '{"memory":{"limit":67108864,"swap":134217728}}'
	set_args sleep 100
	run_detached
	[ -e "$(cg2)/memory.swap.max" ] || skip "no swap accounting in this kernel"
	assert_equal "$(cg2_read memory.swap.max)" 67108864
	# above the saved memory+swap: runc takes it, swap.max stays
	runtime update --memory 200m "$CID"
	assert_equal "$(cg2_read memory.max)" 209715200
	assert_equal "$(cg2_read memory.swap.max)" 67108864
	runtime update --memory 100m --memory-swap 200m "$CID"
	assert_equal "$(cg2_read memory.swap.max)" 104857600
	runtime update --memory 50m "$CID"
	assert_equal "$(cg2_read memory.max)" 52428800
	assert_equal "$(cg2_read memory.swap.max)" 104857600
	assert_equal "$(jq -c '.linux.resources.memory | [.limit, .swap]' "$ROOT/$CID/config.json")" \
		"[52428800,157286400]"
}

@test "v2: update -r reads the keys without regard to case, as runc (Go's JSON)" {
	[ "$(nproc)" -ge 2 ] || skip "one CPU: no other cpuset to move to"
	set_args sleep 100
	run_detached
	echo '{"CPU":{"Cpus":"1","MEMS":"0"},"Pids":{"Limit":33},"memory":{"LIMIT":67108864}}' |
		runtime update -r - "$CID"
	assert_equal "$(cg2_read cpuset.cpus)" 1
	assert_equal "$(cg2_read cpuset.mems)" 0
	assert_equal "$(cg2_read pids.max)" 33
	assert_equal "$(cg2_read memory.max)" 67108864
	assert_equal "$(jq -c '.linux.resources | [.cpu.cpus, .pids.limit]' "$ROOT/$CID/config.json")" '["1",33]'
}

# userns_cgroup_config [ro|nocgns]: a user namespace (root = host uid
# 100000) with a read-write cgroup mount and its own cgroup namespace.
userns_cgroup_config() {
	[ -f "$TEST_DIR/config.orig" ] || cp "$BUNDLE/config.json" "$TEST_DIR/config.orig"
	cp "$TEST_DIR/config.orig" "$BUNDLE/config.json"
	update_config '.linux.namespaces |= map(select(.type != "user" and .type != "cgroup")) |
		.linux.namespaces += [{"type": "user"}, {"type": "cgroup"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |= map(select(. != "ro"))'
	case ${1:-} in
	ro) update_config '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) += ["ro"]' ;;
	nocgns) update_config '.linux.namespaces |= map(select(.type != "cgroup"))' ;;
	esac
}

# owners: "FILE=UID" for the container's cgroup (the init's, or its
# parent when the init moved to "sub") and its files not owned by root.
owners() {
	local d f
	d=$(cg2)
	d=${d%/sub}
	echo ".=$(stat -c %u "$d")"
	for f in "$d"/*; do
		# its own sub-cgroups are the container's business
		[ -d "$f" ] || [ "$(stat -c %u "$f")" = 0 ] || echo "${f##*/}=$(stat -c %u "$f")"
	done
}

@test "v2: delegation: a user namespace with its own cgroupns and a rw cgroup mount owns its cgroup" {
	skip_if_runc "runc 1.1.5 hands the cgroup over with --systemd-cgroup only"
	userns_cgroup_config
	# as root of its user namespace, it makes a sub-cgroup and moves there
	set_args sh -c 'mkdir /sys/fs/cgroup/sub && echo $$ >/sys/fs/cgroup/sub/cgroup.procs &&
		cat /proc/self/cgroup; sleep 100'
	run_detached
	ct_out "0::/sub"
	local want=".=100000 cgroup.procs=100000 cgroup.subtree_control=100000 cgroup.threads=100000"
	# the other files of /sys/kernel/cgroup/delegate, where the cgroup has them
	for f in $(cat /sys/kernel/cgroup/delegate 2>/dev/null); do
		case $f in cgroup.procs | cgroup.subtree_control | cgroup.threads) ;;
		*) [ ! -e "$(dirname "$(cg2)")/$f" ] || want+=" $f=100000" ;;
		esac
	done
	# the limits stay root's
	assert_equal "$(owners | sort | tr '\n' ' ')" "$(tr ' ' '\n' <<<"$want" | sort | tr '\n' ' ')"
	runtime delete -f "$CID"
	no_cgroup_left
}

@test "v2: delegation: nothing handed over with a read-only cgroup mount or no cgroupns" {
	userns_cgroup_config ro
	set_args sleep 100
	run_detached
	assert_equal "$(owners)" ".=0"
	runtime delete -f "$CID"
	userns_cgroup_config nocgns
	run_detached
	assert_equal "$(owners)" ".=0"
	runtime delete -f "$CID"
}

@test "v2: spec gives a cgroup namespace, as runc's on v2; exec is at its root (0::/)" {
	runtime spec --rootless -b "$TEST_DIR"
	jq -e '.linux.namespaces | map(.type) | index("cgroup")' "$TEST_DIR/config.json" >/dev/null ||
		fail "no cgroup namespace in spec --rootless: $(jq -c .linux.namespaces "$TEST_DIR/config.json")"
	# the bundle's config is the runtime's spec
	jq -e '.linux.namespaces | map(.type) | index("cgroup")' "$BUNDLE/config.json" >/dev/null ||
		fail "no cgroup namespace in spec: $(jq -c .linux.namespaces "$BUNDLE/config.json")"
	set_args sleep 100
	run_detached
	[ "$(readlink "/proc/$(ct_pid)/ns/cgroup")" != "$(readlink /proc/self/ns/cgroup)" ] ||
		fail "the container shares our cgroup namespace"
	assert_equal "$(runtime exec "$CID" cat /proc/self/cgroup)" "0::/"
	runtime delete -f "$CID"
	# in a user namespace too
	userns_cgroup_config
	run_detached
	assert_equal "$(runtime exec "$CID" cat /proc/self/cgroup)" "0::/"
}

@test "v2: exec --cgroup takes a path alone; a controller prefix is unknown on v2, as runc" {
	set_args sleep 100
	run_detached
	mkdir "$(cg2)/sub"
	assert_equal "$(runtime exec --cgroup sub "$CID" cat /proc/self/cgroup)" "0::/sub"
	# runc: "unknown controller pids in SubCgroupPaths"; before, corun ran it in 0::/
	run runtime exec --cgroup pids:sub "$CID" sh -c 'echo ran'
	assert_status 255
	assert_output_contains "unknown controller pids"
	[[ $output != *ran* ]] || fail "the process ran: $output"
}

@test "v2: blockIO weights go to io.bfq.weight where BFQ is loaded, as runc" {
	local disk dev sched
	disk=$(awk '$2 == "/" { print $1 }' /proc/self/mounts | head -n 1)
	[ -b "$disk" ] || skip "no root block device to test with"
	sched=/sys/block/${disk##*/}/queue/scheduler
	modprobe bfq 2>/dev/null || true
	if [ ! -w "$sched" ] || ! grep -qw bfq "$sched"; then
		skip "BFQ cannot drive ${disk##*/} here (no bfq module?)"
	fi
	dev=$((0x$(stat -c %t "$disk"))):$((0x$(stat -c %T "$disk")))
	# a per-device weight needs the device under BFQ
	local old
	old=$(sed 's/.*\[\(.*\)\].*/\1/' "$sched")
	echo bfq >"$sched"
	TEARDOWN_EXTRA="echo $old >$sched"
	set_resources "$(jq -nc --arg d "$dev" '{blockIO:{weight:500,
		weightDevice:[{major:($d|split(":")[0]|tonumber),minor:($d|split(":")[1]|tonumber),weight:300}]}}')"
	set_args sleep 100
	run_detached
	assert_equal "$(cg2_read io.bfq.weight | tr '\n' ' ')" "default 500 $dev 300 "
	# io.weight keeps its default, as runc leaves it
	[ ! -e "$(cg2)/io.weight" ] || assert_equal "$(cg2_read io.weight)" "default 100"
	runtime update --blkio-weight 200 "$CID"
	assert_equal "$(cg2_read io.bfq.weight | head -n 1)" "default 200"
}

@test "v2: joining a cgroup that has processes warns in runc's words" {
	local dir=/sys/fs/cgroup/corun-busy-$TAG
	mkdir "$dir"
	sleep 100 </dev/null >/dev/null 2>&1 3>&- &
	local sp=$!
	echo "$sp" >"$dir/cgroup.procs"
	TEARDOWN_EXTRA="kill $sp; wait $sp 2>/dev/null; rmdir $dir"
	update_config '.linux.cgroupsPath = $p' --arg p "/corun-busy-$TAG"
	set_args true
	run runtime run -b "$BUNDLE" "$CID"
	assert_success
	assert_output_contains "container's cgroup is not empty: 1 process(es) found"
}
