/* SPDX-License-Identifier: Apache-2.0 */
/* `corun update`: the changes become a linux.resources patch, merged into
 * the config copy of the state dir; the merged config is validated like
 * config.json, applied to the live cgroup, and only then saved, so later
 * commands (and a later update) see what the cgroup has. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "container_cgroup.h"
#include "json.h"
#include "lifecycle.h"
#include "log.h"

/* docker/go-units RAMInBytes, which runc uses: "512", "10m", "1.5GiB",
 * binary multiples, one optional blank before the unit. */
static int parse_ram(const char *s, int64_t *out)
{
	const char *p = s;
	while (isdigit((unsigned char)*p))
		p++;
	if (p == s)
		return -1;
	while (*p == '.' && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p); p++)
			;
	double v = strtod(s, NULL);
	if (*p == ' ')
		p++;
	static const char units[] = "kmgtp";
	const char *u = *p ? strchr(units, tolower((unsigned char)*p)) : NULL;
	if (u) {
		for (long i = 0; i <= u - units; i++)
			v *= 1024;
		p++;
	}
	if (*p == 'i' || *p == 'I')
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p || v >= 9223372036854775807.0)
		return -1;
	*out = (int64_t)v;
	return 0;
}

/* Go's strconv errors, as runc passes them on. */
static int parse_num(const char *flag, const char *s, bool sign, json_t **out)
{
	const char *fn = sign ? "strconv.ParseInt" : "strconv.ParseUint";
	char *end;
	errno = 0;
	bool neg = *s == '-';
	if (!*s || isspace((unsigned char)*s) || (!sign && (neg || *s == '+')))
		goto syntax;
	if (sign) {
		long long v = strtoll(s, &end, 10);
		if (*end)
			goto syntax;
		if (errno == ERANGE)
			goto range;
		*out = json_integer(v);
	} else {
		unsigned long long v = strtoull(s, &end, 10);
		if (*end)
			goto syntax;
		if (errno == ERANGE)
			goto range;
		/* beyond int64 jansson cannot hold it as an integer */
		*out = v > INT64_MAX ? json_real((double)v) : json_integer((json_int_t)v);
	}
	return 0;
syntax:
	return err_set(0, "invalid value for %s: %s: parsing \"%s\": invalid syntax", flag, fn, s);
range:
	return err_set(0, "invalid value for %s: %s: parsing \"%s\": value out of range", flag, fn,
		       s);
}

static json_t *sub(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_object(v)) {
		v = json_object();
		json_object_set_new(o, key, v);
	}
	return v;
}

static int add_mem(json_t *patch, const char *flag, const char *val, const char *key)
{
	int64_t v = -1;
	if (!val || !*val)
		return 0;
	if (strcmp(val, "-1") && parse_ram(val, &v) < 0)
		return err_set(0, "invalid value for %s: invalid size: '%s'", flag, val);
	json_object_set_new(sub(patch, "memory"), key, json_integer(v));
	return 0;
}

static int add_num(json_t *patch, const char *flag, const char *val, bool sign, const char *key)
{
	json_t *v = NULL;
	if (!val || !*val)
		return 0;
	if (parse_num(flag, val, sign, &v) < 0)
		return -1;
	json_object_set_new(sub(patch, "cpu"), key, v);
	return 0;
}

static int flags_patch(const struct update_opts *o, json_t *patch)
{
	/* corun has no Intel RDT support: as runc on a host without it */
	if (o->l3_cache_schema && *o->l3_cache_schema)
		return err_set(0, "Intel RDT/CAT: l3 cache schema is not enabled");
	if (o->mem_bw_schema && *o->mem_bw_schema)
		return err_set(0, "Intel RDT/MBA: memory bandwidth schema is not enabled");
	if ((o->kernel_memory && *o->kernel_memory) ||
	    (o->kernel_memory_tcp && *o->kernel_memory_tcp))
		log_warn("Kernel memory settings are ignored and will be removed");
	if (add_mem(patch, "memory", o->memory, "limit") < 0 ||
	    add_mem(patch, "memory-swap", o->memory_swap, "swap") < 0 ||
	    add_mem(patch, "memory-reservation", o->memory_reservation, "reservation") < 0 ||
	    add_num(patch, "cpu-period", o->cpu_period, false, "period") < 0 ||
	    add_num(patch, "cpu-rt-period", o->cpu_rt_period, false, "realtimePeriod") < 0 ||
	    add_num(patch, "cpu-share", o->cpu_shares, false, "shares") < 0 ||
	    add_num(patch, "cpu-burst", o->cpu_burst, false, "burst") < 0 ||
	    add_num(patch, "cpu-quota", o->cpu_quota, true, "quota") < 0 ||
	    add_num(patch, "cpu-rt-runtime", o->cpu_rt_runtime, true, "realtimeRuntime") < 0 ||
	    add_num(patch, "cpu-idle", o->cpu_idle, true, "idle") < 0)
		return -1;
	if (o->cpuset_cpus && *o->cpuset_cpus)
		json_object_set_new(sub(patch, "cpu"), "cpus", jstr_new(o->cpuset_cpus));
	if (o->cpuset_mems && *o->cpuset_mems)
		json_object_set_new(sub(patch, "cpu"), "mems", jstr_new(o->cpuset_mems));
	if (o->blkio_weight)
		json_object_set_new(sub(patch, "blockIO"), "weight", json_integer(o->blkio_weight));
	if (o->pids_limit)
		json_object_set_new(sub(patch, "pids"), "limit", json_integer(o->pids_limit));
	return 0;
}

/* The fields of LinuxResources (runtime-spec) by their path below it, for
 * spell_keys; rdma and unified are maps, whose keys are names. */
static const char *const resource_fields[][2] = {
    {"", "devices memory cpu pids blockIO hugepageLimits network rdma unified"},
    {"devices", "allow type major minor access"},
    {"memory", "limit reservation swap kernel kernelTCP swappiness disableOOMKiller "
	       "useHierarchy checkBeforeUpdate"},
    {"cpu", "shares quota burst period realtimeRuntime realtimePeriod cpus mems idle"},
    {"pids", "limit"},
    {"blockIO", "weight leafWeight weightDevice throttleReadBpsDevice throttleWriteBpsDevice "
		"throttleReadIOPSDevice throttleWriteIOPSDevice"},
    {"blockIO.weightDevice", "major minor weight leafWeight"},
    {"blockIO.throttleReadBpsDevice", "major minor rate"},
    {"blockIO.throttleWriteBpsDevice", "major minor rate"},
    {"blockIO.throttleReadIOPSDevice", "major minor rate"},
    {"blockIO.throttleWriteIOPSDevice", "major minor rate"},
    {"hugepageLimits", "pageSize limit"},
    {"network", "classID priorities"},
    {"network.priorities", "name priority"},
};

/* The field of the space-separated list that key names: the exact one,
 * else the first equal but for case; NULL for none. */
static char *field_named(const char *list, const char *key)
{
	size_t kl = strlen(key);
	for (int exact = 1; exact >= 0; exact--)
		for (const char *p = list; *p;) {
			size_t n = strcspn(p, " ");
			if (n == kl && (exact ? !strncmp(p, key, n) : !strncasecmp(p, key, n)))
				return xasprintf("%.*s", (int)n, p);
			p += n + (p[n] == ' ');
		}
	return NULL;
}

/* runc decodes -r with Go's encoding/json, whose keys match the fields
 * without regard to case ({"CPU": {"Cpus": "1"}} sets cpu.cpus): the keys
 * take the spec's spelling (when two spell one field, the last wins, as
 * in Go); unknown keys stay as they are. v is at path (see above). */
static void spell_keys(json_t *v, const char *path)
{
	const char *list = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(resource_fields); i++)
		if (!strcmp(resource_fields[i][0], path))
			list = resource_fields[i][1];
	if (!list)
		return;
	for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++)
		spell_keys(json_array_get(v, i), path);
	if (!json_is_object(v))
		return;
	json_t *out = json_object(), *child;
	const char *k;
	json_object_foreach(v, k, child)
	{
		_cleanup_free_ char *name = field_named(list, k);
		_cleanup_free_ char *sub =
		    name ? xasprintf("%s%s%s", path, *path ? "." : "", name) : NULL;
		if (sub)
			spell_keys(child, sub);
		json_object_set(out, name ? name : k, child);
	}
	json_object_clear(v);
	json_object_update(v, out);
	json_decref(out);
}

static json_t *file_patch(const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	bool in = !strcmp(path, "-");
	if (read_file_at(AT_FDCWD, in ? "/dev/stdin" : path, 16 << 20, &text, &len) < 0)
		return err_prefix("read resources"), NULL;
	json_t *o = jparse(text, len, in ? "resources from stdin" : path);
	if (o && !json_is_object(o)) {
		json_decref(o);
		err_set(0, "%s: the resources must be a JSON object", in ? "stdin" : path);
		return NULL;
	}
	if (o)
		spell_keys(o, "");
	return o;
}

/* The saved config with the patch merged into linux.resources, as text. */
static char *merged_config(int dirfd, json_t *patch)
{
	_cleanup_free_ char *raw = NULL;
	size_t len;
	if (read_regular_file_at(dirfd, STATE_CONFIG_FILE, 64 << 20, true, &raw, &len) < 0)
		return NULL;
	json_t *root = jparse(raw, len, STATE_CONFIG_FILE);
	if (!root)
		return NULL;
	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(0, "%s: not a JSON object", STATE_CONFIG_FILE), NULL;
	}
	json_t *res = sub(sub(root, "linux"), "resources");
	jmerge(res, patch);
	char *text = jdump_compact(root);
	json_decref(root);
	return text;
}

/* As runc on cgroup v2: a new memory limit without a word about swap
 * leaves memory.swap.max as it is (runc writes no swap value then), so
 * the swap allowed on top of the memory stays; the saved memory+swap
 * follows the new limit so that later updates and `events` agree with the
 * cgroup. On v1 the saved memory+swap stays, and a limit above it is
 * refused as by runc (the kernel refuses it there). */
static void keep_swap_allowance(const struct spec *old, json_t *patch)
{
	const struct spec_memory *om = &old->linux.resources.memory;
	json_t *m = json_object_get(patch, "memory");
	json_t *limit = json_object_get(m, "limit");
	const struct cgroup_driver *fs = NULL;
	if (!json_is_integer(limit) || json_integer_value(limit) <= 0 || json_object_get(m, "swap"))
		return;
	if (!om->has_limit || om->limit <= 0 || !om->has_swap || om->swap < om->limit)
		return;
	if (cgroup_fs_driver(&fs) < 0 || fs != &cgroup_v2_driver)
		return;
	json_object_set_new(m, "swap",
			    json_integer(json_integer_value(limit) + (om->swap - om->limit)));
}

static int apply_update(int fd, const struct cstate *st, json_t *patch)
{
	_cleanup_spec_ struct spec *old = NULL, *neu = NULL;
	if (load_saved_spec(fd, &old) < 0)
		return -1;
	keep_swap_allowance(old, patch);
	_cleanup_free_ char *text = merged_config(fd, patch);
	if (!text || spec_parse(text, strlen(text), &neu) < 0)
		return -1;
	struct cgroup cg = {0};
	if (!st->cgroup_path)
		return err_set(0, "container %s has no cgroup", st->id);
	if (cgroup_init(&cg, st->cgroup_path, st->id, st->cgroup_systemd) < 0)
		return -1;
	int rc = cg.drv->set(&cg, &neu->linux.resources);
	if (rc < 0) {
		/* leave the cgroup as the saved config says, as runc tries to */
		struct corun_err err;
		err_take(&err);
		if (cg.drv->set(&cg, &old->linux.resources) < 0)
			log_warn("setting back the cgroup failed: %s; the cgroup and the saved "
				 "config may differ",
				 err_msg());
		err_put(&err);
	}
	cgroup_fini(&cg);
	if (rc < 0)
		return -1;
	return write_file_atomic(fd, STATE_CONFIG_FILE, text, strlen(text), 0600);
}

/* As runc: a memory limit lifted (-1) without a word about swap lifts
 * the memory+swap limit too. Left as saved, a swap limit without a memory
 * limit would mean nothing on v2 (refused), and on v1 memsw would stay
 * below the new memory limit (refused by the kernel). */
static void unlimited_swap_too(json_t *patch)
{
	json_t *m = json_object_get(patch, "memory");
	json_t *limit = json_object_get(m, "limit");
	if (json_is_integer(limit) && json_integer_value(limit) == -1 &&
	    !json_object_get(m, "swap"))
		json_object_set_new(m, "swap", json_integer(-1));
}

int container_update(const struct global_opts *g, const struct update_opts *o)
{
	if (state_validate_id(o->id) < 0)
		return -1;
	_cleanup_close_ int fd = state_dir_open(g->root, o->id);
	if (fd < 0)
		return -1;
	struct cstate st = {0};
	if (state_lock(fd, true) < 0 || state_read(fd, &st) < 0)
		return -1;
	json_t *patch = NULL;
	int rc = -1;
	if (state_status(fd, &st) == STATUS_STOPPED)
		err_set(0, "container not running");
	else if (o->resources)
		patch = file_patch(o->resources);
	else if (flags_patch(o, (patch = json_object())) < 0)
		json_decref(take_ptr(&patch));
	if (patch) {
		unlimited_swap_too(patch);
		rc = apply_update(fd, &st, patch);
	}
	json_decref(patch);
	state_free(&st);
	return rc;
}
