/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup v1 lookups that cgroup_v1.c, cgroup_v1_res.c and
 * cgroup_v1_stats.c all use: below them, calling none of them. */
#include <string.h>

#include "cgroup_v1.h"

/* Whether the comma-separated list holds name. */
bool v1_list_has(const char *list, const char *name, size_t len)
{
	for (const char *t = list; *t; t += strcspn(t, ","), t += !!*t)
		if (strcspn(t, ",") == len && !strncmp(t, name, len))
			return true;
	return false;
}

bool v1_has_ctrl(const struct hier *h, const char *name)
{
	return v1_list_has(h->ctrl, name, strlen(name));
}

const struct hier *v1_hier(const struct v1 *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (v1_has_ctrl(&v->h[i], name))
			return &v->h[i];
	return NULL;
}
