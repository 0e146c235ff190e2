/* SPDX-License-Identifier: Apache-2.0 */
/* Moving a process into the cgroups of another (exec: into the container
 * init's). Driver-independent on purpose: the kernel's /proc/PID/cgroup
 * says where the init is in each hierarchy, whichever driver put it there,
 * and /proc/self/mountinfo says where each hierarchy is mounted. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "cgroup.h"
#include "procparse.h"

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

struct mount_dir_q {
	const char *ctrls, *path;
	char *dir;
};

static int mount_dir_of(const struct mountinfo_entry *e, void *ud)
{
	struct mount_dir_q *q = ud;
	bool v2 = !*q->ctrls;
	if (strcmp(e->fstype, v2 ? "cgroup2" : "cgroup") ||
	    (!v2 && !all_in(q->ctrls, e->super_options)))
		return 0;
	size_t rl = strcmp(e->root, "/") ? strlen(e->root) : 0;
	if (strncmp(q->path, e->root, rl) || (q->path[rl] && q->path[rl] != '/'))
		return 0; /* a bind mount of another part of the hierarchy */
	q->dir = xasprintf("%s%s", e->mount_point, q->path + rl);
	return 1;
}

/* Its mount point plus path below the mount's root. */
char *cgroup_mount_dir(const char *ctrls, const char *path)
{
	struct mount_dir_q q = {.ctrls = ctrls, .path = path};
	/* a failure reads as a hierarchy that is not mounted: the caller says so */
	(void)ERR_KEEP(mountinfo_read(mount_dir_of, &q));
	return q.dir;
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

/* path below the container's cgroup, cleaned lexically ("x/../y" is "y",
 * a leading "/" is the container's cgroup too, as with runc); NULL when
 * ".." would leave it. */
static char *clean_sub(const char *path)
{
	char *out = xmalloc(strlen(path) + 1);
	size_t o = 0;
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && !strncmp(p, "..", 2)) {
			if (o == 0) {
				free(out);
				return NULL;
			}
			while (o > 0 && out[o - 1] != '/')
				o--;
			o -= o > 0; /* the '/' before the dropped name */
		} else if (len && !(len == 1 && *p == '.')) {
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len + (p[len] == '/');
	}
	out[o] = '\0';
	return out;
}

int cgroup_subs_validate(const char *const *subs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = subs[i], *colon = strchr(s, ':');
		const char *path = colon ? colon + 1 : s;
		if (colon && strchr(path, ':'))
			return err_set(0, "invalid --cgroup argument: %s", s);
		if (!colon && n != 1)
			return err_set(
			    0, "invalid --cgroup argument: %s (missing <controller>: prefix)", s);
		for (const char *p = s; colon && p <= colon;) {
			size_t len = strcspn(p, ",:");
			if (!len)
				return err_set(
				    0, "invalid --cgroup argument: %s (empty <controller> prefix)",
				    s);
			for (size_t j = 0; j < i; j++) {
				const char *cj = strchr(subs[j], ':');
				_cleanup_free_ char *prev =
				    cj ? strndup(subs[j], (size_t)(cj - subs[j])) : NULL;
				if (prev && list_has(prev, p, len))
					return err_set(
					    0,
					    "invalid --cgroup argument(s): controller %.*s "
					    "specified multiple times",
					    (int)len, p);
			}
			p += len + 1;
		}
		_cleanup_free_ char *clean = clean_sub(path);
		if (!clean) /* runc's words */
			return err_set(0, "%s is not a sub cgroup path (--cgroup %s)", path, s);
	}
	return 0;
}

static int join_one(const char *ctrls, const char *path, const char *sub, pid_t pid)
{
	_cleanup_free_ char *dir = cgroup_mount_dir(ctrls, path);
	if (!dir)
		return 0; /* not mounted here: nothing we could join */
	_cleanup_free_ char *clean = sub ? clean_sub(sub) : NULL;
	_cleanup_free_ char *procs = clean && *clean ? xasprintf("%s/%s/cgroup.procs", dir, clean)
						     : xasprintf("%s/cgroup.procs", dir);
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (write_file(procs, buf, (size_t)n) < 0)
		return err_prefix("error adding pid %d to cgroups", (int)pid);
	return 0;
}

/* The controllers named in subs must be those of a hierarchy of the init:
 * a typo is an error, as in runc, not a silent join of the container's own
 * cgroup. A cgroup2-only host has no per-controller hierarchy, so any
 * "ctrl:" prefix is unknown there (runc refuses it too). text: the init's
 * /proc/PID/cgroup. */
static int check_controllers(const char *text, const char *const *subs, size_t n)
{
	_cleanup_free_ char *all = xstrdup(""), *copy = xstrdup(text);
	struct proc_cgroup_entry e;
	for (char *pos = copy; proc_cgroup_next(&pos, &e);) {
		if (*e.controllers) {
			char *more = xasprintf("%s,%s", all, e.controllers);
			free(all);
			all = more;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(subs[i], ':');
		for (const char *p = subs[i]; colon && p < colon;) {
			size_t len = strcspn(p, ",:");
			if (!*all || !list_has(all + 1, p, len))
				return err_set(0, "unknown controller %.*s (--cgroup %s)", (int)len,
					       p, subs[i]);
			p += len + (p[len] == ',');
		}
	}
	return 0;
}

int cgroup_enter_like(pid_t like, pid_t pid, const char *const *subs, size_t n_subs)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/cgroup", (int)like);
	_cleanup_free_ char *text = NULL;
	if (read_file_at(AT_FDCWD, p, 1 << 20, &text, NULL) < 0)
		return -1;
	/* before any join: nothing is joined when a controller is unknown */
	if (check_controllers(text, subs, n_subs) < 0)
		return -1;
	struct proc_cgroup_entry e;
	for (char *pos = text; proc_cgroup_next(&pos, &e);)
		if (join_one(e.controllers, e.path, sub_for(e.controllers, subs, n_subs), pid) < 0)
			return -1;
	return 0;
}
