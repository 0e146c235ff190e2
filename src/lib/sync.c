/* SPDX-License-Identifier: Apache-2.0 */
#include "sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

int sync_send(int fd, enum sync_type type, int32_t value, const char *text)
{
	struct sync_msg m = {.type = type, .value = value};
	size_t len = offsetof(struct sync_msg, text);
	if (text) {
		size_t n = strnlen(text, sizeof(m.text) - 1);
		memcpy(m.text, text, n);
		m.text[n] = '\0';
		len += n + 1;
	}
	for (;;) {
		ssize_t w = send(fd, &m, len, MSG_NOSIGNAL);
		if (w >= 0)
			return 0;
		if (errno != EINTR)
			return err_set(errno, "sync: send");
	}
}

int sync_send_fd(int fd, enum sync_type type, int passfd)
{
	struct sync_msg m = {.type = type};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = {.iov_base = &m, .iov_len = offsetof(struct sync_msg, text)};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &passfd, sizeof(int));
	for (;;) {
		if (sendmsg(fd, &mh, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno != EINTR)
			return err_set(errno, "sync: send");
	}
}

/* Keeps the first fd of an SCM_RIGHTS message in *passfd, closes others. */
static void take_fds(struct msghdr *mh, int *passfd)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int f;
			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*passfd < 0)
				*passfd = f;
			else
				close(f);
		}
	}
}

int sync_recv(int fd, struct sync_msg *m)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = m, .iov_len = offsetof(struct sync_msg, fd)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t r;
	m->fd = -1;
	do {
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return err_set(errno, "sync: receive");
	take_fds(&mh, &m->fd);
	if (r == 0)
		return err_set(0, "container init exited without reporting why");
	if ((size_t)r < offsetof(struct sync_msg, text))
		return err_set(0, "sync: short message");
	size_t tlen = (size_t)r - offsetof(struct sync_msg, text);
	m->text[tlen < sizeof(m->text) ? tlen : sizeof(m->text) - 1] = '\0';
	return 0;
}

int sync_expect(int fd, enum sync_type type, struct sync_msg *m)
{
	if (sync_recv(fd, m) < 0)
		return -1;
	if (m->type == SYNC_ERROR)
		return err_set(0, "%s", m->text);
	if (m->type != type)
		return err_set(0, "sync: unexpected message %u (wanted %u)", m->type, (unsigned)type);
	return 0;
}

int sync_send_plain(int fd, enum sync_type type)
{
	struct sync_msg m = {.type = type};
	if (write_all(fd, &m, offsetof(struct sync_msg, text)) < 0)
		return err_set(errno, "sync: write");
	return 0;
}
