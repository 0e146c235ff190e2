/* SPDX-License-Identifier: Apache-2.0 */
/* The container init: the process corun clones into the new namespaces.
 * It shares nothing with corun but a copy of its memory (so the parsed
 * spec needs no serialising) and the sync socket. It builds the container
 * from the inside, reports ready, waits for `start` on exec.fifo, and
 * execs the user process. */
#pragma once

#include <stdbool.h>

#include "cgroup.h"
#include "seccomp_filter.h"
#include "spec.h"
#include "state.h"

struct init_args {
	const struct spec *spec;
	const struct cstate *st; /* for the hooks run inside the container */
	struct cgroup *cg;
	const struct seccomp_prog *seccomp; /* linux.seccomp compiled by corun, or NULL */
	const char *bundle;		    /* absolute; relative bind sources start here */
	const char *rootfs;		    /* absolute */
	int sync_fd;
	int statedir_fd;       /* unlocked; exec.fifo is opened through it */
	int fifo_fd;	       /* exec.fifo write end once `start` came, or -1 */
	pid_t host_pid;	       /* our pid as the host sees it, for the hooks' state */
	int console_fd;	       /* where the pty master goes, or -1 */
	unsigned preserve_fds; /* socket-activation fds included */
	bool listen_fds;       /* set LISTEN_PID to our own pid before exec */
	bool no_pivot;
	bool no_new_keyring;	/* else join a fresh session keyring "_ses.<id>" */
	bool joins;		/* some namespace is joined by path: setns/unshare here */
	bool cg_pending;	/* the parent has not yet said SYNC_CGROUP_DONE */
	int unshare_flags;	/* namespaces still to create here (CLONE_NEWCGROUP at least) */
	const int *mount_trees; /* idmapped trees built by corun (rootfs_ctx), or NULL */
};

/* Never returns: execs the user process or exits non-zero after sending
 * SYNC_ERROR. */
__attribute__((noreturn)) void init_main(const struct init_args *a);
