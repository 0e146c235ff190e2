/* SPDX-License-Identifier: Apache-2.0 */
/* The init handshake: one SOCK_SEQPACKET socketpair between corun and the
 * container init, carrying small fixed-header messages. An error raised in
 * the init travels verbatim to corun, which prints it as its own. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

enum sync_type {
	SYNC_GO = 1,	   /* parent -> init: ids mapped; go on */
	SYNC_USERMAP,	   /* init -> parent: I unshared a user ns, write my maps */
	SYNC_USERMAP_DONE, /* parent -> init */
	SYNC_PID,	   /* init -> parent: value = the real init pid (after a fork) */
	SYNC_HOOKS,	   /* init -> parent: run prestart + createRuntime now */
	SYNC_HOOKS_DONE,   /* parent -> init */
	SYNC_READY,	   /* init -> parent: created, waiting for start */
	SYNC_ERROR,	   /* init -> parent: value = errno, text = the whole error */
	SYNC_ABORT,	   /* parent -> init: give up (a hook failed) */
	SYNC_SECCOMP,	   /* init -> parent: the seccomp listener fd (SCM_RIGHTS) */
	SYNC_SECCOMP_DONE, /* parent -> init: passed on to listenerPath */
	SYNC_CGROUP_DONE,  /* parent -> init: you are in your cgroup */
	SYNC_NETDEV,	   /* init -> parent: my netns fd (SCM_RIGHTS); move linux.netDevices in */
	SYNC_NETDEV_DONE,  /* parent -> init */
};

struct sync_msg {
	uint32_t type;
	int32_t value;
	char text[ERR_MSG_MAX]; /* NUL-terminated, only for SYNC_ERROR */
	int fd;			/* not on the wire: an fd that came with it (SCM_RIGHTS), or -1 */
};

int sync_send(int fd, enum sync_type type, int32_t value, const char *text);
/* The current error, whole (errno and text), as SYNC_ERROR. */
int sync_send_error(int fd);
/* Makes a received SYNC_ERROR the current error, as the peer had it;
 * returns -1. */
int sync_error_put(const struct sync_msg *m);
/* A bare message with write(2): for a process under the user's seccomp
 * filter, which may allow write but not send. */
int sync_send_plain(int fd, enum sync_type type);
/* A message without text carrying passfd as SCM_RIGHTS. */
int sync_send_fd(int fd, enum sync_type type, int passfd);
/* Receives one message; EOF is an error ("container init exited ..."). */
int sync_recv(int fd, struct sync_msg *m);
/* After a failed step: whether the peer left a SYNC_ERROR in the queue
 * before it went away (only what is queued, never a wait); if so, err is
 * its error. A failed send to a peer that is gone looks there itself. */
bool sync_peer_error(int fd);
/* Receives and checks the type; a SYNC_ERROR becomes the current error. */
int sync_expect(int fd, enum sync_type type, struct sync_msg *m);
