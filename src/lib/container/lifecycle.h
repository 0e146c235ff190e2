/* SPDX-License-Identifier: Apache-2.0 */
/* Private to the lifecycle files (container_*.c): what create hands on to
 * start and run, and the teardown shared by delete, run and failed creates. */
#pragma once

#include <stdbool.h>
#include <signal.h>
#include <sys/types.h>
#include <termios.h>

#include "cgroup.h"
#include "container.h"
#include "spec.h"
#include "state.h"

struct creation {
	struct spec *spec;
	char *raw;
	size_t raw_len;
	char *bundle, *rootfs;
	int dirfd; /* the state directory, locked exclusively */
	bool dir_created;
	struct cgroup cg;
	bool cg_applied;
	bool cg_optional;   /* rootless without limits: go on without a cgroup */
	bool hooks_started; /* from here on a failure also runs poststop hooks */
	struct cstate st;
	pid_t child; /* our direct child */
	pid_t init;  /* the container init (the child, or its child) */
	int sync_fd;
	int console_fd; /* our end of the console socketpair (foreground tty), or -1 */
	struct seccomp_prog *seccomp; /* compiled before anything exists, or NULL */
	int *mount_trees;	      /* idmapped mounts built before the init (idmap.h), or NULL */
	bool rdt_applied;	      /* linux.intelRdt group set up: undo on failure */
};

/* Builds the container up to "created". keep_console: foreground run
 * relays the terminal itself. On failure everything made is undone. */
int creation_run(const struct global_opts *g, const struct create_opts *o, struct creation *c,
		 bool keep_console);
/* creation_run in two steps: load reads and checks the bundle and makes
 * nothing (a caller may still be killed meanwhile), build makes the
 * container. After a failed load, creation_free is still due. */
int creation_load(const struct create_opts *o, struct creation *c);
int creation_build(const struct global_opts *g, const struct create_opts *o, struct creation *c,
		   bool keep_console);
void creation_free(struct creation *c);
/* creation_build's steps, for restore (container_restore.c), which has
 * CRIU make the processes: the cgroup driver and path; the state dir
 * (the id claimed, config copy, exec fifo); the cgroup made with its
 * limits and pid moved in; state.json rewritten (the init's pid); undo
 * of all that was made (processes killed, cgroup, hooks, state dir). */
int creation_cgroup(const struct global_opts *g, const struct create_opts *o, struct creation *c);
int creation_claim(const struct global_opts *g, const struct create_opts *o, struct creation *c);
int creation_apply_cgroup(struct creation *c, pid_t pid);
int creation_save(struct creation *c);
void creation_abort(const struct global_opts *g, struct creation *c);

/* Releases a created container: opens exec.fifo, waits for the init to
 * pass it, runs poststart hooks. spec may be NULL (then the saved copy is
 * read when poststart hooks are needed). */
int start_created(int dirfd, const struct cstate *st, const struct spec *spec);
/* start_created for `start` and `run -d`: with $NOTIFY_SOCKET, relays the
 * container's sd_notify messages until READY=1 (notify_socket.h), with
 * the state dir unlocked meanwhile: the last step of the caller. */
int start_notified(int dirfd, const struct cstate *st, const struct spec *spec);

/* Undoes create: cgroup, poststop hooks (warnings only) run in hooks_dir
 * (NULL: ours; run gives the bundle, delete its caller's cwd, as runc),
 * state dir. */
int destroy_container(const struct global_opts *g, const struct cstate *st, const struct spec *spec,
		      const char *hooks_dir);

/* Sends sig to the init, guarding against pid reuse with a pidfd and the
 * saved start time. ESRCH is not an error when quiet_gone. */
int signal_init(const struct cstate *st, int sig, bool quiet_gone);
/* Waits (up to timeout_ms) for a process that is not our child to exit. */
int wait_exit(pid_t pid, int timeout_ms);

/* Parses the config copy kept in the state dir. */
int load_saved_spec(int dirfd, struct spec **out);
/* The state dir of id, flock'ed (shared or exclusive), and its state in st
 * (container_open.c);
 * -1 + err when there is no such container. */
int state_open_locked(const struct global_opts *g, const char *id, bool exclusive,
		      struct cstate *st);
/* --pid-file of create, run, exec and restore: pid written atomically;
 * errors prefixed "pid file". */
int pid_file_write(const char *path, pid_t pid);
/* Whether the state dir still holds our container: a `delete` while a
 * foreground run or restore waited has removed it (and run its poststop
 * hooks), whatever now has its name. */
bool state_still_ours(int dirfd);

/* The foreground wait of run and exec (container_run.c). */
struct tty_relay;
struct relay {
	int master;	       /* pty master, or -1 */
	struct tty_relay *tty; /* copies between it and our stdio */
	bool raw;
	struct termios saved;
	int notify;		 /* the container's notify socket, or -1 */
	const char *notify_host; /* where its messages go ($NOTIFY_SOCKET) */
};
/* Blocks every signal but the synchronous faults and returns a signalfd
 * for them (the old mask in *old), so none is lost before the wait. */
int signals_block(sigset_t *old);
/* Receives the pty master from console_fd (-1: no terminal) and puts our
 * terminal, if stdin is one, in raw mode. */
int relay_open(int console_fd, struct relay *r);
/* relay_open with the master itself (taken over: closed by relay_close). */
int relay_open_master(int master, struct relay *r);
/* Relays the terminal and forwards signals to pid until it exits; *code
 * gets its exit code (128+N for signal N). Reaps any child. */
int relay_wait(pid_t pid, int sfd, struct relay *r, int *code);
void relay_close(struct relay *r);
