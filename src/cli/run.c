/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_run(const struct global_opts *g, int argc, char **argv)
{
	struct create_opts o = {0};
	const struct opt opts[] = {
		CREATE_OPTS(o),
		{"detach", "d", OPT_BOOL, &o.detach, "detach from the container's process"},
		{"keep", NULL, OPT_BOOL, &o.keep, "keep the container's state after it exits"},
		{0},
	};
	const struct command c = {"run", "<container-id>", "create and run a container", 1, 1,
				  opts};
	int pos, r = command_args(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	o.id = argv[pos];
	int code;
	if (container_run(g, &o, &code) < 0)
		return fail();
	return code;
}
