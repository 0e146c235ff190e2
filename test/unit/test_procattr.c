/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for caps.c, procattr.c, sysctl.c and hooks.c: names and
 * numbers, sysctl rules, PATH lookup and hooks run for real with /bin/sh. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "caps.h"
#include "hooks.h"
#include "procattr.h"
#include "sysctl.h"
#include "tap.h"

#define PLAN 53
/* rc is -1 and the error message is exactly want. */
static void fails_with(int rc, const char *want, const char *what)
{
	bool good = rc < 0 && strcmp(err_msg(), want) == 0;
	ok(good, "%s", what);
	if (!good)
		printf("# rc %d, got \"%s\"\n# want \"%s\"\n", rc, rc < 0 ? err_msg() : "", want);
}

static char tmpdir[] = "/tmp/test_procattr.XXXXXX";

static char *tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void put(const char *path, const char *text, mode_t mode)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
		printf("# write %s: %s\n", path, strerror(errno));
}

static char *slurp(const char *path)
{
	char *s = NULL;
	if (read_file_at(AT_FDCWD, path, 1 << 20, &s, NULL) < 0)
		return xstrdup("<unreadable>");
	return s;
}

/* ---- capabilities ---- */

static void test_caps(void)
{
	bool all = true;
	for (int c = 0; c <= CAP_CHECKPOINT_RESTORE; c++)
		if (!cap_name(c) || cap_from_name(cap_name(c)) != c)
			all = false;
	ok(all, "cap_name/cap_from_name round trip for 0..40");
	ok(cap_from_name("CAP_SYS_ADMIN") == CAP_SYS_ADMIN, "CAP_SYS_ADMIN is 21");
	ok(cap_from_name("CAP_CHECKPOINT_RESTORE") == 40, "CAP_CHECKPOINT_RESTORE is 40");
	ok(cap_from_name("CAP_FOO") == -1, "unknown capability name");
	ok(cap_from_name("cap_chown") == -1, "names are case-sensitive, as in runc");
	ok(cap_name(41) == NULL && cap_name(-1) == NULL, "cap_name out of range is NULL");
	_cleanup_free_ char *last = slurp("/proc/sys/kernel/cap_last_cap");
	ok(cap_last_cap() == atoi(last), "cap_last_cap matches /proc (%d)", cap_last_cap());
}

static void test_rlimits(void)
{
	static const struct {
		const char *name;
		int res;
	} t[] = {
	    {"RLIMIT_CPU", RLIMIT_CPU},		  {"RLIMIT_FSIZE", RLIMIT_FSIZE},
	    {"RLIMIT_DATA", RLIMIT_DATA},	  {"RLIMIT_STACK", RLIMIT_STACK},
	    {"RLIMIT_CORE", RLIMIT_CORE},	  {"RLIMIT_RSS", RLIMIT_RSS},
	    {"RLIMIT_NPROC", RLIMIT_NPROC},	  {"RLIMIT_NOFILE", RLIMIT_NOFILE},
	    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},	  {"RLIMIT_AS", RLIMIT_AS},
	    {"RLIMIT_LOCKS", RLIMIT_LOCKS},	  {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
	    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
	    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},	  {"RLIMIT_RTTIME", RLIMIT_RTTIME},
	};
	bool all = true;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (rlimit_from_name(t[i].name) != t[i].res)
			all = false;
	ok(all, "rlimit_from_name knows all 16 RLIMIT_* names");
	ok(rlimit_from_name("RLIMIT_FOO") == -1 && rlimit_from_name("nofile") == -1,
	   "unknown rlimit names");

	struct rlimit cur;
	getrlimit(RLIMIT_CORE, &cur);
	struct spec_rlimit up = {RLIMIT_CORE, cur.rlim_max, cur.rlim_max};
	ok(rlimits_apply(&up, 1) == 0, "rlimits_apply within the hard limit");
	/* a child so the test process keeps its own limits and privileges */
	pid_t pid = fork();
	if (pid == 0) {
		if (geteuid() == 0 && setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		struct spec_rlimit big = {RLIMIT_NOFILE, 1048576, 1048576};
		getrlimit(RLIMIT_NOFILE, &cur);
		if (cur.rlim_max >= 1048576)
			big.soft = big.hard = cur.rlim_max + 1;
		char want[200];
		snprintf(want, sizeof(want),
			 "setrlimit RLIMIT_NOFILE (soft %llu, hard %llu): Operation not permitted",
			 (unsigned long long)big.soft, (unsigned long long)big.hard);
		_exit(rlimits_apply(&big, 1) < 0 && !strcmp(err_msg(), want) ? 0 : 1);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "rlimits_apply error names the rlimit");
}

/* ---- sysctl ---- */

static int validate(const char *key, unsigned ns_mask, const char *net_path)
{
	struct spec s = {0};
	struct spec_kv kv = {(char *)key, "1"};
	for (int t = 0; t < NS__COUNT; t++)
		s.linux.ns[t].present = ns_mask & (1u << t);
	s.linux.ns[NS_NET].path = (char *)net_path;
	s.linux.sysctl = &kv;
	s.linux.n_sysctl = 1;
	return sysctl_validate(&s);
}

#define ALL_NS ((1u << NS__COUNT) - 1)
#define NO(t)  (ALL_NS & ~(1u << (t)))

static void test_sysctl(void)
{
	static const char *const ipc_ok[] = {
	    "kernel.msgmax",	 "kernel.msgmnb", "kernel.msgmni",	    "kernel.sem",
	    "kernel.shmall",	 "kernel.shmmax", "kernel.shm_rmid_forced", "kernel.shmmni",
	    "fs.mqueue.msg_max", "kernel/shmmax",
	};
	bool all = true;
	for (size_t i = 0; i < ARRAY_SIZE(ipc_ok); i++)
		if (validate(ipc_ok[i], ALL_NS, NULL) < 0)
			all = false;
	ok(all, "ipc sysctls (also with '/' separators) accepted with an ipc namespace");
	fails_with(validate("kernel.shmmax", NO(NS_IPC), NULL),
		   "linux.sysctl[\"kernel.shmmax\"]: needs an ipc namespace, refusing to set it "
		   "in the host's",
		   "ipc sysctl refused without an ipc namespace");
	ok(validate("net.ipv4.ip_forward", ALL_NS, NULL) == 0, "net.* with a new netns");
	fails_with(validate("net.ipv4.ip_forward", NO(NS_NET), NULL),
		   "linux.sysctl[\"net.ipv4.ip_forward\"]: needs a network namespace, refusing to "
		   "set it in the host's",
		   "net.* refused without a network namespace");
	fails_with(validate("net.core.somaxconn", ALL_NS, "/proc/self/ns/net"),
		   "linux.sysctl[\"net.core.somaxconn\"]: /proc/self/ns/net is the host's network "
		   "namespace, refusing to set it there",
		   "net.* refused when joining the host's netns");
	ok(validate("kernel.domainname", ALL_NS, NULL) == 0, "kernel.domainname with uts");
	fails_with(validate("kernel.domainname", NO(NS_UTS), NULL),
		   "linux.sysctl[\"kernel.domainname\"]: needs a uts namespace",
		   "kernel.domainname refused without uts");
	fails_with(validate("kernel.hostname", ALL_NS, NULL),
		   "linux.sysctl[\"kernel.hostname\"]: conflicts with the \"hostname\" field, set "
		   "that instead",
		   "kernel.hostname refused as runc does");
	fails_with(validate("vm.swappiness", ALL_NS, NULL),
		   "linux.sysctl[\"vm.swappiness\"]: not namespaced, refusing to set it in the "
		   "container",
		   "vm.swappiness is not namespaced");
	fails_with(validate("vm/swappiness", ALL_NS, NULL),
		   "linux.sysctl[\"vm/swappiness\"]: not namespaced, refusing to set it in the "
		   "container",
		   "vm/swappiness is not namespaced either");
	static const char *const bad[] = {
	    "",		 ".",		"net..ipv4",
	    "net.ipv4.", ".net.ipv4",	"net.ipv4/../../../etc/passwd",
	    "/net/ipv4", "kernel.shm/", "fs.mqueue..",
	};
	all = true;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char want[200];
		snprintf(want, sizeof(want), "linux.sysctl[\"%s\"]: invalid name", bad[i]);
		if (validate(bad[i], ALL_NS, NULL) == 0 || strcmp(err_msg(), want) != 0) {
			printf("# \"%s\": %s\n", bad[i], err_msg());
			all = false;
		}
	}
	ok(all, "empty, '.' and '..' components are invalid names");
}

/* ---- exec_lookup ---- */

static void lookup_is(const char *file, char *const *env, const char *want, const char *what)
{
	char *out = NULL;
	int rc = exec_lookup(file, env, &out);
	ok(rc == 0 && out && strcmp(out, want) == 0, "%s", what);
	if (rc < 0)
		printf("# %s\n", err_msg());
	free(out);
}

static void lookup_fails(const char *file, char *const *env, const char *want, const char *what)
{
	char *out = NULL;
	fails_with(exec_lookup(file, env, &out), want, what);
	free(out);
}

static void test_exec_lookup(void)
{
	char *bin[] = {"HOME=/", "PATH=/nonexistent:/bin", NULL};
	char *nopath[] = {"TERM=xterm", NULL};
	char *rel[] = {"PATH=/nonexistent:", NULL};
	lookup_is("sh", bin, "/bin/sh", "sh found in PATH=/nonexistent:/bin");
	lookup_is("/bin/sh", nopath, "/bin/sh", "absolute path used as is");
	lookup_fails("nosuch", bin, "exec: \"nosuch\": executable file not found in $PATH",
		     "nosuch: not found in $PATH");
	lookup_fails("sh", nopath, "exec: \"sh\": executable file not found in $PATH",
		     "no PATH in env: no default (as runc)");
	lookup_fails("/nosuch", bin, "exec: \"/nosuch\": stat /nosuch: no such file or directory",
		     "/nosuch: stat error in Go's wording");
	lookup_fails("/etc/passwd", bin, "exec: \"/etc/passwd\": permission denied",
		     "non-executable file: permission denied");
	lookup_fails("/etc", bin, "exec: \"/etc\": permission denied",
		     "directory: permission denied");

	/* an executable reached through an empty PATH entry (the cwd) */
	_cleanup_free_ char *tool = tmp_path("tool");
	put(tool, "#!/bin/sh\n", 0755);
	char cwd[4096];
	if (!getcwd(cwd, sizeof(cwd)) || chdir(tmpdir) < 0)
		abort();
	lookup_fails("tool", rel,
		     "exec: \"tool\": cannot run executable found relative to current directory",
		     "found via an empty PATH entry: refused as runc does");
	lookup_is("./tool", rel, "./tool", "relative path with a slash is used as is");
	if (chdir(cwd) < 0)
		abort();
}

/* ---- hooks ---- */

static const char *state = "{\"ociVersion\":\"1.0.2\",\"id\":\"t\",\"status\":\"creating\"}";

static struct spec_hook sh_hook(const char *script, char **env, int timeout)
{
	char **args = xcalloc(4, sizeof(char *));
	args[0] = "sh";
	args[1] = "-c";
	args[2] = (char *)script;
	return (struct spec_hook){.path = "/bin/sh", .args = args, .env = env, .timeout = timeout};
}

static int run_hooks_kind(enum hook_kind k, struct spec_hook *list, size_t n, const char *st,
			  const char *dir)
{
	struct spec_hooks h = {0};
	h.list[k] = list;
	h.count[k] = n;
	return hooks_run(&h, k, st, dir);
}

static int run_hooks(struct spec_hook *list, size_t n, const char *st)
{
	return run_hooks_kind(HOOK_PRESTART, list, n, st, NULL);
}

static int64_t ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_hooks_io(void)
{
	_cleanup_free_ char *out = tmp_path("stdin");
	_cleanup_free_ char *script = xasprintf("cat > %s", out);
	struct spec_hook h = sh_hook(script, NULL, 0);
	ok(run_hooks(&h, 1, state) == 0, "hook runs");
	_cleanup_free_ char *got = slurp(out);
	ok(strcmp(got, state) == 0, "state arrives on the hook's stdin");
	free(h.args);

	_cleanup_free_ char *envf = tmp_path("env");
	_cleanup_free_ char *s2 = xasprintf("echo \"$FOO:$CORUN_TEST_VAR\" > %s", envf);
	char *env[] = {"FOO=bar", NULL};
	h = sh_hook(s2, env, 0);
	run_hooks(&h, 1, state);
	_cleanup_free_ char *e1 = slurp(envf);
	ok(strcmp(e1, "bar:\n") == 0, "hook gets exactly its env");
	setenv("CORUN_TEST_VAR", "inherited", 1);
	h.env = NULL;
	run_hooks(&h, 1, state);
	_cleanup_free_ char *e2 = slurp(envf);
	ok(strcmp(e2, ":inherited\n") == 0, "no env: the runtime's, as with runc");
	free(h.args);

	/* args absent: argv[0] is the path */
	_cleanup_free_ char *scr = tmp_path("argv0.sh");
	_cleanup_free_ char *a0 = tmp_path("argv0");
	_cleanup_free_ char *body = xasprintf("#!/bin/sh\necho \"$0\" > %s\n", a0);
	put(scr, body, 0755);
	struct spec_hook plain = {.path = scr};
	ok(run_hooks(&plain, 1, state) == 0, "hook without args runs");
	_cleanup_free_ char *got0 = slurp(a0);
	_cleanup_free_ char *want0 = xasprintf("%s\n", scr);
	ok(strcmp(got0, want0) == 0, "argv[0] defaults to the path");

	/* an fd of ours without O_CLOEXEC must still not reach the hook */
	int leak = open("/dev/null", O_RDONLY);
	_cleanup_free_ char *s3 = xasprintf("test -e /proc/self/fd/%d && exit 7; exit 0", leak);
	h = sh_hook(s3, NULL, 0);
	ok(run_hooks(&h, 1, state) == 0, "hook does not inherit fd %d", leak);
	close(leak);
	free(h.args);
}

static void test_hooks_errors(void)
{
	struct spec_hook two[2] = {sh_hook("exit 0", NULL, 0), sh_hook("exit 3", NULL, 0)};
	fails_with(run_hooks(two, 2, state),
		   "error running hook #1: error running hook: exit status 3, stdout: , stderr:  "
		   "(prestart hook /bin/sh)",
		   "non-zero exit: runc's words, then the hook");
	free(two[0].args);
	free(two[1].args);

	struct spec_hook h = sh_hook("kill -9 $$", NULL, 0);
	fails_with(run_hooks(&h, 1, state),
		   "error running hook #0: error running hook: signal: killed, stdout: , stderr:  "
		   "(prestart hook /bin/sh)",
		   "hook killed by a signal");
	free(h.args);

	struct spec_hook nx = {.path = "/nonexistent/hook"};
	fails_with(run_hooks(&nx, 1, state),
		   "error running hook #0: fork/exec /nonexistent/hook: No such file or directory "
		   "(prestart hook /nonexistent/hook)",
		   "hook that cannot be executed");

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	h = sh_hook("sleep 5", NULL, 1);
	fails_with(run_hooks(&h, 1, state),
		   "error running hook #0: hook ran past specified timeout of 1.0s "
		   "(prestart hook /bin/sh)",
		   "hook past its timeout is killed");
	int64_t ms = ms_since(&t0);
	ok(ms >= 900 && ms < 2500, "timeout took %lld ms", (long long)ms);
	free(h.args);
}

static void test_hooks_output_dir(void)
{
	/* output is kept for the message (not shown), and not past the cap;
	 * more than a pipe holds must not block the hook */
	struct spec_hook h =
	    sh_hook("echo OUT; echo ERR >&2; head -c 200000 /dev/zero; exit 2", NULL, 5);
	int rc = run_hooks(&h, 1, state);
	ok(rc < 0 && strstr(err_msg(), "exit status 2, stdout: OUT\n") &&
	       strstr(err_msg(), ", stderr: ERR\n (prestart hook /bin/sh)"),
	   "stdout and stderr of a failed hook are in the message");
	free(h.args);

	_cleanup_free_ char *cwd = tmp_path("cwd");
	_cleanup_free_ char *s1 = xasprintf("pwd > %s", cwd);
	h = sh_hook(s1, NULL, 0);
	ok(run_hooks_kind(HOOK_PRESTART, &h, 1, state, "/usr") == 0, "hook in a directory");
	_cleanup_free_ char *got = slurp(cwd);
	ok(strcmp(got, "/usr\n") == 0, "it runs there");
	fails_with(run_hooks_kind(HOOK_PRESTART, &h, 1, state, "/nonexistent"),
		   "error running hook #0: chdir /nonexistent: No such file or directory "
		   "(prestart hook /bin/sh)",
		   "a directory that is not there");
	free(h.args);

	/* poststop: a failure warns, the next hook runs, an error pending
	 * from before stays */
	_cleanup_free_ char *mark = tmp_path("mark");
	_cleanup_free_ char *s2 = xasprintf("echo ran > %s", mark);
	struct spec_hook ps[2] = {sh_hook("exit 4", NULL, 0), sh_hook(s2, NULL, 0)};
	err_set(0, "earlier failure");
	ok(run_hooks_kind(HOOK_POSTSTOP, ps, 2, state, NULL) == 0, "poststop failure: no error");
	_cleanup_free_ char *m = slurp(mark);
	ok(strcmp(m, "ran\n") == 0, "the next poststop hook ran");
	ok(strcmp(err_msg(), "earlier failure") == 0, "the pending error is kept");
	free(ps[0].args);
	free(ps[1].args);
}

/* A state larger than a pipe holds, and a hook that never reads it. */
static void test_hooks_unread_stdin(void)
{
	size_t n = 1 << 20;
	_cleanup_free_ char *big = xmalloc(n + 1);
	memset(big, ' ', n);
	big[n] = '\0';
	struct spec_hook h = sh_hook("exit 0", NULL, 0);
	ok(run_hooks(&h, 1, big) == 0, "hook ignoring a big stdin: no SIGPIPE, success");
	free(h.args);

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	h = sh_hook("sleep 5", NULL, 1);
	fails_with(run_hooks(&h, 1, big),
		   "error running hook #0: hook ran past specified timeout of 1.0s "
		   "(prestart hook /bin/sh)",
		   "a full stdin pipe does not hold off the timeout");
	ok(ms_since(&t0) < 2500, "... and it still took about 1s");
	free(h.args);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	plan(PLAN);
	test_caps();
	test_rlimits();
	test_sysctl();
	test_exec_lookup();
	test_hooks_io();
	test_hooks_errors();
	test_hooks_unread_stdin();
	test_hooks_output_dir();
	if (tap_count != PLAN) {
		diag("planned %d tests, ran %d", PLAN, tap_count);
		tap_failed++;
	}
	_cleanup_free_ char *rm = xasprintf("rm -rf %s", tmpdir);
	if (system(rm) != 0)
		printf("# could not remove %s\n", tmpdir);
	return done_testing();
}
