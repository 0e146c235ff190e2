/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for the pure parts of netdev.c (interface names) and
 * intelrdt.c (value rules, the schemata text and its comparison), and the
 * resctrl write path of intelrdt.c run on a plain directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "intelrdt.h"
#include "netdev.h"
#include "tap.h"
#include "util.h"

static void test_names(void)
{
	static const char *const good[] = {"eth0", "dummy0", "a", "x.y-z_1", "123456789012345"};
	static const char *const bad[] = {
	    "", ".", "..", "a/b", "a:1", "a b", "a\tb", "1234567890123456", "a%d", "%s"};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		ok(netdev_name_valid(good[i], false), "\"%s\" is a valid name", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ok(!netdev_name_valid(bad[i], false), "\"%s\" is not a valid host name", bad[i]);
	ok(netdev_name_valid("eth%d", true), "a template may hold one %%d");
	ok(!netdev_name_valid("e%dth%d", true), "not two");
	ok(!netdev_name_valid("eth%x", true), "nor another conversion");
	ok(!netdev_name_valid("eth%", true), "nor a lone %%");
}

static void rdt_fails(struct spec_intel_rdt *t, const char *want)
{
	int rc = rdt_validate(t);
	ok(rc < 0, "refused: %s", want);
	is_str(rc < 0 ? err_msg() : NULL, want, "  message");
}

static void test_rdt_validate(void)
{
	char *sch[] = {"L3:0=f", "MB:0=10", NULL};
	struct spec_intel_rdt t = {.clos_id = "/",
				   .l3_cache_schema = "L3:0=7f0;1=1f",
				   .mem_bw_schema = "MB:0=20",
				   .schemata = sch,
				   .n_schemata = 2};
	ok(rdt_validate(&t) == 0, "a full config is valid, closID \"/\" too");
	t.clos_id = "grp";
	ok(rdt_validate(&t) == 0, "a plain closID");
	t.clos_id = "..";
	rdt_fails(&t, "linux.intelRdt.closID \"..\": must be \"/\" or a plain name");
	t.clos_id = "";
	rdt_fails(&t, "linux.intelRdt.closID \"\": must be \"/\" or a plain name");
	t.clos_id = NULL;
	t.mem_bw_schema = "mb:0=20";
	rdt_fails(&t, "linux.intelRdt.memBwSchema: must start with \"MB:\"");
	t.mem_bw_schema = "MB:0=20\nL3:0=1";
	rdt_fails(&t, "linux.intelRdt.memBwSchema: must not contain newlines");
	t.mem_bw_schema = NULL;
	t.l3_cache_schema = "L3:0=1\n";
	rdt_fails(&t, "linux.intelRdt.l3CacheSchema: must not contain newlines");
	t.l3_cache_schema = NULL;
	sch[1] = "";
	rdt_fails(&t, "linux.intelRdt.schemata[1]: must not be empty");
}

static void test_rdt_text(void)
{
	char *sch[] = {"L2:0=f", "MB:0=70", NULL};
	struct spec_intel_rdt t = {0};
	ok(rdt_schemata_text(&t) == NULL, "nothing to write without schemata");
	t.clos_id = "g";
	t.enable_monitoring = true;
	ok(rdt_schemata_text(&t) == NULL, "closID and monitoring alone write nothing");
	t.schemata = sch;
	t.n_schemata = 2;
	t.mem_bw_schema = "MB:0=20";
	t.l3_cache_schema = "L3:0=7f0";
	char *s = rdt_schemata_text(&t);
	ok(s && !strcmp(s, "L3:0=7f0\nMB:0=20\nL2:0=f\nMB:0=70\n"),
	   "l3CacheSchema, memBwSchema, then schemata");
	free(s);
	t.l3_cache_schema = NULL;
	t.n_schemata = 0;
	s = rdt_schemata_text(&t);
	ok(s && !strcmp(s, "MB:0=20\n"), "memBwSchema alone");
	free(s);
}

static void test_rdt_match(void)
{
	const char *have = "    MB:0=100;1= 70\n    L3:0=007f0;1=fffff\n";
	ok(rdt_schemata_match(have, "L3:0=7f0\n"), "a bitmask matches whatever its padding");
	ok(rdt_schemata_match(have, "L3:1=fffff;0=7f0\nMB:1=70\n"),
	   "ids in any order, several lines");
	ok(!rdt_schemata_match(have, "L3:0=7f1\n"), "another bitmask does not match");
	ok(!rdt_schemata_match(have, "MB:0=10\n"), "another bandwidth does not match");
	ok(!rdt_schemata_match(have, "L2:0=f\n"), "an absent resource does not match");
	ok(!rdt_schemata_match(have, "L3:2=f\n"), "an absent cache id does not match");
	ok(!rdt_schemata_match(have, "L3\n"), "a line without a colon does not match");
	ok(rdt_schemata_match(have, ""), "nothing wanted matches");
}

/* A formatted path in one of a few static buffers (no leaks to track). */
static const char *pth(const char *fmt, ...) PRINTF(1, 2);
static const char *pth(const char *fmt, ...)
{
	static char bufs[4][256];
	static unsigned n;
	char *b = bufs[n++ % 4];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

/* The write path on a directory standing in for /sys/fs/resctrl. */
static void test_rdt_apply(void)
{
	char root[] = "/tmp/corun-rdt.XXXXXX";
	if (!mkdtemp(root)) {
		ok(false, "mkdtemp: %s", strerror(errno));
		return;
	}
	char *sch[] = {"L2:0=3", NULL};
	struct spec_intel_rdt t = {.l3_cache_schema = "L3:0=f", .schemata = sch, .n_schemata = 1};
	int rc = rdt_apply(root, &t, "ct1", 1234);
	_cleanup_free_ char *got = NULL, *tasks = NULL;
	read_file_at(AT_FDCWD, pth("%s/ct1/schemata", root), 4096, &got, NULL);
	read_file_at(AT_FDCWD, pth("%s/ct1/tasks", root), 4096, &tasks, NULL);
	ok(rc == 0, "apply without closID: %s", rc ? err_msg() : "ok");
	ok(got && !strcmp(got, "L3:0=f\nL2:0=3\n"),
	   "the group named after the container got the schemata");
	is_str(tasks, "1234", "and the pid");

	struct spec_intel_rdt g = {.clos_id = "ct1", .l3_cache_schema = "L3:0=e"};
	rc = rdt_apply(root, &g, "ct2", 1);
	is_str(rc < 0 ? err_msg() : NULL,
	       pth("linux.intelRdt: %s/ct1 exists with other schemata than the config's", root),
	       "an existing closID with other schemata is an error");
	g.l3_cache_schema = "L3:0=0f";
	ok(rdt_apply(root, &g, "ct2", 1) == 0, "an existing closID with the same schemata is used");

	struct spec_intel_rdt pre = {.clos_id = "nope"};
	rc = rdt_apply(root, &pre, "ct3", 1);
	ok(rc < 0 && strstr(err_msg(), "linux.intelRdt.closID: no group"),
	   "a closID without schemata must exist: %s", rc < 0 ? err_msg() : "");
	struct stat sb;
	ok(stat(pth("%s/nope", root), &sb) < 0, "and is not created");

	mkdir(pth("%s/ct1/mon_groups", root), 0755);
	struct spec_intel_rdt mon = {.clos_id = "ct1", .enable_monitoring = true};
	rc = rdt_apply(root, &mon, "ct4", 77);
	_cleanup_free_ char *mt = NULL;
	read_file_at(AT_FDCWD, pth("%s/ct1/mon_groups/ct4/tasks", root), 64, &mt, NULL);
	ok(rc == 0, "enableMonitoring: %s", rc ? err_msg() : "ok");
	is_str(mt, "77", "the monitoring group named after the container has the pid");
	/* a real resctrl empties a group on rmdir; here only the mon dir goes */
	unlink(pth("%s/ct1/mon_groups/ct4/tasks", root));
	rdt_destroy(root, &mon, "ct4");
	ok(stat(pth("%s/ct1/mon_groups/ct4", root), &sb) < 0,
	   "delete removes the monitoring group");
	ok(stat(pth("%s/ct1", root), &sb) == 0, "but never a closID group");
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	(void)!system(cmd);
}

int main(void)
{
	test_names();
	test_rdt_validate();
	test_rdt_text();
	test_rdt_match();
	test_rdt_apply();
	return done_testing();
}
