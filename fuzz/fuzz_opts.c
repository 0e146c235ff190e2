/* SPDX-License-Identifier: Apache-2.0 */
/* The CLI flag parser: the input is argv, NUL-separated, parsed against
 * a table with every kind of flag (as exec's), then each positional
 * argument as a signal (kill). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	bool b = false, help = false;
	int tri = -1;
	const char *str = NULL;
	unsigned u = 0;
	struct opt_list list = {0};
	const struct opt opts[] = {
	    {"detach", "d", OPT_BOOL, &b, "b"},	  {"tty", "t", OPT_TRIBOOL, &tri, "t"},
	    {"cwd", NULL, OPT_STRING, &str, "s"}, {"preserve-fds", NULL, OPT_UINT, &u, "u"},
	    {"env", "e", OPT_LIST, &list, "l"},	  {0},
	};
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	size_t n = 1;
	for (size_t i = 0; i < size; i++)
		n += text[i] == '\0';
	char **argv = calloc(n + 1, sizeof(char *));
	int argc = 0;
	for (size_t i = 0; i <= size; i += strlen(text + i) + 1)
		argv[argc++] = text + i;
	int npos = 0;
	opts_reorder(opts, argc, argv);
	if (opts_parse(opts, argc, argv, &help, &npos) == 0)
		for (int i = npos; i < argc; i++) {
			int sig;
			(void)parse_signal(argv[i], &sig);
		}
	free(list.v);
	free(argv);
	free(text);
	err_clear();
	return 0;
}
