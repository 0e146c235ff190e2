/* SPDX-License-Identifier: Apache-2.0 */
/* runc-compatible logging: --log FILE, --log-format text|json, --debug.
 * text:  time="2006-01-02T15:04:05Z" level=error msg="..."
 * json:  {"level":"error","msg":"...","time":"2006-01-02T15:04:05Z"} */
#pragma once

#include "util.h"

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* path NULL: log to stderr. Returns -1 when the log file cannot be opened. */
int log_init(const char *path, bool json, bool debug);
bool log_debug_enabled(void);
void log_msg(enum log_level lvl, const char *fmt, ...) PRINTF(2, 3);
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_debug_enabled())                                                           \
			log_msg(LOG_DEBUG, __VA_ARGS__);                                           \
	} while (0)
/* Reports a command's final error as runc does: to the log (formatted) and,
 * when a log file is set, also plainly to stderr. */
void log_fatal(const char *msg);
/* The fd of the log file, or -1. */
int log_fd(void);
/* In a container process once the runtime's fds are closed: nothing more is
 * logged (its stderr is the container's). */
void log_silence(void);
