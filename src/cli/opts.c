/* SPDX-License-Identifier: Apache-2.0 */
/* Flag parsing with the rules runc's CLI inherits from Go's flag package, so
 * that scripts written for runc get the same results and error texts. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "log.h"

static const struct opt help_opt = {"help", "h", OPT_BOOL, NULL, "show help"};

static bool name_is(const char *want, const char *name, size_t len)
{
	return want && strlen(want) == len && strncmp(want, name, len) == 0;
}

/* The flag called name[0..len), or NULL. With help set, -h/--help too. */
static const struct opt *find(const struct opt *opts, const char *name, size_t len, bool help)
{
	for (const struct opt *o = opts; o && o->name; o++)
		if (name_is(o->name, name, len) || name_is(o->alias, name, len))
			return o;
	if (help && (name_is(help_opt.name, name, len) || name_is(help_opt.alias, name, len)))
		return &help_opt;
	return NULL;
}

int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*out = !strcmp(s, yes[i]);
			return 0;
		}
	}
	return -1;
}

/* Go's base-0 unsigned syntax: 0x1f, 0o17, 017, 0b101 or decimal; no sign
 * and no spaces (which strtoull alone would accept). */
static int parse_uint(const char *s, unsigned *out, const char **why)
{
	int base = 10;
	const char *p = s;
	*why = "parse error";
	if (p[0] == '0' && p[1] && strchr("xXoObB", p[1])) {
		base = strchr("xX", p[1]) ? 16 : strchr("oO", p[1]) ? 8 : 2;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
	}
	if (!isxdigit((unsigned char)*p))
		return -1;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(p, &end, base);
	if (*end)
		return -1;
	if (errno == ERANGE || n > UINT_MAX) {
		*why = "value out of range";
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

/* Go's %q for the values we echo back in errors. */
static const char *quote(const char *s, char *buf, size_t n)
{
	size_t j = 0;
	buf[j++] = '"';
	for (; *s && j + 6 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			j += (size_t)snprintf(buf + j, n - j, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			j += (size_t)snprintf(buf + j, n - j, "\\x%02x", c);
		else
			buf[j++] = (char)c;
	}
	buf[j++] = '"';
	buf[j] = '\0';
	return buf;
}

static int set_value(const struct opt *o, const char *flag, const char *v, bool *help)
{
	char q[256];
	switch (o->kind) {
	case OPT_BOOL:
	case OPT_TRIBOOL: {
		bool b;
		if (parse_bool(v, &b) < 0)
			return err_set(0, "invalid boolean value %s for -%s: parse error",
				       quote(v, q, sizeof(q)), flag);
		if (o->kind == OPT_TRIBOOL)
			*(int *)o->dest = b;
		else
			*(o == &help_opt ? help : (bool *)o->dest) = b;
		return 0;
	}
	case OPT_STRING:
		*(const char **)o->dest = v;
		return 0;
	case OPT_LIST: {
		struct opt_list *l = o->dest;
		l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
		l->v[l->n++] = v;
		return 0;
	}
	case OPT_INT: {
		const char *why;
		unsigned u;
		bool neg = v[0] == '-' || v[0] == '+';
		int r = parse_uint(v + neg, &u, &why);
		if (r == 0 && u > (v[0] == '-' ? 2147483648u : 2147483647u)) {
			why = "value out of range";
			r = -1;
		}
		if (r < 0)
			return err_set(0, "invalid value %s for flag -%s: %s",
				       quote(v, q, sizeof(q)), flag, why);
		*(int *)o->dest = v[0] == '-' ? (int)-(long long)u : (int)u;
		return 0;
	}
	case OPT_UINT: {
		const char *why;
		if (parse_uint(v, (unsigned *)o->dest, &why) < 0)
			return err_set(0, "invalid value %s for flag -%s: %s",
				       quote(v, q, sizeof(q)), flag, why);
		return 0;
	}
	}
	return 0;
}

/* Like runc's CLI library: a defined flag may follow the positional
 * arguments; it is moved to the front with the argument after it when that
 * is not itself a defined flag (even for a boolean flag: `kill ID -a KILL` names
 * container KILL in runc too). Nothing after "--" moves. */
void opts_reorder(const struct opt *opts, int argc, char **argv)
{
	if (argc <= 0)
		return;
	char **flags = xcalloc((size_t)argc, sizeof(*flags));
	char **rest = xcalloc((size_t)argc, sizeof(*rest));
	int nf = 0, nr = 0;
	bool want_value = false;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			while (i < argc)
				rest[nr++] = argv[i++];
			break;
		}
		const char *name = a[0] == '-' && strcmp(a, "-") ? a + 1 + (a[1] == '-') : NULL;
		size_t len = name ? strcspn(name, "=") : 0;
		bool is_flag = name && find(opts, name, len, true);
		/* anything but a defined flag can be a value: "--pids-limit -1", "-r -" */
		if (want_value && !is_flag) {
			want_value = false;
			flags[nf++] = argv[i];
			continue;
		}
		if (is_flag) {
			flags[nf++] = argv[i];
			if (!name[len])
				want_value = true;
		} else {
			rest[nr++] = argv[i];
		}
	}
	memcpy(argv, flags, (size_t)nf * sizeof(*argv));
	memcpy(argv + nf, rest, (size_t)nr * sizeof(*argv));
	free(flags);
	free(rest);
}

int opts_parse(const struct opt *opts, int argc, char **argv, bool *help, int *npos)
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
		if (!*name || *name == '-' || *name == '=')
			return err_set(0, "bad flag syntax: %s", a);
		size_t len = strcspn(name, "=");
		_cleanup_free_ char *flag = xasprintf("%.*s", (int)len, name);
		const struct opt *o = find(opts, name, len, help != NULL);
		if (!o)
			return err_set(0, "flag provided but not defined: -%s", flag);
		i++;
		if (name[len]) {
			if (set_value(o, flag, name + len + 1, help) < 0)
				return -1;
		} else if (o->kind == OPT_BOOL) {
			*(o == &help_opt ? help : (bool *)o->dest) = true;
		} else if (o->kind == OPT_TRIBOOL) {
			*(int *)o->dest = 1;
		} else if (i >= argc) {
			return err_set(0, "flag needs an argument: -%s", flag);
		} else if (set_value(o, flag, argv[i++], help) < 0) {
			return -1;
		}
	}
	*npos = i;
	return 0;
}

void print_usage(FILE *f, const struct command *c)
{
	bool has_opts = c->opts && c->opts->name;
	fprintf(f, "NAME:\n   corun %s - %s\n\nUSAGE:\n   corun %s%s%s%s\n", c->name, c->summary,
		c->name, has_opts ? " [command options]" : "", *c->args ? " " : "", c->args);
	if (c->desc)
		fprintf(f, "\nDESCRIPTION:\n   %s\n", c->desc);
	if (!has_opts)
		return;
	char names[64];
	int width = 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			fprintf(f, "\nOPTIONS:\n");
		for (const struct opt *o = c->opts; o->name; o++) {
			const char *v =
			    o->kind == OPT_BOOL || o->kind == OPT_TRIBOOL ? "" : " value";
			int n = snprintf(names, sizeof(names), "--%s%s%s%s%s", o->name, v,
					 o->alias ? ", -" : "", o->alias ? o->alias : "",
					 o->alias ? v : "");
			if (!pass)
				width = n > width ? n : width;
			else
				fprintf(f, "   %-*s  %s\n", width, names, o->help);
		}
	}
}

int command_parse(const struct command *c, int argc, char **argv, int *npos)
{
	bool help = false;
	if (!c->no_reorder)
		opts_reorder(c->opts, argc, argv);
	if (opts_parse(c->opts, argc, argv, &help, npos) < 0) {
		printf("Incorrect Usage: %s\n\n", err_msg());
		print_usage(stdout, c);
		return -1;
	}
	if (help) {
		print_usage(stdout, c);
		return 1;
	}
	int n = argc - *npos;
	if (n >= c->min_args && (c->max_args < 0 || n <= c->max_args))
		return 0;
	printf("Incorrect Usage.\n\n");
	print_usage(stdout, c);
	if (c->min_args == c->max_args)
		return err_set(0, "corun: \"%s\" requires exactly %d argument(s)", c->name,
			       c->min_args);
	if (n < c->min_args)
		return err_set(0, "corun: \"%s\" requires a minimum of %d argument(s)", c->name,
			       c->min_args);
	return err_set(0, "corun: \"%s\" requires a maximum of %d argument(s)", c->name,
		       c->max_args);
}

/* An int in Go's strconv.Atoi syntax: optional sign, decimal digits only. */
static bool parse_int(const char *s, int *out)
{
	const char *p = s + (*s == '+' || *s == '-');
	if (!isdigit((unsigned char)*p))
		return false;
	char *end;
	errno = 0;
	long n = strtol(s, &end, 10);
	if (*end || errno || n < INT_MIN || n > INT_MAX)
		return false;
	*out = (int)n;
	return true;
}

int parse_signal(const char *s, int *sig)
{
	if (parse_int(s, sig))
		return 0;
	/* the names runc knows: the 31 classic signals (29 is IO, not POLL),
	 * SIG prefix optional, any case; no aliases, no real-time names */
	static const char *const names[] = {
	    "HUP",  "INT",    "QUIT", "ILL",   "TRAP", "ABRT", "BUS",  "FPE",
	    "KILL", "USR1",   "SEGV", "USR2",  "PIPE", "ALRM", "TERM", "STKFLT",
	    "CHLD", "CONT",   "STOP", "TSTP",  "TTIN", "TTOU", "URG",  "XCPU",
	    "XFSZ", "VTALRM", "PROF", "WINCH", "IO",   "PWR",  "SYS",
	};
	_Static_assert(SIGSTKFLT == 16 && SIGIO == 29 && SIGSYS == 31, "signal numbering");
	const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcasecmp(names[i], name) == 0) {
			*sig = (int)i + 1;
			return 0;
		}
	}
	char q[256];
	return err_set(0, "unknown signal %s", quote(s, q, sizeof(q)));
}

int fail(void)
{
	log_fatal(err_msg());
	return 1;
}
