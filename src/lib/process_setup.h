/* SPDX-License-Identifier: Apache-2.0 */
/* The last steps before a container process execs, shared by the container
 * init (init.c) and `exec` (container_exec.c) so both set a process up the
 * same way. */
#pragma once

#include "spec.h"

/* oom_score_adj, rlimits, bounding set, privileged(ud) when not NULL (the
 * last moment with every privilege: a seccomp filter without no_new_privs
 * loads there), user and groups, capabilities, no_new_privs, then chdir to
 * p->cwd, which must end up inside the root (no leaked fd or mount may put
 * it outside). */
int process_attrs_apply(const struct spec_process *p, int (*privileged)(void *ud), void *ud);
/* Marks every fd from 3 + preserve up close-on-exec and makes fds
 * 3 .. 3 + preserve - 1 inheritable: nothing else of corun's reaches the
 * process. */
int process_fds_prepare(unsigned preserve);
