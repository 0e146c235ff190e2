/* SPDX-License-Identifier: Apache-2.0 */
#include "sched_attrs.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/ioprio.h>
#include <linux/sched.h>

#include "cpulist.h"

/* sched_setattr(2)'s struct sched_attr up to the utilization clamps
 * (SCHED_ATTR_SIZE_VER1); glibc 2.36 has neither it nor a wrapper. */
struct sched_attr_v1 {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};
#define SCHED_ATTR_SIZE_VER0_ 48 /* without the clamps: what kernels before 5.3 know */
_Static_assert(sizeof(struct sched_attr_v1) == 56, "struct sched_attr layout");

static int ioprio_apply(const struct spec_ioprio *io)
{
	if (!io->present)
		return 0;
	int v = IOPRIO_PRIO_VALUE(io->class_, io->priority);
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, v) < 0)
		return err_set(errno, "set process.ioPriority (%s, priority %d)", io->class_name,
			       io->priority);
	return 0;
}

static int sched_apply(const struct spec_sched *sc)
{
	uint64_t clamps = SCHED_FLAG_UTIL_CLAMP_MIN | SCHED_FLAG_UTIL_CLAMP_MAX;
	struct sched_attr_v1 at = {
	    .size = SCHED_ATTR_SIZE_VER0_,
	    .sched_policy = sc->policy,
	    .sched_flags = sc->flags,
	    .sched_nice = sc->nice,
	    .sched_priority = sc->priority,
	    .sched_runtime = sc->runtime,
	    .sched_deadline = sc->deadline,
	    .sched_period = sc->period,
	};
	if (!sc->present)
		return 0;
	/* the spec gives no clamp values: -1 resets them to the defaults
	 * instead of clamping the process to 0 */
	if (sc->flags & clamps) {
		at.size = sizeof(at);
		at.sched_util_min = at.sched_util_max = UINT32_MAX;
	}
	if (syscall(SYS_sched_setattr, 0, &at, 0) == 0)
		return 0;
	int e = errno;
	/* the usual cause even as root, and one a bare EPERM does not tell */
	bool rt = sc->policy == SCHED_FIFO || sc->policy == SCHED_RR;
	const char *hint = e == EPERM && rt ? " (with real-time group scheduling the container's "
					      "cgroup needs linux.resources.cpu.realtimeRuntime)"
					    : "";
	return err_set(0, "set process.scheduler (%s, nice %d, priority %u): %s%s", sc->policy_name,
		       (int)sc->nice, (unsigned)sc->priority, strerror(e), hint);
}

static int affinity_apply(const struct spec_bitmap *cpus, const char *which)
{
	char list[256];
	if (!cpus->n_words)
		return 0;
	size_t n = cpus->n_words * 64;
	cpu_set_t *set = CPU_ALLOC(n);
	if (!set)
		return err_set(ENOMEM, "set process.execCPUAffinity.%s", which);
	size_t size = CPU_ALLOC_SIZE(n);
	CPU_ZERO_S(size, set);
	for (size_t i = 0; i < n; i++)
		if (bitmap_test(cpus, i))
			CPU_SET_S(i, size, set);
	int rc = sched_setaffinity(0, size, set);
	int e = errno;
	CPU_FREE(set);
	if (rc < 0) {
		bitmap_format(cpus, list, sizeof(list));
		return err_set(e, "set process.execCPUAffinity.%s (\"%s\")", which, list);
	}
	return 0;
}

static int personality_apply(const struct spec_personality *p)
{
	if (p->present && personality(p->persona) < 0)
		return err_set(errno, "set linux.personality (%s)", p->domain);
	return 0;
}

#define LONG_BITS (CHAR_BIT * sizeof(unsigned long))

static int mempolicy_apply(const struct spec_mempolicy *m)
{
	if (!m->present)
		return 0;
	/* the kernel reads the mask in longs */
	size_t bits = m->nodes.n_words * 64;
	_cleanup_free_ unsigned long *mask = bits ? xcalloc(bits / LONG_BITS, sizeof(*mask)) : NULL;
	for (size_t i = 0; i < bits; i++)
		if (bitmap_test(&m->nodes, i))
			mask[i / LONG_BITS] |= 1UL << (i % LONG_BITS);
	/* maxnode is one more than the bits it reads: set_mempolicy(2)'s
	 * long-standing off-by-one */
	if (syscall(SYS_set_mempolicy, m->mode | (int)m->flags, mask, mask ? bits + 1 : 0) < 0)
		return err_set(errno, "set linux.memoryPolicy (%s, nodes \"%s\")", m->mode_name,
			       m->nodes_text ? m->nodes_text : "");
	return 0;
}

int sched_attrs_apply(const struct spec_process *p, const struct spec_linux *l, bool exec)
{
	if (mempolicy_apply(&l->mempolicy) < 0 || personality_apply(&l->personality) < 0 ||
	    ioprio_apply(&p->ioprio) < 0)
		return -1;
	/* before the scheduler: a SCHED_DEADLINE process may not narrow its
	 * affinity any more */
	if (exec && affinity_apply(&p->affinity_final, "final") < 0)
		return -1;
	return sched_apply(&p->sched);
}

int exec_affinity_initial(const struct spec_process *p)
{
	return affinity_apply(&p->affinity_initial, "initial");
}
