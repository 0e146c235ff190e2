/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime's own handle on procfs.
 *
 * After pivot_root the container's /proc belongs to the image: it may be a
 * plain directory with fake files, a bind mount of a host directory, or
 * hold symlinks out of the container (CVE-2025-52881 and relatives). What
 * corun reads or writes about its own process there (oom_score_adj, LSM
 * attributes, setgroups, timens offsets, the fd list) goes through a
 * handle on the real procfs instead, opened while the host's mounts are
 * still in view and checked to be the root of a procfs mount. The handle
 * is a directory outside the container: process_finish closes it before
 * the container's execve. */
#pragma once

#include <stddef.h>

/* Opens and checks the handle unless it is held already. The container init
 * and `exec` call it before they enter the container's root. */
int procfs_hold(void);
/* Closes the handle (a later procfs_* call opens a fresh one). */
void procfs_release(void);
/* Opens PATH ("self/oom_score_adj") below the procfs root without crossing
 * a mount or following a magic link; the result is checked to be on procfs. */
int procfs_open(const char *path, int flags);
/* Reads at most size - 1 bytes of a small file such as "self/setgroups"
 * into buf, NUL-terminated. */
int procfs_read(const char *path, char *buf, size_t size);
/* Writes data to PATH in one write. */
int procfs_write(const char *path, const char *data, size_t len);
