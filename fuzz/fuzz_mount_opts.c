/* SPDX-License-Identifier: Apache-2.0 */
/* Mount option lists: the input is the options, one per line. */
#include <string.h>

#include "mount_opts.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	_cleanup_free_ char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	/* a NUL ends the text, as it would any C string */
	size_t n = 1;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	_cleanup_free_ char **v = xcalloc(n + 1, sizeof(char *));
	size_t i = 0;
	for (char *save = NULL, *t = strtok_r(text, "\n", &save); t;
	     t = strtok_r(NULL, "\n", &save))
		v[i++] = t;
	struct mount_opts o;
	if (mount_opts_parse(v, i, &o, NULL) == 0)
		mount_opts_free(&o);
	err_clear();
	return 0;
}
