/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_run(const struct global_opts *g, int argc, char **argv)
{
	struct create_opts o = {0};
	bool no_subreaper = false; /* accepted for runc compatibility; corun always reaps */
	const struct opt opts[] = {
	    CREATE_OPTS(o),
	    {"detach", "d", OPT_BOOL, &o.detach, "return once the container runs"},
	    {"keep", NULL, OPT_BOOL, &o.keep, "keep the container's state after its process exits"},
	    {"no-subreaper", NULL, OPT_BOOL, &no_subreaper,
	     "do not become the subreaper of the container's processes"},
	    {0},
	};
	const struct command c = {
	    .name = "run",
	    .args = "<container-id>",
	    .summary = "create and start a container",
	    .desc = "Creates the container <container-id>, starts it and, unless --detach is\n"
		    "   given, waits for its process and exits with its exit status.\n\n  "
		    " " CREATE_DESC,
	    .min_args = 1,
	    .max_args = 1,
	    .opts = opts,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	o.id = argv[pos];
	int code;
	if (container_run(g, &o, &code) < 0) {
		err_prefix("corun run failed");
		return fail();
	}
	return code;
}
