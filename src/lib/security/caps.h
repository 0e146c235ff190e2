/* SPDX-License-Identifier: Apache-2.0 */
/* Capabilities by raw syscalls (capget/capset/prctl), no libcap. */
#pragma once

#include <stdint.h>

#include "spec.h"
#include "spec_names.h"

/* Highest capability the running kernel knows (asked with PR_CAPBSET_READ). */
int cap_last_cap(void);

/* Logs runc's warning naming every capability of c that is not granted:
 * unknown names, and known ones beyond what the running kernel has. */
void caps_warn_ungranted(const struct spec_caps *c);
/* Drops from the bounding set every capability not in c->bounding. Needs
 * CAP_SETPCAP, so it runs before the user switch. */
int caps_drop_bounding(const struct spec_caps *c);
/* Effective = permitted: after a uid switch (PR_SET_KEEPCAPS kept the
 * permitted set), what a privileged step before caps_apply needs. */
int caps_raise_effective(void);
/* Sets effective/permitted/inheritable, then the ambient set. Runs after the
 * uid switch (which keeps permitted caps thanks to PR_SET_KEEPCAPS). */
int caps_apply(const struct spec_caps *c);
