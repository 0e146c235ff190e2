/* SPDX-License-Identifier: Apache-2.0 */
/* File access in the container's v2 directory, used by cgroup_v2.c,
 * cgroup_v2_res.c and cgroup_v2_stats.c: below them, calling none of them. */
#include <unistd.h>

#include "cgroup_v2.h"
#include "util.h"

bool v2_has(const struct v2 *v, const char *file)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", v->dir, file);
	return access(p, F_OK) == 0;
}

int v2_read(const struct v2 *v, const char *file, char **out)
{
	return cgroup_file_read(v->dir, file, out);
}
