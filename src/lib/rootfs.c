/* SPDX-License-Identifier: Apache-2.0 */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/mount.h>
#include <linux/openat2.h>

#include "devices.h"
#include "log.h"
#include "mount_opts.h"
#include "rootfs_util.h"

/* /proc entries a config may mount over (runc's list); anything else under
 * /proc could be used to hide or redirect the kernel's own files. */
static const char *const proc_allowed[] = {
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",  "/proc/stat",
	"/proc/swaps",   "/proc/uptime",    "/proc/loadavg",  "/proc/slabinfo",
	"/proc/net/dev", "/proc/sys/kernel/ns_last_pid", NULL};

static bool is_bind(const struct spec_mount *m, const struct mount_opts *o)
{
	return o->bind || (m->type && strcmp(m->type, "bind") == 0);
}

static int check_proc_dest(const struct spec_mount *m, size_t i)
{
	const char *d = m->destination;
	if (!str_has_prefix(d, "/proc/"))
		return 0;
	for (size_t k = 0; proc_allowed[k]; k++)
		if (strcmp(proc_allowed[k], d) == 0)
			return 0;
	return err_set(0, "mounts[%zu].destination \"%s\": mounting over /proc is not allowed", i,
		       d);
}

int rootfs_validate(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		struct mount_opts o;
		if (mount_opts_parse(m->options, m->n_options, &o) < 0)
			return err_prefix("mounts[%zu].options", i);
		bool bind = is_bind(m, &o);
		mount_opts_free(&o);
		if (!bind && !m->type)
			return err_set(0, "mounts[%zu].type: required for a non-bind mount", i);
		if (bind && !m->source)
			return err_set(0, "mounts[%zu].source: required for a bind mount", i);
		if (strcmp(m->destination, "/") == 0)
			return err_set(0, "mounts[%zu].destination: cannot mount over the root", i);
		if (check_proc_dest(m, i) < 0)
			return -1;
	}
	return 0;
}

/* Makes dest_fd's mount (just attached) carry the requested propagation. */
static int set_propagation(int rootfd, const char *dest, unsigned long prop)
{
	if (!prop)
		return 0;
	_cleanup_close_ int fd = open_in_root(rootfd, dest, O_PATH);
	if (fd < 0)
		return -1;
	struct mount_attr a = {.propagation = prop & ~MS_REC};
	unsigned flags = AT_EMPTY_PATH | ((prop & MS_REC) ? AT_RECURSIVE : 0);
	if (syscall(SYS_mount_setattr, fd, "", flags, &a, sizeof(a)) < 0)
		return err_set(errno, "set propagation");
	return 0;
}

/* A bind mount built detached (open_tree), given its flags there, then
 * attached onto the destination fd: the flags hold from the first moment. */
static int bind_mount(const char *source, int dest_fd, const struct mount_opts *o)
{
	unsigned tflags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((o->flags & MS_REC) ? AT_RECURSIVE : 0);
	_cleanup_close_ int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source, tflags);
	if (tree < 0)
		return err_set(errno, "bind source %s", source);
	struct mount_attr a = {0};
	mount_attr_from_flags(o->flags, o->clear, &a);
	if ((a.attr_set || a.attr_clr) &&
	    syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return err_set(errno, "set mount flags");
	if (syscall(SYS_move_mount, tree, "", dest_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(errno, "attach bind mount of %s", source);
	return 0;
}

static int fs_mount(const struct spec_mount *m, int dest_fd, const struct mount_opts *o)
{
	char target[64];
	unsigned long flags = o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", dest_fd);
	if (mount(m->source ? m->source : m->type, target, m->type, flags, o->data) == 0)
		return 0;
	int e = errno;
	/* without its own network namespace sysfs cannot be mounted: runc
	 * binds the host's /sys instead */
	if (e == EPERM && strcmp(m->type, "sysfs") == 0) {
		struct mount_opts b = *o;
		b.flags |= MS_BIND | MS_REC;
		return bind_mount("/sys", dest_fd, &b);
	}
	return err_set(e, "mount %s", m->type);
}

static int do_mount(const struct rootfs_ctx *c, int rootfd, const struct spec_mount *m, size_t i)
{
	struct mount_opts o;
	if (mount_opts_parse(m->options, m->n_options, &o) < 0)
		return err_prefix("mounts[%zu].options", i);
	bool bind = is_bind(m, &o);
	bool file = false;
	if (bind) {
		struct stat sb;
		if (stat(m->source, &sb) < 0) {
			mount_opts_free(&o);
			return err_set(errno, "mounts[%zu].source \"%s\"", i, m->source);
		}
		file = !S_ISDIR(sb.st_mode);
	}
	int rc = -1;
	_cleanup_close_ int dest = ensure_in_root(rootfd, m->destination, file);
	if (dest < 0) {
		err_prefix("mounts[%zu].destination \"%s\"", i, m->destination);
	} else if (m->type && strcmp(m->type, "cgroup") == 0) {
		rc = c->mount_cgroup ? c->mount_cgroup(dest, m, c->ud) : 0;
	} else {
		rc = bind ? bind_mount(m->source, dest, &o) : fs_mount(m, dest, &o);
		if (rc == 0)
			rc = set_propagation(rootfd, m->destination, o.propagation);
	}
	if (rc < 0 && dest >= 0)
		err_prefix("mounts[%zu] (%s on %s)", i, m->type ? m->type : "bind", m->destination);
	mount_opts_free(&o);
	return rc;
}

/* pivot_root refuses a new root whose parent mount is shared: with a
 * "shared" rootfsPropagation, make the mount holding the rootfs private. */
static int make_parent_private(const char *rootfs)
{
	_cleanup_free_ char *p = xstrdup(rootfs);
	for (;;) {
		char *slash = strrchr(p, '/');
		if (!slash)
			return 0;
		*(slash == p ? slash + 1 : slash) = '\0';
		struct statx sx;
		if (statx(AT_FDCWD, p, 0, 0, &sx) == 0 && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT)) {
			if (mount(NULL, p, NULL, MS_PRIVATE, NULL) < 0)
				return err_set(errno, "make %s private", p);
			return 0;
		}
		if (strcmp(p, "/") == 0)
			return 0;
	}
}

int rootfs_prepare(const struct rootfs_ctx *c)
{
	const struct spec *s = c->spec;
	unsigned long prop = s->linux.rootfs_propagation ? s->linux.rootfs_propagation
							 : MS_SLAVE | MS_REC;
	umask(0);
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return err_set(errno, "set rootfs propagation");
	if ((prop & MS_SHARED) && make_parent_private(c->rootfs) < 0)
		return -1;
	if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_set(errno, "bind the rootfs %s onto itself", c->rootfs);
	_cleanup_close_ int rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_set(errno, "open rootfs %s", c->rootfs);
	for (size_t i = 0; i < s->n_mounts; i++)
		if (do_mount(c, rootfd, &s->mounts[i], i) < 0)
			return -1;
	return devices_create(rootfd, s, c->userns);
}

int rootfs_pivot(const struct rootfs_ctx *c)
{
	_cleanup_close_ int newroot = open(c->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (newroot < 0 || fchdir(newroot) < 0)
		return err_set(errno, "enter rootfs %s", c->rootfs);
	if (c->no_pivot) {
		if (mount(c->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
			return err_set(errno, "move rootfs to /");
		if (chroot(".") < 0)
			return err_set(errno, "chroot");
	} else {
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return err_set(errno, "pivot_root");
		/* the old root now sits on top of "."; detach it without its
		 * unmount propagating back to the host */
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return err_set(errno, "make the old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			return err_set(errno, "detach the old root");
	}
	if (chdir("/") < 0)
		return err_set(errno, "chdir /");
	return 0;
}

int rootfs_finalize(const struct rootfs_ctx *c)
{
	const struct spec *s = c->spec;
	_cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_set(errno, "open /");
	for (size_t i = 0; s->linux.readonly_paths && s->linux.readonly_paths[i]; i++)
		if (readonly_path(rootfd, s->linux.readonly_paths[i]) < 0)
			return err_prefix("linux.readonlyPaths[%zu]", i);
	for (size_t i = 0; s->linux.masked_paths && s->linux.masked_paths[i]; i++)
		if (mask_path(rootfd, s->linux.masked_paths[i]) < 0)
			return err_prefix("linux.maskedPaths[%zu]", i);
	if (s->root_readonly) {
		struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
		if (syscall(SYS_mount_setattr, rootfd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
			return err_set(errno, "make the root read-only");
	}
	umask(022);
	return 0;
}
