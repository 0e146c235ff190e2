/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for linux.seccomp: the parser (config_seccomp.c) fills
 * every field and refuses each kind of bad value with the JSON path in the
 * message; the compiler (seccomp_filter.c) builds filters whose behaviour
 * is checked by loading them into forked children. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "seccomp_filter.h"
#include "spec.h"
#include "tap.h"
#include "util.h"

/* A config whose "linux" object is {"seccomp": <sc>}. */
static char *parse(const char *sc, struct spec **out)
{
	_cleanup_free_ char *text = xasprintf(
	    "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
	    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
	    "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"seccomp\":%s}}",
	    sc);
	struct spec *s = NULL;
	if (spec_parse(text, strlen(text), &s) < 0)
		return xstrdup(err_msg());
	if (out)
		*out = s;
	else
		spec_free(s);
	return NULL;
}

static void fails(const char *sc, const char *want)
{
	_cleanup_free_ char *got = parse(sc, NULL);
	is_str(got, want, "refused: %s", sc);
}

#define ALLOW_MKDIR "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ALLOW\"}"

static void test_absent(void)
{
	struct spec *s = NULL;
	ok(!parse("null", &s) && s && !s->linux.seccomp, "null: no seccomp");
	spec_free(s);
	s = NULL;
	ok(!parse("{}", &s) && s && !s->linux.seccomp, "{}: no seccomp (as runc)");
	spec_free(s);
}

static void test_full(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *e =
	    parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
		  "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X32\"],"
		  "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\","
		  "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
		  "\"listenerPath\":\"/run/agent.sock\",\"listenerMetadata\":\"meta\","
		  "\"syscalls\":[" ALLOW_MKDIR ","
		  "{\"names\":[\"kill\",\"tkill\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":7,"
		  "\"args\":[{\"index\":1,\"value\":9,\"op\":\"SCMP_CMP_EQ\"},"
		  "{\"index\":0,\"value\":4095,\"valueTwo\":18446744073709551615,"
		  "\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
		  "{\"names\":[\"mknod\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		  &s);
	is_str(e, NULL, "a full seccomp object parses");
	if (!s)
		return;
	const struct spec_seccomp *sc = s->linux.seccomp;
	ok(sc && sc->default_action == SC_ACT_ERRNO && sc->default_errno_ret == 38,
	   "defaultAction, defaultErrnoRet");
	ok(sc->n_architectures == 2 && !strcmp(sc->architectures[1], "SCMP_ARCH_X32"),
	   "architectures");
	is_int(sc->flags,
	       SC_FLAG_TSYNC | SC_FLAG_LOG | SC_FLAG_SPEC_ALLOW | SC_FLAG_WAIT_KILLABLE_RECV,
	       "flags");
	is_str(sc->listener_path, "/run/agent.sock", "listenerPath");
	is_str(sc->listener_metadata, "meta", "listenerMetadata");
	ok(sc->n_syscalls == 3 && sc->uses_notify, "three rules, notify used");
	ok(sc->syscalls[0].action == SC_ACT_ALLOW && sc->syscalls[0].errno_ret == EPERM,
	   "syscalls[0]: ALLOW");
	const struct spec_syscall *k = &sc->syscalls[1];
	ok(k->n_names == 2 && !strcmp(k->names[1], "tkill") && k->action == SC_ACT_TRACE &&
	       k->errno_ret == 7,
	   "syscalls[1]: names, TRACE, errnoRet");
	ok(k->n_args == 2 && k->args[0].index == 1 && k->args[0].value == 9 &&
	       k->args[0].op == SC_CMP_EQ,
	   "syscalls[1].args[0]");
	ok(k->args[1].op == SC_CMP_MASKED_EQ && k->args[1].value == 4095 &&
	       k->args[1].value_two == UINT64_MAX,
	   "syscalls[1].args[1]: MASKED_EQ, valueTwo up to 2^64-1");
	spec_free(s);
}

static void test_errors(void)
{
	fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[" ALLOW_MKDIR "," ALLOW_MKDIR
	      ",{\"names\":[\"x\"],\"action\":\"SCMP_ACT_FOO\"}]}",
	      "linux.seccomp.syscalls[2].action: unknown action \"SCMP_ACT_FOO\"");
	fails("1", "linux.seccomp: must be an object");
	fails("{\"syscalls\":[" ALLOW_MKDIR "]}", "linux.seccomp.defaultAction: required");
	fails("{\"defaultAction\":\"ALLOW\"}",
	      "linux.seccomp.defaultAction: unknown action \"ALLOW\"");
	fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\","
	      "\"SCMP_ARCH_FOO\"]}",
	      "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_FOO\"");
	fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_NEW_"
	      "LISTENER\"]}",
	      "linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"");
	fails("{\"defaultAction\":\"SCMP_ACT_KILL\",\"defaultErrnoRet\":1}",
	      "linux.seccomp.defaultErrnoRet: not allowed with SCMP_ACT_KILL (only SCMP_ACT_ERRNO "
	      "and SCMP_ACT_TRACE return a value)");
	fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
	      "\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":1}]}",
	      "linux.seccomp.syscalls[0].errnoRet: not allowed with SCMP_ACT_ALLOW (only "
	      "SCMP_ACT_ERRNO and SCMP_ACT_TRACE return a value)");
	fails("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":4096}",
	      "linux.seccomp.defaultErrnoRet: must be at most 4095 with SCMP_ACT_ERRNO");
	fails("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}",
	      "linux.seccomp.defaultErrnoRet: must be an integer from 0 to 4294967295");
	fails(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"action\":\"SCMP_ACT_ERRNO\"}]}",
	    "linux.seccomp.syscalls[0].names: required");
	fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],"
	      "\"action\":\"SCMP_ACT_ERRNO\"}]}",
	      "linux.seccomp.syscalls[0].names: must have at least one entry");
	fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\",\"\"],"
	      "\"action\":\"SCMP_ACT_ERRNO\"}]}",
	      "linux.seccomp.syscalls[0].names[1]: must not be empty");
	fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"]}]}",
	      "linux.seccomp.syscalls[0].action: required");
}

#define RULE_ARGS(a)                                                                               \
	"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"kill\"],"               \
	"\"action\":\"SCMP_ACT_ERRNO\",\"args\":[" a "]}]}"

static void test_arg_errors(void)
{
	fails(RULE_ARGS("{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}"),
	      "linux.seccomp.syscalls[0].args[0].index: must be from 0 to 5 (got 6)");
	fails(RULE_ARGS("{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
			"{\"index\":0,\"value\":1,\"op\":\"EQ\"}"),
	      "linux.seccomp.syscalls[0].args[1].op: unknown operator \"EQ\"");
	fails(RULE_ARGS("{\"index\":0,\"op\":\"SCMP_CMP_EQ\"}"),
	      "linux.seccomp.syscalls[0].args[0].value: required");
	fails(RULE_ARGS("{\"index\":0,\"value\":-1,\"op\":\"SCMP_CMP_EQ\"}"),
	      "linux.seccomp.syscalls[0].args[0].value: must be an integer from 0 to "
	      "18446744073709551615");
	fails(RULE_ARGS("{\"index\":0,\"value\":1}"),
	      "linux.seccomp.syscalls[0].args[0].op: required");
	fails(RULE_ARGS("7"), "linux.seccomp.syscalls[0].args[0]: must be an object");
}

static void test_listener_errors(void)
{
	fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
	      "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
	      "linux.seccomp: listenerPath is not set (required with SCMP_ACT_NOTIFY)");
	fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerMetadata\":\"x\"}",
	      "linux.seccomp.listenerMetadata: not allowed without listenerPath");
	fails("{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/a\"}",
	      "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as default action (the "
	      "runtime's own syscalls would wait for the agent)");
	fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/a\",\"syscalls\":[{"
	      "\"names\":[\"mkdir\",\"sendmsg\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
	      "linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for the sendmsg "
	      "syscall (the runtime itself uses it after loading the filter)");
	fails("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
	      "\"names\":[\"write\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
	      "linux.seccomp.syscalls[0].names[0]: SCMP_ACT_NOTIFY cannot be used for the write "
	      "syscall (the runtime itself uses it after loading the filter)");
	char longp[200];
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	longp[sizeof(longp) - 1] = 0;
	_cleanup_free_ char *sc =
	    xasprintf("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\"}", longp);
	fails(sc, "linux.seccomp.listenerPath: longer than 107 bytes");
	/* listenerPath without NOTIFY is ignored, as the spec says */
	_cleanup_free_ char *e =
	    parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/a\"}", NULL);
	is_str(e, NULL, "listenerPath without SCMP_ACT_NOTIFY is accepted");
}

/* Parses and compiles; NULL on success, else the error. */
static char *compile(const char *sc, struct seccomp_prog **out)
{
	struct spec *s = NULL;
	char *e = parse(sc, &s);
	if (e)
		return e;
	if (seccomp_compile(s->linux.seccomp, out) < 0)
		e = xstrdup(err_msg());
	spec_free(s);
	return e;
}

/* Runs fn in a child under p (with no_new_privs); returns its exit code,
 * or 128+N when a signal N killed it. */
static int run_filtered(const struct seccomp_prog *p, int (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int lfd;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_prog_load(p, &lfd) < 0)
			_exit(100);
		/* raw exit: a sanitizer's _exit hook (leak check) would make
		 * syscalls the filter denies */
		syscall(SYS_exit_group, fn());
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Exit codes: errno of the probed syscall, 0 when it worked. */
static int probe_high(void)
{
	return syscall(1000) < 0 ? errno : 0;
}
static int probe_getppid(void)
{
	return syscall(SYS_getppid) < 0 ? errno : 0;
}
static int probe_getpid(void)
{
	return syscall(SYS_getpid) < 0 ? errno : 0;
}
static int probe_umask_077(void)
{
	return syscall(SYS_umask, 0777) < 0 ? errno : 0;
}
static int probe_umask_022(void)
{
	return syscall(SYS_umask, 0022) < 0 ? errno : 0;
}
static int probe_personality_8(void)
{
	return syscall(SYS_personality, 8) < 0 ? errno : 0;
}

static bool has_enosys_return(const struct seccomp_prog *p)
{
	for (unsigned i = 0; i < p->len; i++)
		if (p->insns[i].code == (BPF_RET | BPF_K) &&
		    p->insns[i].k == (SECCOMP_RET_ERRNO | ENOSYS))
			return true;
	return false;
}

/* An allowlist with ERRNO(EACCES) as the default; getpid is listed. */
#define ALLOWLIST                                                                                  \
	"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":13,\"syscalls\":[{"             \
	"\"names\":[\"exit\",\"exit_group\",\"getpid\",\"rt_sigreturn\",\"clone3\","               \
	"\"no_such_syscall\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"

static void test_compile(void)
{
	struct seccomp_prog *p = NULL;
	_cleanup_free_ char *e = compile(ALLOWLIST, &p);
	is_str(e, NULL, "an allowlist compiles (an unknown name is skipped)");
	if (!p)
		return;
	ok(p->insns[0].code == (BPF_LD | BPF_W | BPF_ABS) &&
	       p->insns[0].k == offsetof(struct seccomp_data, arch),
	   "the ENOSYS stub comes first");
	ok(!p->notify && p->flags == 0, "no listener, no flags");
	ok(has_enosys_return(p), "the stub returns ENOSYS");
	is_int(run_filtered(p, probe_getpid), 0, "listed syscall allowed");
	is_int(run_filtered(p, probe_getppid), EACCES, "unlisted syscall gets defaultErrnoRet");
	is_int(run_filtered(p, probe_high), ENOSYS, "syscall above the profile's range: ENOSYS");
	seccomp_prog_free(p);
	p = NULL;

	free(e);
	e = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
		    "\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}",
		    &p);
	is_str(e, NULL, "KILL_PROCESS rule compiles");
	ok(p && !has_enosys_return(p), "no ENOSYS stub with an ALLOW default");
	if (p) {
		is_int(run_filtered(p, probe_high), ENOSYS, "ALLOW default: unknown nr untouched");
		is_int(run_filtered(p, probe_getppid), 128 + SIGSYS,
		       "KILL_PROCESS kills with SIGSYS");
	}
	seccomp_prog_free(p);
}

static void test_compile_args(void)
{
	struct seccomp_prog *p = NULL;
	_cleanup_free_ char *e =
	    compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"umask\"],"
		    "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":22,\"args\":[{\"index\":0,"
		    "\"value\":63,\"valueTwo\":63,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
		    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
		    "{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"},"
		    "{\"index\":0,\"value\":9,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		    &p);
	is_str(e, NULL, "MASKED_EQ and repeated-index rules compile");
	if (!p)
		return;
	is_int(run_filtered(p, probe_umask_077), EINVAL, "MASKED_EQ matches 0777 & 077");
	is_int(run_filtered(p, probe_umask_022), 0, "MASKED_EQ does not match 022");
	is_int(run_filtered(p, probe_personality_8), EPERM, "repeated index: any value matches");
	seccomp_prog_free(p);
}

static void test_compile_flags(void)
{
	struct seccomp_prog *p = NULL;
	_cleanup_free_ char *e = compile(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/a\","
	    "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
	    "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
	    &p);
	is_str(e, NULL, "notify filter compiles");
	ok(p && p->notify &&
	       p->flags == (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER |
			    SECCOMP_FILTER_FLAG_TSYNC_ESRCH | (1u << 5)),
	   "notify: NEW_LISTENER, TSYNC_ESRCH with TSYNC, WAIT_KILLABLE_RECV kept");
	seccomp_prog_free(p);
	p = NULL;
	free(e);
	e = compile(
	    "{\"defaultAction\":\"SCMP_ACT_LOG\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\","
	    "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}",
	    &p);
	ok(!e && p && p->flags == (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW),
	   "no listener: WAIT_KILLABLE_RECV dropped");
	seccomp_prog_free(p);
	p = NULL;
	free(e);
	const struct scmp_version *v = seccomp_version();
	e = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":"
		    "[\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\",\"SCMP_ARCH_SHEB\"]}",
		    &p);
	if (v->major == 2 && v->minor < 6) {
		_cleanup_free_ char *want = xasprintf(
		    "linux.seccomp.architectures[2]: SCMP_ARCH_SHEB is not supported by this "
		    "libseccomp (%u.%u.%u)",
		    v->major, v->minor, v->micro);
		is_str(e, want, "an arch libseccomp lacks is refused by name");
	} else {
		is_str(e, NULL, "every listed arch is known to libseccomp");
	}
	seccomp_prog_free(p);
}

int main(void)
{
	test_absent();
	test_full();
	test_errors();
	test_arg_errors();
	test_listener_errors();
	test_compile();
	test_compile_args();
	test_compile_flags();
	return done_testing();
}
