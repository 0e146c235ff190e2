/* SPDX-License-Identifier: Apache-2.0 */
/* The state store under --root: ROOT/ID/state.json and friends. */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "json.h"
#include "procparse.h"

#define STATE_MAX (16u << 20)

const char *status_name(enum status s)
{
	static const char *const names[] = {
	    [STATUS_CREATING] = "creating", [STATUS_CREATED] = "created",
	    [STATUS_RUNNING] = "running",   [STATUS_PAUSED] = "paused",
	    [STATUS_STOPPED] = "stopped",
	};
	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "unknown";
}

int state_validate_id(const char *id)
{
	/* runc's messages, word for word */
	if (!id || !*id)
		return err_set(0, "container id cannot be empty");
	size_t n = strlen(id);
	if (n > 1024 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0 ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.") != n)
		return err_set(0, "invalid container ID format");
	return 0;
}

/* ---- the directory ---- */

int state_dir_create(const char *root, const char *id)
{
	if (mkdir_p(root, 0700) < 0)
		return err_prefix("create state root");
	_cleanup_close_ int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return err_set(errno, "open state root %s", root);
	/* mkdir is the atomic claim on the id: of two concurrent creates
	 * exactly one succeeds, the other gets EEXIST */
	if (mkdirat(rfd, id, 0711) < 0) {
		if (errno == EEXIST)
			return err_set(0, "container with given ID already exists: %s", id);
		return err_set(errno, "mkdir %s/%s", root, id);
	}
	_cleanup_close_ int fd = openat(rfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno, "open %s/%s", root, id);
	/* others must be able to reach the fifo and config, not list them;
	 * the umask must not change that */
	if (fchmod(fd, 0711) < 0)
		return err_set(errno, "chmod %s/%s", root, id);
	return take_fd(&fd);
}

int state_dir_open(const char *root, const char *id)
{
	_cleanup_close_ int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = rfd < 0 ? -1 : openat(rfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return err_set(0, "container does not exist");
		return err_set(errno, "open %s/%s", root, id);
	}
	return fd;
}

/* Empties the directory dfd (name for errors); never follows a symlink. */
static int remove_contents(int dfd, const char *name, int depth)
{
	if (depth > 16)
		return err_set(0, "remove %s: too deeply nested", name);
	int dup_fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return err_set(errno, "read %s", name);
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			rc = err_set(errno, "remove %s/%s", name, de->d_name);
			break;
		}
		_cleanup_close_ int sub =
		    openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_free_ char *subname = xasprintf("%s/%s", name, de->d_name);
		if (sub < 0)
			rc = err_set(errno, "open %s", subname);
		else if (remove_contents(sub, subname, depth + 1) < 0)
			rc = -1;
		else if (unlinkat(dfd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			rc = err_set(errno, "remove %s", subname);
	}
	closedir(d);
	return rc;
}

int state_dir_remove(const char *root, const char *id)
{
	_cleanup_close_ int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return errno == ENOENT ? 0 : err_set(errno, "open state root %s", root);
	_cleanup_close_ int fd = openat(rfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : err_set(errno, "open %s/%s", root, id);
	_cleanup_free_ char *name = xasprintf("%s/%s", root, id);
	if (remove_contents(fd, name, 0) < 0)
		return -1;
	if (unlinkat(rfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return err_set(errno, "remove %s", name);
	return 0;
}

int state_lock(int dirfd, bool exclusive)
{
	while (flock(dirfd, exclusive ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR)
			return err_set(errno, "lock state dir");
	return 0;
}

/* ---- state.json ---- */

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct spec_kv *)a)->key, ((const struct spec_kv *)b)->key);
}

/* Sorted by key, as Go writes a map. */
static json_t *annotations_json(const struct cstate *st)
{
	json_t *o = json_object();
	if (!st->n_annotations)
		return o;
	_cleanup_free_ struct spec_kv *kv = xmalloc(st->n_annotations * sizeof(*kv));
	memcpy(kv, st->annotations, st->n_annotations * sizeof(*kv));
	qsort(kv, st->n_annotations, sizeof(*kv), cmp_kv);
	for (size_t i = 0; i < st->n_annotations; i++)
		json_object_set_new(o, kv[i].key, jstr_new(kv[i].value));
	return o;
}

static void set_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, jstr_new(v ? v : ""));
}

int state_write(int dirfd, const struct cstate *st)
{
	/* status is informational: readers always compute the live one */
	enum status status =
	    st->pid > 0 && st->creator <= 0 ? state_status(dirfd, st) : STATUS_CREATING;
	json_t *o = json_object();
	set_str(o, "ociVersion", st->oci_version);
	set_str(o, "id", st->id);
	json_object_set_new(o, "pid", json_integer(st->pid));
	set_str(o, "status", status_name(status));
	json_object_set_new(o, "startTime", json_integer((json_int_t)st->start_time));
	set_str(o, "bundle", st->bundle);
	set_str(o, "rootfs", st->rootfs);
	set_str(o, "created", st->created);
	set_str(o, "owner", st->owner);
	if (st->cgroup_path)
		set_str(o, "cgroupPath", st->cgroup_path);
	if (st->cgroup_systemd)
		json_object_set_new(o, "systemdCgroup", json_true());
	if (st->freeze_file)
		set_str(o, "freezeFile", st->freeze_file);
	if (st->creator > 0) {
		json_object_set_new(o, "creatorPid", json_integer(st->creator));
		json_object_set_new(o, "creatorStartTime",
				    json_integer((json_int_t)st->creator_start));
	}
	json_object_set_new(o, "annotations", annotations_json(st));
	_cleanup_free_ char *text = jdump_compact(o);
	json_decref(o);
	if (!text)
		return err_set(ENOMEM, "encode state");
	return write_file_atomic(dirfd, STATE_FILE, text, strlen(text), 0600);
}

static int read_annotations(json_t *o, struct cstate *st)
{
	json_t *ann = NULL, *v;
	const char *k;
	char p[JPATH_MAX];
	size_t i = 0;
	if (jget_obj(o, "annotations", "state", false, &ann) < 0)
		return -1;
	st->annotations = arena_alloc(&st->arena, json_object_size(ann) * sizeof(*st->annotations));
	json_object_foreach(ann, k, v)
	{
		snprintf(p, sizeof(p), "state.annotations[\"%s\"]", k);
		if (jval_str(v, p, &st->arena, &st->annotations[i].value) < 0)
			return -1;
		st->annotations[i++].key = arena_strdup(&st->arena, k);
	}
	st->n_annotations = i;
	return 0;
}

static int read_fields(json_t *o, struct cstate *st)
{
	struct arena *a = &st->arena;
	const char *p = "state";
	int64_t pid = 0, creator = 0;
	uint64_t start = 0, creator_start = 0;
	if (jval_obj(o, p) < 0 || jget_str(o, "ociVersion", p, true, a, &st->oci_version) < 0 ||
	    jget_str(o, "id", p, true, a, &st->id) < 0 ||
	    jget_int(o, "pid", p, true, 0, INT32_MAX, &pid) < 0 ||
	    jget_u64(o, "startTime", p, false, &start) < 0 ||
	    jget_str(o, "bundle", p, true, a, &st->bundle) < 0 ||
	    jget_str(o, "rootfs", p, true, a, &st->rootfs) < 0 ||
	    jget_str(o, "created", p, true, a, &st->created) < 0 ||
	    jget_str(o, "owner", p, false, a, &st->owner) < 0 ||
	    jget_str(o, "cgroupPath", p, false, a, &st->cgroup_path) < 0 ||
	    jget_bool(o, "systemdCgroup", p, &st->cgroup_systemd) < 0 ||
	    jget_str(o, "freezeFile", p, false, a, &st->freeze_file) < 0 ||
	    jget_int(o, "creatorPid", p, false, 0, INT32_MAX, &creator) < 0 ||
	    jget_u64(o, "creatorStartTime", p, false, &creator_start) < 0 ||
	    read_annotations(o, st) < 0)
		return -1;
	st->pid = (pid_t)pid;
	st->start_time = start;
	st->creator = (pid_t)creator;
	st->creator_start = creator_start;
	if (!st->owner)
		st->owner = arena_strdup(a, "");
	return 0;
}

/* Prefixes the error with the state file's full path: a tampered file is
 * found by its name, --root and id are not known here. */
static int state_file_error(int dirfd)
{
	char link[64], dir[4096];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	ssize_t n = readlink(link, dir, sizeof(dir) - 1);
	if (n <= 0)
		return -1;
	dir[n] = '\0';
	return err_prefix("%s/%s", dir, STATE_FILE);
}

int state_read(int dirfd, struct cstate *st)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	struct stat sb;
	memset(st, 0, sizeof(*st));
	/* a directory without state.json is a create that has not got far */
	if (fstatat(dirfd, STATE_FILE, &sb, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
		return err_set(0, "container does not exist");
	if (read_regular_file_at(dirfd, STATE_FILE, STATE_MAX, true, &text, &len) < 0)
		return state_file_error(dirfd);
	int rc = state_parse(text, len, st);
	return rc < 0 ? state_file_error(dirfd) : rc;
}

int state_parse(const char *text, size_t len, struct cstate *st)
{
	memset(st, 0, sizeof(*st));
	json_t *o = jparse(text, len, "state"); /* state_read names the file */
	if (!o)
		return -1;
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

/* One small read: state and list stay cheap. */
static bool is_frozen(const char *file)
{
	char buf[16];
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return cgroup_frozen_text(buf);
}

bool state_creator_alive(const struct cstate *st)
{
	if (st->creator <= 0)
		return false;
	char s = proc_state(st->creator);
	return s != 0 && s != 'Z' && s != 'X' && proc_start_time(st->creator) == st->creator_start;
}

enum status state_status(int dirfd, const struct cstate *st)
{
	/* a create in progress; or one that was killed: what it left is
	 * unfinished whatever runs, and only good for delete */
	if (st->creator > 0)
		return state_creator_alive(st) ? STATUS_CREATING : STATUS_STOPPED;
	if (st->pid <= 0)
		return STATUS_STOPPED;
	char s = proc_state(st->pid);
	if (s == 0 || s == 'Z' || s == 'X')
		return STATUS_STOPPED;
	/* same pid, different start time: the pid was reused */
	if (proc_start_time(st->pid) != st->start_time)
		return STATUS_STOPPED;
	if (st->freeze_file && is_frozen(st->freeze_file))
		return STATUS_PAUSED;
	struct stat sb;
	if (fstatat(dirfd, STATE_FIFO, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISFIFO(sb.st_mode))
		return STATUS_CREATED;
	return STATUS_RUNNING;
}

/* ---- what is shown to users and hooks ---- */

char *state_to_json(const struct cstate *st, enum status status, bool pretty)
{
	/* runc's order; annotations only when there are some; a stopped
	 * container shows pid 0 */
	json_t *o = json_object();
	set_str(o, "ociVersion", st->oci_version);
	set_str(o, "id", st->id);
	json_object_set_new(o, "pid", json_integer(status == STATUS_STOPPED ? 0 : st->pid));
	set_str(o, "status", status_name(status));
	set_str(o, "bundle", st->bundle);
	set_str(o, "rootfs", st->rootfs);
	set_str(o, "created", st->created);
	if (st->n_annotations)
		json_object_set_new(o, "annotations", annotations_json(st));
	set_str(o, "owner", st->owner);
	char *text = pretty ? jdump_pretty(o) : jdump_compact(o);
	json_decref(o);
	if (!text)
		abort(); /* OOM */
	return text;
}

char *state_hook_json(const struct cstate *st, enum status status, pid_t pid)
{
	json_t *o = json_object();
	set_str(o, "ociVersion", st->oci_version);
	set_str(o, "id", st->id);
	set_str(o, "status", status_name(status));
	if (pid > 0)
		json_object_set_new(o, "pid", json_integer(pid));
	set_str(o, "bundle", st->bundle);
	if (st->n_annotations)
		json_object_set_new(o, "annotations", annotations_json(st));
	char *text = jdump_compact(o);
	json_decref(o);
	if (!text)
		abort(); /* OOM */
	return text;
}

/* ---- listing ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_dir(int rfd, const struct dirent *de)
{
	struct stat sb;
	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return fstatat(rfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode);
}

/* The sorted names of the directories in rfd; *n gets the count. */
static int list_dirs(int rfd, const char *root, char ***out, size_t *n)
{
	int dup_fd = fcntl(rfd, F_DUPFD_CLOEXEC, 3);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return err_set(errno, "read state root %s", root);
	}
	char **ids = NULL;
	size_t cap = 0;
	struct dirent *de;
	*n = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    !is_dir(rfd, de))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(ids, *n, sizeof(*ids), cmp_str);
	*out = ids;
	return 0;
}

int state_list(const char *root, int (*fn)(const char *id, int dirfd, void *ud), void *ud)
{
	_cleanup_close_ int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return errno == ENOENT ? 0 : err_set(errno, "open state root %s", root);
	char **ids = NULL;
	size_t n = 0;
	if (list_dirs(rfd, root, &ids, &n) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		/* a container deleted meanwhile is simply not listed */
		_cleanup_close_ int fd =
		    rc < 0 ? -1
			   : openat(rfd, ids[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			rc = fn(ids[i], fd, ud);
		free(ids[i]);
	}
	free(ids);
	return rc < 0 ? -1 : 0;
}
