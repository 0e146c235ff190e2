/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "cli.h"
#include "log.h"

/* runc exits 255 when exec itself fails, to tell it from the process's own
 * exit status; usage errors stay 1. */
#define EXEC_FAILED 255

/* -g is an Int64Slice in runc: a value that is not a Go int64 is a usage
 * error with strconv's wording. */
static int parse_gids(const struct opt_list *l, int64_t **out)
{
	int64_t *v = xcalloc(l->n + 1, sizeof(*v));
	for (size_t i = 0; i < l->n; i++) {
		const char *s = l->v[i];
		const char *d = s + (*s == '+' || *s == '-');
		char *end;
		errno = 0;
		long long n = strtoll(s, &end, 10);
		if (!isdigit((unsigned char)*d) || *end || errno) {
			err_set(0,
				"invalid value \"%s\" for flag -g: strconv.ParseInt: parsing "
				"\"%s\": %s",
				s, s, errno == ERANGE ? "value out of range" : "invalid syntax");
			free(v);
			return -1;
		}
		v[i] = n;
	}
	*out = v;
	return 0;
}

int cmd_exec(const struct global_opts *g, int argc, char **argv)
{
	struct exec_opts o = {.no_new_privs = -1};
	struct opt_list env = {0}, gids = {0}, caps = {0}, cgroups = {0};
	const struct opt opts[] = {
	    {"console-socket", NULL, OPT_STRING, &o.console_socket,
	     "AF_UNIX socket that is sent the master end of the process's terminal"},
	    {"cwd", NULL, OPT_STRING, &o.cwd, "working directory in the container"},
	    {"env", "e", OPT_LIST, &env, "set an environment variable (NAME=value; repeatable)"},
	    {"tty", "t", OPT_BOOL, &o.tty, "allocate a pseudo-terminal"},
	    {"user", "u", OPT_STRING, &o.user, "user to run as: <uid>[:<gid>]"},
	    {"additional-gids", "g", OPT_LIST, &gids, "an additional group id (repeatable)"},
	    {"process", "p", OPT_STRING, &o.process_file,
	     "path to a process.json (an OCI process object) describing the process"},
	    {"detach", "d", OPT_BOOL, &o.detach, "return once the process runs"},
	    {"pid-file", NULL, OPT_STRING, &o.pid_file, "write the process's pid to this file"},
	    {"process-label", NULL, OPT_STRING, &o.process_label,
	     "SELinux label of the process (when SELinux is enabled)"},
	    {"apparmor", NULL, OPT_STRING, &o.apparmor,
	     "AppArmor profile of the process (when AppArmor is enabled)"},
	    {"no-new-privs", NULL, OPT_TRIBOOL, &o.no_new_privs,
	     "set no_new_privs (or with =false clear the config's): the process cannot gain "
	     "privileges through exec"},
	    {"cap", "c", OPT_LIST, &caps, "add a capability to the process (repeatable)"},
	    {"preserve-fds", NULL, OPT_UINT, &o.preserve_fds,
	     "hand N more file descriptors (from fd 3) to the process (default: 0)"},
	    {"pidfd-socket", NULL, OPT_STRING, &o.pidfd_socket,
	     "AF_UNIX socket that is sent a pidfd of the process"},
	    {"cgroup", NULL, OPT_LIST, &cgroups,
	     "run in an existing sub-cgroup of the container: [<controllers>:]<path>; "
	     "repeat the controllers form for several"},
	    {"ignore-paused", NULL, OPT_BOOL, &o.ignore_paused, "exec in a paused container too"},
	    {0},
	};
	const struct command c = {
	    .name = "exec",
	    .args = "<container-id> <command> [args...]  ||  -p process.json <container-id>",
	    .summary = "run a new process inside the container",
	    .desc = "Runs <command> in the running container <container-id>: in its namespaces,\n"
		    "   cgroup and root, with the user, capabilities and environment of its\n"
		    "   configuration unless the options say otherwise. Unless --detach is given,\n"
		    "   waits for it and exits with its exit status; 255 when the exec failed.",
	    .min_args = 1,
	    .max_args = -1,
	    .opts = opts,
	    .no_reorder = true,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	_cleanup_free_ int64_t *gid_v = NULL;
	if (r == 0 && parse_gids(&gids, &gid_v) < 0) {
		printf("Incorrect Usage: %s\n\n", err_msg());
		print_usage(stdout, &c);
		r = -1;
	}
	int code = 0;
	if (r == 0) {
		o.id = argv[pos];
		o.args = argv + pos + 1;
		o.env = env.v, o.n_env = env.n;
		o.gids = gid_v, o.n_gids = gids.n;
		o.caps = caps.v, o.n_caps = caps.n;
		o.cgroups = cgroups.v, o.n_cgroups = cgroups.n;
		if (container_exec(g, &o, &code) < 0) {
			err_prefix("exec failed");
			log_fatal(err_msg());
			code = EXEC_FAILED;
		}
	}
	free(env.v);
	free(gids.v);
	free(caps.v);
	free(cgroups.v);
	if (r != 0)
		return r < 0 ? fail() : 0;
	return code;
}
