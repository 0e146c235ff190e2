/* SPDX-License-Identifier: Apache-2.0 */
/* The command line: runc 1.1's flags and words over the library.
 *
 * Flags follow the rules of the Go flag package runc's CLI is built on:
 * "-name" and "--name" alike, "--name value" or "--name=value", booleans as
 * "--name" or "--name=false", and parsing stops at the first argument that
 * is not a flag, or after "--". Subcommands also accept their own flags
 * after the positional arguments, moved to the front the way runc's CLI
 * library does it (see opts_reorder). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "container.h"

/* OPT_TRIBOOL: a boolean whose absence matters (int: -1 not given, 0, 1),
 * for flags that override a config value only when given. */
enum opt_kind { OPT_BOOL, OPT_TRIBOOL, OPT_STRING, OPT_UINT, OPT_INT, OPT_LIST };

/* What an OPT_LIST flag collects, one value per use ("-e A -e B"); the
 * strings point into argv. Free v (not the strings) when done. */
struct opt_list {
	const char **v;
	size_t n;
};

struct opt {
	const char *name;  /* long name */
	const char *alias; /* short name or NULL */
	enum opt_kind kind;
	void *
	    dest; /* bool *, int * (TRIBOOL, INT), const char **, unsigned * or struct opt_list * */
	const char *help;
};

struct command {
	const char *name;
	const char *args;	/* what follows the options on the usage line */
	const char *summary;	/* one line, also listed by `corun help` */
	const char *desc;	/* longer explanation; may be NULL */
	int min_args, max_args; /* positional arguments; max -1 = any */
	const struct opt *opts; /* terminated by {0}; may be NULL */
	bool no_reorder;	/* flags only before the arguments (exec: the command's own
				 * flags must stay where they are, as runc's SkipArgReorder) */
};

/* Moves the flags defined in opts (and their values) in front of the other
 * arguments, in place, as runc's CLI does before parsing a subcommand. */
void opts_reorder(const struct opt *opts, int argc, char **argv);

/* Parses flags from argv[0..argc) with Go flag semantics; *npos gets the
 * index of the first positional argument. When help is not NULL, -h and
 * --help are accepted and set *help. Returns 0, or -1 + err naming the flag
 * ("flag provided but not defined: -bogus"). */
int opts_parse(const struct opt *opts, int argc, char **argv, bool *help, int *npos);

/* strconv.ParseBool's spellings: 1 t T TRUE true True and the false ones. */
int parse_bool(const char *s, bool *out);

/* The help text of a command, runc's layout (NAME, USAGE, ...). */
void print_usage(FILE *f, const struct command *c);

/* Reorders and parses a subcommand's flags, handles --help and checks the
 * number of positional arguments. Returns 0 to go on, 1 when help was
 * printed (exit 0), -1 + err on misuse, after printing the usage to stdout
 * as runc does. Permutes argv. */
int command_parse(const struct command *c, int argc, char **argv, int *npos);

/* A signal by name ("KILL", "SIGKILL", "kill") or number ("9"). Numbers are
 * passed through unchecked, as runc does; the kernel judges them. */
int parse_signal(const char *s, int *sig);

/* Reports err_msg() as the command's error and returns the exit status 1. */
int fail(void);

int cmd_create(const struct global_opts *g, int argc, char **argv);
int cmd_start(const struct global_opts *g, int argc, char **argv);
int cmd_run(const struct global_opts *g, int argc, char **argv);
int cmd_state(const struct global_opts *g, int argc, char **argv);
int cmd_list(const struct global_opts *g, int argc, char **argv);
int cmd_kill(const struct global_opts *g, int argc, char **argv);
int cmd_delete(const struct global_opts *g, int argc, char **argv);
int cmd_spec(const struct global_opts *g, int argc, char **argv);
int cmd_pause(const struct global_opts *g, int argc, char **argv);
int cmd_resume(const struct global_opts *g, int argc, char **argv);
int cmd_update(const struct global_opts *g, int argc, char **argv);
int cmd_events(const struct global_opts *g, int argc, char **argv);
int cmd_features(const struct global_opts *g, int argc, char **argv);
int cmd_exec(const struct global_opts *g, int argc, char **argv);
int cmd_ps(const struct global_opts *g, int argc, char **argv);
int cmd_checkpoint(const struct global_opts *g, int argc, char **argv);
int cmd_restore(const struct global_opts *g, int argc, char **argv);

/* Whether the command table (main.c) implements the subcommand name. */
bool cli_command_available(const char *name);

/* Flags shared by create and run. */
/* clang-format off */
#define CREATE_OPTS(o)									\
	{"bundle", "b", OPT_STRING, &(o).bundle,					\
	 "the bundle directory (config.json and the rootfs); default: the current "	\
	 "directory"},									\
	{"console-socket", NULL, OPT_STRING, &(o).console_socket,			\
	 "AF_UNIX socket that is sent the master end of the container's terminal"},	\
	{"pid-file", NULL, OPT_STRING, &(o).pid_file,					\
	 "write the pid of the container's init to this file"},				\
	{"no-pivot", NULL, OPT_BOOL, &(o).no_pivot,					\
	 "move the rootfs onto / and chroot instead of pivot_root (for a rootfs on "	\
	 "a ramdisk)"},									\
	{"no-new-keyring", NULL, OPT_BOOL, &(o).no_new_keyring,			\
	 "keep the caller's session keyring instead of creating a new one"},		\
	{"preserve-fds", NULL, OPT_UINT, &(o).preserve_fds,				\
	 "hand N more file descriptors (from fd 3, after $LISTEN_FDS ones) to the "	\
	 "container (default: 0)"},							\
	{"pidfd-socket", NULL, OPT_STRING, &(o).pidfd_socket,				\
	 "AF_UNIX socket that is sent a pidfd of the container's init"}
/* clang-format on */

/* What create and run print under DESCRIPTION. */
#define CREATE_DESC                                                                                \
	"Sets up a container from a bundle: a directory holding the configuration file\n"          \
	"   \"config.json\" and the root filesystem it names. The process to run is the\n"         \
	"   configuration's process.args; edit it to change what the container runs\n"             \
	"   (\"corun spec --help\" explains how to get a starting configuration)."
