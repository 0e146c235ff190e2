/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_spec(const struct global_opts *g, int argc, char **argv)
{
	const char *bundle = NULL;
	bool rootless = false;
	(void)g;
	const struct opt opts[] = {
		{"bundle", "b", OPT_STRING, &bundle, "directory to write config.json to"},
		{"rootless", NULL, OPT_BOOL, &rootless, "a spec for a rootless container"},
		{0},
	};
	const struct command c = {"spec", "", "create a new specification file", 0, 0, opts};
	int pos, r = command_args(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	_cleanup_free_ char *path = xasprintf("%s/config.json", bundle ? bundle : ".");
	_cleanup_free_ char *json = spec_default_json(rootless);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		if (errno == EEXIST)
			err_set(0, "File %s exists. Remove it first", path);
		else
			err_set(errno, "create %s", path);
		return fail();
	}
	if (write_all(fd, json, strlen(json)) < 0 || write_all(fd, "\n", 1) < 0) {
		err_set(errno, "write %s", path);
		return fail();
	}
	return 0;
}
