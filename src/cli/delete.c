/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "cli.h"

/* runc treats `delete --force` of a container that does not exist as done. */
static bool gone(const struct global_opts *g, const char *id)
{
	struct stat sb;
	_cleanup_free_ char *path = xasprintf("%s/%s", g->root, id);
	return fstatat(AT_FDCWD, path, &sb, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT;
}

int cmd_delete(const struct global_opts *g, int argc, char **argv)
{
	bool force = false;
	const struct opt opts[] = {
	    {"force", "f", OPT_BOOL, &force,
	     "delete the container even if it still runs (its processes get SIGKILL)"},
	    {0},
	};
	const struct command c = {
	    .name = "delete",
	    .args = "<container-id>",
	    .summary = "delete any resources held by the container",
	    .desc = "Removes the container <container-id>, usually one that has stopped or\n"
		    "   was never started, with its state and cgroups.",
	    .min_args = 1,
	    .max_args = 1,
	    .opts = opts,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	const char *id = argv[pos];
	if (force && state_validate_id(id) == 0 && gone(g, id))
		return 0;
	return container_delete(g, id, force) < 0 ? fail() : 0;
}
