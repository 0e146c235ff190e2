/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp -> classic BPF (libseccomp), and its loading. */
#include "seccomp_filter.h"

#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "log.h"
#include "sync.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#define X32_BIT 0x40000000u

static uint32_t action_value(enum sc_action a, uint32_t errno_ret)
{
	switch (a) {
	case SC_ACT_KILL:
	case SC_ACT_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case SC_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case SC_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case SC_ACT_ERRNO:
		return SCMP_ACT_ERRNO(errno_ret);
	case SC_ACT_TRACE:
		return SCMP_ACT_TRACE(errno_ret);
	case SC_ACT_LOG:
		return SCMP_ACT_LOG;
	case SC_ACT_NOTIFY:
		return SCMP_ACT_NOTIFY;
	case SC_ACT_ALLOW:
	case SC_ACT__COUNT:
		break;
	}
	return SCMP_ACT_ALLOW;
}

static enum scmp_compare cmp_value(enum sc_cmp c)
{
	static const enum scmp_compare map[SC_CMP__COUNT] = {
	    [SC_CMP_NE] = SCMP_CMP_NE,
	    [SC_CMP_LT] = SCMP_CMP_LT,
	    [SC_CMP_LE] = SCMP_CMP_LE,
	    [SC_CMP_EQ] = SCMP_CMP_EQ,
	    [SC_CMP_GE] = SCMP_CMP_GE,
	    [SC_CMP_GT] = SCMP_CMP_GT,
	    [SC_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};
	return map[c];
}

/* The architectures of the filter (native first) and, per arch, the
 * highest syscall number the profile names: the ENOSYS stub's bound. */
struct arch_info {
	uint32_t token;
	long max; /* -1: the profile names nothing on this arch */
};

struct build {
	const struct spec_seccomp *sc;
	scmp_filter_ctx ctx;
	struct arch_info arch[32];
	size_t n_arch;
};

static void cleanup_ctx(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}

/* libseccomp's token for a spec name ("SCMP_ARCH_X86_64" -> its "x86_64");
 * 0 when this libseccomp does not know the architecture. */
static uint32_t arch_token(const char *spec_name)
{
	char name[32];
	if (!str_has_prefix(spec_name, "SCMP_ARCH_"))
		return 0;
	snprintf(name, sizeof(name), "%s", spec_name + strlen("SCMP_ARCH_"));
	for (char *c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return seccomp_arch_resolve_name(name);
}

bool seccomp_arch_supported(const char *spec_name)
{
	return arch_token(spec_name) != 0;
}

static int add_arches(struct build *b)
{
	b->arch[b->n_arch++] = (struct arch_info){seccomp_arch_native(), -1};
	for (size_t i = 0; i < b->sc->n_architectures; i++) {
		const char *spec_name = b->sc->architectures[i];
		uint32_t t = arch_token(spec_name);
		if (t == 0)
			return err_set(0,
				       "linux.seccomp.architectures[%zu]: %s is not supported by "
				       "this libseccomp (%u.%u.%u)",
				       i, spec_name, seccomp_version()->major,
				       seccomp_version()->minor, seccomp_version()->micro);
		int r = seccomp_arch_add(b->ctx, t);
		if (r == -EEXIST)
			continue;
		if (r < 0)
			return err_set(-r, "linux.seccomp.architectures[%zu]: add %s", i,
				       spec_name);
		if (b->n_arch == ARRAY_SIZE(b->arch))
			return err_set(0, "linux.seccomp.architectures: too many");
		b->arch[b->n_arch++] = (struct arch_info){t, -1};
	}
	return 0;
}

static void note_max(struct build *b, const char *name)
{
	for (size_t i = 0; i < b->n_arch; i++) {
		int nr = seccomp_syscall_resolve_name_arch(b->arch[i].token, name);
		if (nr >= 0 && nr > b->arch[i].max)
			b->arch[i].max = nr;
	}
}

/* One rule per syscall name. Conditions on distinct arguments are ANDed
 * in one rule. When an argument is compared more than once (docker's
 * profile allows personality(0), personality(8), ... in one entry), the
 * entry can only mean "any of these": one rule per condition. libseccomp
 * rejects repeated comparisons of one argument within a rule anyway. */
static int add_rule(struct build *b, const struct spec_syscall *sys, size_t idx, int nr,
		    const char *name)
{
	uint32_t act = action_value(sys->action, sys->errno_ret);
	struct scmp_arg_cmp cmp[6 * 8];
	size_t n = sys->n_args < ARRAY_SIZE(cmp) ? sys->n_args : ARRAY_SIZE(cmp);
	bool repeated = false;
	unsigned seen = 0;
	for (size_t i = 0; i < n; i++) {
		const struct spec_seccomp_arg *a = &sys->args[i];
		cmp[i] = (struct scmp_arg_cmp){a->index, cmp_value(a->op), a->value, a->value_two};
		repeated |= (seen >> a->index) & 1;
		seen |= 1u << a->index;
	}
	int r = 0;
	if (!repeated)
		r = seccomp_rule_add_array(b->ctx, act, nr, (unsigned)n, cmp);
	for (size_t i = 0; repeated && i < n && r == 0; i++)
		r = seccomp_rule_add_array(b->ctx, act, nr, 1, &cmp[i]);
	if (r < 0)
		return err_set(-r, "linux.seccomp.syscalls[%zu]: add the rule for %s", idx, name);
	return 0;
}

static int add_rules(struct build *b)
{
	const struct spec_seccomp *sc = b->sc;
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct spec_syscall *sys = &sc->syscalls[i];
		if (sys->n_args > 6 * 8)
			return err_set(0, "linux.seccomp.syscalls[%zu].args: more than 48", i);
		/* a rule that does what the default does is a no-op, and
		 * libseccomp refuses it */
		bool noop =
		    sys->action == sc->default_action && sys->errno_ret == sc->default_errno_ret;
		for (size_t j = 0; j < sys->n_names; j++) {
			int nr = seccomp_syscall_resolve_name(sys->names[j]);
			if (nr == __NR_SCMP_ERROR)
				continue; /* unknown here: skipped, as runc does */
			note_max(b, sys->names[j]);
			if (!noop && add_rule(b, sys, i, nr, sys->names[j]) < 0)
				return -1;
		}
	}
	return 0;
}

/* seccomp_export_bpf only writes to an fd (libseccomp 2.5 has no memory
 * export): a memfd, read back whole. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **out, size_t *n)
{
	_cleanup_close_ int fd = memfd_create("corun-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return err_set(errno, "seccomp: memfd_create");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return err_set(-r, "seccomp: export the filter");
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		return err_set(errno, "seccomp: stat the exported filter");
	size_t len = (size_t)sb.st_size;
	if (len == 0 || len % sizeof(struct sock_filter))
		return err_set(0, "seccomp: exported filter has a bad size (%zu bytes)", len);
	_cleanup_free_ struct sock_filter *f = xmalloc(len);
	if (pread(fd, f, len, 0) != (ssize_t)len)
		return err_set(errno, "seccomp: read the exported filter");
	*n = len / sizeof(*f);
	*out = take_ptr(&f);
	return 0;
}

/* ---- the ENOSYS stub ----
 * A profile allowlists the syscalls its author knew. A syscall added to
 * the kernel later (clone3, openat2, ...) would get the default action,
 * typically EPERM, and a libc that sees EPERM does not fall back to the
 * older call. So before libseccomp's program we put a stub that, per
 * architecture of the filter, compares the syscall number with the
 * highest number the profile names on that arch and returns ENOSYS above
 * it. x32 syscalls arrive as AUDIT_ARCH_X86_64 with bit 30 set and are
 * bounded by the profile's highest x32 number. Only when the default
 * action denies: with ALLOW or LOG everything unknown works anyway.
 *
 * The stub only reads seccomp_data and jumps either to the ENOSYS return
 * or to the first instruction of libseccomp's program, which starts by
 * loading the arch itself. Conditional jumps are 8-bit, so the stub stays
 * well under 256 instructions (at most 6 per arch). */
enum { TO_NEXT = 0, TO_ENOSYS = -1, TO_MAIN = -2 };
struct stub_insn {
	struct sock_filter f;
	int jt, jf; /* TO_* or a literal forward offset >= 0 */
};

struct stub {
	struct stub_insn in[256];
	size_t n;
};

static void emit(struct stub *s, uint16_t code, uint32_t k, int jt, int jf)
{
	s->in[s->n++] = (struct stub_insn){{code, 0, 0, k}, jt, jf};
}

static void emit_arch_block(struct stub *s, uint32_t audit, long max, long x32max, bool x86_64)
{
	size_t len = 1 + (x86_64 ? 2 : 0) + 1; /* instructions after the JEQ */
	emit(s, BPF_JMP | BPF_JEQ | BPF_K, audit, 0, (int)len);
	emit(s, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
	if (x86_64) {
		emit(s, BPF_JMP | BPF_JGE | BPF_K, X32_BIT, 0, 1);
		if (x32max >= 0)
			emit(s, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)x32max | X32_BIT, TO_ENOSYS,
			     TO_MAIN);
		else
			emit(s, BPF_JMP | BPF_JA, 0, TO_MAIN, TO_MAIN);
	}
	if (max >= 0)
		emit(s, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max, TO_ENOSYS, TO_MAIN);
	else
		emit(s, BPF_JMP | BPF_JA, 0, TO_MAIN, TO_MAIN);
}

static void build_stub(const struct build *b, struct stub *s)
{
	long x32max = -1;
	for (size_t i = 0; i < b->n_arch; i++)
		if (b->arch[i].token == SCMP_ARCH_X32)
			x32max = b->arch[i].max;
	emit(s, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
	bool x86_64_done = false;
	for (size_t i = 0; i < b->n_arch; i++) {
		const struct arch_info *a = &b->arch[i];
		bool is64 = a->token == SCMP_ARCH_X86_64;
		if (a->token == SCMP_ARCH_X32 || (a->max < 0 && !(is64 && x32max >= 0)))
			continue;
		emit_arch_block(s, a->token, a->max, x32max, is64);
		x86_64_done |= is64;
	}
	/* x32 listed without x86_64: its syscalls still carry AUDIT_ARCH_X86_64 */
	if (x32max >= 0 && !x86_64_done)
		emit_arch_block(s, AUDIT_ARCH_X86_64, -1, x32max, true);
	emit(s, BPF_JMP | BPF_JA, 0, TO_MAIN, TO_MAIN);
	emit(s, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS, 0, 0);
}

/* Resolves the stub's symbolic targets: ENOSYS is its last instruction,
 * MAIN the one after it. */
static void link_stub(const struct stub *s, struct sock_filter *out)
{
	size_t enosys = s->n - 1, main_at = s->n;
	for (size_t i = 0; i < s->n; i++) {
		const struct stub_insn *in = &s->in[i];
		out[i] = in->f;
		int t[2] = {in->jt, in->jf};
		size_t off[2];
		for (int k = 0; k < 2; k++)
			off[k] = t[k] == TO_ENOSYS ? enosys - i - 1
				 : t[k] == TO_MAIN ? main_at - i - 1
						   : (size_t)t[k];
		if (BPF_OP(in->f.code) == BPF_JA && BPF_CLASS(in->f.code) == BPF_JMP) {
			out[i].k = (uint32_t)off[0];
		} else if (BPF_CLASS(in->f.code) == BPF_JMP) {
			out[i].jt = (uint8_t)off[0];
			out[i].jf = (uint8_t)off[1];
		}
	}
}

static bool default_denies(enum sc_action a)
{
	return a != SC_ACT_ALLOW && a != SC_ACT_LOG;
}

static int assemble(const struct build *b, struct sock_filter *main, size_t n_main,
		    struct seccomp_prog *p)
{
	struct stub s = {.n = 0};
	if (default_denies(b->sc->default_action))
		build_stub(b, &s);
	size_t total = s.n + n_main;
	if (total > BPF_MAXINSNS)
		return err_set(0, "seccomp: the filter has %zu instructions, the kernel takes %d",
			       total, BPF_MAXINSNS);
	p->insns = xcalloc(total, sizeof(*p->insns));
	link_stub(&s, p->insns);
	memcpy(p->insns + s.n, main, n_main * sizeof(*main));
	p->len = (unsigned short)total;
	return 0;
}

static unsigned int load_flags(const struct spec_seccomp *sc)
{
	unsigned int f = 0;
	if (sc->flags & SC_FLAG_TSYNC)
		f |= SECCOMP_FILTER_FLAG_TSYNC;
	if (sc->flags & SC_FLAG_LOG)
		f |= SECCOMP_FILTER_FLAG_LOG;
	if (sc->flags & SC_FLAG_SPEC_ALLOW)
		f |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	if (sc->uses_notify) {
		f |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* the kernel refuses TSYNC with a listener unless failures to
		 * sync are reported as ESRCH (the fd takes the return value) */
		if (f & SECCOMP_FILTER_FLAG_TSYNC)
			f |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
		/* it qualifies how the listener waits: meaningless without one,
		 * and the kernel refuses it then */
		if (sc->flags & SC_FLAG_WAIT_KILLABLE_RECV)
			f |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	return f;
}

bool seccomp_flag_supported(uint32_t sc_flag)
{
	/* the flags as a profile with this one flag would be loaded with (a
	 * listener where the flag needs one); the kernel checks them before it
	 * reads the program, so a NULL program gives EFAULT for flags it knows
	 * and EINVAL for others, and installs nothing */
	struct spec_seccomp sc = {.flags = sc_flag,
				  .uses_notify = sc_flag == SC_FLAG_WAIT_KILLABLE_RECV};
	unsigned int f = load_flags(&sc);
	if (f == 0)
		return false;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f, NULL) < 0 && errno == EFAULT;
}

int seccomp_compile(const struct spec_seccomp *sc, struct seccomp_prog **out)
{
	struct build b = {.sc = sc};
	uint32_t def = action_value(sc->default_action, sc->default_errno_ret);
	__attribute__((cleanup(cleanup_ctx))) scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx)
		return err_set(0,
			       "linux.seccomp.defaultAction: %s is not supported by libseccomp "
			       "or the kernel",
			       sc_action_name(sc->default_action));
	b.ctx = ctx;
	_cleanup_free_ struct sock_filter *main = NULL;
	size_t n_main = 0;
	if (add_arches(&b) < 0 || add_rules(&b) < 0 || export_bpf(ctx, &main, &n_main) < 0)
		return -1;
	struct seccomp_prog *p = xcalloc(1, sizeof(*p));
	if (assemble(&b, main, n_main, p) < 0) {
		free(p);
		return -1;
	}
	p->flags = load_flags(sc);
	p->notify = sc->uses_notify;
	*out = p;
	return 0;
}

void seccomp_prog_free(struct seccomp_prog *p)
{
	if (!p)
		return;
	free(p->insns);
	free(p);
}

int seccomp_prog_load(const struct seccomp_prog *p, int *listener)
{
	struct sock_fprog fp = {.len = p->len, .filter = p->insns};
	*listener = -1;
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &fp);
	if (r < 0) {
		int e = errno;
		const char *why = e == EACCES
				      ? " (no_new_privs is off and CAP_SYS_ADMIN is missing)"
				  : e == EINVAL ? " (a flag this kernel does not support?)"
						: "";
		return err_set(e, "seccomp: load the filter (flags %#x)%s", p->flags, why);
	}
	if (p->notify)
		*listener = (int)r; /* the kernel makes it close-on-exec */
	return 0;
}

int seccomp_install(const struct seccomp_prog *p, int sync_fd)
{
	if (!p)
		return 0;
	_cleanup_close_ int fd = -1;
	if (seccomp_prog_load(p, &fd) < 0)
		return -1;
	if (fd < 0)
		return 0;
	/* right after the load: sendmsg cannot be a notified syscall (the
	 * parser refuses it), so this cannot wait on the agent */
	struct sync_msg m;
	if (sync_send_fd(sync_fd, SYNC_SECCOMP, fd) < 0 ||
	    sync_expect(sync_fd, SYNC_SECCOMP_DONE, &m) < 0)
		return err_prefix("seccomp: hand the listener fd to the runtime");
	return 0;
}
