/* SPDX-License-Identifier: Apache-2.0 */
/* Path resolution confined to the rootfs, and the mount-API helpers that
 * rootfs.c and devices.c share. Paths are absolute container paths; every
 * lookup uses openat2(RESOLVE_IN_ROOT) from the rootfs fd, so ".." and
 * symlinks (absolute or relative) stay inside it. */
#pragma once

#include <stdbool.h>
#include <linux/mount.h>

/* O_PATH (plus extra flags) fd of path inside rootfd; -1 + err. */
int open_in_root(int rootfd, const char *path, int flags);
/* Like open_in_root, creating missing directories (and, when file, the
 * last component as an empty file) inside the root. */
int ensure_in_root(int rootfd, const char *path, bool file);
/* Splits path into the O_PATH fd of its parent dir (created if needed)
 * and its last component (pointer into path). */
int parent_in_root(int rootfd, const char *path, const char **name);

/* MS_* flags to set and to clear -> mount_setattr attributes. */
void mount_attr_from_flags(unsigned long set, unsigned long clear, struct mount_attr *a);

/* Copies what directory src holds into directory dst (both fds open for
 * reading): subdirectories, files, symlinks and nodes with their owners,
 * modes and times. For "tmpcopyup". */
int copy_tree(int src, int dst);

/* maskedPaths / readonlyPaths entries, after pivot_root; absent paths are skipped. */
int mask_path(int rootfd, const char *path);
int readonly_path(int rootfd, const char *path);
