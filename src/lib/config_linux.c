/* SPDX-License-Identifier: Apache-2.0 */
/* config.json "linux" section -> struct spec_linux. */
#include <sched.h>
#include <string.h>
#include <sys/mount.h>

#include "config_internal.h"

#define P(buf, parent, key) jpath(buf, sizeof(buf), parent, key)

static const struct {
	const char *spec, *proc;
	int flag;
} ns_table[NS__COUNT] = {
	[NS_USER] = {"user", "user", CLONE_NEWUSER},
	[NS_MNT] = {"mount", "mnt", CLONE_NEWNS},
	[NS_PID] = {"pid", "pid", CLONE_NEWPID},
	[NS_NET] = {"network", "net", CLONE_NEWNET},
	[NS_IPC] = {"ipc", "ipc", CLONE_NEWIPC},
	[NS_UTS] = {"uts", "uts", CLONE_NEWUTS},
	[NS_CGROUP] = {"cgroup", "cgroup", CLONE_NEWCGROUP},
	[NS_TIME] = {"time", "time", CLONE_NEWTIME},
};

const char *ns_type_name(enum ns_type t)
{
	return ns_table[t].spec;
}

const char *ns_proc_name(enum ns_type t)
{
	return ns_table[t].proc;
}

int ns_clone_flag(enum ns_type t)
{
	return ns_table[t].flag;
}

static int parse_namespaces(struct spec *s, json_t *arr)
{
	char p[512];
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *e = json_array_get(arr, i);
		char *type = NULL, *path = NULL;
		jpath_idx(p, sizeof(p), "linux.namespaces", i);
		if (!json_is_object(e))
			return err_set(0, "%s: must be an object", p);
		if (jget_str(e, "type", p, true, &s->arena, &type) < 0 ||
		    jget_str(e, "path", p, false, &s->arena, &path) < 0)
			return -1;
		int t = 0;
		while (t < NS__COUNT && strcmp(ns_table[t].spec, type) != 0)
			t++;
		if (t == NS__COUNT)
			return err_set(0, "%s.type: unknown namespace \"%s\"", p, type);
		struct spec_namespace *n = &s->linux.ns[t];
		if (n->present)
			return err_set(0, "%s.type: duplicate namespace \"%s\"", p, type);
		if (path && *path && path[0] != '/')
			return err_set(0, "%s.path: must be an absolute path", p);
		n->present = true;
		n->path = path && *path ? path : NULL;
	}
	return 0;
}

static int parse_idmaps(struct spec *s, json_t *arr, const char *path, struct spec_idmap **out,
			size_t *n)
{
	char p[512];
	size_t len = json_array_size(arr);
	*out = arena_alloc(&s->arena, len * sizeof(**out));
	for (size_t i = 0; i < len; i++) {
		json_t *e = json_array_get(arr, i);
		int64_t c, h, z;
		jpath_idx(p, sizeof(p), path, i);
		if (!json_is_object(e))
			return err_set(0, "%s: must be an object", p);
		if (jget_int(e, "containerID", p, true, 0, UINT32_MAX, &c) < 0 ||
		    jget_int(e, "hostID", p, true, 0, UINT32_MAX, &h) < 0 ||
		    jget_int(e, "size", p, true, 1, UINT32_MAX, &z) < 0)
			return -1;
		(*out)[i] = (struct spec_idmap){(uint32_t)c, (uint32_t)h, (uint32_t)z};
	}
	*n = len;
	return 0;
}

static int parse_devices(struct spec *s, json_t *arr)
{
	char p[512];
	size_t n = json_array_size(arr);
	s->linux.devices = arena_alloc(&s->arena, n * sizeof(struct spec_device));
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		struct spec_device *d = &s->linux.devices[i];
		char *type = NULL;
		int64_t v = -1;
		jpath_idx(p, sizeof(p), "linux.devices", i);
		if (!json_is_object(e))
			return err_set(0, "%s: must be an object", p);
		if (jget_str(e, "path", p, true, &s->arena, &d->path) < 0 ||
		    jget_str(e, "type", p, true, &s->arena, &type) < 0)
			return -1;
		if (d->path[0] != '/')
			return err_set(0, "%s.path: must be an absolute path", p);
		d->path = clean_abs_path(&s->arena, d->path);
		if (strlen(type) != 1 || !strchr("cbup", type[0]))
			return err_set(0, "%s.type: must be one of c, b, u, p (got \"%s\")", p, type);
		d->type = type[0];
		bool need_nums = d->type != 'p';
		if (jget_int(e, "major", p, need_nums, 0, INT32_MAX, &d->major) < 0 ||
		    jget_int(e, "minor", p, need_nums, 0, INT32_MAX, &d->minor) < 0 ||
		    jget_int(e, "fileMode", p, false, 0, 07777, &v) < 0)
			return -1;
		if (v >= 0) {
			d->has_file_mode = true;
			d->file_mode = (mode_t)v;
		}
		if (json_object_get(e, "uid")) {
			if (jget_int(e, "uid", p, true, 0, UINT32_MAX, &v) < 0)
				return -1;
			d->has_uid = true;
			d->uid = (uint32_t)v;
		}
		if (json_object_get(e, "gid")) {
			if (jget_int(e, "gid", p, true, 0, UINT32_MAX, &v) < 0)
				return -1;
			d->has_gid = true;
			d->gid = (uint32_t)v;
		}
	}
	s->linux.n_devices = n;
	return 0;
}

static int parse_devrule(struct spec *s, json_t *e, const char *p, struct spec_devrule *r)
{
	char *type = NULL, *access = NULL;
	r->major = r->minor = -1;
	r->type = 'a';
	if (!json_is_object(e))
		return err_set(0, "%s: must be an object", p);
	if (!json_is_boolean(json_object_get(e, "allow")))
		return err_set(0, "%s.allow: required boolean", p);
	r->allow = json_is_true(json_object_get(e, "allow"));
	if (jget_str(e, "type", p, false, &s->arena, &type) < 0 ||
	    jget_str(e, "access", p, false, &s->arena, &access) < 0 ||
	    jget_int(e, "major", p, false, -1, INT32_MAX, &r->major) < 0 ||
	    jget_int(e, "minor", p, false, -1, INT32_MAX, &r->minor) < 0)
		return -1;
	if (type) {
		if (strlen(type) != 1 || !strchr("acb", type[0]))
			return err_set(0, "%s.type: must be one of a, c, b (got \"%s\")", p, type);
		r->type = type[0];
	}
	const char *acc = access && *access ? access : "rwm";
	if (strlen(acc) > 3 || strspn(acc, "rwm") != strlen(acc))
		return err_set(0, "%s.access: must be a combination of r, w, m (got \"%s\")", p, acc);
	strcpy(r->access, acc);
	return 0;
}

static const char *const resources_unsupported[] = {
	"memory", "cpu", "pids", "blockIO", "hugepageLimits", "network", "rdma", "unified", NULL};

static int parse_resources(struct spec *s, json_t *o)
{
	json_t *arr = NULL;
	char p[512];
	if (reject_unsupported(o, "linux.resources", resources_unsupported) < 0 ||
	    jget_arr(o, "devices", "linux.resources", false, &arr) < 0)
		return -1;
	size_t n = json_array_size(arr);
	s->linux.dev_rules = arena_alloc(&s->arena, n * sizeof(struct spec_devrule));
	for (size_t i = 0; i < n; i++)
		if (parse_devrule(s, json_array_get(arr, i),
				  jpath_idx(p, sizeof(p), "linux.resources.devices", i),
				  &s->linux.dev_rules[i]) < 0)
			return -1;
	s->linux.n_dev_rules = n;
	return 0;
}

static int parse_propagation(struct spec *s, json_t *o)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} props[] = {
		{"private", MS_PRIVATE},   {"rprivate", MS_PRIVATE | MS_REC},
		{"slave", MS_SLAVE},       {"rslave", MS_SLAVE | MS_REC},
		{"shared", MS_SHARED},     {"rshared", MS_SHARED | MS_REC},
		{"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
	};
	char *v = NULL;
	if (jget_str(o, "rootfsPropagation", "linux", false, &s->arena, &v) < 0)
		return -1;
	if (!v || !*v)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(props); i++)
		if (strcmp(props[i].name, v) == 0) {
			s->linux.rootfs_propagation = props[i].flags;
			return 0;
		}
	return err_set(0, "linux.rootfsPropagation: unknown propagation \"%s\"", v);
}

static int check_userns(const struct spec *s)
{
	const struct spec_linux *l = &s->linux;
	bool userns = l->ns[NS_USER].present;
	if (!userns && (l->n_uid_mappings || l->n_gid_mappings))
		return err_set(0, "linux.uidMappings: user namespace not enabled in config");
	if (userns && !l->ns[NS_USER].path && (!l->n_uid_mappings || !l->n_gid_mappings))
		return err_set(0, "linux.uidMappings: a new user namespace needs uid and gid mappings");
	return 0;
}

static const char *const linux_unsupported[] = {
	"seccomp",  "intelRdt",  "personality", "timeOffsets", "netDevices",
	"memoryPolicy", NULL};

static int parse_linux_lists(struct spec *s, json_t *o)
{
	json_t *arr = NULL, *sys = NULL;
	char **dummy = NULL;
	const char *lp = "linux";
	if (jget_strv(o, "maskedPaths", lp, false, &s->arena, &s->linux.masked_paths, NULL) < 0 ||
	    jget_strv(o, "readonlyPaths", lp, false, &s->arena, &s->linux.readonly_paths, NULL) < 0)
		return -1;
	char **lists[] = {s->linux.masked_paths, s->linux.readonly_paths};
	const char *names[] = {"linux.maskedPaths", "linux.readonlyPaths"};
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; lists[l] && lists[l][i]; i++)
			if (lists[l][i][0] != '/')
				return err_set(0, "%s[%zu]: must be an absolute path", names[l], i);
	(void)dummy;
	if (jget_arr(o, "devices", lp, false, &arr) < 0 || (arr && parse_devices(s, arr) < 0))
		return -1;
	if (jget_obj(o, "sysctl", lp, false, &sys) < 0 ||
	    (sys && parse_kv_object(s, sys, "linux.sysctl", &s->linux.sysctl, &s->linux.n_sysctl) < 0))
		return -1;
	return 0;
}

int parse_linux(struct spec *s, json_t *root)
{
	json_t *o = NULL, *arr = NULL, *res = NULL;
	char p[512];
	if (jget_obj(root, "linux", "", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	if (reject_unsupported(o, "linux", linux_unsupported) < 0 ||
	    jget_arr(o, "namespaces", "linux", false, &arr) < 0 ||
	    (arr && parse_namespaces(s, arr) < 0))
		return -1;
	arr = NULL;
	if (jget_arr(o, "uidMappings", "linux", false, &arr) < 0 ||
	    (arr && parse_idmaps(s, arr, P(p, "linux", "uidMappings"), &s->linux.uid_mappings,
				 &s->linux.n_uid_mappings) < 0))
		return -1;
	arr = NULL;
	if (jget_arr(o, "gidMappings", "linux", false, &arr) < 0 ||
	    (arr && parse_idmaps(s, arr, P(p, "linux", "gidMappings"), &s->linux.gid_mappings,
				 &s->linux.n_gid_mappings) < 0))
		return -1;
	if (check_userns(s) < 0 ||
	    jget_str(o, "cgroupsPath", "linux", false, &s->arena, &s->linux.cgroups_path) < 0 ||
	    jget_str(o, "mountLabel", "linux", false, &s->arena, &s->linux.mount_label) < 0 ||
	    jget_obj(o, "resources", "linux", false, &res) < 0 ||
	    (res && parse_resources(s, res) < 0) || parse_propagation(s, o) < 0 ||
	    parse_linux_lists(s, o) < 0)
		return -1;
	if (s->linux.cgroups_path && !*s->linux.cgroups_path)
		s->linux.cgroups_path = NULL;
	if (s->linux.mount_label && *s->linux.mount_label)
		return err_set(0, "linux.mountLabel: not supported yet (SELinux)");
	return 0;
}
