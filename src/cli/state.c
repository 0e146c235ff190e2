/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cmd_state(const struct global_opts *g, int argc, char **argv)
{
	const struct opt opts[] = {{0}};
	const struct command c = {"state", "<container-id>", "output the state of a container", 1,
				  1, opts};
	int pos, r = command_args(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	char *json;
	if (container_state_json(g, argv[pos], &json) < 0)
		return fail();
	/* runc prints the document without a trailing newline */
	fputs(json, stdout);
	free(json);
	return 0;
}
