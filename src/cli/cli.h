/* SPDX-License-Identifier: Apache-2.0 */
/* The command line: runc 1.1's flags and words over the library. Flags are
 * parsed as Go's flag package (which runc uses) does: "-f" and "--f" alike,
 * "--f value" or "--f=value", bools as "--f" or "--f=false", and parsing
 * stops at the first argument that is not a flag (or after "--"). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "container.h"

enum opt_kind { OPT_BOOL, OPT_STRING, OPT_UINT };

struct opt {
	const char *name;  /* long name */
	const char *alias; /* one-letter name or NULL */
	enum opt_kind kind;
	void *dest;        /* bool *, const char **, unsigned * */
	const char *help;
};

struct command {
	const char *name;
	const char *args;    /* "<container-id>" ... for the usage line */
	const char *summary;
	int min_args, max_args; /* positional arguments; max -1 = any */
	const struct opt *opts; /* terminated by {0} */
};

/* Parses flags from argv[0..argc); *npos gets the index of the first
 * positional argument. Returns 0, 1 when --help was asked, -1 + err. */
int opts_parse(const struct opt *opts, int argc, char **argv, int *npos);
void print_usage(FILE *f, const struct command *c);
/* Parses flags and checks the argument count; prints help and returns 1
 * for --help, -1 + err on misuse. */
int command_args(const struct command *c, int argc, char **argv, int *npos);

/* "KILL", "SIGKILL", "kill", "9" -> 9; -1 + err when unknown. */
int parse_signal(const char *s);

int cmd_create(const struct global_opts *g, int argc, char **argv);
int cmd_start(const struct global_opts *g, int argc, char **argv);
int cmd_run(const struct global_opts *g, int argc, char **argv);
int cmd_state(const struct global_opts *g, int argc, char **argv);
int cmd_list(const struct global_opts *g, int argc, char **argv);
int cmd_kill(const struct global_opts *g, int argc, char **argv);
int cmd_delete(const struct global_opts *g, int argc, char **argv);
int cmd_spec(const struct global_opts *g, int argc, char **argv);

/* Flags shared by create and run; run adds its own. */
#define CREATE_OPTS(o)                                                                             \
	{"bundle", "b", OPT_STRING, &(o).bundle, "path to the bundle (default: current directory)"}, \
	{"console-socket", NULL, OPT_STRING, &(o).console_socket,                                  \
	 "unix socket that receives the pty master"},                                              \
	{"pid-file", NULL, OPT_STRING, &(o).pid_file, "file to write the init pid to"},            \
	{"no-pivot", NULL, OPT_BOOL, &(o).no_pivot, "use MS_MOVE + chroot instead of pivot_root"},  \
	{"no-new-keyring", NULL, OPT_BOOL, &(o).no_new_keyring,                                   \
	 "do not create a new session keyring"},                                                    \
	{"preserve-fds", NULL, OPT_UINT, &(o).preserve_fds,                                        \
	 "pass N extra fds (3 .. 3+N-1) to the container"}

/* Exit status for a command that failed: reports err_msg() and returns 1. */
int fail(void);
