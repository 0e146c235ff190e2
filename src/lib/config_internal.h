/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between config.c and config_linux.c only. */
#pragma once

#include "json.h"
#include "spec.h"

int parse_linux(struct spec *s, json_t *root);
int reject_unsupported(json_t *o, const char *path, const char *const *keys);
int parse_kv_object(struct spec *s, json_t *o, const char *path, struct spec_kv **out,
		    size_t *n);
char *clean_abs_path(struct arena *a, const char *in);
