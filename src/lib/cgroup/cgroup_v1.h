/* SPDX-License-Identifier: Apache-2.0 */
/* Private to the cgroup v1 driver: cgroup_v1.c (hierarchies, create,
 * kill, remove, mount), cgroup_v1_res.c (resources, freezer) and
 * cgroup_v1_stats.c (events), which call down to cgroup_v1_util.c. */
#pragma once

#include "cgroup.h"
#include "cgroup_util.h"

struct hier {
	char *mnt;  /* mount point, e.g. /sys/fs/cgroup/cpu */
	char *ctrl; /* "cpu", "cpu,cpuacct", "name=systemd"; "" for the cgroup2 mount */
	char *base; /* where the path starts: the mount, or our own cgroup in it */
	char *dir;  /* the container's directory */
};

struct v1 {
	struct hier *h;
	size_t n;
};

/* cgroup_v1_util.c, which the three files above call */
/* The hierarchy holding controller name (e.g. "memory"), or NULL. */
const struct hier *v1_hier(const struct v1 *v, const char *name);
/* Whether the comma-separated list holds name (len bytes). */
bool v1_list_has(const char *list, const char *name, size_t len);
/* Whether hierarchy h holds controller name. */
bool v1_has_ctrl(const struct hier *h, const char *name);

/* cgroup_v1_res.c */
int v1_set(struct cgroup *cg, const struct spec_resources *r);
int v1_freeze(struct cgroup *cg, bool frozen);
char *v1_freeze_file(struct cgroup *cg);
int v1_oom_fd(struct cgroup *cg);
int v1_oom_read(struct cgroup *cg, int fd);
/* Whether DIR/FILE exists (a knob this kernel has). */
bool v1_has_knob(const char *dir, const char *file);

/* cgroup_v1_stats.c */
int v1_stats(struct cgroup *cg, struct json_t **out);
