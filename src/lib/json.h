/* SPDX-License-Identifier: Apache-2.0 */
/* A thin layer over jansson: typed getters that name the JSON path of the
 * value in every error ("process.user.uid: must be an integer ..."), and
 * copy strings into an arena, rejecting embedded NUL bytes. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* Child path "parent.key" or "key" at the top (buf >= 256). */
const char *jpath(char *buf, size_t n, const char *parent, const char *key);
/* Element path "parent[i]". */
const char *jpath_idx(char *buf, size_t n, const char *parent, size_t i);

/* Each getter: key absent (or JSON null) -> returns 0 and leaves *out
 * untouched, unless required (then an error). Wrong type -> -1 + error. */
int jget_obj(json_t *o, const char *key, const char *path, bool required, json_t **out);
int jget_arr(json_t *o, const char *key, const char *path, bool required, json_t **out);
int jget_str(json_t *o, const char *key, const char *path, bool required, struct arena *a,
	     char **out);
int jget_bool(json_t *o, const char *key, const char *path, bool *out);
int jget_int(json_t *o, const char *key, const char *path, bool required, int64_t min,
	     int64_t max, int64_t *out);
int jget_u64(json_t *o, const char *key, const char *path, bool required, uint64_t *out);
/* A string array into a NULL-terminated vector. */
int jget_strv(json_t *o, const char *key, const char *path, bool required, struct arena *a,
	      char ***out, size_t *n);

/* Validates a string value (no NUL) and copies it into the arena. */
int jstr_value(json_t *v, const char *path, struct arena *a, char **out);
/* True when the key is present and not null/empty ({} [] ""). */
bool jpresent(json_t *o, const char *key);
