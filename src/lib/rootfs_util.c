/* SPDX-License-Identifier: Apache-2.0 */
#include "rootfs_util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>

#include "util.h"

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

int ensure_in_root(int rootfd, const char *path, bool file)
{
	int fd = open_in_root(rootfd, path, O_PATH);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	const char *name;
	_cleanup_close_ int parent = parent_in_root(rootfd, path, &name);
	if (parent < 0)
		return -1;
	if (!*name || strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
		return err_set(EINVAL, "resolve %s in the rootfs", path);
	int r;
	if (file) {
		r = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (r >= 0)
			close(r);
	} else {
		r = mkdirat(parent, name, 0755);
	}
	if (r < 0 && errno != EEXIST)
		return err_set(errno, "create %s in the rootfs", path);
	/* EEXIST here is a dangling symlink: resolving it again fails cleanly */
	return open_in_root(rootfd, path, O_PATH);
}

void mount_attr_from_flags(unsigned long set, unsigned long clear, struct mount_attr *a)
{
	static const struct {
		unsigned long ms;
		uint64_t attr;
	} map[] = {
		{MS_RDONLY, MOUNT_ATTR_RDONLY},
		{MS_NOSUID, MOUNT_ATTR_NOSUID},
		{MS_NODEV, MOUNT_ATTR_NODEV},
		{MS_NOEXEC, MOUNT_ATTR_NOEXEC},
		{MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (set & map[i].ms)
			a->attr_set |= map[i].attr;
		if (clear & map[i].ms)
			a->attr_clr |= map[i].attr;
	}
	/* the atime modes are one field: choosing one replaces the others */
	uint64_t atime = (set & MS_NOATIME)       ? MOUNT_ATTR_NOATIME
			 : (set & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME
			 : (set & MS_RELATIME)    ? MOUNT_ATTR_RELATIME
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

int mask_path(int rootfd, const char *path)
{
	_cleanup_close_ int dest = open_in_root(rootfd, path, O_PATH | O_NOFOLLOW);
	if (dest < 0)
		return errno == ENOENT ? 0 : -1;
	struct stat sb;
	if (fstat(dest, &sb) < 0)
		return err_set(errno, "stat %s", path);
	_cleanup_close_ int tree = -1;
	if (S_ISDIR(sb.st_mode)) {
		/* an empty read-only tmpfs hides the directory */
		_cleanup_close_ int fsfd = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
		if (fsfd < 0 || syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
			return err_set(errno, "create tmpfs to mask %s", path);
		tree = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
	} else {
		tree = (int)syscall(SYS_open_tree, AT_FDCWD, "/dev/null",
				    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	}
	if (tree < 0)
		return err_set(errno, "prepare mask for %s", path);
	return attach(tree, dest, path);
}

int readonly_path(int rootfd, const char *path)
{
	_cleanup_close_ int dest = open_in_root(rootfd, path, O_PATH | O_NOFOLLOW);
	if (dest < 0)
		return errno == ENOENT ? 0 : -1;
	_cleanup_close_ int tree =
		(int)syscall(SYS_open_tree, dest, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return err_set(errno, "clone %s", path);
	struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
		return err_set(errno, "make %s read-only", path);
	return attach(tree, dest, path);
}
