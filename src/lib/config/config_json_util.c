/* SPDX-License-Identifier: Apache-2.0 */
/* Small JSON and path helpers that every config*.c file uses: below
 * config.c and its part files, so those call down to here only. */
#include <string.h>

#include "config_json_util.h"

#define P(buf, parent, key) jpath(buf, sizeof(buf), parent, key)

int reject_unsupported(json_t *o, const char *path, const char *const *keys)
{
	char p[JPATH_MAX];
	for (size_t i = 0; keys[i]; i++)
		if (jpresent(o, keys[i]))
			return err_set(0, "%s: not supported yet", P(p, path, keys[i]));
	return 0;
}

bool key_listed(const char *const *keys, const char *key)
{
	for (size_t i = 0; keys[i]; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

int check_abs(const char *in, const char *path)
{
	if (in[0] != '/')
		return err_set(0, "%s: must be absolute", path);
	return 0;
}

/* Lexically cleaned absolute path; NULL if a ".." climbs above "/". */
char *clean_abs_path(struct arena *a, const char *in)
{
	size_t o = 0;
	char *out = arena_alloc(a, strlen(in) + 2);
	for (const char *s = in; *s;) {
		while (*s == '/')
			s++;
		const char *e = s;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - s);
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			/* ".." at "/" would leave the rootfs: the config is wrong */
			if (o == 0)
				return NULL;
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if (len > 0 && !(len == 1 && s[0] == '.')) {
			out[o++] = '/';
			memcpy(out + o, s, len);
			o += len;
		}
		s = e;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

int parse_kv_object(struct spec *s, json_t *o, const char *path, struct spec_kv **out, size_t *n)
{
	const char *key;
	json_t *v;
	char p[JPATH_MAX];
	size_t i = 0;
	*out = arena_alloc(&s->arena, json_object_size(o) * sizeof(**out));
	json_object_foreach(o, key, v)
	{
		snprintf(p, sizeof(p), "%s[\"%s\"]", path, key);
		if (jval_str(v, p, &s->arena, &(*out)[i].value) < 0)
			return -1;
		(*out)[i++].key = arena_strdup(&s->arena, key);
	}
	*n = i;
	return 0;
}
