/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v1: the container gets a directory in every mounted hierarchy
 * (and, like runc 1.1, in the hybrid cgroup2 mount), the devices
 * controller gets the device rules, and a "cgroup" mount shows the
 * container's directories the way runc lays them out. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/mount.h>

#include "cgroup_v1.h"
#include "log.h"
#include "mount_opts.h"
#include "procparse.h"
#include "rootfs_util.h"

#include "cgroup_util.h"

/* Whether the comma-separated lists a and b hold the same names (the
 * order differs between mountinfo and /proc/PID/cgroup in principle). */
static bool same_set(const char *a, const char *b)
{
	for (const char *s = a; *s; s += strcspn(s, ","), s += !!*s)
		if (!v1_list_has(b, s, strcspn(s, ",")))
			return false;
	for (const char *s = b; *s; s += strcspn(s, ","), s += !!*s)
		if (!v1_list_has(a, s, strcspn(s, ",")))
			return false;
	return true;
}

/* The controllers (and name=) of a v1 mount, from its super options. */
static char *controllers(const char *opts)
{
	static const char *const not_ctrl[] = {
	    "rw",	    "ro",  "noprefix", "xattr", "clone_children", "cpuset_v2_mode",
	    "favordynmods", "none"};
	char *out = xcalloc(1, strlen(opts) + 1);
	for (const char *s = opts; *s; s += strcspn(s, ","), s += !!*s) {
		size_t n = strcspn(s, ",");
		bool skip = n > 14 && !strncmp(s, "release_agent=", 14);
		for (size_t i = 0; i < ARRAY_SIZE(not_ctrl) && !skip; i++)
			skip = strlen(not_ctrl[i]) == n && !strncmp(s, not_ctrl[i], n);
		if (skip || n == 0)
			continue;
		if (*out)
			strcat(out, ",");
		strncat(out, s, n);
	}
	return out;
}

static bool hier_line(const struct proc_cgroup_entry *e, const void *ctrl)
{
	return *(const char *)ctrl ? same_set(e->controllers, ctrl) : proc_cgroup_is_v2(e);
}

/* Our own cgroup in the hierarchy with these controllers ("" = cgroup2). */
static char *own_cgroup(const char *ctrl)
{
	return proc_self_cgroup(hier_line, ctrl);
}

static void add_hier(struct v1 *v, const char *mnt, char *ctrl, const char *path)
{
	for (size_t i = 0; i < v->n; i++)
		if (same_set(v->h[i].ctrl, ctrl)) { /* mounted twice: the first one is enough */
			free(ctrl);
			return;
		}
	v->h = xrealloc(v->h, (v->n + 1) * sizeof(*v->h));
	struct hier *h = &v->h[v->n++];
	h->mnt = xstrdup(mnt);
	h->ctrl = ctrl;
	if (path[0] == '/') {
		h->base = xstrdup(mnt);
		h->dir = xasprintf("%s%s", mnt, path);
	} else {
		_cleanup_free_ char *own = own_cgroup(ctrl);
		h->base = xasprintf("%s%s", mnt, own);
		h->dir = xasprintf("%s/%s", h->base, path);
	}
}

/* A mountinfo entry: a cgroup or cgroup2 hierarchy's mount. ud: the cgroup. */
static int add_mount(const struct mountinfo_entry *e, void *ud)
{
	struct cgroup *cg = ud;
	/* a bind of a sub-cgroup is not where we create ours */
	if (strcmp(e->root, "/"))
		return 0;
	if (!strcmp(e->fstype, "cgroup"))
		add_hier(cg->priv, e->mount_point, controllers(e->super_options), cg->path);
	else if (!strcmp(e->fstype, "cgroup2"))
		add_hier(cg->priv, e->mount_point, xstrdup(""), cg->path);
	return 0;
}

static int v1_init(struct cgroup *cg)
{
	struct v1 *v = xcalloc(1, sizeof(*v));
	cg->priv = v;
	if (mountinfo_read(add_mount, cg) < 0)
		return -1;
	if (!v->n)
		return err_set(0, "no cgroup hierarchy is mounted");
	return 0;
}

static void v1_fini(struct cgroup *cg)
{
	struct v1 *v = cg->priv;
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->h[i].mnt);
		free(v->h[i].ctrl);
		free(v->h[i].base);
		free(v->h[i].dir);
	}
	free(v->h);
	free(v);
	cg->priv = NULL;
}

/* A new cpuset cgroup has no cpus or mems, and no process can join it
 * until it has: give it its parent's. */
static int cpuset_fill(const char *dir)
{
	static const char *const knobs[] = {"cpuset.cpus", "cpuset.mems"};
	_cleanup_free_ char *parent = xstrdup(dir);
	*strrchr(parent, '/') = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++) {
		_cleanup_free_ char *cur = NULL, *val = NULL;
		_cleanup_free_ char *pc = xasprintf("%s/%s", dir, knobs[i]);
		_cleanup_free_ char *pp = xasprintf("%s/%s", parent, knobs[i]);
		if (read_file_at(AT_FDCWD, pc, 1 << 16, &cur, NULL) < 0)
			return -1;
		if (cur[strspn(cur, " \n")] != '\0')
			continue;
		if (read_file_at(AT_FDCWD, pp, 1 << 16, &val, NULL) < 0 ||
		    cgroup_file_write(dir, knobs[i], val) < 0)
			return -1;
	}
	return 0;
}

/* mkdir -p below the base (which exists: the mount or our own cgroup). */
static int make_dirs_once(const struct hier *h, bool cpuset)
{
	_cleanup_free_ char *p = xstrdup(h->dir);
	for (char *s = p + strlen(h->base) + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return err_set(errno, "create cgroup %s", p);
		if (cpuset && cpuset_fill(p) < 0)
			return -1;
		*s = c;
		if (!c)
			return 0;
	}
}

/* A parent shared with another container (a nested cgroupsPath, an
 * engine's namespace) may be removed by its delete, empty, between our
 * mkdirs: make them again. A dir being removed answers ENODEV to reads of
 * its files (cpuset_fill), a removed one ENOENT. */
static int make_dirs(const struct hier *h, bool cpuset)
{
	int rc;
	for (int tries = 0; (rc = make_dirs_once(h, cpuset)) < 0 &&
			    (err_errno() == ENOENT || err_errno() == ENODEV) && tries < 10;
	     tries++)
		;
	return rc;
}

static int apply_devices(const struct hier *h, const struct spec *s)
{
	_cleanup_strv_ char **w = cgroup_device_writes(s->linux.dev_rules, s->linux.n_dev_rules);
	for (char **p = w; *p; p++) {
		bool allow = str_has_prefix(*p, "allow ");
		if (cgroup_file_write(h->dir, allow ? "devices.allow" : "devices.deny",
				      *p + (allow ? 6 : 5)) < 0)
			return err_prefix("linux.resources.devices");
	}
	return 0;
}

/* Every directory and limit is in place before the pid joins, so the
 * init never runs outside its limits. */
static int v1_apply(struct cgroup *cg, const struct spec *s, pid_t pid)
{
	struct v1 *v = cg->priv;
	char buf[24];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < v->n; i++) {
		const struct hier *h = &v->h[i];
		if (make_dirs(h, v1_has_ctrl(h, "cpuset")) < 0)
			return -1;
		if (s && v1_has_ctrl(h, "devices") && apply_devices(h, s) < 0)
			return -1;
	}
	if (s && v1_set(cg, &s->linux.resources) < 0)
		return -1;
	for (size_t i = 0; i < v->n; i++)
		if (cgroup_file_write(v->h[i].dir, "cgroup.procs", buf) < 0)
			return err_prefix("join cgroup");
	return 0;
}

/* Where to list the processes: freezer (which will also freeze them),
 * else pids, else any. */
static const struct hier *procs_hier(const struct v1 *v)
{
	static const char *const pref[] = {"freezer", "pids"};
	for (size_t k = 0; k < ARRAY_SIZE(pref); k++)
		for (size_t i = 0; i < v->n; i++)
			if (v1_has_ctrl(&v->h[i], pref[k]))
				return &v->h[i];
	return &v->h[0];
}

static int v1_pids(struct cgroup *cg, pid_t **out, size_t *n)
{
	return cgroup_procs_read(procs_hier(cg->priv)->dir, out, n);
}

static int v1_kill_all(struct cgroup *cg, int sig)
{
	return cgroup_kill_procs(procs_hier(cg->priv)->dir, sig);
}

static int v1_destroy(struct cgroup *cg)
{
	struct v1 *v = cg->priv;
	int rc = 0;
	/* frozen tasks cannot exit, and their cgroup cannot be removed */
	const struct hier *fz = v1_hier(v, "freezer");
	if (fz && v1_has_knob(fz->dir, "freezer.state"))
		(void)v1_freeze(cg, false);
	/* one wait for all hierarchies: the same tasks keep them all busy */
	int64_t deadline = cgroup_deadline(5000);
	for (size_t i = 0; i < v->n; i++) {
		const char *stop = cg->managed ? NULL : v->h[i].base;
		if (cgroup_remove(v->h[i].dir, stop, deadline) < 0 && rc == 0) {
			rc = -1;
			/* keep the first error, still try the other hierarchies */
			for (i++; i < v->n; i++)
				(void)ERR_KEEP(cgroup_remove(
				    v->h[i].dir, cg->managed ? NULL : v->h[i].base, deadline));
		}
	}
	return rc;
}

/* ---- the container's view ---- */

static int move_to(int tree, int dest_fd, const char *what)
{
	if (syscall(SYS_move_mount, tree, "", dest_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(errno, "mount %s", what);
	return 0;
}

/* Without a cgroup namespace: a bind of the host's directory. */
static int bind_dir(const struct hier *h, int dest_fd, const struct mount_attr *a)
{
	_cleanup_close_ int tree =
	    (int)syscall(SYS_open_tree, AT_FDCWD, h->dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return err_set(errno, "bind %s", h->dir);
	struct mount_attr attr = *a;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return err_set(errno, "set the attributes of %s", h->dir);
	return move_to(tree, dest_fd, h->dir);
}

/* In a cgroup namespace: a new mount of the hierarchy, whose root is the
 * namespace's (the container's cgroup), as runc does. */
static int mount_fresh(const struct hier *h, int dest_fd, const struct mount_attr *a)
{
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "cgroup", FSOPEN_CLOEXEC);
	if (fs < 0)
		return err_set(errno, "fsopen cgroup");
	const char *name = str_has_prefix(h->ctrl, "name=") ? h->ctrl + 5 : NULL;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", name ? name : "cgroup", 0) < 0)
		return err_set(errno, "mount cgroup %s", h->ctrl);
	for (const char *s = h->ctrl; *s; s += strcspn(s, ","), s += !!*s) {
		_cleanup_free_ char *t = xasprintf("%.*s", (int)strcspn(s, ","), s);
		int r = str_has_prefix(t, "name=")
			    ? (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "name", t + 5, 0)
			    : (int)syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, t, NULL, 0);
		if (r < 0)
			return err_set(errno, "mount cgroup %s: option %s", h->ctrl, t);
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return err_set(errno, "mount cgroup %s", h->ctrl);
	_cleanup_close_ int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, a->attr_set);
	if (mnt < 0)
		return err_set(errno, "mount cgroup %s", h->ctrl);
	return move_to(mnt, dest_fd, h->ctrl);
}

/* One hierarchy in the tmpfs: its directory (named like the host's mount
 * point), its mount, and a link per controller when co-mounted. */
static int show_hier(const struct hier *h, int tmp, const struct mount_attr *a, bool cgroupns)
{
	const char *name = strrchr(h->mnt, '/') + 1;
	if (!*name || mkdirat(tmp, name, 0755) < 0) {
		if (errno == EEXIST) {
			log_debug("cgroup mount: %s shown already, skipping %s", name, h->mnt);
			return 0;
		}
		return err_set(errno, "mkdir %s in the cgroup tmpfs", name);
	}
	_cleanup_close_ int sub = openat(tmp, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return err_set(errno, "open %s in the cgroup tmpfs", name);
	if ((cgroupns ? mount_fresh(h, sub, a) : bind_dir(h, sub, a)) < 0)
		return -1;
	if (!strchr(name, ','))
		return 0;
	for (const char *s = name; *s; s += strcspn(s, ","), s += !!*s) {
		_cleanup_free_ char *t = xasprintf("%.*s", (int)strcspn(s, ","), s);
		if (*t && symlinkat(name, tmp, t) < 0 && errno != EEXIST)
			return err_set(errno, "symlink %s -> %s in the cgroup tmpfs", t, name);
	}
	return 0;
}

/* A tmpfs at the destination with one mount per v1 hierarchy; the hybrid
 * cgroup2 mount is not shown, as under runc. */
static int v1_mount(struct cgroup *cg, int dest_fd, const struct spec_mount *m, bool cgroupns)
{
	struct v1 *v = cg->priv;
	struct mount_attr a = {0};
	mount_attr_from_flags(m->opts.flags, m->opts.clear, &a);
	struct stat st;
	if (fstat(dest_fd, &st) < 0)
		return err_set(errno, "stat %s", m->destination);

	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "755", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return err_set(errno, "create the tmpfs for %s", m->destination);
	/* the tmpfs itself stays writable (runc's is); the hierarchies honour "ro" */
	_cleanup_close_ int tmp = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
					       a.attr_set & ~(uint64_t)MOUNT_ATTR_RDONLY);
	if (tmp < 0 || move_to(tmp, dest_fd, m->destination) < 0)
		return tmp < 0 ? err_set(errno, "mount the tmpfs on %s", m->destination) : -1;
	for (size_t i = 0; i < v->n; i++)
		if (*v->h[i].ctrl && show_hier(&v->h[i], tmp, &a, cgroupns) < 0)
			return err_prefix("mount %s", m->destination);
	/* like any tmpfs runc mounts, it takes the mode of what it covers */
	_cleanup_close_ int root = openat(tmp, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0 || fchmod(root, st.st_mode & 07777) < 0)
		return err_set(errno, "chmod the tmpfs on %s", m->destination);
	return 0;
}

const struct cgroup_driver cgroup_v1_driver = {
    .name = "cgroupfs-v1",
    .init = v1_init,
    .apply = v1_apply,
    .set = v1_set,
    .freeze = v1_freeze,
    .freeze_file = v1_freeze_file,
    .stats = v1_stats,
    .oom_fd = v1_oom_fd,
    .oom_read = v1_oom_read,
    .kill_all = v1_kill_all,
    .pids = v1_pids,
    .destroy = v1_destroy,
    .mount = v1_mount,
    .fini = v1_fini,
};
