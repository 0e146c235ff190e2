/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_start(const struct global_opts *g, int argc, char **argv)
{
	const struct opt opts[] = {{0}};
	const struct command c = {"start", "<container-id>",
				  "execute the user-defined process in a created container", 1, 1,
				  opts};
	int pos, r = command_args(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	return container_start(g, argv[pos]) < 0 ? fail() : 0;
}
