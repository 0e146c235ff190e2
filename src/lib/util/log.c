/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

static int log_file = -1; /* -1: stderr */
static bool log_json;
static bool log_debug_on;
static bool log_file_stderr; /* log_file is our own copy of stderr */
static bool log_closed;	     /* the init let go of the log: say nothing more */
static char log_prefix[32];  /* "init: " in the container init */

int log_init(const char *path, bool json, bool debug)
{
	log_json = json;
	log_debug_on = debug;
	if (!path || !*path || strcmp(path, "/dev/stderr") == 0)
		return 0;
	log_file = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (log_file < 0)
		return err_set(errno, "open log file %s", path);
	return 0;
}

bool log_debug_enabled(void)
{
	return log_debug_on;
}

int log_fd(void)
{
	return log_file;
}

void log_pin_stderr(void)
{
	if (log_file >= 0 || log_closed)
		return;
	int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return;
	log_file = fd;
	log_file_stderr = true;
}

void log_close(void)
{
	if (log_file >= 0)
		close(log_file);
	log_file = -1;
	log_closed = true;
}

void log_set_prefix(const char *prefix)
{
	snprintf(log_prefix, sizeof(log_prefix), "%s", prefix);
}

static const char *level_name(enum log_level l)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	return names[l];
}

/* Escapes s for a JSON string or a Go %q-style quoted text value; both
 * need the same escapes for the characters we may meet. */
static void escape(char *out, size_t n, const char *s)
{
	size_t o = 0;
	for (; *s && o + 7 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c == '\t') {
			out[o++] = '\\';
			out[o++] = 't';
		} else if (c < 0x20) {
			o += (size_t)snprintf(out + o, n - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

static void log_write(enum log_level lvl, const char *msg)
{
	char when[64], esc[8192], line[8400];
	if (log_closed)
		return;
	format_time_rfc3339(when, sizeof(when), false);
	escape(esc, sizeof(esc), msg);
	int n;
	if (log_json)
		n = snprintf(line, sizeof(line),
			     "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n", level_name(lvl),
			     esc, when);
	else
		n = snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=\"%s\"\n", when,
			     level_name(lvl), esc);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	int saved = errno;
	(void)write_all(log_file >= 0 ? log_file : STDERR_FILENO, line, (size_t)n);
	errno = saved;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;
	size_t n = strlen(log_prefix);
	memcpy(msg, log_prefix, n + 1);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	log_write(lvl, msg);
}

void log_fatal(const char *msg)
{
	log_write(LOG_ERROR, msg);
	if (log_file >= 0 && !log_file_stderr) {
		/* engines read the reason from stderr too */
		dprintf(STDERR_FILENO, "%s\n", msg);
	}
}
