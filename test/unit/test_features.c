/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for oci_features.c: the document parses and has the
 * spec's shape, everything it lists is accepted by the config parser (and
 * by the create-time checks behind it), and what the parser refuses is not
 * listed or is reported as not supported. */
#include <jansson.h>
#include <string.h>

#include "cgroup.h"
#include "mount_opts.h"
#include "oci_features.h"
#include "rootfs.h"
#include "seccomp_filter.h"
#include "spec.h"
#include "tap.h"
#include "util.h"

static json_t *doc;

/* "a.b.c" in doc. */
static json_t *at(const char *path)
{
	json_t *v = doc;
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save, *k = strtok_r(buf, ".", &save); v && k; k = strtok_r(NULL, ".", &save))
		v = json_object_get(v, k);
	return v;
}

static bool listed(const char *path, const char *name)
{
	size_t i;
	json_t *e;
	json_array_foreach(at(path), i, e) if (!strcmp(json_string_value(e), name)) return true;
	return false;
}

/* A config around the JSON fragments: extra top-level members, then the
 * members of "process" and of "linux". Returns spec_parse's result; the
 * spec is kept in *out when out is not NULL. */
static int parse_cfg(const char *top, const char *process, const char *lnx, struct spec **out)
{
	_cleanup_free_ char *text = xasprintf(
	    "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"}%s%s,"
	    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}%s%s},"
	    "\"linux\":{%s}}",
	    *top ? "," : "", top, *process ? "," : "", process, lnx);
	struct spec *s = NULL;
	if (spec_parse(text, strlen(text), &s) < 0)
		return -1;
	if (out)
		*out = s;
	else
		spec_free(s);
	return 0;
}

static void test_shape(void)
{
	static const char *const keys[] = {"ociVersionMin",
					   "ociVersionMax",
					   "hooks",
					   "mountOptions",
					   "annotations",
					   "potentiallyUnsafeConfigAnnotations",
					   "linux.namespaces",
					   "linux.capabilities",
					   "linux.cgroup.v1",
					   "linux.cgroup.v2",
					   "linux.cgroup.systemd",
					   "linux.cgroup.systemdUser",
					   "linux.cgroup.rdma",
					   "linux.seccomp.enabled",
					   "linux.seccomp.actions",
					   "linux.seccomp.operators",
					   "linux.seccomp.archs",
					   "linux.seccomp.knownFlags",
					   "linux.seccomp.supportedFlags",
					   "linux.apparmor.enabled",
					   "linux.selinux.enabled",
					   "linux.intelRdt.enabled",
					   "linux.mountExtensions.idmap.enabled",
					   "linux.netDevices.enabled"};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		ok(at(keys[i]) != NULL, "document has %s", keys[i]);
	is_str(json_string_value(at("ociVersionMin")), "1.0.0", "ociVersionMin");
	is_str(json_string_value(at("ociVersionMax")), "1.3.0", "ociVersionMax");
	is_str(json_string_value(at("annotations.io.github.corun.checkpoint.enabled")), NULL,
	       "annotation keys hold dots, not objects");
	json_t *ann = at("annotations");
	is_str(json_string_value(json_object_get(ann, "io.github.corun.checkpoint.enabled")),
	       "false", "checkpoint is reported as not enabled");
	ok(json_object_get(ann, "io.github.corun.version") &&
	       json_object_get(ann, "io.github.corun.commit") &&
	       json_object_get(ann, "io.github.corun.libseccomp.version"),
	   "version, commit and libseccomp annotations");
}

static void test_versions(void)
{
	const char *v[] = {json_string_value(at("ociVersionMin")),
			   json_string_value(at("ociVersionMax"))};
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		_cleanup_free_ char *t =
		    xasprintf("{\"ociVersion\":\"%s\",\"root\":{\"path\":\"r\"}}", v[i]);
		struct spec *s = NULL;
		ok(spec_parse(t, strlen(t), &s) == 0, "ociVersion %s is accepted", v[i]);
		spec_free(s);
	}
}

static void test_hooks(void)
{
	size_t i;
	json_t *e;
	json_array_foreach(at("hooks"), i, e)
	{
		const char *h = json_string_value(e);
		_cleanup_free_ char *top =
		    xasprintf("\"hooks\":{\"%s\":[{\"path\":\"/bin/true\"}]}", h);
		struct spec *s = NULL;
		bool got = parse_cfg(top, "", "", &s) == 0;
		size_t n = 0;
		for (int k = 0; got && k < HOOK__COUNT; k++)
			n += s->hooks.count[k];
		ok(got && n == 1, "hook %s is parsed", h);
		spec_free(s);
	}
	ok(!listed("hooks", "prestop"), "no hook the spec lacks");
}

static void test_namespaces(void)
{
	size_t i;
	json_t *e;
	json_array_foreach(at("linux.namespaces"), i, e)
	{
		const char *t = json_string_value(e);
		bool user = !strcmp(t, "user");
		_cleanup_free_ char *l = xasprintf(
		    "\"namespaces\":[{\"type\":\"%s\"}]%s", t,
		    user ? ",\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
			   "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"
			 : "");
		struct spec *s = NULL;
		bool got = parse_cfg("", "", l, &s) == 0;
		bool present = false;
		for (int k = 0; got && k < NS__COUNT; k++)
			present |= s->linux.ns[k].present && !strcmp(ns_type_name(k), t);
		ok(got && present, "namespace %s is accepted", t);
		spec_free(s);
	}
	ok(!listed("linux.namespaces", "net") &&
	       parse_cfg("", "", "\"namespaces\":[{\"type\":\"net\"}]", NULL) < 0,
	   "the /proc name \"net\" is refused and not listed");
}

static void test_capabilities(void)
{
	size_t i;
	json_t *e;
	char *all = xstrdup("");
	json_array_foreach(at("linux.capabilities"), i, e)
	{
		char *n = xasprintf("%s%s\"%s\"", all, i ? "," : "", json_string_value(e));
		free(all);
		all = n;
	}
	_cleanup_free_ char *p =
	    xasprintf("\"capabilities\":{\"bounding\":[%s],\"effective\":[%s],\"permitted\":[%s],"
		      "\"inheritable\":[%s],\"ambient\":[%s]}",
		      all, all, all, all, all);
	free(all);
	struct spec *s = NULL;
	size_t n = json_array_size(at("linux.capabilities"));
	bool got = parse_cfg("", p, "", &s) == 0;
	ok(got && n >= 41 && s->process->caps.bounding == (n >= 64 ? ~0ULL : (1ULL << n) - 1),
	   "all %zu listed capabilities are accepted in every set", n);
	spec_free(s);
	static const char *const bad[] = {"CAP_FOO", "cap_chown", "CHOWN"};
	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		_cleanup_free_ char *q =
		    xasprintf("\"capabilities\":{\"bounding\":[\"%s\"]}", bad[k]);
		struct spec *t = NULL;
		/* config.md: a capability that cannot be granted is a warning */
		ok(parse_cfg("", q, "", &t) == 0 && t->process->caps.bounding == 0 &&
		       t->process->caps.unknown && !strcmp(t->process->caps.unknown, bad[k]) &&
		       !listed("linux.capabilities", bad[k]),
		   "capability %s is kept aside for a warning and not listed", bad[k]);
		spec_free(t);
	}
}

/* mountOptions lists exactly the options the parser turns into mount flags:
 * checked over the spec's own example list, which also holds the recursive
 * and idmap ones corun refuses. */
static void test_mount_options(void)
{
	static const char *const spec_list[] = {"acl",
						"async",
						"atime",
						"bind",
						"defaults",
						"dev",
						"diratime",
						"dirsync",
						"exec",
						"idmap",
						"iversion",
						"lazytime",
						"loud",
						"mand",
						"noacl",
						"noatime",
						"nodev",
						"nodiratime",
						"noexec",
						"noiversion",
						"nolazytime",
						"nomand",
						"norelatime",
						"nostrictatime",
						"nosuid",
						"nosymfollow",
						"private",
						"ratime",
						"rbind",
						"rdev",
						"rdiratime",
						"relatime",
						"remount",
						"rexec",
						"ridmap",
						"rnoatime",
						"rnodev",
						"rnodiratime",
						"rnoexec",
						"rnorelatime",
						"rnostrictatime",
						"rnosuid",
						"rnosymfollow",
						"ro",
						"rprivate",
						"rrelatime",
						"rro",
						"rrw",
						"rshared",
						"rslave",
						"rstrictatime",
						"rsuid",
						"rsymfollow",
						"runbindable",
						"rw",
						"shared",
						"silent",
						"slave",
						"strictatime",
						"suid",
						"symfollow",
						"sync",
						"tmpcopyup",
						"unbindable"};
	for (size_t i = 0; i < ARRAY_SIZE(spec_list); i++) {
		const char *o = spec_list[i];
		_cleanup_free_ char *top = xasprintf(
		    /* an idmappable mount, so idmap and ridmap count as accepted too */
		    "\"mounts\":[{\"destination\":\"/mnt\",\"type\":\"bind\",\"source\":\"/tmp\","
		    "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],"
		    "\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],"
		    "\"options\":[\"%s\"]}]",
		    o);
		struct spec *s = NULL;
		bool flag = parse_cfg(top, "", "", &s) == 0 && rootfs_validate(s) == 0 &&
			    !s->mounts[0].opts.data;
		spec_free(s);
		ok(flag == listed("mountOptions", o), "mount option %s: %s", o,
		   flag ? "a flag, listed" : "refused or filesystem data, not listed");
	}
	size_t i;
	json_t *e;
	size_t n = 0;
	json_array_foreach(at("mountOptions"), i, e)
	{
		for (size_t k = 0; k < ARRAY_SIZE(spec_list); k++)
			n += !strcmp(spec_list[k], json_string_value(e));
	}
	is_int((long long)n, (long long)json_array_size(at("mountOptions")),
	       "every listed mount option is one the spec names");
}

/* A linux.seccomp object with one rule, compiled as create would. */
static bool seccomp_ok(const char *extra, const char *action, const char *args, bool compile)
{
	_cleanup_free_ char *l = xasprintf(
	    "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/x.sock\""
	    "%s%s,\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"%s\"%s%s}]}",
	    *extra ? "," : "", extra, action, *args ? "," : "", args);
	struct spec *s = NULL;
	bool got = parse_cfg("", "", l, &s) == 0;
	struct seccomp_prog *p = NULL;
	if (got && compile) {
		got = seccomp_compile(s->linux.seccomp, &p) == 0;
		if (!got)
			diag("%s", err_msg());
	}
	seccomp_prog_free(p);
	spec_free(s);
	return got;
}

static void test_seccomp(void)
{
	size_t i;
	json_t *e;
	ok(json_is_true(at("linux.seccomp.enabled")), "seccomp is enabled");
	json_array_foreach(at("linux.seccomp.actions"), i, e)
	{
		const char *a = json_string_value(e);
		ok(seccomp_ok("", a, "", true), "action %s is accepted and compiled", a);
	}
	json_array_foreach(at("linux.seccomp.operators"), i, e)
	{
		const char *o = json_string_value(e);
		_cleanup_free_ char *args = xasprintf(
		    "\"args\":[{\"index\":0,\"value\":1,\"valueTwo\":1,\"op\":\"%s\"}]", o);
		ok(seccomp_ok("", "SCMP_ACT_ERRNO", args, true), "operator %s is accepted", o);
	}
	json_array_foreach(at("linux.seccomp.archs"), i, e)
	{
		const char *a = json_string_value(e);
		_cleanup_free_ char *x = xasprintf("\"architectures\":[\"%s\"]", a);
		ok(seccomp_ok(x, "SCMP_ACT_ERRNO", "", false) && seccomp_arch_supported(a),
		   "architecture %s is accepted and known to libseccomp", a);
	}
	json_array_foreach(at("linux.seccomp.knownFlags"), i, e)
	{
		const char *f = json_string_value(e);
		_cleanup_free_ char *x = xasprintf("\"flags\":[\"%s\"]", f);
		ok(seccomp_ok(x, "SCMP_ACT_NOTIFY", "", true), "flag %s is accepted", f);
	}
	json_array_foreach(at("linux.seccomp.supportedFlags"), i, e)
	{
		ok(listed("linux.seccomp.knownFlags", json_string_value(e)),
		   "supported flag %s is a known flag", json_string_value(e));
	}
	ok(!seccomp_ok("", "SCMP_ACT_FOO", "", false) &&
	       !listed("linux.seccomp.actions", "SCMP_ACT_FOO"),
	   "an unknown action is refused and not listed");
	ok(!seccomp_ok("\"flags\":[\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]", "SCMP_ACT_ERRNO", "",
		       false) &&
	       !listed("linux.seccomp.knownFlags", "SECCOMP_FILTER_FLAG_NEW_LISTENER"),
	   "NEW_LISTENER (the runtime's own) is refused and not listed");
}

/* enabled: false exactly when the parser refuses the key as not supported. */
static void check_enabled(const char *feature, const char *top, const char *process,
			  const char *lnx)
{
	_cleanup_free_ char *path = xasprintf("linux.%s.enabled", feature);
	bool on = json_is_true(at(path));
	bool refused = parse_cfg(top, process, lnx, NULL) < 0 && strstr(err_msg(), "not supported");
	ok(on != refused, "%s: %s", path,
	   on ? "true, and the parser takes it"
	      : "false, and the parser refuses it as not supported");
}

static void test_enabled(void)
{
	check_enabled("apparmor", "", "\"apparmorProfile\":\"p\"", "");
	check_enabled("selinux", "", "\"selinuxLabel\":\"system_u:system_r:container_t:s0\"", "");
	check_enabled("intelRdt", "", "", "\"intelRdt\":{\"closID\":\"c\"}");
	check_enabled("netDevices", "", "", "\"netDevices\":{\"eth9\":{\"name\":\"eth9\"}}");
	check_enabled(
	    "mountExtensions.idmap",
	    "\"mounts\":[{\"destination\":\"/m\",\"source\":\"/m\",\"options\":[\"bind\"],"
	    "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
	    "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}]",
	    "", "");
	bool refused =
	    parse_cfg("", "", "\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\"}", NULL) <
		0 &&
	    strstr(err_msg(), "not supported");
	ok(refused == !at("linux.memoryPolicy"), "memoryPolicy is %s",
	   refused ? "refused by the parser and absent" : "taken by the parser and present");
}

/* Every listed mode and flag parses; names the spec lacks are not listed. */
static void test_memory_policy(void)
{
	size_t i;
	json_t *e;
	ok(json_array_size(at("linux.memoryPolicy.modes")) == 7 &&
	       json_array_size(at("linux.memoryPolicy.flags")) == 3,
	   "memoryPolicy lists the spec's 7 modes and 3 flags");
	json_array_foreach(at("linux.memoryPolicy.modes"), i, e)
	{
		const char *m = json_string_value(e);
		bool nodeless = !strcmp(m, "MPOL_DEFAULT") || !strcmp(m, "MPOL_LOCAL");
		_cleanup_free_ char *l = xasprintf("\"memoryPolicy\":{\"mode\":\"%s\"%s}", m,
						   nodeless ? "" : ",\"nodes\":\"0\"");
		ok(parse_cfg("", "", l, NULL) == 0, "mode %s is parsed", m);
	}
	json_array_foreach(at("linux.memoryPolicy.flags"), i, e)
	{
		_cleanup_free_ char *l = xasprintf(
		    "\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"%s\"]}",
		    json_string_value(e));
		ok(parse_cfg("", "", l, NULL) == 0, "flag %s is parsed", json_string_value(e));
	}
	ok(!listed("linux.memoryPolicy.flags", "MPOL_F_NODE"), "no flag the spec lacks");
}

static void test_cgroup(void)
{
	struct cgroup cg;
	int r = cgroup_init(&cg, "/x", "x", true);
	if (r == 0)
		cgroup_fini(&cg);
	bool refused = r < 0 && strstr(err_msg(), "not supported");
	ok(json_is_true(at("linux.cgroup.systemd")) == !refused,
	   "cgroup.systemd matches what --systemd-cgroup does");
	ok(json_is_true(at("linux.cgroup.v1")), "cgroup v1 is supported");
}

int main(void)
{
	const struct features_opts o = {.checkpoint = false};
	_cleanup_free_ char *text = features_json(&o);
	json_error_t je;
	doc = text ? json_loads(text, 0, &je) : NULL;
	if (!ok(doc != NULL, "the document is valid JSON")) {
		diag("%s", text ? je.text : err_msg());
		return done_testing();
	}
	ok(text[strlen(text) - 1] == '\n', "the document ends with a newline");
	test_shape();
	test_versions();
	test_hooks();
	test_namespaces();
	test_capabilities();
	test_mount_options();
	test_seccomp();
	test_enabled();
	test_memory_policy();
	test_cgroup();
	json_decref(doc);
	return done_testing();
}
