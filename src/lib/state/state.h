/* SPDX-License-Identifier: Apache-2.0 */
/* The state store: one directory per container under --root holding
 * state.json (written atomically), exec.fifo while the container is
 * "created", and a copy of the config taken at create time. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"

enum status { STATUS_CREATING, STATUS_CREATED, STATUS_RUNNING, STATUS_PAUSED, STATUS_STOPPED };

struct cstate {
	char *id;
	char *oci_version;
	char *bundle;		       /* absolute */
	char *rootfs;		       /* absolute */
	pid_t pid;		       /* init pid as seen from the host; 0 before it exists */
	unsigned long long start_time; /* /proc/PID/stat field 22, guards against pid reuse */
	char *created;		       /* RFC 3339 with nanoseconds */
	char *owner;		       /* user name of the creator, "" when unknown */
	char *cgroup_path;	       /* may be NULL */
	bool cgroup_systemd;	       /* cgroup_path is a systemd unit's (--systemd-cgroup) */
	char *freeze_file;	       /* the cgroup driver's freeze_file; may be NULL */
	/* The corun process building the container, while it does: state.json
	 * is written before anything else exists, so that a create killed
	 * half-way leaves what delete needs; 0 once created. */
	pid_t creator;
	unsigned long long creator_start;
	struct spec_kv *annotations;
	size_t n_annotations;
	struct arena arena; /* owns every string above */
};

#define STATE_FILE	  "state.json"
#define STATE_CONFIG_FILE "config.json"
#define STATE_FIFO	  "exec.fifo"

const char *status_name(enum status s);

/* runc's rule: ^[\w+-\.]+$, at most 1024 bytes, and not "." or "..". */
int state_validate_id(const char *id);

/* Creates ROOT (0700, parents too) and ROOT/ID (0711); fails with
 * "container with given ID already exists: ID" (runc's words) when taken. Returns an O_DIRECTORY
 * fd. */
int state_dir_create(const char *root, const char *id);
/* Opens ROOT/ID; "container does not exist" when absent. */
int state_dir_open(const char *root, const char *id);
/* Removes ROOT/ID and everything in it. */
int state_dir_remove(const char *root, const char *id);

/* flock() on the state directory fd; exclusive for commands that change
 * state, shared for readers. Blocks until granted. */
int state_lock(int dirfd, bool exclusive);

int state_write(int dirfd, const struct cstate *st);
int state_read(int dirfd, struct cstate *st); /* fills st; free with state_free */
/* The parsing half of state_read, on text (unit tests and the fuzz target). */
int state_parse(const char *text, size_t len, struct cstate *st);
void state_free(struct cstate *st);

/* The live status, from the saved pid and start time, the freeze file
 * (paused) and the fifo; never forks. A pid that is gone, a zombie, or
 * reused means stopped. While its creator runs the container is
 * "creating"; a create that died half-way is "stopped". */
enum status state_status(int dirfd, const struct cstate *st);
/* The create that wrote st (st->creator) still runs. */
bool state_creator_alive(const struct cstate *st);

/* The JSON `corun state` prints (runc's field order and indentation:
 * ociVersion, id, pid, status, bundle, rootfs, created, owner[, annotations]). */
char *state_to_json(const struct cstate *st, enum status status, bool pretty);
/* The runtime-spec state given to hooks on stdin (compact JSON). */
char *state_hook_json(const struct cstate *st, enum status status, pid_t pid);

/* Calls fn for each container directory under root (sorted by name).
 * A missing root is an empty list. */
int state_list(const char *root, int (*fn)(const char *id, int dirfd, void *ud), void *ud);
