#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# mkimage.sh DIR: builds a busybox image from Debian's busybox-static for the
# engine tests (no registry is reachable) and writes
#   DIR/rootfs.tar  the root filesystem (for `podman import`, `docker import`)
#   DIR/image.tar   the same rootfs as a one-layer image archive in the
#                   docker-archive layout (manifest.json, config, layer tar),
#                   which `ctr images import`, `docker load` and `podman load`
#                   all read, tagged localhost/busybox:latest with PATH set.
set -euo pipefail
out=$1
case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
bb=$(command -v busybox || echo /bin/busybox)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rfs=$work/rootfs
mkdir -p "$rfs"/{bin,etc,tmp,proc,sys,dev,root,home/user}
cp "$bb" "$rfs/bin/busybox"
for a in $("$bb" --list); do
	[ "$a" = busybox ] || ln -s busybox "$rfs/bin/$a"
done
chmod 1777 "$rfs/tmp"
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'user:x:1000:1000:user:/home/user:/bin/sh' \
	'nobody:x:65534:65534:nobody:/:/bin/sh' >"$rfs/etc/passwd"
printf '%s\n' 'root:x:0:' 'user:x:1000:' 'nogroup:x:65534:' >"$rfs/etc/group"
chown 1000:1000 "$rfs/home/user"
# Fixed times and owners: the same bytes (and image id) on every build.
tar --sort=name --mtime=@0 --numeric-owner -C "$rfs" -cf "$work/layer.tar" .

mkdir "$work/img"
diff=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
mkdir "$work/img/$diff"
cp "$work/layer.tar" "$work/img/$diff/layer.tar"
jq -n --arg diff "sha256:$diff" --arg arch "$arch" '{
	architecture: $arch, os: "linux", created: "1970-01-01T00:00:00Z",
	config: { Env: ["PATH=/bin"], Cmd: ["sh"], WorkingDir: "/" },
	rootfs: { type: "layers", diff_ids: [$diff] },
	history: [{ created: "1970-01-01T00:00:00Z", created_by: "corun mkimage.sh" }]
}' >"$work/config.json"
cfg=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/img/$cfg.json"
jq -n --arg cfg "$cfg.json" --arg layer "$diff/layer.tar" \
	'[{ Config: $cfg, RepoTags: ["localhost/busybox:latest"], Layers: [$layer] }]' \
	>"$work/img/manifest.json"

mkdir -p "$out"
cp "$work/layer.tar" "$out/rootfs.tar.tmp"
tar --sort=name --mtime=@0 --numeric-owner -C "$work/img" -cf "$out/image.tar.tmp" .
mv "$out/rootfs.tar.tmp" "$out/rootfs.tar"
mv "$out/image.tar.tmp" "$out/image.tar"
