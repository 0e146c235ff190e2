/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for the systemd cgroup driver's pure part: the
 * "slice:prefix:name" rules, slice paths, and linux.resources as unit
 * properties. */
#include <stdlib.h>
#include <string.h>

#include "cgroup_systemd.h"
#include "tap.h"

static void check_unit(const char *in, const char *def, const char *name, const char *slice,
		       const char *path, bool is_slice)
{
	struct sd_unit u;
	if (!ok(sd_unit_parse(in, def, &u) == 0, "parse \"%s\"", in)) {
		diag("%s", err_msg());
		return;
	}
	is_str(u.name, name, "\"%s\": unit", in);
	is_str(u.path, path, "\"%s\": cgroup", in);
	if (!is_slice)
		is_str(u.slice, slice, "\"%s\": parent slice", in);
	ok(u.is_slice == is_slice, "\"%s\": %s", in, is_slice ? "a slice" : "a scope");
	sd_unit_free(&u);
}

static void check_bad(const char *in, const char *why)
{
	struct sd_unit u;
	ok(sd_unit_parse(in, "system.slice", &u) < 0 && strstr(err_msg(), why),
	   "\"%s\" refused: %s", in, why);
	if (!strstr(err_msg(), why))
		diag("got: %s", err_msg());
	err_clear();
}

static void test_units(void)
{
	check_unit(":corun:abc", "system.slice", "corun-abc.scope", "system.slice",
		   "/system.slice/corun-abc.scope", false);
	check_unit("machine.slice:libpod:123", "system.slice", "libpod-123.scope", "machine.slice",
		   "/machine.slice/libpod-123.scope", false);
	check_unit("user-1000.slice::c1", "system.slice", "c1.scope", "user-1000.slice",
		   "/user.slice/user-1000.slice/c1.scope", false);
	check_unit("::c1", "user.slice", "c1.scope", "user.slice", "/user.slice/c1.scope", false);
	check_unit("-:p:c1", "system.slice", "p-c1.scope", "-.slice", "/p-c1.scope", false);
	check_unit("system.slice:ignored:kubepods-besteffort.slice", "system.slice",
		   "kubepods-besteffort.slice", NULL, "/kubepods.slice/kubepods-besteffort.slice",
		   true);
	check_bad("system.slice/x", "slice:prefix:name");
	check_bad("a:b:c:d", "slice:prefix:name");
	check_bad("system.slice:corun:", "names no unit");
	check_bad("system:corun:x", "does not end in \".slice\"");
	check_bad("a--b.slice:corun:x", "a dash may only separate");
	check_bad("-a.slice:corun:x", "a dash may only separate");
	check_bad("a/b.slice:corun:x", "not a valid systemd unit name");
	check_bad("system.slice:corun:a b", "not a valid systemd unit name");
}

static void test_slice_paths(void)
{
	char *p = NULL;
	ok(sd_slice_path("-.slice", &p) == 0 && !strcmp(p, ""), "-.slice is the root");
	free(p);
	ok(sd_slice_path("a-b-c.slice", &p) == 0 && !strcmp(p, "/a.slice/a-b.slice/a-b-c.slice"),
	   "a-b-c.slice nests in its parents");
	free(p);
	ok(sd_slice_path("a-.slice", &p) < 0, "a trailing dash is refused");
	err_clear();
}

static const struct sd_prop *find(const struct sd_props *p, const char *name)
{
	const struct sd_prop *e = sd_props_find(p, name);
	if (!e)
		diag("no property %s", name);
	return e;
}

static void test_quota(void)
{
	is_int((int)sd_cpu_quota_per_sec(50000, 100000), 500000, "quota 50000/100000 -> 500 ms/s");
	is_int((int)sd_cpu_quota_per_sec(1234, 100000), 20000, "rounded up to whole percents");
	is_int((int)sd_cpu_quota_per_sec(20000, 0), 200000, "period defaults to 100 ms");
	ok(sd_cpu_quota_per_sec(-1, 100000) == UINT64_MAX, "quota -1 is infinity");
}

static void test_props_v2(void)
{
	struct spec_resources r = {0};
	r.memory.has_limit = r.memory.has_swap = r.memory.has_reservation = true;
	r.memory.limit = 64 << 20;
	r.memory.swap = 96 << 20;
	r.memory.reservation = 32 << 20;
	r.cpu.has_shares = r.cpu.has_quota = r.cpu.has_period = true;
	r.cpu.shares = 1024;
	r.cpu.quota = 50000;
	r.cpu.period = 200000;
	r.cpu.cpus = "0,2-3";
	r.cpu.mems = "0";
	r.has_pids_limit = true;
	r.pids_limit = 42;
	r.blkio.has_weight = true;
	r.blkio.weight = 500;
	struct spec_kv uni[] = {{"memory.high", "max"}, {"io.max", "8:0 rbps=1"}};
	r.unified = uni;
	r.n_unified = 2;
	struct sd_unit u;
	struct sd_props p = {0};
	sd_unit_parse(":corun:x", "system.slice", &u);
	ok(sd_unit_props(&u, 1234, &r, true, &p) == 0, "v2 properties");
	const struct sd_prop *e;
	ok((e = find(&p, "Slice")) && !strcmp(e->str, "system.slice"), "Slice");
	ok((e = find(&p, "Delegate")) && e->b, "Delegate=yes");
	ok((e = find(&p, "PIDs")) && e->n == 1 && e->pids[0] == 1234, "PIDs");
	ok((e = find(&p, "IOAccounting")) && e->b && !sd_props_find(&p, "BlockIOAccounting"),
	   "IOAccounting on v2");
	ok((e = find(&p, "MemoryMax")) && e->u == 64 << 20, "MemoryMax");
	ok((e = find(&p, "MemoryLow")) && e->u == 32 << 20, "MemoryLow from the reservation");
	ok((e = find(&p, "MemorySwapMax")) && e->u == 32 << 20, "MemorySwapMax = swap - limit");
	ok((e = find(&p, "CPUWeight")) && e->u == 39, "CPUWeight from shares 1024");
	ok((e = find(&p, "CPUQuotaPerSecUSec")) && e->u == 250000, "CPUQuotaPerSecUSec");
	ok((e = find(&p, "CPUQuotaPeriodUSec")) && e->u == 200000, "CPUQuotaPeriodUSec");
	ok((e = find(&p, "AllowedCPUs")) && e->n == 1 && e->bytes[0] == 0x0d,
	   "AllowedCPUs 0,2-3 = mask 0x0d");
	ok((e = find(&p, "AllowedMemoryNodes")) && e->n == 1 && e->bytes[0] == 0x01,
	   "AllowedMemoryNodes");
	ok((e = find(&p, "TasksMax")) && e->u == 42, "TasksMax");
	ok((e = find(&p, "IOWeight")) && e->u == 4950, "IOWeight from blkio weight 500");
	ok((e = find(&p, "MemoryHigh")) && e->u == UINT64_MAX, "unified memory.high max");
	sd_props_free(&p);
	sd_unit_free(&u);
}

static void test_props_v1_and_errors(void)
{
	struct spec_resources r = {0};
	r.memory.has_limit = true;
	r.memory.limit = -1;
	r.cpu.has_shares = true;
	r.cpu.shares = 512;
	r.has_pids_limit = true;
	r.pids_limit = -1;
	struct sd_props p = {0};
	ok(sd_resource_props(&r, false, &p) == 0, "v1 properties");
	const struct sd_prop *e;
	ok((e = find(&p, "MemoryLimit")) && e->u == UINT64_MAX, "MemoryLimit -1 = infinity");
	ok((e = find(&p, "CPUShares")) && e->u == 512, "CPUShares as given");
	ok((e = find(&p, "TasksMax")) && e->u == UINT64_MAX, "pids -1 = TasksMax infinity");
	ok(!sd_props_find(&p, "MemoryMax"), "no v2 names on v1");
	sd_props_free(&p);
	/* runc: a pids limit of 0 is no limit given: systemd's DefaultTasksMax stays */
	r.pids_limit = 0;
	ok(sd_resource_props(&r, true, &p) == 0 && !sd_props_find(&p, "TasksMax"),
	   "pids 0: no TasksMax");
	sd_props_free(&p);

	struct spec_kv bad[] = {{"memory.max", "lots"}};
	struct spec_resources r2 = {.unified = bad, .n_unified = 1};
	ok(sd_resource_props(&r2, true, &p) < 0 && strstr(err_msg(), "unified[\"memory.max\"]"),
	   "a bad unified value names its key");
	sd_props_free(&p);
	err_clear();
	struct spec_resources r3 = {0};
	r3.cpu.cpus = "3-1";
	ok(sd_resource_props(&r3, true, &p) < 0 && strstr(err_msg(), "linux.resources.cpu.cpus"),
	   "a bad cpus list names the field");
	sd_props_free(&p);
	err_clear();
}

int main(void)
{
	test_units();
	test_slice_paths();
	test_quota();
	test_props_v2();
	test_props_v1_and_errors();
	return done_testing();
}
