/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for procparse.c on fixture text: mountinfo lines as the
 * kernel writes them and as a hostile or broken one could (escapes,
 * optional fields, no separator, cut short, very long), /proc/PID/cgroup
 * lines of v1, v2 and named hierarchies, /proc/PID/status fields. */
#include <stdlib.h>
#include <string.h>

#include "procparse.h"
#include "tap.h"
#include "util.h"

/* Parses a copy of line; the copy stays alive for the checks (static). */
static int parse(const char *line, struct mountinfo_entry *e)
{
	static char buf[256];
	snprintf(buf, sizeof(buf), "%s", line);
	return mountinfo_parse_line(buf, e);
}

static void test_mountinfo_fields(void)
{
	struct mountinfo_entry e;
	is_int(parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root "
		     "rw,errors=continue\n",
		     &e),
	       0, "mountinfo: proc(5)'s example parses");
	ok(e.id == 36 && e.parent == 35, "mountinfo: ids %llu %llu", e.id, e.parent);
	is_str(e.root, "/mnt1", "mountinfo: root");
	is_str(e.mount_point, "/mnt2", "mountinfo: mount point");
	is_str(e.options, "rw,noatime", "mountinfo: options");
	is_str(e.optional, "master:1 shared:7", "mountinfo: optional fields");
	is_str(e.fstype, "ext3", "mountinfo: fstype");
	is_str(e.source, "/dev/root", "mountinfo: source");
	is_str(e.super_options, "rw,errors=continue", "mountinfo: super options, no newline");
	ok(mountinfo_has_optional(&e, "shared:") && mountinfo_has_optional(&e, "master:") &&
	       !mountinfo_has_optional(&e, "propagate_from:"),
	   "mountinfo: optional tags");

	is_int(parse("22 1 0:21 / /proc rw,nosuid - proc proc rw", &e), 0,
	       "mountinfo: no optional field");
	is_str(e.optional, "", "mountinfo: empty optional fields");
	ok(!mountinfo_has_optional(&e, "shared:"), "mountinfo: private mount is not shared");

	is_int(parse("23 1 0:22 / /x rw xshared:3 unbindable - tmpfs t rw", &e), 0,
	       "mountinfo: unusual optional tags");
	ok(!mountinfo_has_optional(&e, "shared:") && mountinfo_has_optional(&e, "unbindable"),
	   "mountinfo: a tag is matched at the start of a word only");
}

static void test_mountinfo_escapes(void)
{
	struct mountinfo_entry e;
	is_int(parse("40 1 0:30 /r\\040o\\134ot /a\\040b\\012c\\011d\\134e rw - "
		     "fuse.x\\040y my\\040src rw",
		     &e),
	       0, "mountinfo: escaped fields parse");
	is_str(e.mount_point, "/a b\nc\td\\e", "mountinfo: \\040 \\012 \\011 \\134 undone");
	is_str(e.root, "/r o\\ot", "mountinfo: root unescaped");
	is_str(e.fstype, "fuse.x y", "mountinfo: fstype unescaped");
	is_str(e.source, "my src", "mountinfo: source unescaped");

	/* an escaped " - " inside a path is no separator */
	is_int(parse("41 1 0:31 / /a\\040-\\040b rw shared:2 - tmpfs none rw", &e), 0,
	       "mountinfo: escaped \" - \" in a path");
	is_str(e.mount_point, "/a - b", "mountinfo: that path");
	is_str(e.fstype, "tmpfs", "mountinfo: and the real separator");

	char s[64];
	snprintf(s, sizeof(s), "%s", "\\400|\\19|\\0|\\|end\\");
	mountinfo_unescape(s);
	is_str(s, "\\400|\\19|\\0|\\|end\\", "unescape: not an escape is kept as it is");
	snprintf(s, sizeof(s), "%s", "\\101\\102\\103");
	mountinfo_unescape(s);
	is_str(s, "ABC", "unescape: any octal byte");
}

static void test_mountinfo_broken(void)
{
	struct mountinfo_entry e;
	ok(parse("25 30 0:22 / /a rw shared:9 cgroup2 cgroup2 rw", &e) < 0,
	   "mountinfo: no \" - \" separator");
	ok(parse("28 25 0:25 / /short", &e) < 0, "mountinfo: cut short before the separator");
	ok(parse("29 25 0:26 / - cgroup x rw", &e) < 0, "mountinfo: five fields before it");
	ok(parse("30 25 0:26 / /m rw - cgroup", &e) < 0, "mountinfo: only the fstype after it");
	ok(parse("31 25 0:26 / /m rw - cgroup cgroup", &e) < 0, "mountinfo: no super options");
	ok(parse("32 25 0:26 / /m rw - ", &e) < 0, "mountinfo: nothing after it");
	ok(parse("", &e) < 0 && parse("\n", &e) < 0 && parse(" - ", &e) < 0,
	   "mountinfo: empty lines");
}

/* Every well-formed line of a table with broken ones in between. */
static void test_mountinfo_next(void)
{
	char text[] = "1 0 0:1 / / rw - ext4 /dev/sda rw\n"
		      "\n"
		      "garbage\n"
		      "2 1 0:2 / /proc rw - proc proc rw\n"
		      "3 1 0:3 / /cut rw shared:1 -\n"
		      "4 1 0:4 / /last rw - tmpfs tmpfs rw"; /* no final newline */
	struct mountinfo_entry e;
	unsigned long long ids[8];
	size_t n = 0;
	for (char *pos = text; n < 8 && mountinfo_next(&pos, &e);)
		ids[n++] = e.id;
	ok(n == 3 && ids[0] == 1 && ids[1] == 2 && ids[2] == 4,
	   "mountinfo_next: the three good lines of six (%zu)", n);
	char empty[] = "";
	char *pos = empty;
	ok(!mountinfo_next(&pos, &e), "mountinfo_next: empty text");
}

struct collect {
	size_t n, stop_at;
	int ret;
	size_t last_len;
};

static int collect(const struct mountinfo_entry *e, void *ud)
{
	struct collect *c = ud;
	c->last_len = strlen(e->mount_point);
	return ++c->n == c->stop_at ? c->ret : 0;
}

/* The file reader through util.h's seam, with a line far beyond any
 * fixed buffer. */
static void test_mountinfo_read(void)
{
	size_t long_len = 100000;
	char *text = xmalloc(long_len + 256);
	int w = snprintf(text, 64, "1 0 0:1 / /");
	memset(text + w, 'x', long_len);
	w += (int)long_len;
	w += snprintf(text + w, 200, " rw - ext4 /dev/sda rw\n2 1 0:2 / /b rw - proc p rw\n");
	proc_text_set("/proc/self/mountinfo", text, (size_t)w);

	struct collect c = {0};
	is_int(mountinfo_read(collect, &c), 0, "mountinfo_read: whole table");
	ok(c.n == 2, "mountinfo_read: a 100 kB line and a short one (%zu)", c.n);
	c = (struct collect){.stop_at = 1, .ret = 1};
	ok(mountinfo_read(collect, &c) == 0 && c.n == 1 && c.last_len == long_len + 1,
	   "mountinfo_read: stops when fn says so, the long path whole");
	c = (struct collect){.stop_at = 2, .ret = -1};
	ok(mountinfo_read(collect, &c) < 0 && c.n == 2, "mountinfo_read: fn's error");
	err_clear();
	proc_text_set(NULL, NULL, 0);
	free(text);
}

static void test_cgroup(void)
{
	char text[] = "12:pids:/user.slice\n"
		      "4:cpu,cpuacct:/a/b\n"
		      "1:name=systemd:/sys:tem/x:y\n"
		      "\n"
		      "broken line\n"
		      "7:only-one-colon\n"
		      "9::/empty-list\n"
		      "0::/v2/path:with:colons";
	struct proc_cgroup_entry v[8];
	size_t n = 0;
	for (char *pos = text; n < 8 && proc_cgroup_next(&pos, &v[n]);)
		n++;
	is_int((long long)n, 5, "cgroup: five lines of eight");
	is_str(v[0].id, "12", "cgroup: hierarchy id");
	is_str(v[1].controllers, "cpu,cpuacct", "cgroup: controller list");
	is_str(v[1].path, "/a/b", "cgroup: path");
	is_str(v[2].controllers, "name=systemd", "cgroup: named hierarchy");
	is_str(v[2].path, "/sys:tem/x:y", "cgroup: colons in a v1 path");
	ok(!strcmp(v[3].id, "9") && !*v[3].controllers && !proc_cgroup_is_v2(&v[3]),
	   "cgroup: an empty controller list with id 9 is not cgroup2");
	ok(proc_cgroup_is_v2(&v[4]) && !strcmp(v[4].path, "/v2/path:with:colons"),
	   "cgroup: the 0:: line, colons in its path, no final newline");
	ok(!proc_cgroup_is_v2(&v[0]) && !proc_cgroup_is_v2(&v[2]), "cgroup: v1 lines are not v2");

	char root[] = "0::/\n";
	struct proc_cgroup_entry e;
	ok(proc_cgroup_parse_line(root, &e) == 0 && !strcmp(e.path, "/"), "cgroup: the root");
	char bad[] = "::";
	ok(proc_cgroup_parse_line(bad, &e) == 0 && !*e.id && !*e.controllers && !*e.path,
	   "cgroup: all fields empty");
	char none[] = "0/a";
	ok(proc_cgroup_parse_line(none, &e) < 0, "cgroup: no colon");
}

static void test_status(void)
{
	const char *st = "Name:\tmy prog\n"
			 "State:\tS (sleeping)\n"
			 "SigQ:\t0/63229\n"
			 "SigPnd:\t0000000000000100\n"
			 "ShdPnd:\t0000000000000000\n"
			 "CapEff:\t000001ffffffffff\n"
			 "Bad:\t12xz\n"
			 "Empty:\n"
			 "Last:   7";
	size_t len = 0;
	const char *v = proc_status_field(st, "Name", &len);
	ok(v && len == 7 && !strncmp(v, "my prog", len), "status: a value with a blank");
	v = proc_status_field(st, "State", &len);
	ok(v && len == 12 && !strncmp(v, "S (sleeping)", len), "status: State");
	ok(!proc_status_field(st, "Pnd", &len) && !proc_status_field(st, "Sig", &len) &&
	       !proc_status_field(st, "Cap", &len),
	   "status: a part of a name is not the name");
	ok(!proc_status_field(st, "Missing", &len), "status: absent field");
	v = proc_status_field(st, "Last", &len);
	ok(v && len == 1 && *v == '7', "status: last line, blanks, no newline");
	v = proc_status_field(st, "Empty", &len);
	ok(v && len == 0, "status: empty value");

	unsigned long long m = 0;
	ok(proc_status_hex(st, "SigPnd", &m) && m == 0x100, "status: SigPnd (SIGKILL pending)");
	ok(proc_status_hex(st, "ShdPnd", &m) && m == 0, "status: ShdPnd");
	ok(proc_status_hex(st, "CapEff", &m) && m == 0x1ffffffffffULL, "status: CapEff");
	ok(!proc_status_hex(st, "Bad", &m) && !proc_status_hex(st, "Empty", &m) &&
	       !proc_status_hex(st, "Name", &m) && !proc_status_hex(st, "Nope", &m),
	   "status: not hex, empty, absent");
	ok(!proc_status_field("", "Name", &len), "status: empty text");
}

static void test_stat(void)
{
	const char *st = "42 (a) b) (c d) S 1 42 42 0 -1 4194564 0 0 0 0 0 0 0 0 20 0 1 0 777 0\n";
	size_t len = 0;
	const char *v = proc_stat_field(st, 3, &len);
	ok(v && len == 1 && *v == 'S', "stat: the state after the last \") \" of the name");
	v = proc_stat_field(st, 9, &len);
	ok(v && len == 7 && !strncmp(v, "4194564", len), "stat: flags, field 9");
	v = proc_stat_field(st, 22, &len);
	ok(v && len == 3 && !strncmp(v, "777", len), "stat: start time, field 22");
	v = proc_stat_field(st, 23, &len);
	ok(v && len == 1 && *v == '0', "stat: the last field, before the newline");
	ok(!proc_stat_field(st, 24, &len), "stat: past the last field");
	ok(!proc_stat_field(st, 2, &len) && !proc_stat_field(st, 0, &len),
	   "stat: pid and name are not fields after the name");
	ok(!proc_stat_field("42 (cut", 3, &len) && !proc_stat_field("42 (x)S 1", 3, &len) &&
	       !proc_stat_field("", 3, &len),
	   "stat: no \") \" after the name");
}

static void test_text_read(void)
{
	const char *cg = "0::/a\n";
	proc_text_set("/proc/self/cgroup", cg, strlen(cg));
	char *t = NULL;
	ok(proc_text_read("/proc/self/cgroup", 1 << 20, &t) == 0 && t && !strcmp(t, cg),
	   "proc_text_read: the whole file");
	free(t);
	t = NULL;
	ok(proc_text_read("/proc/self/cgroup", 3, &t) < 0 && !t, "proc_text_read: over max");
	err_clear();
	proc_text_set(NULL, NULL, 0);
	ok(proc_text_read("/nonexistent/procparse", 100, &t) < 0, "proc_text_read: no file");
	err_clear();
	/* a real procfs file, larger than the first buffer */
	ok(proc_text_read("/proc/self/mountinfo", 1 << 24, &t) == 0 && t && strstr(t, " - "),
	   "proc_text_read: real mountinfo");
	free(t);
}

int main(void)
{
	test_mountinfo_fields();
	test_mountinfo_escapes();
	test_mountinfo_broken();
	test_mountinfo_next();
	test_mountinfo_read();
	test_cgroup();
	test_status();
	test_stat();
	test_text_read();
	return done_testing();
}
