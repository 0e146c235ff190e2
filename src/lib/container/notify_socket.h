/* SPDX-License-Identifier: Apache-2.0 */
/* sd_notify(3) through corun: when corun runs with $NOTIFY_SOCKET (a
 * systemd unit of Type=notify), the container gets a socket of corun's at
 * /run/notify/notify.sock (runc's path) and corun passes what the
 * container says on to the host's socket, so that READY=1 from inside the
 * container is what makes the unit "started".
 *
 * The socket lives in the state dir (STATE/notify/notify.sock) and the
 * directory is bind-mounted read-only into the container: create sets
 * that up, and whoever starts the container (start, run) binds the socket
 * and relays. `start` and `run -d` return once READY=1 came through (or
 * the container stopped), having told the host MAINPID=<the init's pid>;
 * a foreground `run` relays every message for as long as the container
 * runs, with MAINPID=<corun's pid>, the process systemd watches then. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"

/* $NOTIFY_SOCKET, or NULL when unset or empty. */
const char *notify_socket_host(void);
/* create: STATE/notify/ (dirfd is the state dir, state_path its path),
 * its bind mount at /run/notify in s and NOTIFY_SOCKET in s's process env. */
int notify_socket_prepare(int dirfd, const char *state_path, struct spec *s);
/* Binds the container's socket in STATE/notify/ (replacing an old one);
 * *fd = the socket, or -1 when the container was created without one
 * (nothing to relay then). */
int notify_socket_bind(int dirfd, int *fd);
/* Reads one datagram from fd and sends it on to host, MAINPID= lines
 * dropped (a pid of the container's namespace) and MAINPID=mainpid added
 * after READY=1. Returns 1 when it carried READY=1, else 0; -1 + err. */
int notify_socket_relay(int fd, const char *host, pid_t mainpid);
/* Relays until READY=1 came through, or until pid (the init) exits. */
int notify_socket_wait_ready(int fd, const char *host, pid_t pid);
