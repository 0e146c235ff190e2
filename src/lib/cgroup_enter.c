/* SPDX-License-Identifier: Apache-2.0 */
/* Moving a process into the cgroups of another (exec: into the container
 * init's). Driver-independent on purpose: the kernel's /proc/PID/cgroup
 * says where the init is in each hierarchy, whichever driver put it there,
 * and /proc/self/mountinfo says where each hierarchy is mounted. */
#include <errno.h>
#include <string.h>

#include "cgroup.h"

/* A comma-separated list and a name in it. */
static bool list_has(const char *list, const char *name, size_t len)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		if (n == len && !strncmp(p, name, len))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* Every controller of ctrls is in list. */
static bool all_in(const char *ctrls, const char *list)
{
	for (const char *p = ctrls; *p;) {
		size_t n = strcspn(p, ",");
		if (!list_has(list, p, n))
			return false;
		p += n + (p[n] == ',');
	}
	return true;
}

static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Its mount point plus path below the mount's root. */
char *cgroup_mount_dir(const char *ctrls, const char *path)
{
	_cleanup_fclose_ FILE *f = proc_fopen("/proc/self/mountinfo");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) > 0) {
		char root[4096], mnt[4096], type[64], opts[1024];
		char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
		    sscanf(sep + 3, "%63s %*s %1023s", type, opts) != 2)
			continue;
		bool v2 = !*ctrls;
		if (strcmp(type, v2 ? "cgroup2" : "cgroup") || (!v2 && !all_in(ctrls, opts)))
			continue;
		unescape(root);
		unescape(mnt);
		size_t rl = strcmp(root, "/") ? strlen(root) : 0;
		if (strncmp(path, root, rl) || (path[rl] && path[rl] != '/'))
			continue; /* a bind mount of another part of the hierarchy */
		return xasprintf("%s%s", mnt, path + rl);
	}
	return NULL;
}

/* The sub-cgroup that applies to a hierarchy with these controllers, or
 * NULL: subs holds "path" (every hierarchy) or "ctrl[,ctrl]:path" items. */
static const char *sub_for(const char *ctrls, const char *const *subs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(subs[i], ':');
		if (!colon)
			return subs[i];
		for (const char *p = subs[i]; p < colon;) {
			size_t len = strcspn(p, ",:");
			if (list_has(ctrls, p, len))
				return colon + 1;
			p += len + (p[len] == ',');
		}
	}
	return NULL;
}

int cgroup_subs_validate(const char *const *subs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = subs[i], *colon = strchr(s, ':');
		const char *path = colon ? colon + 1 : s;
		if (colon && strchr(path, ':'))
			return err_set(0, "invalid --cgroup argument: %s", s);
		if (!colon && n != 1)
			return err_set(0, "invalid --cgroup argument: %s (missing <controller>: prefix)", s);
		for (const char *p = s; colon && p <= colon;) {
			size_t len = strcspn(p, ",:");
			if (!len)
				return err_set(0, "invalid --cgroup argument: %s (empty <controller> prefix)", s);
			for (size_t j = 0; j < i; j++) {
				const char *cj = strchr(subs[j], ':');
				_cleanup_free_ char *prev = cj ? strndup(subs[j], (size_t)(cj - subs[j])) : NULL;
				if (prev && list_has(prev, p, len))
					return err_set(0, "invalid --cgroup argument(s): controller %.*s "
							  "specified multiple times", (int)len, p);
			}
			p += len + 1;
		}
		for (const char *p = path; *p;) {
			size_t len = strcspn(p, "/");
			if (len == 2 && !strncmp(p, "..", 2))
				return err_set(0, "invalid --cgroup argument: %s (\"..\" is not allowed)", s);
			p += len + (p[len] == '/');
		}
	}
	return 0;
}

static int join_one(const char *ctrls, const char *path, const char *sub, pid_t pid)
{
	_cleanup_free_ char *dir = cgroup_mount_dir(ctrls, path);
	if (!dir)
		return 0; /* not mounted here: nothing we could join */
	_cleanup_free_ char *procs =
	    sub ? xasprintf("%s/%s/cgroup.procs", dir, sub) : xasprintf("%s/cgroup.procs", dir);
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (write_file(procs, buf, (size_t)n) < 0)
		return err_prefix("error adding pid %d to cgroups", (int)pid);
	return 0;
}

int cgroup_enter_like(pid_t like, pid_t pid, const char *const *subs, size_t n_subs)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/cgroup", (int)like);
	_cleanup_fclose_ FILE *f = proc_fopen(p);
	if (!f)
		return err_set(errno, "open %s", p);
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *c = strchr(line, ':'), *path = c ? strchr(c + 1, ':') : NULL;
		if (!path)
			continue;
		*path++ = '\0'; /* c + 1: the controllers ("" for cgroup2) */
		if (join_one(c + 1, path, sub_for(c + 1, subs, n_subs), pid) < 0)
			return -1;
	}
	return 0;
}
