/* SPDX-License-Identifier: Apache-2.0 */
/* config.json -> struct spec: the top level, process, mounts and hooks.
 * linux.* is parsed in config_linux.c. Every error names the JSON path. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>

#include "caps.h"
#include "config_internal.h"
#include "procattr.h"

#define P(buf, parent, key) jpath(buf, sizeof(buf), parent, key)

int reject_unsupported(json_t *o, const char *path, const char *const *keys)
{
	char p[512];
	for (size_t i = 0; keys[i]; i++)
		if (jpresent(o, keys[i]))
			return err_set(0, "%s: not supported yet", P(p, path, keys[i]));
	return 0;
}

/* Lexical clean of an absolute path: no "//", ".", and ".." never above "/". */
char *clean_abs_path(struct arena *a, const char *in)
{
	size_t n = strlen(in);
	char *out = arena_alloc(a, n + 2);
	size_t o = 0;
	const char *s = in;
	while (*s) {
		while (*s == '/')
			s++;
		const char *e = s;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - s);
		if (len == 0 || (len == 1 && s[0] == '.')) {
			/* skip */
		} else if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, s, len);
			o += len;
		}
		s = e;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static int parse_caps(struct spec *s, json_t *o, const char *path, struct spec_caps *c)
{
	static const char *const sets[] = {"bounding", "effective", "inheritable", "permitted",
					   "ambient"};
	uint64_t *dst[] = {&c->bounding, &c->effective, &c->inheritable, &c->permitted,
			   &c->ambient};
	char p[512], q[600];
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		char **v = NULL;
		size_t n = 0;
		if (jget_strv(o, sets[i], path, false, &s->arena, &v, &n) < 0)
			return -1;
		for (size_t j = 0; j < n; j++) {
			int cap = cap_from_name(v[j]);
			if (cap < 0)
				return err_set(0, "%s: unknown capability \"%s\"",
					       jpath_idx(q, sizeof(q), P(p, path, sets[i]), j), v[j]);
			*dst[i] |= 1ULL << cap;
		}
	}
	return 0;
}

static int parse_rlimits(struct spec *s, json_t *arr, const char *path, struct spec_process *pr)
{
	char p[512];
	size_t n = json_array_size(arr);
	pr->rlimits = arena_alloc(&s->arena, n * sizeof(*pr->rlimits));
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		jpath_idx(p, sizeof(p), path, i);
		char *type = NULL;
		struct spec_rlimit *r = &pr->rlimits[i];
		if (!json_is_object(e))
			return err_set(0, "%s: must be an object", p);
		if (jget_str(e, "type", p, true, &s->arena, &type) < 0 ||
		    jget_u64(e, "soft", p, true, &r->soft) < 0 ||
		    jget_u64(e, "hard", p, true, &r->hard) < 0)
			return -1;
		if ((r->resource = rlimit_from_name(type)) < 0)
			return err_set(0, "%s.type: unknown rlimit \"%s\"", p, type);
		if (r->soft > r->hard)
			return err_set(0, "%s: soft limit %llu is above the hard limit %llu", p,
				       (unsigned long long)r->soft, (unsigned long long)r->hard);
		for (size_t j = 0; j < i; j++)
			if (pr->rlimits[j].resource == r->resource)
				return err_set(0, "%s.type: duplicate rlimit \"%s\"", p, type);
	}
	pr->n_rlimits = n;
	return 0;
}

static int parse_user(struct spec *s, json_t *o, const char *path, struct spec_user *u)
{
	int64_t v;
	json_t *gids = NULL;
	char p[512], q[600];
	if (jget_int(o, "uid", path, true, 0, UINT32_MAX, &v) < 0)
		return -1;
	u->uid = (uint32_t)v;
	if (jget_int(o, "gid", path, true, 0, UINT32_MAX, &v) < 0)
		return -1;
	u->gid = (uint32_t)v;
	v = -1;
	if (jget_int(o, "umask", path, false, 0, 0777, &v) < 0)
		return -1;
	if (v >= 0) {
		u->has_umask = true;
		u->umask = (mode_t)v;
	}
	if (jget_arr(o, "additionalGids", path, false, &gids) < 0)
		return -1;
	size_t n = json_array_size(gids);
	u->additional_gids = arena_alloc(&s->arena, n * sizeof(uint32_t));
	for (size_t i = 0; i < n; i++) {
		json_t *g = json_array_get(gids, i);
		if (!json_is_integer(g) || json_integer_value(g) < 0 ||
		    json_integer_value(g) > UINT32_MAX)
			return err_set(0, "%s: must be an integer from 0 to 4294967295",
				       jpath_idx(q, sizeof(q), P(p, path, "additionalGids"), i));
		u->additional_gids[i] = (uint32_t)json_integer_value(g);
	}
	u->n_additional_gids = n;
	return 0;
}

static const char *const process_unsupported[] = {
	"apparmorProfile", "selinuxLabel", "ioPriority", "scheduler", "execCPUAffinity", NULL};

static int parse_process_misc(struct spec *s, json_t *o, struct spec_process *pr)
{
	const char *path = "process";
	json_t *cs = NULL, *caps = NULL, *rl = NULL;
	int64_t v;
	if (jget_bool(o, "terminal", path, &pr->terminal) < 0 ||
	    jget_bool(o, "noNewPrivileges", path, &pr->no_new_privileges) < 0 ||
	    jget_obj(o, "consoleSize", path, false, &cs) < 0 ||
	    jget_obj(o, "capabilities", path, false, &caps) < 0 ||
	    jget_arr(o, "rlimits", path, false, &rl) < 0)
		return -1;
	if (cs) {
		int64_t h, w;
		if (jget_int(cs, "height", "process.consoleSize", true, 0, 65535, &h) < 0 ||
		    jget_int(cs, "width", "process.consoleSize", true, 0, 65535, &w) < 0)
			return -1;
		pr->has_console_size = true;
		pr->console_height = (unsigned)h;
		pr->console_width = (unsigned)w;
	}
	if (caps) {
		pr->has_caps = true;
		if (parse_caps(s, caps, "process.capabilities", &pr->caps) < 0)
			return -1;
	}
	if (rl && parse_rlimits(s, rl, "process.rlimits", pr) < 0)
		return -1;
	if (json_object_get(o, "oomScoreAdj")) {
		if (jget_int(o, "oomScoreAdj", path, true, -1000, 1000, &v) < 0)
			return -1;
		pr->has_oom_score_adj = true;
		pr->oom_score_adj = (int)v;
	}
	return 0;
}

static int parse_process(struct spec *s, json_t *root)
{
	json_t *o = NULL, *user = NULL;
	if (jget_obj(root, "process", "", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	struct spec_process *pr = s->process = arena_alloc(&s->arena, sizeof(*pr));
	if (reject_unsupported(o, "process", process_unsupported) < 0 ||
	    jget_str(o, "cwd", "process", true, &s->arena, &pr->cwd) < 0 ||
	    jget_strv(o, "args", "process", false, &s->arena, &pr->args, NULL) < 0 ||
	    jget_strv(o, "env", "process", false, &s->arena, &pr->env, NULL) < 0 ||
	    jget_obj(o, "user", "process", true, &user) < 0 ||
	    parse_user(s, user, "process.user", &pr->user) < 0 || parse_process_misc(s, o, pr) < 0)
		return -1;
	if (pr->cwd[0] != '/')
		return err_set(0, "process.cwd: must be an absolute path (got \"%s\")", pr->cwd);
	if (!pr->args || !pr->args[0])
		return err_set(0, "process.args: must not be empty");
	if (!pr->env)
		pr->env = arena_alloc(&s->arena, sizeof(char *));
	return 0;
}

static const char *const mount_unsupported[] = {"uidMappings", "gidMappings", NULL};

static int parse_mounts(struct spec *s, json_t *root)
{
	json_t *arr = NULL;
	char p[512];
	if (jget_arr(root, "mounts", "", false, &arr) < 0)
		return -1;
	size_t n = json_array_size(arr);
	s->mounts = arena_alloc(&s->arena, n * sizeof(*s->mounts));
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		struct spec_mount *m = &s->mounts[i];
		char *dest = NULL;
		jpath_idx(p, sizeof(p), "mounts", i);
		if (!json_is_object(e))
			return err_set(0, "%s: must be an object", p);
		if (reject_unsupported(e, p, mount_unsupported) < 0 ||
		    jget_str(e, "destination", p, true, &s->arena, &dest) < 0 ||
		    jget_str(e, "type", p, false, &s->arena, &m->type) < 0 ||
		    jget_str(e, "source", p, false, &s->arena, &m->source) < 0 ||
		    jget_strv(e, "options", p, false, &s->arena, &m->options, &m->n_options) < 0)
			return -1;
		if (!*dest)
			return err_set(0, "%s.destination: must not be empty", p);
		/* runtime-spec 1.2: a relative destination is relative to "/" */
		m->destination = clean_abs_path(&s->arena, dest);
	}
	s->n_mounts = n;
	return 0;
}

static int parse_hook_list(struct spec *s, json_t *arr, const char *path, enum hook_kind k)
{
	char p[512];
	size_t n = json_array_size(arr);
	struct spec_hook *h = arena_alloc(&s->arena, n * sizeof(*h));
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		int64_t t = 0;
		jpath_idx(p, sizeof(p), path, i);
		if (!json_is_object(e))
			return err_set(0, "%s: must be an object", p);
		if (jget_str(e, "path", p, true, &s->arena, &h[i].path) < 0 ||
		    jget_strv(e, "args", p, false, &s->arena, &h[i].args, NULL) < 0 ||
		    jget_strv(e, "env", p, false, &s->arena, &h[i].env, NULL) < 0 ||
		    jget_int(e, "timeout", p, false, 1, INT32_MAX, &t) < 0)
			return -1;
		if (h[i].path[0] != '/')
			return err_set(0, "%s.path: must be an absolute path", p);
		h[i].timeout = (int)t;
	}
	s->hooks.list[k] = h;
	s->hooks.count[k] = n;
	return 0;
}

static int parse_hooks(struct spec *s, json_t *root)
{
	json_t *o = NULL;
	char p[512];
	if (jget_obj(root, "hooks", "", false, &o) < 0)
		return -1;
	for (int k = 0; o && k < HOOK__COUNT; k++) {
		json_t *arr = NULL;
		if (jget_arr(o, hook_kind_name(k), "hooks", false, &arr) < 0)
			return -1;
		if (arr && parse_hook_list(s, arr, P(p, "hooks", hook_kind_name(k)), k) < 0)
			return -1;
	}
	return 0;
}

int parse_kv_object(struct spec *s, json_t *o, const char *path, struct spec_kv **out,
		    size_t *n)
{
	const char *key;
	json_t *v;
	char p[512];
	size_t i = 0;
	*out = arena_alloc(&s->arena, json_object_size(o) * sizeof(**out));
	json_object_foreach (o, key, v) {
		snprintf(p, sizeof(p), "%s[\"%s\"]", path, key);
		(*out)[i].key = arena_strdup(&s->arena, key);
		if (jstr_value(v, p, &s->arena, &(*out)[i].value) < 0)
			return -1;
		i++;
	}
	*n = i;
	return 0;
}

static const char *const other_platforms[] = {"windows", "solaris", "vm", "zos", "freebsd", NULL};

static int parse_root(struct spec *s, json_t *root)
{
	json_t *r = NULL, *ann = NULL;
	char p[512];
	for (size_t i = 0; other_platforms[i]; i++)
		if (jpresent(root, other_platforms[i]))
			return err_set(0, "%s: not supported on Linux", other_platforms[i]);
	if (jget_str(root, "ociVersion", "", true, &s->arena, &s->oci_version) < 0 ||
	    jget_obj(root, "root", "", true, &r) < 0 ||
	    jget_str(r, "path", "root", true, &s->arena, &s->root_path) < 0 ||
	    jget_bool(r, "readonly", "root", &s->root_readonly) < 0 ||
	    jget_str(root, "hostname", "", false, &s->arena, &s->hostname) < 0 ||
	    jget_str(root, "domainname", "", false, &s->arena, &s->domainname) < 0 ||
	    jget_obj(root, "annotations", "", false, &ann) < 0)
		return -1;
	if (!*s->root_path)
		return err_set(0, "%s: must not be empty", P(p, "root", "path"));
	if (ann && parse_kv_object(s, ann, "annotations", &s->annotations, &s->n_annotations) < 0)
		return -1;
	return 0;
}

int spec_parse(const char *text, size_t len, struct spec **out)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!root)
		return err_set(0, "config.json: invalid JSON at line %d column %d: %s", je.line,
			       je.column, je.text);
	struct spec *s = xcalloc(1, sizeof(*s));
	int rc = -1;
	if (!json_is_object(root))
		err_set(0, "config.json: must be a JSON object");
	else if (parse_root(s, root) == 0 && parse_process(s, root) == 0 &&
		 parse_mounts(s, root) == 0 && parse_hooks(s, root) == 0 &&
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
		return err_set(errno, "bundle %s", bundle);
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (read_file_at(dfd, "config.json", 16 << 20, &text, &len) < 0)
		return -1;
	if (spec_parse(text, len, out) < 0)
		return -1;
	if (raw) {
		*raw = take_ptr(&text);
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
	static const char *const names[] = {"prestart",        "createRuntime", "createContainer",
					    "startContainer", "poststart",     "poststop"};
	return names[k];
}
