/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { NCOLS = 6 };

/* Go's tabwriter counts characters, not bytes. */
static size_t text_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The layout runc gets from Go's tabwriter (min width 12, padding 3): each
 * column as wide as its widest cell plus 3, at least 12; the last column
 * is not padded. */
static void print_table(const struct container_info *v, size_t n)
{
	static const char *const head[NCOLS] = {"ID",	  "PID",     "STATUS",
						"BUNDLE", "CREATED", "OWNER"};
	_cleanup_free_ char(*pids)[16] = xcalloc(n + 1, sizeof(*pids));
	_cleanup_free_ const char **cells = xcalloc((n + 1) * NCOLS, sizeof(*cells));
	size_t width[NCOLS] = {0};
	memcpy(cells, head, sizeof(head));
	for (size_t i = 0; i < n; i++) {
		const struct container_info *ci = &v[i];
		const char **row = cells + (i + 1) * NCOLS;
		/* runc shows 0 for a container whose init is gone */
		snprintf(pids[i], sizeof(pids[i]), "%d",
			 ci->status == STATUS_STOPPED ? 0 : (int)ci->st.pid);
		row[0] = ci->st.id;
		row[1] = pids[i];
		row[2] = status_name(ci->status);
		row[3] = ci->st.bundle ? ci->st.bundle : "";
		row[4] = ci->st.created ? ci->st.created : "";
		row[5] = ci->st.owner ? ci->st.owner : "";
	}
	for (size_t r = 0; r <= n; r++)
		for (size_t c = 0; c < NCOLS - 1; c++) {
			size_t w = text_width(cells[r * NCOLS + c]) + 3;
			width[c] = w > width[c] ? w : width[c];
		}
	for (size_t r = 0; r <= n; r++) {
		for (size_t c = 0; c < NCOLS - 1; c++) {
			const char *s = cells[r * NCOLS + c];
			size_t w = width[c] < 12 ? 12 : width[c];
			printf("%s%*s", s, (int)(w - text_width(s)), "");
		}
		printf("%s\n", cells[r * NCOLS + NCOLS - 1]);
	}
}

/* runc encodes a nil slice when there is nothing: "null". */
static void print_json(const struct container_info *v, size_t n)
{
	if (n == 0) {
		printf("null\n");
		return;
	}
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *j = state_to_json(&v[i].st, v[i].status, false);
		printf("%s%s", i ? "," : "", j);
	}
	printf("]\n");
}

int cmd_list(const struct global_opts *g, int argc, char **argv)
{
	const char *format = "table";
	bool quiet = false;
	const struct opt opts[] = {
	    {"format", "f", OPT_STRING, &format,
	     "output format: table or json (default: \"table\")"},
	    {"quiet", "q", OPT_BOOL, &quiet, "print only the container ids"},
	    {0},
	};
	const struct command c = {
	    .name = "list",
	    .args = "",
	    .summary = "list the containers under the given root",
	    .desc = "Lists the containers whose state is kept under the global --root\n"
		    "   (default: \"/run/corun\"), e.g. \"corun --root /tmp/state list\".",
	    .min_args = 0,
	    .max_args = 0,
	    .opts = opts,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	/* like runc, --quiet wins over --format, even a bad one */
	if (!quiet && strcmp(format, "table") && strcmp(format, "json")) {
		err_set(0, "invalid format option");
		return fail();
	}
	struct container_info *v;
	size_t n;
	if (container_list(g, &v, &n) < 0)
		return fail();
	if (quiet)
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].st.id);
	else if (!strcmp(format, "json"))
		print_json(v, n);
	else
		print_table(v, n);
	container_list_free(v, n);
	return 0;
}
