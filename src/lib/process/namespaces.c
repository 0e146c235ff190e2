/* SPDX-License-Identifier: Apache-2.0 */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "idmap.h"
#include "procfs.h"

int ns_new_flags(const struct spec *s)
{
	int flags = 0;
	for (int t = 0; t < NS__COUNT; t++)
		if (s->linux.ns[t].present && !s->linux.ns[t].path)
			flags |= ns_clone_flag(t);
	return flags;
}

bool ns_any_joined(const struct spec *s)
{
	for (int t = 0; t < NS__COUNT; t++)
		if (s->linux.ns[t].present && s->linux.ns[t].path)
			return true;
	return false;
}

static int open_ns(enum ns_type t, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno, "linux.namespaces: %s path %s", ns_type_name(t), path);
	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 || type != ns_clone_flag(t)) {
		close(fd);
		return err_set(0, "linux.namespaces: %s path %s: not a %s namespace",
			       ns_type_name(t), path, ns_type_name(t));
	}
	return fd;
}

int ns_validate_paths(const struct spec *s)
{
	for (int t = 0; t < NS__COUNT; t++) {
		const struct spec_namespace *n = &s->linux.ns[t];
		if (!n->present || !n->path)
			continue;
		int fd = open_ns(t, n->path);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

int ns_join_all(const struct spec *s)
{
	int fds[NS__COUNT];
	int rc = 0;
	/* open all first: joining the mount namespace changes what paths mean */
	for (int t = 0; t < NS__COUNT; t++) {
		fds[t] = -1;
		const struct spec_namespace *n = &s->linux.ns[t];
		if (n->present && n->path && (fds[t] = open_ns(t, n->path)) < 0)
			rc = -1;
	}
	/* enum order puts user first and mount second */
	for (int t = 0; rc == 0 && t < NS__COUNT; t++) {
		if (fds[t] >= 0 && setns(fds[t], ns_clone_flag(t)) < 0)
			rc = err_set(errno, "join %s namespace %s", ns_type_name(t),
				     s->linux.ns[t].path);
	}
	for (int t = 0; t < NS__COUNT; t++)
		if (fds[t] >= 0)
			close(fds[t]);
	return rc;
}

bool ns_in_initial_userns(void)
{
	char map[256];
	if (ERR_KEEP(procfs_read("self/uid_map", map, sizeof(map))) < 0)
		return true;
	unsigned long a, b, c;
	return sscanf(map, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295UL;
}

/* Only our own id, once: what an unprivileged writer may map itself. */
static bool own_id_only(const struct spec_idmap *m, size_t n, uint32_t own)
{
	return n == 1 && m[0].size == 1 && m[0].host_id == own;
}

/* newuidmap/newgidmap (shadow's setuid helpers) write maps that
 * /etc/subuid and /etc/subgid grant us, which we may not write ourselves. */
static int helper_map(pid_t pid, const char *tool, const struct spec_idmap *m, size_t n)
{
	/* the tool, the pid, three numbers a line, NULL */
	char *argv[2 + 3 * ID_MAP_MAX + 1];
	char nums[1 + 3 * ID_MAP_MAX][12];
	size_t a = 0;
	if (n > ID_MAP_MAX)
		return err_set(0, "%s: %zu mappings, more than the kernel's %d", tool, n,
			       ID_MAP_MAX);
	argv[a++] = (char *)tool;
	snprintf(nums[0], sizeof(nums[0]), "%d", (int)pid);
	argv[a++] = nums[0];
	for (size_t i = 0; i < n; i++) {
		uint32_t v[3] = {m[i].container_id, m[i].host_id, m[i].size};
		for (int j = 0; j < 3; j++) {
			char *b = nums[1 + 3 * i + (size_t)j];
			snprintf(b, 12, "%u", v[j]);
			argv[a++] = b;
		}
	}
	argv[a] = NULL;
	pid_t child = fork();
	if (child < 0)
		return err_set(errno, "fork %s", tool);
	if (child == 0) {
		execvp(tool, argv);
		dprintf(STDERR_FILENO, "corun: exec %s: %s\n", tool, strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return err_set(0, "%s failed (status %d)%s", tool,
			       WIFEXITED(st) ? WEXITSTATUS(st) : -1,
			       WIFEXITED(st) && WEXITSTATUS(st) == 127
				   ? ": mapping more than your own id needs it (package uidmap)"
				   : "");
	return 0;
}

int ns_write_id_maps(pid_t pid, const struct spec *s)
{
	const struct spec_linux *l = &s->linux;
	if (geteuid() == 0) {
		if (l->n_gid_mappings &&
		    ns_write_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings) < 0)
			return -1;
		if (l->n_uid_mappings &&
		    ns_write_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings) < 0)
			return -1;
		return 0;
	}
	/* rootless: our own ids we map ourselves (setgroups must be denied
	 * first), anything more goes through the setuid helpers */
	if (l->n_gid_mappings) {
		if (!own_id_only(l->gid_mappings, l->n_gid_mappings, getegid())) {
			if (helper_map(pid, "newgidmap", l->gid_mappings, l->n_gid_mappings) < 0)
				return -1;
		} else {
			char path[64];
			snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
			if (write_file(path, "deny", 4) < 0)
				return err_prefix("rootless");
			if (ns_write_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings) < 0)
				return -1;
		}
	}
	if (l->n_uid_mappings) {
		if (!own_id_only(l->uid_mappings, l->n_uid_mappings, geteuid()))
			return helper_map(pid, "newuidmap", l->uid_mappings, l->n_uid_mappings);
		return ns_write_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings);
	}
	return 0;
}

static uint32_t map_id(const struct spec_idmap *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return m[i].host_id + (id - m[i].container_id);
	return id;
}

uid_t ns_host_uid(const struct spec *s, uid_t cuid)
{
	return map_id(s->linux.uid_mappings, s->linux.n_uid_mappings, cuid);
}

gid_t ns_host_gid(const struct spec *s, gid_t cgid)
{
	return map_id(s->linux.gid_mappings, s->linux.n_gid_mappings, cgid);
}

int ns_time_create(const struct spec *s)
{
	if (unshare(CLONE_NEWTIME) < 0)
		return err_set(errno, "unshare time namespace");
	const struct spec_time_offset *bt = &s->linux.time_boottime, *mt = &s->linux.time_monotonic;
	if (!bt->present && !mt->present)
		return 0;
	char buf[128];
	int n = 0;
	/* the offsets are fixed once a process lives in the namespace: now */
	if (mt->present)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %u\n",
			      (long long)mt->secs, mt->nanosecs);
	if (bt->present)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %u\n",
			      (long long)bt->secs, bt->nanosecs);
	if (procfs_write("self/timens_offsets", buf, (size_t)n) < 0)
		return err_prefix("linux.timeOffsets");
	return 0;
}
