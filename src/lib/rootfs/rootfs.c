/* SPDX-License-Identifier: Apache-2.0 */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/magic.h>
#include <linux/mount.h>

#include "devices.h"
#include "idmap.h"
#include "log.h"
#include "lsm.h"
#include "mount_tree.h"
#include "mount_opts.h"
#include "procparse.h"
#include "rootfs_util.h"

/* /proc entries a config may mount over (lxcfs's set, as runc allows);
 * anything else under /proc could hide or redirect the kernel's own files. */
static const char *const proc_allowed[] = {"/proc/cpuinfo",
					   "/proc/diskstats",
					   "/proc/meminfo",
					   "/proc/stat",
					   "/proc/swaps",
					   "/proc/uptime",
					   "/proc/loadavg",
					   "/proc/slabinfo",
					   "/proc/net/dev",
					   "/proc/sys/kernel/ns_last_pid",
					   NULL};

static bool is_type(const struct spec_mount *m, const char *type)
{
	return m->type && strcmp(m->type, type) == 0;
}

static bool is_bind(const struct spec_mount *m, const struct mount_opts *o)
{
	return o->bind || is_type(m, "bind");
}

static bool proc_dest_allowed(const char *d)
{
	for (size_t k = 0; proc_allowed[k]; k++)
		if (strcmp(proc_allowed[k], d) == 0)
			return true;
	return false;
}

int rootfs_validate(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		bool bind = is_bind(m, &m->opts);
		if (idmap_validate_mount(s, i, &m->opts, bind) < 0)
			return -1;
		if (!bind && !m->type)
			return err_set(0, "mounts[%zu].type: required for a non-bind mount", i);
		if (bind && !m->source)
			return err_set(0, "mounts[%zu].source: required for a bind mount", i);
		if (strcmp(m->destination, "/") == 0)
			return err_set(0, "mounts[%zu].destination: cannot mount over the root", i);
		if (str_has_prefix(m->destination, "/proc/") && !proc_dest_allowed(m->destination))
			return err_set(0,
				       "mounts[%zu].destination \"%s\": mounting inside /proc is "
				       "not allowed",
				       i, m->destination);
	}
	return 0;
}

/* ---- mountinfo ---- */

struct shared_q {
	unsigned long long id;
	bool shared;
};

static int find_shared(const struct mountinfo_entry *e, void *ud)
{
	struct shared_q *q = ud;
	if (e->id != q->id)
		return 0;
	q->shared = mountinfo_has_optional(e, "shared:");
	return 1;
}

int mountinfo_shared(unsigned long long mnt_id, bool *shared)
{
	struct shared_q q = {.id = mnt_id};
	if (mountinfo_read(find_shared, &q) < 0)
		return -1;
	*shared = q.shared;
	return 0;
}

/* pivot_root refuses a new root whose parent mount is shared: make the mount
 * holding the rootfs private when (and only when) it is shared. */
static int make_parent_private(const char *rootfs)
{
	_cleanup_close_ int fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno, "open rootfs %s", rootfs);
	struct statx sx;
	for (int depth = 0;; depth++) {
		if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0)
			return err_set(errno, "statx %s", rootfs);
		if ((sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) || depth > 4096)
			break;
		int up = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (up < 0)
			return err_set(errno, "open the parent of %s", rootfs);
		close(fd);
		fd = up;
	}
	bool shared = false;
	if (mountinfo_shared(sx.stx_mnt_id, &shared) < 0)
		return -1;
	if (!shared)
		return 0;
	struct mount_attr a = {.propagation = MS_PRIVATE};
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return err_set(errno, "make the mount holding %s private", rootfs);
	return 0;
}

/* ---- spec mounts ---- */

static int set_propagation(int mnt_fd, unsigned long prop)
{
	struct mount_attr a = {.propagation = prop & ~MS_REC};
	return set_mount_attrs(mnt_fd, &a, prop & MS_REC, "mount propagation");
}

/* Attaches a detached tree onto the destination fd, then sets the
 * propagation (which a detached mount cannot take). */
static int attach_tree(int tree, int dest_fd, const char *source, const char *dest,
		       const struct mount_opts *o)
{
	if (syscall(SYS_move_mount, tree, "", dest_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(errno, "bind mount \"%s\" on \"%s\"", source, dest);
	/* tree is now the attached mount */
	return o->propagation ? set_propagation(tree, o->propagation) : 0;
}

/* A bind mount built detached (open_tree), given its flags there, then
 * attached onto the destination fd: the flags hold from the first moment.
 * As runc's remount, the flags apply to the top mount only unless
 * rec_attrs (the sysfs fallback, where all of /sys must end up read-only). */
static int bind_mount(const char *source, int dest_fd, const char *dest, const struct mount_opts *o,
		      bool rec_attrs)
{
	_cleanup_close_ int tree = bind_tree_open(AT_FDCWD, source, o, rec_attrs);
	if (tree < 0)
		return -1;
	return attach_tree(tree, dest_fd, source, dest, o);
}

static unsigned long long mnt_id_of(int fd)
{
	struct statx sx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0)
		return 0;
	return sx.stx_mnt_id;
}

/* After mount(2) onto dest_fd, the fd of the new mount: the path resolved
 * again inside the root, and checked to be the root of a mount other than
 * the one dest_fd was on. */
static int open_new_mount(int rootfd, const char *dest, int dest_fd)
{
	/* a directory opened for reading: fchmod needs more than O_PATH */
	_cleanup_close_ int fd = open_in_root(rootfd, dest, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	struct statx sx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0)
		return err_set(errno, "statx %s", dest);
	if (!(sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) || sx.stx_mnt_id == mnt_id_of(dest_fd))
		return err_set(0, "%s changed while being mounted", dest);
	return take_fd(&fd);
}

/* mount(2) with the destination given as the fd's magic link: the kernel
 * mounts on exactly what dest_fd resolved to. */
static int mount_at(const char *src, int dest_fd, const char *type, unsigned long flags,
		    const char *data)
{
	char target[64];
	snprintf(target, sizeof(target), "/proc/self/fd/%d", dest_fd);
	return mount(src, target, type, flags, data);
}

struct mount_job {
	const struct rootfs_ctx *c;
	int rootfd;
	const struct spec_mount *m;
	const struct mount_opts *o;
	int dest_fd;
	int tree_fd; /* a tree built by the runtime (idmap.h), or -1 */
	bool existed;
	mode_t old_mode;
};

static int fs_mount(const struct mount_job *j)
{
	const struct spec_mount *m = j->m;
	const struct mount_opts *o = j->o;
	bool tmpfs = is_type(m, "tmpfs"), dev = strcmp(m->destination, "/dev") == 0;
	unsigned long flags = o->flags & ~(MS_BIND | MS_REC);
	/* /dev gets its devices, a tmpfs is read-only per mount (as runc): ro
	 * comes later (rootfs_finalize for /dev) */
	if (tmpfs || dev)
		flags &= ~MS_RDONLY;
	bool copyup = tmpfs && o->tmpcopyup;
	/* the directory the tmpfs covers, opened while it still can be */
	_cleanup_close_ int under = -1;
	if (copyup && (under = openat(j->dest_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set(errno, "open \"%s\" for tmpcopyup", m->destination);
	/* linux.mountLabel labels the filesystems that take a context= */
	bool labelled = !is_type(m, "proc") && !is_type(m, "sysfs") && !is_type(m, "cgroup");
	_cleanup_free_ char *data =
	    lsm_mount_data(o->data, labelled ? j->c->spec->linux.mount_label : NULL);
	if (mount_at(m->source, j->dest_fd, m->type, flags, data) < 0) {
		int e = errno;
		/* without its own network namespace sysfs cannot be mounted:
		 * bind the host's /sys instead, as runc does */
		if (e == EPERM && is_type(m, "sysfs")) {
			struct mount_opts b = *o;
			b.flags |= MS_BIND | MS_REC;
			return bind_mount("/sys", j->dest_fd, m->destination, &b, true);
		}
		if (data)
			return err_set(e, "mount %s on \"%s\" with data \"%s\"", m->type,
				       m->destination, data);
		return err_set(e, "mount %s on \"%s\"", m->type, m->destination);
	}
	bool late_ro = tmpfs && !dev && (o->flags & MS_RDONLY);
	/* runc gives a tmpfs the mode of the directory it covers */
	bool chmod_root = tmpfs && j->existed;
	bool rec = o->rec_set || o->rec_clr;
	if (!late_ro && !chmod_root && !o->propagation && !rec && !copyup)
		return 0;
	_cleanup_close_ int mnt = open_new_mount(j->rootfd, m->destination, j->dest_fd);
	if (mnt < 0)
		return -1;
	if (copyup && copy_tree(under, mnt) < 0)
		return err_prefix("tmpcopyup \"%s\"", m->destination);
	if (chmod_root && fchmod(mnt, j->old_mode & 07777) < 0)
		return err_set(errno, "chmod the tmpfs");
	struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
	if (late_ro && set_mount_attrs(mnt, &a, false, "read-only") < 0)
		return -1;
	struct mount_attr r = {.attr_set = o->rec_set, .attr_clr = o->rec_clr};
	if (rec && set_mount_attrs(mnt, &r, true, "recursive mount attributes") < 0)
		return -1;
	return o->propagation ? set_propagation(mnt, o->propagation) : 0;
}

static int cgroup_mount(const struct mount_job *j)
{
	if (j->c->mount_cgroup)
		return j->c->mount_cgroup(j->dest_fd, j->m, j->c->ud);
	struct statfs sf;
	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
		unsigned long flags = j->o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
		if (mount_at("cgroup2", j->dest_fd, "cgroup2", flags, NULL) < 0)
			return err_set(errno, "mount cgroup2");
		return 0;
	}
	log_debug("no cgroup driver: skipping the cgroup mount on %s", j->m->destination);
	return 0;
}

/* Whether a destination found on a procfs is one that may be covered,
 * judged by where it resolved to (a symlink may have led there). */
static bool proc_dest_ok(const struct mount_job *j)
{
	char link[64], where[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", j->dest_fd);
	ssize_t n = readlink(link, where, sizeof(where) - 1);
	if (n < 0)
		return false;
	where[n] = '\0';
	const char *rootfs = j->c->rootfs;
	size_t rl = strlen(rootfs);
	while (rl > 1 && rootfs[rl - 1] == '/')
		rl--;
	if (strncmp(where, rootfs, rl) != 0 || (where[rl] != '/' && where[rl] != '\0'))
		return false;
	const char *in = where[rl] ? where + rl : "/";
	/* the path the config names, not one a symlink led to (CVE-2019-19921:
	 * "/vol/evil/proc" with evil -> / would shadow the real /proc) */
	if (strcmp(in, j->m->destination) != 0)
		return false;
	return strcmp(in, "/proc") == 0 || proc_dest_allowed(in);
}

/* The destination inside the rootfs, created when missing; refuses one
 * that a symlink led into /proc. */
static int resolve_dest(struct mount_job *j, bool file)
{
	const char *d = j->m->destination;
	int fd = open_in_root(j->rootfd, d, O_PATH);
	if (fd >= 0) {
		struct stat sb;
		if (fstat(fd, &sb) < 0) {
			close(fd);
			return err_set(errno, "stat");
		}
		j->existed = true;
		j->old_mode = sb.st_mode;
	} else {
		fd = ensure_in_root(j->rootfd, d, file);
		if (fd < 0)
			return -1;
	}
	j->dest_fd = fd;
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return err_set(errno, "statfs");
	if (sf.f_type == PROC_SUPER_MAGIC && !proc_dest_ok(j))
		return err_set(0, "resolves inside /proc, which is not allowed");
	return 0;
}

/* proc and sysfs only on a real directory, never through a symlink (runc). */
static int check_pseudo_dest(const struct mount_job *j)
{
	if (!is_type(j->m, "proc") && !is_type(j->m, "sysfs"))
		return 0;
	_cleanup_close_ int fd = open_in_root(j->rootfd, j->m->destination, O_PATH | O_NOFOLLOW);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode))
		return err_set(0, "filesystem \"%s\" must be mounted on ordinary directory",
			       j->m->type);
	return 0;
}

static int do_mount_job(struct mount_job *j)
{
	const struct spec_mount *m = j->m;
	bool bind = is_bind(m, j->o), file = false;
	if (bind) {
		struct stat sb;
		/* a tree the runtime built: the source may be out of our reach */
		int r = j->tree_fd >= 0 ? fstat(j->tree_fd, &sb) : stat(m->source, &sb);
		if (r < 0)
			return err_set(errno, "source \"%s\"", m->source);
		file = !S_ISDIR(sb.st_mode);
	}
	if (check_pseudo_dest(j) < 0 || resolve_dest(j, file) < 0)
		return err_prefix("destination \"%s\"", m->destination);
	if (bind) {
		struct stat sb;
		if (fstat(j->dest_fd, &sb) < 0)
			return err_set(errno, "stat \"%s\"", m->destination);
		if (S_ISDIR(sb.st_mode) == file)
			return err_set(ENOTDIR, "bind mount \"%s\" on \"%s\"", m->source,
				       m->destination);
		if (j->tree_fd >= 0)
			return attach_tree(j->tree_fd, j->dest_fd, m->source, m->destination, j->o);
		return bind_mount(m->source, j->dest_fd, m->destination, j->o, false);
	}
	if (is_type(m, "cgroup"))
		return cgroup_mount(j);
	if (j->tree_fd >= 0) /* an idmapped filesystem the runtime made */
		return attach_tree(j->tree_fd, j->dest_fd, m->type, m->destination, j->o);
	return fs_mount(j);
}

static int do_mount(const struct rootfs_ctx *c, int rootfd, size_t i)
{
	const struct spec_mount *m = &c->spec->mounts[i];
	struct mount_job j = {.c = c,
			      .rootfd = rootfd,
			      .m = m,
			      .o = &m->opts,
			      .dest_fd = -1,
			      .tree_fd = c->mount_trees ? c->mount_trees[i] : -1};
	log_debug("mounts[%zu]: %s on %s (%s)", i, m->source ? m->source : "none", m->destination,
		  m->type ? m->type : "bind");
	int rc = do_mount_job(&j);
	if (j.dest_fd >= 0)
		close(j.dest_fd);
	return rc < 0 ? err_prefix("mounts[%zu]", i) : 0;
}

/* runc leaves /dev alone (no devices, no links) when it is a bind mount. */
static bool needs_dev_setup(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		if (strcmp(m->destination, "/dev") == 0 && is_bind(m, &m->opts))
			return false;
	}
	return true;
}

int rootfs_prepare(const struct rootfs_ctx *c)
{
	const struct spec *s = c->spec;
	unsigned long prop =
	    s->linux.rootfs_propagation ? s->linux.rootfs_propagation : MS_SLAVE | MS_REC;
	/* the rootfs could not be bound from an unbindable "/": private until
	 * rootfs_finalize makes it unbindable */
	if (prop & MS_UNBINDABLE)
		prop = MS_PRIVATE | (prop & MS_REC);
	umask(0);
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return err_set(errno, "set the propagation of /");
	if (make_parent_private(c->rootfs) < 0)
		return -1;
	if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_set(errno, "bind the rootfs %s onto itself", c->rootfs);
	_cleanup_close_ int rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_set(errno, "open rootfs %s", c->rootfs);
	for (size_t i = 0; i < s->n_mounts; i++)
		if (do_mount(c, rootfd, i) < 0)
			return -1;
	if (!needs_dev_setup(s))
		return 0;
	return devices_create(rootfd, s, c->userns);
}

/* ---- pivot ---- */

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Without pivot_root the host's mounts stay below the new root: detach the
 * host's proc and sysfs (or cover them when locked) so an escape from the
 * chroot finds nothing to reconfigure the host with. */
static int hide_pseudo_fs(const struct mountinfo_entry *e, void *ud)
{
	const char *rootfs = ud;
	if (under(e->mount_point, rootfs) ||
	    (strcmp(e->fstype, "proc") != 0 && strcmp(e->fstype, "sysfs") != 0))
		return 0;
	if (umount2(e->mount_point, MNT_DETACH) == 0)
		return 0;
	struct statfs sf;
	if (statfs(e->mount_point, &sf) < 0 ||
	    (sf.f_type != PROC_SUPER_MAGIC && sf.f_type != SYSFS_MAGIC))
		return 0; /* already gone with a detached parent */
	if (mount("tmpfs", e->mount_point, "tmpfs", MS_RDONLY, NULL) < 0)
		log_debug("cannot hide %s: %s", e->mount_point, strerror(errno));
	return 0;
}

static int move_root(const struct rootfs_ctx *c)
{
	if (mountinfo_read(hide_pseudo_fs, (void *)c->rootfs) < 0)
		return -1;
	if (mount(c->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		return err_set(errno, "move the rootfs %s to /", c->rootfs);
	if (chroot(".") < 0)
		return err_set(errno, "chroot into %s", c->rootfs);
	return 0;
}

/* pivot_root(".", ".") stacks the old root on top of the new one; through
 * an fd of the old root taken before, make it a slave (so its unmount does
 * not reach the host) and detach it. "." alone would be the new root, and
 * the recursive slave would turn the container's shared mounts private. */
static int pivot(const struct rootfs_ctx *c)
{
	_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0)
		return err_set(errno, "open /");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return err_set(errno, "pivot_root %s", c->rootfs);
	if (fchdir(oldroot) < 0)
		return err_set(errno, "enter the old root");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return err_set(errno, "make the old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return err_set(errno, "detach the old root");
	return 0;
}

int rootfs_pivot(const struct rootfs_ctx *c)
{
	_cleanup_close_ int newroot = open(c->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (newroot < 0 || fchdir(newroot) < 0)
		return err_set(errno, "enter rootfs %s", c->rootfs);
	if ((c->no_pivot ? move_root(c) : pivot(c)) < 0)
		return -1;
	if (chdir("/") < 0)
		return err_set(errno, "chdir /");
	return 0;
}

/* ---- after pivot ---- */

/* A read-only /dev was mounted read-write for the devices; now ro. */
static int dev_readonly(const struct spec *s, int rootfd)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		if (strcmp(m->destination, "/dev") != 0 || is_bind(m, &m->opts) ||
		    !(m->opts.flags & MS_RDONLY))
			continue;
		_cleanup_close_ int fd = open_in_root(rootfd, "/dev", O_PATH | O_NOFOLLOW);
		struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
		if (fd < 0 || set_mount_attrs(fd, &a, false, "read-only") < 0)
			return err_prefix("mounts[%zu]: /dev", i);
	}
	return 0;
}

int rootfs_finalize(const struct rootfs_ctx *c)
{
	const struct spec *s = c->spec;
	_cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_set(errno, "open /");
	if (dev_readonly(s, rootfd) < 0)
		return -1;
	/* the new "/" is a private bind; only now can it be made shared (or
	 * anything else) without touching the host's mounts. Unbindable at
	 * the very end: the read-only paths and masks are binds from it. */
	unsigned long prop = s->linux.rootfs_propagation;
	bool unbindable = prop & MS_UNBINDABLE;
	if (prop && !unbindable && mount(NULL, "/", NULL, prop, NULL) < 0)
		return err_set(errno, "linux.rootfsPropagation: set the propagation of /");
	/* before the masks: a mask bound from a read-only root is read-only
	 * too, as in runc */
	if (s->root_readonly) {
		struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
		if (set_mount_attrs(rootfd, &a, false, "read-only") < 0)
			return err_prefix("root.readonly");
	}
	for (size_t i = 0; s->linux.readonly_paths && s->linux.readonly_paths[i]; i++)
		if (readonly_path(rootfd, s->linux.readonly_paths[i]) < 0)
			return err_prefix("linux.readonlyPaths[%zu]", i);
	for (size_t i = 0; s->linux.masked_paths && s->linux.masked_paths[i]; i++)
		if (mask_path(rootfd, s->linux.masked_paths[i]) < 0)
			return err_prefix("linux.maskedPaths[%zu]", i);
	if (unbindable && mount(NULL, "/", NULL, prop, NULL) < 0)
		return err_set(errno, "linux.rootfsPropagation: make / unbindable");
	umask(022);
	return 0;
}
