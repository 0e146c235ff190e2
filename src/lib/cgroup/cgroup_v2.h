/* SPDX-License-Identifier: Apache-2.0 */
/* Private to the cgroup v2 driver: cgroup_v2.c (path, create, place,
 * freeze, kill, remove, mount), cgroup_v2_res.c (resources and the v1->v2
 * conversions), cgroup_v2_stats.c (events, OOM) and cgroup_v2_devices.c
 * (the eBPF device filter); they call down to cgroup_v2_util.c. */
#pragma once

#include <stdint.h>
#include <linux/bpf.h>

#include "cgroup.h"

struct v2 {
	char *mnt;  /* the unified mount, /sys/fs/cgroup */
	char *base; /* where the path starts: the mount, or our parent cgroup */
	char *dir;  /* the container's directory */
	int fd;	    /* dir, open once prepare made it; -1 before */
	/* memory.events counters already reported by oom_read */
	uint64_t oom_seen, oom_kill_seen;
};

#include "cgroup_util.h"

/* cgroup_v2_util.c, which the files above call */
bool v2_has(const struct v2 *v, const char *file);
/* DIR/FILE of the container, trailing newlines removed; malloc'd. */
int v2_read(const struct v2 *v, const char *file, char **out);

/* cgroup_v2_res.c */
int v2_set(struct cgroup *cg, const struct spec_resources *r);
/* The pure conversions, runc 1.1's rules (unit-tested). */
uint64_t v2_cpu_weight(uint64_t shares);      /* 0 = unset */
uint64_t v2_io_weight(uint64_t blkio_weight); /* 0 = unset */
/* memory.swap.max from the v1 memory+swap limit: 0 with *out_set false
 * leaves it alone, -1 is "max". */
int v2_swap_max(int64_t limit, int64_t memsw, bool *out_set, int64_t *out);

/* cgroup_v2_stats.c */
int v2_stats(struct cgroup *cg, struct json_t **out);
int v2_oom_fd(struct cgroup *cg);
int v2_oom_read(struct cgroup *cg, int fd);
/* Counter KEY of a flat-keyed file's text ("key value" lines), or 0. */
uint64_t v2_kv(const char *text, const char *key);

/* cgroup_v2_devices.c: the filter runs on each open and mknod of a device
 * node with (type, major, minor, access) and returns 1 to allow. */
size_t v2_dev_prog(const struct spec_devrule *rules, size_t n, struct bpf_insn **out);
int v2_dev_attach(int cgroup_fd, const struct spec_devrule *rules, size_t n);
