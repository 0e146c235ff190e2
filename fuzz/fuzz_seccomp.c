/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp alone: the input is the section's JSON; what parses is
 * compiled with libseccomp (never loaded). */
#include "config_internal.h"
#include "json.h"
#include "seccomp_filter.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	json_t *sec = jparse((const char *)data, size, "seccomp");
	if (!sec) {
		err_clear();
		return 0;
	}
	json_t *lin = json_object();
	json_object_set_new(lin, "seccomp", sec);
	struct spec *s = xcalloc(1, sizeof(*s));
	if (parse_seccomp(lin, s) == 0 && s->linux.seccomp) {
		struct seccomp_prog *p = NULL;
		if (seccomp_compile(s->linux.seccomp, &p) == 0)
			seccomp_prog_free(p);
	}
	json_decref(lin);
	spec_free(s);
	err_clear();
	return 0;
}
