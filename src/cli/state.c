/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cmd_state(const struct global_opts *g, int argc, char **argv)
{
	const struct command c = {
	    .name = "state",
	    .args = "<container-id>",
	    .summary = "print the state of a container",
	    .desc = "Prints the state of the container <container-id> as JSON: its id, status,\n"
		    "   init pid, bundle, creation time and annotations.",
	    .min_args = 1,
	    .max_args = 1,
	    .opts = NULL,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	_cleanup_free_ char *json = NULL;
	if (container_state_json(g, argv[pos], &json) < 0)
		return fail();
	/* runc prints the document without a trailing newline */
	fputs(json, stdout);
	return 0;
}
