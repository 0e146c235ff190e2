/* SPDX-License-Identifier: Apache-2.0 */
/* Handing file descriptors to another program over an AF_UNIX socket: the
 * pty master for --console-socket, a pidfd for --pidfd-socket, the seccomp
 * listener to its agent, and fds on the init handshake (sync.h). */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* One sendmsg of len bytes of data with fd as SCM_RIGHTS (EINTR retried).
 * Returns the bytes sent (a stream socket may take fewer) or -1 with errno
 * set and no message: callers word their own errors. */
ssize_t fd_send(int sock, const void *data, size_t len, int fd);
/* One recvmsg of up to len bytes into buf (EINTR retried, fds close-on-exec;
 * flags are recvmsg's). *fd gets the first fd passed, or -1; any others are
 * closed. Returns the bytes received (0: EOF) or -1 with errno set. */
ssize_t fd_recv(int sock, void *buf, size_t len, int *fd, int flags);

/* Connects a stream socket to path; what names the socket in errors
 * ("console socket"). */
int unix_connect(const char *path, const char *what);
/* Sends fd with SCM_RIGHTS and name as the message body, as runc does
 * (receivers read the name as the file's). */
int unix_send_fd(int sock, int fd, const char *name);
/* --pidfd-socket: connects to path and sends a pidfd of pid. */
int pidfd_socket_send(const char *path, pid_t pid);
