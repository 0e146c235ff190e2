/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for config_resources.c: every linux.resources field of
 * runtime-spec 1.3 lands in struct spec_resources, absent and null fields
 * stay unset, and bad values are refused naming their JSON path. */
#include <string.h>

#include "spec.h"
#include "tap.h"
#include "util.h"

/* A config with linux.resources = res (JSON text). */
static char *parse(const char *res, struct spec **out)
{
	_cleanup_free_ char *text = xasprintf(
	    "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
	    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
	    "\"linux\":{\"resources\":%s}}",
	    res);
	struct spec *s = NULL;
	if (spec_parse(text, strlen(text), &s) < 0)
		return xstrdup(err_msg());
	*out = s;
	return NULL;
}

static void fails(const char *res, const char *want)
{
	struct spec *s = NULL;
	_cleanup_free_ char *got = parse(res, &s);
	is_str(got, want, "refused: %s", res);
	if (s)
		spec_free(s);
}

static void test_memory(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *e =
	    parse("{\"memory\":{\"limit\":1048576,\"reservation\":-1,\"swap\":2097152,"
		  "\"kernel\":5,\"kernelTCP\":6,\"swappiness\":30,\"disableOOMKiller\":true,"
		  "\"useHierarchy\":false,\"checkBeforeUpdate\":true}}",
		  &s);
	is_str(e, NULL, "memory: parses");
	if (!s)
		return;
	const struct spec_memory *m = &s->linux.resources.memory;
	ok(m->has_limit && m->limit == 1048576, "memory.limit");
	ok(m->has_reservation && m->reservation == -1, "memory.reservation -1");
	ok(m->has_swap && m->swap == 2097152, "memory.swap");
	ok(m->has_kernel && m->kernel == 5 && m->has_kernel_tcp && m->kernel_tcp == 6,
	   "memory.kernel, kernelTCP");
	ok(m->has_swappiness && m->swappiness == 30, "memory.swappiness");
	ok(m->has_disable_oom_killer && m->disable_oom_killer, "memory.disableOOMKiller");
	ok(m->has_use_hierarchy && !m->use_hierarchy, "memory.useHierarchy");
	ok(m->check_before_update, "memory.checkBeforeUpdate");
	spec_free(s);
}

static void test_cpu_pids(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *e =
	    parse("{\"cpu\":{\"shares\":1024,\"quota\":-1,\"burst\":100,\"period\":100000,"
		  "\"realtimeRuntime\":950,\"realtimePeriod\":1000,\"cpus\":\"0-1\",\"mems\":\"0\","
		  "\"idle\":1},\"pids\":{\"limit\":-1}}",
		  &s);
	is_str(e, NULL, "cpu, pids: parse");
	if (!s)
		return;
	const struct spec_cpu *c = &s->linux.resources.cpu;
	ok(c->has_shares && c->shares == 1024, "cpu.shares");
	ok(c->has_quota && c->quota == -1, "cpu.quota -1");
	ok(c->has_burst && c->burst == 100, "cpu.burst");
	ok(c->has_period && c->period == 100000, "cpu.period");
	ok(c->has_rt_runtime && c->rt_runtime == 950 && c->has_rt_period && c->rt_period == 1000,
	   "cpu.realtimeRuntime, realtimePeriod");
	is_str(c->cpus, "0-1", "cpu.cpus");
	is_str(c->mems, "0", "cpu.mems");
	ok(c->has_idle && c->idle == 1, "cpu.idle");
	ok(s->linux.resources.has_pids_limit && s->linux.resources.pids_limit == -1, "pids.limit");
	spec_free(s);
}

static void test_blkio(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *e =
	    parse("{\"blockIO\":{\"weight\":500,\"leafWeight\":300,"
		  "\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":600},"
		  "{\"major\":8,\"minor\":16,\"leafWeight\":20}],"
		  "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
		  "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":2}],"
		  "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":3}],"
		  "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":4},"
		  "{\"major\":259,\"minor\":1,\"rate\":5}]}}",
		  &s);
	is_str(e, NULL, "blockIO: parses");
	if (!s)
		return;
	const struct spec_blkio *b = &s->linux.resources.blkio;
	ok(b->has_weight && b->weight == 500 && b->has_leaf_weight && b->leaf_weight == 300,
	   "blockIO.weight, leafWeight");
	ok(b->n_weight_device == 2 && b->weight_device[0].has_weight &&
	       b->weight_device[0].weight == 600 && !b->weight_device[0].has_leaf_weight &&
	       b->weight_device[1].minor == 16 && b->weight_device[1].has_leaf_weight &&
	       b->weight_device[1].leaf_weight == 20 && !b->weight_device[1].has_weight,
	   "blockIO.weightDevice");
	ok(b->n_throttle[THROTTLE_READ_BPS] == 1 &&
	       b->throttle[THROTTLE_READ_BPS][0].rate == 1048576,
	   "blockIO.throttleReadBpsDevice");
	ok(b->n_throttle[THROTTLE_WRITE_BPS] == 1 && b->throttle[THROTTLE_WRITE_BPS][0].rate == 2,
	   "blockIO.throttleWriteBpsDevice");
	ok(b->n_throttle[THROTTLE_READ_IOPS] == 1 && b->throttle[THROTTLE_READ_IOPS][0].rate == 3,
	   "blockIO.throttleReadIOPSDevice");
	ok(b->n_throttle[THROTTLE_WRITE_IOPS] == 2 &&
	       b->throttle[THROTTLE_WRITE_IOPS][1].major == 259 &&
	       b->throttle[THROTTLE_WRITE_IOPS][1].rate == 5,
	   "blockIO.throttleWriteIOPSDevice");
	spec_free(s);
}

static void test_others(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *e = parse(
	    "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":209715200},"
	    "{\"pageSize\":\"1GB\",\"limit\":0}],"
	    "\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":"
	    "500},{\"name\":\"lo\",\"priority\":1}]},"
	    "\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":10000},\"mlx4_0\":{"
	    "\"hcaObjects\":7}},"
	    "\"unified\":{\"io.weight\":\"10\",\"memory.high\":\"max\"}}",
	    &s);
	is_str(e, NULL, "hugepageLimits, network, rdma, unified: parse");
	if (!s)
		return;
	const struct spec_resources *r = &s->linux.resources;
	ok(r->n_hugepages == 2 && !strcmp(r->hugepages[0].page_size, "2MB") &&
	       r->hugepages[0].limit == 209715200 && !strcmp(r->hugepages[1].page_size, "1GB"),
	   "hugepageLimits");
	ok(r->has_class_id && r->class_id == 1048577, "network.classID");
	ok(r->n_net_prio == 2 && !strcmp(r->net_prio[0].name, "eth0") &&
	       r->net_prio[0].priority == 500 && r->net_prio[1].priority == 1,
	   "network.priorities");
	ok(r->n_rdma == 2 && !strcmp(r->rdma[0].device, "mlx5_1") && r->rdma[0].has_hca_handles &&
	       r->rdma[0].hca_handles == 3 && r->rdma[0].hca_objects == 10000 &&
	       !r->rdma[1].has_hca_handles && r->rdma[1].has_hca_objects,
	   "rdma");
	ok(r->n_unified == 2, "unified: two entries");
	spec_free(s);
}

static void test_unset(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *e =
	    parse("{\"memory\":{\"limit\":null},\"cpu\":{},\"pids\":null,\"blockIO\":{}}", &s);
	is_str(e, NULL, "null and empty objects parse");
	if (!s)
		return;
	const struct spec_resources *r = &s->linux.resources;
	ok(!r->memory.has_limit && !r->cpu.has_shares && !r->has_pids_limit &&
	       !r->blkio.has_weight && !r->has_class_id && !r->n_hugepages,
	   "nothing is set");
	spec_free(s);
}

static void test_errors(void)
{
	fails("{\"memory\":{\"limit\":\"1g\"}}",
	      "linux.resources.memory.limit: must be an integer from -1 to 9223372036854775807");
	fails("{\"memory\":{\"swap\":-2}}",
	      "linux.resources.memory.swap: must be an integer from -1 to 9223372036854775807");
	fails("{\"memory\":{\"disableOOMKiller\":1}}",
	      "linux.resources.memory.disableOOMKiller: must be a boolean");
	fails("{\"memory\":[]}", "linux.resources.memory: must be an object");
	fails("{\"cpu\":{\"shares\":-1}}",
	      "linux.resources.cpu.shares: must be an integer from 0 to 18446744073709551615");
	fails("{\"cpu\":{\"cpus\":1}}", "linux.resources.cpu.cpus: must be a string");
	fails("{\"pids\":{\"limit\":\"max\"}}",
	      "linux.resources.pids.limit: must be an integer from -9223372036854775808 to "
	      "9223372036854775807");
	fails("{\"blockIO\":{\"weight\":70000}}",
	      "linux.resources.blockIO.weight: must be an integer from 0 to 65535");
	fails("{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"weight\":10}]}}",
	      "linux.resources.blockIO.weightDevice[0].minor: required");
	fails("{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0}]}}",
	      "linux.resources.blockIO.throttleReadBpsDevice[0].rate: required");
	fails("{\"hugepageLimits\":[{\"pageSize\":\"../x\",\"limit\":1}]}",
	      "linux.resources.hugepageLimits[0].pageSize: invalid page size \"../x\" (e.g. "
	      "\"2MB\")");
	fails("{\"hugepageLimits\":[{\"pageSize\":\"2MB\"}]}",
	      "linux.resources.hugepageLimits[0].limit: required");
	fails("{\"network\":{\"classID\":-1}}",
	      "linux.resources.network.classID: must be an integer from 0 to 4294967295");
	fails("{\"network\":{\"priorities\":[{\"name\":\"a b\",\"priority\":1}]}}",
	      "linux.resources.network.priorities[0].name: invalid interface name \"a b\"");
	fails("{\"rdma\":{\"mlx\":{\"hcaHandles\":-1}}}",
	      "linux.resources.rdma[\"mlx\"].hcaHandles: must be an integer from 0 to 4294967295");
	fails("{\"unified\":{\"memory.max\":1}}",
	      "linux.resources.unified[\"memory.max\"]: must be a string");
	fails("{\"unified\":{\"../x\":\"1\"}}",
	      "linux.resources.unified[\"../x\"]: invalid file name");
	fails("{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}",
	      "linux.resources.devices[0].type: must be one of a, c, b (got \"x\")");
}

int main(void)
{
	test_memory();
	test_cpu_pids();
	test_blkio();
	test_others();
	test_unset();
	test_errors();
	return done_testing();
}
