/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for mount_opts.c: every mount(8)-style option, the
 * order rules, filesystem data, refused options; and the MS_* to
 * mount_setattr translation of rootfs_util.c. */
#include <stdarg.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>

#include "mount_opts.h"
#include "rootfs_util.h"
#include "util.h"
#include "tap.h"

/* Parses a NULL-terminated list of options. */
static int parse(struct mount_opts *o, ...)
{
	char *v[32];
	size_t n = 0;
	va_list ap;
	va_start(ap, o);
	for (char *s; n < ARRAY_SIZE(v) && (s = va_arg(ap, char *));)
		v[n++] = s;
	va_end(ap);
	return mount_opts_parse(v, n, o, NULL);
}

static const struct {
	const char *name;
	unsigned long set, clear;
} flag_cases[] = {
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},
    {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0},
    {"async", 0, MS_SYNCHRONOUS},
    {"dirsync", MS_DIRSYNC, 0},
    {"remount", MS_REMOUNT, 0},
    {"mand", MS_MANDLOCK, 0},
    {"nomand", 0, MS_MANDLOCK},
    {"atime", 0, MS_NOATIME},
    {"noatime", MS_NOATIME, 0},
    {"diratime", 0, MS_NODIRATIME},
    {"nodiratime", MS_NODIRATIME, 0},
    {"relatime", MS_RELATIME, 0},
    {"norelatime", 0, MS_RELATIME},
    {"strictatime", MS_STRICTATIME, 0},
    {"nostrictatime", 0, MS_STRICTATIME},
    {"lazytime", MS_LAZYTIME, 0},
    {"nolazytime", 0, MS_LAZYTIME},
    {"iversion", MS_I_VERSION, 0},
    {"noiversion", 0, MS_I_VERSION},
    {"nosymfollow", MS_NOSYMFOLLOW, 0},
    {"symfollow", 0, MS_NOSYMFOLLOW},
    {"silent", MS_SILENT, 0},
    {"loud", 0, MS_SILENT},
    {"defaults", 0, 0},
};

static void test_flags(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_cases); i++) {
		struct mount_opts o;
		int rc = parse(&o, flag_cases[i].name, NULL);
		ok(rc == 0 && o.flags == flag_cases[i].set && o.clear == flag_cases[i].clear &&
		       !o.propagation && !o.bind && !o.data,
		   "\"%s\" sets %#lx, clears %#lx", flag_cases[i].name, flag_cases[i].set,
		   flag_cases[i].clear);
		mount_opts_free(&o);
	}
}

static const struct {
	const char *name;
	unsigned long prop;
} prop_cases[] = {
    {"private", MS_PRIVATE},	   {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},	   {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},	   {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

static void test_propagation(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(prop_cases); i++) {
		struct mount_opts o;
		int rc = parse(&o, prop_cases[i].name, NULL);
		ok(rc == 0 && o.propagation == prop_cases[i].prop && !o.flags && !o.clear &&
		       !o.data && !o.bind,
		   "\"%s\" is propagation %#lx, not a flag", prop_cases[i].name,
		   prop_cases[i].prop);
		mount_opts_free(&o);
	}
	struct mount_opts o;
	int rc = parse(&o, "rprivate", "shared", NULL);
	ok(rc == 0 && o.propagation == MS_SHARED, "the last propagation option wins");
	mount_opts_free(&o);
}

static void test_bind(void)
{
	struct mount_opts o;
	int rc = parse(&o, "bind", NULL);
	ok(rc == 0 && o.bind && o.flags == MS_BIND, "bind: MS_BIND, not recursive");
	mount_opts_free(&o);
	rc = parse(&o, "rbind", NULL);
	ok(rc == 0 && o.bind && o.flags == (MS_BIND | MS_REC), "rbind: MS_BIND|MS_REC");
	mount_opts_free(&o);
	rc = parse(&o, "rbind", "ro", "nosuid", "rprivate", NULL);
	ok(rc == 0 && o.bind && o.flags == (MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID) &&
	       o.propagation == (MS_PRIVATE | MS_REC) && !o.data,
	   "rbind,ro,nosuid,rprivate combine");
	mount_opts_free(&o);
	rc = parse(&o, "nosuid", "mode=755", NULL);
	ok(rc == 0 && !o.bind, "no bind option: not a bind mount");
	mount_opts_free(&o);
}

static void test_order(void)
{
	struct mount_opts o;
	int rc = parse(&o, "ro", "rw", NULL);
	ok(rc == 0 && !(o.flags & MS_RDONLY) && (o.clear & MS_RDONLY), "ro,rw: rw wins");
	mount_opts_free(&o);
	rc = parse(&o, "rw", "ro", NULL);
	ok(rc == 0 && (o.flags & MS_RDONLY) && !(o.clear & MS_RDONLY), "rw,ro: ro wins");
	mount_opts_free(&o);
	rc = parse(&o, "nosuid", "suid", "nosuid", NULL);
	ok(rc == 0 && o.flags == MS_NOSUID && !o.clear, "nosuid,suid,nosuid: nosuid");
	mount_opts_free(&o);
	rc = parse(&o, "defaults", "ro", "defaults", NULL);
	ok(rc == 0 && o.flags == MS_RDONLY, "defaults changes nothing");
	mount_opts_free(&o);
}

static void test_data(void)
{
	struct mount_opts o;
	int rc = parse(&o, "nosuid", "strictatime", "mode=755", "size=65536k", NULL);
	ok(rc == 0 && o.data && strcmp(o.data, "mode=755,size=65536k") == 0 &&
	       o.flags == (MS_NOSUID | MS_STRICTATIME),
	   "unknown options are comma-joined data: \"%s\"", o.data ? o.data : "(null)");
	mount_opts_free(&o);
	ok(o.data == NULL, "mount_opts_free clears data");
	rc = parse(&o, "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL);
	ok(rc == 0 && o.data && strcmp(o.data, "newinstance,ptmxmode=0666,mode=0620,gid=5") == 0,
	   "devpts options kept in order");
	mount_opts_free(&o);
	rc = parse(&o, "ro", NULL);
	ok(rc == 0 && o.data == NULL, "only flags: data stays NULL");
	mount_opts_free(&o);
	rc = parse(&o, "mode=755,size=1k", "uid=0", NULL);
	ok(rc == 0 && o.data && strcmp(o.data, "mode=755,size=1k,uid=0") == 0,
	   "an option with commas is passed as data");
	mount_opts_free(&o);
	rc = parse(&o, "RO", "Bind", NULL);
	ok(rc == 0 && !o.flags && !o.bind && o.data && strcmp(o.data, "RO,Bind") == 0,
	   "names are case-sensitive");
	mount_opts_free(&o);
	char big[4096];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char *v[40];
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		v[i] = big;
	rc = mount_opts_parse(v, ARRAY_SIZE(v), &o, NULL);
	ok(rc == 0 && o.data && strlen(o.data) == ARRAY_SIZE(v) * sizeof(big) - 1,
	   "long data grows without truncation");
	mount_opts_free(&o);
	rc = mount_opts_parse(NULL, 0, &o, NULL);
	ok(rc == 0 && !o.flags && !o.clear && !o.propagation && !o.bind && !o.data,
	   "no options: all zero");
	mount_opts_free(&o);
}

static void test_refused(void)
{
	struct mount_opts o;
	int rc = parse(&o, "nosuid", "mode=1", "tmpcopyup", NULL);
	ok(rc == 0 && o.tmpcopyup && o.data && strcmp(o.data, "mode=1") == 0,
	   "\"tmpcopyup\" is a flag, not filesystem data");
	mount_opts_free(&o);
	rc = parse(&o, "ro", "", NULL);
	ok(rc < 0 && strcmp(err_msg(), "must not be empty") == 0, "an empty option is refused");
	char *v[] = {"ro", "mode=1", "", "nosuid"};
	size_t bad = 99;
	rc = mount_opts_parse(v, ARRAY_SIZE(v), &o, &bad);
	ok(rc < 0 && bad == 2 && !o.data, "the empty option's index is given, nothing kept");
}

/* The recursive forms and the idmap options of runtime-spec 1.1+ */
static void test_recursive(void)
{
	struct mount_opts o;
	int rc = parse(&o, "rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime",
		       "rnosymfollow", NULL);
	ok(rc == 0 &&
	       o.rec_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			     MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW) &&
	       o.rec_clr == 0 && o.flags == (MS_BIND | MS_REC) && !o.data,
	   "rro,rnosuid,rnodev,rnoexec,rnodiratime,rnosymfollow -> recursive set");
	rc = parse(&o, "rro", "rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow", NULL);
	ok(rc == 0 && o.rec_set == 0 &&
	       o.rec_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			     MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW),
	   "the later of rro/rrw wins; r* clear forms -> recursive clear");
	static const struct {
		const char *opt;
		uint64_t mode;
	} atime[] = {
	    {"rnoatime", MOUNT_ATTR_NOATIME},	      {"ratime", MOUNT_ATTR_RELATIME},
	    {"rrelatime", MOUNT_ATTR_RELATIME},	      {"rnorelatime", MOUNT_ATTR_STRICTATIME},
	    {"rstrictatime", MOUNT_ATTR_STRICTATIME}, {"rnostrictatime", MOUNT_ATTR_RELATIME}};
	for (size_t i = 0; i < ARRAY_SIZE(atime); i++) {
		rc = parse(&o, "rnoatime", "rstrictatime", atime[i].opt, NULL);
		ok(rc == 0 && o.rec_clr == MOUNT_ATTR__ATIME && o.rec_set == atime[i].mode,
		   "%s: one atime mode, with MOUNT_ATTR__ATIME cleared", atime[i].opt);
	}
	rc = parse(&o, "nosymfollow", NULL);
	ok(rc == 0 && o.flags == MS_NOSYMFOLLOW && !o.rec_set, "nosymfollow stays per mount");
	rc = parse(&o, "bind", "idmap", NULL);
	ok(rc == 0 && o.idmap == IDMAP_TOP && !o.data, "idmap: never mount data");
	rc = parse(&o, "ridmap", NULL);
	ok(rc == 0 && o.idmap == IDMAP_RECURSIVE && !o.data, "ridmap");
	rc = parse(&o, "ro", NULL);
	ok(rc == 0 && o.idmap == IDMAP_NONE && !o.rec_set && !o.rec_clr, "none by default");
}

static void test_attrs(void)
{
	struct mount_attr a = {0};
	mount_attr_from_flags(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_BIND | MS_REC, 0,
			      &a);
	ok(a.attr_set ==
		   (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC) &&
	       a.attr_clr == 0,
	   "ro,nosuid,nodev,noexec -> attributes; bind flags ignored");
	memset(&a, 0, sizeof(a));
	mount_attr_from_flags(0, MS_RDONLY | MS_NOSUID, &a);
	ok(a.attr_set == 0 && a.attr_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID),
	   "rw,suid -> cleared attributes");
	memset(&a, 0, sizeof(a));
	mount_attr_from_flags(MS_NOATIME, 0, &a);
	ok(a.attr_set == MOUNT_ATTR_NOATIME && a.attr_clr == MOUNT_ATTR__ATIME,
	   "noatime replaces the atime mode");
	memset(&a, 0, sizeof(a));
	mount_attr_from_flags(MS_STRICTATIME, 0, &a);
	ok(a.attr_set == MOUNT_ATTR_STRICTATIME && a.attr_clr == MOUNT_ATTR__ATIME,
	   "strictatime replaces the atime mode");
	memset(&a, 0, sizeof(a));
	mount_attr_from_flags(MS_NODIRATIME | MS_NOSYMFOLLOW, 0, &a);
	ok(a.attr_set == (MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW),
	   "nodiratime,nosymfollow -> attributes");
	memset(&a, 0, sizeof(a));
	mount_attr_from_flags(0, 0, &a);
	ok(!a.attr_set && !a.attr_clr, "no flags: nothing to change (atime kept)");
}

int main(void)
{
	test_flags();
	test_propagation();
	test_bind();
	test_order();
	test_data();
	test_refused();
	test_recursive();
	test_attrs();
	return done_testing(); /* the plan at the end: a count kept by hand drifts */
}
