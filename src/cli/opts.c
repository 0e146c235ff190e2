/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "log.h"

static const struct opt *find(const struct opt *opts, const char *name, size_t len)
{
	for (const struct opt *o = opts; o && o->name; o++) {
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
		if (o->alias && strlen(o->alias) == len && strncmp(o->alias, name, len) == 0)
			return o;
	}
	return NULL;
}

static int set_value(const struct opt *o, const char *flag, const char *v)
{
	switch (o->kind) {
	case OPT_BOOL:
		if (!strcmp(v, "true") || !strcmp(v, "1"))
			*(bool *)o->dest = true;
		else if (!strcmp(v, "false") || !strcmp(v, "0"))
			*(bool *)o->dest = false;
		else
			return err_set(0, "invalid boolean value \"%s\" for flag -%s", v, flag);
		return 0;
	case OPT_STRING:
		*(const char **)o->dest = v;
		return 0;
	case OPT_UINT: {
		char *end;
		errno = 0;
		unsigned long n = strtoul(v, &end, 10);
		if (!*v || *end || errno || n > UINT_MAX || v[0] == '-')
			return err_set(0, "invalid value \"%s\" for flag -%s", v, flag);
		*(unsigned *)o->dest = (unsigned)n;
		return 0;
	}
	}
	return 0;
}

static bool is_help(const char *name, size_t len)
{
	return (len == 4 && !strncmp(name, "help", 4)) || (len == 1 && name[0] == 'h');
}

int opts_parse(const struct opt *opts, int argc, char **argv, int *npos)
{
	int i = 0;
	while (i < argc) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		const char *name = a + (a[1] == '-' ? 2 : 1);
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct opt *o = find(opts, name, len);
		if (!o) {
			if (is_help(name, len))
				return 1;
			return err_set(0, "flag provided but not defined: -%.*s", (int)len, name);
		}
		if (eq) {
			if (set_value(o, o->name, eq + 1) < 0)
				return -1;
		} else if (o->kind == OPT_BOOL) {
			*(bool *)o->dest = true;
		} else if (i + 1 >= argc) {
			return err_set(0, "flag needs an argument: -%.*s", (int)len, name);
		} else if (set_value(o, o->name, argv[++i]) < 0) {
			return -1;
		}
		i++;
	}
	*npos = i;
	return 0;
}

void print_usage(FILE *f, const struct command *c)
{
	fprintf(f, "corun %s - %s\n\nUSAGE:\n   corun %s [command options] %s\n", c->name,
		c->summary, c->name, c->args);
	if (!c->opts || !c->opts->name)
		return;
	fprintf(f, "\nOPTIONS:\n");
	for (const struct opt *o = c->opts; o->name; o++) {
		char names[64];
		snprintf(names, sizeof(names), "--%s%s%s%s", o->name, o->alias ? ", -" : "",
			 o->alias ? o->alias : "", o->kind == OPT_BOOL ? "" : " value");
		fprintf(f, "   %-28s %s\n", names, o->help);
	}
}

int command_args(const struct command *c, int argc, char **argv, int *npos)
{
	int r = opts_parse(c->opts, argc, argv, npos);
	if (r == 1) {
		print_usage(stdout, c);
		return 1;
	}
	if (r < 0)
		return -1;
	int n = argc - *npos;
	if (n < c->min_args)
		return err_set(0, "corun: \"%s\" requires a minimum of %d argument(s)", c->name,
			       c->min_args);
	if (c->max_args >= 0 && n > c->max_args)
		return err_set(0, "corun: \"%s\" requires a maximum of %d argument(s)", c->name,
			       c->max_args);
	return 0;
}

int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end) {
		if (n <= 0 || n >= NSIG)
			return err_set(0, "invalid signal: %s", s);
		return (int)n;
	}
	const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
	for (int sig = 1; sig < SIGRTMIN; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && strcasecmp(abbrev, name) == 0)
			return sig;
	}
	return err_set(0, "unknown signal \"%s\"", s);
}

int fail(void)
{
	log_fatal(err_msg());
	return 1;
}
