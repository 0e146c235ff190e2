/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers the cgroup drivers share (cgroup.c). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

/* Validates a configured cgroup path and gives its canonical form; ".." is
 * refused ("cgroupsPath \"a/../b\": \"..\" is not allowed"). */
int cgroup_path_clean(const char *in, char **out);
/* DIR/FILE's content, trailing newlines removed (malloc'd in *out). */
int cgroup_file_read(const char *dir, const char *file, char **out);
/* Writes val to DIR/FILE; the error names both. */
int cgroup_file_write(const char *dir, const char *file, const char *val);
/* The pids in DIR/cgroup.procs and its sub-cgroups (malloc'd); a cgroup
 * that does not exist has none. */
int cgroup_procs_read(const char *dir, pid_t **out, size_t *n);
/* Sends sig to every process in DIR/cgroup.procs. */
int cgroup_kill_procs(const char *dir, int sig);
/* A point in time ms from now (CLOCK_MONOTONIC, in ms) for cgroup_remove:
 * one deadline shared by all the hierarchies of a container. */
int64_t cgroup_deadline(int ms);
/* Removes DIR, retrying while it is busy (processes just killed take a
 * moment to leave) until the deadline, then its parents while they are
 * empty, up to but not including STOP (NULL: no parent). A DIR that does
 * not exist is not an error. */
int cgroup_remove(const char *dir, const char *stop, int64_t deadline);
/* The devices.allow/deny lines ("a", "c 1:3 rwm", ...) for the rules, with
 * the default deny first; a NULL-terminated malloc'd vector. */
char **cgroup_device_writes(const struct spec_devrule *rules, size_t n);
/* An rdma.max line for one linux.resources.rdma entry ("max" where a
 * limit is not given); malloc'd. Same format on v1 and v2. */
char *cgroup_rdma_line(const struct spec_rdma *d);
