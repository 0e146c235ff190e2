/* SPDX-License-Identifier: Apache-2.0 */
#include "sync.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdpass.h"
#include "util.h"

/* One message; flags are recvmsg's. 1: got one, 0: EOF, -1: error (errno). */
static int recv_one(int fd, struct sync_msg *m, int flags)
{
	bool reset = false;
	ssize_t r;
	for (;;) {
		r = fd_recv(fd, m, offsetof(struct sync_msg, fd), &m->fd, flags);
		if (r >= 0)
			break;
		/* the peer went away with our last message unread: the kernel
		 * says so once, then hands out what it had sent before, its
		 * SYNC_ERROR among them */
		if (errno == ECONNRESET && !reset) {
			reset = true;
			continue;
		}
		return -1;
	}
	if (r == 0)
		return 0;
	if ((size_t)r < offsetof(struct sync_msg, text)) {
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		errno = EBADMSG;
		return -1;
	}
	size_t tlen = (size_t)r - offsetof(struct sync_msg, text);
	m->text[tlen < sizeof(m->text) ? tlen : sizeof(m->text) - 1] = '\0';
	return 1;
}

int sync_recv(int fd, struct sync_msg *m)
{
	int r = recv_one(fd, m, 0);
	if (r < 0)
		return errno == EBADMSG ? err_set(0, "sync: short message")
					: err_set(errno, "sync: receive");
	if (r == 0)
		return err_set(0, "container init exited without reporting why");
	return 0;
}

bool sync_peer_error(int fd)
{
	struct sync_msg m;
	/* bounded: only what is queued already, never a wait */
	for (int i = 0; i < 64 && recv_one(fd, &m, MSG_DONTWAIT) > 0; i++) {
		if (m.fd >= 0)
			close(m.fd);
		if (m.type == SYNC_ERROR) {
			sync_error_put(&m);
			return true;
		}
	}
	return false;
}

/* A send that failed because the peer is gone: it may have told us why
 * before it went, and that is the error worth reporting. */
static int send_failed(int fd)
{
	int e = errno;
	if ((e == EPIPE || e == ECONNRESET) && sync_peer_error(fd))
		return -1;
	return err_set(e, "sync: send");
}

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
			return send_failed(fd);
	}
}

int sync_send_error(int fd)
{
	const struct corun_err *e = err_get();
	return sync_send(fd, SYNC_ERROR, e->errnum, err_msg());
}

int sync_error_put(const struct sync_msg *m)
{
	struct corun_err e = {.code = ERR_FAILED, .errnum = m->value};
	snprintf(e.msg, sizeof(e.msg), "%s", m->text);
	return err_put(&e);
}

int sync_send_fd(int fd, enum sync_type type, int passfd)
{
	struct sync_msg m = {.type = type};
	if (fd_send(fd, &m, offsetof(struct sync_msg, text), passfd) < 0)
		return send_failed(fd);
	return 0;
}

int sync_expect(int fd, enum sync_type type, struct sync_msg *m)
{
	if (sync_recv(fd, m) < 0)
		return -1;
	if (m->type == SYNC_ERROR)
		return sync_error_put(m);
	if (m->type != type)
		return err_set(0, "sync: unexpected message %u (wanted %u)", m->type,
			       (unsigned)type);
	return 0;
}

int sync_send_plain(int fd, enum sync_type type)
{
	struct sync_msg m = {.type = type};
	if (write_all(fd, &m, offsetof(struct sync_msg, text)) < 0)
		return err_set(errno, "sync: write");
	return 0;
}
