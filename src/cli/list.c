/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void print_table(const struct container_info *v, size_t n)
{
	/* the column layout of Go's tabwriter as runc sets it up: cells
	 * padded by 3 to at least 12, the last column unpadded */
	static const char *const head[] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
	char pids[n + 1][16];
	const char *cells[n + 1][6];
	size_t width[5] = {0};
	for (size_t c = 0; c < 6; c++)
		cells[0][c] = head[c];
	for (size_t i = 0; i < n; i++) {
		const struct container_info *ci = &v[i];
		snprintf(pids[i], sizeof(pids[i]), "%d",
			 ci->status == STATUS_STOPPED ? 0 : (int)ci->st.pid);
		const char *row[] = {ci->st.id,     pids[i],         status_name(ci->status),
				     ci->st.bundle, ci->st.created, ci->st.owner};
		memcpy(cells[i + 1], row, sizeof(row));
	}
	for (size_t r = 0; r <= n; r++)
		for (size_t c = 0; c < 5; c++) {
			size_t w = strlen(cells[r][c]) + 3;
			width[c] = w > width[c] ? w : width[c];
		}
	for (size_t r = 0; r <= n; r++) {
		for (size_t c = 0; c < 5; c++)
			printf("%-*s", (int)(width[c] < 12 ? 12 : width[c]), cells[r][c]);
		printf("%s\n", cells[r][5]);
	}
}

static void print_json(const struct container_info *v, size_t n)
{
	if (n == 0) {
		printf("null\n");
		return;
	}
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		char *j = state_to_json(&v[i].st, v[i].status, false);
		printf("%s%s", i ? "," : "", j);
		free(j);
	}
	printf("]\n");
}

int cmd_list(const struct global_opts *g, int argc, char **argv)
{
	const char *format = "table";
	bool quiet = false;
	const struct opt opts[] = {
		{"format", "f", OPT_STRING, &format, "table or json"},
		{"quiet", "q", OPT_BOOL, &quiet, "display only container ids"},
		{0},
	};
	const struct command c = {"list", "", "list containers started by corun with the given root",
				  0, 0, opts};
	int pos, r = command_args(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	if (strcmp(format, "table") && strcmp(format, "json")) {
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
