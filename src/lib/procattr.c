/* SPDX-License-Identifier: Apache-2.0 */
#include "procattr.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{"RLIMIT_CPU", RLIMIT_CPU},       {"RLIMIT_FSIZE", RLIMIT_FSIZE},
	{"RLIMIT_DATA", RLIMIT_DATA},     {"RLIMIT_STACK", RLIMIT_STACK},
	{"RLIMIT_CORE", RLIMIT_CORE},     {"RLIMIT_RSS", RLIMIT_RSS},
	{"RLIMIT_NPROC", RLIMIT_NPROC},   {"RLIMIT_NOFILE", RLIMIT_NOFILE},
	{"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS},
	{"RLIMIT_LOCKS", RLIMIT_LOCKS},   {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
	{"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
	{"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

int rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (strcmp(rlimit_names[i].name, name) == 0)
			return rlimit_names[i].resource;
	return -1;
}

static const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return "rlimit";
}

int rlimits_apply(const struct spec_rlimit *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct rlimit rl = {.rlim_cur = r[i].soft, .rlim_max = r[i].hard};
		if (setrlimit(r[i].resource, &rl) < 0)
			return err_set(errno, "setrlimit %s (soft %llu, hard %llu)",
				       rlimit_name(r[i].resource), (unsigned long long)r[i].soft,
				       (unsigned long long)r[i].hard);
	}
	return 0;
}

int oom_score_adj_apply(int adj)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", adj);
	if (write_file("/proc/self/oom_score_adj", buf, (size_t)n) < 0)
		return err_prefix("set oomScoreAdj %d", adj);
	return 0;
}

static bool setgroups_denied(void)
{
	char *text = NULL;
	bool deny = false;
	if (read_file_at(AT_FDCWD, "/proc/self/setgroups", 64, &text, NULL) == 0)
		deny = strncmp(text, "deny", 4) == 0;
	free(text);
	return deny;
}

int user_apply(const struct spec_user *u)
{
	if (!setgroups_denied()) {
		gid_t *g = (gid_t *)u->additional_gids;
		if (setgroups(u->n_additional_gids, u->n_additional_gids ? g : NULL) < 0)
			return err_set(errno, "setgroups");
	}
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return err_set(errno, "setgid %u", u->gid);
	/* keep the permitted set across the uid change; caps_apply trims it */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_set(errno, "prctl(PR_SET_KEEPCAPS)");
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return err_set(errno, "setuid %u", u->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return err_set(errno, "prctl(PR_SET_KEEPCAPS)");
	if (u->has_umask)
		umask(u->umask);
	return 0;
}

int no_new_privs_apply(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_set(errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}

static bool is_executable(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, X_OK) == 0;
}

int exec_lookup(const char *file, char *const *env, char **out)
{
	if (strchr(file, '/')) {
		if (!is_executable(file))
			return err_set(errno ? errno : EACCES, "exec: \"%s\"", file);
		*out = xstrdup(file);
		return 0;
	}
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (size_t i = 0; env && env[i]; i++)
		if (str_has_prefix(env[i], "PATH="))
			path = env[i] + 5;
	for (const char *p = path;; p++) {
		const char *e = strchrnul(p, ':');
		_cleanup_free_ char *cand =
			e == p ? xasprintf("./%s", file) : xasprintf("%.*s/%s", (int)(e - p), p, file);
		if (is_executable(cand)) {
			*out = take_ptr(&cand);
			return 0;
		}
		if (!*e)
			break;
		p = e;
	}
	return err_set(0, "exec: \"%s\": executable file not found in $PATH", file);
}
