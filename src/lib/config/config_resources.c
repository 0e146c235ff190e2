/* SPDX-License-Identifier: Apache-2.0 */
/* config.json "linux.resources" -> spec->linux.dev_rules and
 * spec->linux.resources. Only types and ranges are checked here; whether
 * the host has a controller for a field is the cgroup driver's business
 * (a config is valid on a host that lacks hugetlb, it just cannot run). */
#include <string.h>

#include "config_internal.h"

#define P(buf, parent, key) jpath(buf, sizeof(buf), parent, key)

/* Whether key holds a value: absent and JSON null both mean "unset". */
static bool given(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return v && !json_is_null(v);
}

static int opt_int(json_t *o, const char *key, const char *path, int64_t min, int64_t max,
		   bool *has, int64_t *out)
{
	*has = given(o, key);
	return jget_int(o, key, path, false, min, max, out);
}

static int opt_u64(json_t *o, const char *key, const char *path, bool *has, uint64_t *out)
{
	*has = given(o, key);
	return jget_u64(o, key, path, false, out);
}

static int opt_u16(json_t *o, const char *key, const char *path, bool *has, uint16_t *out)
{
	int64_t v = 0;
	*has = given(o, key);
	if (jget_int(o, key, path, false, 0, UINT16_MAX, &v) < 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int opt_bool(json_t *o, const char *key, const char *path, bool *has, bool *out)
{
	*has = given(o, key);
	return jget_bool(o, key, path, out);
}

static int parse_devrule(json_t *e, const char *p, size_t idx, struct spec *s,
			 struct spec_devrule *r)
{
	char *type = NULL, *access = NULL;
	char q[JPATH_MAX];
	r->major = r->minor = -1;
	r->type = 'a';
	if (jval_obj(e, p) < 0)
		return -1;
	if (!json_is_boolean(json_object_get(e, "allow")))
		return err_set(0, "%s: must be a boolean", P(q, p, "allow"));
	r->allow = json_is_true(json_object_get(e, "allow"));
	if (jget_str(e, "type", p, false, &s->arena, &type) < 0 ||
	    jget_str(e, "access", p, false, &s->arena, &access) < 0 ||
	    jget_int(e, "major", p, false, -1, UINT32_MAX, &r->major) < 0 ||
	    jget_int(e, "minor", p, false, -1, UINT32_MAX, &r->minor) < 0)
		return -1;
	if (type && *type) {
		if (strlen(type) != 1 || !strchr("acb", type[0]))
			return err_set(0, "%s.type: must be one of a, c, b (got \"%s\")", p, type);
		r->type = type[0];
	}
	/* as runc 1.1: access is required; in any order, repeated or mixed
	 * with other letters, what counts is which of r, w, m it holds */
	if (!access || !*access)
		return err_set(0, "device access at %zu field cannot be empty (%s.access)", idx, p);
	size_t n = 0;
	for (const char *c = "rwm"; *c; c++)
		if (strchr(access, *c))
			r->access[n++] = *c;
	r->access[n] = '\0';
	if (!n)
		return err_set(0, "%s.access: must be a combination of r, w, m (got \"%s\")", p,
			       access);
	return 0;
}

static int parse_devrules(json_t *res, struct spec *s)
{
	json_t *arr = NULL, *e;
	char p[JPATH_MAX];
	if (jget_arr(res, "devices", "linux.resources", false, &arr) < 0)
		return -1;
	s->linux.dev_rules =
	    arena_alloc(&s->arena, json_array_size(arr) * sizeof(struct spec_devrule));
	JARR_EACH(arr, "linux.resources.devices", p, i, e)
	{
		if (parse_devrule(e, p, i, s, &s->linux.dev_rules[i]) < 0)
			return -1;
	}
	s->linux.n_dev_rules = json_array_size(arr);
	return 0;
}

static int parse_memory(json_t *res, struct spec_memory *m)
{
	const char *p = "linux.resources.memory";
	json_t *o = NULL;
	bool has_check;
	if (jget_obj(res, "memory", "linux.resources", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	/* -1 is "unlimited"; below that the kernel would take it as a huge value */
	if (opt_int(o, "limit", p, -1, INT64_MAX, &m->has_limit, &m->limit) < 0 ||
	    opt_int(o, "reservation", p, -1, INT64_MAX, &m->has_reservation, &m->reservation) < 0 ||
	    opt_int(o, "swap", p, -1, INT64_MAX, &m->has_swap, &m->swap) < 0 ||
	    opt_int(o, "kernel", p, -1, INT64_MAX, &m->has_kernel, &m->kernel) < 0 ||
	    opt_int(o, "kernelTCP", p, -1, INT64_MAX, &m->has_kernel_tcp, &m->kernel_tcp) < 0 ||
	    opt_u64(o, "swappiness", p, &m->has_swappiness, &m->swappiness) < 0 ||
	    opt_bool(o, "disableOOMKiller", p, &m->has_disable_oom_killer, &m->disable_oom_killer) <
		0 ||
	    opt_bool(o, "useHierarchy", p, &m->has_use_hierarchy, &m->use_hierarchy) < 0 ||
	    opt_bool(o, "checkBeforeUpdate", p, &has_check, &m->check_before_update) < 0)
		return -1;
	return 0;
}

static int parse_cpu(json_t *res, struct spec *s, struct spec_cpu *c)
{
	const char *p = "linux.resources.cpu";
	json_t *o = NULL;
	if (jget_obj(res, "cpu", "linux.resources", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	if (opt_u64(o, "shares", p, &c->has_shares, &c->shares) < 0 ||
	    opt_int(o, "quota", p, INT64_MIN, INT64_MAX, &c->has_quota, &c->quota) < 0 ||
	    opt_u64(o, "burst", p, &c->has_burst, &c->burst) < 0 ||
	    opt_u64(o, "period", p, &c->has_period, &c->period) < 0 ||
	    opt_int(o, "realtimeRuntime", p, INT64_MIN, INT64_MAX, &c->has_rt_runtime,
		    &c->rt_runtime) < 0 ||
	    opt_u64(o, "realtimePeriod", p, &c->has_rt_period, &c->rt_period) < 0 ||
	    opt_int(o, "idle", p, INT64_MIN, INT64_MAX, &c->has_idle, &c->idle) < 0 ||
	    jget_str(o, "cpus", p, false, &s->arena, &c->cpus) < 0 ||
	    jget_str(o, "mems", p, false, &s->arena, &c->mems) < 0)
		return -1;
	return 0;
}

static int parse_pids(json_t *res, struct spec_resources *r)
{
	json_t *o = NULL;
	if (jget_obj(res, "pids", "linux.resources", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	return opt_int(o, "limit", "linux.resources.pids", INT64_MIN, INT64_MAX, &r->has_pids_limit,
		       &r->pids_limit);
}

static int parse_weight_devs(json_t *o, struct spec *s, struct spec_blkio *b)
{
	json_t *arr = NULL, *e;
	char p[JPATH_MAX];
	if (jget_arr(o, "weightDevice", "linux.resources.blockIO", false, &arr) < 0)
		return -1;
	b->weight_device = arena_alloc(&s->arena, json_array_size(arr) * sizeof(*b->weight_device));
	JARR_EACH(arr, "linux.resources.blockIO.weightDevice", p, i, e)
	{
		struct spec_weight_dev *d = &b->weight_device[i];
		if (jval_obj(e, p) < 0 ||
		    jget_int(e, "major", p, true, 0, UINT32_MAX, &d->major) < 0 ||
		    jget_int(e, "minor", p, true, 0, UINT32_MAX, &d->minor) < 0 ||
		    opt_u16(e, "weight", p, &d->has_weight, &d->weight) < 0 ||
		    opt_u16(e, "leafWeight", p, &d->has_leaf_weight, &d->leaf_weight) < 0)
			return -1;
	}
	b->n_weight_device = json_array_size(arr);
	return 0;
}

static int parse_rate_devs(json_t *o, const char *key, struct spec *s, struct spec_rate_dev **out,
			   size_t *n)
{
	json_t *arr = NULL, *e;
	char p[JPATH_MAX], base[JPATH_MAX];
	if (jget_arr(o, key, "linux.resources.blockIO", false, &arr) < 0)
		return -1;
	P(base, "linux.resources.blockIO", key);
	*out = arena_alloc(&s->arena, json_array_size(arr) * sizeof(**out));
	JARR_EACH(arr, base, p, i, e)
	{
		struct spec_rate_dev *d = &(*out)[i];
		if (jval_obj(e, p) < 0 ||
		    jget_int(e, "major", p, true, 0, UINT32_MAX, &d->major) < 0 ||
		    jget_int(e, "minor", p, true, 0, UINT32_MAX, &d->minor) < 0 ||
		    jget_u64(e, "rate", p, true, &d->rate) < 0)
			return -1;
	}
	*n = json_array_size(arr);
	return 0;
}

static int parse_blkio(json_t *res, struct spec *s, struct spec_blkio *b)
{
	static const char *const throttle_keys[THROTTLE__COUNT] = {
	    [THROTTLE_READ_BPS] = "throttleReadBpsDevice",
	    [THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
	    [THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
	    [THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
	};
	const char *p = "linux.resources.blockIO";
	json_t *o = NULL;
	if (jget_obj(res, "blockIO", "linux.resources", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	if (opt_u16(o, "weight", p, &b->has_weight, &b->weight) < 0 ||
	    opt_u16(o, "leafWeight", p, &b->has_leaf_weight, &b->leaf_weight) < 0 ||
	    parse_weight_devs(o, s, b) < 0)
		return -1;
	for (int k = 0; k < THROTTLE__COUNT; k++)
		if (parse_rate_devs(o, throttle_keys[k], s, &b->throttle[k], &b->n_throttle[k]) < 0)
			return -1;
	return 0;
}

static int parse_hugepages(json_t *res, struct spec *s, struct spec_resources *r)
{
	json_t *arr = NULL, *e;
	char p[JPATH_MAX], q[JPATH_MAX];
	if (jget_arr(res, "hugepageLimits", "linux.resources", false, &arr) < 0)
		return -1;
	r->hugepages = arena_alloc(&s->arena, json_array_size(arr) * sizeof(*r->hugepages));
	JARR_EACH(arr, "linux.resources.hugepageLimits", p, i, e)
	{
		struct spec_hugepage *h = &r->hugepages[i];
		if (jval_obj(e, p) < 0 ||
		    jget_str(e, "pageSize", p, true, &s->arena, &h->page_size) < 0 ||
		    jget_u64(e, "limit", p, true, &h->limit) < 0)
			return -1;
		/* it becomes part of a file name: hugetlb.<size>.limit_in_bytes */
		size_t n = strlen(h->page_size);
		if (!n || strspn(h->page_size, "0123456789KMGTPkmgtpB") != n)
			return err_set(0, "%s: invalid page size \"%s\" (e.g. \"2MB\")",
				       P(q, p, "pageSize"), h->page_size);
	}
	r->n_hugepages = json_array_size(arr);
	return 0;
}

static int parse_network(json_t *res, struct spec *s, struct spec_resources *r)
{
	const char *base = "linux.resources.network";
	json_t *o = NULL, *arr = NULL, *e;
	char p[JPATH_MAX], q[JPATH_MAX];
	if (jget_obj(res, "network", "linux.resources", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	r->has_class_id = given(o, "classID");
	if (jget_u32(o, "classID", base, false, &r->class_id, NULL) < 0 ||
	    jget_arr(o, "priorities", base, false, &arr) < 0)
		return -1;
	r->net_prio = arena_alloc(&s->arena, json_array_size(arr) * sizeof(*r->net_prio));
	JARR_EACH(arr, "linux.resources.network.priorities", p, i, e)
	{
		struct spec_net_prio *np = &r->net_prio[i];
		if (jval_obj(e, p) < 0 || jget_str(e, "name", p, true, &s->arena, &np->name) < 0 ||
		    jget_u32(e, "priority", p, true, &np->priority, NULL) < 0)
			return -1;
		/* written as "<name> <prio>": a blank would split it */
		if (!*np->name || strpbrk(np->name, " \t\n/"))
			return err_set(0, "%s: invalid interface name \"%s\"", P(q, p, "name"),
				       np->name);
	}
	r->n_net_prio = json_array_size(arr);
	return 0;
}

static int parse_rdma(json_t *res, struct spec *s, struct spec_resources *r)
{
	json_t *o = NULL, *v;
	const char *dev;
	char p[JPATH_MAX];
	size_t i = 0;
	if (jget_obj(res, "rdma", "linux.resources", false, &o) < 0)
		return -1;
	r->rdma = arena_alloc(&s->arena, json_object_size(o) * sizeof(*r->rdma));
	json_object_foreach(o, dev, v)
	{
		struct spec_rdma *d = &r->rdma[i];
		snprintf(p, sizeof(p), "linux.resources.rdma[\"%s\"]", dev);
		if (!*dev || strpbrk(dev, " \t\n="))
			return err_set(0, "%s: invalid device name", p);
		d->device = arena_strdup(&s->arena, dev);
		if (jval_obj(v, p) < 0 ||
		    jget_u32(v, "hcaHandles", p, false, &d->hca_handles, &d->has_hca_handles) < 0 ||
		    jget_u32(v, "hcaObjects", p, false, &d->hca_objects, &d->has_hca_objects) < 0)
			return -1;
		i++;
	}
	r->n_rdma = i;
	return 0;
}

int parse_resources(json_t *linux_obj, struct spec *s)
{
	json_t *res = NULL, *uni = NULL;
	struct spec_resources *r = &s->linux.resources;
	if (jget_obj(linux_obj, "resources", "linux", false, &res) < 0)
		return -1;
	if (!res)
		return 0;
	if (parse_devrules(res, s) < 0 || parse_memory(res, &r->memory) < 0 ||
	    parse_cpu(res, s, &r->cpu) < 0 || parse_pids(res, r) < 0 ||
	    parse_blkio(res, s, &r->blkio) < 0 || parse_hugepages(res, s, r) < 0 ||
	    parse_network(res, s, r) < 0 || parse_rdma(res, s, r) < 0 ||
	    jget_obj(res, "unified", "linux.resources", false, &uni) < 0)
		return -1;
	if (uni &&
	    parse_kv_object(s, uni, "linux.resources.unified", &r->unified, &r->n_unified) < 0)
		return -1;
	/* unified keys are file names in the container's cgroup */
	for (size_t i = 0; i < r->n_unified; i++)
		if (!*r->unified[i].key || strchr(r->unified[i].key, '/') ||
		    !strcmp(r->unified[i].key, ".") || !strcmp(r->unified[i].key, ".."))
			return err_set(0, "linux.resources.unified[\"%s\"]: invalid file name",
				       r->unified[i].key);
	return 0;
}
