/* SPDX-License-Identifier: Apache-2.0 */
/* Driver selection and the cgroup path; the drivers live in cgroup_*.c. */
#include "cgroup.h"

#include <errno.h>
#include <string.h>
#include <sys/vfs.h>
#include <linux/magic.h>

static int validate_path(const char *p)
{
	if (strlen(p) > 4096)
		return err_set(0, "linux.cgroupsPath: too long");
	for (const char *s = p; *s;) {
		while (*s == '/')
			s++;
		size_t n = strcspn(s, "/");
		if ((n == 2 && s[0] == '.' && s[1] == '.') || (n == 1 && s[0] == '.'))
			return err_set(0, "linux.cgroupsPath \"%s\": must not contain . or ..", p);
		s += n;
	}
	return 0;
}

int cgroup_init(struct cgroup *cg, const char *cgroups_path, const char *id, bool systemd)
{
	memset(cg, 0, sizeof(*cg));
	if (systemd)
		return err_set(0, "--systemd-cgroup: not supported yet");
	const char *p = cgroups_path && *cgroups_path ? cgroups_path : id;
	if (validate_path(p) < 0)
		return -1;
	struct statfs fs;
	if (statfs("/sys/fs/cgroup", &fs) < 0)
		return err_set(errno, "statfs /sys/fs/cgroup");
	if (fs.f_type == CGROUP2_SUPER_MAGIC)
		return err_set(0, "cgroup v2 (unified) hosts are not supported yet");
	cg->drv = &cgroup_v1_driver;
	cg->path = xstrdup(p);
	if (cg->drv->init(cg) < 0) {
		cgroup_fini(cg);
		return -1;
	}
	return 0;
}

void cgroup_fini(struct cgroup *cg)
{
	if (cg->drv && cg->drv->fini)
		cg->drv->fini(cg);
	free(cg->path);
	memset(cg, 0, sizeof(*cg));
}
