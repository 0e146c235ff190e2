/* SPDX-License-Identifier: Apache-2.0 */
#include "exe_protect.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <linux/mount.h>

#include "log.h"
#include "util.h"

#define MARKER "_CORUN_EXE_PROTECTED"

extern char **environ;

/* Trust the marker only if /proc/self/exe really is unwritable: a file on a
 * read-only mount, or a memfd sealed against writes. */
static bool exe_is_protected(void)
{
	struct statvfs sv;
	if (statvfs("/proc/self/exe", &sv) == 0 && (sv.f_flag & ST_RDONLY))
		return true;
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	int seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & F_SEAL_WRITE);
}

/* Zero copy: a detached, read-only bind mount of our own binary. */
static int clone_readonly(void)
{
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe",
			      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0)
		return -1;
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV};
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Fallback where detached mounts are not allowed (e.g. rootless): a copy in
 * a sealed memfd. */
static int sealed_copy(void)
{
	_cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return err_set(errno, "open /proc/self/exe");
	struct stat sb;
	if (fstat(src, &sb) < 0)
		return err_set(errno, "stat /proc/self/exe");
	_cleanup_close_ int mfd = memfd_create("corun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return err_set(errno, "memfd_create");
	for (off_t off = 0; off < sb.st_size;) {
		ssize_t n = sendfile(mfd, src, &off, (size_t)(sb.st_size - off));
		if (n <= 0)
			return err_set(n < 0 ? errno : EIO, "copy /proc/self/exe");
	}
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		return err_set(errno, "seal the binary copy");
	return take_fd(&mfd);
}

int exe_protect_ensure(char **argv)
{
	if (getenv(MARKER)) {
		unsetenv(MARKER);
		if (exe_is_protected())
			return 0;
	}
	_cleanup_close_ int fd = clone_readonly();
	if (fd < 0) {
		log_debug("read-only clone of the binary unavailable (%s), using a sealed copy",
			  strerror(errno));
		fd = sealed_copy();
		if (fd < 0)
			return -1;
	}
	if (setenv(MARKER, "1", 1) < 0)
		return err_set(errno, "setenv");
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	int e = errno;
	unsetenv(MARKER);
	return err_set(e, "re-exec the protected binary");
}
