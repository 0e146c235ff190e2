/* SPDX-License-Identifier: Apache-2.0 */
/* Idmapped bind mounts (mounts[].uidMappings/gidMappings, "idmap",
 * "ridmap"). Only a process privileged over the filesystem's own user
 * namespace may idmap a mount, which the init inside a container user
 * namespace is not: the runtime builds each idmapped tree detached
 * (open_tree + mount_setattr(MOUNT_ATTR_IDMAP)) before cloning the init,
 * which inherits the fds and only attaches them (rootfs_ctx.mount_trees).
 * A mapping is read as on-disk id (containerID) -> id seen through the
 * mount (hostID), as the kernel and user namespace maps do.
 * The same trees carry the plain bind mounts of a container with a user
 * namespace, whose sources its root may not reach. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mount_opts.h"
#include "spec.h"

/* Whether mount i asks for an idmapping (an option or its own maps). */
bool idmap_wanted(const struct spec_mount *m, const struct mount_opts *o);
/* The spec's rules for mount i: a bind mount, and a mapping to use (its
 * own, or the container's user namespace). "mounts[i]: idmap: ...". */
int idmap_validate_mount(const struct spec *s, size_t i, const struct mount_opts *o, bool bind);
/* One fd per spec mount: the detached tree to attach (idmapped, or a bind
 * of a user namespace container), or -1. *out stays NULL when there is
 * none. Relative sources start at bundle. */
int idmap_prepare(const struct spec *s, const char *bundle, int **out);
void idmap_close(int *fds, size_t n);
/* Writes one map file ("uid_map", "gid_map") of /proc/PID (for
 * namespaces.c too). */
int ns_write_map(pid_t pid, const char *file, const struct spec_idmap *m, size_t n);
