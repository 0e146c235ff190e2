/* SPDX-License-Identifier: Apache-2.0 */
/* JSON pieces the cgroup drivers' `events --stats` share. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "json.h"

/* o[key] = v; left out when v is 0 and omitempty (Go's json tag). */
void stats_set_u64(json_t *o, const char *key, uint64_t v, bool omitempty);
/* A "key value" per line file (memory.stat) as a map, keys sorted as Go
 * writes maps. */
json_t *stats_kv_map(const char *text);
