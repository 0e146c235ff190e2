/* SPDX-License-Identifier: Apache-2.0 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

/* ---- errors ---- */

static struct corun_err cur;

int err_set(int errnum, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(cur.msg, sizeof(cur.msg), fmt, ap);
	va_end(ap);
	if (errnum && n >= 0 && (size_t)n < sizeof(cur.msg))
		snprintf(cur.msg + n, sizeof(cur.msg) - n, ": %s", strerror(errnum));
	cur.code = ERR_FAILED;
	cur.errnum = errnum;
	/* callers may still look at errno (a retry on ENOENT, say) */
	errno = errnum ? errnum : saved;
	return -1;
}

int err_prefix(const char *fmt, ...)
{
	char ctx[ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(ctx, sizeof(ctx) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	size_t c = strlen(ctx);
	memcpy(ctx + c, ": ", 3);
	c += 2;
	/* what does not fit is cut at the end, never the context */
	size_t old = strnlen(cur.msg, sizeof(cur.msg) - 1);
	if (old + c >= sizeof(cur.msg))
		old = sizeof(cur.msg) - 1 - c;
	memmove(cur.msg + c, cur.msg, old);
	memcpy(cur.msg, ctx, c);
	cur.msg[c + old] = '\0';
	cur.code = cur.code ? cur.code : ERR_FAILED;
	return -1;
}

int err_append(const char *fmt, ...)
{
	size_t n = strnlen(cur.msg, sizeof(cur.msg) - 1);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cur.msg + n, sizeof(cur.msg) - n, fmt, ap);
	va_end(ap);
	cur.code = cur.code ? cur.code : ERR_FAILED;
	return -1;
}

const char *err_msg(void)
{
	return cur.msg[0] ? cur.msg : "unknown error";
}

int err_errno(void)
{
	return cur.errnum;
}

bool err_isset(void)
{
	return cur.code != ERR_NONE;
}

void err_clear(void)
{
	cur.code = ERR_NONE;
	cur.errnum = 0;
	cur.msg[0] = '\0';
}

const struct corun_err *err_get(void)
{
	return &cur;
}

void err_copy(struct corun_err *out)
{
	*out = cur;
}

void err_take(struct corun_err *out)
{
	*out = cur;
	err_clear();
}

int err_put(const struct corun_err *e)
{
	if (e != &cur)
		cur = *e;
	cur.msg[sizeof(cur.msg) - 1] = '\0';
	if (cur.errnum)
		errno = cur.errnum;
	return -1;
}

void err_restore(const struct corun_err *saved)
{
	int e = errno;
	err_put(saved);
	errno = e; /* the kept expression's errno is its caller's to read */
}

/* ---- memory ---- */

static void oom(void)
{
	static const char msg[] = "corun: out of memory\n";
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	char *p;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return p;
}

void cleanup_strvp(char ***v)
{
	if (!*v)
		return;
	for (char **p = *v; *p; p++)
		free(*p);
	free(*v);
}

/* ---- arena ---- */

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define ARENA_CHUNK (16 * 1024)

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	struct arena_chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = xmalloc(sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(a, n);
	memcpy(p, s, n);
	return p;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}

/* ---- files ---- */

ssize_t write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	return (ssize_t)len;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t r = read(fd, p + got, len - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Reads fd to its end, at most max bytes (path names it in errors). */
static int read_fd_all(int fd, const char *path, size_t max, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	_cleanup_free_ char *buf = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap >= max)
				return err_set(0, "read %s: larger than %zu bytes", path, max);
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return err_set(errno, "read %s", path);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max)
		return err_set(0, "read %s: larger than %zu bytes", path, max);
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = take_ptr(&buf);
	return 0;
}

int read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno, "open %s", path);
	return read_fd_all(fd, path, max, out, len);
}

static const char *file_kind(mode_t m)
{
	return S_ISFIFO(m)   ? "a FIFO"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISSOCK(m) ? "a socket"
	       : S_ISLNK(m)  ? "a symbolic link"
			     : "an unknown type";
}

int read_regular_file_at(int dirfd, const char *path, size_t max, bool nofollow, char **out,
			 size_t *len)
{
	/* O_NONBLOCK: opening a FIFO without a writer returns at once
	 * instead of waiting for one; fstat then refuses it */
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (nofollow ? O_NOFOLLOW : 0);
	_cleanup_close_ int fd = openat(dirfd, path, flags);
	if (fd < 0 && errno == ELOOP && nofollow)
		return err_set(0, "open %s: is a symbolic link", path);
	if (fd < 0)
		return err_set(errno, "open %s", path);
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		return err_set(errno, "stat %s", path);
	if (S_ISDIR(sb.st_mode))
		return err_set(EISDIR, "read %s", path); /* runc's words */
	if (!S_ISREG(sb.st_mode))
		return err_set(0, "read %s: not a regular file (%s)", path, file_kind(sb.st_mode));
	if ((uint64_t)sb.st_size > max)
		return err_set(0, "read %s: larger than %zu bytes", path, max);
	return read_fd_all(fd, path, max, out, len);
}

int write_file_atomic(int dirfd, const char *path, const void *data, size_t len, mode_t mode)
{
	/* the temp file sits beside the target so rename stays in one directory */
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *tmp =
	    slash ? xasprintf("%.*s/.%s.tmp", (int)(slash - path), path, slash + 1)
		  : xasprintf(".%s.tmp", path);
	_cleanup_close_ int fd =
	    openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return err_set(errno, "create %s", tmp);
	if (write_all(fd, data, len) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return err_set(e, "write %s", tmp);
	}
	if (renameat(dirfd, tmp, dirfd, path) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return err_set(e, "rename %s", path);
	}
	return 0;
}

int write_file(const char *path, const char *data, size_t len)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno, "open %s", path);
	if (write_all(fd, data, len) < 0)
		return err_set(errno, "write %s", path);
	return 0;
}

int mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return err_set(errno, "mkdir %s", p);
		*s = c;
		if (c == '\0')
			break;
	}
	return 0;
}

/* ---- strings ---- */

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

size_t strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

/* ---- time ---- */

void format_time_rfc3339(char *buf, size_t n, bool with_nanos)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t w = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	if (with_nanos && ts.tv_nsec) {
		/* Go's RFC3339Nano trims trailing zeros; runc's "created" has them trimmed. */
		char frac[16];
		snprintf(frac, sizeof(frac), ".%09ld", ts.tv_nsec);
		size_t l = strlen(frac);
		while (l > 1 && frac[l - 1] == '0')
			frac[--l] = '\0';
		snprintf(buf + w, n - w, "%sZ", frac);
	} else {
		snprintf(buf + w, n - w, "Z");
	}
}

/* ---- /proc files ---- */

static struct {
	char *path, *text;
	size_t len;
} proc_fake;

void proc_text_set(const char *path, const char *text, size_t len)
{
	free(proc_fake.path);
	free(proc_fake.text);
	proc_fake.path = path ? xstrdup(path) : NULL;
	proc_fake.text = path ? xmalloc(len + 1) : NULL;
	if (path)
		memcpy(proc_fake.text, text, len);
	proc_fake.len = len;
}

int proc_open(const char *path)
{
	if (!proc_fake.path || strcmp(path, proc_fake.path))
		return open(path, O_RDONLY | O_CLOEXEC);
	int fd = memfd_create("proc_fake", MFD_CLOEXEC);
	if (fd < 0 || write_all(fd, proc_fake.text, proc_fake.len) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

FILE *proc_fopen(const char *path)
{
	int fd = proc_open(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "re");
	if (!f && fd >= 0)
		close(fd);
	return f;
}
