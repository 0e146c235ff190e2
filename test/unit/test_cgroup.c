/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for cgroup.c and cgroup_v1.c: path rules, the device
 * rule writes (compared with what runc 1.1 leaves in devices.list), and,
 * as root on a cgroup v1 host, a real cgroup: apply, the container's
 * mount in both flavours, kill_all, destroy. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/magic.h>

#include "cgroup.h"
#include "procparse.h"
#include "rootfs.h"
#include "util.h"

#include "cgroup_util.h"
#include "tap.h"

#define N_UNIT 21
#define N_HOST 12

/* ---- paths ---- */

static bool clean_is(const char *in, const char *want)
{
	_cleanup_free_ char *out = NULL;
	if (cgroup_path_clean(in, &out) < 0) {
		diag("%s: %s", in, err_msg());
		return false;
	}
	if (strcmp(out, want))
		diag("\"%s\" -> \"%s\", want \"%s\"", in, out, want);
	return !strcmp(out, want);
}

static bool clean_fails(const char *in, const char *msg_part)
{
	_cleanup_free_ char *out = NULL;
	if (cgroup_path_clean(in, &out) == 0)
		return false;
	if (!strstr(err_msg(), msg_part))
		diag("error \"%s\" lacks \"%s\"", err_msg(), msg_part);
	return strstr(err_msg(), msg_part) != NULL;
}

static void test_paths(void)
{
	char long_name[NAME_MAX + 3];
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	ok(clean_is("/machine/ctr1", "/machine/ctr1"), "absolute path kept");
	ok(clean_is("foo//bar/./baz/", "foo/bar/baz"), "relative path normalised");
	ok(clean_is("//x/", "/x"), "leading and trailing slashes");
	ok(clean_fails("..", "\"..\" is not allowed"), "\"..\" refused");
	ok(clean_fails("/a/../../b", "\"..\" is not allowed"), "\"..\" inside refused");
	ok(clean_fails("/", "names no cgroup"), "the root refused");
	ok(clean_fails("", "empty"), "empty refused");
	ok(clean_fails("a\nb", "control character"), "newline refused");
	ok(clean_fails(long_name, "longer than"), "over-long component refused");
	struct cgroup cg;
	int r = cgroup_init(&cg, "/x", "id", true);
	if (cgroup_support.systemd)
		ok(r < 0 && strstr(err_msg(), "cgroupsPath \"/x\": systemd cgroups take the form"),
		   "--systemd-cgroup wants slice:prefix:name");
	else
		ok(r < 0 && strstr(err_msg(), "--systemd-cgroup is not supported"),
		   "--systemd-cgroup refused without systemd support");
	err_clear();
}

/* ---- devices ---- */

/* What runc 1.1 leaves in devices.list with its default spec. */
static const char *const runc_defaults[] = {
    "allow b *:* m",   "allow c *:* m",	     "allow c 1:3 rwm",	  "allow c 1:5 rwm",
    "allow c 1:7 rwm", "allow c 1:8 rwm",    "allow c 1:9 rwm",	  "allow c 5:0 rwm",
    "allow c 5:2 rwm", "allow c 10:200 rwm", "allow c 136:* rwm", NULL};

static bool writes_are(const struct spec_devrule *r, size_t n, const char *const *want)
{
	_cleanup_strv_ char **got = cgroup_device_writes(r, n);
	size_t i = 0;
	for (; got[i] && want[i]; i++)
		if (strcmp(got[i], want[i]))
			break;
	if (got[i] || want[i])
		diag("write %zu: got \"%s\", want \"%s\"", i, got[i] ? got[i] : "(end)",
		     want[i] ? want[i] : "(end)");
	return !got[i] && !want[i];
}

static void test_devices(void)
{
	const struct spec_devrule deny_all = {false, 'a', -1, -1, "rwm"};
	const char *want[16] = {"deny a"};
	memcpy(want + 1, runc_defaults, sizeof(runc_defaults));
	ok(writes_are(&deny_all, 1, want), "default spec: runc's devices.list");

	/* runc 1.1 gave this config "c 4:* rw" between 1:9 and 5:0 */
	const struct spec_devrule more[] = {
	    deny_all, {true, 'c', 4, -1, "rw"}, {false, 'c', 1, 3, "w"}};
	const char *want2[] = {"deny a",
			       "allow b *:* m",
			       "allow c *:* m",
			       "allow c 1:3 rwm",
			       "allow c 1:5 rwm",
			       "allow c 1:7 rwm",
			       "allow c 1:8 rwm",
			       "allow c 1:9 rwm",
			       "allow c 4:* rw",
			       "allow c 5:0 rwm",
			       "allow c 5:2 rwm",
			       "allow c 10:200 rwm",
			       "allow c 136:* rwm",
			       NULL};
	ok(writes_are(more, ARRAY_SIZE(more), want2), "extra rules, defaults win");

	const struct spec_devrule allow_all = {true, 'a', -1, -1, "rwm"};
	const char *want3[] = {"allow a", NULL};
	ok(writes_are(&allow_all, 1, want3), "allow all");

	const struct spec_devrule fuse[] = {allow_all, {false, 'c', 10, 229, ""}};
	const char *want4[] = {"allow a", "deny c 10:229 rwm", NULL};
	ok(writes_are(fuse, 2, want4), "allow all but one; unset access is rwm");

	const struct spec_devrule bits[] = {
	    deny_all, {true, 'b', 8, 0, "rw"}, {false, 'b', 8, 0, "w"}, {true, 'b', 8, 1, "m"}};
	_cleanup_strv_ char **w = cgroup_device_writes(bits, ARRAY_SIZE(bits));
	bool found = false;
	for (char **p = w; *p; p++)
		found = found || !strcmp(*p, "allow b 8:0 r");
	ok(found && !strcmp(w[2], "allow b 8:0 r") && !strcmp(w[3], "allow b 8:1 m"),
	   "a deny takes access bits off an exception");
}

/* ---- a real cgroup ---- */

static char *own(const char *ctrl)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c = strchr(line, ':'), *p = c ? strchr(c + 1, ':') : NULL;
		if (p && (size_t)(p - c - 1) == strlen(ctrl) && !strncmp(c + 1, ctrl, strlen(ctrl)))
			return xstrdup(strcmp(p + 1, "/") ? p + 1 : "");
	}
	return xstrdup("");
}

/* Every line of /proc/PID/cgroup names path (under our own cgroup when
 * relative). */
static bool in_cgroup(pid_t pid, const char *path)
{
	_cleanup_free_ char *fn = xasprintf("/proc/%d/cgroup", (int)pid);
	_cleanup_fclose_ FILE *f = fopen(fn, "re");
	char line[4096];
	int lines = 0;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c = strchr(line, ':'), *p = c ? strchr(c + 1, ':') : NULL;
		if (!p)
			return false;
		*p = '\0';
		_cleanup_free_ char *mine = own(c + 1);
		_cleanup_free_ char *want =
		    path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", mine, path);
		if (strcmp(p + 1, want)) {
			diag("%s: %s, want %s", c + 1, p + 1, want);
			return false;
		}
		lines++;
	}
	return lines > 0;
}

/* A child that, once *go is written to (it is in the cgroup by then),
 * forks `forks` more sleepers. */
static pid_t spawn_sleeper(int forks, int *go)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		for (int i = 0; i < forks; i++)
			if (fork() == 0)
				break;
		for (;;)
			pause();
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

static void reap_all(void)
{
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
}

static bool dir_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Inside a child with its own mount namespace: the cgroup mount at a fresh
 * directory, then its shape from mountinfo. Returns a failure text. */
static const char *mount_shape(struct cgroup *cg, bool cgroupns, const char *root_want, int want,
			       const char *tmpl)
{
	static char why[4200];
	_cleanup_close_ int fd = open(tmpl, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* "nosuid", "noexec", "nodev", "relatime", "ro", as config.c parses them */
	struct spec_mount m = {
	    .destination = "/sys/fs/cgroup",
	    .type = "cgroup",
	    .source = "cgroup",
	    .opts = {.flags = MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY}};
	if (cg->drv->mount(cg, fd, &m, cgroupns) < 0) {
		snprintf(why, sizeof(why), "mount: %s", err_msg());
		return why;
	}
	struct stat st;
	if (stat(tmpl, &st) < 0 || (st.st_mode & 07777) != 0555)
		return "the tmpfs does not have the mode of what it covers";
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int tmpfs = 0, hier = 0;
	size_t tl = strlen(tmpl);
	while (f && fgets(line, sizeof(line), f)) {
		char root[1024], mp[1024], mopts[256], type[32];
		char *dash = strstr(line, " - ");
		if (!dash ||
		    sscanf(line, "%*s %*s %*s %1023s %1023s %255s", root, mp, mopts) != 3 ||
		    sscanf(dash + 3, "%31s", type) != 1 || strncmp(mp, tmpl, tl))
			continue;
		if (!mp[tl] && !strcmp(type, "tmpfs")) {
			tmpfs += !strcmp(mopts, "rw,nosuid,nodev,noexec,relatime");
			continue;
		}
		if (strcmp(type, "cgroup") || strcmp(mopts, "ro,nosuid,nodev,noexec,relatime") ||
		    strcmp(root, root_want)) {
			snprintf(why, sizeof(why), "unexpected mount: %s", line);
			return why;
		}
		hier++;
	}
	struct statfs sf;
	if (tmpfs != 1 || hier != want || statfs(tmpl, &sf) < 0) {
		snprintf(why, sizeof(why), "%d tmpfs, %d of %d hierarchies", tmpfs, hier, want);
		return why;
	}
	_cleanup_free_ char *dev = xasprintf("%s/devices/devices.list", tmpl);
	return access(dev, R_OK) == 0 ? NULL : "devices.list not visible";
}

/* In a child: first without a cgroup namespace, then (after joining the
 * cgroup) in one; the results come back as two lines on a pipe. */
static const char *check_mount(struct cgroup *cg, bool cgroupns, const char *root_want, int want)
{
	char tmpl[] = "/tmp/corun-cgmnt-XXXXXX";
	if (!mkdtemp(tmpl))
		return "mkdtemp";
	const char *r =
	    chmod(tmpl, 0555) < 0 ? "chmod" : mount_shape(cg, cgroupns, root_want, want, tmpl);
	umount2(tmpl, MNT_DETACH);
	rmdir(tmpl);
	return r;
}

static void test_mount(struct cgroup *cg, const char *path)
{
	/* every v1 hierarchy, not the hybrid cgroup2 one */
	_cleanup_fclose_ FILE *mi = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int want = 0, pfd[2];
	while (mi && fgets(line, sizeof(line), mi))
		want += strstr(line, " - cgroup ") && strstr(line, " / /sys/fs/cgroup/");
	if (pipe(pfd) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		const char *r1 = NULL, *r2 = NULL;
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			r1 = r2 = "unshare";
		if (!r1)
			r1 = check_mount(cg, false, path, want);
		dprintf(pfd[1], "%s\n", r1 ? r1 : "");
		if (!r2 && cg->drv->apply(cg, NULL, getpid()) < 0)
			r2 = err_msg();
		if (!r2 && unshare(CLONE_NEWCGROUP) < 0)
			r2 = "unshare cgroup";
		if (!r2)
			r2 = check_mount(cg, true, "/", want);
		dprintf(pfd[1], "%s\n", r2 ? r2 : "");
		_exit(0);
	}
	close(pfd[1]);
	_cleanup_fclose_ FILE *f = fdopen(pfd[0], "r");
	char r[2][1024] = {"child died", "child died"};
	for (int i = 0; i < 2 && f && fgets(r[i], sizeof(r[i]), f); i++)
		r[i][strcspn(r[i], "\n")] = '\0';
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 2; i++)
		if (*r[i])
			diag("%s", r[i]);
	ok(!*r[0], "mount without cgroupns: tmpfs and a ro bind per hierarchy");
	ok(!*r[1], "mount with cgroupns: a new mount per hierarchy, rooted at the ns");
}

static bool devices_list_is(const char *dir, const char *const *want)
{
	_cleanup_free_ char *p = xasprintf("%s/devices.list", dir), *got = NULL;
	if (read_file_at(AT_FDCWD, p, 1 << 16, &got, NULL) < 0)
		return false;
	char *save = NULL, *line = strtok_r(got, "\n", &save);
	for (; *want; want++, line = strtok_r(NULL, "\n", &save))
		if (!line || strcmp(line, *want + strlen("allow "))) {
			diag("devices.list: \"%s\", want \"%s\"", line ? line : "(end)", *want);
			return false;
		}
	return line == NULL;
}

static void test_host(void)
{
	struct spec s = {0};
	const struct spec_devrule deny_all = {false, 'a', -1, -1, "rwm"};
	s.linux.dev_rules = (struct spec_devrule *)&deny_all;
	s.linux.n_dev_rules = 1;
	_cleanup_free_ char *top = xasprintf("/corun-test-%d", (int)getpid());
	_cleanup_free_ char *path = xasprintf("%s/ctr", top);
	_cleanup_free_ char *dev_dir = xasprintf("/sys/fs/cgroup/devices%s", path);
	_cleanup_free_ char *pids_top = xasprintf("/sys/fs/cgroup/pids%s", top);
	struct cgroup cg;
	if (cgroup_init(&cg, path, "ignored", false) < 0) {
		ok(false, "init: %s", err_msg());
		return;
	}
	ok(!strcmp(cg.path, path) && cg.drv == &cgroup_v1_driver, "init: v1 driver, path kept");

	int go;
	pid_t child = spawn_sleeper(3, &go);
	int rc = cg.drv->apply(&cg, &s, child);
	(void)!write(go, "g", 1);
	close(go);
	if (rc < 0)
		diag("apply: %s", err_msg());
	ok(rc == 0 && in_cgroup(child, path), "apply: the pid is in %s in every hierarchy", path);
	ok(devices_list_is(dev_dir, runc_defaults), "apply: devices.list as runc's");
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	/* let the child fork (up to 5 s on a loaded machine) */
	for (int i = 0; i < 100; i++) {
		free(pids);
		pids = NULL;
		rc = cg.drv->pids(&cg, &pids, &n);
		if (rc < 0 || n >= 4)
			break;
		usleep(50 * 1000);
	}
	ok(rc == 0 && n == 4, "pids: the child and its 3 forks (%zu)", n);

	test_mount(&cg, path);

	ok(cg.drv->destroy(&cg) < 0 && strstr(err_msg(), path) && strstr(err_msg(), "busy"),
	   "destroy while in use fails naming the cgroup");
	rc = cg.drv->kill_all(&cg, SIGKILL);
	int st = 0;
	bool killed = waitpid(child, &st, 0) == child && WIFSIGNALED(st);
	free(take_ptr(&pids));
	for (int i = 0; i < 100 && cg.drv->pids(&cg, &pids, &n) == 0 && n; i++) {
		free(take_ptr(&pids));
		usleep(10 * 1000);
	}
	for (size_t i = 0; i < n; i++) /* so that reaping does not hang */
		kill(pids[i], SIGKILL);
	reap_all();
	ok(rc == 0 && killed && n == 0, "kill_all: the child and its forks are killed");
	rc = cg.drv->destroy(&cg);
	if (rc < 0)
		diag("destroy: %s", err_msg());
	ok(rc == 0 && !dir_exists(dev_dir) && !dir_exists(pids_top),
	   "destroy: the cgroup and its empty parent are gone");
	ok(cg.drv->destroy(&cg) == 0, "destroy: a cgroup that is gone is fine");
	cgroup_fini(&cg);

	/* relative: under our own cgroup in each hierarchy (as runc 1.1 does) */
	_cleanup_free_ char *rel = xasprintf("corun-test-%d-rel", (int)getpid());
	child = spawn_sleeper(0, &go);
	rc = cgroup_init(&cg, NULL, rel, false);
	if (rc == 0)
		rc = cg.drv->apply(&cg, &s, child);
	(void)!write(go, "g", 1);
	close(go);
	if (rc < 0)
		diag("relative: %s", err_msg());
	ok(rc == 0 && in_cgroup(child, rel), "relative path: below our own cgroup");
	rc = cg.drv->kill_all(&cg, SIGKILL);
	reap_all();
	_cleanup_free_ char *mine = own("memory");
	_cleanup_free_ char *own_dir = xasprintf("/sys/fs/cgroup/memory%s", mine);
	ok(rc == 0 && cg.drv->destroy(&cg) == 0 && dir_exists(own_dir),
	   "relative path: destroy keeps our own cgroup");
	cgroup_fini(&cg);
}

static const char *host_skip_reason(void)
{
	struct statfs sf;
	if (geteuid() != 0)
		return "not root";
	if (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type == CGROUP2_SUPER_MAGIC)
		return "/sys/fs/cgroup is not cgroup v1";
	if (access("/sys/fs/cgroup/devices/devices.list", R_OK) < 0)
		return "no v1 devices hierarchy";
	return NULL;
}

/* The /proc parsers on given text (util.h's proc_text_set), as the fuzz
 * targets drive them: escapes in mount points, bind mounts of a part of
 * the hierarchy, lines cut short, a process name with ") " in it. */
static void test_proc_texts(void)
{
	const char *mi = "25 30 0:22 / /sys/fs/cgroup/a\\040b rw shared:9 - cgroup2 cgroup2 rw\n"
			 "26 25 0:23 /sub /c rw - cgroup cgroup rw,cpu,cpuacct\n"
			 "27 25 0:24 / /m\\134y rw - cgroup cgroup rw,memory\n"
			 "28 25 0:25 / /short\n"
			 "29 25 0:26 / - cgroup\n";
	proc_text_set("/proc/self/mountinfo", mi, strlen(mi));
	_cleanup_free_ char *v2 = cgroup_mount_dir("", "/x");
	_cleanup_free_ char *cpu = cgroup_mount_dir("cpu,cpuacct", "/sub/y");
	_cleanup_free_ char *other = cgroup_mount_dir("cpu,cpuacct", "/elsewhere");
	_cleanup_free_ char *mem = cgroup_mount_dir("memory", "/z");
	ok(v2 && !strcmp(v2, "/sys/fs/cgroup/a b/x"), "mountinfo: escaped blank: %s", v2);
	ok(cpu && !strcmp(cpu, "/c/y"), "mountinfo: a bind of a sub-cgroup: %s", cpu);
	ok(!other, "mountinfo: a path outside the bound part is not there");
	ok(mem && !strcmp(mem, "/m\\y/z"), "mountinfo: escaped backslash: %s", mem);
	bool sh25 = false, sh26 = true;
	ok(mountinfo_shared(25, &sh25) == 0 && mountinfo_shared(26, &sh26) == 0 && sh25 && !sh26,
	   "mountinfo: shared propagation of one mount");
	char stat[128], path[64];
	int n = snprintf(stat, sizeof(stat),
			 "%d (a) b) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777 0", (int)getpid());
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)getpid());
	proc_text_set(path, stat, (size_t)n);
	ok(proc_state(getpid()) == 'S' && proc_start_time(getpid()) == 777,
	   "stat: the name ends at the last \") \"");
	proc_text_set(NULL, NULL, 0);
}

int main(void)
{
	plan(N_UNIT + N_HOST);
	/* the sleepers' forks are reparented to us so that we reap them */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	test_paths();
	test_devices();
	test_proc_texts();
	const char *skip = host_skip_reason();
	if (skip)
		for (int i = 0; i < N_HOST; i++)
			ok(true, "real cgroup # SKIP %s", skip);
	else
		test_host();
	return done_testing();
}
