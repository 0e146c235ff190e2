/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for cpulist.c, config_sched.c and sched_attrs.c: CPU and
 * node lists, process.ioPriority / scheduler / execCPUAffinity and
 * linux.personality / memoryPolicy parsed with JSON-path errors, and the
 * attributes applied for real in a child process and read back. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/ioprio.h>
#include <linux/mempolicy.h>

#include "cpulist.h"
#include "sched_attrs.h"
#include "spec.h"
#include "tap.h"
#include "util.h"

/* ---- lists ---- */

/* text parses, and formats back as want. */
static void list_is(const char *text, const char *want)
{
	struct arena a = {0};
	struct spec_bitmap b;
	char got[256] = "?";
	int rc = cpulist_parse(text, 65536, "CPU", &a, "x", &b);
	if (rc == 0)
		bitmap_format(&b, got, sizeof(got));
	is_str(rc == 0 ? got : err_msg(), want, "list \"%s\" is {%s}", text, want);
	arena_free(&a);
}

static void list_fails(const char *text, unsigned long limit, const char *want)
{
	struct arena a = {0};
	struct spec_bitmap b;
	int rc = cpulist_parse(text, limit, "node", &a, "p.nodes", &b);
	is_str(rc < 0 ? err_msg() : "(parsed)", want, "list \"%s\" is refused", text);
	arena_free(&a);
}

static void test_lists(void)
{
	list_is("0-3,7", "0-3,7");
	list_is("7,0-3", "0-3,7");
	list_is("", "");
	list_is("  ", "");
	list_is(" 1 , 3 - 4 ", "1,3-4");
	list_is("0", "0");
	list_is("1,1,0-1", "0-1");
	list_is("63-64,127,128", "63-64,127-128");
	list_is("65535", "65535");
	list_is("007", "7");

	struct arena a = {0};
	struct spec_bitmap b;
	ok(cpulist_parse("2,64,100-101", 1024, "CPU", &a, "x", &b) == 0 && b.n_words == 2 &&
	       bitmap_test(&b, 2) && bitmap_test(&b, 64) && bitmap_test(&b, 101) &&
	       !bitmap_test(&b, 3) && !bitmap_test(&b, 102) && !bitmap_test(&b, 5000) &&
	       bitmap_count(&b) == 4,
	   "bits, words and count of \"2,64,100-101\"");
	arena_free(&a);

	const char *syntax = "expected numbers or ranges N-M separated by commas";
	static const char *const bad[] = {"a",	 "-1",	"1-", "1,",    ",1",  "1,,2",
					  "1 2", "0x1", "+1", "1-2-3", "1;2", "1.5"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_free_ char *want =
		    xasprintf("p.nodes: invalid node list \"%s\": %s", bad[i], syntax);
		list_fails(bad[i], 1024, want);
	}
	list_fails("3-1", 1024, "p.nodes: invalid node list \"3-1\": range 3-1 is reversed");
	list_fails("0,1024", 1024,
		   "p.nodes: invalid node list \"0,1024\": node 1024 is above the highest "
		   "possible, 1023");
	list_fails("99999999999999999999999", 1024,
		   "p.nodes: invalid node list \"99999999999999999999999\": node "
		   "18446744073709551615 is above the highest possible, 1023");
}

/* ---- parsing ---- */

/* A config with these members in "process" and "linux"; NULL on success
 * (the spec in *out when out is not NULL), else a copy of the error. */
static char *try_parse(const char *process, const char *lnx, struct spec **out)
{
	_cleanup_free_ char *text = xasprintf(
	    "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
	    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}%s%s},"
	    "\"linux\":{%s}}",
	    *process ? "," : "", process, lnx);
	struct spec *s = NULL;
	if (spec_parse(text, strlen(text), &s) < 0)
		return xstrdup(err_msg());
	if (out)
		*out = s;
	else
		spec_free(s);
	return NULL;
}

static void p_fails(const char *process, const char *want)
{
	_cleanup_free_ char *got = try_parse(process, "", NULL);
	is_str(got, want, "refused: %s", process);
}

static void l_fails(const char *lnx, const char *want)
{
	_cleanup_free_ char *got = try_parse("", lnx, NULL);
	is_str(got, want, "refused: %s", lnx);
}

static void test_ioprio(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *e =
	    try_parse("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\",\"priority\":4}", "", &s);
	ok(!e && s->process->ioprio.present && s->process->ioprio.class_ == IOPRIO_CLASS_IDLE &&
	       s->process->ioprio.priority == 4,
	   "ioPriority IDLE/4 is parsed");
	spec_free(s);
	p_fails("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_NONE\",\"priority\":0}",
		"process.ioPriority.class: unknown class \"IOPRIO_CLASS_NONE\" (IOPRIO_CLASS_RT, "
		"IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE)");
	p_fails("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}",
		"process.ioPriority.priority: must be an integer from 0 to 7");
	p_fails("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":-1}",
		"process.ioPriority.priority: must be an integer from 0 to 7");
	p_fails("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\"}",
		"process.ioPriority.priority: required");
	p_fails("\"ioPriority\":{\"priority\":1}", "process.ioPriority.class: required");
	p_fails("\"ioPriority\":[]", "process.ioPriority: must be an object");
}

static void test_scheduler(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *e =
	    try_parse("\"scheduler\":{\"policy\":\"SCHED_BATCH\",\"nice\":-5,"
		      "\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\",\"SCHED_FLAG_KEEP_PARAMS\"]}",
		      "", &s);
	ok(!e && s->process->sched.present && s->process->sched.policy == SCHED_BATCH &&
	       s->process->sched.nice == -5 && s->process->sched.flags == 0x11,
	   "scheduler BATCH, nice -5, two flags is parsed");
	spec_free(s);
	static const char *const good[] = {
	    "{\"policy\":\"SCHED_OTHER\"}",
	    "{\"policy\":\"SCHED_FIFO\",\"priority\":1}",
	    "{\"policy\":\"SCHED_RR\",\"priority\":99,\"nice\":0}",
	    "{\"policy\":\"SCHED_IDLE\",\"nice\":19}",
	    "{\"policy\":\"SCHED_ISO\"}",
	    "{\"policy\":\"SCHED_DEADLINE\",\"runtime\":1024,\"deadline\":2000}",
	    ("{\"policy\":\"SCHED_DEADLINE\",\"runtime\":10000000,\"deadline\":30000000,"
	     "\"period\":30000000,\"flags\":[\"SCHED_FLAG_RECLAIM\",\"SCHED_FLAG_DL_OVERRUN\"]}"),
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		_cleanup_free_ char *p = xasprintf("\"scheduler\":%s", good[i]);
		_cleanup_free_ char *got = try_parse(p, "", NULL);
		is_str(got, NULL, "accepted: %s", p);
	}
	static const char *const bad[][2] = {
	    {"{\"nice\":1}", "process.scheduler.policy: required"},
	    {"{\"policy\":\"SCHED_NORMAL\"}",
	     "process.scheduler.policy: unknown policy \"SCHED_NORMAL\" (SCHED_OTHER, SCHED_FIFO, "
	     "SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE)"},
	    {"{\"policy\":\"SCHED_OTHER\",\"nice\":20}",
	     "process.scheduler.nice: must be an integer from -20 to 19"},
	    {"{\"policy\":\"SCHED_OTHER\",\"nice\":-21}",
	     "process.scheduler.nice: must be an integer from -20 to 19"},
	    {"{\"policy\":\"SCHED_FIFO\"}",
	     "process.scheduler.priority: must be from 1 to 99 with SCHED_FIFO"},
	    {"{\"policy\":\"SCHED_RR\",\"priority\":100}",
	     "process.scheduler.priority: must be from 1 to 99 with SCHED_RR"},
	    {"{\"policy\":\"SCHED_OTHER\",\"priority\":5}",
	     "process.scheduler.priority: must be 0 with SCHED_OTHER (only SCHED_FIFO and "
	     "SCHED_RR have one)"},
	    {"{\"policy\":\"SCHED_OTHER\",\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\",\"X\"]}",
	     "process.scheduler.flags[1]: unknown flag \"X\" (SCHED_FLAG_RESET_ON_FORK, "
	     "SCHED_FLAG_RECLAIM, SCHED_FLAG_DL_OVERRUN, SCHED_FLAG_KEEP_POLICY, "
	     "SCHED_FLAG_KEEP_PARAMS, SCHED_FLAG_UTIL_CLAMP_MIN, SCHED_FLAG_UTIL_CLAMP_MAX)"},
	    {"{\"policy\":\"SCHED_BATCH\",\"runtime\":5}",
	     "process.scheduler: runtime, deadline and period are for SCHED_DEADLINE only"},
	    {"{\"policy\":\"SCHED_DEADLINE\"}",
	     "process.scheduler.runtime: SCHED_DEADLINE needs a runtime of at least 1024 ns"},
	    {"{\"policy\":\"SCHED_DEADLINE\",\"runtime\":2000,\"deadline\":1000}",
	     "process.scheduler.deadline: SCHED_DEADLINE needs runtime <= deadline"},
	    {"{\"policy\":\"SCHED_DEADLINE\",\"runtime\":2000,\"deadline\":3000,\"period\":2500}",
	     "process.scheduler.period: SCHED_DEADLINE needs deadline <= period"},
	    {"{\"policy\":\"SCHED_DEADLINE\",\"runtime\":-1,\"deadline\":3000}",
	     "process.scheduler.runtime: must be an integer from 0 to 18446744073709551615"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_free_ char *p = xasprintf("\"scheduler\":%s", bad[i][0]);
		p_fails(p, bad[i][1]);
	}
}

static void test_affinity(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *e =
	    try_parse("\"execCPUAffinity\":{\"initial\":\"1\",\"final\":\"0-3,7\"}", "", &s);
	ok(!e && bitmap_count(&s->process->affinity_initial) == 1 &&
	       bitmap_test(&s->process->affinity_initial, 1) &&
	       bitmap_count(&s->process->affinity_final) == 5,
	   "execCPUAffinity initial 1, final 0-3,7 is parsed");
	spec_free(s);
	s = NULL;
	free(e);
	e = try_parse("\"execCPUAffinity\":{\"final\":\"\"}", "", &s);
	ok(!e && !s->process->affinity_final.n_words && !s->process->affinity_initial.n_words,
	   "an empty final list leaves the affinity alone");
	spec_free(s);
	p_fails(
	    "\"execCPUAffinity\":{\"final\":\"0-\"}",
	    "process.execCPUAffinity.final: invalid CPU list \"0-\": expected numbers or ranges "
	    "N-M separated by commas");
	p_fails("\"execCPUAffinity\":{\"initial\":\"5-2\"}",
		"process.execCPUAffinity.initial: invalid CPU list \"5-2\": range 5-2 is reversed");
	p_fails("\"execCPUAffinity\":{\"initial\":3}",
		"process.execCPUAffinity.initial: must be a string");
}

static void test_personality(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *e = try_parse("", "\"personality\":{\"domain\":\"LINUX32\"}", &s);
	ok(!e && s->linux.personality.present && s->linux.personality.persona == PER_LINUX32,
	   "personality LINUX32 is parsed");
	spec_free(s);
	l_fails("\"personality\":{\"domain\":\"LINUX64\"}",
		"linux.personality.domain: unknown domain \"LINUX64\" (LINUX, LINUX32)");
	l_fails("\"personality\":{\"flags\":[]}", "linux.personality.domain: required");
	l_fails("\"personality\":{\"domain\":\"LINUX\",\"flags\":[\"ADDR_NO_RANDOMIZE\"]}",
		"linux.personality.flags[0]: unknown flag \"ADDR_NO_RANDOMIZE\" (the spec defines "
		"none)");
}

static void test_mempolicy(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *e =
	    try_parse("",
		      "\"memoryPolicy\":{\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\"0-1\","
		      "\"flags\":[\"MPOL_F_STATIC_NODES\"]}",
		      &s);
	const struct spec_mempolicy *m = s ? &s->linux.mempolicy : NULL;
	ok(!e && m->present && m->mode == MPOL_INTERLEAVE && m->flags == MPOL_F_STATIC_NODES &&
	       bitmap_count(&m->nodes) == 2,
	   "memoryPolicy INTERLEAVE 0-1 STATIC_NODES is parsed");
	spec_free(s);
	static const char *const good[] = {
	    "{\"mode\":\"MPOL_DEFAULT\"}",
	    "{\"mode\":\"MPOL_LOCAL\",\"nodes\":\"\"}",
	    "{\"mode\":\"MPOL_PREFERRED\"}",
	    "{\"mode\":\"MPOL_PREFERRED\",\"nodes\":\"1\"}",
	    "{\"mode\":\"MPOL_WEIGHTED_INTERLEAVE\",\"nodes\":\"0,2\"}",
	    ("{\"mode\":\"MPOL_PREFERRED_MANY\",\"nodes\":\"0-3\",\"flags\":[\"MPOL_F_NUMA_"
	     "BALANCING\"]}"),
	    "{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_RELATIVE_NODES\"]}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		_cleanup_free_ char *l = xasprintf("\"memoryPolicy\":%s", good[i]);
		_cleanup_free_ char *got = try_parse("", l, NULL);
		is_str(got, NULL, "accepted: %s", l);
	}
	static const char *const bad[][2] = {
	    {"{\"nodes\":\"0\"}", "linux.memoryPolicy.mode: required"},
	    {"{\"mode\":\"MPOL_FOO\"}",
	     "linux.memoryPolicy.mode: unknown mode \"MPOL_FOO\" (MPOL_DEFAULT, MPOL_BIND, "
	     "MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, MPOL_PREFERRED_MANY, "
	     "MPOL_LOCAL)"},
	    {"{\"mode\":\"MPOL_DEFAULT\",\"nodes\":\"0\"}",
	     "linux.memoryPolicy.nodes: must be empty with MPOL_DEFAULT"},
	    {"{\"mode\":\"MPOL_LOCAL\",\"flags\":[\"MPOL_F_STATIC_NODES\"]}",
	     "linux.memoryPolicy.flags: must be empty with MPOL_LOCAL"},
	    {"{\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\" \"}",
	     "linux.memoryPolicy.nodes: MPOL_INTERLEAVE needs at least one node"},
	    {"{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_STATIC_NODES\","
	     "\"MPOL_F_RELATIVE_NODES\"]}",
	     "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude "
	     "each other"},
	    {"{\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_NUMA_BALANCING\"]}",
	     "linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs MPOL_BIND or "
	     "MPOL_PREFERRED_MANY"},
	    {"{\"mode\":\"MPOL_PREFERRED\",\"flags\":[\"MPOL_F_STATIC_NODES\"]}",
	     "linux.memoryPolicy.nodes: MPOL_PREFERRED with static or relative nodes needs a node"},
	    {"{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_NODE\"]}",
	     "linux.memoryPolicy.flags[0]: unknown flag \"MPOL_F_NODE\" (MPOL_F_NUMA_BALANCING, "
	     "MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES)"},
	    {"{\"mode\":\"MPOL_BIND\",\"nodes\":\"1024\"}",
	     "linux.memoryPolicy.nodes: invalid node list \"1024\": node 1024 is above the highest "
	     "possible, 1023"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_free_ char *l = xasprintf("\"memoryPolicy\":%s", bad[i][0]);
		l_fails(l, bad[i][1]);
	}
}

/* ---- applying ---- */

/* Applies the config's attributes in a child, which checks them with
 * check() and exits 0 when they hold; returns the message on failure. */
static char *apply_in_child(const char *process, const char *lnx, bool exec, int (*check)(void))
{
	struct spec *s = NULL;
	char *e = try_parse(process, lnx, &s);
	if (e)
		return e;
	int pfd[2];
	if (pipe(pfd) < 0)
		return xstrdup("pipe");
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		if (exec_affinity_initial(s->process) < 0 ||
		    sched_attrs_apply(s->process, &s->linux, exec) < 0) {
			(void)!write(pfd[1], err_msg(), strlen(err_msg()));
			_exit(1);
		}
		_exit(check() ? 2 : 0);
	}
	close(pfd[1]);
	char buf[512] = "";
	ssize_t n = read(pfd[0], buf, sizeof(buf) - 1);
	close(pfd[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	spec_free(s);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return NULL;
	if (n > 0)
		return xstrdup(buf);
	return xasprintf("child check failed (status %d)", st);
}

static int check_ioprio(void)
{
	long v = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
	return v == IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0) ? 0 : -1;
}

static int check_batch(void)
{
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);
	return sched_getscheduler(0) == (SCHED_BATCH | SCHED_RESET_ON_FORK) && nice == 7 ? 0 : -1;
}

static int check_idle(void)
{
	return sched_getscheduler(0) == SCHED_IDLE ? 0 : -1;
}

static int check_affinity(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -1;
	return CPU_COUNT(&set) == 1 && CPU_ISSET(0, &set) ? 0 : -1;
}

static int check_personality(void)
{
	return personality(0xffffffff) == PER_LINUX32 ? 0 : -1;
}

static int check_mempolicy(void)
{
	int mode = -1;
	unsigned long mask[16] = {0};
	if (syscall(SYS_get_mempolicy, &mode, mask, sizeof(mask) * 8, NULL, 0) < 0)
		return -1;
	return mode == MPOL_BIND && mask[0] == 1 ? 0 : -1;
}

static void test_apply(void)
{
	struct {
		const char *process, *lnx, *what;
		bool exec;
		int (*check)(void);
	} t[] = {
	    {"\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\",\"priority\":0}", "",
	     "ioPriority IDLE", false, check_ioprio},
	    {"\"scheduler\":{\"policy\":\"SCHED_BATCH\",\"nice\":7,"
	     "\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\"]}",
	     "", "scheduler BATCH, nice 7, RESET_ON_FORK", false, check_batch},
	    {"\"scheduler\":{\"policy\":\"SCHED_IDLE\"}", "", "scheduler IDLE", false, check_idle},
	    {"\"execCPUAffinity\":{\"initial\":\"0\",\"final\":\"0\"}", "",
	     "execCPUAffinity final 0 (exec)", true, check_affinity},
	    {"", "\"personality\":{\"domain\":\"LINUX32\"}", "personality LINUX32", false,
	     check_personality},
	    {"", "\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\"}", "memoryPolicy BIND 0",
	     false, check_mempolicy},
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		_cleanup_free_ char *e =
		    apply_in_child(t[i].process, t[i].lnx, t[i].exec, t[i].check);
		is_str(e, NULL, "applied and read back: %s", t[i].what);
	}
	_cleanup_free_ char *e =
	    apply_in_child("\"scheduler\":{\"policy\":\"SCHED_ISO\"}", "", false, check_idle);
	is_str(e, "set process.scheduler (SCHED_ISO, nice 0, priority 0): Invalid argument",
	       "SCHED_ISO, which Linux lacks, fails with the policy named");
	_cleanup_free_ char *e2 =
	    apply_in_child("", "\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"1000\"}",
			   false, check_mempolicy);
	is_str(e2, "set linux.memoryPolicy (MPOL_BIND, nodes \"1000\"): Invalid argument",
	       "a node the machine lacks fails with the mode and nodes named");
}

int main(void)
{
	test_lists();
	test_ioprio();
	test_scheduler();
	test_affinity();
	test_personality();
	test_mempolicy();
	test_apply();
	return done_testing();
}
