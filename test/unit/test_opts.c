/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the command line parser (src/cli/opts.c), in TAP. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tap.h"

/* The condition is evaluated before the message (which may print err_msg()). */
#define OK(cond, ...)                                                                              \
	do {                                                                                       \
		bool c_ = (cond);                                                                  \
		ok(c_, __VA_ARGS__);                                                               \
	} while (0)

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The flags used by most tests; reset() restores their defaults. */
static const char *bundle, *fmt;
static bool detach, all;
static unsigned nfds;
static const struct opt opts[] = {
    {"bundle", "b", OPT_STRING, &bundle, ""},	 {"format", "f", OPT_STRING, &fmt, ""},
    {"detach", "d", OPT_BOOL, &detach, ""},	 {"all", "a", OPT_BOOL, &all, ""},
    {"preserve-fds", NULL, OPT_UINT, &nfds, ""}, {0},
};

static void reset(void)
{
	bundle = fmt = NULL;
	detach = all = false;
	nfds = 0;
	err_clear();
}

#define MAXV 16

/* Splits a space-separated command line into v (no quoting needed here). */
static int split(char *buf, size_t n, const char *line, char **v)
{
	int c = 0;
	snprintf(buf, n, "%s", line);
	for (char *save, *t = strtok_r(buf, " ", &save); t && c < MAXV - 1;
	     t = strtok_r(NULL, " ", &save))
		v[c++] = t;
	v[c] = NULL;
	return c;
}

/* Parses line without reordering; returns opts_parse's result. */
static int parse(const char *line, int *pos, bool *help)
{
	static char buf[512];
	static char *v[MAXV];
	reset();
	int c = split(buf, sizeof(buf), line, v);
	return opts_parse(opts, c, v, help, pos);
}

static void test_values(void)
{
	int pos;
	OK(parse("--bundle /b x", &pos, NULL) == 0 && streq(bundle, "/b") && pos == 2,
	   "--flag value");
	OK(parse("--bundle=/b=c x", &pos, NULL) == 0 && streq(bundle, "/b=c") && pos == 1,
	   "--flag=value keeps later '='");
	OK(parse("-bundle /b", &pos, NULL) == 0 && streq(bundle, "/b") && pos == 2,
	   "-flag value (single dash long flag)");
	OK(parse("-b /b", &pos, NULL) == 0 && streq(bundle, "/b"), "-b value (short flag)");
	OK(parse("--b=/b", &pos, NULL) == 0 && streq(bundle, "/b"), "--b=value");
	OK(parse("--bundle= x", &pos, NULL) == 0 && streq(bundle, "") && pos == 1,
	   "--flag= gives an empty value");
	OK(parse("--bundle --detach", &pos, NULL) == 0 && streq(bundle, "--detach") && !detach,
	   "a string flag takes the next argument even if it starts with -");
	OK(parse("-b one -b two", &pos, NULL) == 0 && streq(bundle, "two"), "last value wins");
}

static void test_bools(void)
{
	int pos;
	OK(parse("-d x", &pos, NULL) == 0 && detach && pos == 1, "-d sets a bool");
	OK(parse("--detach x", &pos, NULL) == 0 && detach && pos == 1,
	   "a bool does not take the next argument");
	OK(parse("--detach=false", &pos, NULL) == 0 && !detach, "--detach=false");
	OK(parse("-d=T", &pos, NULL) == 0 && detach, "-d=T (Go spelling)");
	OK(parse("-d=1 -a", &pos, NULL) == 0 && detach && all, "-d=1 and -a");
	OK(parse("-d=yes", &pos, NULL) < 0 &&
	       streq(err_msg(), "invalid boolean value \"yes\" for -d: parse error"),
	   "bad bool value: %s", err_msg());
	bool b = true;
	OK(parse_bool("False", &b) == 0 && !b && parse_bool("TRUE", &b) == 0 && b &&
	       parse_bool("tRUE", &b) < 0 && parse_bool("", &b) < 0,
	   "parse_bool spellings");
	/* a tribool tells "not given" (-1) from false */
	int nnp = 7;
	const struct opt tri[] = {{"no-new-privs", NULL, OPT_TRIBOOL, &nnp, ""}, {0}};
	char a0[] = "x", a1[] = "--no-new-privs", a2[] = "--no-new-privs=false";
	char *none[] = {a0, NULL}, *bare[] = {a1, NULL}, *off[] = {a2, NULL};
	nnp = -1;
	OK(opts_parse(tri, 1, none, NULL, &pos) == 0 && nnp == -1, "tribool: absent stays -1");
	OK(opts_parse(tri, 1, bare, NULL, &pos) == 0 && nnp == 1, "tribool: --flag is 1");
	OK(opts_parse(tri, 1, off, NULL, &pos) == 0 && nnp == 0, "tribool: --flag=false is 0");
}

static void test_uints(void)
{
	int pos;
	OK(parse("--preserve-fds 3", &pos, NULL) == 0 && nfds == 3, "uint decimal");
	OK(parse("--preserve-fds=0x10", &pos, NULL) == 0 && nfds == 16, "uint hex");
	OK(parse("--preserve-fds=010", &pos, NULL) == 0 && nfds == 8, "uint leading 0 is octal");
	OK(parse("--preserve-fds=0b11", &pos, NULL) == 0 && nfds == 3, "uint binary");
	OK(parse("--preserve-fds x", &pos, NULL) < 0 &&
	       streq(err_msg(), "invalid value \"x\" for flag -preserve-fds: parse error"),
	   "bad uint: %s", err_msg());
	OK(parse("--preserve-fds=-1", &pos, NULL) < 0 &&
	       parse("--preserve-fds=+1", &pos, NULL) < 0 &&
	       parse("--preserve-fds=", &pos, NULL) < 0,
	   "uint rejects signs and empty");
	OK(parse("--preserve-fds=99999999999", &pos, NULL) < 0 &&
	       strstr(err_msg(), "value out of range"),
	   "uint out of range: %s", err_msg());
}

static void test_errors(void)
{
	int pos;
	OK(parse("--bogus x", &pos, NULL) < 0 &&
	       streq(err_msg(), "flag provided but not defined: -bogus"),
	   "unknown flag: %s", err_msg());
	OK(parse("-bogus=1", &pos, NULL) < 0 &&
	       streq(err_msg(), "flag provided but not defined: -bogus"),
	   "unknown flag with value");
	OK(parse("-x", &pos, NULL) < 0 && streq(err_msg(), "flag provided but not defined: -x"),
	   "unknown short flag");
	OK(parse("--bundle", &pos, NULL) < 0 && streq(err_msg(), "flag needs an argument: -bundle"),
	   "missing value: %s", err_msg());
	OK(parse("-b", &pos, NULL) < 0 && streq(err_msg(), "flag needs an argument: -b"),
	   "missing value names the flag as typed");
	OK(parse("---d", &pos, NULL) < 0 && streq(err_msg(), "bad flag syntax: ---d"), "---d: %s",
	   err_msg());
	OK(parse("-=d", &pos, NULL) < 0 && streq(err_msg(), "bad flag syntax: -=d"), "-=d");
	bool help = false;
	OK(parse("-h", &pos, NULL) < 0, "-h unknown without help");
	OK(parse("-d -h x", &pos, &help) == 0 && help && detach && pos == 2, "-h sets help");
	help = false;
	OK(parse("--help=false x", &pos, &help) == 0 && !help, "--help=false");
}

static void test_positionals(void)
{
	int pos;
	OK(parse("-- -d", &pos, NULL) == 0 && !detach && pos == 1, "-- ends the flags");
	OK(parse("-d -- --", &pos, NULL) == 0 && detach && pos == 2, "only the first -- is eaten");
	OK(parse("- -d", &pos, NULL) == 0 && !detach && pos == 0, "- is positional");
	OK(parse("x -d", &pos, NULL) == 0 && !detach && pos == 0,
	   "parsing stops at the first positional");
	OK(parse("", &pos, NULL) == 0 && pos == 0, "no arguments");
}

/* Reorders and parses like a subcommand; *first gets the first positional. */
static int reorder(const char *line, const char **first, int *npos)
{
	static char buf[512];
	static char *v[MAXV];
	reset();
	int c = split(buf, sizeof(buf), line, v);
	opts_reorder(opts, c, v);
	int pos;
	if (opts_parse(opts, c, v, NULL, &pos) < 0)
		return -1;
	*first = pos < c ? v[pos] : NULL;
	*npos = c - pos;
	return 0;
}

static void test_reorder(void)
{
	const char *id;
	int n;
	OK(reorder("ID -d", &id, &n) == 0 && detach && streq(id, "ID") && n == 1,
	   "a flag after the id is parsed");
	OK(reorder("ID -b /x", &id, &n) == 0 && streq(bundle, "/x") && streq(id, "ID") && n == 1,
	   "a flag with its value after the id");
	OK(reorder("ID --bogus", &id, &n) == 0 && streq(id, "ID") && n == 2,
	   "an unknown flag after the id stays positional");
	OK(reorder("ID -a KILL", &id, &n) == 0 && all && streq(id, "KILL") && n == 2,
	   "a bool flag takes the next word along, as runc's CLI does");
	OK(reorder("ID -a=true KILL", &id, &n) == 0 && all && streq(id, "ID") && n == 2,
	   "-a=true does not");
	OK(reorder("ID -- -d", &id, &n) == 0 && !detach && streq(id, "ID") && n == 3,
	   "nothing after -- moves");
	OK(reorder("--bogus ID", &id, &n) < 0, "an unknown flag in front is an error");
}

/* command_parse prints usage on stdout: keep it out of the TAP stream. */
static int quiet_command(const struct command *c, const char *line)
{
	static char buf[512];
	static char *v[MAXV];
	reset();
	int argc = split(buf, sizeof(buf), line, v), pos;
	fflush(stdout);
	int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
	dup2(null, STDOUT_FILENO);
	int r = command_parse(c, argc, v, &pos);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(null);
	return r;
}

static void test_command(void)
{
	struct command kill = {"kill", "<container-id> [signal]", "k", NULL, 1, 2, opts, false};
	struct command create = {"create", "<container-id>", "c", NULL, 1, 1, opts, false};
	struct command list = {"list", "", "l", NULL, 0, 0, opts, false};
	OK(quiet_command(&kill, "") < 0 &&
	       streq(err_msg(), "corun: \"kill\" requires a minimum of 1 argument(s)"),
	   "too few: %s", err_msg());
	OK(quiet_command(&kill, "a b c") < 0 &&
	       streq(err_msg(), "corun: \"kill\" requires a maximum of 2 argument(s)"),
	   "too many: %s", err_msg());
	OK(quiet_command(&create, "a b") < 0 &&
	       streq(err_msg(), "corun: \"create\" requires exactly 1 argument(s)"),
	   "exact: %s", err_msg());
	OK(quiet_command(&list, "x") < 0 &&
	       streq(err_msg(), "corun: \"list\" requires exactly 0 argument(s)"),
	   "exact 0: %s", err_msg());
	OK(quiet_command(&kill, "ID KILL -a") == 0 && all, "flags after positionals");
	OK(quiet_command(&kill, "--help") == 1, "--help asks for help");
	OK(quiet_command(&create, "x -h") == 1, "-h after the id asks for help");
	OK(quiet_command(&create, "--nope x") < 0 &&
	       streq(err_msg(), "flag provided but not defined: -nope"),
	   "unknown flag in a command");
}

static void test_signals(void)
{
	static const struct {
		const char *in;
		int sig;
	} good[] = {
	    {"KILL", SIGKILL},
	    {"SIGKILL", SIGKILL},
	    {"sigkill", SIGKILL},
	    {"kill", SIGKILL},
	    {"9", 9},
	    {"-9", -9},
	    {"+0", 0},
	    {"99", 99},
	    {"term", SIGTERM},
	    {"SIGIO", 29},
	    {"usr1", SIGUSR1},
	    {"SigHup", SIGHUP},
	    {"SYS", SIGSYS},
	    {"STKFLT", 16},
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		int sig = -1000;
		OK(parse_signal(good[i].in, &sig) == 0 && sig == good[i].sig, "signal %s = %d",
		   good[i].in, good[i].sig);
	}
	static const char *const bad[] = {"BOGUS",	"SIG",	"",	      " 9",
					  "0x9",	"POLL", "IOT",	      "RTMIN",
					  "SIGRTMIN+1", "9x",	"99999999999"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int sig;
		OK(parse_signal(bad[i], &sig) < 0, "signal \"%s\" is rejected", bad[i]);
	}
	int sig;
	OK(parse_signal("BOGUS", &sig) < 0 && streq(err_msg(), "unknown signal \"BOGUS\""),
	   "unknown signal message: %s", err_msg());
}

int main(void)
{
	plan(8 + 10 + 7 + 10 + 5 + 7 + 8 + 14 + 11 + 1);
	test_values();
	test_bools();
	test_uints();
	test_errors();
	test_positionals();
	test_reorder();
	test_command();
	test_signals();
	return done_testing();
}
