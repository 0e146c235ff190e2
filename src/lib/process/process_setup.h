/* SPDX-License-Identifier: Apache-2.0 */
/* The last steps before a container process execs, one path for the
 * container init (init.c) and `exec` (container_exec.c).
 *
 * The order, and why:
 *  1. scheduling attributes, LSM exec labels, oom_score_adj, rlimits and
 *     the bounding set: they need privileges the user switch drops, and
 *     the procfs handle (procfs.h) for the /proc writes;
 *  2. every fd closed but 0-2, the preserved ones and the few the caller
 *     still needs (sockets, the state directory): really closed, not just
 *     close-on-exec, since execve resolves its path before close-on-exec
 *     fds go (CVE-2024-21626); the procfs handle goes too, so no path the
 *     container names (cwd, args[0]) can lead out through one of ours;
 *  3. chdir to process.cwd while still privileged (a cwd only root may
 *     enter works, as in runc), the user and groups, chdir again if the
 *     first try failed (rootless), and a check that cwd is inside the root;
 *  4. the program looked up in the container's PATH, HOME from its passwd;
 *  5. capabilities and no_new_privs (a filter loaded without no_new_privs
 *     needs CAP_SYS_ADMIN: then the final capset waits until after it);
 *  6. the seccomp filter, so that the user's profile sees none of the
 *     runtime's setup (close_range, getcwd, ...);
 *  7. the caller's last steps (the init: ready, wait for start, the
 *     startContainer hooks, which run under the filter as in runc);
 *  8. execve. */
#pragma once

#include "seccomp_filter.h"
#include "spec.h"

struct process_finish {
	const struct spec_process *p;
	const struct spec_linux *linux;
	bool exec;			    /* `corun exec`, not the container init */
	const char *apparmor, *selinux;	    /* exec labels, NULL = none */
	const struct seccomp_prog *seccomp; /* NULL = no filter */
	int sync_fd;			    /* to corun: the notify listener goes there */
	unsigned preserve_fds;		    /* 3 .. 3 + n - 1 go to the process */
	bool listen_fds;		    /* set LISTEN_PID to the process's pid */
	int keep[4];			    /* fds that outlive step 2, -1 = unused */
	int (*last_steps)(void *ud);	    /* step 7, may be NULL */
	void *ud;
};

/* Runs steps 1-8; returns only on failure, -1 with the reason. */
int process_finish(const struct process_finish *f);

/* Closes every fd from `from` up except those in keep (-1 entries are
 * ignored). Uses close_range, or the real procfs's fd list where the
 * kernel lacks it. */
int close_fds_except(unsigned from, const int *keep, size_t n_keep);
