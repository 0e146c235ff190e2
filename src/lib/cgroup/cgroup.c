/* SPDX-License-Identifier: Apache-2.0 */
/* Driver selection, the cgroup path, and helpers every driver needs:
 * cgroup.procs, removal of a cgroup directory, the device rule list. */
#include "cgroup.h"
#include "cgroup_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <linux/magic.h>
#include <sys/mount.h>

#include "mount_opts.h"
#include "procparse.h"

/* Validates a configured cgroup path and gives its canonical form: no
 * empty or "." components, no trailing slash; ".." is refused so the path
 * cannot climb out of the hierarchy (or out of our own cgroup). */
int cgroup_path_clean(const char *in, char **out)
{
	size_t len = strlen(in);
	if (len == 0)
		return err_set(0, "cgroupsPath: empty");
	if (len >= PATH_MAX)
		return err_set(0, "cgroupsPath: longer than %d bytes", PATH_MAX - 1);
	_cleanup_free_ char *buf = xmalloc(len + 2);
	size_t o = 0;
	if (in[0] == '/')
		buf[o++] = '/';
	for (const char *s = in; *s;) {
		while (*s == '/')
			s++;
		size_t n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.')) {
			s += n;
			continue;
		}
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return err_set(0, "cgroupsPath \"%s\": \"..\" is not allowed", in);
		if (n > NAME_MAX)
			return err_set(0, "cgroupsPath \"%s\": a component is longer than %d bytes",
				       in, NAME_MAX);
		for (size_t i = 0; i < n; i++)
			/* /proc/PID/cgroup is line based: keep names on one line */
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				return err_set(0, "cgroupsPath \"%s\": control character", in);
		if (o && buf[o - 1] != '/')
			buf[o++] = '/';
		memcpy(buf + o, s, n);
		o += n;
		s += n;
	}
	buf[o] = '\0';
	if (o == 0 || (o == 1 && buf[0] == '/'))
		return err_set(0, "cgroupsPath \"%s\": names no cgroup below the root", in);
	*out = take_ptr(&buf);
	return 0;
}

const struct cgroup_support cgroup_support = {
    .v1 = true,
    .v2 = true,
#ifdef HAVE_SYSTEMD
    .systemd = true,
    .systemd_user = true, /* the user's manager, for a rootless container */
#endif
    .rdma = true,
};

int cgroup_fs_driver(const struct cgroup_driver **out)
{
	struct statfs fs;
	if (statfs("/sys/fs/cgroup", &fs) < 0)
		return err_set(errno, "statfs /sys/fs/cgroup");
	*out = fs.f_type == CGROUP2_SUPER_MAGIC ? &cgroup_v2_driver : &cgroup_v1_driver;
	return 0;
}

int cgroup_init(struct cgroup *cg, const char *cgroups_path, const char *id, bool systemd)
{
	memset(cg, 0, sizeof(*cg));
	const char *given = cgroups_path && *cgroups_path ? cgroups_path : NULL;
	if (systemd) {
		if (!cgroup_support.systemd)
			return err_set(0, "--systemd-cgroup is not supported: corun was built "
					  "without the libsystemd headers");
#ifdef HAVE_SYSTEMD
		cg->drv = &cgroup_systemd_driver;
#endif
		cg->path = given ? xstrdup(given) : xasprintf(":corun:%s", id);
	} else {
		/* without a configured path, runc uses the id under its own cgroup */
		_cleanup_free_ char *clean = NULL;
		if (cgroup_path_clean(given ? given : id, &clean) < 0 ||
		    cgroup_fs_driver(&cg->drv) < 0)
			return -1;
		cg->path = take_ptr(&clean);
	}
	if (cg->drv->init(cg) < 0) {
		cgroup_fini(cg);
		return -1;
	}
	return 0;
}

void cgroup_fini(struct cgroup *cg)
{
	if (cg->drv && cg->drv->fini)
		cg->drv->fini(cg);
	free(cg->path);
	memset(cg, 0, sizeof(*cg));
}

int cgroup_file_read(const char *dir, const char *file, char **out)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	size_t len;
	if (read_file_at(AT_FDCWD, p, 1 << 20, out, &len) < 0)
		return -1;
	while (len && (*out)[len - 1] == '\n')
		(*out)[--len] = '\0';
	return 0;
}

int cgroup_file_write(const char *dir, const char *file, const char *val)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write_all(fd, val, strlen(val)) < 0)
		return err_set(errno, "write \"%s\" to %s", val, p);
	return 0;
}

bool cgroup_is_systemd(const struct cgroup *cg)
{
#ifdef HAVE_SYSTEMD
	return cg->drv == &cgroup_systemd_driver;
#else
	(void)cg;
	return false;
#endif
}

/* Appends the pids of dir/cgroup.procs and of its sub-cgroups (exec
 * --cgroup makes some) to v. */
static int procs_collect(const char *dir, int depth, pid_t **v, size_t *cnt, size_t *cap)
{
	_cleanup_free_ char *p = xasprintf("%s/cgroup.procs", dir);
	_cleanup_fclose_ FILE *f = fopen(p, "re");
	int pid;
	if (!f)
		return errno == ENOENT ? 0 : err_set(errno, "open %s", p);
	while (fscanf(f, "%d", &pid) == 1) {
		if (*cnt == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*v = xrealloc(*v, *cap * sizeof(**v));
		}
		(*v)[(*cnt)++] = pid;
	}
	if (ferror(f))
		return err_set(errno, "read %s", p);
	if (depth >= 16)
		return 0;
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.') {
			_cleanup_free_ char *sub = xasprintf("%s/%s", dir, e->d_name);
			if (procs_collect(sub, depth + 1, v, cnt, cap) < 0)
				return -1;
		}
	return 0;
}

int cgroup_procs_read(const char *dir, pid_t **out, size_t *n)
{
	_cleanup_free_ pid_t *v = NULL;
	size_t cap = 0, cnt = 0;
	*out = NULL;
	*n = 0;
	if (procs_collect(dir, 0, &v, &cnt, &cap) < 0)
		return -1;
	*out = take_ptr(&v);
	*n = cnt;
	return 0;
}

static bool pid_in(const pid_t *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return true;
	return false;
}

/* Signals every process of the cgroup, going round again while new ones
 * show up (a process may fork between the read and the kill). */
int cgroup_kill_procs(const char *dir, int sig)
{
	_cleanup_free_ pid_t *done = NULL;
	size_t n_done = 0;
	for (int round = 0; round < 1000; round++) {
		_cleanup_free_ pid_t *v = NULL;
		size_t n, fresh = 0;
		if (cgroup_procs_read(dir, &v, &n) < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			if (pid_in(done, n_done, v[i]))
				continue;
			if (kill(v[i], sig) < 0 && errno != ESRCH)
				return err_set(errno, "kill %d", (int)v[i]);
			done = xrealloc(done, (n_done + 1) * sizeof(*done));
			done[n_done++] = v[i];
			fresh++;
		}
		if (!fresh)
			return 0;
	}
	return err_set(0, "kill the processes of %s: they keep forking", dir);
}

/* Removes the cgroup NAME in PARENT_FD with its child cgroups (which a
 * container may have made); depth-limited, the tree is the container's. */
static int rmdir_tree(int parent_fd, const char *name, int depth)
{
	if (depth > 64)
		return errno = ELOOP, -1;
	int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d));)
		if (e->d_type == DT_DIR && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			rc = rmdir_tree(dirfd(d), e->d_name, depth + 1);
	int saved = errno;
	closedir(d);
	if (rc < 0)
		return errno = saved, -1;
	return unlinkat(parent_fd, name, AT_REMOVEDIR);
}

int64_t cgroup_deadline(int ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000 + ms;
}

/* Whether pid is alive and not on its way out: not exiting (PF_EXITING,
 * which a dying pid-namespace init keeps while it sleeps reaping its
 * namespace), no SIGKILL pending. Such a task keeps its cgroup busy for
 * good: someone else's, put there by hand. */
static bool pid_staying(pid_t pid)
{
	char path[64];
	_cleanup_free_ char *stat = NULL, *status = NULL;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (ERR_KEEP(proc_text_read(path, 4096, &stat)) < 0)
		return false;
	size_t sl = 0, fl = 0;
	const char *state = proc_stat_field(stat, 3, &sl), *flags = proc_stat_field(stat, 9, &fl);
	if (!state || !flags || sl != 1 || fl == 0)
		return false;
	if (strchr("ZXx", *state) || (strtoul(flags, NULL, 10) & 0x4 /* PF_EXITING */))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (ERR_KEEP(proc_text_read(path, 8192, &status)) < 0)
		return false;
	/* pending for the thread or for the whole process */
	unsigned long long mask;
	if (proc_status_hex(status, "SigPnd", &mask) && (mask & (1ULL << (SIGKILL - 1))))
		return false;
	if (proc_status_hex(status, "ShdPnd", &mask) && (mask & (1ULL << (SIGKILL - 1))))
		return false;
	return true;
}

static bool holds_staying_process(const char *dir)
{
	_cleanup_free_ pid_t *v = NULL;
	size_t n = 0;
	if (ERR_KEEP(cgroup_procs_read(dir, &v, &n)) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (pid_staying(v[i]))
			return true;
	return false;
}

int cgroup_remove(const char *dir, const char *stop, int64_t deadline)
{
	_cleanup_free_ char *p = xstrdup(dir);
	char *slash = strrchr(p, '/');
	if (!slash || slash == p)
		return err_set(0, "remove cgroup %s: not below a hierarchy", dir);
	*slash = '\0';
	_cleanup_close_ int parent = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (parent < 0)
		return errno == ENOENT ? 0 : err_set(errno, "open %s", p);
	/* EBUSY while killed tasks finish exiting: one stuck in I/O (a blkio
	 * throttle, a slow disk) can take seconds. A process that is not
	 * leaving, seen twice 50 ms apart, will not: say so now, as runc. */
	int staying = 0;
	for (int round = 0; rmdir_tree(parent, slash + 1, 0) < 0; round++) {
		int e = errno;
		if (e == ENOENT)
			break;
		if (e != EBUSY || cgroup_deadline(0) >= deadline ||
		    (round % 5 == 0 &&
		     (staying = holds_staying_process(dir) ? staying + 1 : 0) > 1))
			return err_set(e, "remove cgroup %s", dir);
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	/* parents: best effort, the first busy or foreign one ends the walk */
	if (!stop)
		return 0;
	size_t keep = strlen(stop);
	while (strlen(p) > keep && str_has_prefix(p, stop) && p[keep] == '/' && rmdir(p) == 0)
		*strrchr(p, '/') = '\0';
	return 0;
}

/* ---- device rules ----
 * The devices controller keeps a default (allow or deny all) and a list of
 * exceptions. We replay the rules the way the kernel would apply them one
 * by one, then write the outcome in one go, sorted as runc does, so
 * devices.list reads the same as under runc. */

struct dev_state {
	bool allow; /* the default */
	struct cgroup_dev_ex *ex;
	size_t n;
};

/* What runc always allows on top of the config's rules: mknod of
 * anything, the standard character devices, the pty master and slaves,
 * and /dev/net/tun. */
static const struct spec_devrule default_rules[] = {
    {true, 'c', -1, -1, "m"}, {true, 'b', -1, -1, "m"},	   {true, 'c', 1, 3, "rwm"},
    {true, 'c', 1, 8, "rwm"}, {true, 'c', 1, 7, "rwm"},	   {true, 'c', 5, 0, "rwm"},
    {true, 'c', 1, 5, "rwm"}, {true, 'c', 1, 9, "rwm"},	   {true, 'c', 136, -1, "rwm"},
    {true, 'c', 5, 2, "rwm"}, {true, 'c', 10, 200, "rwm"},
};

static unsigned acc_bits(const char *a)
{
	unsigned b = 0;
	for (; *a; a++)
		b |= *a == 'r' ? 1 : *a == 'w' ? 2 : *a == 'm' ? 4 : 0;
	return b ? b : 7; /* unset access means all */
}

static void dev_apply(struct dev_state *st, const struct spec_devrule *r)
{
	if (r->type == 'a' || r->type == 0) {
		st->allow = r->allow;
		st->n = 0;
		return;
	}
	unsigned acc = acc_bits(r->access);
	size_t i = 0;
	while (i < st->n && !(st->ex[i].type == r->type && st->ex[i].major == r->major &&
			      st->ex[i].minor == r->minor))
		i++;
	if (r->allow != st->allow) { /* an exception to the default: add */
		if (i == st->n) {
			st->ex = xrealloc(st->ex, (st->n + 1) * sizeof(*st->ex));
			st->ex[st->n++] = (struct cgroup_dev_ex){r->type, r->major, r->minor, 0};
		}
		st->ex[i].acc |= acc;
	} else if (i < st->n && !(st->ex[i].acc &= ~acc)) { /* as the default: drop */
		memmove(&st->ex[i], &st->ex[i + 1], (st->n - i - 1) * sizeof(*st->ex));
		st->n--;
	}
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int dev_ex_cmp(const void *pa, const void *pb)
{
	const struct cgroup_dev_ex *a = pa, *b = pb;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->major != b->major)
		return cmp_i64(a->major, b->major);
	return cmp_i64(a->minor, b->minor);
}

static char *dev_ex_format(const char *verb, const struct cgroup_dev_ex *e)
{
	char maj[24] = "*", min[24] = "*", acc[4];
	size_t n = 0;
	if (e->major >= 0)
		snprintf(maj, sizeof(maj), "%lld", (long long)e->major);
	if (e->minor >= 0)
		snprintf(min, sizeof(min), "%lld", (long long)e->minor);
	for (unsigned bit = 0; bit < 3; bit++)
		if (e->acc & (1u << bit))
			acc[n++] = "rwm"[bit];
	acc[n] = '\0';
	return xasprintf("%s %c %s:%s %s", verb, e->type, maj, min, acc);
}

/* The writes that give a cgroup the config's rules plus runc's defaults,
 * starting from deny-all: "deny a" or "allow a" first, then one
 * "allow c 1:3 rwm" / "deny ..." per exception. NULL-terminated, malloc'd;
 * "allow"/"deny" name the devices.allow/devices.deny file. */
bool cgroup_device_rules(const struct spec_devrule *rules, size_t n, struct cgroup_dev_ex **ex,
			 size_t *n_ex)
{
	struct dev_state st = {0};
	for (size_t i = 0; i < n; i++)
		dev_apply(&st, &rules[i]);
	for (size_t i = 0; i < ARRAY_SIZE(default_rules); i++)
		dev_apply(&st, &default_rules[i]);
	if (st.n)
		qsort(st.ex, st.n, sizeof(*st.ex), dev_ex_cmp);
	*ex = st.ex;
	*n_ex = st.n;
	return st.allow;
}

char **cgroup_device_writes(const struct spec_devrule *rules, size_t n)
{
	struct dev_state st = {0};
	st.allow = cgroup_device_rules(rules, n, &st.ex, &st.n);
	char **v = xcalloc(st.n + 2, sizeof(*v));
	v[0] = xstrdup(st.allow ? "allow a" : "deny a");
	for (size_t i = 0; i < st.n; i++)
		v[i + 1] = dev_ex_format(st.allow ? "deny" : "allow", &st.ex[i]);
	free(st.ex);
	return v;
}

/* The mount runtime-spec names: source "cgroup" at /sys/fs/cgroup, not
 * read-only. */
static bool rw_cgroup_mount(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		if (!m->source || strcmp(m->source, "cgroup") ||
		    strcmp(m->destination, "/sys/fs/cgroup"))
			continue;
		if (!(m->opts.flags & MS_RDONLY))
			return true;
	}
	return false;
}

int cgroup_delegate(struct cgroup *cg, const struct spec *s)
{
	const struct spec_namespace *cgns = &s->linux.ns[NS_CGROUP];
	if (!cg->drv || !cg->drv->delegate || !cgns->present || cgns->path || !rw_cgroup_mount(s))
		return 0;
	/* the owner: the host uid of the process's user; without a user
	 * namespace mapping it there is no one to hand the cgroup to */
	uint32_t uid = s->process ? s->process->user.uid : 0;
	for (size_t i = 0; i < s->linux.n_uid_mappings; i++) {
		const struct spec_idmap *m = &s->linux.uid_mappings[i];
		if (uid >= m->container_id && uid - m->container_id < m->size)
			return cg->drv->delegate(cg, m->host_id + (uid - m->container_id));
	}
	return 0;
}

bool cgroup_frozen_text(const char *text)
{
	/* v1 freezer.state reads FROZEN (FREEZING is not there yet); v2
	 * cgroup.freeze reads 1 */
	return str_has_prefix(text, "FROZEN") || !strcmp(text, "1") || !strcmp(text, "1\n");
}

char *cgroup_rdma_line(const struct spec_rdma *d)
{
	char hh[16] = "max", ho[16] = "max";
	if (d->has_hca_handles)
		snprintf(hh, sizeof(hh), "%u", d->hca_handles);
	if (d->has_hca_objects)
		snprintf(ho, sizeof(ho), "%u", d->hca_objects);
	return xasprintf("%s hca_handle=%s hca_object=%s", d->device, hh, ho);
}
