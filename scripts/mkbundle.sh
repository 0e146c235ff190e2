#!/usr/bin/env bash
# mkbundle.sh DIR [CMD ARGS...]: an OCI bundle with a busybox rootfs made
# from Debian's busybox-static and corun's default config (no terminal).
# CMD defaults to "sh".
set -euo pipefail
dir=${1:?usage: mkbundle.sh DIR [CMD ARGS...]}
shift
here=$(cd "$(dirname "$0")/.." && pwd)
bb=/bin/busybox
[ -x "$bb" ] || { echo "mkbundle: $bb missing: apt-get install busybox-static" >&2; exit 1; }

mkdir -p "$dir/rootfs"
cd "$dir/rootfs"
mkdir -p bin sbin etc proc sys dev tmp root home/user usr/bin var/run
chmod 1777 tmp
cp "$bb" bin/busybox
for a in $(bin/busybox --list); do
	[ -e "bin/$a" ] || ln -s busybox "bin/$a"
done
cat >etc/passwd <<'P'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat >etc/group <<'G'
root:x:0:
tty:x:5:
user:x:1000:
nogroup:x:65534:
G
echo corun >etc/hostname
cd ..
rm -f config.json
corun=${CORUN_BIN:-$here/build/corun}
if [ -x "$corun" ]; then
	"$corun" spec
else
	runc spec
fi
args='["sh"]'
if [ $# -gt 0 ]; then
	args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
fi
jq --argjson a "$args" '.process.terminal=false | .process.args=$a' config.json >config.json.new
mv config.json.new config.json
