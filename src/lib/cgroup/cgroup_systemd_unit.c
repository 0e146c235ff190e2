/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd driver's pure part: "slice:prefix:name" to a unit and its
 * cgroup, and linux.resources to unit properties (runc's set of them). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_systemd.h"
#include "cgroup_v2.h"
#include "cpulist.h"
#include "util.h"

#define UNIT_NAME_MAX 255
#define INFINITY_U64  UINT64_MAX
/* the CPU and node numbers systemd's bitmasks can say */
#define MASK_LIMIT 8192

static bool unit_chars_ok(const char *s)
{
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.@\\",
			    *s))
			return false;
	return true;
}

int sd_slice_path(const char *slice, char **out)
{
	static const char suffix[] = ".slice";
	size_t len = strlen(slice), sl = sizeof(suffix) - 1;
	if (!strcmp(slice, "-.slice")) {
		*out = xstrdup("");
		return 0;
	}
	if (len <= sl || strcmp(slice + len - sl, suffix))
		return err_set(0, "slice \"%s\": does not end in \".slice\"", slice);
	if (len > UNIT_NAME_MAX || !unit_chars_ok(slice))
		return err_set(0, "slice \"%s\": not a valid systemd unit name", slice);
	size_t stem = len - sl;
	if (slice[0] == '-' || slice[stem - 1] == '-' || memmem(slice, stem, "--", 2))
		return err_set(0, "slice \"%s\": a dash may only separate parent and child names",
			       slice);
	/* each dash ends a parent: a-b-c.slice lives in a.slice/a-b.slice */
	char *p = xmalloc(stem * (stem + sl + 1) + 1), *o = p;
	for (size_t i = 0; i <= stem; i++)
		if (i == stem || slice[i] == '-')
			o += sprintf(o, "/%.*s%s", (int)i, slice, suffix);
	*out = p;
	return 0;
}

static int split3(const char *in, char **a, char **b, char **c)
{
	const char *c1 = strchr(in, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2 || strchr(c2 + 1, ':'))
		return err_set(0,
			       "cgroupsPath \"%s\": systemd cgroups take the form "
			       "\"slice:prefix:name\"",
			       in);
	*a = xasprintf("%.*s", (int)(c1 - in), in);
	*b = xasprintf("%.*s", (int)(c2 - c1 - 1), c1 + 1);
	*c = xstrdup(c2 + 1);
	return 0;
}

static int unit_from_parts(struct sd_unit *u, const char *slice, const char *prefix,
			   const char *name, const char *in)
{
	if (!*name || !strcmp(name, "-.slice"))
		return err_set(0, "cgroupsPath \"%s\": names no unit", in);
	size_t nl = strlen(name);
	u->is_slice = nl > 6 && !strcmp(name + nl - 6, ".slice");
	if (u->is_slice) { /* the unit is the slice itself, prefix unused */
		u->name = xstrdup(name);
		if (sd_slice_path(name, &u->path) < 0)
			return err_prefix("cgroupsPath \"%s\"", in);
		u->slice = xstrdup(slice);
		return 0;
	}
	u->name = *prefix ? xasprintf("%s-%s.scope", prefix, name) : xasprintf("%s.scope", name);
	if (strlen(u->name) > UNIT_NAME_MAX || !unit_chars_ok(u->name))
		return err_set(0, "cgroupsPath \"%s\": \"%s\" is not a valid systemd unit name", in,
			       u->name);
	_cleanup_free_ char *sp = NULL;
	if (sd_slice_path(slice, &sp) < 0)
		return err_prefix("cgroupsPath \"%s\"", in);
	u->slice = xstrdup(slice);
	u->path = xasprintf("%s/%s", sp, u->name);
	return 0;
}

int sd_unit_parse(const char *cgroups_path, const char *default_slice, struct sd_unit *u)
{
	memset(u, 0, sizeof(*u));
	_cleanup_free_ char *slice = NULL, *prefix = NULL, *name = NULL;
	if (split3(cgroups_path, &slice, &prefix, &name) < 0)
		return -1;
	if (!*slice) {
		free(slice);
		slice = xstrdup(default_slice);
	} else if (!strcmp(slice, "-")) {
		free(slice);
		slice = xstrdup("-.slice");
	}
	if (unit_from_parts(u, slice, prefix, name, cgroups_path) < 0) {
		sd_unit_free(u);
		return -1;
	}
	return 0;
}

void sd_unit_free(struct sd_unit *u)
{
	free(u->slice);
	free(u->name);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

uint64_t sd_cpu_quota_per_sec(int64_t quota, uint64_t period)
{
	if (quota < 0)
		return INFINITY_U64;
	if (!period)
		period = 100000; /* the kernel's default */
	uint64_t q = (uint64_t)quota * 1000000 / period;
	/* systemd keeps whole percents: round up, never give less CPU */
	return (q + 9999) / 10000 * 10000;
}

static uint64_t bytes_or_inf(int64_t v)
{
	return v < 0 ? INFINITY_U64 : (uint64_t)v;
}

/* AllowedCPUs / AllowedMemoryNodes: a bitmask, byte 0 bit 0 = CPU 0. */
static int mask_prop(struct sd_props *p, const char *name, const char *list, const char *field)
{
	struct arena a = {0};
	struct spec_bitmap bm = {0};
	if (cpulist_parse(list, MASK_LIMIT, "CPU", &a, field, &bm) < 0) {
		arena_free(&a);
		return -1;
	}
	size_t n = 0;
	uint8_t mask[MASK_LIMIT / 8] = {0};
	for (unsigned long i = 0; i < MASK_LIMIT; i++)
		if (bitmap_test(&bm, i)) {
			mask[i / 8] |= (uint8_t)(1u << (i % 8));
			n = i / 8 + 1;
		}
	arena_free(&a);
	sd_props_bytes(p, name, mask, n);
	return 0;
}

/* "max" or a number, as the v2 files take them. */
static int unified_u64(const char *key, const char *val, uint64_t *out)
{
	if (!strcmp(val, "max")) {
		*out = INFINITY_U64;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(val, &end, 10);
	if (errno || end == val || *end || val[0] == '-')
		return err_set(0, "linux.resources.unified[\"%s\"]: \"%s\" is not a number or max",
			       key, val);
	*out = v;
	return 0;
}

static int unified_cpu_max(const char *val, struct sd_props *p)
{
	char q[32];
	unsigned long long period = 0;
	if (sscanf(val, "%31s %llu", q, &period) < 1)
		return err_set(0, "linux.resources.unified[\"cpu.max\"]: \"%s\"", val);
	int64_t quota = -1;
	if (strcmp(q, "max")) {
		char *end;
		quota = strtoll(q, &end, 10);
		if (*end || quota <= 0)
			return err_set(0, "linux.resources.unified[\"cpu.max\"]: \"%s\"", val);
	}
	sd_props_u64(p, "CPUQuotaPerSecUSec", sd_cpu_quota_per_sec(quota, period));
	if (period)
		sd_props_u64(p, "CPUQuotaPeriodUSec", period);
	return 0;
}

/* The v2 keys systemd has a property for; the rest only reach the files. */
static int unified_props(const struct spec_resources *r, struct sd_props *p)
{
	static const struct {
		const char *key, *prop;
	} direct[] = {
	    {"memory.max", "MemoryMax"},	  {"memory.high", "MemoryHigh"},
	    {"memory.low", "MemoryLow"},	  {"memory.min", "MemoryMin"},
	    {"memory.swap.max", "MemorySwapMax"}, {"pids.max", "TasksMax"},
	    {"cpu.weight", "CPUWeight"},	  {"io.weight", "IOWeight"},
	};
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *k = r->unified[i].key, *v = r->unified[i].value;
		uint64_t u = 0;
		size_t j = 0;
		while (j < ARRAY_SIZE(direct) && strcmp(direct[j].key, k))
			j++;
		if (j < ARRAY_SIZE(direct)) {
			if (unified_u64(k, v, &u) < 0)
				return -1;
			sd_props_u64(p, direct[j].prop, u);
		} else if (!strcmp(k, "cpu.max") && unified_cpu_max(v, p) < 0) {
			return -1;
		} else if (!strcmp(k, "cpuset.cpus") &&
			   mask_prop(p, "AllowedCPUs", v, "linux.resources.unified") < 0) {
			return -1;
		} else if (!strcmp(k, "cpuset.mems") &&
			   mask_prop(p, "AllowedMemoryNodes", v, "linux.resources.unified") < 0) {
			return -1;
		}
	}
	return 0;
}

static int memory_props(const struct spec_memory *m, bool v2, struct sd_props *p)
{
	if (m->has_limit && m->limit)
		sd_props_u64(p, v2 ? "MemoryMax" : "MemoryLimit", bytes_or_inf(m->limit));
	if (v2 && m->has_reservation && m->reservation)
		sd_props_u64(p, "MemoryLow", bytes_or_inf(m->reservation));
	if (v2 && m->has_swap && m->swap) {
		bool set;
		int64_t swap;
		if (v2_swap_max(m->has_limit ? m->limit : 0, m->swap, &set, &swap) < 0)
			return -1;
		if (set)
			sd_props_u64(p, "MemorySwapMax", bytes_or_inf(swap));
	}
	return 0;
}

static void cpu_props(const struct spec_cpu *c, bool v2, struct sd_props *p)
{
	if (c->has_shares && c->shares)
		sd_props_u64(p, v2 ? "CPUWeight" : "CPUShares",
			     v2 ? v2_cpu_weight(c->shares) : c->shares);
	bool quota = c->has_quota && c->quota, period = c->has_period && c->period;
	if (quota || period) {
		sd_props_u64(p, "CPUQuotaPerSecUSec",
			     sd_cpu_quota_per_sec(quota ? c->quota : -1, period ? c->period : 0));
		if (period)
			sd_props_u64(p, "CPUQuotaPeriodUSec", c->period);
	}
}

int sd_resource_props(const struct spec_resources *r, bool v2, struct sd_props *p)
{
	if (memory_props(&r->memory, v2, p) < 0)
		return -1;
	cpu_props(&r->cpu, v2, p);
	if (r->cpu.cpus && *r->cpu.cpus &&
	    mask_prop(p, "AllowedCPUs", r->cpu.cpus, "linux.resources.cpu.cpus") < 0)
		return -1;
	if (r->cpu.mems && *r->cpu.mems &&
	    mask_prop(p, "AllowedMemoryNodes", r->cpu.mems, "linux.resources.cpu.mems") < 0)
		return -1;
	/* 0 is no limit given, as in runc: systemd's DefaultTasksMax stays */
	if (r->has_pids_limit && r->pids_limit != 0)
		sd_props_u64(p, "TasksMax",
			     r->pids_limit > 0 ? (uint64_t)r->pids_limit : INFINITY_U64);
	if (r->blkio.has_weight && r->blkio.weight)
		sd_props_u64(p, v2 ? "IOWeight" : "BlockIOWeight",
			     v2 ? v2_io_weight(r->blkio.weight) : r->blkio.weight);
	return v2 ? unified_props(r, p) : 0;
}

int sd_unit_props(const struct sd_unit *u, uint32_t pid, const struct spec_resources *r, bool v2,
		  struct sd_props *p)
{
	_cleanup_free_ char *desc = xasprintf("corun container %s", u->name);
	sd_props_str(p, "Description", desc);
	/* a slice's parent is in its name (systemd makes it require it) */
	if (!u->is_slice) {
		sd_props_str(p, "Slice", u->slice);
		/* the container manages its own sub-cgroups */
		sd_props_bool(p, "Delegate", true);
	}
	if (pid)
		sd_props_pid(p, "PIDs", pid);
	/* not stopped early at shutdown like a service's helper */
	sd_props_bool(p, "DefaultDependencies", false);
	sd_props_bool(p, "MemoryAccounting", true);
	sd_props_bool(p, "CPUAccounting", true);
	sd_props_bool(p, v2 ? "IOAccounting" : "BlockIOAccounting", true);
	sd_props_bool(p, "TasksAccounting", true);
	return r ? sd_resource_props(r, v2, p) : 0;
}
