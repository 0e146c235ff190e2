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
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
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
/* With --debug and no --log: log to a private copy of stderr, so that the
 * container init's lines still reach it once its stderr is the container's
 * (a pty). */
void log_pin_stderr(void);
/* The init lets go of the log (before it waits for start): nothing more is
 * written, by it or anything it execs. */
void log_close(void);
/* Put before every message from now on ("init: "). */
void log_set_prefix(const char *prefix);
