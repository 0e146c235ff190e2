/* SPDX-License-Identifier: Apache-2.0 */
/* Handing file descriptors to another program over an AF_UNIX socket: the
 * pty master for --console-socket, a pidfd for --pidfd-socket. */
#pragma once

#include <sys/types.h>

/* Connects a stream socket to path; what names the socket in errors
 * ("console socket"). */
int unix_connect(const char *path, const char *what);
/* Sends fd with SCM_RIGHTS and name as the message body, as runc does
 * (receivers read the name as the file's). */
int unix_send_fd(int sock, int fd, const char *name);
/* --pidfd-socket: connects to path and sends a pidfd of pid. */
int pidfd_socket_send(const char *path, pid_t pid);
