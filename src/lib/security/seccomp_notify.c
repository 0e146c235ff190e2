/* SPDX-License-Identifier: Apache-2.0 */
/* Hands a seccomp listener fd to the agent at linux.seccomp.listenerPath
 * (config-linux.md "The Container Process State"). This runs in corun,
 * in the runtime's namespaces: the path is the host's, whatever the
 * container's mount namespace or root, and the connection is never seen
 * by the container. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "config.h"
#include "fdpass.h"
#include "json.h"
#include "seccomp_filter.h"

/* {"ociVersion","fds":["seccompFd"],"pid","metadata","state"}, compact. */
static char *process_state_json(const struct spec_seccomp *sc, pid_t pid, const char *state_json)
{
	json_error_t jerr;
	json_t *st = json_loads(state_json, 0, &jerr);
	if (!st) {
		err_set(0, "seccomp: container state is not JSON: %s", jerr.text);
		return NULL;
	}
	json_t *o = json_object();
	json_object_set_new(o, "ociVersion", json_string(CORUN_SPEC_VERSION));
	json_t *fds = json_array();
	json_array_append_new(fds, json_string("seccompFd"));
	json_object_set_new(o, "fds", fds);
	json_object_set_new(o, "pid", json_integer(pid));
	if (sc->listener_metadata)
		json_object_set_new(o, "metadata", jstr_new(sc->listener_metadata));
	json_object_set_new(o, "state", st);
	char *text = jdump_compact(o);
	json_decref(o);
	if (!text)
		err_set(ENOMEM, "seccomp: container process state");
	return text;
}

static int connect_listener(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(errno, "seccomp: socket");
	int r;
	do {
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return err_set(
		    errno,
		    "failed to connect with seccomp agent specified in the seccomp profile: "
		    "connect to listenerPath %s",
		    path);
	return take_fd(&fd);
}

/* The fd goes with the first bytes; the rest follows in plain writes
 * (the spec allows several sendmsg calls, fds only in the first). */
static int send_with_fd(int sock, const char *data, size_t len, int passfd)
{
	ssize_t w = fd_send(sock, data, len, passfd);
	if (w < 0)
		return -1;
	size_t done = (size_t)w;
	while (done < len) {
		w = send(sock, data + done, len - done, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

int seccomp_listener_send(const struct spec_seccomp *sc, int listener, pid_t pid,
			  const char *state_json)
{
	if (!sc->listener_path)
		return err_set(0, "seccomp: a listener fd but no linux.seccomp.listenerPath");
	_cleanup_free_ char *text = process_state_json(sc, pid, state_json);
	if (!text)
		return -1;
	_cleanup_close_ int sock = connect_listener(sc->listener_path);
	if (sock < 0)
		return -1;
	if (send_with_fd(sock, text, strlen(text), listener) < 0)
		return err_set(errno, "seccomp: send the container process state to %s",
			       sc->listener_path);
	/* one state per connection, closed right after (config-linux.md) */
	return 0;
}
