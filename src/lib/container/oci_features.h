/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime-spec "features" document (features.md, features-linux.md)
 * that `corun features` prints. Every list is read from the table the
 * parser or the runtime itself uses, so the document can only claim what
 * corun accepts and does. (Not "features.h": glibc's <features.h> would
 * find it through the include path.) */
#pragma once

#include <stdbool.h>

struct features_opts {
	bool checkpoint; /* the CLI implements checkpoint and restore */
};

/* The document as JSON text: 4-space indent, keys in the spec's order,
 * trailing newline. malloc'd; NULL + err on failure. Never forks. */
char *features_json(const struct features_opts *o);
