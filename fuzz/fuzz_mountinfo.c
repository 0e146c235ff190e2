/* SPDX-License-Identifier: Apache-2.0 */
/* The /proc/self/mountinfo readers, fed the input as that file (the
 * util.h seam): the cgroup v1 and v2 drivers' hierarchy lookup and the
 * cgroup mount lookup of `exec --cgroup` and the rootfs' propagation
 * check. Nothing is created or changed: these only compute. */
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "procparse.h"
#include "rootfs.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void drv_init(const struct cgroup_driver *d, const char *path)
{
	struct cgroup cg = {.drv = d, .path = xstrdup(path)};
	d->init(&cg);
	cgroup_fini(&cg);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	proc_text_set("/proc/self/mountinfo", (const char *)data, size);
	drv_init(&cgroup_v1_driver, "/abs/path");
	drv_init(&cgroup_v1_driver, "rel/path");
	free(cgroup_mount_dir("", "/a/b"));
	free(cgroup_mount_dir("cpu,cpuacct", "/a"));
	free(cgroup_mount_dir("memory", "/"));
	bool shared;
	for (unsigned long long id = 20; id < 30; id++)
		(void)mountinfo_shared(id, &shared);
	proc_text_set(NULL, NULL, 0);
	/* the pure parser on the same bytes, NUL-terminated */
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct mountinfo_entry e;
	for (char *pos = text; mountinfo_next(&pos, &e);)
		(void)mountinfo_has_optional(&e, "shared:");
	free(text);
	err_clear();
	return 0;
}
