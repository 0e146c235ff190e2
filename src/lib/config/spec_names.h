/* SPDX-License-Identifier: Apache-2.0 */
/* Capability and rlimit names (spec_names.c), below the parser and the
 * code that applies them. */
#pragma once

/* "CAP_SYS_ADMIN" -> 21; -1 when unknown. */
int cap_from_name(const char *name);
const char *cap_name(int cap); /* NULL when unknown */
/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 when unknown. */
int rlimit_from_name(const char *name);
/* RLIMIT_NOFILE -> "RLIMIT_NOFILE"; "RLIMIT_?" when unknown. */
const char *rlimit_name(int resource);
