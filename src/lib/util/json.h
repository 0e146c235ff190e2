/* SPDX-License-Identifier: Apache-2.0 */
/* A thin layer over jansson for config.c and state.c: typed getters that
 * name the JSON path of the value in every error ("process.user.uid: must
 * be an integer from 0 to 4294967295"), copy strings into an arena while
 * rejecting embedded NUL bytes, and dumps in the formats runc prints.
 * Only library .c files include this; spec.h stays free of jansson. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* Room for any path we build; longer ones are truncated, never overflowed. */
#define JPATH_MAX 512

/* Child path "parent.key", or "key" at the top (parent NULL or ""). */
const char *jpath(char *buf, size_t n, const char *parent, const char *key);
/* Element path "parent[i]". */
const char *jpath_idx(char *buf, size_t n, const char *parent, size_t i);

/* Parses JSON text. Integers beyond int64 (e.g. 18446744073709551615 for an
 * unlimited rlimit) are accepted: the text is then decoded with every
 * integer as a real, which the getters below accept when integral.
 * what names the document in errors ("config.json"). */
json_t *jparse(const char *text, size_t len, const char *what);

/* Every getter: key absent or JSON null -> returns 0 and leaves *out
 * untouched, unless required (then "<path>.<key>: required").
 * Wrong type or range -> -1 with "<path>.<key>: must be ...". */
int jget_obj(json_t *o, const char *key, const char *path, bool required, json_t **out);
int jget_arr(json_t *o, const char *key, const char *path, bool required, json_t **out);
int jget_str(json_t *o, const char *key, const char *path, bool required, struct arena *a,
	     char **out);
int jget_bool(json_t *o, const char *key, const char *path, bool *out);
/* An integer in [min, max]; *present (may be NULL) is set when found. */
int jget_int(json_t *o, const char *key, const char *path, bool required, int64_t min, int64_t max,
	     int64_t *out);
int jget_u32(json_t *o, const char *key, const char *path, bool required, uint32_t *out,
	     bool *present);
int jget_u64(json_t *o, const char *key, const char *path, bool required, uint64_t *out);
/* A string array into a NULL-terminated arena vector (*n may be NULL). */
int jget_strv(json_t *o, const char *key, const char *path, bool required, struct arena *a,
	      char ***out, size_t *n);

/* Value-level checks, for array elements; path names the value itself. */
int jval_str(json_t *v, const char *path, struct arena *a, char **out);
int jval_obj(json_t *v, const char *path);
int jval_int(json_t *v, const char *path, int64_t min, int64_t max, int64_t *out);

/* True when the key is present and not null or empty ({} [] ""). */
bool jpresent(json_t *o, const char *key);

/* Iterates over an array's elements, building "path[i]" in pbuf for each:
 *   JARR_EACH(arr, "mounts", p, i, e) { ... p is "mounts[i]" ... } */
#define JARR_EACH(arr, path, pbuf, i, e)                                                           \
	for (size_t i = 0; (i) < json_array_size(arr) &&                                           \
			   ((e) = json_array_get(arr, i), jpath_idx(pbuf, sizeof(pbuf), path, i)); \
	     (i)++)

/* Dumps, malloc'd, without a trailing newline; NULL only on OOM.
 * Compact and 2-space forms keep insertion order and escape like Go's
 * encoding/json (<, >, & and U+2028/9 as \uXXXX) so output matches runc's
 * byte for byte. The tab form is what Go's MarshalIndent(v, "", "\t")
 * writes (runc spec). */
/* Merges patch into dst: objects key by key, anything else (arrays too)
 * replaces (update's resources file over the saved config). */
void jmerge(json_t *dst, json_t *patch);
char *jdump_compact(json_t *v);
char *jdump_pretty(json_t *v);
char *jdump_tabs(json_t *v);

/* A JSON string from arbitrary bytes: invalid UTF-8 is kept as is rather
 * than making jansson return NULL. Never NULL (aborts on OOM). */
json_t *jstr_new(const char *s);
