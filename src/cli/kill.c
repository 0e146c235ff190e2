/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>

#include "cli.h"

int cmd_kill(const struct global_opts *g, int argc, char **argv)
{
	bool all = false;
	const struct opt opts[] = {
		{"all", "a", OPT_BOOL, &all, "signal every process of the container"},
		{0},
	};
	const struct command c = {"kill", "<container-id> [signal]",
				  "send a signal (default: SIGTERM) to the container's init", 1, 2,
				  opts};
	int pos, r = command_args(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	int sig = SIGTERM;
	if (argc - pos == 2 && (sig = parse_signal(argv[pos + 1])) < 0)
		return fail();
	return container_kill(g, argv[pos], sig, all) < 0 ? fail() : 0;
}
