/* SPDX-License-Identifier: Apache-2.0 */
/* The config.json `corun spec` writes: "sh" on a terminal in a read-only
 * "rootfs", the usual pseudo filesystems, a minimal capability set, and
 * the masked and read-only /proc and /sys paths. --rootless adds a user
 * namespace mapping the caller to root and leaves out what an unprivileged
 * user cannot set up: a network namespace, a devices cgroup, sysfs, gid 5.
 * On a cgroup v2 host, as runc's, the container has its cgroup namespace. */
#include <jansson.h>
#include <stdarg.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "json.h"
#include "spec.h"

/* A JSON array of the strings given, up to a NULL. */
static json_t *strs(const char *first, ...)
{
	json_t *a = json_array();
	va_list ap;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		json_array_append_new(a, json_string(s));
	va_end(ap);
	return a;
}

static json_t *process(void)
{
	json_t *p = json_object();
	json_object_set_new(p, "terminal", json_true());
	json_object_set_new(p, "user", json_pack("{s:i,s:i}", "uid", 0, "gid", 0));
	json_object_set_new(p, "args", strs("sh", NULL));
	json_object_set_new(
	    p, "env",
	    strs("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
		 NULL));
	json_object_set_new(p, "cwd", json_string("/"));
	/* the same small set in every set but inheritable, which stays empty */
	static const char *const sets[] = {"bounding", "effective", "permitted", "ambient"};
	json_t *caps = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
		json_object_set_new(
		    caps, sets[i],
		    strs("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL));
	json_object_set_new(p, "capabilities", caps);
	json_object_set_new(
	    p, "rlimits",
	    json_pack("[{s:s,s:i,s:i}]", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024));
	json_object_set_new(p, "noNewPrivileges", json_true());
	return p;
}

static json_t *mnt(const char *dest, const char *type, const char *src, json_t *opts)
{
	json_t *m = json_pack("{s:s,s:s,s:s}", "destination", dest, "type", type, "source", src);
	if (opts)
		json_object_set_new(m, "options", opts);
	return m;
}

static json_t *mounts(bool rootless)
{
	json_t *a = json_array();
	json_array_append_new(a, mnt("/proc", "proc", "proc", NULL));
	json_array_append_new(a,
			      mnt("/dev", "tmpfs", "tmpfs",
				  strs("nosuid", "strictatime", "mode=755", "size=65536k", NULL)));
	json_t *pts = strs("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL);
	if (!rootless) /* no group 5 is mapped in a rootless user namespace */
		json_array_append_new(pts, json_string("gid=5"));
	json_array_append_new(a, mnt("/dev/pts", "devpts", "devpts", pts));
	json_array_append_new(
	    a, mnt("/dev/shm", "tmpfs", "shm",
		   strs("nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL)));
	json_array_append_new(
	    a, mnt("/dev/mqueue", "mqueue", "mqueue", strs("nosuid", "noexec", "nodev", NULL)));
	/* sysfs cannot be mounted without owning the network namespace */
	if (rootless)
		json_array_append_new(a,
				      mnt("/sys", "none", "/sys",
					  strs("rbind", "nosuid", "noexec", "nodev", "ro", NULL)));
	else
		json_array_append_new(a, mnt("/sys", "sysfs", "sysfs",
					     strs("nosuid", "noexec", "nodev", "ro", NULL)));
	json_array_append_new(a, mnt("/sys/fs/cgroup", "cgroup", "cgroup",
				     strs("nosuid", "noexec", "nodev", "relatime", "ro", NULL)));
	return a;
}

static json_t *idmap(unsigned id)
{
	return json_pack("[{s:i,s:I,s:i}]", "containerID", 0, "hostID", (json_int_t)id, "size", 1);
}

static json_t *linux_section(bool rootless)
{
	json_t *l = json_object();
	if (rootless) {
		json_object_set_new(l, "uidMappings", idmap(geteuid()));
		json_object_set_new(l, "gidMappings", idmap(getegid()));
	} else {
		json_object_set_new(
		    l, "resources",
		    json_pack("{s:[{s:b,s:s}]}", "devices", "allow", 0, "access", "rwm"));
	}
	json_t *ns = json_array();
	static const char *const types[] = {"pid",   "network", "ipc", "uts",
					    "mount", "cgroup",	"user"};
	/* as runc's: a cgroup namespace on a cgroup v2 (unified) host only */
	struct statfs fs;
	bool v2 = statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		bool net = i == 1, cgroup = i == 5, user = i == 6;
		if ((net && rootless) || (cgroup && !v2) || (user && !rootless))
			continue;
		json_array_append_new(ns, json_pack("{s:s}", "type", types[i]));
	}
	json_object_set_new(l, "namespaces", ns);
	json_object_set_new(l, "maskedPaths",
			    strs("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
				 "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
				 "/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL));
	json_object_set_new(
	    l, "readonlyPaths",
	    strs("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL));
	return l;
}

char *spec_default_json(bool rootless)
{
	json_t *root = json_object();
	json_object_set_new(root, "ociVersion", json_string("1.3.0"));
	json_object_set_new(root, "process", process());
	json_object_set_new(root, "root", json_pack("{s:s,s:b}", "path", "rootfs", "readonly", 1));
	json_object_set_new(root, "hostname", json_string("corun"));
	json_object_set_new(root, "mounts", mounts(rootless));
	json_object_set_new(root, "linux", linux_section(rootless));
	char *text = jdump_tabs(root);
	json_decref(root);
	if (!text)
		abort(); /* only OOM makes a dump of our own document fail */
	return text;
}
