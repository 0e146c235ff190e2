/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container_cgroup.h"

/* A Go duration ("5s", "1m30s", "250ms", "1.5h") in milliseconds. */
static bool go_duration_ms(const char *s, long long *out)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"\xc2\xb5s", 1e-3}, {"ms", 1},
		     {"s", 1e3},   {"m", 6e4},	 {"h", 3.6e6}};
	double total = 0;
	const char *p = s + (*s == '+' || *s == '-');
	bool neg = *s == '-';
	if (!strcmp(p, "0")) {
		*out = 0;
		return true;
	}
	if (!*p)
		return false;
	while (*p) {
		char *end;
		if (!isdigit((unsigned char)*p) && *p != '.')
			return false;
		double v = strtod(p, &end);
		if (end == p)
			return false;
		p = end;
		size_t i = 0, best = 0, best_len = 0;
		for (; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].unit);
			if (!strncmp(p, units[i].unit, n) && n > best_len)
				best = i, best_len = n;
		}
		if (!best_len)
			return false;
		total += v * units[best].ms;
		p += best_len;
	}
	*out = (long long)(neg ? -total : total);
	return true;
}

int cmd_events(const struct global_opts *g, int argc, char **argv)
{
	const char *interval = "5s";
	bool stats = false;
	const struct opt opts[] = {
	    {"interval", NULL, OPT_STRING, &interval,
	     "set the stats collection interval (default: 5s)"},
	    {"stats", NULL, OPT_BOOL, &stats, "display the container's stats then exit"},
	    {0},
	};
	const struct command c = {
	    .name = "events",
	    .args = "<container-id>",
	    .summary = "display container events such as OOM notifications, cpu, memory, and IO "
		       "usage statistics",
	    .desc = "Prints the events of the container <container-id>, one JSON object per\n"
		    "   line: its statistics every --interval, and \"oom\" when it runs out of\n"
		    "   memory; until it stops.",
	    .min_args = 1,
	    .max_args = 1,
	    .opts = opts,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	long long ms;
	if (!go_duration_ms(interval, &ms)) {
		err_set(0, "invalid value \"%s\" for flag -interval: parse error", interval);
		printf("Incorrect Usage: %s\n\n", err_msg());
		print_usage(stdout, &c);
		return fail();
	}
	if (ms <= 0) {
		err_set(0, "duration interval must be greater than 0");
		return fail();
	}
	return container_events(g, argv[pos], stats, ms, stdout) < 0 ? fail() : 0;
}
