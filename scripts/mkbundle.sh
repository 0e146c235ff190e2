#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# mkbundle.sh DIR [CMD ARGS...]: an OCI bundle with a busybox rootfs made from
# Debian's busybox-static and the runtime's own default config ("spec"), with
# process.terminal false and process.args CMD (default: sh).
# The spec comes from $RUNTIME if set, else $CORUN_BIN / build/corun if built,
# else runc. Idempotent: re-running refreshes the bundle in place.
set -euo pipefail
dir=${1:?usage: mkbundle.sh DIR [CMD ARGS...]}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
bb=/bin/busybox

if [ ! -x "$bb" ] || ! "$bb" --list >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static >/dev/null ||
			{ apt-get update -q >/dev/null && apt-get install -y -q busybox-static >/dev/null; }
	fi
	[ -x "$bb" ] || { echo "mkbundle: $bb missing: apt-get install busybox-static" >&2; exit 1; }
fi

rt=${RUNTIME:-}
if [ -z "$rt" ]; then
	rt=${CORUN_BIN:-$here/build/corun}
	[ -x "$rt" ] || rt=runc
fi
command -v "$rt" >/dev/null || { echo "mkbundle: runtime $rt not found" >&2; exit 1; }

mkdir -p "$dir/rootfs"
dir=$(cd "$dir" && pwd)
cd "$dir/rootfs"
mkdir -p bin sbin etc proc sys dev tmp root run var/run var/tmp home/user usr/bin usr/sbin mnt
chmod 1777 tmp var/tmp
chmod 700 root
chown 1000:1000 home/user
cmp -s "$bb" bin/busybox || cp "$bb" bin/busybox
# One symlink per applet; existing ones are kept, so re-runs are cheap.
for a in $(bin/busybox --list); do
	[ "$a" = busybox ] || [ -L "bin/$a" ] || ln -s busybox "bin/$a"
done

cat >etc/passwd <<'P'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat >etc/group <<'G'
root:x:0:
tty:x:5:
users:x:100:user
user:x:1000:
nogroup:x:65534:
G
echo corun >etc/hostname
: >etc/resolv.conf
printf '127.0.0.1\tlocalhost\n' >etc/hosts

cd "$dir"
rm -f config.json config.json.new
"$rt" spec >/dev/null
args='["sh"]'
if [ $# -gt 0 ]; then
	# One named jq arg per word: keeps newlines, and "-c" is not a jq flag.
	a=() i=0
	for x; do
		a+=(--arg "a$(printf %04d $i)" "$x")
		i=$((i + 1))
	done
	args=$(jq -nc "${a[@]}" '$ARGS.named | to_entries | sort_by(.key) | map(.value)')
fi
jq --argjson a "$args" '.process.terminal=false | .process.args=$a' config.json >config.json.new
mv config.json.new config.json
