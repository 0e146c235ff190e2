/* SPDX-License-Identifier: Apache-2.0 */
/* The config parser on a whole config.json; what it accepts must also
 * survive the seccomp compiler (libseccomp, nothing loaded). */
#include "seccomp_filter.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct spec *s = NULL;
	if (spec_parse((const char *)data, size, &s) == 0) {
		struct seccomp_prog *p = NULL;
		if (s->linux.seccomp && seccomp_compile(s->linux.seccomp, &p) == 0)
			seccomp_prog_free(p);
		spec_free(s);
	}
	err_clear();
	return 0;
}
