/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_delete(const struct global_opts *g, int argc, char **argv)
{
	bool force = false;
	const struct opt opts[] = {
		{"force", "f", OPT_BOOL, &force, "kill the container first if it still runs"},
		{0},
	};
	const struct command c = {"delete", "<container-id>",
				  "delete any resources held by the container", 1, 1, opts};
	int pos, r = command_args(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	return container_delete(g, argv[pos], force) < 0 ? fail() : 0;
}
