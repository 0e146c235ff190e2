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
#include <unistd.h>

#include "scm.h"

static int die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: recvtty SOCKET INPUT\n");
		return 2;
	}
	char name[256];
	const char *failed;
	int master = scm_take_fd(argv[1], name, sizeof(name), &failed);
	if (master < 0)
		die(failed);
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
