/* SPDX-License-Identifier: Apache-2.0 */
#include "process_setup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "listen_fds.h"
#include "log.h"
#include "lsm.h"
#include "procattr.h"
#include "procfs.h"
#include "sched_attrs.h"

/* After chdir, getcwd names the directory relative to our root; a
 * directory outside it (reached through a leaked fd or a /proc/PID/cwd
 * link, the CVE-2024-21626 class) has no such name and getcwd says
 * "(unreachable)" or fails with ENOENT. */
static int check_cwd_inside(const char *cwd)
{
	char buf[PATH_MAX];
	errno = 0;
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return err_set(errno ? errno : ENOENT,
			       "cwd (\"%s\") set in config.json is outside the container root",
			       cwd);
	return 0;
}

/* Step 1: what needs the runtime's privileges. */
static int privileged_attrs(const struct process_finish *f)
{
	const struct spec_process *p = f->p;
	if (sched_attrs_apply(p, f->linux, f->exec) < 0 || lsm_apparmor_exec(f->apparmor) < 0 ||
	    lsm_selinux_exec(f->selinux) < 0)
		return -1;
	if (p->has_oom_score_adj && oom_score_adj_apply(p->oom_score_adj) < 0)
		return -1;
	if (rlimits_apply(p->rlimits, p->n_rlimits) < 0)
		return -1;
	return p->has_caps ? caps_drop_bounding(&p->caps) : 0;
}

/* Step 3: as runc, cwd is entered while privileged, so a directory only
 * root may enter works for any user; where root cannot (rootless, a
 * root-squashed mount) the user may, so try again as the user. */
static int user_and_cwd(const struct spec_process *p, bool set_groups)
{
	bool in_cwd = chdir(p->cwd) == 0;
	/* only a permission error is tried again as the user */
	if (!in_cwd && errno != EACCES && errno != EPERM)
		return err_set(errno, "chdir to cwd (\"%s\") set in config.json failed", p->cwd);
	if (user_apply(&p->user, set_groups) < 0)
		return -1;
	if (!in_cwd && chdir(p->cwd) < 0)
		return err_set(errno, "chdir to cwd (\"%s\") set in config.json failed", p->cwd);
	return check_cwd_inside(p->cwd);
}

/* Step 5, before the filter. A filter loaded without no_new_privs needs
 * CAP_SYS_ADMIN: keep what the uid switch left permitted effective until
 * it is loaded (finish_caps then sets the config's sets). */
static int caps_before_filter(const struct process_finish *f)
{
	const struct spec_process *p = f->p;
	if (f->seccomp && !p->no_new_privileges)
		return caps_raise_effective();
	if (p->has_caps && caps_apply(&p->caps) < 0)
		return -1;
	return p->no_new_privileges ? no_new_privs_apply() : 0;
}

static int caps_after_filter(const struct process_finish *f)
{
	const struct spec_process *p = f->p;
	if (!f->seccomp || p->no_new_privileges || !p->has_caps)
		return 0;
	return caps_apply(&p->caps);
}

static bool kept(int fd, const int *keep, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* Without close_range (before 5.9): the fd list of the real procfs. */
static int close_listed(unsigned from, const int *keep, size_t n_keep)
{
	int dfd = procfs_open("self/fd", O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return err_prefix("close the runtime's fds");
	procfs_release();
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return err_set(errno, "close the runtime's fds: fdopendir");
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (*end || end == e->d_name || fd < (long)from || fd == dfd ||
		    kept((int)fd, keep, n_keep))
			continue;
		close((int)fd);
	}
	closedir(d);
	return 0;
}

int close_fds_except(unsigned from, const int *keep, size_t n_keep)
{
	unsigned lo = from;
	/* keep is tiny: close the gaps between its members in ascending order */
	for (;;) {
		unsigned next = ~0U;
		for (size_t i = 0; i < n_keep; i++)
			if (keep[i] >= 0 && (unsigned)keep[i] >= lo && (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next > lo && syscall(SYS_close_range, lo, next == ~0U ? ~0U : next - 1, 0) < 0)
			return errno == ENOSYS ? close_listed(from, keep, n_keep)
					       : err_set(errno, "close the runtime's fds");
		if (next == ~0U)
			break;
		lo = next + 1;
	}
	procfs_release(); /* its fd is gone (unless kept): forget it */
	return 0;
}

/* Step 5: fds 3 .. 3 + preserve - 1 go to the process (not close-on-exec),
 * the kept ones stay until execve closes them, nothing else survives. */
static int close_runtime_fds(const struct process_finish *f)
{
	if (f->seccomp)
		log_debug("seccomp: the filter is loaded right before exec%s",
			  f->seccomp->notify ? ", its listener handed over first" : "");
	log_debug("%s %s", f->exec ? "exec" : "ready; waiting for start to exec", f->p->args[0]);
	log_close(); /* the log file is the host's: it goes with the rest */
	if (close_fds_except(3 + f->preserve_fds, f->keep, ARRAY_SIZE(f->keep)) < 0)
		return -1;
	for (unsigned fd = 3; fd < 3 + f->preserve_fds; fd++) {
		int fl = fcntl((int)fd, F_GETFD);
		if (fl >= 0 && fcntl((int)fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			return err_set(errno, "preserve fd %u", fd);
	}
	return 0;
}

int process_finish(const struct process_finish *f)
{
	const struct spec_process *p = f->p;
	if (privileged_attrs(f) < 0)
		return -1;
	bool set_groups = setgroups_allowed();
	/* from here on, no path can lead out through a runtime fd */
	if (close_runtime_fds(f) < 0 || user_and_cwd(p, set_groups) < 0)
		return -1;
	_cleanup_free_ char *path = NULL, *home = NULL;
	char **envp;
	if (exec_lookup(p->args[0], p->env, &path) < 0 ||
	    env_with_home(p->env, p->user.uid, &envp, &home) < 0)
		return -1;
	_cleanup_free_ __attribute__((unused)) char **owned_env = home ? envp : NULL;
	if (f->listen_fds)
		listen_fds_set_pid(envp ? envp : p->env);
	if (caps_before_filter(f) < 0)
		return -1;
	if (seccomp_install(f->seccomp, f->sync_fd) < 0 || caps_after_filter(f) < 0)
		return -1;
	if (f->last_steps && f->last_steps(f->ud) < 0)
		return -1;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(path, p->args, envp ? envp : (char *[]){NULL});
	return err_set(errno, "exec %s", path);
}
