/* SPDX-License-Identifier: Apache-2.0 */
#include "intelrdt.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "log.h"

/* linux/magic.h has no name for resctrl's */
#define RDTGROUP_SUPER_MAGIC 0x7655821

char *rdt_schemata_text(const struct spec_intel_rdt *t)
{
	size_t len = 1;
	const char *lines[2] = {t->l3_cache_schema, t->mem_bw_schema};
	for (size_t i = 0; i < 2; i++)
		len += lines[i] ? strlen(lines[i]) + 1 : 0;
	for (size_t i = 0; i < t->n_schemata; i++)
		len += strlen(t->schemata[i]) + 1;
	if (len == 1)
		return NULL;
	char *out = xmalloc(len), *w = out;
	for (size_t i = 0; i < 2; i++)
		if (lines[i])
			w += sprintf(w, "%s\n", lines[i]);
	for (size_t i = 0; i < t->n_schemata; i++)
		w += sprintf(w, "%s\n", t->schemata[i]);
	return out;
}

/* The "id=value" of cache id in one schemata line's entries ("0=7f;1=1f"),
 * as a number: hex bitmasks, decimal for MB (percent or MBps). */
static bool entry_value(const char *entries, size_t elen, const char *id, size_t idlen, int base,
			unsigned long long *out)
{
	for (const char *p = entries; p < entries + elen;) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *eq = memchr(p, '=', (size_t)(entries + elen - p));
		if (!eq)
			return false;
		if ((size_t)(eq - p) == idlen && memcmp(p, id, idlen) == 0) {
			*out = strtoull(eq + 1, NULL, base);
			return true;
		}
		const char *semi = memchr(eq, ';', (size_t)(entries + elen - eq));
		if (!semi)
			return false;
		p = semi + 1;
	}
	return false;
}

/* The entries part of have's line for resource res ("L3"), or NULL. */
static const char *find_resource(const char *have, const char *res, size_t rlen, size_t *elen)
{
	for (const char *l = have; l && *l;) {
		while (*l == ' ' || *l == '\t')
			l++;
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (n > rlen && l[rlen] == ':' && memcmp(l, res, rlen) == 0) {
			*elen = n - rlen - 1;
			return l + rlen + 1;
		}
		l = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static bool line_matches(const char *have, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n);
	if (!colon)
		return false;
	size_t rlen = (size_t)(colon - line), hlen;
	const char *hent = find_resource(have, line, rlen, &hlen);
	if (!hent)
		return false;
	int base = rlen == 2 && memcmp(line, "MB", 2) == 0 ? 10 : 16;
	for (const char *p = colon + 1; p < line + n;) {
		const char *eq = memchr(p, '=', (size_t)(line + n - p));
		if (!eq)
			return false;
		unsigned long long want = strtoull(eq + 1, NULL, base), got;
		if (!entry_value(hent, hlen, p, (size_t)(eq - p), base, &got) || got != want)
			return false;
		const char *semi = memchr(eq, ';', (size_t)(line + n - eq));
		p = semi ? semi + 1 : line + n;
	}
	return true;
}

bool rdt_schemata_match(const char *have, const char *want)
{
	for (const char *l = want; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (n && !line_matches(have, l, n))
			return false;
		l += n + (nl ? 1 : 0);
	}
	return true;
}

int rdt_check_mounted(void)
{
	struct statfs sf;
	if (statfs(RDT_ROOT, &sf) < 0 || sf.f_type != RDTGROUP_SUPER_MAGIC)
		return err_set(0, "linux.intelRdt: resctrl is not mounted at " RDT_ROOT);
	return 0;
}

/* As the shell's ">": O_CREAT is a no-op on resctrl's own files, and lets
 * the unit tests run this on a plain directory. */
static int rdt_write(const char *path, const char *data)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_set(errno, "open %s", path);
	if (write_all(fd, data, strlen(data)) < 0)
		return err_set(errno, "write %s", path);
	return 0;
}

static char *group_dir(const char *root, const struct spec_intel_rdt *t, const char *id)
{
	if (t->clos_id && strcmp(t->clos_id, "/") == 0)
		return xstrdup(root);
	return xasprintf("%s/%s", root, t->clos_id ? t->clos_id : id);
}

/* A group we may configure is one we create now; an existing one is
 * somebody's (a pre-configured closID, shared by containers): it must
 * already say what the config asks, and is left as it is. */
static int group_prepare(const char *dir, const struct spec_intel_rdt *t, const char *schemata)
{
	bool created = mkdir(dir, 0755) == 0;
	if (!created && errno != EEXIST)
		return err_set(errno, "linux.intelRdt: create %s", dir);
	if (!schemata)
		return 0;
	_cleanup_free_ char *path = xasprintf("%s/schemata", dir);
	if (created) {
		if (rdt_write(path, schemata) == 0)
			return 0;
		err_prefix("linux.intelRdt: write the schemata");
		if (!t->clos_id || strcmp(t->clos_id, "/") != 0)
			rmdir(dir);
		return -1;
	}
	_cleanup_free_ char *have = NULL;
	if (read_file_at(AT_FDCWD, path, 1 << 20, &have, NULL) < 0)
		return err_prefix("linux.intelRdt");
	if (!rdt_schemata_match(have, schemata))
		return err_set(0, "linux.intelRdt: %s exists with other schemata than the config's",
			       dir);
	return 0;
}

static int write_pid(const char *dir, pid_t pid)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	_cleanup_free_ char *tasks = xasprintf("%s/tasks", dir);
	if (rdt_write(tasks, buf) < 0)
		return err_prefix("linux.intelRdt: add the init to %s", dir);
	return 0;
}

int rdt_apply(const char *root, const struct spec_intel_rdt *t, const char *id, pid_t pid)
{
	_cleanup_free_ char *dir = group_dir(root, t, id);
	_cleanup_free_ char *schemata = rdt_schemata_text(t);
	struct stat sb;
	/* a closID without schemata names a group that must already exist */
	if (t->clos_id && !schemata && stat(dir, &sb) < 0)
		return err_set(errno, "linux.intelRdt.closID: no group %s", dir);
	if (strcmp(dir, root) != 0 && group_prepare(dir, t, schemata) < 0)
		return -1;
	if (write_pid(dir, pid) < 0)
		return -1;
	if (!t->enable_monitoring)
		return 0;
	_cleanup_free_ char *mon = xasprintf("%s/mon_groups/%s", dir, id);
	if (mkdir(mon, 0755) < 0)
		return err_set(errno, "linux.intelRdt.enableMonitoring: create %s", mon);
	return write_pid(mon, pid);
}

void rdt_destroy(const char *root, const struct spec_intel_rdt *t, const char *id)
{
	_cleanup_free_ char *dir = group_dir(root, t, id);
	if (t->enable_monitoring) {
		_cleanup_free_ char *mon = xasprintf("%s/mon_groups/%s", dir, id);
		if (rmdir(mon) < 0 && errno != ENOENT)
			log_warn("linux.intelRdt: remove %s: %s", mon, strerror(errno));
	}
	/* only the group named after the container is ours (config-linux.md) */
	if (!t->clos_id && rmdir(dir) < 0 && errno != ENOENT)
		log_warn("linux.intelRdt: remove %s: %s", dir, strerror(errno));
}
