/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v2: linux.resources into the unified files, converting the
 * classic (v1-shaped) fields as runc 1.1 does, then the `unified` map
 * verbatim (so it can override any of them). Zero means "leave as is"
 * for the same fields as on v1. A file missing in the container's cgroup
 * means the controller is not enabled there: the error says which field
 * needed it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>

#include "cgroup_v2.h"
#include "log.h"

/* ---- the conversions ---- */

/* cpu.shares [2, 262144] maps linearly onto cpu.weight [1, 10000]: the
 * ends onto the ends (2 -> 1, 262144 -> 10000), as in runc 1.1. */
uint64_t v2_cpu_weight(uint64_t shares)
{
	if (!shares)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + (shares - 2) * 9999 / 262142;
}

/* blkio.weight [10, 1000] onto io.weight [1, 10000], the same way. */
uint64_t v2_io_weight(uint64_t w)
{
	if (!w)
		return 0;
	if (w < 10)
		w = 10;
	if (w > 1000)
		w = 1000;
	return 1 + (w - 10) * 9999 / 990;
}

/* v1's swap field is memory+swap; v2 limits swap alone: swap.max =
 * memsw - limit. -1 (unlimited) stays -1; unlimited memory with swap
 * unset makes swap unlimited too; swap without a memory limit has no
 * meaning. */
int v2_swap_max(int64_t limit, int64_t memsw, bool *set, int64_t *out)
{
	*set = true;
	*out = -1;
	if (memsw == -1)
		return 0;
	if (memsw == 0) {
		*set = limit == -1; /* unlimited memory implies unlimited swap */
		return 0;
	}
	if (limit == 0 || limit == -1)
		return err_set(0, "linux.resources.memory.swap: a swap limit needs a memory limit");
	if (memsw < limit)
		return err_set(0,
			       "linux.resources.memory.swap: memory+swap (%" PRId64
			       ") must not be below the memory limit (%" PRId64 ")",
			       memsw, limit);
	*out = memsw - limit;
	return 0;
}

/* ---- writing ---- */

static int knob(const struct v2 *v, const char *file, const char *val, const char *field)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", v->dir, file);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return err_set(0,
			       "linux.resources.%s: %s does not exist (is its controller "
			       "enabled in the parent's cgroup.subtree_control?)",
			       field, file);
	if (fd < 0 || write_all(fd, val, strlen(val)) < 0)
		return err_set(errno, "linux.resources.%s: write %s to %s", field, val, file);
	return 0;
}

/* -1 is "max" in every v2 limit file. */
static int knob_lim(const struct v2 *v, const char *file, int64_t n, const char *field)
{
	char buf[24] = "max";
	if (n >= 0)
		snprintf(buf, sizeof(buf), "%" PRId64, n);
	return knob(v, file, buf, field);
}

static int check_before_update(const struct v2 *v, int64_t limit)
{
	_cleanup_free_ char *cur = NULL;
	if (v2_read(v, "memory.current", &cur) < 0)
		return err_prefix("linux.resources.memory.checkBeforeUpdate");
	if (strtoull(cur, NULL, 10) > (uint64_t)limit)
		return err_set(0,
			       "linux.resources.memory.limit: the memory usage (%s) is above "
			       "the new limit (%" PRId64 ")",
			       cur, limit);
	return 0;
}

static int set_memory(const struct v2 *v, const struct spec_memory *m)
{
	int64_t limit = m->has_limit ? m->limit : 0, swap;
	bool swap_set;
	if (v2_swap_max(limit, m->has_swap ? m->swap : 0, &swap_set, &swap) < 0)
		return -1;
	if (m->has_swappiness && m->swappiness != UINT64_MAX)
		log_debug(
		    "linux.resources.memory.swappiness: no such setting on cgroup v2, ignored");
	if (m->disable_oom_killer)
		log_debug("linux.resources.memory.disableOOMKiller: not on cgroup v2, ignored");
	/* swap first: no check ties the two files together on v2, and a
	 * smaller memory.max must not push pages out into an old swap limit */
	if (swap_set) {
		if (!v2_has(v, "memory.swap.max")) {
			if (swap != -1 && swap != 0)
				return err_set(0,
					       "linux.resources.memory.swap: this kernel does not "
					       "account swap (no memory.swap.max)");
		} else if (knob_lim(v, "memory.swap.max", swap, "memory.swap") < 0) {
			return -1;
		}
	}
	if (limit > 0 && m->check_before_update && check_before_update(v, limit) < 0)
		return -1;
	if (limit && knob_lim(v, "memory.max", limit, "memory.limit") < 0)
		return -1;
	if (m->has_reservation && m->reservation &&
	    knob_lim(v, "memory.low", m->reservation, "memory.reservation") < 0)
		return -1;
	return 0;
}

/* cpu.max is "QUOTA PERIOD". A period given alone keeps the quota (runc
 * 1.1 would reset it to max); a quota alone keeps the period. */
static int set_cpu_max(const struct v2 *v, const struct spec_cpu *c)
{
	int64_t quota = c->has_quota ? c->quota : 0;
	uint64_t period = c->has_period ? c->period : 0;
	if (!quota && !period)
		return 0;
	char q[24] = "max", val[64];
	if (quota > 0)
		snprintf(q, sizeof(q), "%" PRId64, quota);
	else if (!quota) {
		_cleanup_free_ char *cur = NULL;
		if (v2_read(v, "cpu.max", &cur) < 0)
			return err_prefix("linux.resources.cpu.period");
		snprintf(q, sizeof(q), "%.*s", (int)strcspn(cur, " "), cur);
	}
	if (period)
		snprintf(val, sizeof(val), "%s %" PRIu64, q, period);
	else
		snprintf(val, sizeof(val), "%s", q);
	return knob(v, "cpu.max", val, quota ? "cpu.quota" : "cpu.period");
}

static int set_cpu(const struct v2 *v, const struct spec_cpu *c)
{
	char buf[24];
	if ((c->has_rt_period && c->rt_period) || (c->has_rt_runtime && c->rt_runtime))
		return err_set(0,
			       "linux.resources.cpu.%s: realtime scheduling is not "
			       "supported on cgroup v2",
			       c->has_rt_runtime ? "realtimeRuntime" : "realtimePeriod");
	if (c->has_shares && c->shares) {
		snprintf(buf, sizeof(buf), "%" PRIu64, v2_cpu_weight(c->shares));
		if (knob(v, "cpu.weight", buf, "cpu.shares") < 0)
			return -1;
	}
	if (set_cpu_max(v, c) < 0)
		return -1;
	if (c->has_burst) {
		snprintf(buf, sizeof(buf), "%" PRIu64, c->burst);
		if (knob(v, "cpu.max.burst", buf, "cpu.burst") < 0)
			return -1;
	}
	if (c->has_idle) {
		snprintf(buf, sizeof(buf), "%" PRId64, c->idle);
		if (knob(v, "cpu.idle", buf, "cpu.idle") < 0)
			return -1;
	}
	if (c->cpus && *c->cpus && knob(v, "cpuset.cpus", c->cpus, "cpu.cpus") < 0)
		return -1;
	if (c->mems && *c->mems && knob(v, "cpuset.mems", c->mems, "cpu.mems") < 0)
		return -1;
	return 0;
}

static int set_pids(const struct v2 *v, const struct spec_resources *r)
{
	/* 0 leaves pids.max as it is, as runc does (with the systemd driver
	 * that is systemd's DefaultTasksMax) */
	if (!r->has_pids_limit || r->pids_limit == 0)
		return 0;
	return knob_lim(v, "pids.max", r->pids_limit < 0 ? -1 : r->pids_limit, "pids.limit");
}

/* As runc: where BFQ's io.bfq.weight exists, the weights go there as
 * they are (its range is blkio's, [1, 1000]), the default one and one per
 * device; else the default weight goes, converted, to io.weight, and the
 * per-device ones have nowhere to go (io.weight takes them only from a
 * device with io.cost enabled, EOPNOTSUPP otherwise). */
static int set_io_weights(const struct v2 *v, const struct spec_blkio *b)
{
	char buf[64];
	bool bfq = v2_has(v, "io.bfq.weight");
	if (b->has_weight && b->weight) {
		snprintf(buf, sizeof(buf), "%" PRIu64, bfq ? b->weight : v2_io_weight(b->weight));
		if (knob(v, bfq ? "io.bfq.weight" : "io.weight", buf, "blockIO.weight") < 0)
			return -1;
	}
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct spec_weight_dev *d = &b->weight_device[i];
		if (!d->has_weight || !d->weight)
			continue;
		if (!bfq) {
			log_debug("linux.resources.blockIO.weightDevice: no io.bfq.weight (BFQ "
				  "is not loaded), ignored");
			break;
		}
		snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
			 (unsigned)d->weight);
		if (knob(v, "io.bfq.weight", buf, "blockIO.weightDevice") < 0)
			return -1;
	}
	return 0;
}

static int set_io(const struct v2 *v, const struct spec_blkio *b)
{
	static const char *const keys[THROTTLE__COUNT][2] = {
	    [THROTTLE_READ_BPS] = {"rbps", "blockIO.throttleReadBpsDevice"},
	    [THROTTLE_WRITE_BPS] = {"wbps", "blockIO.throttleWriteBpsDevice"},
	    [THROTTLE_READ_IOPS] = {"riops", "blockIO.throttleReadIOPSDevice"},
	    [THROTTLE_WRITE_IOPS] = {"wiops", "blockIO.throttleWriteIOPSDevice"},
	};
	if (set_io_weights(v, b) < 0)
		return -1;
	for (int k = 0; k < THROTTLE__COUNT; k++)
		for (size_t i = 0; i < b->n_throttle[k]; i++) {
			const struct spec_rate_dev *d = &b->throttle[k][i];
			char buf[96];
			/* 0 means no limit in the spec; io.max spells it "max" */
			char rate[24] = "max";
			if (d->rate)
				snprintf(rate, sizeof(rate), "%" PRIu64, d->rate);
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %s=%s", d->major,
				 d->minor, keys[k][0], rate);
			if (knob(v, "io.max", buf, keys[k][1]) < 0)
				return -1;
		}
	return 0;
}

static int set_hugetlb(const struct v2 *v, const struct spec_resources *r)
{
	for (size_t i = 0; i < r->n_hugepages; i++) {
		const struct spec_hugepage *h = &r->hugepages[i];
		_cleanup_free_ char *f = xasprintf("hugetlb.%s.max", h->page_size);
		_cleanup_free_ char *rf = xasprintf("hugetlb.%s.rsvd.max", h->page_size);
		if (!v2_has(v, f))
			return err_set(0,
				       "linux.resources.hugepageLimits: %s does not exist (page "
				       "size not supported, or hugetlb not enabled)",
				       f);
		/* the reservation limit too, so that a mapping fails at mmap
		 * time rather than with SIGBUS at fault time */
		if (knob_lim(v, f, (int64_t)h->limit, "hugepageLimits") < 0 ||
		    (v2_has(v, rf) && knob_lim(v, rf, (int64_t)h->limit, "hugepageLimits") < 0))
			return -1;
	}
	return 0;
}

static int set_rdma(const struct v2 *v, const struct spec_resources *r)
{
	for (size_t i = 0; i < r->n_rdma; i++) {
		_cleanup_free_ char *line = cgroup_rdma_line(&r->rdma[i]);
		if (knob(v, "rdma.max", line, "rdma") < 0)
			return -1;
	}
	return 0;
}

static int set_unified(const struct v2 *v, const struct spec_resources *r)
{
	for (size_t i = 0; i < r->n_unified; i++) {
		const struct spec_kv *kv = &r->unified[i];
		_cleanup_free_ char *field = xasprintf("unified[\"%s\"]", kv->key);
		if (knob(v, kv->key, kv->value, field) < 0)
			return -1;
	}
	return 0;
}

int v2_set(struct cgroup *cg, const struct spec_resources *r)
{
	const struct v2 *v = cg->priv;
	if (r->has_class_id || r->n_net_prio)
		log_debug("linux.resources.network: no net_cls/net_prio on cgroup v2, ignored");
	if (r->blkio.has_leaf_weight)
		log_debug("linux.resources.blockIO.leafWeight: not on cgroup v2, ignored");
	if (set_cpu(v, &r->cpu) < 0 || set_memory(v, &r->memory) < 0 || set_pids(v, r) < 0 ||
	    set_io(v, &r->blkio) < 0 || set_hugetlb(v, r) < 0 || set_rdma(v, r) < 0 ||
	    set_unified(v, r) < 0)
		return -1;
	return 0;
}
