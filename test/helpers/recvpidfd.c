/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper for --pidfd-socket: recvpidfd SOCKET
 * Listens on the unix socket SOCKET, accepts one connection, receives the
 * fd sent with SCM_RIGHTS and prints what it is: "name=<message body>
 * pid=<Pid: of /proc/self/fdinfo/FD> signal0=<ok or the error>" (a pidfd
 * has a Pid line and takes pidfd_send_signal). Exits 1 on errors, and
 * after 20 s without a connection (a test never hangs on it). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "scm.h"

static void die(const char *what)
{
	fprintf(stderr, "recvpidfd: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int fdinfo_pid(int fd)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	FILE *f = fopen(path, "r");
	int pid = 0;
	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid: %d", &pid) == 1)
			break;
	fclose(f);
	return pid;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: recvpidfd SOCKET\n");
		return 2;
	}
	alarm(20);
	char name[256];
	const char *failed;
	int fd = scm_take_fd(argv[1], name, sizeof(name), &failed);
	if (fd < 0)
		die(failed);
	int r = (int)syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0);
	printf("name=%s pid=%d signal0=%s\n", name, fdinfo_pid(fd),
	       r == 0 ? "ok" : strerror(errno));
	return 0;
}
