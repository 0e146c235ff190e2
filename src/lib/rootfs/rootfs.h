/* SPDX-License-Identifier: Apache-2.0 */
/* The container's root filesystem: mounts, /dev, pivot_root, masked and
 * read-only paths. Runs in the container init, inside its new mount
 * namespace. Every destination is resolved inside the rootfs with
 * openat2(RESOLVE_IN_ROOT) so a symlink in the rootfs cannot lead a mount
 * outside it. */
#pragma once

#include <stdbool.h>

#include "mount_opts.h"
#include "spec.h"

struct rootfs_ctx {
	const struct spec *spec;
	const char *rootfs; /* absolute host path of the root filesystem */
	bool userns;	    /* in a new user namespace: devices are bind-mounted, not mknod'ed */
	bool no_pivot;	    /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
	/* Mounts a "cgroup" type mount at dest_fd (an O_PATH fd of the
	 * destination inside the rootfs); provided by the cgroup module. */
	int (*mount_cgroup)(int dest_fd, const struct spec_mount *m, void *ud);
	void *ud;
	/* per spec mount, a detached tree the runtime built (idmapped mounts,
	 * binds of a user namespace container, see idmap.h) to attach as is,
	 * or -1; NULL when there are none */
	const int *mount_trees;
};

/* Checked in the parent before anything is created: every mount's options
 * parse, destinations are absolute (or made so), types are known. */
int rootfs_validate(const struct spec *s);

/* Before pivot: sets rootfsPropagation (default rslave) on /, bind-mounts the
 * rootfs onto itself, performs spec mounts in order, creates default devices,
 * linux.devices and the /dev symlinks. */
int rootfs_prepare(const struct rootfs_ctx *c);
/* Whether mount mnt_id has shared propagation, from /proc/self/mountinfo
 * (false when it is not listed). */
int mountinfo_shared(unsigned long long mnt_id, bool *shared);
/* pivot_root into the rootfs and detach the old root (or MS_MOVE+chroot). */
int rootfs_pivot(const struct rootfs_ctx *c);
/* After pivot: maskedPaths, readonlyPaths, read-only root. */
int rootfs_finalize(const struct rootfs_ctx *c);
