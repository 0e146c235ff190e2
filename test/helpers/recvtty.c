/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper for --console-socket: recvtty SOCKET INPUT
 * Listens on the unix socket SOCKET, accepts one connection, receives the
 * pty master sent with SCM_RIGHTS, writes INPUT to it, and copies what the
 * terminal prints to stdout until the other side closes it (EIO) or 10 s
 * pass. Prints "recvtty: ..." and exits 1 on errors. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int recv_fd(int conn)
{
	char name[256], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	if (recvmsg(conn, &mh, 0) < 0)
		die("recvmsg");
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS) {
		errno = EPROTO;
		die("no fd received");
	}
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: recvtty SOCKET INPUT\n");
		return 2;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0)
		die("listen");
	int conn = accept(ls, NULL, NULL);
	if (conn < 0)
		die("accept");
	int master = recv_fd(conn);
	if (write(master, argv[2], strlen(argv[2])) < 0)
		die("write to the pty");
	char buf[4096];
	struct pollfd p = {.fd = master, .events = POLLIN};
	while (poll(&p, 1, 10000) > 0) {
		ssize_t n = read(master, buf, sizeof(buf));
		if (n <= 0)
			break; /* EIO: the last holder of the peer is gone */
		fwrite(buf, 1, (size_t)n, stdout);
		fflush(stdout);
	}
	return 0;
}
