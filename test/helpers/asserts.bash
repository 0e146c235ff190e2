# SPDX-License-Identifier: Apache-2.0
# The assertions every bats suite shares (integration, security, engines):
# they read bats' $status and $output and fail with what was seen.

fail() {
	echo "$@" >&2
	return 1
}

assert_status() {
	[ "$status" -eq "$1" ] || fail "exit status $status, expected $1; output: $output"
}

assert_success() { assert_status 0; }

assert_failure() {
	[ "$status" -ne 0 ] || fail "expected failure, got success; output: $output"
}

# assert_output_contains STR...: each STR is in $output.
assert_output_contains() {
	local s
	for s in "$@"; do
		[[ $output == *"$s"* ]] || fail "output lacks \"$s\": $output"
	done
}

assert_output_not_contains() {
	[[ $output != *"$1"* ]] || fail "output contains \"$1\": $output"
}

assert_equal() {
	[ "$1" = "$2" ] || fail "got \"$1\", expected \"$2\""
}
