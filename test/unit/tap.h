/* SPDX-License-Identifier: Apache-2.0 */
/* A minimal TAP producer for the unit tests (meson runs them with
 * protocol: 'tap'). One test program = one .c file including this.
 *
 *   ok(cond, "what %d", x);          -> "ok N - what 1" / "not ok N - what 1"
 *   is_str(got, want, "what");       -> like ok, with a diagnostic on mismatch
 *   is_int(got, want, "what");
 *   diag("note");                    -> "# note"
 *   return done_testing();           -> prints "1..N" (unless plan() was
 *                                       called), returns the exit code */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;
static bool tap_planned;

__attribute__((format(printf, 1, 2))) static inline void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputs("\n", stdout);
	va_end(ap);
	fflush(stdout);
}

static inline void plan(int n)
{
	tap_planned = true;
	printf("1..%d\n", n);
	fflush(stdout);
}

static inline bool tap_vok(bool cond, const char *fmt, va_list ap)
{
	printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
	vprintf(fmt, ap);
	fputs("\n", stdout);
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

__attribute__((format(printf, 2, 3))) static inline bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

__attribute__((format(printf, 3, 4))) static inline bool is_str(const char *got, const char *want,
								const char *fmt, ...)
{
	bool same = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok(same, fmt, ap);
	va_end(ap);
	if (!same) {
		diag("     got: %s%s%s", got ? "\"" : "", got ? got : "NULL", got ? "\"" : "");
		diag("expected: %s%s%s", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
	}
	return r;
}

__attribute__((format(printf, 3, 4))) static inline bool is_int(long long got, long long want,
								const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok(got == want, fmt, ap);
	va_end(ap);
	if (got != want) {
		diag("     got: %lld", got);
		diag("expected: %lld", want);
	}
	return r;
}

/* Exit status for main: 0 when every test passed. */
static inline int done_testing(void)
{
	if (!tap_planned)
		printf("1..%d\n", tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}
