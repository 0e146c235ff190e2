/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_create(const struct global_opts *g, int argc, char **argv)
{
	struct create_opts o = {0};
	const struct opt opts[] = {CREATE_OPTS(o), {0}};
	const struct command c = {"create", "<container-id>", "create a container", 1, 1, opts};
	int pos, r = command_args(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	o.id = argv[pos];
	if (container_create(g, &o) < 0)
		return fail();
	return 0;
}
