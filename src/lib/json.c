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

/* Looks key up; 1 = found, 0 = absent/null (error if required), -1 = error. */
static int lookup(json_t *o, const char *key, const char *path, bool required, json_t **v)
{
	char p[512];
	*v = o ? json_object_get(o, key) : NULL;
	if (*v && !json_is_null(*v))
		return 1;
	if (required)
		return err_set(0, "%s: required", jpath(p, sizeof(p), path, key));
	return 0;
}

static int type_error(const char *path, const char *key, const char *what)
{
	char p[512];
	return err_set(0, "%s: must be %s", jpath(p, sizeof(p), path, key), what);
}

int jget_obj(json_t *o, const char *key, const char *path, bool required, json_t **out)
{
	json_t *v;
	int r = lookup(o, key, path, required, &v);
	if (r <= 0)
		return r;
	if (!json_is_object(v))
		return type_error(path, key, "an object");
	*out = v;
	return 0;
}

int jget_arr(json_t *o, const char *key, const char *path, bool required, json_t **out)
{
	json_t *v;
	int r = lookup(o, key, path, required, &v);
	if (r <= 0)
		return r;
	if (!json_is_array(v))
		return type_error(path, key, "an array");
	*out = v;
	return 0;
}

int jstr_value(json_t *v, const char *path, struct arena *a, char **out)
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
	json_t *v;
	char p[512];
	int r = lookup(o, key, path, required, &v);
	if (r <= 0)
		return r;
	return jstr_value(v, jpath(p, sizeof(p), path, key), a, out);
}

int jget_bool(json_t *o, const char *key, const char *path, bool *out)
{
	json_t *v;
	int r = lookup(o, key, path, false, &v);
	if (r <= 0)
		return r;
	if (!json_is_boolean(v))
		return type_error(path, key, "a boolean");
	*out = json_is_true(v);
	return 0;
}

int jget_int(json_t *o, const char *key, const char *path, bool required, int64_t min,
	     int64_t max, int64_t *out)
{
	json_t *v;
	char p[512];
	int r = lookup(o, key, path, required, &v);
	if (r <= 0)
		return r;
	json_int_t i = json_is_integer(v) ? json_integer_value(v) : 0;
	if (!json_is_integer(v) || i < min || i > max)
		return err_set(0, "%s: must be an integer from %lld to %lld",
			       jpath(p, sizeof(p), path, key), (long long)min, (long long)max);
	*out = i;
	return 0;
}

int jget_u64(json_t *o, const char *key, const char *path, bool required, uint64_t *out)
{
	json_t *v;
	char p[512];
	int r = lookup(o, key, path, required, &v);
	if (r <= 0)
		return r;
	/* jansson holds integers as int64: larger values (e.g. RLIM_INFINITY
	 * written as 18446744073709551615) arrive as reals */
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) <= 18446744073709551615.0) {
		double d = json_real_value(v);
		*out = d >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)d;
		return 0;
	}
	return err_set(0, "%s: must be an unsigned 64-bit integer", jpath(p, sizeof(p), path, key));
}

int jget_strv(json_t *o, const char *key, const char *path, bool required, struct arena *a,
	      char ***out, size_t *n)
{
	json_t *arr = NULL;
	char p[512], q[600];
	if (jget_arr(o, key, path, required, &arr) < 0)
		return -1;
	if (!arr)
		return 0;
	size_t len = json_array_size(arr);
	char **v = arena_alloc(a, (len + 1) * sizeof(char *));
	jpath(p, sizeof(p), path, key);
	for (size_t i = 0; i < len; i++)
		if (jstr_value(json_array_get(arr, i), jpath_idx(q, sizeof(q), p, i), a, &v[i]) < 0)
			return -1;
	*out = v;
	if (n)
		*n = len;
	return 0;
}

bool jpresent(json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
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
