/* SPDX-License-Identifier: Apache-2.0 */
/* corun: global options, then one subcommand. */
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "exe_protect.h"
#include "log.h"

static const struct {
	const char *name;
	int (*fn)(const struct global_opts *, int, char **);
	const char *summary;
} commands[] = {
	{"create", cmd_create, "create a container"},
	{"delete", cmd_delete, "delete any resources held by the container"},
	{"kill", cmd_kill, "send a signal (default: SIGTERM) to the container's init process"},
	{"list", cmd_list, "list containers started by corun with the given root"},
	{"run", cmd_run, "create and run a container"},
	{"spec", cmd_spec, "create a new specification file"},
	{"start", cmd_start, "execute the user-defined process in a created container"},
	{"state", cmd_state, "output the state of a container"},
};

/* runc commands that arrive with later work */
static const char *const later[] = {"checkpoint", "events", "exec", "features", "pause",
				    "ps", "restore", "resume", "update"};

static char **main_argv;

static void usage(FILE *f)
{
	fprintf(f, "corun - an OCI container runtime\n\n"
		   "USAGE:\n   corun [global options] command [command options] [arguments...]\n\n"
		   "COMMANDS:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "   %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nGLOBAL OPTIONS:\n"
		   "   --debug             enable debug logging\n"
		   "   --log value         log file (default: stderr)\n"
		   "   --log-format value  log format: text (default) or json\n"
		   "   --root value        state directory (default: \"/run/corun\")\n"
		   "   --criu value        path to criu (unused)\n"
		   "   --systemd-cgroup    use systemd for cgroups (cgroupsPath \"slice:prefix:name\")\n"
		   "   --rootless value    ignore cgroup permission errors: true, false or auto\n"
		   "   --help, -h          show help\n"
		   "   --version, -v       print the version\n");
}

static void version(void)
{
	const struct scmp_version *v = seccomp_version();
	printf("corun version %s\ncommit: %s\nspec: %s\nlibseccomp: %u.%u.%u\n", CORUN_VERSION,
	       CORUN_COMMIT, CORUN_SPEC_VERSION, v->major, v->minor, v->micro);
}

static int dispatch(const struct global_opts *g, int argc, char **argv)
{
	const char *name = argv[0];
	if (!strcmp(name, "help") || !strcmp(name, "h")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, name) != 0)
			continue;
		/* only the commands that enter a container pay for this */
		if ((!strcmp(name, "create") || !strcmp(name, "run")) &&
		    exe_protect_ensure(main_argv) < 0)
			return fail();
		return commands[i].fn(g, argc - 1, argv + 1);
	}
	for (size_t i = 0; i < ARRAY_SIZE(later); i++)
		if (!strcmp(later[i], name)) {
			err_set(0, "\"%s\" is not implemented yet", name);
			return fail();
		}
	err_set(0, "No help topic for '%s'", name);
	return fail();
}

int main(int argc, char **argv)
{
	main_argv = argv;
	struct global_opts g = {.root = "/run/corun", .rootless = "auto", .criu = "criu"};
	const char *log_format = "text";
	bool show_version = false;
	const struct opt opts[] = {
		{"root", NULL, OPT_STRING, &g.root, ""},
		{"log", NULL, OPT_STRING, &g.log, ""},
		{"log-format", NULL, OPT_STRING, &log_format, ""},
		{"debug", NULL, OPT_BOOL, &g.debug, ""},
		{"systemd-cgroup", NULL, OPT_BOOL, &g.systemd_cgroup, ""},
		{"rootless", NULL, OPT_STRING, &g.rootless, ""},
		{"criu", NULL, OPT_STRING, &g.criu, ""},
		{"version", "v", OPT_BOOL, &show_version, ""},
		{0},
	};
	int pos;
	int r = opts_parse(opts, argc - 1, argv + 1, &pos);
	if (r == 1 || (r == 0 && !show_version && pos == argc - 1)) {
		usage(stdout);
		return 0;
	}
	if (r < 0)
		return fail();
	if (show_version) {
		version();
		return 0;
	}
	g.log_json = strcmp(log_format, "json") == 0;
	if (!g.log_json && strcmp(log_format, "text") != 0) {
		err_set(0, "invalid log-format: %s", log_format);
		return fail();
	}
	if (strcmp(g.rootless, "auto") && strcmp(g.rootless, "true") && strcmp(g.rootless, "false")) {
		err_set(0, "invalid --rootless value: %s", g.rootless);
		return fail();
	}
	if (log_init(g.log, g.log_json, g.debug) < 0)
		return fail();
	return dispatch(&g, argc - 1 - pos, argv + 1 + pos);
}
