/* SPDX-License-Identifier: Apache-2.0 */
/* For the test helpers that take a file descriptor from the runtime over a
 * unix socket (recvtty, recvpidfd). Header-only: each helper is built from
 * its one .c file (gcc -o X test/helpers/X.c), which finds this beside it. */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

/* A stream socket listening at path, or -1 with errno set. */
static inline int scm_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0)
		return -1;
	return ls;
}

/* Receives one message: its body goes to name (size bytes with the NUL),
 * the fd sent with it (SCM_RIGHTS) is returned. -1 with errno set on
 * errors, EPROTO when no fd came. */
static inline int scm_recv_fd(int conn, char *name, size_t size)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = name, .iov_len = size - 1};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	ssize_t n = recvmsg(conn, &mh, 0);
	if (n < 0)
		return -1;
	name[n] = '\0';
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS) {
		errno = EPROTO;
		return -1;
	}
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

/* Listens at path, accepts one connection and receives one fd from it as
 * scm_recv_fd does. On errors, -1 with errno set and *failed naming the
 * step ("listen", "accept", "recvmsg", "no fd received"). */
static inline int scm_take_fd(const char *path, char *name, size_t size, const char **failed)
{
	int ls = scm_listen(path);
	if (ls < 0) {
		*failed = "listen";
		return -1;
	}
	int conn = accept(ls, NULL, NULL);
	if (conn < 0) {
		*failed = "accept";
		return -1;
	}
	int fd = scm_recv_fd(conn, name, size);
	if (fd < 0)
		*failed = errno == EPROTO ? "no fd received" : "recvmsg";
	return fd;
}
