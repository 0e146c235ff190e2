/* SPDX-License-Identifier: Apache-2.0 */
#include "process_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "caps.h"
#include "procattr.h"

/* After chdir, getcwd names the directory relative to our root; a
 * directory outside it (reached through a leaked fd or a /proc/PID/cwd
 * link, the CVE-2024-21626 class) has no such name and getcwd says
 * "(unreachable)" or fails with ENOENT. */
static int check_cwd_inside(const char *cwd)
{
	char buf[PATH_MAX];
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return err_set(errno ? errno : ENOENT,
			       "cwd (\"%s\") set in config.json is outside the container root", cwd);
	return 0;
}

/* In the order that keeps the needed privileges until the end: rlimits and
 * oom score need CAP_SYS_RESOURCE, the bounding set needs CAP_SETPCAP, the
 * uid switch drops what remains. */
int process_attrs_apply(const struct spec_process *p, int (*privileged)(void *ud), void *ud)
{
	if (p->has_oom_score_adj && oom_score_adj_apply(p->oom_score_adj) < 0)
		return -1;
	if (rlimits_apply(p->rlimits, p->n_rlimits) < 0)
		return -1;
	if (p->has_caps && caps_drop_bounding(&p->caps) < 0)
		return -1;
	if (privileged && privileged(ud) < 0)
		return -1;
	/* as runc: the cwd is entered while we are still root, so a user may
	 * start in a directory it cannot search (/root, a 0700 mount); only
	 * a permission error is tried again as the user */
	bool in_cwd = chdir(p->cwd) == 0;
	if (!in_cwd && errno != EACCES && errno != EPERM)
		return err_set(errno, "chdir to cwd (\"%s\") set in config.json failed", p->cwd);
	if (user_apply(&p->user) < 0)
		return -1;
	if (p->has_caps && caps_apply(&p->caps) < 0)
		return -1;
	if (p->no_new_privileges && no_new_privs_apply() < 0)
		return -1;
	if (!in_cwd && chdir(p->cwd) < 0)
		return err_set(errno, "chdir to cwd (\"%s\") set in config.json failed", p->cwd);
	errno = 0;
	return check_cwd_inside(p->cwd);
}

int process_fds_prepare(unsigned preserve)
{
	if (syscall(SYS_close_range, 3 + preserve, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return err_set(errno, "close_range");
	for (unsigned fd = 3; fd < 3 + preserve; fd++) {
		int fl = fcntl((int)fd, F_GETFD);
		if (fl >= 0 && fcntl((int)fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			return err_set(errno, "preserve fd %u", fd);
	}
	return 0;
}
