/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_create(const struct global_opts *g, int argc, char **argv)
{
	struct create_opts o = {0};
	const struct opt opts[] = {CREATE_OPTS(o), {0}};
	const struct command c = {
	    .name = "create",
	    .args = "<container-id>",
	    .summary = "create a container",
	    .desc = "Sets up the container <container-id> without starting its process;\n"
		    "   \"corun start\" does that.\n\n   " CREATE_DESC,
	    .min_args = 1,
	    .max_args = 1,
	    .opts = opts,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	o.id = argv[pos];
	if (container_create(g, &o) < 0) {
		/* runc's wording: "runc create failed: <why>" */
		err_prefix("corun create failed");
		return fail();
	}
	return 0;
}
