/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper run inside a container (built static): sdnotify MESSAGE
 * [COMMAND ARGS...]
 * Sends MESSAGE (e.g. "READY=1") as one datagram to $NOTIFY_SOCKET, as
 * sd_notify(3) does, then execs COMMAND if given. Exits 1 on errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = getenv("NOTIFY_SOCKET");
	if (argc < 2 || !path) {
		fprintf(stderr, "usage: NOTIFY_SOCKET=PATH sdnotify MESSAGE [COMMAND...]\n");
		return 2;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (s < 0 ||
	    sendto(s, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "sdnotify: send to %s: %s\n", path, strerror(errno));
		return 1;
	}
	close(s);
	if (argc > 2) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "sdnotify: exec %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	return 0;
}
