/* SPDX-License-Identifier: Apache-2.0 */
/* `corun features`: the runtime-spec features document, built from the
 * parser's and the runtime's own tables (see features.h). */
#include "oci_features.h"

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "cgroup.h"
#include "config.h"
#include "json.h"
#include "mount_opts.h"
#include "seccomp_filter.h"
#include "spec.h"

/* The oldest config.json version corun takes; ociVersionMax is the spec
 * version corun implements. */
#define OCI_VERSION_MIN "1.0.0"

/* Names collected from one table; large enough for any of them (the
 * biggest, mount options, has about 40). */
struct names {
	const char *v[128];
	size_t n;
};

static void add(struct names *l, const char *s)
{
	if (s && l->n < ARRAY_SIZE(l->v))
		l->v[l->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* runc prints most lists sorted; capabilities and hooks keep their
 * natural (number, lifecycle) order. */
static json_t *to_array(struct names *l, bool sort)
{
	if (sort)
		qsort(l->v, l->n, sizeof(l->v[0]), cmp_str);
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *enabled(bool on)
{
	return json_pack("{s:b}", "enabled", on);
}

static json_t *hooks(void)
{
	struct names l = {0};
	for (int k = 0; k < HOOK__COUNT; k++)
		add(&l, hook_kind_name(k));
	return to_array(&l, false);
}

static json_t *mount_options(void)
{
	struct names l = {0};
	for (size_t i = 0; mount_opt_name(i); i++)
		add(&l, mount_opt_name(i));
	return to_array(&l, true);
}

static json_t *namespaces(void)
{
	struct names l = {0};
	for (int t = 0; t < NS__COUNT; t++)
		add(&l, ns_type_name(t));
	return to_array(&l, true);
}

static json_t *capabilities(void)
{
	struct names l = {0};
	/* the parser keeps capabilities in a 64-bit set */
	for (int c = 0; c < 64 && cap_name(c); c++)
		add(&l, cap_name(c));
	return to_array(&l, false);
}

static json_t *cgroup(void)
{
	const struct cgroup_support *c = &cgroup_support;
	return json_pack("{s:b, s:b, s:b, s:b, s:b}", "v1", c->v1, "v2", c->v2, "systemd",
			 c->systemd, "systemdUser", c->systemd_user, "rdma", c->rdma);
}

static json_t *seccomp(void)
{
	struct names act = {0}, op = {0}, arch = {0}, known = {0}, supported = {0};
	for (int a = 0; a < SC_ACT__COUNT; a++)
		add(&act, sc_action_name(a));
	for (int c = 0; c < SC_CMP__COUNT; c++)
		add(&op, sc_cmp_name(c));
	/* the parser knows the spec's list; a filter needs libseccomp too */
	for (size_t i = 0; sc_arch_name(i); i++)
		if (seccomp_arch_supported(sc_arch_name(i)))
			add(&arch, sc_arch_name(i));
	uint32_t bit;
	for (size_t i = 0; sc_flag_name(i, &bit); i++) {
		add(&known, sc_flag_name(i, &bit));
		if (seccomp_flag_supported(bit))
			add(&supported, sc_flag_name(i, &bit));
	}
	return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "enabled", true, "actions",
			 to_array(&act, true), "operators", to_array(&op, true), "archs",
			 to_array(&arch, true), "knownFlags", to_array(&known, true),
			 "supportedFlags", to_array(&supported, true));
}

/* the parser's tables, in the spec's order */
static json_t *memory_policy(void)
{
	struct names modes = {0}, flags = {0};
	for (size_t i = 0; mpol_mode_name(i); i++)
		add(&modes, mpol_mode_name(i));
	for (size_t i = 0; mpol_flag_name(i); i++)
		add(&flags, mpol_flag_name(i));
	return json_pack("{s:o, s:o}", "modes", to_array(&modes, false), "flags",
			 to_array(&flags, false));
}

static json_t *linux_features(void)
{
	bool idmap = spec_key_supported("mounts[].uidMappings") &&
		     spec_key_supported("mounts[].gidMappings");
	json_t *o = json_pack(
	    "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:o}, s:o}", "namespaces", namespaces(),
	    "capabilities", capabilities(), "cgroup", cgroup(), "seccomp", seccomp(), "apparmor",
	    enabled(spec_key_supported("process.apparmorProfile")), "selinux",
	    enabled(spec_key_supported("process.selinuxLabel")), "intelRdt",
	    enabled(spec_key_supported("linux.intelRdt")), "mountExtensions", "idmap",
	    enabled(idmap), "netDevices", enabled(spec_key_supported("linux.netDevices")));
	/* memoryPolicy has no "enabled": absent says "not supported" */
	if (o && spec_key_supported("linux.memoryPolicy"))
		json_object_set_new(o, "memoryPolicy", memory_policy());
	return o;
}

static json_t *annotations(const struct features_opts *o)
{
	const struct scmp_version *v = seccomp_version();
	char lsv[48];
	snprintf(lsv, sizeof(lsv), "%u.%u.%u", v->major, v->minor, v->micro);
	/* keys in sorted order, as runc prints its own */
	return json_pack("{s:s, s:s, s:s, s:s}", "io.github.corun.checkpoint.enabled",
			 o->checkpoint ? "true" : "false", "io.github.corun.commit", CORUN_COMMIT,
			 "io.github.corun.libseccomp.version", lsv, "io.github.corun.version",
			 CORUN_VERSION);
}

char *features_json(const struct features_opts *o)
{
	/* no annotation of config.json changes what corun does: nothing to
	 * list as potentially unsafe */
	json_t *root =
	    json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:[]}", "ociVersionMin", OCI_VERSION_MIN,
		      "ociVersionMax", CORUN_SPEC_VERSION, "hooks", hooks(), "mountOptions",
		      mount_options(), "linux", linux_features(), "annotations", annotations(o),
		      "potentiallyUnsafeConfigAnnotations");
	if (!root) {
		err_set(0, "features: cannot build the document");
		return NULL;
	}
	char *text = json_dumps(root, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text) {
		err_set(0, "features: cannot serialize the document");
		return NULL;
	}
	char *out = xasprintf("%s\n", text);
	free(text);
	return out;
}
