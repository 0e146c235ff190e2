/* SPDX-License-Identifier: Apache-2.0 */
/* linux.sysctl: only keys that belong to a namespace the container gets of
 * its own are accepted (the rules runc 1.1 applies); they are written in
 * the container's namespaces. As in runc, '/' separates like '.'. */
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/magic.h>
#include <linux/openat2.h>

static const char *const ipc_keys[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool is_ipc_key(const char *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(ipc_keys); i++)
		if (strcmp(ipc_keys[i], k) == 0)
			return true;
	return str_has_prefix(k, "fs.mqueue.");
}

/* Non-empty components only: no "..", no leading, trailing or doubled separators. */
static bool valid_key(const char *k)
{
	for (const char *p = k;; p++) {
		size_t n = strcspn(p, "./");
		if (n == 0)
			return false;
		p += n;
		if (!*p)
			return true;
	}
}

/* A joined network namespace is fine unless it is the runtime's own. */
static int check_netns(const struct spec *s, const char *k)
{
	const char *path = s->linux.ns[NS_NET].path;
	struct stat ns, self;
	if (!s->linux.ns[NS_NET].present)
		return err_set(0,
			       "linux.sysctl[\"%s\"]: needs a network namespace, refusing to "
			       "set it in the host's",
			       k);
	if (!path)
		return 0;
	if (stat(path, &ns) < 0)
		return err_set(errno, "linux.sysctl[\"%s\"]: network namespace %s", k, path);
	if (stat("/proc/self/ns/net", &self) < 0)
		return err_set(errno, "linux.sysctl[\"%s\"]: stat /proc/self/ns/net", k);
	if (ns.st_dev == self.st_dev && ns.st_ino == self.st_ino)
		return err_set(0,
			       "linux.sysctl[\"%s\"]: %s is the host's network namespace, "
			       "refusing to set it there",
			       k, path);
	return 0;
}

/* key is the config's spelling (for messages), norm the same with '/' -> '.'. */
static int check_key(const struct spec *s, const char *key, const char *norm)
{
	if (!valid_key(key))
		return err_set(0, "linux.sysctl[\"%s\"]: invalid name", key);
	if (is_ipc_key(norm)) {
		if (!s->linux.ns[NS_IPC].present)
			return err_set(0,
				       "linux.sysctl[\"%s\"]: needs an ipc namespace, refusing "
				       "to set it in the host's",
				       key);
		return 0;
	}
	if (str_has_prefix(norm, "net."))
		return check_netns(s, key);
	bool uts = s->linux.ns[NS_UTS].present;
	if (uts && strcmp(norm, "kernel.domainname") == 0)
		return 0;
	/* runc refuses it even with a uts namespace: "hostname" is the way */
	if (uts && strcmp(norm, "kernel.hostname") == 0)
		return err_set(0,
			       "linux.sysctl[\"%s\"]: conflicts with the \"hostname\" field, "
			       "set that instead",
			       key);
	if (!strcmp(norm, "kernel.domainname") || !strcmp(norm, "kernel.hostname"))
		return err_set(0, "linux.sysctl[\"%s\"]: needs a uts namespace", key);
	return err_set(
	    0, "linux.sysctl[\"%s\"]: not namespaced, refusing to set it in the container", key);
}

int sysctl_validate(const struct spec *s)
{
	for (size_t i = 0; i < s->linux.n_sysctl; i++) {
		const char *key = s->linux.sysctl[i].key;
		_cleanup_free_ char *norm = xstrdup(key);
		for (char *p = norm; (p = strchr(p, '/'));)
			*p++ = '.';
		if (check_key(s, key, norm) < 0)
			return -1;
	}
	return 0;
}

/* /proc/sys, checked to be procfs: the mount table is not the host's any more. */
static int open_proc_sys(void)
{
	_cleanup_close_ int fd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statfs sf;
	if (fd < 0)
		return err_set(errno, "open /proc/sys");
	if (fstatfs(fd, &sf) < 0)
		return err_set(errno, "statfs /proc/sys");
	if (sf.f_type != PROC_SUPER_MAGIC)
		return err_set(0, "/proc/sys is not on procfs");
	return take_fd(&fd);
}

static int write_one(int dirfd, const char *key, const char *value)
{
	_cleanup_free_ char *rel = xstrdup(key);
	for (char *p = rel; (p = strchr(p, '.'));)
		*p++ = '/';
	struct open_how how = {
	    .flags = O_WRONLY | O_CLOEXEC,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	if (fd < 0)
		return err_set(errno, "open /proc/sys/%s", rel);
	if (write_all(fd, value, strlen(value)) < 0)
		return err_set(errno, "write /proc/sys/%s", rel);
	return 0;
}

int sysctl_apply(const struct spec_kv *kv, size_t n)
{
	if (n == 0)
		return 0;
	_cleanup_close_ int dirfd = open_proc_sys();
	if (dirfd < 0)
		return err_prefix("linux.sysctl");
	for (size_t i = 0; i < n; i++)
		if (write_one(dirfd, kv[i].key, kv[i].value) < 0)
			return err_prefix("linux.sysctl[\"%s\"]", kv[i].key);
	return 0;
}
