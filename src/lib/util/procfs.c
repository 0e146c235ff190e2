/* SPDX-License-Identifier: Apache-2.0 */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>

#include "util.h"

#define PROC_ROOT_INO 1

static int held = -1;

static bool on_procfs(int fd)
{
	struct statfs sf;
	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

int procfs_hold(void)
{
	if (held >= 0)
		return 0;
	_cleanup_close_ int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno, "open /proc");
	struct stat st;
	/* a bind mount of a procfs subdirectory has the magic but not the root */
	if (!on_procfs(fd) || fstat(fd, &st) < 0 || st.st_ino != PROC_ROOT_INO)
		return err_set(0, "/proc is not the root of a procfs mount");
	held = take_fd(&fd);
	return 0;
}

void procfs_release(void)
{
	if (held >= 0)
		close(held);
	held = -1;
}

int procfs_open(const char *path, int flags)
{
	if (procfs_hold() < 0)
		return -1;
	/* "self" and "thread-self" are ordinary symlinks that stay below the
	 * root; fd/N style magic links and other mounts are refused */
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	int fd = (int)syscall(SYS_openat2, held, path, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == E2BIG))
		fd = openat(held, path, flags | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_set(errno, "open /proc/%s", path);
	if (!on_procfs(fd)) {
		close(fd);
		return err_set(0, "/proc/%s is not on procfs", path);
	}
	return fd;
}

int procfs_read(const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = procfs_open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read_all(fd, buf, size - 1);
	if (n < 0)
		return err_set(errno, "read /proc/%s", path);
	buf[n] = '\0';
	return 0;
}

int procfs_write(const char *path, const char *data, size_t len)
{
	_cleanup_close_ int fd = procfs_open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, data, len);
	if (n < 0)
		return err_set(errno, "write /proc/%s", path);
	if ((size_t)n != len)
		return err_set(EIO, "write /proc/%s: short write", path);
	return 0;
}
