/* SPDX-License-Identifier: Apache-2.0 */
#include "fdpass.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

int unix_connect(const char *path, const char *what)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return err_set(0, "%s path %s: too long", what, path);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(errno, "%s", what);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return err_set(e, "connect to %s %s", what, path);
	}
	return fd;
}

/* Room for one fd, aligned as a cmsghdr. */
union fd_ctl {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

ssize_t fd_send(int sock, const void *data, size_t len, int fd)
{
	union fd_ctl ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	ssize_t r;
	do {
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);
	return r;
}

/* Keeps the first fd of the message's SCM_RIGHTS in *fd and closes the
 * others, so that a peer sending more leaks nothing into us. */
static void take_fds(struct msghdr *mh, int *fd)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int f;
			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*fd < 0)
				*fd = f;
			else
				close(f);
		}
	}
}

ssize_t fd_recv(int sock, void *buf, size_t len, int *fd, int flags)
{
	union fd_ctl ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	ssize_t r;
	*fd = -1;
	do {
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	} while (r < 0 && errno == EINTR);
	if (r >= 0)
		take_fds(&mh, fd);
	return r;
}

int unix_send_fd(int sock, int fd, const char *name)
{
	return fd_send(sock, name, strlen(name), fd) < 0 ? err_set(errno, "send %s", name) : 0;
}

int pidfd_socket_send(const char *path, pid_t pid)
{
	_cleanup_close_ int sock = unix_connect(path, "pidfd socket");
	if (sock < 0)
		return -1;
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return err_set(errno, "pidfd_open %d", (int)pid);
	char name[32];
	snprintf(name, sizeof(name), "pidfd:%d", (int)pid);
	if (unix_send_fd(sock, pidfd, name) < 0)
		return err_prefix("pidfd socket %s", path);
	return 0;
}
