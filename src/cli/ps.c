/* SPDX-License-Identifier: Apache-2.0 */
/* `corun ps`: json lists the pids; table filters the host's ps output to
 * the container's processes, as runc does. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "container_cgroup.h"

static void print_json(const pid_t *pids, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)pids[i]);
	puts("]");
}

/* The column of PID in the header line of ps, or -1. */
static int pid_column(const char *header)
{
	_cleanup_free_ char *h = xstrdup(header);
	char *save = NULL;
	int i = 0;
	for (char *f = strtok_r(h, " \t", &save); f; f = strtok_r(NULL, " \t", &save), i++)
		if (!strcmp(f, "PID"))
			return i;
	return -1;
}

/* Field col of line as a pid, or -1. */
static pid_t field_pid(const char *line, int col)
{
	const char *s = line;
	for (int i = 0;; i++) {
		s += strspn(s, " \t");
		if (!*s)
			return -1;
		if (i == col)
			break;
		s += strcspn(s, " \t");
	}
	char *end;
	long v = strtol(s, &end, 10);
	return end != s && (*end == ' ' || *end == '\t' || !*end) ? (pid_t)v : -1;
}

static bool has_pid(const pid_t *pids, size_t n, pid_t p)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == p)
			return true;
	return false;
}

/* Runs `ps ARGS` (stderr too, for its complaints) and reads all it says. */
static int run_ps(char **args, int n_args, char **out)
{
	_cleanup_free_ char **argv = xcalloc((size_t)n_args + 3, sizeof(*argv));
	argv[0] = "ps";
	for (int i = 0; i < n_args; i++)
		argv[i + 1] = args[i];
	if (!n_args)
		argv[1] = "-ef";
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return err_set(errno, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		execvp("ps", argv);
		dprintf(STDERR_FILENO, "exec ps: %s", strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	_cleanup_fclose_ FILE *f = fdopen(pfd[0], "r");
	size_t len = 0;
	FILE *mem = open_memstream(out, &len);
	char buf[4096];
	size_t r;
	while (f && (r = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, r, mem);
	fclose(mem);
	if (!f)
		close(pfd[0]);
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return err_set(errno, "run ps");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(0, "ps %s: %s", WIFEXITED(status) ? "failed" : "killed", *out);
	return 0;
}

static int print_table(const pid_t *pids, size_t n, char **args, int n_args)
{
	_cleanup_free_ char *text = NULL;
	if (run_ps(args, n_args, &text) < 0)
		return -1;
	char *save = NULL, *line = strtok_r(text, "\n", &save);
	int col = line ? pid_column(line) : -1;
	if (col < 0)
		return err_set(0, "couldn't find PID field in ps output");
	puts(line);
	while ((line = strtok_r(NULL, "\n", &save)))
		if (has_pid(pids, n, field_pid(line, col)))
			puts(line);
	return 0;
}

int cmd_ps(const struct global_opts *g, int argc, char **argv)
{
	const char *format = "table";
	const struct opt opts[] = {
	    {"format", "f", OPT_STRING, &format,
	     "output format: table or json (default: \"table\")"},
	    {0},
	};
	const struct command c = {
	    .name = "ps",
	    .args = "<container-id> [-- ps options]",
	    .summary = "show the processes running in the container",
	    .desc =
		"Lists the processes in the cgroup of the container <container-id>: as a JSON\n"
		"   array of host pids (-f json), or as the lines of the host's \"ps\" (run with\n"
		"   [ps options], default -ef) that show them, under ps's header.",
	    .min_args = 1,
	    .max_args = -1,
	    .opts = opts,
	    .no_reorder = true, /* what follows the id belongs to ps */
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	rootless_cgroups_warn(g, "ps");
	if (strcmp(format, "table") && strcmp(format, "json")) {
		err_set(0, "invalid format option");
		return fail();
	}
	char **ps_args = argv + pos + 1;
	int n_args = argc - pos - 1;
	if (n_args && !strcmp(ps_args[0], "--"))
		ps_args++, n_args--;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n;
	if (container_pids(g, argv[pos], &pids, &n) < 0)
		return fail();
	fflush(stdout);
	if (!strcmp(format, "json"))
		print_json(pids, n);
	else if (print_table(pids, n, ps_args, n_args) < 0)
		return fail();
	return 0;
}
