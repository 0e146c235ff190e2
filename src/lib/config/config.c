/* SPDX-License-Identifier: Apache-2.0 */
/* config.json -> struct spec: the top level, process, mounts and hooks.
 * linux.* is parsed in config_linux.c. Every error names the JSON path.
 * Unknown keys are ignored (newer spec versions add them), but keys the
 * spec defines and corun does not implement are refused when set, so a
 * container never runs with less confinement than its config asks for. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "config_internal.h"
#include "mount_opts.h"
#include "spec_names.h"

#define P(buf, parent, key) jpath(buf, sizeof(buf), parent, key)

/* 16 MiB: far above any real config, low enough to bound memory use */
#define CONFIG_MAX (16u << 20)

/* ---- process ---- */

void spec_caps_note_unknown(struct spec *s, struct spec_caps *c, const char *name)
{
	char **list = &c->unknown;
	size_t len = strlen(name);
	for (const char *p = *list; p && *p;) {
		size_t n = strcspn(p, " ");
		if (n == len && !strncmp(p, name, n))
			return;
		p += n + (p[n] == ' ');
	}
	size_t old = *list ? strlen(*list) : 0;
	char *v = arena_alloc(&s->arena, old + len + 2);
	if (old) {
		memcpy(v, *list, old);
		v[old++] = ' ';
	}
	memcpy(v + old, name, len + 1);
	*list = v;
}

static int parse_caps(json_t *o, const char *path, struct spec *s, struct spec_caps *c)
{
	static const char *const sets[] = {"bounding", "effective", "inheritable", "permitted",
					   "ambient"};
	uint64_t *dst[] = {&c->bounding, &c->effective, &c->inheritable, &c->permitted,
			   &c->ambient};
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		char **v = NULL;
		size_t n = 0;
		if (jget_strv(o, sets[i], path, false, &s->arena, &v, &n) < 0)
			return -1;
		for (size_t j = 0; j < n; j++) {
			int cap = cap_from_name(v[j]);
			if (cap < 0 || cap > 63)
				spec_caps_note_unknown(s, c, v[j]);
			else
				*dst[i] |= 1ULL << cap;
		}
	}
	return 0;
}

static int parse_rlimit(json_t *e, const char *p, struct spec *s, struct spec_rlimit *r)
{
	char *type = NULL;
	if (jval_obj(e, p) < 0 || jget_str(e, "type", p, true, &s->arena, &type) < 0 ||
	    jget_u64(e, "soft", p, true, &r->soft) < 0 ||
	    jget_u64(e, "hard", p, true, &r->hard) < 0)
		return -1;
	if ((r->resource = rlimit_from_name(type)) < 0)
		return err_set(0, "%s.type: unknown rlimit \"%s\"", p, type);
	if (r->soft > r->hard)
		return err_set(0, "%s: soft limit %llu is above the hard limit %llu", p,
			       (unsigned long long)r->soft, (unsigned long long)r->hard);
	return 0;
}

static int parse_rlimits(json_t *arr, struct spec *s, struct spec_process *pr)
{
	char p[JPATH_MAX];
	json_t *e;
	pr->rlimits = arena_alloc(&s->arena, json_array_size(arr) * sizeof(*pr->rlimits));
	JARR_EACH(arr, "process.rlimits", p, i, e)
	{
		if (parse_rlimit(e, p, s, &pr->rlimits[i]) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (pr->rlimits[j].resource == pr->rlimits[i].resource)
				return err_set(0, "%s.type: duplicate rlimit \"%s\"", p,
					       json_string_value(json_object_get(e, "type")));
	}
	pr->n_rlimits = json_array_size(arr);
	return 0;
}

static int parse_user(json_t *o, struct spec *s, struct spec_user *u)
{
	const char *path = "process.user";
	json_t *gids = NULL, *g;
	char p[JPATH_MAX];
	int64_t v = -1;
	/* username is for Windows and informational elsewhere: ignored */
	if (jget_u32(o, "uid", path, true, &u->uid, NULL) < 0 ||
	    jget_u32(o, "gid", path, true, &u->gid, NULL) < 0 ||
	    jget_int(o, "umask", path, false, 0, 0777, &v) < 0 ||
	    jget_arr(o, "additionalGids", path, false, &gids) < 0)
		return -1;
	if (v >= 0) {
		u->has_umask = true;
		u->umask = (mode_t)v;
	}
	u->additional_gids = arena_alloc(&s->arena, json_array_size(gids) * sizeof(uint32_t));
	JARR_EACH(gids, "process.user.additionalGids", p, i, g)
	{
		if (jval_int(g, p, 0, UINT32_MAX, &v) < 0)
			return -1;
		u->additional_gids[i] = (uint32_t)v;
	}
	u->n_additional_gids = json_array_size(gids);
	return 0;
}

static int parse_console(json_t *o, struct spec_process *pr)
{
	const char *path = "process.consoleSize";
	json_t *cs = NULL;
	int64_t h, w;
	if (jget_obj(o, "consoleSize", "process", false, &cs) < 0)
		return -1;
	if (!cs)
		return 0;
	/* struct winsize holds unsigned shorts */
	if (jget_int(cs, "height", path, true, 0, 65535, &h) < 0 ||
	    jget_int(cs, "width", path, true, 0, 65535, &w) < 0)
		return -1;
	pr->has_console_size = true;
	pr->console_height = (unsigned)h;
	pr->console_width = (unsigned)w;
	return 0;
}

static int parse_process_attrs(json_t *o, struct spec *s, struct spec_process *pr)
{
	const char *path = "process";
	json_t *caps = NULL, *rl = NULL;
	int64_t v = INT64_MIN;
	if (jget_bool(o, "terminal", path, &pr->terminal) < 0 ||
	    jget_bool(o, "noNewPrivileges", path, &pr->no_new_privileges) < 0 ||
	    parse_console(o, pr) < 0 || jget_obj(o, "capabilities", path, false, &caps) < 0 ||
	    jget_arr(o, "rlimits", path, false, &rl) < 0 ||
	    jget_int(o, "oomScoreAdj", path, false, -1000, 1000, &v) < 0 ||
	    parse_process_sched(o, s, pr) < 0)
		return -1;
	if (caps) {
		pr->has_caps = true;
		if (parse_caps(caps, "process.capabilities", s, &pr->caps) < 0)
			return -1;
	}
	if (rl && parse_rlimits(rl, s, pr) < 0)
		return -1;
	if (v != INT64_MIN) {
		pr->has_oom_score_adj = true;
		pr->oom_score_adj = (int)v;
	}
	return 0;
}

/* Every process field is implemented; the list stays for what comes next. */
static const char *const process_unsupported[] = {NULL};

int spec_env_check(char *const *env)
{
	for (; env && *env; env++) {
		const char *eq = strchr(*env, '=');
		if (!eq)
			return err_set(0, "invalid environment variable: \"%s\"", *env);
		if (eq == *env)
			return err_set(0, "environment variable name can't be empty: \"%s\"", *env);
	}
	return 0;
}

static int parse_process_obj(json_t *o, struct spec *s, struct spec_process *pr)
{
	json_t *user = NULL;
	if (reject_unsupported(o, "process", process_unsupported) < 0 ||
	    jget_strv(o, "args", "process", true, &s->arena, &pr->args, NULL) < 0 ||
	    jget_str(o, "apparmorProfile", "process", false, &s->arena, &pr->apparmor_profile) <
		0 ||
	    jget_str(o, "selinuxLabel", "process", false, &s->arena, &pr->selinux_label) < 0)
		return -1;
	if (!pr->args[0])
		return err_set(0, "process.args: must not be empty");
	if (jget_str(o, "cwd", "process", true, &s->arena, &pr->cwd) < 0 ||
	    check_abs(pr->cwd, "process.cwd") < 0 ||
	    jget_strv(o, "env", "process", false, &s->arena, &pr->env, NULL) < 0 ||
	    spec_env_check(pr->env) < 0 || jget_obj(o, "user", "process", false, &user) < 0 ||
	    (user && parse_user(user, s, &pr->user) < 0) || parse_process_attrs(o, s, pr) < 0)
		return -1;
	if (!pr->env)
		pr->env = arena_alloc(&s->arena, sizeof(char *));
	return 0;
}

static int parse_process(json_t *root, struct spec *s)
{
	json_t *o = NULL;
	if (jget_obj(root, "process", "", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	s->process = arena_alloc(&s->arena, sizeof(*s->process));
	return parse_process_obj(o, s, s->process);
}

int spec_parse_process(const char *text, size_t len, struct spec *s, struct spec_process **out,
		       char **apparmor, char **selinux)
{
	json_t *o = jparse(text, len, "process.json");
	if (!o)
		return -1;
	struct spec_process *pr = arena_alloc(&s->arena, sizeof(*pr));
	int rc = -1;
	*apparmor = *selinux = NULL;
	if (!json_is_object(o))
		err_set(0, "process.json: must be a JSON object");
	else
		rc = parse_process_obj(o, s, pr);
	json_decref(o);
	if (rc == 0) {
		*out = pr;
		*apparmor = pr->apparmor_profile;
		*selinux = pr->selinux_label;
	}
	return rc;
}

/* ---- mounts ---- */

/* every mount key is implemented now; kept for spec_key_supported */
static const char *const mount_unsupported[] = {NULL};

/* Mount idmappings: both or neither (config.md). */
static int parse_mount_idmaps(json_t *e, const char *p, struct spec *s, struct spec_mount *m)
{
	json_t *um = NULL, *gm = NULL;
	char q[JPATH_MAX];
	if (jget_arr(e, "uidMappings", p, false, &um) < 0 ||
	    jget_arr(e, "gidMappings", p, false, &gm) < 0)
		return -1;
	if (!um != !gm)
		return err_set(0, "%s: uidMappings and gidMappings go together", p);
	if (!um)
		return 0;
	if (parse_idmaps(um, P(q, p, "uidMappings"), s, &m->uid_mappings, &m->n_uid_mappings) < 0 ||
	    parse_idmaps(gm, P(q, p, "gidMappings"), s, &m->gid_mappings, &m->n_gid_mappings) < 0)
		return -1;
	if (!m->n_uid_mappings || !m->n_gid_mappings)
		return err_set(0, "%s: uidMappings and gidMappings must not be empty", p);
	return 0;
}

/* The options, parsed here once for every later step (spec_mount.opts);
 * a bad one is a config error naming it. */
static int parse_mount_opts(json_t *e, const char *p, struct spec *s, struct spec_mount *m)
{
	char **v = NULL, q[JPATH_MAX], r[JPATH_MAX];
	size_t n = 0, bad = 0;
	if (jget_strv(e, "options", p, false, &s->arena, &v, &n) < 0)
		return -1;
	if (mount_opts_parse(v, n, &m->opts, &bad) < 0)
		return err_prefix("%s", jpath_idx(r, sizeof(r), P(q, p, "options"), bad));
	if (m->opts.data) {
		char *d = arena_strdup(&s->arena, m->opts.data);
		mount_opts_free(&m->opts);
		m->opts.data = d;
	}
	return 0;
}

static int parse_mount(json_t *e, const char *p, struct spec *s, struct spec_mount *m)
{
	char *dest = NULL;
	char q[JPATH_MAX];
	if (jval_obj(e, p) < 0 || parse_mount_idmaps(e, p, s, m) < 0 ||
	    jget_str(e, "destination", p, true, &s->arena, &dest) < 0 ||
	    jget_str(e, "type", p, false, &s->arena, &m->type) < 0 ||
	    jget_str(e, "source", p, false, &s->arena, &m->source) < 0 ||
	    parse_mount_opts(e, p, s, m) < 0)
		return -1;
	if (!*dest)
		return err_set(0, "%s: must not be empty", P(q, p, "destination"));
	/* runtime-spec 1.2: a relative destination is relative to "/" */
	m->destination = clean_abs_path(&s->arena, dest);
	if (!m->destination)
		return err_set(0, "%s \"%s\": escapes the rootfs", P(q, p, "destination"), dest);
	return 0;
}

static int parse_mounts(json_t *root, struct spec *s)
{
	json_t *arr = NULL, *e;
	char p[JPATH_MAX];
	if (jget_arr(root, "mounts", "", false, &arr) < 0)
		return -1;
	s->mounts = arena_alloc(&s->arena, json_array_size(arr) * sizeof(*s->mounts));
	JARR_EACH(arr, "mounts", p, i, e)
	{
		if (parse_mount(e, p, s, &s->mounts[i]) < 0)
			return -1;
	}
	s->n_mounts = json_array_size(arr);
	return 0;
}

/* ---- hooks ---- */

static int parse_hook(json_t *e, const char *p, struct spec *s, struct spec_hook *h)
{
	char q[JPATH_MAX];
	int64_t t = 0;
	if (jval_obj(e, p) < 0 || jget_str(e, "path", p, true, &s->arena, &h->path) < 0 ||
	    check_abs(h->path, P(q, p, "path")) < 0 ||
	    jget_strv(e, "args", p, false, &s->arena, &h->args, NULL) < 0 ||
	    jget_strv(e, "env", p, false, &s->arena, &h->env, NULL) < 0 ||
	    jget_int(e, "timeout", p, false, INT64_MIN, INT64_MAX, &t) < 0)
		return -1;
	if (json_object_get(e, "timeout") && !json_is_null(json_object_get(e, "timeout")) &&
	    (t <= 0 || t > INT32_MAX))
		return err_set(0, "%s: must be a positive number of seconds", P(q, p, "timeout"));
	h->timeout = (int)t;
	return 0;
}

static int parse_hooks(json_t *root, struct spec *s)
{
	json_t *o = NULL, *arr, *e;
	char p[JPATH_MAX], q[JPATH_MAX];
	if (jget_obj(root, "hooks", "", false, &o) < 0)
		return -1;
	for (int k = 0; o && k < HOOK__COUNT; k++) {
		arr = NULL;
		if (jget_arr(o, hook_kind_name(k), "hooks", false, &arr) < 0)
			return -1;
		struct spec_hook *h = arena_alloc(&s->arena, json_array_size(arr) * sizeof(*h));
		P(p, "hooks", hook_kind_name(k));
		JARR_EACH(arr, p, q, i, e)
		{
			if (parse_hook(e, q, s, &h[i]) < 0)
				return -1;
		}
		s->hooks.list[k] = h;
		s->hooks.count[k] = json_array_size(arr);
	}
	return 0;
}

/* ---- top level ---- */

static const char *const other_platforms[] = {"windows", "solaris", "vm", "zos", "freebsd", NULL};

static int parse_top(json_t *root, struct spec *s)
{
	json_t *r = NULL, *ann = NULL;
	for (size_t i = 0; other_platforms[i]; i++)
		if (jpresent(root, other_platforms[i]))
			return err_set(0, "%s: not supported on Linux", other_platforms[i]);
	if (jget_str(root, "ociVersion", "", true, &s->arena, &s->oci_version) < 0)
		return -1;
	if (!*s->oci_version)
		return err_set(0, "ociVersion: must not be empty");
	if (jget_obj(root, "root", "", true, &r) < 0 ||
	    jget_str(r, "path", "root", true, &s->arena, &s->root_path) < 0 ||
	    jget_bool(r, "readonly", "root", &s->root_readonly) < 0)
		return -1;
	if (!*s->root_path)
		return err_set(0, "root.path: must not be empty");
	if (jget_str(root, "hostname", "", false, &s->arena, &s->hostname) < 0 ||
	    jget_str(root, "domainname", "", false, &s->arena, &s->domainname) < 0 ||
	    jget_obj(root, "annotations", "", false, &ann) < 0)
		return -1;
	if (ann && parse_kv_object(s, ann, "annotations", &s->annotations, &s->n_annotations) < 0)
		return -1;
	return 0;
}

int spec_parse(const char *text, size_t len, struct spec **out)
{
	json_t *root = jparse(text, len, "config.json");
	if (!root)
		return -1;
	struct spec *s = xcalloc(1, sizeof(*s));
	int rc = -1;
	if (!json_is_object(root))
		err_set(0, "config.json: must be a JSON object");
	else if (parse_top(root, s) == 0 && parse_process(root, s) == 0 &&
		 parse_mounts(root, s) == 0 && parse_hooks(root, s) == 0 &&
		 parse_linux(s, root) == 0)
		rc = 0;
	json_decref(root);
	if (rc < 0) {
		spec_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

int spec_load(const char *bundle, struct spec **out, char **raw, size_t *raw_len)
{
	_cleanup_close_ int dfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return err_set(errno, "chdir %s", bundle); /* runc's wording */
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (read_regular_file_at(dfd, "config.json", CONFIG_MAX, false, &text, &len) < 0 ||
	    spec_parse(text, len, out) < 0)
		return -1;
	if (raw) {
		*raw = take_ptr(&text);
		if (raw_len)
			*raw_len = len;
	}
	return 0;
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	arena_free(&s->arena);
	free(s);
}

const char *hook_kind_name(enum hook_kind k)
{
	static const char *const names[HOOK__COUNT] = {
	    [HOOK_PRESTART] = "prestart",
	    [HOOK_CREATE_RUNTIME] = "createRuntime",
	    [HOOK_CREATE_CONTAINER] = "createContainer",
	    [HOOK_START_CONTAINER] = "startContainer",
	    [HOOK_POSTSTART] = "poststart",
	    [HOOK_POSTSTOP] = "poststop",
	};
	return (unsigned)k < HOOK__COUNT ? names[k] : "unknown";
}

/* Asks the very lists parse_process, parse_mount and parse_linux reject
 * with, so `corun features` cannot drift from what the parser accepts. */
bool spec_key_supported(const char *path)
{
	if (str_has_prefix(path, "process."))
		return !key_listed(process_unsupported, path + strlen("process."));
	if (str_has_prefix(path, "mounts[]."))
		return !key_listed(mount_unsupported, path + strlen("mounts[]."));
	if (str_has_prefix(path, "linux."))
		return linux_key_supported(path + strlen("linux."));
	return true;
}
