/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_start(const struct global_opts *g, int argc, char **argv)
{
	const struct command c = {
	    .name = "start",
	    .args = "<container-id>",
	    .summary = "run the user process of a created container",
	    .desc = "Starts the process defined in the configuration of the container\n"
		    "   <container-id>, which \"corun create\" set up.",
	    .min_args = 1,
	    .max_args = 1,
	    .opts = NULL,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	return container_start(g, argv[pos]) < 0 ? fail() : 0;
}
