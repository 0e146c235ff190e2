/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v2 (unified): one directory, controllers enabled from the root
 * down through each ancestor's cgroup.subtree_control, the init born in
 * its cgroup (clone3 CLONE_INTO_CGROUP), cgroup.freeze and cgroup.kill,
 * and a "cgroup" mount showing the container's directory. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/mount.h>

#include "cgroup_v2.h"
#include "log.h"
#include "mount_opts.h"
#include "procparse.h"
#include "rootfs_util.h"

#define V2_MNT "/sys/fs/cgroup"

static bool v2_line(const struct proc_cgroup_entry *e, const void *ud)
{
	(void)ud;
	return proc_cgroup_is_v2(e) && e->path[0] == '/';
}

/* Our own cgroup ("/a/b", "" for the root) from the "0::" line. */
static char *own_cgroup(void)
{
	return proc_self_cgroup(v2_line, NULL);
}

static int v2_init(struct cgroup *cg)
{
	struct v2 *v = xcalloc(1, sizeof(*v));
	cg->priv = v;
	v->fd = -1;
	v->mnt = xstrdup(V2_MNT);
	if (cg->path[0] == '/') {
		v->base = xstrdup(v->mnt);
		v->dir = xasprintf("%s%s", v->mnt, cg->path);
		return 0;
	}
	/* as runc: relative paths go next to our own cgroup, under its parent,
	 * since a cgroup holding processes (ours) cannot give its children
	 * controllers ("no internal processes") */
	_cleanup_free_ char *own = own_cgroup();
	char *slash = strrchr(own, '/');
	if (slash)
		*slash = '\0';
	v->base = xasprintf("%s%s", v->mnt, own);
	v->dir = xasprintf("%s/%s", v->base, cg->path);
	return 0;
}

static void v2_fini(struct cgroup *cg)
{
	struct v2 *v = cg->priv;
	if (!v)
		return;
	if (v->fd >= 0)
		close(v->fd);
	free(v->mnt);
	free(v->base);
	free(v->dir);
	free(v);
	cg->priv = NULL;
}

/* Enables in DIR's children every controller DIR has; best effort, as
 * runc: all at once, else one by one (one the kernel refuses, e.g. in a
 * cgroup with processes of its own, must not stop the others). A limit
 * that needs a missing controller fails later, naming the field. */
static void enable_controllers(const char *dir)
{
	_cleanup_free_ char *avail = NULL, *on = NULL;
	if (cgroup_file_read(dir, "cgroup.controllers", &avail) < 0 ||
	    cgroup_file_read(dir, "cgroup.subtree_control", &on) < 0) {
		log_debug("cgroup: %s", err_msg());
		err_clear();
		return;
	}
	_cleanup_free_ char *all = xcalloc(1, 2 * strlen(avail) + 2);
	_cleanup_free_ char *pad = xasprintf(" %s ", on);
	size_t o = 0;
	for (char *s = avail, *save = NULL, *t; (t = strtok_r(s, " ", &save)); s = NULL) {
		_cleanup_free_ char *key = xasprintf(" %s ", t);
		if (!strstr(pad, key))
			o += (size_t)sprintf(all + o, "%s+%s", o ? " " : "", t);
	}
	if (!*all || cgroup_file_write(dir, "cgroup.subtree_control", all) == 0)
		return;
	err_clear();
	for (char *s = all, *save = NULL, *t; (t = strtok_r(s, " ", &save)); s = NULL)
		if (cgroup_file_write(dir, "cgroup.subtree_control", t) < 0) {
			log_debug("cgroup: %s", err_msg());
			err_clear();
		}
}

/* Controllers from the mount down to the container's parent, then mkdir
 * -p below the base (which exists: the mount or our parent cgroup). */
static int make_dirs(const struct v2 *v)
{
	_cleanup_free_ char *p = xstrdup(v->dir);
	size_t base_len = strlen(v->base), mnt_len = strlen(v->mnt);
	for (char *s = p + mnt_len;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if ((size_t)(s - p) > base_len && mkdir(p, 0755) < 0 && errno != EEXIST)
			return err_set(errno, "create cgroup %s", p);
		if (!c)
			return 0;
		enable_controllers(p);
		*s = c;
	}
}

static int open_dir(struct v2 *v)
{
	v->fd = open(v->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (v->fd < 0)
		return err_set(errno, "open cgroup %s", v->dir);
	return 0;
}

/* Joining an existing cgroup is allowed (runc warns); one that is frozen
 * would stop the init in its tracks. */
static void warn_existing(const struct v2 *v)
{
	_cleanup_free_ char *fz = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	/* runc 1.1's words (it adds that 1.2 refuses this) */
	if (cgroup_procs_read(v->dir, &pids, &n) == 0 && n)
		log_warn("container's cgroup is not empty: %zu process(es) found", n);
	if (v2_read(v, "cgroup.freeze", &fz) == 0 && !strcmp(fz, "1"))
		log_warn("cgroup %s is frozen", v->dir);
	err_clear();
}

static int v2_prepare(struct cgroup *cg, const struct spec *s)
{
	struct v2 *v = cg->priv;
	if (v->fd >= 0)
		return v->fd;
	if (make_dirs(v) < 0 || open_dir(v) < 0)
		return -1;
	if (!cg->managed) /* a systemd unit holds the init already */
		warn_existing(v);
	if (s && v2_dev_attach(v->fd, s->linux.dev_rules, s->linux.n_dev_rules) < 0) {
		/* loading BPF needs privilege; as runc, a rootless container goes
		 * without the filter (its user namespace cannot mknod, and the
		 * host's device permissions still hold) */
		if (errno != EPERM || geteuid() == 0)
			return err_prefix("linux.resources.devices");
		log_debug("rootless: no eBPF device filter: %s", err_msg());
		err_clear();
	}
	if (s && v2_set(cg, &s->linux.resources) < 0)
		return -1;
	return v->fd;
}

/* The fallback for when the init could not be born in its cgroup. */
static int v2_apply(struct cgroup *cg, const struct spec *s, pid_t pid)
{
	struct v2 *v = cg->priv;
	char buf[24];
	if (v2_prepare(cg, s) < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (cgroup_file_write(v->dir, "cgroup.procs", buf) < 0)
		return err_prefix("join cgroup");
	return 0;
}

static void pause_ms(long ms)
{
	nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

/* Waits until cgroup.events says "frozen WANT"; the kernel notifies a
 * change of the file with POLLPRI, but a slow guest is simpler to poll. */
static int wait_frozen(const struct v2 *v, bool want)
{
	_cleanup_free_ char *p = xasprintf("%s/cgroup.events", v->dir);
	for (int i = 0; i < 3000; i++) {
		_cleanup_free_ char *ev = NULL;
		if (v2_read(v, "cgroup.events", &ev) < 0)
			return -1;
		if (v2_kv(ev, "frozen") == (want ? 1 : 0))
			return 0;
		_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
		struct pollfd pf = {.fd = fd, .events = POLLPRI};
		if (fd < 0 || poll(&pf, 1, 10) < 0)
			pause_ms(10);
	}
	return err_set(0, "%s %s: cgroup.events does not say frozen %d after 30 s",
		       want ? "freeze" : "thaw", v->dir, want);
}

static int v2_freeze(struct cgroup *cg, bool frozen)
{
	struct v2 *v = cg->priv;
	if (!v2_has(v, "cgroup.freeze"))
		return err_set(0, "%s: no cgroup.freeze (the kernel is older than 5.2)", v->dir);
	if (cgroup_file_write(v->dir, "cgroup.freeze", frozen ? "1" : "0") < 0)
		return err_prefix(frozen ? "freeze" : "thaw");
	if (wait_frozen(v, frozen) < 0) {
		if (frozen) /* never leave it half frozen */
			(void)cgroup_file_write(v->dir, "cgroup.freeze", "0");
		return -1;
	}
	return 0;
}

static char *v2_freeze_file(struct cgroup *cg)
{
	const struct v2 *v = cg->priv;
	return xasprintf("%s/cgroup.freeze", v->dir);
}

static int v2_pids(struct cgroup *cg, pid_t **out, size_t *n)
{
	const struct v2 *v = cg->priv;
	return cgroup_procs_read(v->dir, out, n);
}

/* cgroup.kill (5.14+) kills the whole subtree at once, forks included;
 * other signals go one process at a time. */
static int v2_kill_all(struct cgroup *cg, int sig)
{
	const struct v2 *v = cg->priv;
	if (sig == SIGKILL && v2_has(v, "cgroup.kill")) {
		if (cgroup_file_write(v->dir, "cgroup.kill", "1") == 0)
			return 0;
		if (access(v->dir, F_OK) == 0)
			return -1;
		err_clear(); /* gone: nothing left to kill */
		return 0;
	}
	return cgroup_kill_procs(v->dir, sig);
}

static int v2_destroy(struct cgroup *cg)
{
	struct v2 *v = cg->priv;
	_cleanup_free_ char *fz = NULL;
	/* a frozen task can die, but let the exit path run right away */
	if (ERR_KEEP(v2_read(v, "cgroup.freeze", &fz)) == 0 && !strcmp(fz, "1"))
		(void)ERR_KEEP(cgroup_file_write(v->dir, "cgroup.freeze", "0"));
	return cgroup_remove(v->dir, cg->managed ? NULL : v->base, cgroup_deadline(5000));
}

/* The directory and the interface files a delegatee may write: those of
 * /sys/kernel/cgroup/delegate (cgroups(7)), else runtime-spec's three.
 * Files this cgroup lacks (memory.oom.group without memory) are skipped;
 * the group stays, as runc leaves it. */
static int v2_delegate(struct cgroup *cg, uid_t uid)
{
	const struct v2 *v = cg->priv;
	_cleanup_close_ int dfd = open(v->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fchown(dfd, uid, (gid_t)-1) < 0)
		return err_set(errno, "chown cgroup %s to %u", v->dir, (unsigned)uid);
	_cleanup_free_ char *list = NULL;
	if (read_file_at(AT_FDCWD, "/sys/kernel/cgroup/delegate", 4096, &list, NULL) < 0) {
		err_clear();
		list = xstrdup("cgroup.procs\ncgroup.subtree_control\ncgroup.threads\n");
	}
	for (char *s = list, *save = NULL, *f; (f = strtok_r(s, "\n", &save)); s = NULL)
		if (fchownat(dfd, f, uid, (gid_t)-1, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
			return err_set(errno, "chown %s/%s to %u", v->dir, f, (unsigned)uid);
	return 0;
}

/* ---- the container's view ---- */

static int move_to(int tree, int dest_fd, const char *what)
{
	if (syscall(SYS_move_mount, tree, "", dest_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(errno, "mount %s", what);
	return 0;
}

/* In a cgroup namespace, a new cgroup2 mount, whose root is the
 * namespace's (the container's cgroup); else a bind of the container's
 * directory: the container sees its own cgroup at the top either way. */
static int v2_mount(struct cgroup *cg, int dest_fd, const struct spec_mount *m, bool cgroupns)
{
	const struct v2 *v = cg->priv;
	struct mount_attr a = {0};
	mount_attr_from_flags(m->opts.flags, m->opts.clear, &a);
	_cleanup_close_ int tree = -1;
	if (cgroupns) {
		_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "cgroup2", FSOPEN_CLOEXEC);
		if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
			return err_set(errno, "mount cgroup2 on %s", m->destination);
		tree = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, a.attr_set);
		if (tree < 0)
			return err_set(errno, "mount cgroup2 on %s", m->destination);
	} else {
		tree = (int)syscall(SYS_open_tree, AT_FDCWD, v->dir,
				    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (tree < 0)
			return err_set(errno, "bind %s", v->dir);
		if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
			return err_set(errno, "set the attributes of %s", v->dir);
	}
	return move_to(tree, dest_fd, m->destination);
}

const struct cgroup_driver cgroup_v2_driver = {
    .name = "cgroupfs-v2",
    .init = v2_init,
    .prepare = v2_prepare,
    .apply = v2_apply,
    .set = v2_set,
    .freeze = v2_freeze,
    .freeze_file = v2_freeze_file,
    .stats = v2_stats,
    .oom_fd = v2_oom_fd,
    .oom_read = v2_oom_read,
    .kill_all = v2_kill_all,
    .pids = v2_pids,
    .destroy = v2_destroy,
    .delegate = v2_delegate,
    .mount = v2_mount,
    .fini = v2_fini,
};
