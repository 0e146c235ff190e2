/* SPDX-License-Identifier: Apache-2.0 */
/* OCI hooks: each runs with the container state JSON on stdin, its own
 * args and env, and an optional timeout after which it is killed. */
#pragma once

#include "spec.h"

/* Runs the hooks of one kind in order; stops at the first failure with
 * "prestart hook #1 (/usr/bin/x): exit status 2" (or "timed out after 5s"). */
int hooks_run(const struct spec_hooks *h, enum hook_kind kind, const char *state_json);
