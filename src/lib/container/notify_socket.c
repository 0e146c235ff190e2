/* SPDX-License-Identifier: Apache-2.0 */
#include "notify_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "listen_fds.h"
#include "log.h"
#include "util.h"

#define NOTIFY_DIR  "notify"
#define NOTIFY_NAME "notify.sock"
#define NOTIFY_DEST "/run/notify"
/* sd_notify messages are short; systemd itself reads at most a page */
#define NOTIFY_MAX 4096

const char *notify_socket_host(void)
{
	const char *s = getenv("NOTIFY_SOCKET");
	return s && *s ? s : NULL;
}

static void add_mount(struct spec *s, const char *source)
{
	struct spec_mount *v = arena_alloc(&s->arena, (s->n_mounts + 1) * sizeof(*v));
	if (s->n_mounts)
		memcpy(v, s->mounts, s->n_mounts * sizeof(*v));
	struct spec_mount *m = &v[s->n_mounts];
	m->destination = arena_strdup(&s->arena, NOTIFY_DEST);
	m->type = arena_strdup(&s->arena, "bind");
	m->source = arena_strdup(&s->arena, source);
	/* what config.c makes of "bind", "nosuid", "noexec", "nodev", "ro" */
	m->opts = (struct mount_opts){
	    .flags = MS_BIND | MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, .bind = true};
	/* last: over any /run the config mounts */
	s->mounts = v;
	s->n_mounts++;
}

int notify_socket_prepare(int dirfd, const char *state_path, struct spec *s)
{
	/* 0755: a container user other than root must reach the socket */
	if (mkdirat(dirfd, NOTIFY_DIR, 0755) < 0 || fchmodat(dirfd, NOTIFY_DIR, 0755, 0) < 0)
		return err_set(errno, "create the notify socket directory");
	_cleanup_free_ char *src = xasprintf("%s/" NOTIFY_DIR, state_path);
	add_mount(s, src);
	env_set(&s->arena, &s->process->env, "NOTIFY_SOCKET", NOTIFY_DEST "/" NOTIFY_NAME);
	return 0;
}

/* A path through our fd of the directory keeps any --root within
 * sun_path's 108 bytes. */
static void dir_addr(int dfd, struct sockaddr_un *sa)
{
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/" NOTIFY_NAME, dfd);
}

int notify_socket_bind(int dirfd, int *fd)
{
	*fd = -1;
	_cleanup_close_ int dfd = openat(dirfd, NOTIFY_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? 0 : err_set(errno, "open the notify socket directory");
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return err_set(errno, "notify socket");
	struct sockaddr_un sa;
	dir_addr(dfd, &sa);
	if (unlink(sa.sun_path) < 0 && errno != ENOENT)
		return err_set(errno, "remove the old notify socket");
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return err_set(errno, "bind the notify socket");
	/* any container user may send */
	if (chmod(sa.sun_path, 0777) < 0)
		return err_set(errno, "chmod the notify socket");
	*fd = take_fd(&s);
	return 0;
}

/* $NOTIFY_SOCKET: a path, or "@name" in the abstract namespace. */
static int send_host(const char *host, const char *msg, size_t len)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n = strlen(host);
	if (n >= sizeof(sa.sun_path))
		return err_set(0, "NOTIFY_SOCKET %s: too long", host);
	memcpy(sa.sun_path, host, n);
	if (host[0] == '@')
		sa.sun_path[0] = '\0';
	socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (host[0] != '@'));
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return err_set(errno, "socket");
	if (sendto(s, msg, len, MSG_NOSIGNAL, (struct sockaddr *)&sa, sl) < 0)
		return err_set(errno, "send to NOTIFY_SOCKET %s", host);
	return 0;
}

/* The datagram in buf with MAINPID= lines left out; whether READY=1. */
static bool rewrite(const char *buf, size_t len, FILE *out)
{
	bool ready = false;
	for (size_t i = 0; i < len;) {
		const char *line = buf + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i;
		i += n + 1;
		if (n >= 8 && !memcmp(line, "MAINPID=", 8))
			continue;
		ready = ready || (n == 7 && !memcmp(line, "READY=1", 7));
		fwrite(line, 1, n, out);
		fputc('\n', out);
	}
	return ready;
}

int notify_socket_relay(int fd, const char *host, pid_t mainpid)
{
	char buf[NOTIFY_MAX];
	ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? 0
							 : err_set(errno, "read the notify socket");
	_cleanup_free_ char *msg = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&msg, &len);
	bool ready = rewrite(buf, (size_t)r, out);
	if (ready)
		fprintf(out, "MAINPID=%d\n", (int)mainpid);
	fclose(out);
	if (len && send_host(host, msg, len) < 0)
		return -1;
	return ready;
}

int notify_socket_wait_ready(int fd, const char *host, pid_t pid)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return err_set(errno, "pidfd_open %d", (int)pid);
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
				      {.fd = pidfd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return err_set(errno, "poll");
		}
		if (p[0].revents & POLLIN) {
			int r = notify_socket_relay(fd, host, pid);
			if (r != 0)
				return r < 0 ? -1 : 0;
		} else if (p[1].revents) {
			log_debug("the container stopped before it sent READY=1");
			return 0;
		}
	}
}
