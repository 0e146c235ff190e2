/* SPDX-License-Identifier: Apache-2.0 */
/* CRIU through its RPC service: `criu swrk FD` on a SOCK_SEQPACKET pair,
 * one protobuf message (rpc.proto, encoded by protobuf-c code generated at
 * build time) per packet. This header keeps protobuf out of its callers:
 * they describe a job in plain C (struct criu_job) and get plain answers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Whether this corun was built with CRIU support (meson option criu). */
extern const bool criu_built;

/* The oldest CRIU corun drives (as runc 1.1: 3.0), as major*10000 +
 * minor*100 + sublevel. */
#define CRIU_MIN_VERSION 30000

enum criu_kind { CRIU_DUMP, CRIU_PRE_DUMP, CRIU_RESTORE };

/* --manage-cgroups-mode; CRIU_CGM_UNSET leaves CRIU's default (soft). */
enum criu_cgm { CRIU_CGM_UNSET, CRIU_CGM_SOFT, CRIU_CGM_FULL, CRIU_CGM_STRICT, CRIU_CGM_IGNORE };
/* "" -> UNSET, soft, full, strict, ignore; -1 + err otherwise (runc's words). */
int criu_parse_cgm(const char *s, enum criu_cgm *out);

struct criu_kv {
	char *key, *val;
};
struct criu_inherit {
	char *key;
	int fd; /* in corun; criu gets it at the same number */
};

/* What one dump, pre-dump or restore asks of CRIU. Strings may be NULL. */
struct criu_job {
	enum criu_kind kind;
	int images_fd, work_fd; /* directories */
	const char *log_file;	/* a name in the work dir */
	pid_t pid;		/* dump: the tree's root */
	const char *root;	/* restore: the directory that becomes / */
	const char *parent_img; /* relative to the images dir */
	bool leave_running, tcp_established, ext_unix_sk, shell_job, file_locks;
	bool auto_dedup, lazy_pages, track_mem, orphan_pts_master, rst_sibling;
	enum criu_cgm cgm;
	unsigned empty_ns; /* CLONE_NEW* flags */
	const char *ps_address;
	int ps_port; /* page server: when ps_address */
	const char *freeze_cgroup;
	const char *lsm_profile, *lsm_mount_context, *config_file;
	struct criu_kv *ext_mnt; /* external mounts: key = container path */
	size_t n_ext_mnt;
	char **external; /* "net[INODE]:KEY" and the like */
	size_t n_external;
	struct criu_inherit *inherit;
	size_t n_inherit;
	struct criu_kv *cg_roots; /* restore: key controllers ("" = all), val path */
	size_t n_cg_roots;
};
void criu_job_free(struct criu_job *j); /* the malloc'd lists and their strings */
void criu_job_add_mnt(struct criu_job *j, const char *key, const char *val);
void criu_job_add_external(struct criu_job *j, const char *ext);
void criu_job_add_inherit(struct criu_job *j, const char *key, int fd);
void criu_job_add_cg_root(struct criu_job *j, const char *ctrls, const char *path);

/* A running `criu swrk`. */
struct criu_session {
	pid_t pid;
	int sock;
	char *log_path; /* for errors: the work dir's log file, when known */
};

/* Starts bin as `swrk`. keep: fds criu inherits at their numbers (the
 * inherit fds); stdio: ours (a restore's inherit fds 0-2), else /dev/null.
 * -1 + err ("CRIU version check failed: ..." words are the caller's). */
int criu_start(const char *bin, const int *keep, size_t n_keep, bool stdio, struct criu_session *s);
/* Closes the socket and reaps criu (kills it first when kill). */
void criu_stop(struct criu_session *s, bool kill_it);

/* A notification (criu's "action scripts", e.g. "setup-namespaces",
 * "post-restore", "orphan-pts-master" with fd, "status-ready"); fd is -1
 * or one the callee owns. A -1 return fails the job (criu is told). */
typedef int (*criu_notify_fn)(void *ctx, const char *script, pid_t pid, int fd);

/* Runs the job on the session; *restored gets the restored root's pid.
 * Errors: "criu failed: type DUMP errno N" + the log file + its last error
 * line. */
int criu_run(struct criu_session *s, const struct criu_job *job, criu_notify_fn fn, void *ctx,
	     pid_t *restored);

/* The version of bin (major*10000 + minor*100 + sublevel), through a swrk
 * session of its own. */
int criu_version(const char *bin, int *version);
/* Asks bin whether it can do memory tracking / lazy pages; -1 + err naming
 * what is missing. */
int criu_check_features(const char *bin, bool mem_track, bool lazy_pages);

/* The last "Error (...)" line of a CRIU log (malloc'd), or NULL. */
char *criu_log_last_error(const char *path);
