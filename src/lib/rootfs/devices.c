/* SPDX-License-Identifier: Apache-2.0 */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs_util.h"

/* config-linux.md "Default Devices", in the order runc creates them (the
 * order shows in mountinfo when they are bind mounts) */
static const struct spec_device default_devices[] = {
    {.path = "/dev/null", .type = 'c', .major = 1, .minor = 3},
    {.path = "/dev/random", .type = 'c', .major = 1, .minor = 8},
    {.path = "/dev/full", .type = 'c', .major = 1, .minor = 7},
    {.path = "/dev/tty", .type = 'c', .major = 5, .minor = 0},
    {.path = "/dev/zero", .type = 'c', .major = 1, .minor = 5},
    {.path = "/dev/urandom", .type = 'c', .major = 1, .minor = 9},
};

static const struct {
	const char *target, *name;
} dev_links[] = {
    {"/proc/self/fd", "fd"},
    {"/proc/self/fd/0", "stdin"},
    {"/proc/self/fd/1", "stdout"},
    {"/proc/self/fd/2", "stderr"},
};

static mode_t type_bits(char t)
{
	return t == 'b' ? S_IFBLK : t == 'p' ? S_IFIFO : S_IFCHR;
}

/* In a user namespace mknod is not allowed: bind the host's node. */
static int bind_host_node(int parent, const char *name, const struct spec_device *d)
{
	int fd = openat(parent, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(errno, "create %s", d->path);
	close(fd);
	_cleanup_close_ int dest = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int tree =
	    (int)syscall(SYS_open_tree, AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (dest < 0 || tree < 0)
		return err_set(errno, "bind host device %s", d->path);
	if (syscall(SYS_move_mount, tree, "", dest, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(errno, "bind host device %s", d->path);
	return 0;
}

static int create_device(int rootfd, const struct spec_device *d, bool userns)
{
	const char *name;
	_cleanup_close_ int parent = parent_in_root(rootfd, d->path, &name);
	if (parent < 0)
		return -1;
	/* whatever stands there (maybe a symlink planted in the image) goes */
	if (unlinkat(parent, name, 0) < 0 && errno != ENOENT && errno != EISDIR)
		return err_set(errno, "replace %s", d->path);
	if (userns)
		return bind_host_node(parent, name, d);
	mode_t mode = (d->has_file_mode ? d->file_mode : 0666) & 07777;
	dev_t dev = d->type == 'p' ? 0 : makedev(d->major, d->minor);
	if (mknodat(parent, name, mode | type_bits(d->type), dev) < 0)
		return err_set(errno, "mknod %s", d->path);
	if (fchownat(parent, name, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return err_set(errno, "chown %s", d->path);
	return 0;
}

static bool listed(const struct spec *s, const char *path)
{
	for (size_t i = 0; i < s->linux.n_devices; i++)
		if (strcmp(s->linux.devices[i].path, path) == 0)
			return true;
	return false;
}

/* Replaces whatever name is in dir (not a directory) with a symlink. */
static int replace_link(int dir, const char *target, const char *name)
{
	if (unlinkat(dir, name, 0) < 0 && errno != ENOENT)
		return err_set(errno, "replace /dev/%s", name);
	if (symlinkat(target, dir, name) < 0)
		return err_set(errno, "symlink /dev/%s", name);
	return 0;
}

static int create_links(int rootfd)
{
	_cleanup_close_ int dev = ensure_in_root(rootfd, "/dev", false);
	if (dev < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++)
		if (symlinkat(dev_links[i].target, dev, dev_links[i].name) < 0 && errno != EEXIST)
			return err_set(errno, "symlink /dev/%s", dev_links[i].name);
	/* a ptmx node from the image would open the host's pty instance:
	 * always the container's own devpts */
	if (replace_link(dev, "pts/ptmx", "ptmx") < 0)
		return -1;
	/* runc links /dev/core when the kernel has /proc/kcore (we still see
	 * the host's /proc here) */
	if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev, "core") < 0 &&
	    errno != EEXIST)
		return err_set(errno, "symlink /dev/core");
	return 0;
}

int devices_create(int rootfd, const struct spec *s, bool userns)
{
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
		const struct spec_device *d = &default_devices[i];
		if (!listed(s, d->path) && create_device(rootfd, d, userns) < 0)
			return err_prefix("default device");
	}
	for (size_t i = 0; i < s->linux.n_devices; i++)
		if (create_device(rootfd, &s->linux.devices[i], userns) < 0)
			return err_prefix("linux.devices[%zu]", i);
	return create_links(rootfd);
}

void devices_each_path(const struct spec *s, void (*fn)(const char *path, void *ud), void *ud)
{
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
		if (!listed(s, default_devices[i].path))
			fn(default_devices[i].path, ud);
	for (size_t i = 0; i < s->linux.n_devices; i++)
		fn(s->linux.devices[i].path, ud);
}
