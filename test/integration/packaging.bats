#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# What `meson install` ships besides the binary: man pages and bash
# completion, checked against the command line of the corun built here
# ($CORUN_BIN, whatever $RUNTIME is), and the installed paths.

load helpers

# The subcommands `corun --help` lists (not "help" itself).
commands() {
	"$CORUN_BIN" --help | sed -n '/^COMMANDS:/,/^$/p' | awk 'NR > 1 && NF { print $1 }' |
		grep -v '^help,' | sort
}

# The flags `corun CMD --help` (or `corun --help` for "") lists, one a line
# with its dashes as typed: --name, -n; --help/-h left out. Only the
# option column counts (up to the first double space), not what the
# descriptions mention: "(default: -1)" is not a flag.
flags_of() {
	"$CORUN_BIN" $1 --help | sed -n '/OPTIONS:$/,$p' | grep -E '^ +-' | sed -E 's/^ +//; s/  .*//' |
		grep -oE '(^| )--?[a-z0-9][a-z0-9-]*' |
		tr -d ' ' | sed -E 's/^-([a-z0-9][a-z0-9-]+)$/--\1/' | grep -vx -e --help -e -h | sort -u
}

# complete WORD...: runs the completion for the words (the last one being
# completed) and prints COMPREPLY sorted, one a line.
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _corun
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$REPO_ROOT/completions/bash/corun" "$@"
}

@test "packaging: every subcommand has a man page naming all its flags" {
	[ -x "$CORUN_BIN" ] || skip "corun not built"
	local c f page
	for c in $(commands) ""; do
		page=$REPO_ROOT/man/corun${c:+-$c}.8
		[ -f "$page" ] || fail "no man page for ${c:-corun}: $page"
		for f in $(flags_of "$c"); do
			grep -qF -- "\\fB${f//-/\\-}\\fR" "$page" || fail "$page does not describe $f"
		done
	done
}

@test "packaging: each command's man page NAME line is its summary in --help" {
	[ -x "$CORUN_BIN" ] || skip "corun not built"
	local c summary name
	for c in $(commands); do
		summary=$("$CORUN_BIN" --help | sed -n "s/^   $c  *//p")
		# the line after .SH NAME, roff's \- read as -
		name=$(sed -n '/^\.SH NAME/{n;p;q}' "$REPO_ROOT/man/corun-$c.8" | sed 's/\\-/-/g')
		assert_equal "$name" "corun-$c - $summary"
	done
}

@test "packaging: man renders every page without warnings" {
	command -v man >/dev/null || skip "man is not installed (man-db)"
	local p out
	for p in "$REPO_ROOT"/man/*.8; do
		out=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
		[ -z "$out" ] || fail "$p: $out"
		MANWIDTH=80 man -l "$p" 2>/dev/null | grep -q "^NAME" || fail "$p: no NAME section"
	done
}

@test "packaging: bash completion knows the commands and flags of --help" {
	[ -x "$CORUN_BIN" ] || skip "corun not built"
	local c got want
	want=$(commands | tr '\n' ' ')
	got=$(complete_words corun "" | grep -vx help | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "commands: completion has '$got', --help has '$want'"
	want=$(flags_of "" | tr '\n' ' ')
	got=$(complete_words corun - | grep -vx -e --help -e -h | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "global flags: completion has '$got', --help has '$want'"
	for c in $(commands); do
		want=$(flags_of "$c" | tr '\n' ' ')
		got=$(complete_words corun "$c" - | grep -vx -e --help -e -h | tr '\n' ' ')
		[ "$got" = "$want" ] || fail "$c: completion has '$got', --help has '$want'"
	done
}

@test "packaging: bash completion cases" {
	[ "$(complete_words corun st | tr '\n' ' ')" = "start state " ]
	[ "$(complete_words corun --root /x de | tr '\n' ' ')" = "delete " ]
	[ "$(complete_words corun --log-format "" | tr '\n' ' ')" = "json text " ]
	[ "$(complete_words corun list --format j)" = json ]
	[ "$(complete_words corun kill x SIGK)" = "" ]
	[ "$(complete_words corun kill x KI)" = KILL ]
	[ "$(complete_words corun help upd)" = update ]
	[ "$(complete_words corun run --no-p)" = --no-pivot ]
	mkdir "$TEST_DIR/dirA"
	[ "$(complete_words corun run -b "$TEST_DIR/dir")" = "$TEST_DIR/dirA" ]
}

@test "packaging: bash completion offers the ids of existing containers" {
	[ -x "$CORUN_BIN" ] || skip "corun not built"
	[ "$RUNTIME" = "$CORUN_BIN" ] || skip "creates a container with corun"
	set_args sleep 100
	create_ct
	local got
	got=$(complete_words "$CORUN_BIN" --root "$ROOT" kill "")
	[ "$got" = "$CID" ] || fail "kill: got '$got'"
	got=$(complete_words "$CORUN_BIN" --root="$ROOT" delete --force "${CID:0:3}")
	[ "$got" = "$CID" ] || fail "delete --force: got '$got'"
	# a new container needs a new id: none offered
	[ -z "$(complete_words "$CORUN_BIN" --root "$ROOT" run "")" ]
	runtime delete -f "$CID"
}

@test "packaging: meson install puts corun, man pages and completion in place" {
	local build
	build=$(dirname "$CORUN_BIN")
	[ -f "$build/build.ninja" ] || skip "$build is not a meson build directory"
	command -v meson >/dev/null || skip "meson is not installed"
	local dest=$TEST_DIR/dest prefix c
	prefix=$(meson introspect --buildoptions "$build" | jq -r '.[] | select(.name == "prefix") | .value')
	DESTDIR=$dest meson install -C "$build" --no-rebuild --quiet >/dev/null ||
		fail "meson install failed"
	[ -x "$dest$prefix/sbin/corun" ] || fail "no $prefix/sbin/corun: $(find "$dest" -type f)"
	[ -f "$dest$prefix/share/bash-completion/completions/corun" ]
	for c in $(commands) ""; do
		[ -f "$dest$prefix/share/man/man8/corun${c:+-$c}.8" ] ||
			fail "man page of ${c:-corun} not installed"
	done
	"$dest$prefix/sbin/corun" --version | grep -q '^corun version'
}
