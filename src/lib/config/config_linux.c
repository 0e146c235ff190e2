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
	return (unsigned)t < NS__COUNT ? ns_table[t].spec : "unknown";
}

const char *ns_proc_name(enum ns_type t)
{
	return (unsigned)t < NS__COUNT ? ns_table[t].proc : "unknown";
}

int ns_clone_flag(enum ns_type t)
{
	return (unsigned)t < NS__COUNT ? ns_table[t].flag : 0;
}

static int parse_namespace(json_t *e, const char *p, struct spec *s)
{
	char *type = NULL, *path = NULL;
	char q[JPATH_MAX];
	if (jval_obj(e, p) < 0 || jget_str(e, "type", p, true, &s->arena, &type) < 0 ||
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
	if (path && *path && check_abs(path, P(q, p, "path")) < 0)
		return -1;
	n->present = true;
	n->path = path && *path ? path : NULL;
	return 0;
}

int parse_idmaps(json_t *arr, const char *path, struct spec *s, struct spec_idmap **out, size_t *n)
{
	char p[JPATH_MAX];
	json_t *e;
	if (json_array_size(arr) > ID_MAP_MAX)
		return err_set(0, "%s: %zu entries, more than the kernel's limit of %d", path,
			       json_array_size(arr), ID_MAP_MAX);
	*out = arena_alloc(&s->arena, json_array_size(arr) * sizeof(**out));
	JARR_EACH(arr, path, p, i, e)
	{
		struct spec_idmap *m = &(*out)[i];
		if (jval_obj(e, p) < 0 ||
		    jget_u32(e, "containerID", p, true, &m->container_id, NULL) < 0 ||
		    jget_u32(e, "hostID", p, true, &m->host_id, NULL) < 0 ||
		    jget_u32(e, "size", p, true, &m->size, NULL) < 0)
			return -1;
	}
	*n = json_array_size(arr);
	return 0;
}

static int parse_device(json_t *e, const char *p, struct spec *s, struct spec_device *d)
{
	char *type = NULL;
	char q[JPATH_MAX];
	int64_t v = -1;
	if (jval_obj(e, p) < 0 || jget_str(e, "path", p, true, &s->arena, &d->path) < 0 ||
	    check_abs(d->path, P(q, p, "path")) < 0 ||
	    jget_str(e, "type", p, true, &s->arena, &type) < 0)
		return -1;
	char *clean = clean_abs_path(&s->arena, d->path);
	if (!clean)
		return err_set(0, "%s \"%s\": escapes the rootfs", P(q, p, "path"), d->path);
	d->path = clean;
	if (strcmp(d->path, "/") == 0)
		return err_set(0, "%s: must not be \"/\"", P(q, p, "path"));
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return err_set(0, "%s.type: must be one of c, b, u, p (got \"%s\")", p, type);
	d->type = type[0];
	/* a fifo has no device numbers; the others need both */
	bool nums = d->type != 'p';
	if (jget_int(e, "major", p, nums, 0, UINT32_MAX, &d->major) < 0 ||
	    jget_int(e, "minor", p, nums, 0, UINT32_MAX, &d->minor) < 0 ||
	    jget_int(e, "fileMode", p, false, 0, UINT32_MAX, &v) < 0 ||
	    jget_u32(e, "uid", p, false, &d->uid, &d->has_uid) < 0 ||
	    jget_u32(e, "gid", p, false, &d->gid, &d->has_gid) < 0)
		return -1;
	if (v >= 0) {
		/* Engines (podman) write the whole st_mode, type bits included;
		 * as runc, only the permission bits count: the type is "type". */
		d->has_file_mode = true;
		d->file_mode = (mode_t)v & 07777;
	}
	return 0;
}

static int parse_devices(json_t *o, struct spec *s)
{
	json_t *arr = NULL, *e;
	char p[JPATH_MAX];
	if (jget_arr(o, "devices", "linux", false, &arr) < 0)
		return -1;
	s->linux.devices =
	    arena_alloc(&s->arena, json_array_size(arr) * sizeof(struct spec_device));
	JARR_EACH(arr, "linux.devices", p, i, e)
	{
		if (parse_device(e, p, s, &s->linux.devices[i]) < 0)
			return -1;
	}
	s->linux.n_devices = json_array_size(arr);
	return 0;
}

static int parse_propagation(json_t *o, struct spec *s)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} props[] = {
	    {"private", MS_PRIVATE},	   {"rprivate", MS_PRIVATE | MS_REC},
	    {"slave", MS_SLAVE},	   {"rslave", MS_SLAVE | MS_REC},
	    {"shared", MS_SHARED},	   {"rshared", MS_SHARED | MS_REC},
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

/* Mappings go with a new user namespace, and a new one needs them. */
static int parse_userns(json_t *o, struct spec *s)
{
	struct spec_linux *l = &s->linux;
	json_t *um = NULL, *gm = NULL;
	if (jget_arr(o, "uidMappings", "linux", false, &um) < 0 ||
	    (um &&
	     parse_idmaps(um, "linux.uidMappings", s, &l->uid_mappings, &l->n_uid_mappings) < 0) ||
	    jget_arr(o, "gidMappings", "linux", false, &gm) < 0 ||
	    (gm &&
	     parse_idmaps(gm, "linux.gidMappings", s, &l->gid_mappings, &l->n_gid_mappings) < 0))
		return -1;
	bool userns = l->ns[NS_USER].present;
	if (!userns && l->n_uid_mappings)
		return err_set(0, "linux.uidMappings: not allowed without a user namespace");
	if (!userns && l->n_gid_mappings)
		return err_set(0, "linux.gidMappings: not allowed without a user namespace");
	if (userns && !l->ns[NS_USER].path) {
		if (!l->n_uid_mappings)
			return err_set(0, "linux.uidMappings: required with a new user namespace");
		if (!l->n_gid_mappings)
			return err_set(0, "linux.gidMappings: required with a new user namespace");
	}
	return 0;
}

static int parse_path_list(json_t *o, const char *key, struct spec *s, char ***out)
{
	char p[JPATH_MAX], q[JPATH_MAX];
	if (jget_strv(o, key, "linux", false, &s->arena, out, NULL) < 0)
		return -1;
	P(p, "linux", key);
	for (size_t i = 0; *out && (*out)[i]; i++)
		if (check_abs((*out)[i], jpath_idx(q, sizeof(q), p, i)) < 0)
			return -1;
	return 0;
}

static int parse_sysctl(json_t *o, struct spec *s)
{
	json_t *sys = NULL;
	if (jget_obj(o, "sysctl", "linux", false, &sys) < 0)
		return -1;
	if (sys &&
	    parse_kv_object(s, sys, "linux.sysctl", &s->linux.sysctl, &s->linux.n_sysctl) < 0)
		return -1;
	return 0;
}

static int parse_time_offset(json_t *t, const char *clock, struct spec_time_offset *out)
{
	json_t *o = NULL;
	char p[JPATH_MAX];
	snprintf(p, sizeof(p), "linux.timeOffsets");
	if (jget_obj(t, clock, p, false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	snprintf(p, sizeof(p), "linux.timeOffsets.%s", clock);
	out->present = true;
	if (jget_int(o, "secs", p, false, INT64_MIN, INT64_MAX, &out->secs) < 0 ||
	    jget_u32(o, "nanosecs", p, false, &out->nanosecs, NULL) < 0)
		return -1;
	return 0;
}

static int parse_time_offsets(json_t *o, struct spec *s)
{
	json_t *t = NULL;
	const char *key;
	json_t *v;
	if (jget_obj(o, "timeOffsets", "linux", false, &t) < 0)
		return -1;
	if (!t)
		return 0;
	json_object_foreach(t, key, v)
	{
		if (strcmp(key, "boottime") && strcmp(key, "monotonic"))
			return err_set(
			    0, "linux.timeOffsets.%s: unknown clock (boottime, monotonic)", key);
	}
	if (parse_time_offset(t, "boottime", &s->linux.time_boottime) < 0 ||
	    parse_time_offset(t, "monotonic", &s->linux.time_monotonic) < 0)
		return -1;
	/* offsets can only be given to a namespace we create */
	if (!s->linux.ns[NS_TIME].present || s->linux.ns[NS_TIME].path)
		return err_set(0,
			       "linux.timeOffsets: needs a new time namespace in linux.namespaces");
	return 0;
}

/* keys of "linux" the spec defines that corun refuses: none left today */
static const char *const linux_unsupported[] = {NULL};

int parse_linux(struct spec *s, json_t *root)
{
	json_t *o = NULL, *arr = NULL, *e;
	char p[JPATH_MAX];
	if (jget_obj(root, "linux", "", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	if (reject_unsupported(o, "linux", linux_unsupported) < 0 ||
	    jget_arr(o, "namespaces", "linux", false, &arr) < 0)
		return -1;
	JARR_EACH(arr, "linux.namespaces", p, i, e)
	{
		if (parse_namespace(e, p, s) < 0)
			return -1;
	}
	if (parse_userns(o, s) < 0 || parse_devices(o, s) < 0 || parse_resources(o, s) < 0 ||
	    parse_propagation(o, s) < 0 ||
	    parse_path_list(o, "maskedPaths", s, &s->linux.masked_paths) < 0 ||
	    parse_path_list(o, "readonlyPaths", s, &s->linux.readonly_paths) < 0 ||
	    parse_sysctl(o, s) < 0 || parse_time_offsets(o, s) < 0 || parse_seccomp(o, s) < 0 ||
	    parse_net_devices(o, s) < 0 || parse_intel_rdt(o, s) < 0 ||
	    parse_linux_sched(o, s) < 0 ||
	    jget_str(o, "cgroupsPath", "linux", false, &s->arena, &s->linux.cgroups_path) < 0 ||
	    jget_str(o, "mountLabel", "linux", false, &s->arena, &s->linux.mount_label) < 0)
		return -1;
	if (s->linux.cgroups_path && !*s->linux.cgroups_path)
		s->linux.cgroups_path = NULL;
	if (s->linux.mount_label && !*s->linux.mount_label)
		s->linux.mount_label = NULL;
	return 0;
}

bool linux_key_supported(const char *key)
{
	return !key_listed(linux_unsupported, key);
}
