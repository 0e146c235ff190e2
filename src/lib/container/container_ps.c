/* SPDX-License-Identifier: Apache-2.0 */
/* `corun ps`: the container's processes are the members of its cgroup. */
#include <errno.h>
#include <stdlib.h>

#include "container_cgroup.h"
#include "lifecycle.h"

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

int container_pids(const struct global_opts *g, const char *id, pid_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct cstate st = {0};
	/* shared: a concurrent delete waits until we have read the cgroup */
	_cleanup_close_ int fd = state_open_locked(g, id, false, &st);
	if (fd < 0)
		return -1;
	struct cgroup cg = {0};
	int rc;
	if (!st.cgroup_path)
		/* rootless without a delegated cgroup: nothing groups the processes */
		rc = err_set(0, "container %s has no cgroup: cannot list its processes", id);
	else if (cgroup_init(&cg, st.cgroup_path, st.id, st.cgroup_systemd) < 0)
		rc = -1;
	else if (!cg.drv->pids)
		rc = err_set(0, "the %s cgroup driver cannot list processes", cg.drv->name);
	else
		rc = cg.drv->pids(&cg, out, n);
	if (rc == 0 && *n)
		qsort(*out, *n, sizeof(**out), cmp_pid);
	cgroup_fini(&cg);
	state_free(&st);
	return rc;
}
