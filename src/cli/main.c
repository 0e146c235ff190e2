/* SPDX-License-Identifier: Apache-2.0 */
/* corun: global options, then one subcommand. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "config.h"
#include "exe_protect.h"
#include "log.h"
#include "namespaces.h"

typedef int (*command_fn)(const struct global_opts *, int, char **);

/* Every runc command; fn NULL = not implemented yet (adding one is filling
 * in its function). protect: the command enters a container, so corun runs
 * from a read-only image of itself first (exe_protect.h). */
static const struct {
	const char *name;
	command_fn fn;
	bool protect;
	const char *summary;
} commands[] = {
    {"checkpoint", cmd_checkpoint, false, "checkpoint a running container"},
    {"create", cmd_create, true, "create a container"},
    {"delete", cmd_delete, false, "delete any resources held by the container"},
    {"events", cmd_events, false,
     "display container events such as OOM notifications, cpu, memory, and IO usage statistics"},
    {"exec", cmd_exec, true, "run a new process inside the container"},
    {"kill", cmd_kill, false, "send a signal (default: SIGTERM) to the container's init"},
    {"list", cmd_list, false, "list the containers under the given root"},
    {"pause", cmd_pause, false, "pause suspends all processes inside the container"},
    {"ps", cmd_ps, false, "show the processes running in the container"},
    {"restore", cmd_restore, true, "restore a container from a checkpoint"},
    {"resume", cmd_resume, false, "resumes all processes that have been previously paused"},
    {"run", cmd_run, true, "create and start a container"},
    {"spec", cmd_spec, false, "write a default configuration file"},
    {"start", cmd_start, false, "run the user process of a created container"},
    {"state", cmd_state, false, "print the state of a container"},
    {"update", cmd_update, false, "update container resource constraints"},
    {"features", cmd_features, false, "show the enabled features"},
};

bool cli_command_available(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return commands[i].fn != NULL;
	return false;
}

static void usage(void)
{
	printf("NAME:\n   corun - an OCI container runtime\n\n"
	       "corun runs containers packaged as OCI bundles: a directory holding the\n"
	       "configuration \"config.json\" and a root filesystem. It follows the OCI runtime\n"
	       "specification and accepts runc's command line.\n\n"
	       "To run a container from the bundle in the current directory:\n\n"
	       "    # corun run [ -b bundle ] <container-id>\n\n"
	       "The id names the container on this host and must be unique.\n\n"
	       "USAGE:\n   corun [global options] command [command options] [arguments...]\n\n"
	       "VERSION:\n   %s\n\nCOMMANDS:\n",
	       CORUN_VERSION);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].fn)
			printf("   %-10s  %s\n", commands[i].name, commands[i].summary);
	printf("   help, h     show the commands, or the help of one command\n\n"
	       "GLOBAL OPTIONS:\n"
	       "   --debug             log debug messages too\n"
	       "   --log value         write log messages to this file (default: stderr)\n"
	       "   --log-format value  log format: text or json (default: \"text\")\n"
	       "   --root value        directory for the containers' state, best on tmpfs "
	       "(default: \"/run/corun\")\n"
	       "   --criu value        criu binary for checkpoint/restore (default: \"criu\")\n"
	       "   --systemd-cgroup    cgroupsPath is \"slice:prefix:name\", managed through "
	       "systemd\n"
	       "   --rootless value    ignore cgroup permission errors: true, false or auto "
	       "(default: \"auto\")\n"
	       "   --help, -h          show help\n"
	       "   --version, -v       print the version\n");
}

static void version(void)
{
	const struct scmp_version *v = seccomp_version();
	printf("corun version %s\ncommit: %s\nspec: %s\nlibseccomp: %u.%u.%u\n", CORUN_VERSION,
	       CORUN_COMMIT, CORUN_SPEC_VERSION, v->major, v->minor, v->micro);
}

/* runc's rule for the default root: $XDG_RUNTIME_DIR/<name> for a user
 * other than root, including "root" in a user namespace whose $USER says
 * otherwise; /run/<name> for the real root. */
static bool use_xdg_root(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (!xdg || !*xdg)
		return false;
	if (geteuid() != 0)
		return true;
	if (ns_in_initial_userns())
		return false;
	const char *user = getenv("USER");
	return !user || strcmp(user, "root") != 0;
}

/* Any usage error of the global options: runc prints the help too. */
static int usage_error(void)
{
	printf("Incorrect Usage. %s\n\n", err_msg());
	usage();
	return fail();
}

static int check_globals(struct global_opts *g, const char *log_format)
{
	if (!*log_format || !strcmp(log_format, "text"))
		g->log_json = false;
	else if (!strcmp(log_format, "json"))
		g->log_json = true;
	else
		return err_set(0, "invalid log-format: %s", log_format);
	/* as runc reads it: empty or auto in any case, else a Go boolean */
	bool b;
	if (!*g->rootless || !strcasecmp(g->rootless, "auto")) {
		g->rootless = "auto";
		return 0;
	}
	if (parse_bool(g->rootless, &b) < 0)
		return err_set(0, "invalid --rootless value: parsing \"%s\": invalid syntax",
			       g->rootless);
	g->rootless = b ? "true" : "false";
	return 0;
}

static bool is_help(const char *s)
{
	return !strcmp(s, "help") || !strcmp(s, "h");
}

static int dispatch(const struct global_opts *g, int argc, char **argv, char **main_argv)
{
	const char *name = argv[0];
	bool want_help = is_help(name);
	if (want_help) {
		if (argc < 2 || is_help(argv[1])) {
			usage();
			return 0;
		}
		name = argv[1];
	}
	size_t i = 0;
	while (i < ARRAY_SIZE(commands) && strcmp(commands[i].name, name))
		i++;
	if (i == ARRAY_SIZE(commands)) {
		/* runc (its CLI library) exits 3 for an unknown command */
		err_set(0, "No help topic for '%s'", name);
		fail();
		return 3;
	}
	if (!commands[i].fn) {
		err_set(0, "corun: \"%s\" is not implemented yet", name);
		return fail();
	}
	if (want_help) {
		char *h[] = {"--help", NULL};
		return commands[i].fn(g, 1, h);
	}
	if (commands[i].protect && exe_protect_ensure(main_argv) < 0)
		return fail();
	return commands[i].fn(g, argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	bool xdg = use_xdg_root();
	_cleanup_free_ char *xdg_root =
	    xdg ? xasprintf("%s/corun", getenv("XDG_RUNTIME_DIR")) : NULL;
	struct global_opts g = {
	    .root = xdg ? xdg_root : "/run/corun", .rootless = "auto", .criu = "criu"};
	const char *log_format = "text";
	bool show_version = false, show_help = false;
	const struct opt opts[] = {
	    {"debug", NULL, OPT_BOOL, &g.debug, ""},
	    {"log", NULL, OPT_STRING, &g.log, ""},
	    {"log-format", NULL, OPT_STRING, &log_format, ""},
	    {"root", NULL, OPT_STRING, &g.root, ""},
	    {"criu", NULL, OPT_STRING, &g.criu, ""},
	    {"systemd-cgroup", NULL, OPT_BOOL, &g.systemd_cgroup, ""},
	    {"rootless", NULL, OPT_STRING, &g.rootless, ""},
	    {"version", "v", OPT_BOOL, &show_version, ""},
	    {0},
	};
	int pos;
	if (opts_parse(opts, argc - 1, argv + 1, &show_help, &pos) < 0)
		return usage_error();
	pos++; /* index into argv of the command */
	if (show_help || (!show_version && pos == argc)) {
		usage();
		return 0;
	}
	if (show_version) {
		version();
		return 0;
	}
	if (check_globals(&g, log_format) < 0 || log_init(g.log, g.log_json, g.debug) < 0)
		return fail();
	/* runc keeps its XDG root private and, as XDG asks, sticky */
	if (xdg && g.root == xdg_root) {
		if (mkdir_p(g.root, 0700) < 0)
			return fail();
		if (chmod(g.root, 01700) < 0) {
			err_set(errno, "chmod %s", g.root);
			return fail();
		}
	}
	return dispatch(&g, argc - pos, argv + pos, argv);
}
