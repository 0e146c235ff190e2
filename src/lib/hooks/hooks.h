/* SPDX-License-Identifier: Apache-2.0 */
/* OCI hooks: each runs with the container state JSON on stdin, its own
 * args and env, and an optional timeout after which it is killed. */
#pragma once

#include "spec.h"

/* Runs the hooks of one kind in order, in dir (NULL: our working
 * directory); stops at the first failure with runc's words and ours:
 * "error running hook #1: error running hook: exit status 2, stdout: ..,
 * stderr: .. (prestart hook /usr/bin/x)". A poststop failure is logged as
 * a warning and the next poststop hook still runs (the spec). A hook's
 * stdout and stderr are kept for that message, as runc does, not shown. */
int hooks_run(const struct spec_hooks *h, enum hook_kind kind, const char *state_json,
	      const char *dir);
