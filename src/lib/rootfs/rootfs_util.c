/* SPDX-License-Identifier: Apache-2.0 */
#include "rootfs_util.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <limits.h>
#include <string.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/openat2.h>

#include "util.h"

/* as the kernel's own limit on nested symlinks */
#define MAX_LINKS 40

int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	const char *rel = path;
	while (*rel == '/')
		rel++;
	int fd;
	do {
		fd = (int)syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how, sizeof(how));
	} while (fd < 0 && errno == EAGAIN);
	if (fd < 0)
		return err_set(errno, "resolve %s in the rootfs", path);
	return fd;
}

int parent_in_root(int rootfd, const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	*name = slash ? slash + 1 : path;
	if (!slash || slash == path)
		return open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
	_cleanup_free_ char *parent = xasprintf("%.*s", (int)(slash - path), path);
	return ensure_in_root(rootfd, parent, false);
}

/* Length of the first i components of path (a prefix ending before a '/'). */
static size_t prefix_len(const char *path, size_t n_comp)
{
	const char *p = path;
	for (size_t i = 0; i <= n_comp; i++) {
		while (*p == '/')
			p++;
		if (i == n_comp)
			break;
		while (*p && *p != '/')
			p++;
	}
	return (size_t)(p - path);
}

/* One step of ensure_in_root: finds the first missing component of *path and
 * either creates it or, when it is a dangling symlink, rewrites *path to go
 * through the link's target (still taken inside the root). */
static int create_first_missing(int rootfd, char **path, bool file, int *links)
{
	for (size_t i = 0;; i++) {
		size_t plen = prefix_len(*path, i);
		size_t end = plen + strcspn(*path + plen, "/");
		if (end == plen)
			return err_set(ENOENT, "resolve %s in the rootfs", *path);
		_cleanup_free_ char *prefix = xasprintf("%.*s", (int)end, *path);
		_cleanup_close_ int fd = open_in_root(rootfd, prefix, O_PATH);
		if (fd >= 0)
			continue;
		if (errno != ENOENT)
			return -1;
		_cleanup_free_ char *dir = xasprintf("%.*s", (int)plen, *path);
		_cleanup_close_ int dirfd = open_in_root(rootfd, dir, O_PATH | O_DIRECTORY);
		if (dirfd < 0)
			return -1;
		_cleanup_free_ char *name = xasprintf("%.*s", (int)(end - plen), *path + plen);
		char target[PATH_MAX];
		ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
		if (n >= 0) {
			if (++*links > MAX_LINKS)
				return err_set(ELOOP, "resolve %s in the rootfs", *path);
			target[n] = '\0';
			/* an absolute target starts again from the root (in-root) */
			char *next =
			    xasprintf("%s/%s%s", target[0] == '/' ? "" : dir, target, *path + end);
			free(*path);
			*path = next;
			return 0;
		}
		bool last = (*path)[end + strspn(*path + end, "/")] == '\0';
		int r;
		if (last && file) {
			r = openat(dirfd, name,
				   O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
				   0755); /* runc's mode */
			if (r >= 0)
				close(r);
		} else {
			r = mkdirat(dirfd, name, 0755);
		}
		if (r < 0 && errno != EEXIST)
			return err_set(errno, "create %s in the rootfs", prefix);
		return 0;
	}
}

int ensure_in_root(int rootfd, const char *path, bool file)
{
	_cleanup_free_ char *cur = xstrdup(path);
	int links = 0;
	/* each round creates one component or expands one symlink */
	for (int round = 0; round < 4096; round++) {
		int fd = open_in_root(rootfd, cur, O_PATH);
		if (fd >= 0 || errno != ENOENT)
			return fd;
		if (create_first_missing(rootfd, &cur, file, &links) < 0)
			return -1;
	}
	return err_set(ELOOP, "create %s in the rootfs", path);
}

void mount_attr_from_flags(unsigned long set, unsigned long clear, struct mount_attr *a)
{
	static const struct {
		unsigned long ms;
		uint64_t attr;
	} map[] = {
	    {MS_RDONLY, MOUNT_ATTR_RDONLY},	    {MS_NOSUID, MOUNT_ATTR_NOSUID},
	    {MS_NODEV, MOUNT_ATTR_NODEV},	    {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
	    {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (set & map[i].ms)
			a->attr_set |= map[i].attr;
		if (clear & map[i].ms)
			a->attr_clr |= map[i].attr;
	}
	/* the atime modes are one field: choosing one replaces the others */
	uint64_t atime = (set & MS_NOATIME)	  ? MOUNT_ATTR_NOATIME
			 : (set & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME
			 : (set & MS_RELATIME)	  ? MOUNT_ATTR_RELATIME
						  : UINT64_MAX;
	if (atime != UINT64_MAX) {
		a->attr_clr |= MOUNT_ATTR__ATIME;
		a->attr_set |= atime;
	}
}

static int attach(int tree, int dest, const char *what)
{
	if (syscall(SYS_move_mount, tree, "", dest, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(errno, "mount over %s", what);
	return 0;
}

/* An empty read-only tmpfs, detached; shown as "tmpfs tmpfs ro" like runc's. */
static int ro_tmpfs(void)
{
	_cleanup_close_ int fsfd = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fsfd < 0 ||
	    syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
	    syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
}

/* A clone of the container's /dev/null, checked to be the real null device
 * so a file planted there cannot take its place. */
static int dev_null_tree(int rootfd)
{
	_cleanup_close_ int fd = open_in_root(rootfd, "/dev/null", O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		return err_set(errno, "stat /dev/null");
	if (!S_ISCHR(sb.st_mode) || sb.st_rdev != makedev(1, 3))
		return err_set(0, "/dev/null is not the null device");
	int tree = (int)syscall(SYS_open_tree, fd, "",
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return err_set(errno, "clone /dev/null");
	return tree;
}

int mask_path(int rootfd, const char *path)
{
	/* symlinks are followed, but only inside the container's root */
	_cleanup_close_ int dest = open_in_root(rootfd, path, O_PATH);
	if (dest < 0)
		return errno == ENOENT ? 0 : -1;
	struct stat sb;
	if (fstat(dest, &sb) < 0)
		return err_set(errno, "stat %s", path);
	_cleanup_close_ int tree = -1;
	if (S_ISDIR(sb.st_mode)) {
		tree = ro_tmpfs();
		if (tree < 0)
			return err_set(errno, "create a tmpfs to mask %s", path);
	} else {
		tree = dev_null_tree(rootfd);
		if (tree < 0)
			return err_prefix("mask %s", path);
	}
	return attach(tree, dest, path);
}

int readonly_path(int rootfd, const char *path)
{
	_cleanup_close_ int dest = open_in_root(rootfd, path, O_PATH);
	if (dest < 0)
		return errno == ENOENT ? 0 : -1;
	_cleanup_close_ int tree =
	    (int)syscall(SYS_open_tree, dest, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return err_set(errno, "clone %s", path);
	/* only ro is added: nosuid, nodev... stay as they were (runc keeps them) */
	struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
		return err_set(errno, "make %s read-only", path);
	return attach(tree, dest, path);
}

/* ---- copy_tree ---- */

static int copy_file(int src, int dst, const char *name)
{
	_cleanup_close_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return err_set(errno, "open");
	_cleanup_close_ int out =
	    openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return err_set(errno, "create");
	/* sendfile copies between any two files, also across filesystems
	 * (copy_file_range may not) */
	for (;;) {
		ssize_t n = sendfile(out, in, NULL, 1 << 30);
		if (n == 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return err_set(errno, "copy");
	}
}

static int copy_dir(int src, int dst, const char *name)
{
	if (mkdirat(dst, name, 0700) < 0)
		return err_set(errno, "mkdir");
	_cleanup_close_ int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s < 0 || d < 0)
		return err_set(errno, "open");
	return copy_tree(s, d);
}

static int copy_symlink(int src, int dst, const char *name)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
	if (n < 0)
		return err_set(errno, "readlink");
	target[n] = '\0';
	if (symlinkat(target, dst, name) < 0)
		return err_set(errno, "symlink");
	return 0;
}

static int copy_entry(int src, int dst, const char *name)
{
	struct stat st;
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return err_set(errno, "stat");
	int rc;
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		rc = copy_dir(src, dst, name);
		break;
	case S_IFREG:
		rc = copy_file(src, dst, name);
		break;
	case S_IFLNK:
		rc = copy_symlink(src, dst, name);
		break;
	default: /* devices, fifos, sockets */
		rc = mknodat(dst, name, st.st_mode, st.st_rdev) < 0 ? err_set(errno, "mknod") : 0;
		break;
	}
	if (rc < 0)
		return -1;
	if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return err_set(errno, "chown");
	/* after the chown, which clears set-id bits */
	if (!S_ISLNK(st.st_mode) && fchmodat(dst, name, st.st_mode & 07777, 0) < 0)
		return err_set(errno, "chmod");
	struct timespec t[2] = {st.st_atim, st.st_mtim};
	if (utimensat(dst, name, t, AT_SYMLINK_NOFOLLOW) < 0)
		return err_set(errno, "set times");
	return 0;
}

int copy_tree(int src, int dst)
{
	/* readdir needs its own fd: closedir closes it */
	int fd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno, "open a directory to copy");
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return err_set(errno, "open a directory to copy");
	}
	struct dirent *e;
	while ((errno = 0, e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (copy_entry(src, dst, e->d_name) < 0)
			return err_prefix("copy \"%s\"", e->d_name);
	}
	return errno ? err_set(errno, "read a directory to copy") : 0;
}
