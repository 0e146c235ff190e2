/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v1 statistics in the shape `runc events` prints: its field
 * names, its order, and Go's omitempty (a zero "usage" is left out, a
 * zero "limit" is not). A file this kernel lacks reads as zeros, as in
 * runc. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_v1.h"
#include "cgroup_stats_json.h"
#include "json.h"

/* One number from a file; "max" (no limit) and a missing file are 0. */
static uint64_t read_u64(const char *dir, const char *file)
{
	_cleanup_free_ char *t = NULL;
	if (!dir || ERR_KEEP(cgroup_file_read(dir, file, &t)) < 0)
		return 0;
	return strtoull(t, NULL, 10);
}

/* "key value" lines; the value of key, or 0. */
static uint64_t kv_get(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, key, n) && l[n] == ' ')
			return strtoull(l + n + 1, NULL, 10);
	return 0;
}

static char *read_text(const char *dir, const char *file)
{
	char *t = NULL;
	if (!dir || ERR_KEEP(cgroup_file_read(dir, file, &t)) < 0)
		return xstrdup("");
	return t;
}

static json_t *u64_array(const char *text)
{
	json_t *a = json_array();
	for (char *p = (char *)text, *end; *p; p = end) {
		uint64_t v = strtoull(p, &end, 10);
		if (end == p)
			break;
		json_array_append_new(a, json_integer((json_int_t)v));
	}
	return a;
}

/* An array Go would omit when empty. */
static void set_arr(json_t *o, const char *key, json_t *a)
{
	if (json_array_size(a))
		json_object_set_new(o, key, a);
	else
		json_decref(a);
}

static json_t *cpu_stats(const struct v1 *v)
{
	const struct hier *acct = v1_hier(v, "cpuacct"), *cpu = v1_hier(v, "cpu");
	const char *ad = acct ? acct->dir : NULL;
	json_t *usage = json_object(), *thr = json_object(), *o = json_object();
	stats_set_u64(usage, "total", read_u64(ad, "cpuacct.usage"), true);
	_cleanup_free_ char *percpu = read_text(ad, "cpuacct.usage_percpu");
	set_arr(usage, "percpu", u64_array(percpu));
	/* usage_all: a header, then "cpu user system" per cpu */
	_cleanup_free_ char *all = read_text(ad, "cpuacct.usage_all");
	json_t *pk = json_array(), *pu = json_array();
	char *l = strchr(all, '\n');
	while (l && *++l) {
		unsigned long long c, u, s;
		if (sscanf(l, "%llu %llu %llu", &c, &u, &s) == 3) {
			json_array_append_new(pu, json_integer((json_int_t)u));
			json_array_append_new(pk, json_integer((json_int_t)s));
		}
		l = strchr(l, '\n');
	}
	set_arr(usage, "percpu_kernel", pk);
	set_arr(usage, "percpu_user", pu);
	/* cpuacct.stat counts clock ticks; runc reports nanoseconds */
	_cleanup_free_ char *st = read_text(ad, "cpuacct.stat");
	uint64_t hz = (uint64_t)sysconf(_SC_CLK_TCK), ns = 1000000000ull / (hz ? hz : 100);
	stats_set_u64(usage, "kernel", kv_get(st, "system") * ns, false);
	stats_set_u64(usage, "user", kv_get(st, "user") * ns, false);
	_cleanup_free_ char *cs = read_text(cpu ? cpu->dir : NULL, "cpu.stat");
	stats_set_u64(thr, "periods", kv_get(cs, "nr_periods"), true);
	stats_set_u64(thr, "throttled_periods", kv_get(cs, "nr_throttled"), true);
	stats_set_u64(thr, "throttled_time", kv_get(cs, "throttled_time"), true);
	json_object_set_new(o, "usage", usage);
	json_object_set_new(o, "throttling", thr);
	return o;
}

/* "0-2,5" -> [0,1,2,5] */
static json_t *list_array(const char *text)
{
	json_t *a = json_array();
	for (const char *p = text; *p;) {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;
		if (end == p)
			break;
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		for (unsigned long i = lo; i <= hi && i - lo < 65536; i++)
			json_array_append_new(a, json_integer((json_int_t)i));
		p = *end == ',' ? end + 1 : end;
	}
	return a;
}

static json_t *cpuset_stats(const struct v1 *v)
{
	static const char *const flags[] = {"cpu_exclusive",	  "mems",
					    "mem_hardwall",	  "mem_exclusive",
					    "memory_migrate",	  "memory_spread_page",
					    "memory_spread_slab", "memory_pressure",
					    "sched_load_balance", "sched_relax_domain_level"};
	const struct hier *h = v1_hier(v, "cpuset");
	const char *d = h ? h->dir : NULL;
	json_t *o = json_object();
	_cleanup_free_ char *cpus = read_text(d, "cpuset.cpus");
	set_arr(o, "cpus", list_array(cpus));
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		_cleanup_free_ char *f = xasprintf("cpuset.%s", flags[i]);
		_cleanup_free_ char *t = read_text(d, f);
		if (!strcmp(flags[i], "mems"))
			set_arr(o, "mems", list_array(t));
		else
			json_object_set_new(o, flags[i], json_integer(strtoll(t, NULL, 10)));
	}
	return o;
}

static json_t *mem_entry(const char *dir, const char *prefix)
{
	json_t *o = json_object();
	_cleanup_free_ char *lim = xasprintf("%slimit_in_bytes", prefix);
	_cleanup_free_ char *use = xasprintf("%susage_in_bytes", prefix);
	_cleanup_free_ char *max = xasprintf("%smax_usage_in_bytes", prefix);
	_cleanup_free_ char *fc = xasprintf("%sfailcnt", prefix);
	stats_set_u64(o, "limit", read_u64(dir, lim), false);
	stats_set_u64(o, "usage", read_u64(dir, use), true);
	stats_set_u64(o, "max", read_u64(dir, max), true);
	stats_set_u64(o, "failcnt", read_u64(dir, fc), false);
	return o;
}

static json_t *memory_stats(const struct v1 *v)
{
	const struct hier *h = v1_hier(v, "memory");
	const char *d = h ? h->dir : NULL;
	json_t *o = json_object();
	_cleanup_free_ char *stat = read_text(d, "memory.stat");
	stats_set_u64(o, "cache", kv_get(stat, "cache"), true);
	json_object_set_new(o, "usage", mem_entry(d, "memory."));
	json_object_set_new(o, "swap", mem_entry(d, "memory.memsw."));
	json_object_set_new(o, "kernel", mem_entry(d, "memory.kmem."));
	json_object_set_new(o, "kernelTCP", mem_entry(d, "memory.kmem.tcp."));
	json_t *raw = stats_kv_map(stat);
	if (json_object_size(raw))
		json_object_set_new(o, "raw", raw);
	else
		json_decref(raw);
	return o;
}

static json_t *pids_stats(const struct v1 *v)
{
	const struct hier *h = v1_hier(v, "pids");
	json_t *o = json_object();
	stats_set_u64(o, "current", read_u64(h ? h->dir : NULL, "pids.current"), true);
	stats_set_u64(o, "limit", read_u64(h ? h->dir : NULL, "pids.max"), true);
	return o;
}

/* "8:0 Read 4096" (or "8:0 4096") lines; "Total N" is skipped. */
static json_t *blkio_entries(const char *text)
{
	json_t *a = json_array();
	_cleanup_free_ char *copy = xstrdup(text);
	char *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned long long maj, min, val;
		char op[32];
		json_t *e;
		if (sscanf(l, "%llu:%llu %31s %llu", &maj, &min, op, &val) == 4) {
			e = json_object();
			stats_set_u64(e, "major", maj, true);
			stats_set_u64(e, "minor", min, true);
			json_object_set_new(e, "op", json_string(op));
			stats_set_u64(e, "value", val, true);
		} else if (sscanf(l, "%llu:%llu %llu", &maj, &min, &val) == 3) {
			e = json_object();
			stats_set_u64(e, "major", maj, true);
			stats_set_u64(e, "minor", min, true);
			stats_set_u64(e, "value", val, true);
		} else {
			continue;
		}
		json_array_append_new(a, e);
	}
	return a;
}

static json_t *blkio_stats(const struct v1 *v)
{
	static const char *const keys[] = {"ioServiceBytesRecursive", "ioServicedRecursive",
					   "ioQueueRecursive",	      "ioServiceTimeRecursive",
					   "ioWaitTimeRecursive",     "ioMergedRecursive",
					   "ioTimeRecursive",	      "sectorsRecursive"};
	static const char *const files[] = {"io_service_bytes_recursive",
					    "io_serviced_recursive",
					    "io_queued_recursive",
					    "io_service_time_recursive",
					    "io_wait_time_recursive",
					    "io_merged_recursive",
					    "time_recursive",
					    "sectors_recursive"};
	const struct hier *h = v1_hier(v, "blkio");
	const char *d = h ? h->dir : NULL;
	json_t *o = json_object();
	/* CFQ's files when they say something, else BFQ's, else the throttle
	 * layer's, which only counts bytes and ios */
	const char *pfx = "blkio.";
	_cleanup_free_ char *cfq = read_text(d, "blkio.io_serviced_recursive");
	_cleanup_free_ char *bfq = read_text(d, "blkio.bfq.io_serviced_recursive");
	if (!*cfq)
		pfx = *bfq ? "blkio.bfq." : NULL;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!pfx && i >= 2)
			break;
		_cleanup_free_ char *f = xasprintf("%s%s", pfx ? pfx : "blkio.throttle.", files[i]);
		_cleanup_free_ char *t = read_text(d, f);
		set_arr(o, keys[i], blkio_entries(t));
	}
	return o;
}

static json_t *hugetlb_stats(const struct v1 *v)
{
	const struct hier *h = v1_hier(v, "hugetlb");
	json_t *o = json_object();
	DIR *dir = h ? opendir(h->dir) : NULL;
	if (!dir)
		return o;
	/* one set of files per page size: hugetlb.2MB.usage_in_bytes ... */
	for (struct dirent *e; (e = readdir(dir));) {
		const char *n = e->d_name, *end = strstr(n, ".usage_in_bytes");
		if (!str_has_prefix(n, "hugetlb.") || !end || strstr(n, ".rsvd.") || end[15])
			continue;
		_cleanup_free_ char *size = xasprintf("%.*s", (int)(end - n - 8), n + 8);
		_cleanup_free_ char *mx = xasprintf("hugetlb.%s.max_usage_in_bytes", size);
		_cleanup_free_ char *fc = xasprintf("hugetlb.%s.failcnt", size);
		json_t *s = json_object();
		stats_set_u64(s, "usage", read_u64(h->dir, n), true);
		stats_set_u64(s, "max", read_u64(h->dir, mx), true);
		stats_set_u64(s, "failcnt", read_u64(h->dir, fc), false);
		json_object_set_new(o, size, s);
	}
	closedir(dir);
	return o;
}

int v1_stats(struct cgroup *cg, json_t **out)
{
	const struct v1 *v = cg->priv;
	const struct hier *any = v1_hier(v, "memory") ?: v1_hier(v, "pids");
	if (any && access(any->dir, F_OK) < 0)
		return err_set(0, "the container's cgroup %s is gone", any->dir);
	json_t *o = json_object();
	json_object_set_new(o, "cpu", cpu_stats(v));
	json_object_set_new(o, "cpuset", cpuset_stats(v));
	json_object_set_new(o, "memory", memory_stats(v));
	json_object_set_new(o, "pids", pids_stats(v));
	json_object_set_new(o, "blkio", blkio_stats(v));
	json_object_set_new(o, "hugetlb", hugetlb_stats(v));
	json_object_set_new(o, "intel_rdt", json_object());
	json_object_set_new(o, "network_interfaces", json_null());
	*out = o;
	return 0;
}

/* The eventfd counts OOMs, but v1 also signals every registered eventfd
 * when the cgroup is removed: one read, and a look whether it is still
 * there. */
int v1_oom_read(struct cgroup *cg, int fd)
{
	uint64_t n;
	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	json_t *probe = NULL;
	if (v1_stats(cg, &probe) < 0)
		return -1; /* gone */
	json_decref(probe);
	return 1;
}
