/* SPDX-License-Identifier: Apache-2.0 */
#include "json.h"

#include <string.h>

const char *jpath(char *buf, size_t n, const char *parent, const char *key)
{
	if (parent && *parent)
		snprintf(buf, n, "%s.%s", parent, key);
	else
		snprintf(buf, n, "%s", key);
	return buf;
}

const char *jpath_idx(char *buf, size_t n, const char *parent, size_t i)
{
	snprintf(buf, n, "%s[%zu]", parent, i);
	return buf;
}

json_t *jparse(const char *text, size_t len, const char *what)
{
	/* duplicate keys are refused: with untrusted input, two readers
	 * picking different values of one key is how checks get bypassed */
	size_t flags = JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL;
	json_error_t je;
	json_t *v = json_loadb(text, len, flags, &je);
	if (!v && strstr(je.text, "too big"))
		v = json_loadb(text, len, flags | JSON_DECODE_INT_AS_REAL, &je);
	if (!v)
		err_set(0, "%s: invalid JSON at line %d column %d: %s", what, je.line, je.column,
			je.text);
	return v;
}

/* 1 = found, 0 = absent or null (an error when required), -1 = error. */
static int lookup(json_t *o, const char *key, const char *path, bool required, json_t **v, char *p,
		  size_t pn)
{
	jpath(p, pn, path, key);
	*v = json_is_object(o) ? json_object_get(o, key) : NULL;
	if (*v && !json_is_null(*v))
		return 1;
	if (required)
		return err_set(0, "%s: required", p);
	return 0;
}

int jval_obj(json_t *v, const char *path)
{
	if (!json_is_object(v))
		return err_set(0, "%s: must be an object", path);
	return 0;
}

int jget_obj(json_t *o, const char *key, const char *path, bool required, json_t **out)
{
	char p[JPATH_MAX];
	json_t *v;
	int r = lookup(o, key, path, required, &v, p, sizeof(p));
	if (r <= 0)
		return r;
	if (jval_obj(v, p) < 0)
		return -1;
	*out = v;
	return 0;
}

int jget_arr(json_t *o, const char *key, const char *path, bool required, json_t **out)
{
	char p[JPATH_MAX];
	json_t *v;
	int r = lookup(o, key, path, required, &v, p, sizeof(p));
	if (r <= 0)
		return r;
	if (!json_is_array(v))
		return err_set(0, "%s: must be an array", p);
	*out = v;
	return 0;
}

int jval_str(json_t *v, const char *path, struct arena *a, char **out)
{
	if (!json_is_string(v))
		return err_set(0, "%s: must be a string", path);
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return err_set(0, "%s: contains a NUL byte", path);
	*out = arena_strdup(a, s);
	return 0;
}

int jget_str(json_t *o, const char *key, const char *path, bool required, struct arena *a,
	     char **out)
{
	char p[JPATH_MAX];
	json_t *v;
	int r = lookup(o, key, path, required, &v, p, sizeof(p));
	if (r <= 0)
		return r;
	return jval_str(v, p, a, out);
}

int jget_bool(json_t *o, const char *key, const char *path, bool *out)
{
	char p[JPATH_MAX];
	json_t *v;
	int r = lookup(o, key, path, false, &v, p, sizeof(p));
	if (r <= 0)
		return r;
	if (!json_is_boolean(v))
		return err_set(0, "%s: must be a boolean", p);
	*out = json_is_true(v);
	return 0;
}

/* An integral number as int64; reals appear when jparse fell back to
 * decoding every integer as a real. */
static bool as_int(json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		/* 2^63 is the first double beyond int64 */
		if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) ||
		    (double)(int64_t)d != d)
			return false;
		*out = (int64_t)d;
		return true;
	}
	return false;
}

int jval_int(json_t *v, const char *path, int64_t min, int64_t max, int64_t *out)
{
	int64_t i;
	if (!as_int(v, &i) || i < min || i > max)
		return err_set(0, "%s: must be an integer from %lld to %lld", path, (long long)min,
			       (long long)max);
	*out = i;
	return 0;
}

int jget_int(json_t *o, const char *key, const char *path, bool required, int64_t min, int64_t max,
	     int64_t *out)
{
	char p[JPATH_MAX];
	json_t *v;
	int r = lookup(o, key, path, required, &v, p, sizeof(p));
	if (r <= 0)
		return r;
	return jval_int(v, p, min, max, out);
}

int jget_u32(json_t *o, const char *key, const char *path, bool required, uint32_t *out,
	     bool *present)
{
	int64_t v = -1;
	if (jget_int(o, key, path, required, 0, UINT32_MAX, &v) < 0)
		return -1;
	if (v >= 0) {
		*out = (uint32_t)v;
		if (present)
			*present = true;
	}
	return 0;
}

int jget_u64(json_t *o, const char *key, const char *path, bool required, uint64_t *out)
{
	char p[JPATH_MAX];
	json_t *v;
	int r = lookup(o, key, path, required, &v, p, sizeof(p));
	if (r <= 0)
		return r;
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		/* values near 2^64 lose precision as doubles: the only such
		 * value in practice is 2^64-1 (unlimited), so clamp to it */
		if (d >= 18446744073709551615.0 && d <= 18446744073709551616.0) {
			*out = UINT64_MAX;
			return 0;
		}
		if (d >= 0 && d < 18446744073709551615.0 && (double)(uint64_t)d == d) {
			*out = (uint64_t)d;
			return 0;
		}
	}
	return err_set(0, "%s: must be an integer from 0 to 18446744073709551615", p);
}

int jget_strv(json_t *o, const char *key, const char *path, bool required, struct arena *a,
	      char ***out, size_t *n)
{
	json_t *arr = NULL, *e;
	char p[JPATH_MAX], q[JPATH_MAX];
	if (jget_arr(o, key, path, required, &arr) < 0)
		return -1;
	if (!arr)
		return 0;
	jpath(p, sizeof(p), path, key);
	char **v = arena_alloc(a, (json_array_size(arr) + 1) * sizeof(char *));
	JARR_EACH(arr, p, q, i, e)
	{
		if (jval_str(e, q, a, &v[i]) < 0)
			return -1;
	}
	*out = v;
	if (n)
		*n = json_array_size(arr);
	return 0;
}

bool jpresent(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
	if (!v || json_is_null(v))
		return false;
	if (json_is_object(v))
		return json_object_size(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	return true;
}

/* ---- output ---- */

/* Rewrites jansson's escapes into the ones Go's encoding/json writes:
 * \u00XX in lower case, \b and \f as \u0008 and \u000c, <, >, &, U+2028
 * and U+2029 escaped, and U+FDD0 (see jstr_new) as \ufffd. Those
 * characters and backslashes only occur inside strings, so no quote
 * tracking is needed. tabs: one-space indentation at line starts becomes
 * tabs. */
static char *go_style(const char *in, bool tabs)
{
	size_t n = strlen(in), o = 0;
	char *out = xmalloc(n * 6 + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		const char *rep = NULL;
		if (c == '\\' && (in[i + 1] == 'b' || in[i + 1] == 'f')) {
			rep = in[i + 1] == 'b' ? "\\u0008" : "\\u000c";
			i++;
		} else if (c == '\\' && in[i + 1] == 'u') {
			memcpy(out + o, "\\u", 2);
			o += 2;
			i += 2;
			for (int k = 0; k < 4 && in[i]; k++, i++)
				out[o++] = (in[i] >= 'A' && in[i] <= 'F')
					       ? (char)(in[i] - 'A' + 'a')
					       : in[i];
			i--;
			continue;
		} else if (c == '\\') {
			out[o++] = in[i++];
			out[o++] = in[i];
			continue;
		} else if (c == '<') {
			rep = "\\u003c";
		} else if (c == '>') {
			rep = "\\u003e";
		} else if (c == '&') {
			rep = "\\u0026";
		} else if (c == 0xe2 && (unsigned char)in[i + 1] == 0x80 &&
			   ((unsigned char)in[i + 2] == 0xa8 || (unsigned char)in[i + 2] == 0xa9)) {
			rep = (unsigned char)in[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
			i += 2;
		} else if (c == 0xef && (unsigned char)in[i + 1] == 0xb7 &&
			   (unsigned char)in[i + 2] == 0x90) {
			rep = "\\ufffd"; /* jstr_new's marker for an invalid byte */
			i += 2;
		} else if (c == '\n' && tabs) {
			out[o++] = '\n';
			while (in[i + 1] == ' ') {
				out[o++] = '\t';
				i++;
			}
			continue;
		}
		if (rep) {
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}

static char *dump(json_t *v, size_t flags, bool tabs)
{
	char *raw = json_dumps(v, flags | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (!raw)
		return NULL;
	char *out = go_style(raw, tabs);
	free(raw);
	return out;
}

char *jdump_compact(json_t *v)
{
	return dump(v, JSON_COMPACT, false);
}

char *jdump_pretty(json_t *v)
{
	return dump(v, JSON_INDENT(2), false);
}

char *jdump_tabs(json_t *v)
{
	return dump(v, JSON_INDENT(1), true);
}

/* Length of the valid UTF-8 sequence at s, or 0 (Go's rules: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t len = c >= 0xc2 && c <= 0xdf   ? 2
		     : c >= 0xe0 && c <= 0xef ? 3
		     : c >= 0xf0 && c <= 0xf4 ? 4
					      : 0;
	if (!len)
		return 0;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xbf)
			return 0;
	return len;
}

json_t *jstr_new(const char *s)
{
	size_t n = strlen(s), o = 0;
	_cleanup_free_ char *clean = xmalloc(n * 3 + 1);
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq((const unsigned char *)s + i);
		if (l == 0) {
			/* Go writes each invalid byte as the text \ufffd; mark it
			 * with the noncharacter U+FDD0 for go_style to rewrite */
			memcpy(clean + o, "\xef\xb7\x90", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(clean + o, s + i, l);
		o += l;
		i += l;
	}
	clean[o] = '\0';
	json_t *v = json_stringn(clean, o);
	if (!v)
		abort(); /* valid UTF-8 by construction: only OOM gets here */
	return v;
}

void jmerge(json_t *dst, json_t *patch)
{
	const char *k;
	json_t *v;
	json_object_foreach(patch, k, v)
	{
		json_t *cur = json_object_get(dst, k);
		if (json_is_object(cur) && json_is_object(v))
			jmerge(cur, v);
		else
			json_object_set(dst, k, v);
	}
}
