/* SPDX-License-Identifier: Apache-2.0 */
#include "cpulist.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

struct range {
	unsigned long lo, hi;
};

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* A decimal number at *s; strtoul alone would also take signs and "0x". */
static int parse_num(const char **s, unsigned long *out)
{
	const char *p = skip_blanks(*s);
	char *end;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	*out = strtoul(p, &end, 10);
	if (errno == ERANGE)
		*out = ULONG_MAX; /* caught by the limit check */
	*s = skip_blanks(end);
	return 0;
}

/* "N" or "N-M" at *s. */
static int parse_item(const char **s, struct range *r)
{
	if (parse_num(s, &r->lo) < 0)
		return -1;
	r->hi = r->lo;
	if (**s != '-')
		return 0;
	(*s)++;
	return parse_num(s, &r->hi);
}

static int bad(const char *path, const char *what, const char *text, const char *fmt, ...)
    PRINTF(4, 5);
static int bad(const char *path, const char *what, const char *text, const char *fmt, ...)
{
	char why[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err_set(0, "%s: invalid %s list \"%s\": %s", path, what, text, why);
}

/* Checks every item; *max gets the highest number. With bits, sets them. */
static int walk(const char *text, unsigned long limit, const char *what, const char *path,
		unsigned long *max, uint64_t *bits)
{
	const char *s = text;
	for (;;) {
		struct range r;
		if (parse_item(&s, &r) < 0 || (*s && *s != ','))
			return bad(path, what, text,
				   "expected numbers or ranges N-M separated by commas");
		if (r.hi < r.lo)
			return bad(path, what, text, "range %lu-%lu is reversed", r.lo, r.hi);
		if (r.hi >= limit)
			return bad(path, what, text, "%s %lu is above the highest possible, %lu",
				   what, r.hi, limit - 1);
		if (r.hi > *max)
			*max = r.hi;
		for (unsigned long i = r.lo; bits && i <= r.hi; i++)
			bits[i / 64] |= 1ULL << (i % 64);
		if (!*s)
			return 0;
		s++;
	}
}

int cpulist_parse(const char *text, unsigned long limit, const char *what, struct arena *a,
		  const char *path, struct spec_bitmap *out)
{
	unsigned long max = 0;
	*out = (struct spec_bitmap){0};
	if (!*skip_blanks(text))
		return 0;
	/* the first pass sizes the bitmap, the second fills it */
	if (walk(text, limit, what, path, &max, NULL) < 0)
		return -1;
	out->n_words = max / 64 + 1;
	out->bits = arena_alloc(a, out->n_words * sizeof(uint64_t));
	return walk(text, limit, what, path, &max, out->bits);
}

bool bitmap_test(const struct spec_bitmap *b, unsigned long i)
{
	return i / 64 < b->n_words && (b->bits[i / 64] >> (i % 64)) & 1;
}

unsigned long bitmap_count(const struct spec_bitmap *b)
{
	unsigned long n = 0;
	for (size_t i = 0; i < b->n_words; i++)
		n += (unsigned long)__builtin_popcountll(b->bits[i]);
	return n;
}

void bitmap_format(const struct spec_bitmap *b, char *buf, size_t n)
{
	size_t o = 0;
	unsigned long end = b->n_words * 64;
	if (n)
		buf[0] = '\0';
	for (unsigned long i = 0; i < end && o < n; i++) {
		if (!bitmap_test(b, i))
			continue;
		unsigned long j = i;
		while (j + 1 < end && bitmap_test(b, j + 1))
			j++;
		int w = j > i ? snprintf(buf + o, n - o, "%s%lu-%lu", o ? "," : "", i, j)
			      : snprintf(buf + o, n - o, "%s%lu", o ? "," : "", i);
		o += w > 0 ? (size_t)w : 0;
		i = j;
	}
}
