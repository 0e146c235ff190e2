/* SPDX-License-Identifier: Apache-2.0 */
#include "cgroup_stats_json.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void stats_set_u64(json_t *o, const char *key, uint64_t v, bool omitempty)
{
	if (v || !omitempty)
		json_object_set_new(o, key, json_integer((json_int_t)v));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

json_t *stats_kv_map(const char *text)
{
	json_t *o = json_object();
	_cleanup_free_ char *copy = xstrdup(text);
	char *lines[512], *save = NULL;
	size_t n = 0;
	for (char *l = strtok_r(copy, "\n", &save); l && n < ARRAY_SIZE(lines);
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, n, sizeof(*lines), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *sp = strchr(lines[i], ' ');
		if (!sp)
			continue;
		*sp = '\0';
		json_object_set_new(o, lines[i],
				    json_integer((json_int_t)strtoull(sp + 1, NULL, 10)));
	}
	return o;
}
