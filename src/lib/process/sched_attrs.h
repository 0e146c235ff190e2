/* SPDX-License-Identifier: Apache-2.0 */
/* How a container process is scheduled: process.ioPriority,
 * process.scheduler, process.execCPUAffinity, and linux.personality,
 * linux.memoryPolicy, which every process of the container gets. */
#pragma once

#include <stdbool.h>

#include "spec.h"

/* memoryPolicy, personality, ioPriority, then (for `exec`, exec = true)
 * execCPUAffinity.final, then the scheduler last, so that SCHED_IDLE or a
 * deadline does not slow or constrain the steps before it. Called while the
 * process still has the runtime's capabilities and no seccomp filter:
 * real-time policies, negative nice and IOPRIO_CLASS_RT need CAP_SYS_NICE
 * (or CAP_SYS_ADMIN), which the container's own process may not have. */
int sched_attrs_apply(const struct spec_process *p, const struct spec_linux *l, bool exec);
/* execCPUAffinity.initial, for `exec` only: set before the process enters
 * the container's cgroup (where a cpuset may move it to other CPUs). */
int exec_affinity_initial(const struct spec_process *p);
