/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"
#include "container_cgroup.h"

int cmd_pause(const struct global_opts *g, int argc, char **argv)
{
	const struct command c = {
	    .name = "pause",
	    .args = "<container-id>",
	    .summary = "pause suspends all processes inside the container",
	    .desc = "Suspends every process of the container <container-id> (through the\n"
		    "   cgroup freezer); \"corun resume\" lets them go on. Use \"corun list\" to\n"
		    "   see the containers and their status.",
	    .min_args = 1,
	    .max_args = 1,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	rootless_cgroups_warn(g, "pause");
	return container_pause(g, argv[pos]) < 0 ? fail() : 0;
}

int cmd_resume(const struct global_opts *g, int argc, char **argv)
{
	const struct command c = {
	    .name = "resume",
	    .args = "<container-id>",
	    .summary = "resumes all processes that have been previously paused",
	    .desc = "Resumes every process of the paused container <container-id>.",
	    .min_args = 1,
	    .max_args = 1,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	rootless_cgroups_warn(g, "resume");
	return container_resume(g, argv[pos]) < 0 ? fail() : 0;
}
