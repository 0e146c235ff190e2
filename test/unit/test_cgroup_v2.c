/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for the cgroup v2 driver's pure logic: the v1->v2
 * conversions (cpu.weight, io.weight, memory.swap.max) and the eBPF
 * device filter, run here in a small interpreter for the instructions
 * the generator emits and compared, device by device, with what the v1
 * devices controller decides for the same rules. */
#include <stdlib.h>
#include <string.h>

#include "cgroup_v2.h"
#include "tap.h"

/* ---- conversions ---- */

static void test_conversions(void)
{
	is_int((int)v2_cpu_weight(0), 0, "cpu.weight: shares 0 leaves it alone");
	is_int((int)v2_cpu_weight(2), 1, "cpu.weight: shares 2 -> 1");
	is_int((int)v2_cpu_weight(1024), 39, "cpu.weight: shares 1024 -> 39");
	is_int((int)v2_cpu_weight(262144), 10000, "cpu.weight: shares 262144 -> 10000");
	is_int((int)v2_cpu_weight(1), 1, "cpu.weight: shares below 2 clamp to 1");
	is_int((int)v2_cpu_weight(1000000), 10000, "cpu.weight: shares above the range clamp");
	is_int((int)v2_io_weight(10), 1, "io.weight: 10 -> 1");
	is_int((int)v2_io_weight(500), 4950, "io.weight: 500 -> 4950");
	is_int((int)v2_io_weight(1000), 10000, "io.weight: 1000 -> 10000");

	bool set;
	int64_t out;
	ok(v2_swap_max(64 << 20, 128 << 20, &set, &out) == 0 && set && out == 64 << 20,
	   "swap.max = memsw - limit");
	ok(v2_swap_max(64 << 20, 64 << 20, &set, &out) == 0 && set && out == 0,
	   "swap.max 0 when memsw == limit");
	ok(v2_swap_max(64 << 20, -1, &set, &out) == 0 && set && out == -1,
	   "memsw -1 -> swap.max max");
	ok(v2_swap_max(64 << 20, 0, &set, &out) == 0 && !set, "swap unset -> left alone");
	ok(v2_swap_max(-1, 0, &set, &out) == 0 && set && out == -1,
	   "unlimited memory, swap unset -> swap.max max");
	ok(v2_swap_max(128 << 20, 64 << 20, &set, &out) < 0 &&
	       strstr(err_msg(), "linux.resources.memory.swap"),
	   "memsw below the limit is an error naming the field");
	ok(v2_swap_max(0, 64 << 20, &set, &out) < 0, "swap without a memory limit is an error");
	err_clear();
}

/* ---- the device filter ---- */

/* Runs the program on one request; the emitted subset only. -1 when an
 * instruction is outside it or the program runs off its end. */
static int run_prog(const struct bpf_insn *p, size_t n, unsigned type, unsigned acc, uint32_t major,
		    uint32_t minor)
{
	uint32_t ctx[3] = {acc << 16 | type, major, minor};
	uint64_t r[11] = {0};
	for (size_t pc = 0, steps = 0; pc < n && steps < 100000; pc++, steps++) {
		const struct bpf_insn *i = &p[pc];
		uint64_t *d = &r[i->dst_reg], s = r[i->src_reg], k = (uint64_t)(int64_t)i->imm;
		switch (i->code) {
		case BPF_LDX | BPF_W | BPF_MEM:
			if (i->src_reg != 1 || i->off % 4 || i->off < 0 || i->off > 8)
				return -1;
			*d = ctx[i->off / 4];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			*d = s;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			*d = k;
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			*d &= k;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			*d >>= k;
			break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
			if ((uint32_t)*d != (uint32_t)i->imm)
				pc += (size_t)i->off;
			break;
		case BPF_JMP32 | BPF_JEQ | BPF_K:
			if ((uint32_t)*d == (uint32_t)i->imm)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			return -1;
		}
	}
	return -1;
}

/* The v1 controller's decision, from the same replayed rules. */
static int v1_decides(const struct spec_devrule *rules, size_t n, char type, unsigned acc,
		      uint32_t major, uint32_t minor)
{
	struct cgroup_dev_ex *ex;
	size_t n_ex;
	bool allow = cgroup_device_rules(rules, n, &ex, &n_ex);
	int verdict = allow;
	for (size_t i = 0; i < n_ex; i++) {
		const struct cgroup_dev_ex *e = &ex[i];
		if (e->type != type || (e->major >= 0 && e->major != major) ||
		    (e->minor >= 0 && e->minor != minor))
			continue;
		if (!allow && (acc & ~e->acc) == 0)
			verdict = 1;
		if (allow && (acc & e->acc))
			verdict = 0;
	}
	free(ex);
	return verdict;
}

/* v1 access bits (1 r, 2 w, 4 m) as the program sees them */
static unsigned to_bpf(unsigned acc)
{
	return (acc & 1 ? BPF_DEVCG_ACC_READ : 0) | (acc & 2 ? BPF_DEVCG_ACC_WRITE : 0) |
	       (acc & 4 ? BPF_DEVCG_ACC_MKNOD : 0);
}

/* Every access combination of a grid of devices: agrees with v1? */
static bool agrees(const struct spec_devrule *rules, size_t n, const char *what)
{
	static const uint32_t majors[] = {1, 4, 5, 8, 10, 136, 254};
	static const uint32_t minors[] = {0, 1, 2, 3, 5, 7, 8, 9, 200};
	struct bpf_insn *p;
	size_t len = v2_dev_prog(rules, n, &p);
	bool good = true;
	for (int t = 0; t < 2; t++)
		for (size_t a = 0; a < ARRAY_SIZE(majors); a++)
			for (size_t b = 0; b < ARRAY_SIZE(minors); b++)
				for (unsigned acc = 1; acc < 8; acc++) {
					char type = t ? 'b' : 'c';
					int got = run_prog(
					    p, len, t ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
					    to_bpf(acc), majors[a], minors[b]);
					int want =
					    v1_decides(rules, n, type, acc, majors[a], minors[b]);
					if (got != want && good) {
						diag("%s: %c %u:%u acc %u: program %d, v1 %d", what,
						     type, majors[a], minors[b], acc, got, want);
						good = false;
					}
				}
	free(p);
	return good;
}

static int verdict(const struct spec_devrule *rules, size_t n, char type, const char *acc,
		   uint32_t major, uint32_t minor)
{
	struct bpf_insn *p;
	size_t len = v2_dev_prog(rules, n, &p);
	unsigned a = 0;
	for (; *acc; acc++)
		a |= *acc == 'r'   ? BPF_DEVCG_ACC_READ
		     : *acc == 'w' ? BPF_DEVCG_ACC_WRITE
				   : BPF_DEVCG_ACC_MKNOD;
	int v = run_prog(p, len, type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, a, major,
			 minor);
	free(p);
	return v;
}

static void test_devices(void)
{
	/* runc's usual config: deny all, then the defaults on top */
	const struct spec_devrule deny_all[] = {{false, 'a', -1, -1, "rwm"}};
	is_int(verdict(deny_all, 1, 'c', "rw", 1, 3), 1,
	       "deny all: /dev/null still allowed (default rules)");
	is_int(verdict(deny_all, 1, 'c', "r", 1, 1), 0, "deny all: /dev/mem denied");
	is_int(verdict(deny_all, 1, 'b', "r", 8, 0), 0, "deny all: a disk denied");
	is_int(verdict(deny_all, 1, 'b', "m", 8, 0), 1, "deny all: mknod of anything allowed");
	is_int(verdict(deny_all, 1, 'c', "rw", 136, 4), 1, "deny all: pty slaves allowed");
	ok(agrees(deny_all, 1, "deny all"), "deny all: program == v1 on every device and access");

	/* last match wins: an allow after a deny, a deny after an allow */
	const struct spec_devrule mixed[] = {
	    {false, 'a', -1, -1, "rwm"}, {true, 'c', 1, 1, "r"},    {true, 'b', 8, -1, "rw"},
	    {false, 'b', 8, 2, "w"},	 {true, 'c', 4, -1, "rwm"}, {false, 'c', 4, 5, "rwm"},
	};
	is_int(verdict(mixed, ARRAY_SIZE(mixed), 'c', "r", 1, 1), 1, "allow c 1:1 r: read ok");
	is_int(verdict(mixed, ARRAY_SIZE(mixed), 'c', "rw", 1, 1), 0,
	       "allow c 1:1 r: read+write denied");
	/* v1 removes only an exception with the same type:major:minor, so a
	 * narrower deny does not cut into a wider allow (runc's emulator
	 * keeps that too) */
	is_int(verdict(mixed, ARRAY_SIZE(mixed), 'b', "w", 8, 2), 1,
	       "b 8:* rw then deny 8:2 w: write still allowed, as on v1");
	is_int(verdict(mixed, ARRAY_SIZE(mixed), 'b', "r", 8, 2), 1,
	       "b 8:* rw then deny 8:2 w: read ok");
	is_int(verdict(mixed, ARRAY_SIZE(mixed), 'c', "r", 4, 5), 1,
	       "c 4:* then deny 4:5: still allowed, as on v1");
	const struct spec_devrule exact[] = {
	    {false, 'a', -1, -1, "rwm"}, {true, 'c', 4, 5, "rw"}, {false, 'c', 4, 5, "w"}};
	is_int(verdict(exact, 3, 'c', "w", 4, 5), 0,
	       "allow c 4:5 rw then deny c 4:5 w: write denied");
	is_int(verdict(exact, 3, 'c', "r", 4, 5), 1, "allow c 4:5 rw then deny c 4:5 w: read ok");
	ok(agrees(mixed, ARRAY_SIZE(mixed), "mixed"), "mixed rules: program == v1 everywhere");

	/* allow all with exceptions */
	const struct spec_devrule allow_all[] = {
	    {true, 'a', -1, -1, "rwm"}, {false, 'c', 1, 1, "rw"}, {false, 'b', -1, -1, "w"}};
	is_int(verdict(allow_all, 3, 'c', "r", 1, 1), 0, "allow all, deny c 1:1 rw: read denied");
	is_int(verdict(allow_all, 3, 'c', "m", 1, 1), 1, "allow all, deny c 1:1 rw: mknod ok");
	is_int(verdict(allow_all, 3, 'b', "r", 8, 0), 1, "allow all, deny b *:* w: read ok");
	is_int(verdict(allow_all, 3, 'b', "rw", 8, 0), 0, "allow all, deny b *:* w: rw denied");
	ok(agrees(allow_all, 3, "allow all"), "allow all + exceptions: program == v1 everywhere");

	/* a reset in the middle forgets what came before */
	const struct spec_devrule reset[] = {
	    {true, 'c', 10, 200, "rwm"}, {false, 'a', -1, -1, "rwm"}, {true, 'c', 1, 9, "r"}};
	ok(agrees(reset, 3, "reset"), "a later \"a\" rule resets: program == v1 everywhere");
	ok(agrees(NULL, 0, "no rules"), "no rules (defaults only): program == v1 everywhere");

	/* the shape: the prologue, and the jumps use 32-bit comparisons */
	struct bpf_insn *p;
	size_t len = v2_dev_prog(deny_all, 1, &p);
	bool jmp32 = true;
	for (size_t i = 0; i < len; i++)
		if (BPF_CLASS(p[i].code) == BPF_JMP && BPF_OP(p[i].code) != BPF_EXIT)
			jmp32 = false;
	ok(p[0].code == (BPF_LDX | BPF_W | BPF_MEM) && p[len - 1].code == (BPF_JMP | BPF_EXIT) &&
	       jmp32,
	   "program shape: loads the context first, ends in exit, jumps are JMP32");
	free(p);
}

int main(void)
{
	test_conversions();
	test_devices();
	return done_testing();
}
