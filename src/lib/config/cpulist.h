/* SPDX-License-Identifier: Apache-2.0 */
/* Lists of CPUs or NUMA nodes in the kernel's list format ("0-3,7"), as
 * process.execCPUAffinity and linux.memoryPolicy.nodes give them. */
#pragma once

#include <stdbool.h>

#include "spec.h"

/* Parses text into out (memory from a): comma-separated numbers and
 * ranges N-M (N <= M); blanks around numbers are allowed, as the spec's
 * schema allows them. An empty or all-blank text gives an empty set. Every
 * number must be below limit. what names the items in errors ("CPU"):
 * "<path>: invalid CPU list \"3-1\": range 3-1 is reversed". */
int cpulist_parse(const char *text, unsigned long limit, const char *what, struct arena *a,
		  const char *path, struct spec_bitmap *out);
bool bitmap_test(const struct spec_bitmap *b, unsigned long i);
/* How many numbers are in the set. */
unsigned long bitmap_count(const struct spec_bitmap *b);
/* The set back in list form ("0-3,7"; "" when empty), truncated to n. */
void bitmap_format(const struct spec_bitmap *b, char *buf, size_t n);
