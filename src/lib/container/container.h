/* SPDX-License-Identifier: Apache-2.0 */
/* The container lifecycle as runtime.md orders it: create, start, kill,
 * delete, and run (= create + start + wait). The CLI only parses arguments
 * and calls these; each returns 0 or -1 with err_msg() saying why. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "state.h"

struct global_opts {
	const char *root; /* --root, default /run/corun */
	const char *log;  /* --log, NULL = stderr */
	bool log_json;	  /* --log-format json */
	bool debug;	  /* --debug */
	bool systemd_cgroup;
	const char *rootless; /* "auto", "true" or "false" */
	const char *criu;
};

struct create_opts {
	const char *id;
	const char *bundle;   /* default "." */
	const char *pid_file; /* may be NULL */
	const char *console_socket;
	const char *pidfd_socket; /* sent a pidfd of the init once created */
	bool no_pivot;
	bool no_new_keyring;
	unsigned preserve_fds;
	bool detach; /* run -d */
	bool keep;   /* run --keep */
};

/* --rootless, as runc's: whether cgroup permission errors are ignored (a
 * cgroup we cannot make is done without); auto: when we are not the host's
 * root (another euid, or root of a user namespace). */
bool rootless_cgroups(const struct global_opts *g);
/* pause, resume and ps warn as runc's do when that holds: they need the
 * cgroup, which a rootless container may not have. */
void rootless_cgroups_warn(const struct global_opts *g, const char *cmd);

int container_create(const struct global_opts *g, const struct create_opts *o);
int container_start(const struct global_opts *g, const char *id);
/* Foreground run returns the container's exit code in *exit_code (128+N for
 * a signal); detached run returns 0 there. */
int container_run(const struct global_opts *g, const struct create_opts *o, int *exit_code);
int container_kill(const struct global_opts *g, const char *id, int sig, bool all);
int container_delete(const struct global_opts *g, const char *id, bool force);
/* The JSON `corun state ID` prints (malloc'd). */
int container_state_json(const struct global_opts *g, const char *id, char **out);

struct container_info {
	struct cstate st;
	enum status status;
};
/* Every container under --root, sorted by id. Free with container_list_free. */
int container_list(const struct global_opts *g, struct container_info **out, size_t *n);
void container_list_free(struct container_info *v, size_t n);

/* `corun exec`: what the CLI parsed. Lists point into argv. */
struct exec_opts {
	const char *id;
	const char *process_file; /* -p: an OCI process object; then the flags
				   * that shape the process are ignored, as in runc */
	char **args;		  /* the command, NULL-terminated (may be empty) */
	const char *console_socket;
	const char *pidfd_socket; /* sent a pidfd of the process once it runs */
	const char *cwd, *user;	  /* NULL = from the config */
	const char **env;	  /* appended to the config's process.env */
	size_t n_env;
	const int64_t *gids; /* appended to process.user.additionalGids */
	size_t n_gids;
	const char **caps; /* added to bounding, effective and permitted */
	size_t n_caps;
	const char *pid_file;
	const char *process_label, *apparmor;
	const char **cgroups; /* --cgroup: [<controllers>:]<sub-cgroup> */
	size_t n_cgroups;
	unsigned preserve_fds;
	int no_new_privs; /* -1: as the config says; else --no-new-privs=0/1 */
	bool tty, detach, ignore_paused;
};

/* Runs a new process inside a running container. Foreground: waits and
 * returns its exit code in *exit_code (128+N for a signal); detached: 0. */
int container_exec(const struct global_opts *g, const struct exec_opts *o, int *exit_code);

/* `corun checkpoint`: runc 1.1's flags (container_checkpoint.c). */
struct checkpoint_opts {
	const char *id;
	const char *image_path, *work_path, *parent_path; /* NULL: defaults */
	bool leave_running, tcp_established, ext_unix_sk, shell_job, lazy_pages;
	bool file_locks, pre_dump, auto_dedup;
	int status_fd; /* -1: none */
	const char *page_server, *manage_cgroups_mode, *empty_ns;
};
int container_checkpoint(const struct global_opts *g, const struct checkpoint_opts *o);

/* `corun restore`: create's flags that apply, and CRIU's (container_restore.c). */
struct restore_opts {
	struct create_opts c; /* id, bundle, console_socket, pid_file, no_pivot, detach */
	const char *image_path, *work_path;
	bool tcp_established, ext_unix_sk, shell_job, file_locks, auto_dedup, lazy_pages;
	const char *manage_cgroups_mode, *empty_ns, *lsm_profile, *lsm_mount_context;
};
/* Foreground: waits for the restored process, its exit code in *exit_code. */
int container_restore(const struct global_opts *g, const struct restore_opts *o, int *exit_code);
