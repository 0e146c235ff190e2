/* SPDX-License-Identifier: Apache-2.0 */
#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "util.h"

static bool apparmor_enabled(void)
{
	char c = 0;
	int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool on = read(fd, &c, 1) == 1 && c == 'Y';
	close(fd);
	return on && access("/sys/kernel/security/apparmor", F_OK) == 0;
}

static bool selinux_enabled(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

/* /proc/thread-self/attr/<file> through the runtime's procfs handle: the
 * container's /proc could send the label elsewhere (CVE-2025-52881). */
static int write_attr(const char *file, const char *value)
{
	char path[128];
	snprintf(path, sizeof(path), "thread-self/attr/%s", file);
	return procfs_write(path, value, strlen(value));
}

int lsm_apparmor_exec(const char *profile)
{
	if (!profile || !*profile || !apparmor_enabled())
		return 0;
	_cleanup_free_ char *v = xasprintf("exec %s", profile);
	if (write_attr("apparmor/exec", v) < 0 && write_attr("exec", v) < 0)
		return err_prefix("apply apparmor profile %s", profile);
	return 0;
}

int lsm_selinux_exec(const char *label)
{
	if (!label || !*label)
		return 0;
	if (!selinux_enabled())
		return err_set(0, "selinux label \"%s\": SELinux is not enabled on this host",
			       label);
	if (write_attr("exec", label) < 0)
		return err_prefix("set selinux label %s", label);
	return 0;
}

char *lsm_mount_data(const char *data, const char *label)
{
	bool has_data = data && *data;
	if (!label || !*label || !selinux_enabled())
		return has_data ? xstrdup(data) : NULL;
	return xasprintf("%s%scontext=\"%s\"", has_data ? data : "", has_data ? "," : "", label);
}
