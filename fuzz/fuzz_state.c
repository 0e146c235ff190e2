/* SPDX-License-Identifier: Apache-2.0 */
/* The state.json reader, and what `corun state` prints of what it read. */
#include <stdlib.h>

#include "state.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct cstate st;
	if (state_parse((const char *)data, size, &st) == 0) {
		free(state_to_json(&st, STATUS_RUNNING, true));
		free(state_to_json(&st, STATUS_STOPPED, false));
		state_free(&st);
	}
	err_clear();
	return 0;
}
