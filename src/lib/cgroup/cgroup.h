/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups behind one interface; one driver per file set (cgroup_v1*.c,
 * cgroup_v2*.c, cgroup_systemd*.c over either). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"

struct cgroup_driver;
struct json_t;

struct cgroup {
	const struct cgroup_driver *drv;
	char *path;  /* as configured (relative paths are under corun's own cgroup) */
	void *priv;  /* the driver's */
	bool placed; /* the init was born in the cgroup (clone3 CLONE_INTO_CGROUP) */
	/* systemd made the cgroup (a unit) and owns its parents: joining it is
	 * no surprise, and removal never goes above it */
	bool managed;
};

struct cgroup_driver {
	const char *name;
	/* Discovers the host's hierarchies for cg->path (fills cg->priv). */
	int (*init)(struct cgroup *cg);
	/* Optional: creates the cgroup and applies everything before the init
	 * exists; gives a directory fd (the driver's, closed by fini) for
	 * clone3(CLONE_INTO_CGROUP). apply then only moves the pid. */
	int (*prepare)(struct cgroup *cg, const struct spec *s);
	/* Creates the cgroup, applies resources and moves pid into it. */
	int (*apply)(struct cgroup *cg, const struct spec *s, pid_t pid);
	/* Sets linux.resources (not the device rules) on the existing cgroup:
	 * create and update both go through here. */
	int (*set)(struct cgroup *cg, const struct spec_resources *r);
	/* Freezes (and waits until every task is frozen) or thaws. */
	int (*freeze)(struct cgroup *cg, bool frozen);
	/* The file whose content says whether the cgroup is frozen ("FROZEN"
	 * or "1"), malloc'd; NULL when the host cannot freeze. state.json keeps
	 * it so that `state` and `list` learn "paused" from one read. */
	char *(*freeze_file)(struct cgroup *cg);
	/* runc's stats object ({"cpu":..., "memory":..., ...}) for events. */
	int (*stats)(struct cgroup *cg, struct json_t **out);
	/* An fd that becomes readable on OOM in the cgroup. */
	int (*oom_fd)(struct cgroup *cg);
	/* Consumes what made oom_fd readable; the number of new OOM events
	 * (0: something else changed), -1 once the cgroup is gone. */
	int (*oom_read)(struct cgroup *cg, int fd);
	/* Signals every process in the cgroup. */
	int (*kill_all)(struct cgroup *cg, int sig);
	/* Lists pids; malloc'd array. */
	int (*pids)(struct cgroup *cg, pid_t **out, size_t *n);
	/* Removes the cgroup (waits briefly for it to empty). */
	int (*destroy)(struct cgroup *cg);
	/* Optional (v2 only: delegation is not safe on v1): gives uid the
	 * container's cgroup directory and the files a delegatee may write. */
	int (*delegate)(struct cgroup *cg, uid_t uid);
	/* Mounts what a "cgroup" mount in config shows at dest_fd inside the rootfs. */
	int (*mount)(struct cgroup *cg, int dest_fd, const struct spec_mount *m, bool cgroupns);
	void (*fini)(struct cgroup *cg);
};

extern const struct cgroup_driver cgroup_v1_driver;
extern const struct cgroup_driver cgroup_v2_driver;
extern const struct cgroup_driver cgroup_systemd_driver;

/* The cgroupfs driver of this host's layout: v2 when cgroup2 is mounted
 * at /sys/fs/cgroup, else v1 (maybe with a hybrid cgroup2 mount). */
int cgroup_fs_driver(const struct cgroup_driver **out);

/* linux.resources.devices (plus runc's default rules) as the v1 devices
 * controller ends up after applying them one by one: a default and the
 * exceptions to it (acc: 1 r, 2 w, 4 m; major/minor -1 = any), sorted.
 * Both the v1 writes and the v2 eBPF filter are made from this. */
struct cgroup_dev_ex {
	char type; /* 'c' or 'b' */
	int64_t major, minor;
	unsigned acc;
};
/* Returns whether the default is allow; *ex is malloc'd. */
bool cgroup_device_rules(const struct spec_devrule *rules, size_t n, struct cgroup_dev_ex **ex,
			 size_t *n_ex);

/* The cgroup managers cgroup_init can drive; it refuses the others, and
 * `corun features` reports exactly these. */
struct cgroup_support {
	bool v1, v2, systemd, systemd_user;
	bool rdma; /* linux.resources.rdma is applied */
};
extern const struct cgroup_support cgroup_support;

/* Picks the driver for this host and computes the path: linux.cgroupsPath
 * when set, else the container id; a relative path is taken under corun's
 * own cgroup in each hierarchy, as runc does. With systemd, the path is
 * "slice:prefix:name", by default ":corun:<id>". */
int cgroup_init(struct cgroup *cg, const char *cgroups_path, const char *id, bool systemd);
void cgroup_fini(struct cgroup *cg);
/* Whether cg is driven by systemd (state.json remembers it). */
bool cgroup_is_systemd(const struct cgroup *cg);

/* Cgroup delegation (runtime-spec "Cgroup ownership"), as runc does it:
 * on cgroup v2, with a new cgroup namespace, a read-write "cgroup" mount at
 * /sys/fs/cgroup and a user namespace that maps process.user.uid, the
 * cgroup is handed to that uid (a systemd inside can then manage it);
 * else nothing is changed. */
int cgroup_delegate(struct cgroup *cg, const struct spec *s);

/* Whether the freeze file content (see freeze_file) says frozen. */
bool cgroup_frozen_text(const char *text);

/* exec: moves pid into the cgroups process `like` is in, on every mounted
 * hierarchy, or into an existing sub-cgroup there: subs are --cgroup values,
 * "path" for all hierarchies or "ctrl[,ctrl]:path" for some. */
int cgroup_enter_like(pid_t like, pid_t pid, const char *const *subs, size_t n_subs);
/* Checks --cgroup values as runc does (one bare path at most, no repeated
 * controller, no ".."). */
int cgroup_subs_validate(const char *const *subs, size_t n);
/* The directory of cgroup path in the hierarchy with these controllers
 * ("" = cgroup2), from /proc/self/mountinfo; malloc'd, NULL when that
 * hierarchy is not mounted here. */
char *cgroup_mount_dir(const char *ctrls, const char *path);
