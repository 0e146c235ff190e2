/* SPDX-License-Identifier: Apache-2.0 */
/* linux.intelRdt through the resctrl filesystem: the container's CLOS
 * group (closID, or one named after the container), its schemata, its
 * tasks, and an optional monitoring group. The root is a parameter so the
 * unit tests can run the write path on a plain directory. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "config_netrdt.h"
#include "spec.h"

#define RDT_ROOT "/sys/fs/resctrl"

/* The schemata lines in the order the spec asks (l3CacheSchema,
 * memBwSchema, then schemata), each ending in "\n"; NULL when none. */
char *rdt_schemata_text(const struct spec_intel_rdt *t);
/* Whether every line of want is what the resctrl schemata file text have
 * says for that resource and cache id (hex bitmasks compared as numbers). */
bool rdt_schemata_match(const char *have, const char *want);

/* -1 + "linux.intelRdt: resctrl is not mounted at /sys/fs/resctrl". */
int rdt_check_mounted(void);
/* Creates (or checks) the group under root and moves pid into it. */
int rdt_apply(const char *root, const struct spec_intel_rdt *t, const char *id, pid_t pid);
/* Removes what rdt_apply created for the container (warnings only). */
void rdt_destroy(const char *root, const struct spec_intel_rdt *t, const char *id);
