/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for state.c: id rules, the state directory, the
 * state.json round trip, live status, runc-identical output, listing. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "procparse.h"
#include "state.h"
#include "tap.h"
#include "util.h"

static char root[64];

static void test_ids(void)
{
	static const char *const good[] = {"abc", "a.b+c_d-E9", ".abc", "x.."};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		ok(state_validate_id(good[i]) == 0, "valid id \"%s\"", good[i]);
	static const char *const bad[] = {"a/b", "..", ".", "a b", "a:b", "\xc3\xa9", "/"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ok(state_validate_id(bad[i]) < 0, "invalid id \"%s\" refused", bad[i]);
		is_str(err_msg(), "invalid container ID format", "invalid id \"%s\": message",
		       bad[i]);
	}
	ok(state_validate_id("") < 0, "empty id refused");
	is_str(err_msg(), "container id cannot be empty", "empty id: message");
	char longid[1100];
	memset(longid, 'a', sizeof(longid) - 1);
	longid[1024] = '\0';
	ok(state_validate_id(longid) == 0, "1024-byte id accepted");
	longid[1024] = 'a';
	longid[1025] = '\0';
	ok(state_validate_id(longid) < 0, "1025-byte id refused");
}

static void fill(struct cstate *st, const char *id)
{
	memset(st, 0, sizeof(*st));
	st->id = arena_strdup(&st->arena, id);
	st->oci_version = arena_strdup(&st->arena, "1.0.2-dev");
	st->bundle = arena_strdup(&st->arena, "/tmp/bndl");
	st->rootfs = arena_strdup(&st->arena, "/tmp/bndl/rootfs");
	st->created = arena_strdup(&st->arena, "2026-11-23T00:37:04.081570063Z");
	st->owner = arena_strdup(&st->arena, "");
}

static void test_dir_and_roundtrip(void)
{
	_cleanup_free_ char *nested = xasprintf("%s/a/b", root);
	int fd = state_dir_create(nested, "c1");
	ok(fd >= 0, "state_dir_create makes the root and the container dir");
	struct stat sb;
	_cleanup_free_ char *c1 = xasprintf("%s/c1", nested);
	ok(stat(c1, &sb) == 0 && (sb.st_mode & 07777) == 0711, "container dir is 0711");
	ok(stat(nested, &sb) == 0 && (sb.st_mode & 07777) == 0700, "state root is 0700");
	ok(state_dir_create(nested, "c1") < 0, "second create of the same id refused");
	is_str(err_msg(), "container with given ID already exists: c1", "exists: message");
	ok(state_lock(fd, true) == 0 && state_lock(fd, false) == 0, "state_lock");

	struct cstate st, rd;
	fill(&st, "c1");
	st.pid = 4242;
	st.start_time = 123456789012ULL;
	st.cgroup_path = arena_strdup(&st.arena, "/corun/c1");
	struct spec_kv ann[] = {{"z.key", "1"}, {"a.key", "two & <three>"}};
	st.annotations = ann;
	st.n_annotations = 2;
	ok(state_write(fd, &st) == 0, "state_write");
	ok(fstatat(fd, STATE_FILE, &sb, 0) == 0 && (sb.st_mode & 07777) == 0600,
	   "state.json is 0600");
	int r = state_read(fd, &rd);
	ok(r == 0, "state_read: %s", r == 0 ? "ok" : err_msg());
	if (r == 0) {
		is_str(rd.id, "c1", "id round trip");
		is_str(rd.oci_version, "1.0.2-dev", "ociVersion round trip");
		ok(rd.pid == 4242 && rd.start_time == 123456789012ULL, "pid and start time");
		is_str(rd.bundle, "/tmp/bndl", "bundle");
		is_str(rd.rootfs, "/tmp/bndl/rootfs", "rootfs");
		is_str(rd.created, st.created, "created");
		is_str(rd.owner, "", "owner");
		is_str(rd.cgroup_path, "/corun/c1", "cgroup path");
		ok(rd.n_annotations == 2 && strcmp(rd.annotations[0].key, "a.key") == 0 &&
		       strcmp(rd.annotations[0].value, "two & <three>") == 0,
		   "annotations round trip");
		state_free(&rd);
	}
	state_free(&st);
	close(fd);

	ok(state_dir_open(nested, "nope") < 0, "open of a missing container fails");
	is_str(err_msg(), "container does not exist", "missing: message");
	fd = state_dir_open(nested, "c1");
	ok(fd >= 0, "state_dir_open");
	/* a leftover subdirectory must not stop the removal */
	ok(mkdirat(fd, "sub", 0700) == 0 && mkdirat(fd, "sub/deeper", 0700) == 0 &&
	       symlinkat("/etc", fd, "link") == 0,
	   "extra entries");
	close(fd);
	ok(state_dir_remove(nested, "c1") == 0 && stat(c1, &sb) < 0 && errno == ENOENT,
	   "state_dir_remove removes everything");
	ok(stat("/etc/passwd", &sb) == 0, "...without following symlinks");
	ok(state_dir_remove(nested, "c1") == 0, "removing a missing dir is fine");

	fd = state_dir_create(nested, "c2");
	ok(state_read(fd, &rd) < 0, "no state.json: refused");
	is_str(err_msg(), "container does not exist", "no state.json: message");
	close(fd);
	state_dir_remove(nested, "c2");
}

static void test_status(void)
{
	int fd = state_dir_create(root, "s1");
	struct cstate st;
	fill(&st, "s1");
	ok(state_status(fd, &st) == STATUS_STOPPED, "pid 0: stopped");
	st.pid = getpid();
	st.start_time = proc_start_time(getpid());
	ok(state_status(fd, &st) == STATUS_RUNNING, "live pid, no fifo: running");
	ok(mkfifoat(fd, STATE_FIFO, 0622) == 0, "mkfifo exec.fifo");
	ok(state_status(fd, &st) == STATUS_CREATED, "live pid, fifo: created");
	st.start_time++;
	ok(state_status(fd, &st) == STATUS_STOPPED, "other start time (pid reused): stopped");

	pid_t child = fork();
	if (child == 0)
		_exit(0);
	/* wait for it to exit but leave the zombie */
	siginfo_t si;
	waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT);
	st.pid = child;
	st.start_time = proc_start_time(child);
	ok(proc_state(child) == 'Z' && state_status(fd, &st) == STATUS_STOPPED, "zombie: stopped");
	waitpid(child, NULL, 0);
	ok(state_status(fd, &st) == STATUS_STOPPED, "dead pid: stopped");
	state_free(&st);
	close(fd);
	state_dir_remove(root, "s1");
}

static void test_output(void)
{
	struct cstate st;
	fill(&st, "t1");
	st.pid = 21804;
	char *j = state_to_json(&st, STATUS_CREATED, true);
	is_str(j,
	       "{\n  \"ociVersion\": \"1.0.2-dev\",\n  \"id\": \"t1\",\n  \"pid\": 21804,\n"
	       "  \"status\": \"created\",\n  \"bundle\": \"/tmp/bndl\",\n"
	       "  \"rootfs\": \"/tmp/bndl/rootfs\",\n"
	       "  \"created\": \"2026-11-23T00:37:04.081570063Z\",\n  \"owner\": \"\"\n}",
	       "state_to_json: as runc state prints it");
	free(j);
	j = state_to_json(&st, STATUS_STOPPED, false);
	is_str(j,
	       "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"t1\",\"pid\":0,\"status\":\"stopped\","
	       "\"bundle\":\"/tmp/bndl\",\"rootfs\":\"/tmp/bndl/rootfs\","
	       "\"created\":\"2026-11-23T00:37:04.081570063Z\",\"owner\":\"\"}",
	       "state_to_json compact, stopped: pid 0");
	free(j);

	struct spec_kv ann[] = {{"b.x", "1"}, {"a.y", "<&>"}};
	st.annotations = ann;
	st.n_annotations = 2;
	st.bundle = arena_strdup(&st.arena, "/tmp/b\xff\x01\xe2\x80\xa8\b\x1f\"\\");
	j = state_to_json(&st, STATUS_RUNNING, true);
	is_str(j,
	       "{\n  \"ociVersion\": \"1.0.2-dev\",\n  \"id\": \"t1\",\n  \"pid\": 21804,\n"
	       "  \"status\": \"running\",\n  \"bundle\": "
	       "\"/tmp/b\\ufffd\\u0001\\u2028\\u0008\\u001f\\\"\\\\\",\n"
	       "  \"rootfs\": \"/tmp/bndl/rootfs\",\n"
	       "  \"created\": \"2026-11-23T00:37:04.081570063Z\",\n"
	       "  \"annotations\": {\n    \"a.y\": \"\\u003c\\u0026\\u003e\",\n"
	       "    \"b.x\": \"1\"\n  },\n  \"owner\": \"\"\n}",
	       "annotations sorted before owner; Go's escaping");
	free(j);
	st.bundle = arena_strdup(&st.arena, "/tmp/bndl");
	j = state_hook_json(&st, STATUS_CREATING, 22410);
	is_str(j,
	       "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"t1\",\"status\":\"creating\",\"pid\":22410,"
	       "\"bundle\":\"/tmp/bndl\",\"annotations\":{\"a.y\":\"\\u003c\\u0026\\u003e\","
	       "\"b.x\":\"1\"}}",
	       "state_hook_json");
	free(j);
	st.n_annotations = 0;
	j = state_hook_json(&st, STATUS_STOPPED, 0);
	is_str(j,
	       "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"t1\",\"status\":\"stopped\","
	       "\"bundle\":\"/tmp/bndl\"}",
	       "state_hook_json without pid and annotations");
	free(j);
	state_free(&st);
}

struct seen {
	char ids[8][16];
	int n;
};

static int collect(const char *id, int dirfd, void *ud)
{
	struct seen *s = ud;
	struct stat sb;
	if (s->n < 8 && fstat(dirfd, &sb) == 0 && S_ISDIR(sb.st_mode))
		snprintf(s->ids[s->n++], sizeof(s->ids[0]), "%s", id);
	return 0;
}

static int stop_early(const char *id, int dirfd, void *ud)
{
	(void)id, (void)dirfd;
	return ++*(int *)ud == 2 ? -1 : 0;
}

static void test_list(void)
{
	_cleanup_free_ char *lroot = xasprintf("%s/list", root);
	struct seen s = {0};
	ok(state_list(lroot, collect, &s) == 0 && s.n == 0, "missing root: empty list");
	static const char *const ids[] = {"zeta", "alpha", "mid"};
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		int fd = state_dir_create(lroot, ids[i]);
		if (fd >= 0)
			close(fd);
	}
	_cleanup_free_ char *file = xasprintf("%s/notadir", lroot);
	int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	ok(state_list(lroot, collect, &s) == 0 && s.n == 3, "three containers listed");
	ok(strcmp(s.ids[0], "alpha") == 0 && strcmp(s.ids[1], "mid") == 0 &&
	       strcmp(s.ids[2], "zeta") == 0,
	   "sorted by name, files skipped");
	int calls = 0;
	ok(state_list(lroot, stop_early, &calls) < 0 && calls == 2,
	   "a failing callback stops the walk");
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		state_dir_remove(lroot, ids[i]);
	unlink(file);
	rmdir(lroot);
}

/* A state.json someone tampered with: an error naming the file and the
 * field, never a crash; a symlink or FIFO is refused before reading. */
static void test_tampered(void)
{
	struct cstate st;
	static const char *const bad[][2] = {
	    {"{\"ociVersion\":\"1\",\"id\":\"a\",\"pid\":\"12\"}", "state.pid: must be an integer"},
	    {"[1,2]", "state: must be an object"},
	    {"{\"ociVersion\":\"1\",\"id\":\"a\\u0000b\"}", "state.id: contains a NUL byte"},
	    {"{\"a\":1,\"a\":2}", "duplicate object key"},
	    {"\"x", "state: invalid JSON"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ok(state_parse(bad[i][0], strlen(bad[i][0]), &st) < 0 &&
		       strstr(err_msg(), bad[i][1]),
		   "tampered state %zu: %s", i, err_msg());
	int fd = state_dir_create(root, "tamper");
	ok(fd >= 0 && symlinkat("/etc/passwd", fd, STATE_FILE) == 0, "a symlinked state.json");
	_cleanup_free_ char *want =
	    xasprintf("%s/tamper/state.json: open state.json: is a symbolic link", root);
	ok(state_read(fd, &st) < 0 && !strcmp(err_msg(), want), "refused: %s", err_msg());
	unlinkat(fd, STATE_FILE, 0);
	ok(mkfifoat(fd, STATE_FILE, 0600) == 0, "a FIFO state.json");
	ok(state_read(fd, &st) < 0 && strstr(err_msg(), "not a regular file (a FIFO)"),
	   "refused without blocking: %s", err_msg());
	close(fd);
	ok(state_dir_remove(root, "tamper") == 0, "removed");
}

int main(void)
{
	snprintf(root, sizeof(root), "/tmp/corun-test-state.XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_ids();
	test_dir_and_roundtrip();
	test_status();
	test_output();
	test_list();
	test_tampered();
	_cleanup_free_ char *b = xasprintf("%s/a/b", root), *a = xasprintf("%s/a", root);
	ok(rmdir(b) == 0 && rmdir(a) == 0 && rmdir(root) == 0, "nothing left behind");
	return done_testing();
}
