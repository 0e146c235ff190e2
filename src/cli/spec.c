/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cmd_spec(const struct global_opts *g, int argc, char **argv)
{
	const char *bundle = NULL;
	bool rootless = false;
	(void)g;
	const struct opt opts[] = {
	    {"bundle", "b", OPT_STRING, &bundle, "the bundle directory to write config.json into"},
	    {"rootless", NULL, OPT_BOOL, &rootless,
	     "a configuration for a container run by an unprivileged user"},
	    {0},
	};
	const struct command c = {
	    .name = "spec",
	    .args = "",
	    .summary = "write a default configuration file",
	    .desc = "Writes a starting \"config.json\" into the bundle directory (default: the\n"
		    "   current one). It runs \"sh\" with a terminal in the rootfs directory\n"
		    "   \"rootfs\"; edit process.args and the rest to fit the container. An\n"
		    "   existing config.json is never overwritten.",
	    .min_args = 0,
	    .max_args = 0,
	    .opts = opts,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	/* like runc, work from inside the bundle so messages name config.json */
	if (bundle && *bundle && chdir(bundle) < 0) {
		err_set(errno, "chdir %s", bundle);
		return fail();
	}
	_cleanup_free_ char *json = spec_default_json(rootless);
	_cleanup_close_ int fd =
	    open("config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		if (errno == EEXIST)
			err_set(0, "File config.json exists. Remove it first");
		else
			err_set(errno, "open config.json");
		return fail();
	}
	/* runc writes the document without a trailing newline */
	if (write_all(fd, json, strlen(json)) < 0) {
		err_set(errno, "write config.json");
		unlink("config.json");
		return fail();
	}
	return 0;
}
