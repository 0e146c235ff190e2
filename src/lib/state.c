/* SPDX-License-Identifier: Apache-2.0 */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "json.h"

const char *status_name(enum status s)
{
	static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
	return names[s];
}

int state_validate_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0)
		return err_set(0, "invalid container id: must not be empty");
	if (n > 1024)
		return err_set(0, "invalid container id: longer than 1024 bytes");
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return err_set(0, "invalid container id format: %s", id);
	for (const char *p = id; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_' || c == '+' || c == '-' || c == '.';
		if (!ok)
			return err_set(0, "invalid container id format: %s", id);
	}
	return 0;
}

int state_dir_create(const char *root, const char *id)
{
	if (mkdir_p(root, 0700) < 0)
		return err_prefix("state root");
	_cleanup_close_ int rfd = open(root, O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return err_set(errno, "open state root %s", root);
	if (mkdirat(rfd, id, 0711) < 0) {
		if (errno == EEXIST)
			return err_set(0, "container with id exists: %s", id);
		return err_set(errno, "create state dir %s/%s", root, id);
	}
	int fd = openat(rfd, id, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno, "open state dir %s/%s", root, id);
	return fd;
}

int state_dir_open(const char *root, const char *id)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", root, id);
	int fd = open(path, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(0, "container does not exist");
		return err_set(errno, "open state dir %s", path);
	}
	return fd;
}

int state_dir_remove(const char *root, const char *id)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", root, id);
	_cleanup_close_ int fd = open(path, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : err_set(errno, "open state dir %s", path);
	DIR *d = fdopendir(dup(fd));
	if (!d)
		return err_set(errno, "read state dir %s", path);
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(fd, de->d_name, 0);
	closedir(d);
	if (rmdir(path) < 0 && errno != ENOENT)
		return err_set(errno, "remove state dir %s", path);
	return 0;
}

int state_lock(int dirfd, bool exclusive)
{
	while (flock(dirfd, exclusive ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR)
			return err_set(errno, "lock state dir");
	return 0;
}

static json_t *annotations_json(const struct cstate *st)
{
	json_t *o = json_object();
	for (size_t i = 0; i < st->n_annotations; i++)
		json_object_set_new(o, st->annotations[i].key,
				    json_string(st->annotations[i].value));
	return o;
}

int state_write(int dirfd, const struct cstate *st)
{
	json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s}", "ociVersion",
			      st->oci_version, "id", st->id, "pid", (json_int_t)st->pid,
			      "startTime", (json_int_t)st->start_time, "bundle", st->bundle,
			      "rootfs", st->rootfs, "created", st->created, "owner", st->owner);
	if (!o)
		return err_set(0, "state: cannot encode");
	if (st->cgroup_path)
		json_object_set_new(o, "cgroupPath", json_string(st->cgroup_path));
	json_object_set_new(o, "annotations", annotations_json(st));
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return err_set(0, "state: cannot encode");
	int rc = write_file_atomic(dirfd, STATE_FILE, text, strlen(text), 0600);
	free(text);
	return rc;
}

static int read_fields(json_t *o, struct cstate *st)
{
	struct arena *a = &st->arena;
	int64_t pid = 0;
	uint64_t start = 0;
	json_t *ann = NULL;
	if (jget_str(o, "ociVersion", "state", true, a, &st->oci_version) < 0 ||
	    jget_str(o, "id", "state", true, a, &st->id) < 0 ||
	    jget_int(o, "pid", "state", true, 0, INT32_MAX, &pid) < 0 ||
	    jget_u64(o, "startTime", "state", false, &start) < 0 ||
	    jget_str(o, "bundle", "state", true, a, &st->bundle) < 0 ||
	    jget_str(o, "rootfs", "state", true, a, &st->rootfs) < 0 ||
	    jget_str(o, "created", "state", true, a, &st->created) < 0 ||
	    jget_str(o, "owner", "state", false, a, &st->owner) < 0 ||
	    jget_str(o, "cgroupPath", "state", false, a, &st->cgroup_path) < 0 ||
	    jget_obj(o, "annotations", "state", false, &ann) < 0)
		return -1;
	st->pid = (pid_t)pid;
	st->start_time = start;
	if (!st->owner)
		st->owner = arena_strdup(a, "");
	size_t n = ann ? json_object_size(ann) : 0, i = 0;
	const char *k;
	json_t *v;
	st->annotations = arena_alloc(a, n * sizeof(*st->annotations));
	json_object_foreach (ann, k, v) {
		if (!json_is_string(v))
			continue;
		st->annotations[i].key = arena_strdup(a, k);
		st->annotations[i++].value = arena_strdup(a, json_string_value(v));
	}
	st->n_annotations = i;
	return 0;
}

int state_read(int dirfd, struct cstate *st)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	memset(st, 0, sizeof(*st));
	if (read_file_at(dirfd, STATE_FILE, 16 << 20, &text, &len) < 0) {
		if (errno == ENOENT)
			return err_set(0, "container does not exist");
		return -1;
	}
	json_error_t je;
	json_t *o = json_loadb(text, len, 0, &je);
	if (!o)
		return err_set(0, "state.json: %s", je.text);
	int rc = read_fields(o, st);
	json_decref(o);
	if (rc < 0)
		state_free(st);
	return rc;
}

void state_free(struct cstate *st)
{
	arena_free(&st->arena);
	memset(st, 0, sizeof(*st));
}

enum status state_status(int dirfd, const struct cstate *st)
{
	if (st->pid <= 0)
		return STATUS_STOPPED;
	char s = proc_state(st->pid);
	if (s == 0 || s == 'Z' || s == 'X')
		return STATUS_STOPPED;
	if (st->start_time && proc_start_time(st->pid) != st->start_time)
		return STATUS_STOPPED;
	struct stat sb;
	if (fstatat(dirfd, STATE_FIFO, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return STATUS_CREATED;
	return STATUS_RUNNING;
}

static json_t *public_state(const struct cstate *st, enum status status)
{
	pid_t pid = status == STATUS_STOPPED ? 0 : st->pid;
	json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "ociVersion",
			      st->oci_version, "id", st->id, "pid", (json_int_t)pid, "status",
			      status_name(status), "bundle", st->bundle, "rootfs", st->rootfs,
			      "created", st->created, "owner", st->owner);
	if (o && st->n_annotations)
		json_object_set_new(o, "annotations", annotations_json(st));
	return o;
}

char *state_to_json(const struct cstate *st, enum status status, bool pretty)
{
	json_t *o = public_state(st, status);
	/* runc prints two-space indentation, keys in this insertion order */
	char *text = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text ? text : xstrdup("{}");
}

char *state_hook_json(const struct cstate *st, enum status status, pid_t pid)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "ociVersion", st->oci_version, "id", st->id,
			      "status", status_name(status), "bundle", st->bundle);
	if (pid > 0)
		json_object_set_new(o, "pid", json_integer(pid));
	json_object_set_new(o, "annotations", annotations_json(st));
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text ? text : xstrdup("{}");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int state_list(const char *root, int (*fn)(const char *id, int dirfd, void *ud), void *ud)
{
	_cleanup_close_ int rfd = open(root, O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return errno == ENOENT ? 0 : err_set(errno, "open state root %s", root);
	DIR *d = fdopendir(dup(rfd));
	if (!d)
		return err_set(errno, "read state root %s", root);
	char **ids = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(ids, n, sizeof(*ids), cmp_str);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		int fd = rc == 0 ? openat(rfd, ids[i], O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (fd >= 0) {
			rc = fn(ids[i], fd, ud);
			close(fd);
		}
		free(ids[i]);
	}
	free(ids);
	return rc;
}
