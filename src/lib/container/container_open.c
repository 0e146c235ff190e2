/* SPDX-License-Identifier: Apache-2.0 */
/* Opening an existing container's state, for the operations in
 * container_ops.c, container_cgroup_ops.c and container_ps.c: below them,
 * calling none of them. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lifecycle.h"

int state_open_locked(const struct global_opts *g, const char *id, bool exclusive,
		      struct cstate *st)
{
	if (state_validate_id(id) < 0)
		return -1;
	int fd = state_dir_open(g->root, id);
	if (fd < 0)
		return -1;
	if (state_lock(fd, exclusive) < 0 || state_read(fd, st) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int pid_file_write(const char *path, pid_t pid)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (write_file_atomic(AT_FDCWD, path, buf, (size_t)n, 0644) < 0)
		return err_prefix("pid file");
	return 0;
}

bool state_still_ours(int dirfd)
{
	struct stat sb;
	return fstatat(dirfd, STATE_FILE, &sb, AT_SYMLINK_NOFOLLOW) == 0;
}
