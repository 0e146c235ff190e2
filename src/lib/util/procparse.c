/* SPDX-License-Identifier: Apache-2.0 */
#include "procparse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* ---- text ---- */

/* The next blank-separated word of *s, NUL-terminated in place, *s moved
 * past it; NULL at the end. Runs of blanks count as one, as the old
 * strtok-based readers had it. */
static char *next_word(char **s)
{
	char *p = *s + strspn(*s, " ");
	size_t n = strcspn(p, " ");
	if (n == 0) {
		*s = p;
		return NULL;
	}
	*s = p + n + (p[n] == ' ');
	p[n] = '\0';
	return p;
}

/* Cuts the next line out of *pos (in place) and moves *pos past it. */
static char *next_line(char **pos)
{
	char *line = *pos;
	size_t n = strcspn(line, "\n");
	*pos = line + n + (line[n] == '\n');
	line[n] = '\0';
	return line;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

void mountinfo_unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		/* \ooo up to \377: one byte */
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && is_octal(r[2]) &&
		    is_octal(r[3])) {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* ---- mountinfo ---- */

int mountinfo_parse_line(char *line, struct mountinfo_entry *e)
{
	*e = (struct mountinfo_entry){0};
	line[strcspn(line, "\n")] = '\0';
	/* the first " - ": the fields before it are escaped, so hold no blank
	 * of their own, and the optional fields are tags such as shared:N */
	char *sep = strstr(line, " - ");
	if (!sep)
		return -1;
	*sep = '\0';
	char *rest = sep + 3, *f[6];
	for (size_t i = 0; i < 6; i++)
		if (!(f[i] = next_word(&line)))
			return -1;
	e->optional = line + strspn(line, " ");
	e->fstype = next_word(&rest);
	e->source = next_word(&rest);
	e->super_options = next_word(&rest);
	if (!e->super_options)
		return -1;
	e->id = strtoull(f[0], NULL, 10);
	e->parent = strtoull(f[1], NULL, 10);
	e->root = f[3];
	e->mount_point = f[4];
	e->options = f[5];
	mountinfo_unescape(e->root);
	mountinfo_unescape(e->mount_point);
	mountinfo_unescape(e->fstype);
	mountinfo_unescape(e->source);
	return 0;
}

bool mountinfo_next(char **pos, struct mountinfo_entry *e)
{
	while (**pos) {
		char *line = next_line(pos);
		if (mountinfo_parse_line(line, e) == 0)
			return true;
	}
	return false;
}

bool mountinfo_has_optional(const struct mountinfo_entry *e, const char *tag)
{
	size_t tl = strlen(tag);
	for (const char *p = e->optional; *p;) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		if (n >= tl && !strncmp(p, tag, tl))
			return true;
		p += n;
	}
	return false;
}

int mountinfo_read(mountinfo_fn fn, void *ud)
{
	_cleanup_fclose_ FILE *f = proc_fopen("/proc/self/mountinfo");
	if (!f)
		return err_set(errno, "open /proc/self/mountinfo");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	/* line by line: a host with many mounts has a large table */
	while (getline(&line, &cap, f) > 0) {
		struct mountinfo_entry e;
		if (mountinfo_parse_line(line, &e) < 0)
			continue;
		int r = fn(&e, ud);
		if (r)
			return r < 0 ? -1 : 0;
	}
	return 0;
}

/* ---- /proc/PID/cgroup ---- */

int proc_cgroup_parse_line(char *line, struct proc_cgroup_entry *e)
{
	line[strcspn(line, "\n")] = '\0';
	char *c = strchr(line, ':'), *p = c ? strchr(c + 1, ':') : NULL;
	if (!p)
		return -1;
	*c = *p = '\0';
	*e = (struct proc_cgroup_entry){.id = line, .controllers = c + 1, .path = p + 1};
	return 0;
}

bool proc_cgroup_next(char **pos, struct proc_cgroup_entry *e)
{
	while (**pos) {
		char *line = next_line(pos);
		if (proc_cgroup_parse_line(line, e) == 0)
			return true;
	}
	return false;
}

bool proc_cgroup_is_v2(const struct proc_cgroup_entry *e)
{
	return !strcmp(e->id, "0") && !*e->controllers;
}

char *proc_self_cgroup(bool (*match)(const struct proc_cgroup_entry *e, const void *ud),
		       const void *ud)
{
	_cleanup_free_ char *text = NULL;
	if (ERR_KEEP(proc_text_read("/proc/self/cgroup", 1 << 20, &text)) < 0)
		return xstrdup("");
	struct proc_cgroup_entry e;
	for (char *pos = text; proc_cgroup_next(&pos, &e);)
		if (match(&e, ud))
			return xstrdup(strcmp(e.path, "/") ? e.path : "");
	return xstrdup("");
}

/* ---- /proc/PID/status ---- */

const char *proc_status_field(const char *text, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	for (const char *l = text; *l;) {
		size_t ll = strcspn(l, "\n");
		if (ll > nl && !strncmp(l, name, nl) && l[nl] == ':') {
			const char *v = l + nl + 1;
			v += strspn(v, " \t");
			*len = (size_t)(l + ll - v);
			return v;
		}
		l += ll + (l[ll] == '\n');
	}
	return NULL;
}

bool proc_status_hex(const char *text, const char *name, unsigned long long *out)
{
	size_t len = 0;
	const char *v = proc_status_field(text, name, &len);
	if (!v || len == 0 || len > 16 || strspn(v, "0123456789abcdefABCDEF") < len)
		return false;
	*out = strtoull(v, NULL, 16);
	return true;
}

/* ---- /proc/PID/stat ---- */

const char *proc_stat_field(const char *text, int n, size_t *len)
{
	const char *t = strrchr(text, ')');
	if (n < 3 || !t || t[1] != ' ')
		return NULL;
	t += 2; /* field 3 */
	for (int field = 3; field < n; field++) {
		t = strchr(t, ' ');
		if (!t)
			return NULL;
		t++;
	}
	*len = strcspn(t, " \n");
	return t;
}

/* ---- files ---- */

/* /proc/PID/stat in one read, as the kernel makes it; err untouched (a
 * process that is gone is an answer, not an error). */
static bool read_stat(pid_t pid, char *buf, size_t n)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = pid > 0 ? proc_open(path) : -1;
	if (fd < 0)
		return false;
	ssize_t r = read(fd, buf, n - 1);
	if (r <= 0)
		return false;
	buf[r] = '\0';
	return true;
}

unsigned long long proc_start_time(pid_t pid)
{
	char buf[1024];
	size_t len;
	const char *v = read_stat(pid, buf, sizeof(buf)) ? proc_stat_field(buf, 22, &len) : NULL;
	return v ? strtoull(v, NULL, 10) : 0;
}

char proc_state(pid_t pid)
{
	char buf[1024];
	size_t len;
	const char *v = read_stat(pid, buf, sizeof(buf)) ? proc_stat_field(buf, 3, &len) : NULL;
	return v ? v[0] : 0;
}

int proc_text_read(const char *path, size_t max, char **out)
{
	_cleanup_close_ int fd = proc_open(path);
	if (fd < 0)
		return err_set(errno, "open %s", path);
	/* procfs files have no size: read until EOF */
	size_t cap = 4096, n = 0;
	_cleanup_free_ char *buf = xmalloc(cap);
	for (;;) {
		if (n + 1 == cap) {
			if (n >= max)
				return err_set(EFBIG, "read %s: more than %zu bytes", path, max);
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(errno, "read %s", path);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max)
		return err_set(EFBIG, "read %s: more than %zu bytes", path, max);
	buf[n] = '\0';
	*out = buf;
	buf = NULL;
	return 0;
}
