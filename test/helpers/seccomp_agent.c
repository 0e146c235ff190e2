/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper for test/integration/seccomp.bats: a minimal seccomp agent.
 *
 *   seccomp_agent SOCKET OUTDIR ERRNO
 *
 * Listens on the unix socket SOCKET (SOCK_STREAM) and creates OUTDIR/ready.
 * Takes one connection: the runtime's container process state (JSON, read
 * to EOF, saved as OUTDIR/state.json) with the seccomp listener fd as
 * SCM_RIGHTS (its count goes to OUTDIR/nfds). Then answers every notified
 * syscall with -ERRNO (ERRNO 0: success, return value 0), appending
 * "nr=N pid=P" to OUTDIR/notifs, until the container's processes are gone
 * (the listener reports POLLHUP). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "seccomp_agent: %s: %s\n", what, strerror(errno));
	exit(1);
}

static FILE *out_file(const char *dir, const char *name, const char *mode)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, mode);
	if (!f)
		die(p);
	return f;
}

/* Reads the state to EOF; returns the listener fd from the first message. */
static int receive_state(int conn, const char *dir)
{
	char buf[65536];
	size_t len = 0;
	int fd = -1, nfds = 0;
	for (;;) {
		union {
			char b[CMSG_SPACE(sizeof(int) * 4)];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = {buf + len, sizeof(buf) - 1 - len};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = ctl.b,
				    .msg_controllen = sizeof(ctl.b)};
		ssize_t r = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
		if (r < 0)
			die("recvmsg");
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			nfds += n;
			if (fd < 0 && n > 0)
				memcpy(&fd, CMSG_DATA(c), sizeof(int));
		}
		if (r == 0 || len + (size_t)r >= sizeof(buf) - 1)
			break;
		len += (size_t)r;
	}
	FILE *f = out_file(dir, "state.json", "w");
	fwrite(buf, 1, len, f);
	fclose(f);
	f = out_file(dir, "nfds", "w");
	fprintf(f, "%d\n", nfds);
	fclose(f);
	return fd;
}

static void answer_all(int fd, const char *dir, int err)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p.revents & (POLLHUP | POLLERR) && !(p.revents & POLLIN))
			return;
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			die("SECCOMP_IOCTL_NOTIF_RECV");
		}
		FILE *f = out_file(dir, "notifs", "a");
		fprintf(f, "nr=%d pid=%u\n", req.data.nr, req.pid);
		fclose(f);
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.error = -err;
		resp.val = 0;
		/* ENOENT: the caller died meanwhile */
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			die("SECCOMP_IOCTL_NOTIF_SEND");
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: seccomp_agent SOCKET OUTDIR ERRNO\n");
		return 2;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0)
		die("socket");
	unlink(argv[1]);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0)
		die("bind/listen");
	fclose(out_file(argv[2], "ready", "w"));
	int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept");
	int fd = receive_state(conn, argv[2]);
	close(conn);
	close(ls);
	if (fd < 0) {
		fprintf(stderr, "seccomp_agent: no fd received\n");
		return 1;
	}
	answer_all(fd, argv[2], atoi(argv[3]));
	return 0;
}
