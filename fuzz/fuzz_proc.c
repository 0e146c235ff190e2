/* SPDX-License-Identifier: Apache-2.0 */
/* /proc/self/cgroup (the drivers' own-cgroup lookup for a relative
 * cgroupsPath) and /proc/PID/stat (state letter, start time), fed the
 * input as those files. The first byte picks which. The pure parsers
 * (cgroup lines, status and stat fields) see every input. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "procparse.h"
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
	if (size < 1)
		return 0;
	const char *text = (const char *)data + 1;
	if (data[0] & 1) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)getpid());
		proc_text_set(path, text, size - 1);
		(void)proc_state(getpid());
		(void)proc_start_time(getpid());
	} else {
		proc_text_set("/proc/self/cgroup", text, size - 1);
		drv_init(&cgroup_v1_driver, "rel/path");
		drv_init(&cgroup_v2_driver, "rel/path");
	}
	proc_text_set(NULL, NULL, 0);
	char *copy = xmalloc(size);
	memcpy(copy, text, size - 1);
	copy[size - 1] = '\0';
	unsigned long long mask;
	size_t len;
	(void)proc_status_hex(copy, "SigPnd", &mask);
	(void)proc_stat_field(copy, 22, &len);
	struct proc_cgroup_entry e;
	for (char *pos = copy; proc_cgroup_next(&pos, &e);)
		(void)proc_cgroup_is_v2(&e);
	free(copy);
	err_clear();
	return 0;
}
