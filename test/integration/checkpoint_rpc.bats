#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# checkpoint and restore: corun's side of the CRIU RPC conversation, against
# test/helpers/fake_criu (built by meson with CRIU support), which logs every
# request as a JSON line and answers as CRIU would without dumping anything:
# this host's kernel cannot run the real CRIU. The "restored" process is the
# fake's `sleep`, outside the container's namespaces.

load helpers

: "${FAKE_CRIU:=$REPO_ROOT/build/fake_criu}"

setup_file() {
	if [ ! -x "$FAKE_CRIU" ]; then
		export FAKE_SKIP="$FAKE_CRIU not built (meson: needs protoc-c, libprotobuf-c, rpc.proto)"
		echo "# checkpoint_rpc: $FAKE_SKIP" >&3
	fi
}

eval "helpers_setup() $(declare -f setup | tail -n +2)"
setup() {
	[ -z "${FAKE_SKIP:-}" ] || skip "$FAKE_SKIP"
	skip_if_runc "tests corun's RPC conversation with a fake criu"
	helpers_setup
	export FAKE_CRIU_LOG="$TEST_DIR/criu.jsonl"
	unset FAKE_CRIU_VERSION FAKE_CRIU_FAIL FAKE_CRIU_FEATURES FAKE_CRIU_EXIT
	IMG="$TEST_DIR/img"
	set_args sleep 1000
	# a bind mount: an external mount for CRIU
	mkdir "$TEST_DIR/data"
	update_config '.mounts += [{"destination": "/data", "type": "bind", "source": $s,
		"options": ["rbind"]}]' --arg s "$TEST_DIR/data"
}

crt() { runtime --criu "$FAKE_CRIU" "$@"; }

# req TYPE [JQ]: the last request of TYPE the fake got (or JQ of it).
req() {
	jq -c --arg t "$1" 'select(.type == $t)' "$FAKE_CRIU_LOG" | tail -n 1 | jq -r "${2:-.}"
}

# cgdir CTRL PID: the host directory of PID's cgroup of controller CTRL.
cgdir() {
	local p
	p=$(awk -F: -v c="$1" '$2 == c { print $3 }' "/proc/$2/cgroup")
	echo "/sys/fs/cgroup/$1$p"
}

no_cgroup_left() {
	local left
	left=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "*$1*" 2>/dev/null)
	[ -z "$left" ] || fail "cgroups left: $left"
}

# no_criu_root ID: the restore's bind of the rootfs is gone again.
no_criu_root() {
	local m
	m=$(awk -v p="$ROOT/$1/criu-root" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo)
	[ -z "$m" ] || fail "still mounted: $m"
}

# A checkpoint's image dir as a restore wants it: stdout and stderr pipes.
fake_images() {
	mkdir -p "$IMG"
	echo '["/dev/null","pipe:[1]","pipe:[2]"]' >"$IMG/descriptors.json"
}

restored_pid() { req RESTORED .pid; }

# restore_ct ARGS...: `restore ARGS $CID` as `run` does it, but through a
# file: the restored process inherits corun's stdio (CRIU's inherit-fd)
# and would hold a pipe of bats open.
restore_ct() {
	local out=$TEST_DIR/restore.out
	status=0
	crt restore "$@" "$CID" >"$out" 2>&1 </dev/null 3>&- || status=$?
	output=$(cat "$out")
}

@test "checkpoint: a CRIU older than 3.0 is refused; the container runs on" {
	run_detached
	FAKE_CRIU_VERSION=20000 run crt checkpoint --image-path "$IMG" "$CID"
	assert_failure
	assert_output_contains "CRIU version 20000 must be 30000 or higher"
	assert_equal "$(ct_status)" running
	assert_equal "$(req VERSION .type)" VERSION
	[ -z "$(req DUMP)" ]
}

@test "checkpoint: the DUMP request: pid, root, cgroups, log, dirs, mounts; the container is gone" {
	run_detached
	pid=$(ct_pid)
	fz=$(cgdir freezer "$pid")
	cd "$TEST_DIR"
	run crt checkpoint "$CID"
	assert_success
	req DUMP
	assert_equal "$(req DUMP .pid)" "$pid"
	assert_equal "$(req DUMP .root)" "$BUNDLE/rootfs"
	assert_equal "$(req DUMP .manage_cgroups)" true
	assert_equal "$(req DUMP .notify_scripts)" true
	assert_equal "$(req DUMP .leave_running)" false
	assert_equal "$(req DUMP .log_file)" dump.log
	# default: ./checkpoint, which is also the work dir
	assert_equal "$(req DUMP .images_dir)" "$TEST_DIR/checkpoint"
	assert_equal "$(req DUMP .work_dir)" "$TEST_DIR/checkpoint"
	assert_equal "$(req DUMP .freeze_cgroup)" "$fz"
	assert_equal "$(req DUMP '.ext_mnt[] | select(.key == "/data") | .val')" /data
	jq -e 'length == 3 and all(type == "string")' "$TEST_DIR/checkpoint/descriptors.json"
	# the fake killed the tree: corun removed the container
	run runtime state "$CID"
	assert_failure
	assert_output_contains "container does not exist"
	[ ! -e "$ROOT/$CID" ]
	no_cgroup_left "$CID"
}

@test "checkpoint: every flag reaches the DUMP request; --leave-running keeps the container" {
	run_detached
	run crt checkpoint --image-path "$IMG" --work-path "$TEST_DIR/work" --tcp-established \
		--ext-unix-sk --shell-job --file-locks --auto-dedup --manage-cgroups-mode full \
		--page-server 127.0.0.1:5555 --empty-ns network --leave-running "$CID"
	assert_success
	req DUMP
	assert_equal "$(req DUMP .images_dir)" "$IMG"
	assert_equal "$(req DUMP .work_dir)" "$TEST_DIR/work"
	for f in tcp_established ext_unix_sk shell_job file_locks auto_dedup leave_running; do
		assert_equal "$f=$(req DUMP ".$f")" "$f=true"
	done
	assert_equal "$(req DUMP .manage_cgroups_mode)" FULL
	assert_equal "$(req DUMP .ps.address):$(req DUMP .ps.port)" 127.0.0.1:5555
	assert_equal "$(req DUMP .empty_ns)" $((0x40000000))
	assert_equal "$(ct_status)" running
	alive "$(ct_pid)"
}

@test "checkpoint: --pre-dump tracks memory and leaves it running; --parent-path follows" {
	run_detached
	run crt checkpoint --pre-dump --image-path "$IMG/pre" "$CID"
	assert_success
	assert_equal "$(req PRE_DUMP .track_mem)" true
	assert_equal "$(req PRE_DUMP .images_dir)" "$IMG/pre"
	[ -n "$(req FEATURE_CHECK)" ]
	assert_equal "$(ct_status)" running
	run crt checkpoint --parent-path ../pre --image-path "$IMG/full" "$CID"
	assert_success
	assert_equal "$(req DUMP .parent_img)" ../pre
	assert_equal "$(req DUMP .track_mem)" true
}

@test "checkpoint: --lazy-pages is checked with FEATURE_CHECK first" {
	run_detached
	FAKE_CRIU_FEATURES="" run crt checkpoint --lazy-pages --leave-running --image-path "$IMG" "$CID"
	assert_failure
	assert_output_contains "CRIU feature check failed"
	assert_equal "$(req FEATURE_CHECK .features.lazy_pages)" true
	[ -z "$(req DUMP)" ]
	FAKE_CRIU_FEATURES=lazy_pages run crt checkpoint --lazy-pages --leave-running \
		--image-path "$IMG" "$CID"
	assert_success
	assert_equal "$(req DUMP .lazy_pages)" true
	assert_equal "$(ct_status)" running
}

@test "checkpoint: a failing dump names the log and its last error; the container runs on" {
	run_detached
	FAKE_CRIU_FAIL=1 run crt checkpoint --image-path "$IMG" --work-path "$TEST_DIR/work" "$CID"
	assert_status 1
	assert_output_contains "criu failed: type DUMP" "log file: $TEST_DIR/work/dump.log" \
		"last error: Error (fake.c:1): something broke"
	assert_equal "$(ct_status)" running
	alive "$(ct_pid)"
}

@test "restore: -d makes a running container of the restored process" {
	fake_images
	update_config '.annotations["org.criu.config"] = "/etc/criu/fake.conf"'
	restore_ct -d -b "$BUNDLE" --image-path "$IMG" --pid-file "$TEST_DIR/pid"
	assert_success
	pid=$(restored_pid)
	[ -n "$pid" ]
	assert_equal "$(ct_status)" running
	assert_equal "$(ct_pid)" "$pid"
	assert_equal "$(ct_field "$CID" bundle)" "$BUNDLE"
	assert_equal "$(cat "$TEST_DIR/pid")" "$pid"
	req RESTORE
	assert_equal "$(req RESTORE '[.inherit_fd[] | "\(.key)=\(.fd):\(.open)"] | join(" ")')" \
		"pipe:[1]=1:true pipe:[2]=2:true"
	assert_equal "$(req RESTORE .rst_sibling)" true
	assert_equal "$(req RESTORE .orphan_pts_master)" false
	assert_equal "$(req RESTORE .log_file)" restore.log
	assert_equal "$(req RESTORE .root)" "$ROOT/$CID/criu-root"
	assert_equal "$(req RESTORE .config_file)" /etc/criu/fake.conf
	assert_equal "$(req RESTORE '.ext_mnt[] | select(.key == "/data") | .val')" "$TEST_DIR/data"
	# the restored process sits in the container's cgroups, CRIU's roots
	fz=$(awk -F: '$2 == "freezer" { print $3 }' "/proc/$pid/cgroup")
	[[ $fz == *"$CID"* ]]
	assert_equal "$(req RESTORE '.cg_root[] | select(.ctrl == "freezer") | .path')" "$fz"
	no_criu_root "$CID"
	runtime kill "$CID" KILL
	wait_status "$CID" stopped
	runtime delete "$CID"
	no_cgroup_left "$CID"
}

@test "restore: a failing restore leaves nothing behind" {
	fake_images
	FAKE_CRIU_FAIL=1 restore_ct -d -b "$BUNDLE" --image-path "$IMG"
	assert_status 1
	assert_output_contains "criu failed: type RESTORE" "log file: $IMG/restore.log" \
		"last error: Error (fake.c:1): something broke"
	run runtime list -q
	assert_success
	assert_output_not_contains "$CID"
	[ ! -e "$ROOT/$CID" ]
	no_cgroup_left "$CID"
	no_criu_root "$CID"
}

@test "restore: in the foreground, corun exits with the restored process's status" {
	fake_images
	FAKE_CRIU_EXIT=3 restore_ct -b "$BUNDLE" --image-path "$IMG"
	assert_status 3
	run runtime state "$CID"
	assert_failure
	assert_output_contains "container does not exist"
	no_cgroup_left "$CID"
}

@test "restore: a terminal container's new pty master goes to --console-socket" {
	command -v gcc >/dev/null || skip "gcc is not installed: cannot build the recvtty helper"
	gcc -O2 -o "$TEST_DIR/recvtty" "$REPO_ROOT/test/helpers/recvtty.c"
	update_config '.process.terminal = true'
	fake_images
	sock=$TEST_DIR/tty.sock
	"$TEST_DIR/recvtty" "$sock" $'hello-pty\n' >"$TEST_DIR/tty.out" 2>&1 &
	helper=$!
	TEARDOWN_EXTRA="kill $helper 2>/dev/null"
	wait_file "$sock"
	restore_ct -d -b "$BUNDLE" --image-path "$IMG" --console-socket "$sock"
	assert_success
	assert_equal "$(req RESTORE .orphan_pts_master)" true
	# the pty echoes what recvtty typed: the master it got is live
	for _ in $(seq 50); do
		grep -q hello-pty "$TEST_DIR/tty.out" && break
		sleep 0.1
	done
	cat "$TEST_DIR/tty.out"
	grep -q hello-pty "$TEST_DIR/tty.out"
	assert_equal "$(ct_status)" running
	kill "$helper"
	wait "$helper" || true
}

@test "restore: a failing prestart hook (at setup-namespaces) fails the restore; nothing left" {
	fake_images
	update_config '.hooks.prestart = [{"path": "/bin/false"}]'
	restore_ct -d -b "$BUNDLE" --image-path "$IMG"
	[ "$status" -ne 0 ] || fail "restore succeeded: $output"
	echo "$output"
	pid=$(restored_pid)
	[ -n "$pid" ]
	for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
	! alive "$pid" || fail "the restored process $pid still runs"
	run runtime list -q
	assert_output_not_contains "$CID"
	[ ! -e "$ROOT/$CID" ]
	no_cgroup_left "$CID"
	no_criu_root "$CID"
}

@test "checkpoint and restore: CRIU dying without an answer is an error; nothing half done" {
	run_detached
	FAKE_CRIU_CRASH=1 run crt checkpoint --image-path "$IMG" "$CID"
	assert_status 1
	assert_output_contains "criu failed: type DUMP: criu exited with status 5" \
		"log file: $IMG/dump.log"
	assert_equal "$(ct_status)" running
	fake_images
	CID=${CID}r FAKE_CRIU_CRASH=1 restore_ct -d -b "$BUNDLE" --image-path "$IMG"
	assert_status 1
	assert_output_contains "criu failed: type RESTORE: criu exited with status 5"
	[ ! -e "$ROOT/${CID}r" ]
	no_cgroup_left "${CID}r"
	no_criu_root "${CID}r"
}

@test "restore: an image dir without descriptors.json is refused before CRIU runs" {
	mkdir -p "$IMG"
	restore_ct -d -b "$BUNDLE" --image-path "$IMG"
	assert_status 1
	assert_output_contains "descriptors.json"
	[ -z "$(req RESTORE)" ]
	[ ! -e "$ROOT/$CID" ]
	no_cgroup_left "$CID"
}

@test "restore: an id in use is refused; that container is untouched" {
	run_detached
	pid=$(ct_pid)
	fake_images
	restore_ct -d -b "$BUNDLE" --image-path "$IMG"
	assert_status 1
	echo "$output"
	[ -z "$(req RESTORE)" ]
	assert_equal "$(ct_status)" running
	assert_equal "$(ct_pid)" "$pid"
	no_criu_root "$CID"
}

@test "restore: every flag reaches the RESTORE request" {
	fake_images
	restore_ct -d -b "$BUNDLE" --image-path "$IMG" --work-path "$TEST_DIR/work" \
		--tcp-established --ext-unix-sk --shell-job --file-locks --auto-dedup --lazy-pages \
		--manage-cgroups-mode full --empty-ns network --no-pivot --no-subreaper \
		--lsm-profile apparmor:fake --lsm-mount-context system_u:object_r:fake_t:s0
	assert_success
	assert_equal "$(req RESTORE .work_dir)" "$TEST_DIR/work"
	for f in tcp_established ext_unix_sk shell_job file_locks auto_dedup lazy_pages rst_sibling; do
		assert_equal "$f=$(req RESTORE ".$f")" "$f=true"
	done
	assert_equal "$(req RESTORE .manage_cgroups_mode)" FULL
	assert_equal "$(req RESTORE .empty_ns)" $((0x40000000))
	assert_equal "$(req RESTORE .lsm_profile)" apparmor:fake
	assert_equal "$(req RESTORE .lsm_mount_context)" system_u:object_r:fake_t:s0
	# lazy pages were asked about first
	req FEATURE_CHECK | grep -q . || fail "no FEATURE_CHECK before a lazy restore"
	assert_equal "$(ct_status)" running
	runtime delete -f "$CID"
}
