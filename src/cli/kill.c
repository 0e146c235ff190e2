/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>
#include <unistd.h>

#include "cli.h"

int cmd_kill(const struct global_opts *g, int argc, char **argv)
{
	bool all = false;
	const struct opt opts[] = {
	    {"all", "a", OPT_BOOL, &all, "signal every process of the container, not just init"},
	    {0},
	};
	const struct command c = {
	    .name = "kill",
	    .args = "<container-id> [signal]",
	    .summary = "send a signal (default: SIGTERM) to the container's init",
	    .desc = "Sends [signal] to the init process of the container <container-id>. The\n"
		    "   signal is a name, with or without SIG (KILL, SIGKILL), or a number (9).\n"
		    "   For example \"corun kill web01 KILL\" kills the init of web01.",
	    .min_args = 1,
	    .max_args = 2,
	    .opts = opts,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	const char *id = argv[pos];
	int sig = SIGTERM;
	if (argc - pos == 2 && parse_signal(argv[pos + 1], &sig) < 0) {
		/* runc looks the container up first: a missing one is the error */
		int fd = state_validate_id(id) < 0 ? -1 : state_dir_open(g->root, id);
		if (fd < 0)
			return fail();
		close(fd);
		parse_signal(argv[pos + 1], &sig);
		return fail();
	}
	return container_kill(g, id, sig, all) < 0 ? fail() : 0;
}
