/* SPDX-License-Identifier: Apache-2.0 */
/* The commands that work on a container's cgroup: pause, resume, update
 * and events (container_cgroup_ops.c, container_update.c). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "container.h"

int container_pause(const struct global_opts *g, const char *id);
int container_resume(const struct global_opts *g, const char *id);

/* `corun update`: the flags as typed (NULL = not given), parsed and
 * checked by the library with runc's messages. */
struct update_opts {
	const char *id;
	const char *resources; /* -r: a LinuxResources JSON file, "-" = stdin; the
				* other flags are then ignored, as in runc */
	const char *memory, *memory_swap, *memory_reservation;
	const char *kernel_memory, *kernel_memory_tcp; /* ignored with a warning */
	const char *cpu_shares, *cpu_quota, *cpu_period, *cpu_burst, *cpu_idle;
	const char *cpu_rt_runtime, *cpu_rt_period;
	const char *cpuset_cpus, *cpuset_mems;
	unsigned blkio_weight; /* 0 = unchanged */
	long long pids_limit;  /* 0 = unchanged, -1 = no limit */
	const char *l3_cache_schema, *mem_bw_schema;
};

/* Applies the changes to the live cgroup and, once that worked, to the
 * config copy in the state dir. */
int container_update(const struct global_opts *g, const struct update_opts *o);

/* `corun events`: with stats_only one stats event; else a stats event
 * every interval_ms and an oom event whenever the cgroup hits its memory
 * limit, until the container stops. One JSON object per line on out. */
int container_events(const struct global_opts *g, const char *id, bool stats_only,
		     long long interval_ms, FILE *out);

/* For kill and delete: thaws the container's cgroup (SIGKILL does not
 * reach a frozen task on cgroup v1); quiet when there is nothing to thaw. */
void container_thaw_quiet(const struct cstate *st);
/* kill -a: signals every process with the cgroup frozen, so that none
 * forks meanwhile, and thaws it after, as runc does. */
int container_kill_all(const struct cstate *st, int sig);

/* `corun ps`: the host pids of the processes in the container's cgroup,
 * sorted; *out is malloc'd (NULL when there are none). */
int container_pids(const struct global_opts *g, const char *id, pid_t **out, size_t *n);
