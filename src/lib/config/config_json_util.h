/* SPDX-License-Identifier: Apache-2.0 */
/* JSON and path helpers shared by the config*.c parsers
 * (config_json_util.c); they call nothing else of config/. */
#pragma once

#include <stdbool.h>

#include "json.h"
#include "spec.h"

/* "<path>.<key>: not supported yet" for the first key present and non-empty. */
int reject_unsupported(json_t *o, const char *path, const char *const *keys);
/* Whether key is one of the NULL-terminated keys. */
bool key_listed(const char *const *keys, const char *key);
/* A JSON object of strings into key/value pairs ("<path>[\"key\"]" in errors). */
int parse_kv_object(struct spec *s, json_t *o, const char *path, struct spec_kv **out, size_t *n);
/* "/" + in, cleaned lexically: no "//" or ".", ".." never above "/". */
char *clean_abs_path(struct arena *a, const char *in);
/* in must start with "/"; the error names path. */
int check_abs(const char *in, const char *path);
