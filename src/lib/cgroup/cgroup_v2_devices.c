/* SPDX-License-Identifier: Apache-2.0 */
/* The cgroup v2 device filter: an eBPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE, written out instruction by instruction
 * from the device rules, attached to the container's cgroup. It gives
 * the answers the v1 devices controller gives for the same rules: the
 * rules are first replayed as v1 would (cgroup_device_rules: a default
 * plus exceptions), then
 *   default deny:  allowed iff an exception matches the device and holds
 *                  every access asked for;
 *   default allow: denied iff an exception matches the device and holds
 *                  any access asked for.
 * The program sees {access_type = access << 16 | type, major, minor} and
 * returns 1 to allow, 0 to deny (open and mknod then fail with EPERM). */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_v2.h"

/* what the program is built from, with room for the longest block */
struct prog {
	struct bpf_insn *insn;
	size_t n, cap;
};

static void emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->insn = xrealloc(p->insn, p->cap * sizeof(*p->insn));
	}
	p->insn[p->n++] =
	    (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

/* r1 = ctx; afterwards r2 = type, r3 = access, r4 = major, r5 = minor */
static void emit_prologue(struct prog *p)
{
	emit(p, BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0); /* access_type */
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0);
	emit(p, BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
	emit(p, BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16);
	emit(p, BPF_LDX | BPF_W | BPF_MEM, 4, 1, 4, 0); /* major */
	emit(p, BPF_LDX | BPF_W | BPF_MEM, 5, 1, 8, 0); /* minor */
}

static void emit_return(struct prog *p, bool allow)
{
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, allow ? 1 : 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* rwm bits (1 r, 2 w, 4 m) as BPF_DEVCG_ACC_* */
static int32_t bpf_access(unsigned acc)
{
	return (acc & 1 ? BPF_DEVCG_ACC_READ : 0) | (acc & 2 ? BPF_DEVCG_ACC_WRITE : 0) |
	       (acc & 4 ? BPF_DEVCG_ACC_MKNOD : 0);
}

#define ACC_ALL (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

/* One exception: a run of "not this one: skip to the next" jumps, then
 * the verdict. The 32-bit jumps compare major and minor exactly (a
 * 64-bit one would sign-extend a 32-bit immediate). */
static void emit_exception(struct prog *p, const struct cgroup_dev_ex *e, bool default_allow)
{
	struct prog blk = {0};
	int32_t acc = bpf_access(e->acc);
	/* jump offsets are patched below, once the block length is known */
	emit(&blk, BPF_JMP32 | BPF_JNE | BPF_K, 2, 0, 0,
	     e->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	if (e->major >= 0)
		emit(&blk, BPF_JMP32 | BPF_JNE | BPF_K, 4, 0, 0, (int32_t)(uint32_t)e->major);
	if (e->minor >= 0)
		emit(&blk, BPF_JMP32 | BPF_JNE | BPF_K, 5, 0, 0, (int32_t)(uint32_t)e->minor);
	if (!default_allow && acc != ACC_ALL) { /* asks for more than it holds: no match */
		emit(&blk, BPF_ALU64 | BPF_MOV | BPF_X, 1, 3, 0, 0);
		emit(&blk, BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, ACC_ALL & ~acc);
		emit(&blk, BPF_JMP32 | BPF_JNE | BPF_K, 1, 0, 0, 0);
	} else if (default_allow && acc != ACC_ALL) { /* shares nothing with it: no match */
		emit(&blk, BPF_ALU64 | BPF_MOV | BPF_X, 1, 3, 0, 0);
		emit(&blk, BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, acc);
		emit(&blk, BPF_JMP32 | BPF_JEQ | BPF_K, 1, 0, 0, 0);
	}
	emit_return(&blk, !default_allow);
	for (size_t i = 0; i < blk.n; i++)
		if (BPF_CLASS(blk.insn[i].code) == BPF_JMP32)
			blk.insn[i].off = (int16_t)(blk.n - i - 1);
	for (size_t i = 0; i < blk.n; i++)
		emit(p, blk.insn[i].code, blk.insn[i].dst_reg, blk.insn[i].src_reg, blk.insn[i].off,
		     blk.insn[i].imm);
	free(blk.insn);
}

size_t v2_dev_prog(const struct spec_devrule *rules, size_t n, struct bpf_insn **out)
{
	_cleanup_free_ struct cgroup_dev_ex *ex = NULL;
	size_t n_ex;
	bool allow = cgroup_device_rules(rules, n, &ex, &n_ex);
	struct prog p = {0};
	emit_prologue(&p);
	for (size_t i = 0; i < n_ex; i++)
		emit_exception(&p, &ex[i], allow);
	emit_return(&p, allow);
	*out = p.insn;
	return p.n;
}

static long sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

/* Loads the program; on a verifier refusal, again with a log to quote. */
static int load(const struct bpf_insn *insn, size_t n)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insn;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t) "Apache-2.0";
	int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	int e = errno;
	if (e != EINVAL && e != EACCES)
		return err_set(e, "load the eBPF device filter (bpf BPF_PROG_LOAD)");
	static char log[8192];
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	size_t len = strlen(log);
	while (len && log[len - 1] == '\n')
		log[--len] = '\0';
	return err_set(e, "the kernel refused the eBPF device filter: %s", log);
}

/* ALLOW_MULTI, as runc: a program a parent holds (systemd's) applies
 * too, and the container's may only narrow what it allows. */
int v2_dev_attach(int cgroup_fd, const struct spec_devrule *rules, size_t n)
{
	_cleanup_free_ struct bpf_insn *insn = NULL;
	size_t cnt = v2_dev_prog(rules, n, &insn);
	_cleanup_close_ int prog = load(insn, cnt);
	if (prog < 0)
		return -1;
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cgroup_fd;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		return err_set(errno, "attach the eBPF device filter (BPF_CGROUP_DEVICE)");
	return 0;
}
