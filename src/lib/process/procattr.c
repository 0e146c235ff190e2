/* SPDX-License-Identifier: Apache-2.0 */
/* The container process's attributes set just before exec, and the lookup of
 * the program to exec with runc's (Go exec.LookPath's) rules and messages. */
#include "procattr.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "procfs.h"
#include "util.h"

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
	if (procfs_write("self/oom_score_adj", buf, (size_t)n) < 0)
		return err_prefix("set oomScoreAdj %d", adj);
	return 0;
}

/* In a user namespace whose gid map was written without CAP_SETGID the
 * kernel refuses setgroups for good; /proc/self/setgroups says so (the
 * real procfs: the image's /proc could say "deny" to keep our groups). */
bool setgroups_allowed(void)
{
	char text[16];
	if (ERR_KEEP(procfs_read("self/setgroups", text, sizeof(text))) < 0)
		return true;
	return !str_has_prefix(text, "deny");
}

_Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is not 32 bits");

static int gid_cmp(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
	return (x > y) - (x < y);
}

/* Each group once, as runc passes them (the kernel keeps the list sorted
 * anyway, so sorting loses nothing). Like runc, an empty additionalGids
 * still clears the supplementary groups of whoever started the runtime. */
static int groups_apply(const struct spec_user *u)
{
	size_t n = u->n_additional_gids, k = 0;
	_cleanup_free_ gid_t *g = malloc((n ? n : 1) * sizeof(*g));
	if (!g)
		return err_set(ENOMEM, "setgroups");
	if (n) { /* additional_gids may be NULL when there are none */
		memcpy(g, u->additional_gids, n * sizeof(*g));
		qsort(g, n, sizeof(*g), gid_cmp);
	}
	for (size_t i = 0; i < n; i++)
		if (!k || g[k - 1] != g[i])
			g[k++] = g[i];
	if (setgroups(k, g) < 0)
		return err_set(errno, "setgroups (%zu additionalGids)", k);
	return 0;
}

int user_apply(const struct spec_user *u, bool set_groups)
{
	if (set_groups && groups_apply(u) < 0)
		return -1;
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return err_set(errno, "setresgid %u", u->gid);
	/* keep the permitted set across the uid change; caps_apply trims it */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_set(errno, "prctl(PR_SET_KEEPCAPS, 1)");
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return err_set(errno, "setresuid %u", u->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return err_set(errno, "prctl(PR_SET_KEEPCAPS, 0)");
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

/* Go's error strings are glibc's in lower case ("no such file or directory"). */
static const char *go_strerror(int e, char *buf, size_t n)
{
	snprintf(buf, n, "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/* 0 when path is executable by Go's rule (not a directory, some x bit);
 * else the error text runc prints after `exec: "FILE": `. */
static int check_executable(const char *path, char *why, size_t n)
{
	struct stat sb;
	char e[128];
	if (stat(path, &sb) < 0) {
		snprintf(why, n, "stat %s: %s", path, go_strerror(errno, e, sizeof(e)));
		return -1;
	}
	if (S_ISDIR(sb.st_mode) || !(sb.st_mode & 0111)) {
		snprintf(why, n, "permission denied");
		return -1;
	}
	return 0;
}

/* The container's $PATH; runc does not fall back to a default when it is unset. */
static const char *env_path(char *const *env)
{
	const char *path = "";
	for (size_t i = 0; env && env[i]; i++)
		if (str_has_prefix(env[i], "PATH="))
			path = env[i] + 5; /* the last one wins, as with getenv after putenv */
	return path;
}

int exec_lookup(const char *file, char *const *env, char **out)
{
	char why[4200];
	if (strchr(file, '/')) {
		if (check_executable(file, why, sizeof(why)) < 0)
			return err_set(0, "exec: \"%s\": %s", file, why);
		*out = xstrdup(file);
		return 0;
	}
	/* split like Go's filepath.SplitList: "" has no entries, "a:" has two */
	const char *p = env_path(env);
	for (bool more = *p; more; p++) {
		const char *end = strchrnul(p, ':');
		/* an empty entry means the current directory */
		_cleanup_free_ char *cand = end == p
						? xasprintf("./%s", file)
						: xasprintf("%.*s/%s", (int)(end - p), p, file);
		if (check_executable(cand, why, sizeof(why)) == 0) {
			if (cand[0] != '/')
				return err_set(0,
					       "exec: \"%s\": cannot run executable found relative "
					       "to current directory",
					       file);
			*out = take_ptr(&cand);
			return 0;
		}
		more = *end;
		p = end;
	}
	return err_set(0, "exec: \"%s\": executable file not found in $PATH", file);
}

/* The home field of uid's line in an /etc/passwd text, or NULL. */
static char *passwd_home(const char *text, uid_t uid)
{
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		const char *eol = line + len, *field[7], *f = line;
		int n = 0; /* name:password:uid:gid:gecos:home:shell */
		while (n < 7) {
			field[n++] = f;
			const char *colon = memchr(f, ':', (size_t)(eol - f));
			if (!colon)
				break;
			f = colon + 1;
		}
		char *end;
		unsigned long u = n == 7 ? strtoul(field[2], &end, 10) : 0;
		if (n == 7 && end != field[2] && *end == ':' && u == uid && field[6] - 1 > field[5])
			return strndup(field[5], (size_t)(field[6] - 1 - field[5]));
		line = *eol ? eol + 1 : eol;
	}
	return NULL;
}

int env_with_home(char **env, uid_t uid, char ***out, char **owned)
{
	size_t n = 0;
	*out = env;
	*owned = NULL;
	for (; env && env[n]; n++)
		if (strncmp(env[n], "HOME=", 5) == 0)
			return 0;
	_cleanup_free_ char *text = NULL;
	size_t len;
	_cleanup_free_ char *home = NULL;
	if (read_file_at(AT_FDCWD, "/etc/passwd", 1 << 20, &text, &len) == 0)
		home = passwd_home(text, uid);
	if (asprintf(owned, "HOME=%s", home ? home : "/") < 0)
		return err_set(ENOMEM, "HOME");
	char **v = calloc(n + 2, sizeof(*v));
	if (!v) {
		free(*owned);
		*owned = NULL;
		return err_set(ENOMEM, "HOME");
	}
	memcpy(v, env, n * sizeof(*v));
	v[n] = *owned;
	*out = v;
	return 0;
}
