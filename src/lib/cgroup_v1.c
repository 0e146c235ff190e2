/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v1: one directory per hierarchy (and in the hybrid cgroup2 mount,
 * as runc 1.1 does), the devices controller, and the container's view. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <linux/mount.h>

#include "cgroup.h"
#include "log.h"

struct hier {
	char *mnt;   /* mount point, e.g. /sys/fs/cgroup/cpu */
	char *ctrl;  /* "cpu", "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
	char *dir;   /* the container's directory in it */
	char *base;  /* where relative paths start: corun's own cgroup dir */
};

struct v1 {
	struct hier *h;
	size_t n;
};

/* Controllers of a cgroup v1 mount from its super options ("rw,cpu,cpuacct"). */
static char *controllers(const char *opts)
{
	char *out = xcalloc(1, strlen(opts) + 1);
	_cleanup_free_ char *copy = xstrdup(opts);
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "rw") || !strcmp(t, "ro") || str_has_prefix(t, "release_agent") ||
		    !strcmp(t, "clone_children") || !strcmp(t, "noprefix") || !strcmp(t, "xattr"))
			continue;
		if (*out)
			strcat(out, ",");
		strcat(out, t);
	}
	return out;
}

/* Our own cgroup in the hierarchy whose controllers are ctrl. */
static char *own_cgroup(const char *ctrl)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c = strchr(line, ':'), *p = c ? strchr(c + 1, ':') : NULL;
		if (!p)
			continue;
		*p = '\0';
		if (strcmp(c + 1, ctrl) == 0)
			return xstrdup(p + 1);
	}
	return xstrdup("/");
}

static void add_hier(struct v1 *v, const char *mnt, char *ctrl, const char *path)
{
	_cleanup_free_ char *own = own_cgroup(ctrl);
	struct hier *h;
	v->h = xrealloc(v->h, (v->n + 1) * sizeof(*v->h));
	h = &v->h[v->n++];
	h->mnt = xstrdup(mnt);
	h->ctrl = ctrl;
	h->base = xasprintf("%s%s", mnt, strcmp(own, "/") ? own : "");
	h->dir = path[0] == '/' ? xasprintf("%s%s", mnt, path) : xasprintf("%s/%s", h->base, path);
}

static int v1_init(struct cgroup *cg)
{
	struct v1 *v = xcalloc(1, sizeof(*v));
	cg->priv = v;
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return err_set(errno, "open /proc/self/mountinfo");
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		char mnt[1024], fstype[64], opts[1024];
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %1023s", fstype, opts) != 2)
			continue;
		if (strcmp(fstype, "cgroup") == 0)
			add_hier(v, mnt, controllers(opts), cg->path);
		else if (strcmp(fstype, "cgroup2") == 0)
			add_hier(v, mnt, xstrdup(""), cg->path);
	}
	if (!v->n)
		return err_set(0, "no cgroup hierarchy is mounted");
	return 0;
}

static void v1_fini(struct cgroup *cg)
{
	struct v1 *v = cg->priv;
	for (size_t i = 0; v && i < v->n; i++) {
		free(v->h[i].mnt);
		free(v->h[i].ctrl);
		free(v->h[i].dir);
		free(v->h[i].base);
	}
	if (v)
		free(v->h);
	free(v);
	cg->priv = NULL;
}

static bool has_ctrl(const struct hier *h, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = h->ctrl; (p = strstr(p, name)); p += n)
		if ((p == h->ctrl || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static int write_knob(const char *dir, const char *knob, const char *val)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, knob);
	return write_file(p, val, strlen(val));
}

/* A new cpuset cgroup starts with no cpus or mems: give it its parent's. */
static int cpuset_inherit(const char *dir)
{
	static const char *const knobs[] = {"cpuset.cpus", "cpuset.mems"};
	_cleanup_free_ char *parent = xstrdup(dir);
	*strrchr(parent, '/') = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++) {
		_cleanup_free_ char *val = NULL, *pp = xasprintf("%s/%s", parent, knobs[i]);
		if (read_file_at(AT_FDCWD, pp, 65536, &val, NULL) < 0 ||
		    write_knob(dir, knobs[i], val) < 0)
			return -1;
	}
	return 0;
}

static int make_dirs(const struct hier *h)
{
	_cleanup_free_ char *p = xstrdup(h->dir);
	bool cpuset = has_ctrl(h, "cpuset");
	for (char *s = p + strlen(h->mnt) + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) == 0) {
			if (cpuset && cpuset_inherit(p) < 0)
				return -1;
		} else if (errno != EEXIST) {
			return err_set(errno, "create cgroup %s", p);
		}
		*s = c;
		if (!c)
			return 0;
	}
}

/* runc's defaults on top of the config's rules: the standard nodes, pts,
 * ptmx, tun, and mknod of anything. */
static const char *const default_allow[] = {"c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm",
					    "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm",
					    "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm"};

static void format_rule(const struct spec_devrule *r, char *buf, size_t n)
{
	char maj[24] = "*", min[24] = "*";
	if (r->major >= 0)
		snprintf(maj, sizeof(maj), "%lld", (long long)r->major);
	if (r->minor >= 0)
		snprintf(min, sizeof(min), "%lld", (long long)r->minor);
	if (r->type == 'a')
		snprintf(buf, n, "a");
	else
		snprintf(buf, n, "%c %s:%s %s", r->type, maj, min, r->access);
}

static int apply_devices(const struct hier *h, const struct spec *s)
{
	char rule[64];
	if (write_knob(h->dir, "devices.deny", "a") < 0)
		return -1;
	for (size_t i = 0; i < s->linux.n_dev_rules; i++) {
		const struct spec_devrule *r = &s->linux.dev_rules[i];
		format_rule(r, rule, sizeof(rule));
		if (write_knob(h->dir, r->allow ? "devices.allow" : "devices.deny", rule) < 0)
			return err_prefix("linux.resources.devices[%zu]", i);
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_allow); i++)
		if (write_knob(h->dir, "devices.allow", default_allow[i]) < 0)
			return -1;
	return 0;
}

static int v1_apply(struct cgroup *cg, const struct spec *s, pid_t pid)
{
	struct v1 *v = cg->priv;
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < v->n; i++) {
		const struct hier *h = &v->h[i];
		if (make_dirs(h) < 0)
			return -1;
		if (has_ctrl(h, "devices") && apply_devices(h, s) < 0)
			return -1;
		if (write_knob(h->dir, "cgroup.procs", buf) < 0)
			return err_prefix("join cgroup");
	}
	return 0;
}

static int read_pids(const struct hier *h, pid_t **out, size_t *n)
{
	_cleanup_free_ char *p = xasprintf("%s/cgroup.procs", h->dir);
	_cleanup_fclose_ FILE *f = fopen(p, "re");
	*out = NULL;
	*n = 0;
	if (!f)
		return errno == ENOENT ? 0 : err_set(errno, "open %s", p);
	int pid;
	size_t cap = 0;
	while (fscanf(f, "%d", &pid) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof(pid_t));
		}
		(*out)[(*n)++] = pid;
	}
	return 0;
}

static const struct hier *main_hier(const struct v1 *v)
{
	for (size_t i = 0; i < v->n; i++)
		if (has_ctrl(&v->h[i], "pids") || has_ctrl(&v->h[i], "freezer"))
			return &v->h[i];
	return &v->h[0];
}

static int v1_pids(struct cgroup *cg, pid_t **out, size_t *n)
{
	return read_pids(main_hier(cg->priv), out, n);
}

static int v1_kill_all(struct cgroup *cg, int sig)
{
	/* processes may fork while we signal: go round until none is new */
	for (int round = 0; round < 10; round++) {
		pid_t *pids;
		size_t n, sent = 0;
		if (v1_pids(cg, &pids, &n) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			if (kill(pids[i], sig) == 0)
				sent++;
		free(pids);
		if (sent == 0 || sig != SIGKILL)
			return 0;
		nanosleep(&(struct timespec){0, 2000000}, NULL);
	}
	return 0;
}

static int v1_destroy(struct cgroup *cg)
{
	struct v1 *v = cg->priv;
	int rc = 0;
	for (size_t i = 0; i < v->n; i++) {
		const char *d = v->h[i].dir;
		int tries = 0;
		/* just-killed processes take a moment to leave the cgroup */
		while (rmdir(d) < 0 && errno == EBUSY && tries++ < 100)
			nanosleep(&(struct timespec){0, 10000000}, NULL);
		if (access(d, F_OK) == 0)
			rc = err_set(errno, "remove cgroup %s", d);
	}
	return rc;
}

static int bind_cgroup(const char *src, int dest_fd, bool ro)
{
	_cleanup_close_ int tree =
		(int)syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	struct mount_attr a = {.attr_set = (ro ? MOUNT_ATTR_RDONLY : 0) | MOUNT_ATTR_NOSUID |
					   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
	if (tree < 0 || syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0 ||
	    syscall(SYS_move_mount, tree, "", dest_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(errno, "bind cgroup %s", src);
	return 0;
}

/* A tmpfs with one read-only bind of the container's cgroup per v1
 * hierarchy, named like the host's mount points. */
static int v1_mount(struct cgroup *cg, int dest_fd, const struct spec_mount *m, bool cgroupns)
{
	struct v1 *v = cg->priv;
	bool ro = false;
	(void)cgroupns;
	for (size_t i = 0; i < m->n_options; i++)
		ro = ro || strcmp(m->options[i], "ro") == 0;
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "755", 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return err_set(errno, "create the cgroup tmpfs");
	_cleanup_close_ int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
					       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
						       MOUNT_ATTR_NOEXEC | MOUNT_ATTR_RELATIME);
	if (mnt < 0 || syscall(SYS_move_mount, mnt, "", dest_fd, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(errno, "mount the cgroup tmpfs");
	for (size_t i = 0; i < v->n; i++) {
		const struct hier *h = &v->h[i];
		if (!*h->ctrl)
			continue; /* the hybrid cgroup2 mount is not shown, as in runc */
		const char *name = strrchr(h->mnt, '/') + 1;
		if (mkdirat(mnt, name, 0755) < 0)
			return err_set(errno, "mkdir cgroup %s", name);
		_cleanup_close_ int sub = openat(mnt, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0 || bind_cgroup(h->dir, sub, ro) < 0)
			return -1;
		/* co-mounted controllers ("cpu,cpuacct") get a link per name */
		if (strchr(name, ',')) {
			_cleanup_free_ char *names = xstrdup(name);
			char *save = NULL;
			for (char *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save))
				(void)symlinkat(name, mnt, t);
		}
	}
	return 0;
}

const struct cgroup_driver cgroup_v1_driver = {
	.name = "cgroupfs-v1",
	.init = v1_init,
	.apply = v1_apply,
	.kill_all = v1_kill_all,
	.pids = v1_pids,
	.destroy = v1_destroy,
	.mount = v1_mount,
	.fini = v1_fini,
};
