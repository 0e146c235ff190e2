#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# `features`: the runtime-spec features document, its schema, and that what
# it lists works in a real container.

load helpers

: "${RUNTIME_SPEC_DIR:=$REPO_ROOT/../shared/runtime-spec}"

is_corun() { [ "$RUNTIME_NAME" = corun ]; }

features() {
	"$RUNTIME" features >"$TEST_DIR/features.json" || fail "features failed"
	FEATURES="$TEST_DIR/features.json"
}

# jq_true FILTER: the filter holds on the document.
jq_true() {
	jq -e "$1" "$FEATURES" >/dev/null || fail "not true: $1"
}

@test "features: valid against the spec's features schema" {
	"$RUNTIME" features --help >/dev/null 2>&1 || skip "$RUNTIME_NAME has no features command"
	features
	local schema=$RUNTIME_SPEC_DIR/schema
	if [ -f "$schema/features-schema.json" ] && python3 -c 'import jsonschema' 2>/dev/null; then
		python3 "$REPO_ROOT/test/helpers/validate_features.py" "$schema" <"$FEATURES" ||
			fail "schema validation failed"
	else
		echo "# no python3 jsonschema or spec schema: required keys checked with jq" >&3
	fi
	# the schema's required keys and types, also where jsonschema is missing
	jq_true '(.ociVersionMin | type == "string") and (.ociVersionMax | type == "string")'
	jq_true '[.hooks, .mountOptions, .linux.namespaces, .linux.capabilities,
		.linux.seccomp.actions, .linux.seccomp.operators, .linux.seccomp.archs]
		| all(type == "array" and all(type == "string"))'
	jq_true '.linux.cgroup | to_entries | all(.value | type == "boolean")'
	jq_true '.linux.capabilities | all(test("^CAP_[A-Z_]+$"))'
	jq_true '.annotations | to_entries | all(.value | type == "string")'
}

@test "features: corun's values" {
	is_corun || skip "corun-specific values"
	features
	jq_true '.ociVersionMin == "1.0.0" and .ociVersionMax == "1.3.0"'
	jq_true '.hooks == ["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]'
	jq_true '.linux.namespaces == ["cgroup","ipc","mount","network","pid","time","user","uts"]'
	jq_true '.linux.capabilities | index("CAP_CHECKPOINT_RESTORE") and index("CAP_CHOWN") == 0'
	jq_true '.mountOptions | index("rbind") and index("rprivate") and index("tmpcopyup")'
	jq_true '.linux.seccomp.enabled and (.linux.seccomp.actions | index("SCMP_ACT_NOTIFY"))'
	jq_true '.linux.seccomp as $s | $s.supportedFlags - $s.knownFlags == []'
	jq_true '.linux.cgroup.v1 == true and .linux.cgroup.v2 == true'
	jq_true '.linux.cgroup.systemd | type == "boolean"'
	# checkpoint/restore is built with protobuf-c (CRIU's RPC), else left out
	local cr=false
	! ldd "$RUNTIME" 2>/dev/null | grep -q libprotobuf-c || cr=true
	jq_true ".annotations[\"io.github.corun.checkpoint.enabled\"] == \"$cr\""
	jq_true '.annotations["io.github.corun.version"] | test("^[0-9]+\\.[0-9]+")'
	jq_true '.annotations | has("io.github.corun.commit") and has("io.github.corun.libseccomp.version")'
	jq_true '.potentiallyUnsafeConfigAnnotations == []'
	# the version annotations say what --version says
	local v
	v=$("$RUNTIME" --version | awk '/^corun version/ { print $3 }')
	jq_true ".annotations[\"io.github.corun.version\"] == \"$v\""
}

@test "features: takes no arguments" {
	is_corun || skip "corun's usage rules"
	run "$RUNTIME" features extra
	assert_status 1
	assert_output_contains 'requires exactly 0 argument(s)'
	run "$RUNTIME" features --help
	assert_success
	assert_output_contains "corun features"
}

@test "features: never forks or re-executes" {
	is_corun || skip "corun-specific"
	command -v strace >/dev/null || skip "strace is not installed"
	# LeakSanitizer's exit-time check runs in a thread of its own and
	# cannot work under ptrace: off for this one call
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run strace -f -qq -e trace=fork,vfork,clone,clone3,execve -o "$TEST_DIR/trace" \
		"$RUNTIME" features
	assert_success
	# one execve: strace starting corun
	[ "$(grep -c . "$TEST_DIR/trace")" -eq 1 ] || fail "$(cat "$TEST_DIR/trace")"
	grep -q execve "$TEST_DIR/trace"
}

@test "features: a container with every listed namespace and capability runs" {
	is_corun || skip "checks corun's own list"
	features
	# a user namespace needs mappings and a rootfs the mapped ids reach;
	# the namespaces tests cover it
	local ns caps prm bnd
	ns=$(jq -c '[.linux.namespaces[] | select(. != "user") | {type: .}]' "$FEATURES")
	caps=$(jq -c '.linux.capabilities' "$FEATURES")
	# all of them in the bounding set (keeps ours whole); the ones we hold
	# (this host may run us with fewer) effective and permitted
	prm=$((16#$(awk '/^CapPrm/ { print $2 }' /proc/self/status)))
	bnd=$(awk '/^CapBnd/ { print $2 }' /proc/self/status)
	update_config '.linux.namespaces = $ns
		| .process.capabilities = {bounding: $c, ambient: $c,
			effective: [$c | to_entries[] | select(($prm / pow(2; .key) | floor) % 2 == 1) | .value]}
		| .process.capabilities.permitted = .process.capabilities.effective' \
		--argjson ns "$ns" --argjson c "$caps" --argjson prm "$prm"
	set_args sh -c 'grep CapBnd /proc/self/status; ls /proc/self/ns | tr "\n" " "'
	run run_ct
	assert_success
	assert_output_contains time "$bnd"
	[ "$(jq '.linux.capabilities | length' "$FEATURES")" -gt "$(cat /proc/sys/kernel/cap_last_cap)" ]
}

@test "features: every listed mount option is accepted by create" {
	is_corun || skip "checks corun's own list"
	features
	local o opts
	# remount and bind change what the mount is; idmap and ridmap need a
	# bind mount (mounts_ext.bats); the rest are flags of a tmpfs
	opts=$(jq -c '[.mountOptions[] | select(. != "remount" and . != "bind" and . != "rbind" and
		. != "idmap" and . != "ridmap")]' "$FEATURES")
	for o in $(jq -r '.[]' <<<"$opts"); do
		update_config '.mounts += [{destination: ("/mnt/" + $o), type: "tmpfs",
			source: "tmpfs", options: [$o]}]' --arg o "$o"
	done
	set_args true
	run run_ct
	assert_success
}
