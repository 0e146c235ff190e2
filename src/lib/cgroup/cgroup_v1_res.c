/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v1: linux.resources into the controllers' files, the freezer,
 * and the OOM notification. Values follow runc 1.1's rules: a zero
 * limit, share or period means "leave as is", -1 means unlimited, and
 * kernel memory limits are ignored (the kernel deprecated them). Errors
 * name the config field and the file: "linux.resources.memory.limit:
 * write 1000 to memory.limit_in_bytes: Device or resource busy". */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup_util.h"
#include "cgroup_v1.h"

bool v1_has_knob(const char *dir, const char *file)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	return access(p, F_OK) == 0;
}

/* -1 with errno as the kernel set it (callers act on EINVAL/EBUSY). */
static int wr(const char *dir, const char *file, const char *val)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = write_all(fd, val, strlen(val)) < 0 ? -1 : 0, saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static int knob(const char *dir, const char *file, const char *val, const char *field)
{
	if (wr(dir, file, val) < 0) {
		int e = errno;
		err_set(e, "linux.resources.%s: write %s to %s", field, val, file);
		errno = e;
		return -1;
	}
	return 0;
}

static int knob_i64(const char *dir, const char *file, int64_t v, const char *field)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return knob(dir, file, buf, field);
}

static int knob_u64(const char *dir, const char *file, uint64_t v, const char *field)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return knob(dir, file, buf, field);
}

/* The directory of controller ctrl, or an error naming the field that
 * needs it (a config asking for a limit must not run without it). */
static const char *need(const struct v1 *v, const char *ctrl, const char *field)
{
	const struct hier *h = v1_hier(v, ctrl);
	if (!h)
		err_set(0, "linux.resources.%s: the %s cgroup controller is not mounted", field,
			ctrl);
	return h ? h->dir : NULL;
}

static int missing_knob(const char *field, const char *file)
{
	return err_set(0, "linux.resources.%s: %s is not available on this kernel", field, file);
}

/* ---- memory ---- */

/* Limit and memory+swap limit are checked against each other by the
 * kernel on every write (memsw >= limit): raise the one in the way first. */
static int set_mem_swap(const char *dir, int64_t limit, int64_t swap)
{
	if (limit && swap) {
		_cleanup_free_ char *cur = NULL;
		if (cgroup_file_read(dir, "memory.limit_in_bytes", &cur) < 0)
			return err_prefix("linux.resources.memory.limit");
		if (swap == -1 || strtoull(cur, NULL, 10) < (uint64_t)swap) {
			if (knob_i64(dir, "memory.memsw.limit_in_bytes", swap, "memory.swap") < 0)
				return -1;
			return knob_i64(dir, "memory.limit_in_bytes", limit, "memory.limit");
		}
	}
	if (limit && knob_i64(dir, "memory.limit_in_bytes", limit, "memory.limit") < 0)
		return -1;
	if (swap && knob_i64(dir, "memory.memsw.limit_in_bytes", swap, "memory.swap") < 0)
		return -1;
	return 0;
}

static bool memory_given(const struct spec_memory *m)
{
	return (m->has_limit && m->limit) || (m->has_swap && m->swap) ||
	       (m->has_reservation && m->reservation) || m->has_swappiness ||
	       m->disable_oom_killer || m->has_use_hierarchy;
}

static int set_use_hierarchy(const char *dir, bool want)
{
	_cleanup_free_ char *cur = NULL;
	if (cgroup_file_read(dir, "memory.use_hierarchy", &cur) < 0)
		return err_prefix("linux.resources.memory.useHierarchy");
	/* recent kernels fix it at 1 and refuse any write, even of 1 */
	if (!strcmp(cur, want ? "1" : "0"))
		return 0;
	return knob(dir, "memory.use_hierarchy", want ? "1" : "0", "memory.useHierarchy");
}

static int set_memory(const struct v1 *v, const struct spec_memory *m)
{
	if (!memory_given(m))
		return 0;
	const char *dir = need(v, "memory", "memory");
	if (!dir)
		return -1;
	int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
	bool memsw = v1_has_knob(dir, "memory.memsw.limit_in_bytes");
	if (m->has_swap && swap && !memsw)
		return err_set(0, "linux.resources.memory.swap: this kernel does not account swap "
				  "(no memory.memsw.limit_in_bytes; boot with swapaccount=1)");
	/* unlimited memory implies unlimited swap, where there is swap accounting */
	if (limit == -1 && !swap && memsw)
		swap = -1;
	if (set_mem_swap(dir, limit, swap) < 0)
		return -1;
	if (m->has_reservation && m->reservation &&
	    knob_i64(dir, "memory.soft_limit_in_bytes", m->reservation, "memory.reservation") < 0)
		return -1;
	if (m->has_disable_oom_killer &&
	    knob(dir, "memory.oom_control", m->disable_oom_killer ? "1" : "0",
		 "memory.disableOOMKiller") < 0)
		return -1;
	/* (uint64)-1 is how runc's users spell "unset" */
	if (m->has_swappiness && m->swappiness != UINT64_MAX) {
		if (m->swappiness > 100)
			return err_set(0,
				       "linux.resources.memory.swappiness: invalid value %" PRIu64
				       ", the range is 0-100",
				       m->swappiness);
		if (knob_u64(dir, "memory.swappiness", m->swappiness, "memory.swappiness") < 0)
			return -1;
	}
	if (m->has_use_hierarchy && set_use_hierarchy(dir, m->use_hierarchy) < 0)
		return -1;
	return 0;
}

/* ---- cpu, cpuset ---- */

static int set_shares(const char *dir, uint64_t shares)
{
	_cleanup_free_ char *got = NULL;
	if (knob_u64(dir, "cpu.shares", shares, "cpu.shares") < 0 ||
	    cgroup_file_read(dir, "cpu.shares", &got) < 0)
		return -1;
	/* the kernel clamps silently; say so, as runc does */
	uint64_t g = strtoull(got, NULL, 10);
	if (g < shares)
		return err_set(
		    0, "linux.resources.cpu.shares: the maximum allowed cpu-shares is %" PRIu64, g);
	if (g > shares)
		return err_set(
		    0, "linux.resources.cpu.shares: the minimum allowed cpu-shares is %" PRIu64, g);
	return 0;
}

/* The period goes first; when the kernel refuses it (old quota over the
 * new period exceeds the parent's), it is retried after the quota. */
static int set_cfs(const char *dir, const struct spec_cpu *c)
{
	uint64_t period = c->has_period ? c->period : 0;
	int64_t quota = c->has_quota ? c->quota : 0;
	bool retry = false;
	if (period && knob_u64(dir, "cpu.cfs_period_us", period, "cpu.period") < 0) {
		if (errno != EINVAL || !quota)
			return -1;
		retry = true;
	}
	if (quota && knob_i64(dir, "cpu.cfs_quota_us", quota, "cpu.quota") < 0)
		return -1;
	if (retry && knob_u64(dir, "cpu.cfs_period_us", period, "cpu.period") < 0)
		return -1;
	if (c->has_burst) {
		if (!v1_has_knob(dir, "cpu.cfs_burst_us"))
			return missing_knob("cpu.burst", "cpu.cfs_burst_us");
		if (knob_u64(dir, "cpu.cfs_burst_us", c->burst, "cpu.burst") < 0)
			return -1;
	}
	return 0;
}

static int set_cpu(const struct v1 *v, const struct spec_cpu *c)
{
	bool rt = (c->has_rt_period && c->rt_period) || (c->has_rt_runtime && c->rt_runtime);
	if (!(c->has_shares && c->shares) && !(c->has_period && c->period) &&
	    !(c->has_quota && c->quota) && !c->has_burst && !rt && !c->has_idle)
		return 0;
	const char *dir = need(v, "cpu", "cpu");
	if (!dir || (c->has_shares && c->shares && set_shares(dir, c->shares) < 0) ||
	    set_cfs(dir, c) < 0)
		return -1;
	if (rt && !v1_has_knob(dir, "cpu.rt_runtime_us"))
		return missing_knob(c->has_rt_runtime ? "cpu.realtimeRuntime"
						      : "cpu.realtimePeriod",
				    "cpu.rt_runtime_us (CONFIG_RT_GROUP_SCHED)");
	if (c->has_rt_period && c->rt_period &&
	    knob_u64(dir, "cpu.rt_period_us", c->rt_period, "cpu.realtimePeriod") < 0)
		return -1;
	if (c->has_rt_runtime && c->rt_runtime &&
	    knob_i64(dir, "cpu.rt_runtime_us", c->rt_runtime, "cpu.realtimeRuntime") < 0)
		return -1;
	if (c->has_idle) {
		if (!v1_has_knob(dir, "cpu.idle"))
			return missing_knob("cpu.idle", "cpu.idle");
		if (knob_i64(dir, "cpu.idle", c->idle, "cpu.idle") < 0)
			return -1;
	}
	return 0;
}

static int set_cpuset(const struct v1 *v, const struct spec_cpu *c)
{
	bool cpus = c->cpus && *c->cpus, mems = c->mems && *c->mems;
	if (!cpus && !mems)
		return 0;
	const char *dir = need(v, "cpuset", "cpu");
	if (!dir || (cpus && knob(dir, "cpuset.cpus", c->cpus, "cpu.cpus") < 0) ||
	    (mems && knob(dir, "cpuset.mems", c->mems, "cpu.mems") < 0))
		return -1;
	return 0;
}

/* ---- pids, blkio ---- */

static int set_pids(const struct v1 *v, const struct spec_resources *r)
{
	if (!r->has_pids_limit)
		return 0;
	const char *dir = need(v, "pids", "pids");
	if (!dir)
		return -1;
	if (r->pids_limit <= 0)
		return knob(dir, "pids.max", "max", "pids.limit");
	return knob_i64(dir, "pids.max", r->pids_limit, "pids.limit");
}

/* blkio.weight (CFQ), else blkio.bfq.weight (BFQ): which one the kernel
 * offers depends on its I/O schedulers. */
static const char *weight_file(const char *dir, bool dev)
{
	if (v1_has_knob(dir, dev ? "blkio.weight_device" : "blkio.weight"))
		return dev ? "blkio.weight_device" : "blkio.weight";
	if (v1_has_knob(dir, dev ? "blkio.bfq.weight_device" : "blkio.bfq.weight"))
		return dev ? "blkio.bfq.weight_device" : "blkio.bfq.weight";
	return NULL;
}

static int set_blkio_weights(const char *dir, const struct spec_blkio *b)
{
	const char *wf = weight_file(dir, false), *wdf = weight_file(dir, true);
	if (b->has_weight && b->weight) {
		if (!wf)
			return missing_knob("blockIO.weight",
					    "blkio.weight (and blkio.bfq.weight)");
		if (knob_u64(dir, wf, b->weight, "blockIO.weight") < 0)
			return -1;
	}
	if (b->has_leaf_weight && b->leaf_weight) {
		if (!v1_has_knob(dir, "blkio.leaf_weight"))
			return missing_knob("blockIO.leafWeight", "blkio.leaf_weight");
		if (knob_u64(dir, "blkio.leaf_weight", b->leaf_weight, "blockIO.leafWeight") < 0)
			return -1;
	}
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct spec_weight_dev *d = &b->weight_device[i];
		char buf[64];
		if (d->has_weight) {
			if (!wdf)
				return missing_knob("blockIO.weightDevice", "blkio.weight_device");
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
				 d->weight);
			if (knob(dir, wdf, buf, "blockIO.weightDevice") < 0)
				return -1;
		}
		if (d->has_leaf_weight) {
			if (!v1_has_knob(dir, "blkio.leaf_weight_device"))
				return missing_knob("blockIO.weightDevice",
						    "blkio.leaf_weight_device");
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
				 d->leaf_weight);
			if (knob(dir, "blkio.leaf_weight_device", buf, "blockIO.weightDevice") < 0)
				return -1;
		}
	}
	return 0;
}

static int set_blkio(const struct v1 *v, const struct spec_blkio *b)
{
	static const char *const files[THROTTLE__COUNT][2] = {
	    [THROTTLE_READ_BPS] = {"blkio.throttle.read_bps_device",
				   "blockIO.throttleReadBpsDevice"},
	    [THROTTLE_WRITE_BPS] = {"blkio.throttle.write_bps_device",
				    "blockIO.throttleWriteBpsDevice"},
	    [THROTTLE_READ_IOPS] = {"blkio.throttle.read_iops_device",
				    "blockIO.throttleReadIOPSDevice"},
	    [THROTTLE_WRITE_IOPS] = {"blkio.throttle.write_iops_device",
				     "blockIO.throttleWriteIOPSDevice"},
	};
	size_t n = b->n_weight_device;
	for (int k = 0; k < THROTTLE__COUNT; k++)
		n += b->n_throttle[k];
	if (!n && !(b->has_weight && b->weight) && !(b->has_leaf_weight && b->leaf_weight))
		return 0;
	const char *dir = need(v, "blkio", "blockIO");
	if (!dir || set_blkio_weights(dir, b) < 0)
		return -1;
	for (int k = 0; k < THROTTLE__COUNT; k++)
		for (size_t i = 0; i < b->n_throttle[k]; i++) {
			const struct spec_rate_dev *d = &b->throttle[k][i];
			char buf[80];
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
				 d->minor, d->rate);
			if (knob(dir, files[k][0], buf, files[k][1]) < 0)
				return -1;
		}
	return 0;
}

/* ---- hugetlb, net_cls, net_prio, rdma ---- */

static int set_hugetlb(const struct v1 *v, const struct spec_resources *r)
{
	if (!r->n_hugepages)
		return 0;
	const char *dir = need(v, "hugetlb", "hugepageLimits");
	if (!dir)
		return -1;
	for (size_t i = 0; i < r->n_hugepages; i++) {
		const struct spec_hugepage *h = &r->hugepages[i];
		_cleanup_free_ char *f = xasprintf("hugetlb.%s.limit_in_bytes", h->page_size);
		_cleanup_free_ char *rf = xasprintf("hugetlb.%s.rsvd.limit_in_bytes", h->page_size);
		if (!v1_has_knob(dir, f))
			return err_set(0,
				       "linux.resources.hugepageLimits: page size %s is not "
				       "supported by this kernel",
				       h->page_size);
		/* the reservation limit too where it exists, so that a mapping
		 * fails at mmap time rather than with SIGBUS at fault time */
		if (knob_u64(dir, f, h->limit, "hugepageLimits") < 0 ||
		    (v1_has_knob(dir, rf) && knob_u64(dir, rf, h->limit, "hugepageLimits") < 0))
			return -1;
	}
	return 0;
}

static int set_net(const struct v1 *v, const struct spec_resources *r)
{
	const char *dir;
	if (r->has_class_id) {
		if (!(dir = need(v, "net_cls", "network.classID")) ||
		    knob_u64(dir, "net_cls.classid", r->class_id, "network.classID") < 0)
			return -1;
	}
	if (!r->n_net_prio)
		return 0;
	if (!(dir = need(v, "net_prio", "network.priorities")))
		return -1;
	for (size_t i = 0; i < r->n_net_prio; i++) {
		_cleanup_free_ char *line =
		    xasprintf("%s %u", r->net_prio[i].name, r->net_prio[i].priority);
		if (knob(dir, "net_prio.ifpriomap", line, "network.priorities") < 0)
			return -1;
	}
	return 0;
}

static int set_rdma(const struct v1 *v, const struct spec_resources *r)
{
	if (!r->n_rdma)
		return 0;
	const char *dir = need(v, "rdma", "rdma");
	if (!dir)
		return -1;
	for (size_t i = 0; i < r->n_rdma; i++) {
		_cleanup_free_ char *line = cgroup_rdma_line(&r->rdma[i]);
		if (knob(dir, "rdma.max", line, "rdma") < 0)
			return -1;
	}
	return 0;
}

int v1_set(struct cgroup *cg, const struct spec_resources *r)
{
	const struct v1 *v = cg->priv;
	if (r->n_unified)
		return err_set(0, "linux.resources.unified: invalid configuration: cannot use "
				  "unified on cgroup v1");
	if (set_cpuset(v, &r->cpu) < 0 || set_memory(v, &r->memory) < 0 ||
	    set_cpu(v, &r->cpu) < 0 || set_pids(v, r) < 0 || set_blkio(v, &r->blkio) < 0 ||
	    set_hugetlb(v, r) < 0 || set_net(v, r) < 0 || set_rdma(v, r) < 0)
		return -1;
	return 0;
}

/* ---- freezer ---- */

char *v1_freeze_file(struct cgroup *cg)
{
	const struct hier *h = v1_hier(cg->priv, "freezer");
	return h ? xasprintf("%s/freezer.state", h->dir) : NULL;
}

static void pause_us(long us)
{
	nanosleep(&(struct timespec){0, us * 1000}, NULL);
}

/* Writing FROZEN starts freezing; the state reads FREEZING until every
 * task has stopped. A task stuck in the kernel can hold that up: thaw
 * now and then and retry, and never leave the cgroup half frozen. */
int v1_freeze(struct cgroup *cg, bool frozen)
{
	const struct hier *h = v1_hier(cg->priv, "freezer");
	if (!h)
		return err_set(0, "the freezer cgroup controller is not mounted");
	if (!frozen)
		return wr(h->dir, "freezer.state", "THAWED") < 0
			   ? err_set(errno, "thaw %s: write THAWED to freezer.state", h->dir)
			   : 0;
	for (int i = 0; i < 1000; i++) {
		if (i % 50 == 49) {
			(void)wr(h->dir, "freezer.state", "THAWED");
			pause_us(10000);
		}
		_cleanup_free_ char *st = NULL;
		if (wr(h->dir, "freezer.state", "FROZEN") < 0 ||
		    cgroup_file_read(h->dir, "freezer.state", &st) < 0)
			return err_set(errno, "freeze %s", h->dir);
		if (!strcmp(st, "FROZEN"))
			return 0;
		if (strcmp(st, "FREEZING"))
			return err_set(0, "freeze %s: unexpected freezer.state \"%s\"", h->dir, st);
		if (i % 25 == 24)
			pause_us(10);
	}
	(void)wr(h->dir, "freezer.state", "THAWED");
	return err_set(0, "unable to freeze");
}

/* ---- OOM notification ---- */

int v1_oom_fd(struct cgroup *cg)
{
	const struct hier *h = v1_hier(cg->priv, "memory");
	if (!h)
		return err_set(0, "the memory cgroup controller is not mounted");
	_cleanup_free_ char *oc = xasprintf("%s/memory.oom_control", h->dir);
	_cleanup_close_ int efd = eventfd(0, EFD_CLOEXEC);
	_cleanup_close_ int ofd = open(oc, O_RDONLY | O_CLOEXEC);
	if (efd < 0 || ofd < 0)
		return err_set(errno, efd < 0 ? "eventfd" : "open %s", oc);
	/* the kernel holds its own references once registered */
	char line[32];
	snprintf(line, sizeof(line), "%d %d", efd, ofd);
	if (wr(h->dir, "cgroup.event_control", line) < 0)
		return err_set(errno, "register for OOM events in %s", h->dir);
	return take_fd(&efd);
}
