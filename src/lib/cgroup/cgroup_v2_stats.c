/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v2 statistics in the shape `runc events` prints (its field
 * names, Go's omitempty), read from memory.stat, memory.current,
 * cpu.stat, pids.*, io.stat and hugetlb.*; and OOM events from the
 * counters in memory.events, watched with inotify (v2 has no eventfd
 * registration). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup_v2.h"
#include "cgroup_stats_json.h"
#include "json.h"

uint64_t v2_kv(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, key, n) && l[n] == ' ')
			return strtoull(l + n + 1, NULL, 10);
	return 0;
}

/* A file's text, "" when this kernel (or an off controller) lacks it. */
static char *text(const struct v2 *v, const char *file)
{
	char *t = NULL;
	if (ERR_KEEP(v2_read(v, file, &t)) < 0)
		return xstrdup("");
	return t;
}

/* One number; "max" reads as runc reports it: the largest uint64. */
static uint64_t num(const struct v2 *v, const char *file)
{
	_cleanup_free_ char *t = text(v, file);
	return !strcmp(t, "max") ? UINT64_MAX : strtoull(t, NULL, 10);
}

static json_t *cpu_stats(const struct v2 *v)
{
	_cleanup_free_ char *st = text(v, "cpu.stat");
	json_t *usage = json_object(), *thr = json_object(), *o = json_object();
	/* cpu.stat counts microseconds; runc reports nanoseconds */
	stats_set_u64(usage, "total", v2_kv(st, "usage_usec") * 1000, true);
	stats_set_u64(usage, "kernel", v2_kv(st, "system_usec") * 1000, false);
	stats_set_u64(usage, "user", v2_kv(st, "user_usec") * 1000, false);
	stats_set_u64(thr, "periods", v2_kv(st, "nr_periods"), true);
	stats_set_u64(thr, "throttled_periods", v2_kv(st, "nr_throttled"), true);
	stats_set_u64(thr, "throttled_time", v2_kv(st, "throttled_usec") * 1000, true);
	json_object_set_new(o, "usage", usage);
	json_object_set_new(o, "throttling", thr);
	return o;
}

static json_t *mem_entry(uint64_t usage, uint64_t limit, uint64_t max, uint64_t failcnt)
{
	json_t *o = json_object();
	stats_set_u64(o, "limit", limit, false);
	stats_set_u64(o, "usage", usage, true);
	stats_set_u64(o, "max", max, true);
	stats_set_u64(o, "failcnt", failcnt, false);
	return o;
}

static json_t *memory_stats(const struct v2 *v)
{
	_cleanup_free_ char *stat = text(v, "memory.stat"), *ev = text(v, "memory.events");
	json_t *o = json_object();
	uint64_t cur = num(v, "memory.current"), max = num(v, "memory.max");
	uint64_t swc = num(v, "memory.swap.current"), swm = num(v, "memory.swap.max");
	stats_set_u64(o, "cache", v2_kv(stat, "file"), true);
	json_object_set_new(o, "usage",
			    mem_entry(cur, max, num(v, "memory.peak"), v2_kv(ev, "max")));
	/* v1's swap entry counted memory+swap; keep its meaning */
	json_object_set_new(
	    o, "swap",
	    mem_entry(cur + swc, swm == UINT64_MAX || max == UINT64_MAX ? UINT64_MAX : max + swm, 0,
		      0));
	json_object_set_new(o, "kernel", mem_entry(v2_kv(stat, "kernel"), 0, 0, 0));
	json_object_set_new(o, "kernelTCP", mem_entry(v2_kv(stat, "sock"), 0, 0, 0));
	json_t *raw = stats_kv_map(stat);
	if (json_object_size(raw))
		json_object_set_new(o, "raw", raw);
	else
		json_decref(raw);
	return o;
}

static json_t *pids_stats(const struct v2 *v)
{
	json_t *o = json_object();
	uint64_t lim = num(v, "pids.max");
	stats_set_u64(o, "current", num(v, "pids.current"), true);
	stats_set_u64(o, "limit", lim == UINT64_MAX ? 0 : lim, true);
	return o;
}

static void io_entry(json_t *arr, unsigned maj, unsigned min, const char *op, uint64_t val)
{
	json_t *e = json_object();
	stats_set_u64(e, "major", maj, true);
	stats_set_u64(e, "minor", min, true);
	json_object_set_new(e, "op", json_string(op));
	stats_set_u64(e, "value", val, true);
	json_array_append_new(arr, e);
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6" */
static json_t *blkio_stats(const struct v2 *v)
{
	_cleanup_free_ char *st = text(v, "io.stat");
	json_t *o = json_object(), *bytes = json_array(), *ios = json_array();
	char *save = NULL;
	for (char *l = strtok_r(st, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned maj, min;
		if (sscanf(l, "%u:%u", &maj, &min) != 2)
			continue;
		uint64_t rb = 0, wb = 0, ri = 0, wi = 0;
		for (char *f = strchr(l, ' '); f; f = strchr(f + 1, ' ')) {
			unsigned long long n;
			char key[16];
			if (sscanf(f + 1, "%15[a-z]=%llu", key, &n) != 2)
				continue;
			if (!strcmp(key, "rbytes"))
				rb = n;
			else if (!strcmp(key, "wbytes"))
				wb = n;
			else if (!strcmp(key, "rios"))
				ri = n;
			else if (!strcmp(key, "wios"))
				wi = n;
		}
		io_entry(bytes, maj, min, "Read", rb);
		io_entry(bytes, maj, min, "Write", wb);
		io_entry(ios, maj, min, "Read", ri);
		io_entry(ios, maj, min, "Write", wi);
	}
	json_object_set_new(o, "ioServiceBytesRecursive", bytes);
	json_object_set_new(o, "ioServicedRecursive", ios);
	return o;
}

static json_t *hugetlb_stats(const struct v2 *v)
{
	json_t *o = json_object();
	DIR *dir = opendir(v->dir);
	if (!dir)
		return o;
	/* one set of files per page size: hugetlb.2MB.current ... */
	for (struct dirent *e; (e = readdir(dir));) {
		const char *n = e->d_name, *end = strstr(n, ".current");
		if (!str_has_prefix(n, "hugetlb.") || !end || end[8] || strstr(n, ".rsvd."))
			continue;
		_cleanup_free_ char *size = xasprintf("%.*s", (int)(end - n - 8), n + 8);
		_cleanup_free_ char *evf = xasprintf("hugetlb.%s.events", size);
		_cleanup_free_ char *ev = text(v, evf);
		json_t *s = json_object();
		stats_set_u64(s, "usage", num(v, n), true);
		stats_set_u64(s, "failcnt", v2_kv(ev, "max"), false);
		json_object_set_new(o, size, s);
	}
	closedir(dir);
	return o;
}

int v2_stats(struct cgroup *cg, json_t **out)
{
	const struct v2 *v = cg->priv;
	if (access(v->dir, F_OK) < 0)
		return err_set(0, "the container's cgroup %s is gone", v->dir);
	json_t *o = json_object();
	json_object_set_new(o, "cpu", cpu_stats(v));
	json_object_set_new(o, "memory", memory_stats(v));
	json_object_set_new(o, "pids", pids_stats(v));
	json_object_set_new(o, "blkio", blkio_stats(v));
	json_object_set_new(o, "hugetlb", hugetlb_stats(v));
	json_object_set_new(o, "intel_rdt", json_object());
	json_object_set_new(o, "network_interfaces", json_null());
	*out = o;
	return 0;
}

/* ---- OOM ---- */

static void oom_counts(const struct v2 *v, uint64_t *oom, uint64_t *kill)
{
	_cleanup_free_ char *ev = text(v, "memory.events");
	*oom = v2_kv(ev, "oom");
	*kill = v2_kv(ev, "oom_kill");
}

/* The kernel signals a change of memory.events as a modification; what
 * was counted before the watch is not an event. */
int v2_oom_fd(struct cgroup *cg)
{
	struct v2 *v = cg->priv;
	_cleanup_free_ char *p = xasprintf("%s/memory.events", v->dir);
	_cleanup_close_ int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0)
		return err_set(errno, "inotify_init1");
	if (inotify_add_watch(fd, p, IN_MODIFY | IN_DELETE_SELF | IN_IGNORED) < 0)
		return err_set(errno, "watch %s", p);
	oom_counts(v, &v->oom_seen, &v->oom_kill_seen);
	return take_fd(&fd);
}

int v2_oom_read(struct cgroup *cg, int fd)
{
	struct v2 *v = cg->priv;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : err_set(errno, "read inotify");
	for (ssize_t off = 0; off < n;) {
		const struct inotify_event *e = (const struct inotify_event *)(buf + off);
		if (e->mask & (IN_DELETE_SELF | IN_IGNORED))
			return -1; /* the cgroup went away */
		off += (ssize_t)(sizeof(*e) + e->len);
	}
	uint64_t oom, kill;
	oom_counts(v, &oom, &kill);
	/* an OOM that killed counts in both; one that did not, in "oom" only */
	uint64_t fresh = oom > v->oom_seen ? oom - v->oom_seen : 0;
	if (kill > v->oom_kill_seen && kill - v->oom_kill_seen > fresh)
		fresh = kill - v->oom_kill_seen;
	v->oom_seen = oom;
	v->oom_kill_seen = kill;
	return fresh > 1000 ? 1000 : (int)fresh;
}
