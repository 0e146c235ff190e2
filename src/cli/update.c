/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "cli.h"
#include "container_cgroup.h"

/* Go's base-0 int syntax (strconv.ParseInt(s, 0, 64)), as the flag
 * package reads -pids-limit: sign, then 0x, 0o, 0b, 0 or decimal. */
static bool go_int(const char *s, long long *out)
{
	const char *p = s + (*s == '+' || *s == '-');
	int base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1])
		base = 8, p++;
	if (!isxdigit((unsigned char)*p))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p, &end, base);
	if (*end || errno || v > (unsigned long long)LLONG_MAX)
		return false;
	*out = *s == '-' ? -(long long)v : (long long)v;
	return true;
}

static const char desc[] =
    "Changes the resource limits of the running container <container-id>, in its\n"
    "   cgroup and in the configuration kept with its state.\n\n"
    "   With --resources (-r) the changes come from a file, or from the standard\n"
    "   input for \"-\", in the format of the configuration's linux.resources\n"
    "   (unchanged values can be omitted), and the other options are ignored:\n\n"
    "   {\n"
    "     \"memory\": {\"limit\": 0, \"reservation\": 0, \"swap\": 0},\n"
    "     \"cpu\": {\"shares\": 0, \"quota\": 0, \"period\": 0, \"realtimeRuntime\": 0,\n"
    "             \"realtimePeriod\": 0, \"cpus\": \"\", \"mems\": \"\"},\n"
    "     \"blockIO\": {\"weight\": 0}\n"
    "   }";

int cmd_update(const struct global_opts *g, int argc, char **argv)
{
	struct update_opts o = {0};
	const char *pids = NULL;
	const struct opt opts[] = {
	    {"resources", "r", OPT_STRING, &o.resources,
	     "path to the file containing the resources to update or '-' to read from the "
	     "standard input"},
	    {"blkio-weight", NULL, OPT_UINT, &o.blkio_weight,
	     "Specifies per cgroup weight, range is from 10 to 1000 (default: 0)"},
	    {"cpu-period", NULL, OPT_STRING, &o.cpu_period,
	     "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default"},
	    {"cpu-quota", NULL, OPT_STRING, &o.cpu_quota,
	     "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period"},
	    {"cpu-burst", NULL, OPT_STRING, &o.cpu_burst,
	     "CPU CFS hardcap burst limit (in usecs). Allowed accumulated cpu time additionally "
	     "for burst in a given period"},
	    {"cpu-share", "cpu-shares", OPT_STRING, &o.cpu_shares,
	     "CPU shares (relative weight vs. other containers)"},
	    {"cpu-rt-period", NULL, OPT_STRING, &o.cpu_rt_period,
	     "CPU realtime period to be used for hardcapping (in usecs). 0 to use system default"},
	    {"cpu-rt-runtime", NULL, OPT_STRING, &o.cpu_rt_runtime,
	     "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period"},
	    {"cpu-idle", NULL, OPT_STRING, &o.cpu_idle,
	     "set cgroup SCHED_IDLE or not, 0: default behavior, 1: SCHED_IDLE"},
	    {"cpuset-cpus", NULL, OPT_STRING, &o.cpuset_cpus, "CPU(s) to use"},
	    {"cpuset-mems", NULL, OPT_STRING, &o.cpuset_mems, "Memory node(s) to use"},
	    {"kernel-memory", NULL, OPT_STRING, &o.kernel_memory, "(obsoleted; do not use)"},
	    {"kernel-memory-tcp", NULL, OPT_STRING, &o.kernel_memory_tcp,
	     "(obsoleted; do not use)"},
	    {"memory", NULL, OPT_STRING, &o.memory, "Memory limit (in bytes)"},
	    {"memory-reservation", NULL, OPT_STRING, &o.memory_reservation,
	     "Memory reservation or soft_limit (in bytes)"},
	    {"memory-swap", NULL, OPT_STRING, &o.memory_swap,
	     "Total memory usage (memory + swap); set '-1' to enable unlimited swap"},
	    {"pids-limit", NULL, OPT_STRING, &pids,
	     "Maximum number of pids allowed in the container (default: 0)"},
	    {"l3-cache-schema", NULL, OPT_STRING, &o.l3_cache_schema,
	     "The string of Intel RDT/CAT L3 cache schema"},
	    {"mem-bw-schema", NULL, OPT_STRING, &o.mem_bw_schema,
	     "The string of Intel RDT/MBA memory bandwidth schema"},
	    {0},
	};
	const struct command c = {
	    .name = "update",
	    .args = "<container-id>",
	    .summary = "update container resource constraints",
	    .desc = desc,
	    .min_args = 1,
	    .max_args = 1,
	    .opts = opts,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	/* an int flag in runc: a bad value is a usage error */
	if (pids && !go_int(pids, &o.pids_limit)) {
		err_set(0, "invalid value \"%s\" for flag -pids-limit: parse error", pids);
		printf("Incorrect Usage: %s\n\n", err_msg());
		print_usage(stdout, &c);
		return fail();
	}
	o.id = argv[pos];
	return container_update(g, &o) < 0 ? fail() : 0;
}
