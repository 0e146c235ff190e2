/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the whole library: cleanup attributes, the error buffer
 * every failing function fills, an arena for config data, small file I/O. */
#pragma once

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF(a, b)  __attribute__((format(printf, a, b)))

/* ---- cleanup attributes ---- */
static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}
static inline void cleanup_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static inline void cleanup_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
void cleanup_strvp(char ***v); /* frees a NULL-terminated malloc'd vector */

#define _cleanup_free_	   __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_	   __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_   __attribute__((cleanup(cleanup_fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(cleanup_closedirp)))
#define _cleanup_strv_	   __attribute__((cleanup(cleanup_strvp)))

/* Hand an fd out of a _cleanup_close_ variable. */
static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
static inline void *take_ptr(void *pp)
{
	void *r = *(void **)pp;
	*(void **)pp = NULL;
	return r;
}

/* ---- errors ----
 * A failing function records why in the process's current error and
 * returns -1: a value (struct corun_err) with the errno that caused it and
 * the text, which callers compose ("create: " ...) as it travels up. It can
 * be taken out and put back whole (the init sends it to corun this way). */
#define ERR_MSG_MAX 4096
enum err_code {
	ERR_NONE = 0,
	ERR_FAILED, /* any recorded failure; errnum says more when nonzero */
};
struct corun_err {
	int code;	       /* enum err_code */
	int errnum;	       /* the errno behind it, 0 if none */
	char msg[ERR_MSG_MAX]; /* NUL-terminated */
};
int err_set(int errnum, const char *fmt, ...) PRINTF(2, 3); /* returns -1; errnum 0 = no strerror */
int err_prefix(const char *fmt, ...) PRINTF(1, 2);	    /* prepends "<ctx>: ", returns -1 */
int err_append(const char *fmt, ...) PRINTF(1, 2);	    /* appends text, returns -1 */
const char *err_msg(void);				    /* "unknown error" when none is set */
int err_errno(void); /* the current error's errno, 0 if none */
bool err_isset(void);
void err_clear(void);
const struct corun_err *err_get(void);
void err_take(struct corun_err *out);	/* copies the current error out and clears it */
int err_put(const struct corun_err *e); /* makes e current (errno too); returns -1 */
/* Best-effort work while an error may be on its way up: runs expr (an int
 * or pointer expression) and then puts the error that was current before
 * back whole, so whatever expr recorded or cleared is forgotten. */
#define ERR_KEEP(expr)                                                                             \
	({                                                                                         \
		__attribute__((cleanup(err_restore))) struct corun_err err_kept_;                  \
		err_copy(&err_kept_);                                                              \
		(expr);                                                                            \
	})
void err_copy(struct corun_err *out);		 /* the current error, which stays */
void err_restore(const struct corun_err *saved); /* err_put, for ERR_KEEP's cleanup */

/* ---- memory ---- */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) PRINTF(1, 2);

/* An arena: many small allocations freed at once (used for parsed config). */
struct arena {
	struct arena_chunk *head;
};
void *arena_alloc(struct arena *a, size_t n); /* zeroed, aborts on OOM */
char *arena_strdup(struct arena *a, const char *s);
void arena_free(struct arena *a);

/* ---- files ---- */
/* Reads a whole file (at most max bytes); NUL-terminates. -1 + err on failure. */
int read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len);
/* read_file_at for files a user or another process could have replaced
 * (config.json, state.json, exec -p): only a regular file of at most max
 * bytes, checked before reading, so a FIFO, a device or a huge file is an
 * error rather than a hang. nofollow: a symbolic link is refused too. */
int read_regular_file_at(int dirfd, const char *path, size_t max, bool nofollow, char **out,
			 size_t *len);
/* Writes data to dirfd/path atomically (temp file + fsync-free rename). */
int write_file_atomic(int dirfd, const char *path, const void *data, size_t len, mode_t mode);
/* Opens, writes and closes; for /proc and /sys knobs. */
int write_file(const char *path, const char *data, size_t len);
int mkdir_p(const char *path, mode_t mode);
/* Writes all of buf, retrying on EINTR and short writes. */
ssize_t write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);

/* ---- strings ---- */
bool str_has_prefix(const char *s, const char *prefix);
size_t strv_len(char *const *v);

/* ---- time ---- */
/* RFC 3339 with nanoseconds in UTC, as runc writes "created": buf >= 40. */
void format_time_rfc3339(char *buf, size_t n, bool with_nanos);

/* ---- /proc files ----
 * procparse.c's readers of /proc/self/mountinfo, /proc/PID/cgroup and
 * /proc/PID/stat open them through these, so that the fuzz targets and unit tests can
 * feed them text: proc_text_set makes the next opens of exactly that path
 * read the given text (path NULL: no more). Never set in corun itself. */
int proc_open(const char *path);    /* open(path, O_RDONLY | O_CLOEXEC) */
FILE *proc_fopen(const char *path); /* fopen(path, "re") */
void proc_text_set(const char *path, const char *text, size_t len);
