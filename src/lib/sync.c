/* SPDX-License-Identifier: Apache-2.0 */
#include "sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

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

int sync_recv(int fd, struct sync_msg *m)
{
	ssize_t r;
	do {
		r = recv(fd, m, sizeof(*m), 0);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return err_set(errno, "sync: receive");
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
