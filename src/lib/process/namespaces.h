/* SPDX-License-Identifier: Apache-2.0 */
/* Linux namespaces: which to create, which to join by path, and the
 * uid/gid maps of a new user namespace. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"

/* CLONE_NEW* flags of the namespaces the config asks to create. */
int ns_new_flags(const struct spec *s);
/* True when some namespace is joined by path. */
bool ns_any_joined(const struct spec *s);
/* Checks each namespace path names a namespace of the right type
 * ("linux.namespaces: network path /x: not a network namespace"). */
int ns_validate_paths(const struct spec *s);

/* In the init: joins every namespace given by path, the user namespace
 * first so the others are entered with its privileges. */
int ns_join_all(const struct spec *s);

/* Whether we run in the initial user namespace (an identity uid_map of
 * the whole range). */
bool ns_in_initial_userns(void);

/* Writes /proc/PID/uid_map and gid_map from the config. */
int ns_write_id_maps(pid_t pid, const struct spec *s);
/* Host uid/gid that container root maps to (itself without a user ns). */
uid_t ns_host_uid(const struct spec *s, uid_t cuid);
gid_t ns_host_gid(const struct spec *s, gid_t cgid);

/* In the init: a new time namespace with linux.timeOffsets. The caller
 * enters it at execve; its children at once. */
int ns_time_create(const struct spec *s);
