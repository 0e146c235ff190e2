/* SPDX-License-Identifier: Apache-2.0 */
/* config.json "linux.seccomp" -> struct spec_seccomp. Only names and
 * ranges are checked here; whether libseccomp and the kernel know an
 * architecture or a syscall is seccomp_filter.c's business, at create time. */
#include <errno.h>
#include <string.h>
#include <sys/un.h>

#include "config_internal.h"

#define SC_PATH "linux.seccomp"

static const char *const action_names[SC_ACT__COUNT] = {
    [SC_ACT_KILL] = "SCMP_ACT_KILL",
    [SC_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [SC_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [SC_ACT_TRAP] = "SCMP_ACT_TRAP",
    [SC_ACT_ERRNO] = "SCMP_ACT_ERRNO",
    [SC_ACT_TRACE] = "SCMP_ACT_TRACE",
    [SC_ACT_ALLOW] = "SCMP_ACT_ALLOW",
    [SC_ACT_LOG] = "SCMP_ACT_LOG",
    [SC_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const cmp_names[SC_CMP__COUNT] = {
    [SC_CMP_NE] = "SCMP_CMP_NE",
    [SC_CMP_LT] = "SCMP_CMP_LT",
    [SC_CMP_LE] = "SCMP_CMP_LE",
    [SC_CMP_EQ] = "SCMP_CMP_EQ",
    [SC_CMP_GE] = "SCMP_CMP_GE",
    [SC_CMP_GT] = "SCMP_CMP_GT",
    [SC_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

/* The runtime-spec 1.3 list (schema/defs-linux.json SeccompArch). */
static const char *const arch_names[] = {
    "SCMP_ARCH_X86",	     "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",	   "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",	   "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",	     "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",	      "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",	     "SCMP_ARCH_S390X",	      "SCMP_ARCH_SH",	   "SCMP_ARCH_SHEB",
    "SCMP_ARCH_PARISC",	     "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64",
};

static const struct {
	const char *name;
	uint32_t bit;
} flag_names[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SC_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SC_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SC_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SC_FLAG_WAIT_KILLABLE_RECV},
};

const char *sc_action_name(enum sc_action a)
{
	return (unsigned)a < SC_ACT__COUNT ? action_names[a] : "unknown";
}

const char *sc_cmp_name(enum sc_cmp c)
{
	return (unsigned)c < SC_CMP__COUNT ? cmp_names[c] : "unknown";
}

const char *sc_arch_name(size_t i)
{
	return i < ARRAY_SIZE(arch_names) ? arch_names[i] : NULL;
}

const char *sc_flag_name(size_t i, uint32_t *bit)
{
	if (i >= ARRAY_SIZE(flag_names))
		return NULL;
	*bit = flag_names[i].bit;
	return flag_names[i].name;
}

static int lookup_name(const char *const *names, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], v) == 0)
			return (int)i;
	return -1;
}

/* An action string at o[key]; path names o. */
static int get_action(json_t *o, const char *key, const char *path, bool required, struct spec *s,
		      enum sc_action *out, bool *present)
{
	char *v = NULL;
	if (jget_str(o, key, path, required, &s->arena, &v) < 0)
		return -1;
	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	int a = lookup_name(action_names, SC_ACT__COUNT, v);
	if (a < 0)
		return err_set(0, "%s.%s: unknown action \"%s\"", path, key, v);
	*out = (enum sc_action)a;
	return 0;
}

/* errnoRet/defaultErrnoRet: the spec wants an error when the action has no
 * return value to carry it. The kernel caps an errno at 4095 (MAX_ERRNO);
 * a TRACE message is the 16 bits of SECCOMP_RET_DATA. */
static int get_errno_ret(json_t *o, const char *key, const char *path, enum sc_action act,
			 uint32_t *out)
{
	bool has = false;
	uint32_t v = 0;
	if (jget_u32(o, key, path, false, &v, &has) < 0)
		return -1;
	*out = EPERM;
	if (!has)
		return 0;
	if (act != SC_ACT_ERRNO && act != SC_ACT_TRACE)
		return err_set(0,
			       "%s.%s: not allowed with %s (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE "
			       "return a value)",
			       path, key, action_names[act]);
	uint32_t max = act == SC_ACT_ERRNO ? 4095 : 65535;
	if (v > max)
		return err_set(0, "%s.%s: must be at most %u with %s", path, key, max,
			       action_names[act]);
	*out = v;
	return 0;
}

static int parse_arg(json_t *e, const char *p, struct spec *s, struct spec_seccomp_arg *a)
{
	char *op = NULL;
	if (jval_obj(e, p) < 0 || jget_u32(e, "index", p, true, &a->index, NULL) < 0 ||
	    jget_u64(e, "value", p, true, &a->value) < 0 ||
	    jget_u64(e, "valueTwo", p, false, &a->value_two) < 0 ||
	    jget_str(e, "op", p, true, &s->arena, &op) < 0)
		return -1;
	/* seccomp_data carries six syscall arguments */
	if (a->index > 5)
		return err_set(0, "%s.index: must be from 0 to 5 (got %u)", p, a->index);
	int c = lookup_name(cmp_names, SC_CMP__COUNT, op);
	if (c < 0)
		return err_set(0, "%s.op: unknown operator \"%s\"", p, op);
	a->op = (enum sc_cmp)c;
	return 0;
}

/* The init hands the listener fd to corun with sendmsg right after the
 * filter is loaded, and writes to corun after it: if those waited for an
 * agent, the agent would never get the fd to answer them. runc refuses
 * write too, in these words. */
static int check_notify_name(const char *name, const char *p, size_t j)
{
	if (strcmp(name, "write") == 0 || strcmp(name, "sendmsg") == 0)
		return err_set(0,
			       "%s.names[%zu]: SCMP_ACT_NOTIFY cannot be used for the %s syscall "
			       "(the runtime itself uses it after loading the filter)",
			       p, j, name);
	return 0;
}

static int parse_syscall(json_t *e, const char *p, struct spec *s, struct spec_syscall *sc)
{
	json_t *args = NULL, *ae;
	char q[JPATH_MAX];
	if (jval_obj(e, p) < 0 ||
	    jget_strv(e, "names", p, true, &s->arena, &sc->names, &sc->n_names) < 0 ||
	    get_action(e, "action", p, true, s, &sc->action, NULL) < 0 ||
	    get_errno_ret(e, "errnoRet", p, sc->action, &sc->errno_ret) < 0 ||
	    jget_arr(e, "args", p, false, &args) < 0)
		return -1;
	if (sc->n_names == 0)
		return err_set(0, "%s.names: must have at least one entry", p);
	for (size_t j = 0; j < sc->n_names; j++) {
		if (!*sc->names[j])
			return err_set(0, "%s.names[%zu]: must not be empty", p, j);
		if (sc->action == SC_ACT_NOTIFY && check_notify_name(sc->names[j], p, j) < 0)
			return -1;
	}
	sc->args = arena_alloc(&s->arena, json_array_size(args) * sizeof(*sc->args));
	jpath(q, sizeof(q), p, "args");
	char r[JPATH_MAX];
	JARR_EACH(args, q, r, i, ae)
	{
		if (parse_arg(ae, r, s, &sc->args[i]) < 0)
			return -1;
	}
	sc->n_args = json_array_size(args);
	return 0;
}

static int parse_arches(json_t *o, struct spec *s, struct spec_seccomp *sc)
{
	char p[JPATH_MAX];
	if (jget_strv(o, "architectures", SC_PATH, false, &s->arena, &sc->architectures,
		      &sc->n_architectures) < 0)
		return -1;
	for (size_t i = 0; i < sc->n_architectures; i++)
		if (lookup_name(arch_names, ARRAY_SIZE(arch_names), sc->architectures[i]) < 0)
			return err_set(0, "%s: unknown architecture \"%s\"",
				       jpath_idx(p, sizeof(p), SC_PATH ".architectures", i),
				       sc->architectures[i]);
	return 0;
}

static int parse_flags(json_t *o, struct spec *s, struct spec_seccomp *sc)
{
	char **v = NULL;
	size_t n = 0;
	if (jget_strv(o, "flags", SC_PATH, false, &s->arena, &v, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t f = 0;
		while (f < ARRAY_SIZE(flag_names) && strcmp(flag_names[f].name, v[i]) != 0)
			f++;
		if (f == ARRAY_SIZE(flag_names))
			return err_set(0, SC_PATH ".flags[%zu]: unknown flag \"%s\"", i, v[i]);
		sc->flags |= flag_names[f].bit;
	}
	return 0;
}

static int parse_syscalls(json_t *o, struct spec *s, struct spec_seccomp *sc)
{
	json_t *arr = NULL, *e;
	char p[JPATH_MAX];
	if (jget_arr(o, "syscalls", SC_PATH, false, &arr) < 0)
		return -1;
	sc->syscalls = arena_alloc(&s->arena, json_array_size(arr) * sizeof(*sc->syscalls));
	JARR_EACH(arr, SC_PATH ".syscalls", p, i, e)
	{
		if (parse_syscall(e, p, s, &sc->syscalls[i]) < 0)
			return -1;
		if (sc->syscalls[i].action == SC_ACT_NOTIFY)
			sc->uses_notify = true;
	}
	sc->n_syscalls = json_array_size(arr);
	return 0;
}

static int parse_listener(json_t *o, struct spec *s, struct spec_seccomp *sc)
{
	if (jget_str(o, "listenerPath", SC_PATH, false, &s->arena, &sc->listener_path) < 0 ||
	    jget_str(o, "listenerMetadata", SC_PATH, false, &s->arena, &sc->listener_metadata) < 0)
		return -1;
	if (sc->listener_path && !*sc->listener_path)
		sc->listener_path = NULL;
	if (sc->listener_metadata && !*sc->listener_metadata)
		sc->listener_metadata = NULL;
	if (sc->listener_metadata && !sc->listener_path)
		return err_set(0, SC_PATH ".listenerMetadata: not allowed without listenerPath");
	if (sc->listener_path &&
	    strlen(sc->listener_path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return err_set(0, SC_PATH ".listenerPath: longer than %zu bytes",
			       sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	if (sc->uses_notify && !sc->listener_path)
		return err_set(0,
			       SC_PATH ": listenerPath is not set (required with SCMP_ACT_NOTIFY)");
	return 0;
}

int parse_seccomp(json_t *linux_obj, struct spec *s)
{
	json_t *o = NULL;
	if (jget_obj(linux_obj, "seccomp", "linux", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	/* runc's rule: no default action and no syscalls means no seccomp */
	if (!jpresent(o, "defaultAction") && !jpresent(o, "syscalls"))
		return 0;
	struct spec_seccomp *sc = arena_alloc(&s->arena, sizeof(*sc));
	if (get_action(o, "defaultAction", SC_PATH, true, s, &sc->default_action, NULL) < 0 ||
	    get_errno_ret(o, "defaultErrnoRet", SC_PATH, sc->default_action,
			  &sc->default_errno_ret) < 0)
		return -1;
	/* every syscall of the runtime between the load and the hand-over of
	 * the listener fd would wait for an agent that cannot answer yet */
	if (sc->default_action == SC_ACT_NOTIFY)
		return err_set(0, SC_PATH
			       ".defaultAction: SCMP_ACT_NOTIFY cannot be used as default "
			       "action (the runtime's own syscalls would wait for the agent)");
	if (parse_arches(o, s, sc) < 0 || parse_flags(o, s, sc) < 0 ||
	    parse_syscalls(o, s, sc) < 0 || parse_listener(o, s, sc) < 0)
		return -1;
	s->linux.seccomp = sc;
	return 0;
}
