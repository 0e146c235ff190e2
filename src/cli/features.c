/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "criu.h"
#include "oci_features.h"

int cmd_features(const struct global_opts *g, int argc, char **argv)
{
	(void)g;
	const struct command c = {
	    .name = "features",
	    .args = "",
	    .summary = "show the enabled features",
	    .desc = "Prints, as JSON, what this corun implements: the config.json versions,\n"
		    "   hooks, mount options, namespaces, capabilities, cgroup managers, seccomp\n"
		    "   actions, operators, architectures and flags, and the Linux security\n"
		    "   features (the runtime-spec \"features\" document). It describes corun,\n"
		    "   not the host; only seccomp's supportedFlags asks the running kernel.",
	    .min_args = 0,
	    .max_args = 0,
	    .opts = NULL,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	const struct features_opts o = {.checkpoint = criu_built &&
						      cli_command_available("checkpoint") &&
						      cli_command_available("restore")};
	_cleanup_free_ char *json = features_json(&o);
	if (!json)
		return fail();
	fputs(json, stdout);
	return 0;
}
