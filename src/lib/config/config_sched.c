/* SPDX-License-Identifier: Apache-2.0 */
/* process.ioPriority, process.scheduler, process.execCPUAffinity and
 * linux.personality, linux.memoryPolicy -> struct spec. The checks are the
 * ones the spec and the kernel's man pages state, so that a config the
 * kernel would refuse fails at create with the JSON path, not later with
 * a bare EINVAL from the container init. */
#include <string.h>
#include <sys/personality.h>
#include <linux/ioprio.h>
#include <linux/mempolicy.h>
#include <linux/sched.h>

#include "config_internal.h"
#include "cpulist.h"

#define P(buf, parent, key) jpath(buf, sizeof(buf), parent, key)

/* Reserved by Linux and never implemented: the kernel refuses it, but the
 * spec lists it, so it parses and fails when applied. */
#define SCHED_ISO_ 4
/* Linux 6.9; newer than the uapi headers this may build against */
#define MPOL_WEIGHTED_INTERLEAVE_ 6

/* Sane bounds for lists: NR_CPUS tops out at 8192 today, MAX_NUMNODES at
 * 1024 (the kernel refuses node bits above it). */
#define CPU_LIMIT  65536UL
#define NODE_LIMIT 1024UL

struct name_val {
	const char *name;
	unsigned long val;
};

static const struct name_val ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT},
    {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
    {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE},
    {NULL, 0},
};

static const struct name_val sched_policies[] = {
    {"SCHED_OTHER", SCHED_NORMAL},
    {"SCHED_FIFO", SCHED_FIFO},
    {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},
    {"SCHED_ISO", SCHED_ISO_},
    {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE},
    {NULL, 0},
};

static const struct name_val sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK},
    {"SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM},
    {"SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN},
    {"SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY},
    {"SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX},
    {NULL, 0},
};

/* the spec's order, which `corun features` keeps */
static const struct name_val mpol_modes[] = {
    {"MPOL_DEFAULT", MPOL_DEFAULT},	  {"MPOL_BIND", MPOL_BIND},
    {"MPOL_INTERLEAVE", MPOL_INTERLEAVE}, {"MPOL_WEIGHTED_INTERLEAVE", MPOL_WEIGHTED_INTERLEAVE_},
    {"MPOL_PREFERRED", MPOL_PREFERRED},	  {"MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY},
    {"MPOL_LOCAL", MPOL_LOCAL},		  {NULL, 0},
};

static const struct name_val mpol_flags[] = {
    {"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
    {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
    {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
    {NULL, 0},
};

static const struct name_val personality_domains[] = {
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
    {NULL, 0},
};

const char *mpol_mode_name(size_t i)
{
	return i < ARRAY_SIZE(mpol_modes) ? mpol_modes[i].name : NULL;
}

const char *mpol_flag_name(size_t i)
{
	return i < ARRAY_SIZE(mpol_flags) ? mpol_flags[i].name : NULL;
}

/* name's entry in t, or "<path>: unknown <what> \"x\" (A, B, C)". */
static const struct name_val *lookup(const struct name_val *t, const char *name, const char *path,
				     const char *what)
{
	char valid[256] = "";
	for (size_t i = 0; t[i].name; i++) {
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
		size_t n = strlen(valid);
		snprintf(valid + n, sizeof(valid) - n, "%s%s", n ? ", " : "", t[i].name);
	}
	err_set(0, "%s: unknown %s \"%s\" (%s)", path, what, name, valid);
	return NULL;
}

/* A required string key of o naming an entry of t. */
static const struct name_val *get_name(json_t *o, const char *key, const char *path,
				       struct arena *a, const struct name_val *t, const char *what)
{
	char *v = NULL;
	char p[JPATH_MAX];
	if (jget_str(o, key, path, true, a, &v) < 0)
		return NULL;
	return lookup(t, v, P(p, path, key), what);
}

/* An array of names from t, OR'ed into *out. */
static int get_flags(json_t *o, const char *path, struct arena *a, const struct name_val *t,
		     const char *what, unsigned long *out)
{
	char **v = NULL;
	size_t n = 0;
	char p[JPATH_MAX], q[JPATH_MAX];
	if (jget_strv(o, "flags", path, false, a, &v, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct name_val *e =
		    lookup(t, v[i], jpath_idx(q, sizeof(q), P(p, path, "flags"), i), what);
		if (!e)
			return -1;
		*out |= e->val;
	}
	return 0;
}

/* ---- process ---- */

static int parse_ioprio(json_t *proc, struct spec *s, struct spec_ioprio *io)
{
	const char *path = "process.ioPriority";
	json_t *o = NULL;
	int64_t prio = 0;
	if (jget_obj(proc, "ioPriority", "process", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	const struct name_val *c = get_name(o, "class", path, &s->arena, ioprio_classes, "class");
	if (!c || jget_int(o, "priority", path, true, 0, IOPRIO_NR_LEVELS - 1, &prio) < 0)
		return -1;
	*io = (struct spec_ioprio){
	    .present = true, .class_ = (int)c->val, .priority = (int)prio, .class_name = c->name};
	return 0;
}

/* sched(7) and sched_setattr(2): what each policy takes. */
static int check_sched(const struct spec_sched *sc, const char *path)
{
	bool rt = sc->policy == SCHED_FIFO || sc->policy == SCHED_RR;
	if (rt && (sc->priority < 1 || sc->priority > 99))
		return err_set(0, "%s.priority: must be from 1 to 99 with %s", path,
			       sc->policy_name);
	if (!rt && sc->priority)
		return err_set(
		    0, "%s.priority: must be 0 with %s (only SCHED_FIFO and SCHED_RR have one)",
		    path, sc->policy_name);
	if (sc->policy != SCHED_DEADLINE) {
		if (sc->runtime || sc->deadline || sc->period)
			return err_set(
			    0, "%s: runtime, deadline and period are for SCHED_DEADLINE only",
			    path);
		return 0;
	}
	/* the kernel's own limits: a runtime of at least 1024 ns, and
	 * runtime <= deadline <= period (a period of 0 means the deadline) */
	if (sc->runtime < 1024)
		return err_set(0, "%s.runtime: SCHED_DEADLINE needs a runtime of at least 1024 ns",
			       path);
	if (sc->deadline < sc->runtime)
		return err_set(0, "%s.deadline: SCHED_DEADLINE needs runtime <= deadline", path);
	if (sc->period && sc->period < sc->deadline)
		return err_set(0, "%s.period: SCHED_DEADLINE needs deadline <= period", path);
	return 0;
}

static int parse_sched(json_t *proc, struct spec *s, struct spec_sched *sc)
{
	const char *path = "process.scheduler";
	json_t *o = NULL;
	int64_t nice = 0, prio = 0;
	unsigned long flags = 0;
	if (jget_obj(proc, "scheduler", "process", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	const struct name_val *pol =
	    get_name(o, "policy", path, &s->arena, sched_policies, "policy");
	if (!pol || jget_int(o, "nice", path, false, -20, 19, &nice) < 0 ||
	    jget_int(o, "priority", path, false, 0, INT32_MAX, &prio) < 0 ||
	    get_flags(o, path, &s->arena, sched_flags, "flag", &flags) < 0 ||
	    jget_u64(o, "runtime", path, false, &sc->runtime) < 0 ||
	    jget_u64(o, "deadline", path, false, &sc->deadline) < 0 ||
	    jget_u64(o, "period", path, false, &sc->period) < 0)
		return -1;
	sc->present = true;
	sc->policy = (uint32_t)pol->val;
	sc->policy_name = pol->name;
	sc->nice = (int32_t)nice;
	sc->priority = (uint32_t)prio;
	sc->flags = flags;
	return check_sched(sc, path);
}

static int parse_affinity(json_t *proc, struct spec *s, struct spec_process *pr)
{
	const char *path = "process.execCPUAffinity";
	json_t *o = NULL;
	char *initial = NULL, *final = NULL;
	char p[JPATH_MAX];
	if (jget_obj(proc, "execCPUAffinity", "process", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	if (jget_str(o, "initial", path, false, &s->arena, &initial) < 0 ||
	    jget_str(o, "final", path, false, &s->arena, &final) < 0)
		return -1;
	if (initial && cpulist_parse(initial, CPU_LIMIT, "CPU", &s->arena, P(p, path, "initial"),
				     &pr->affinity_initial) < 0)
		return -1;
	if (final && cpulist_parse(final, CPU_LIMIT, "CPU", &s->arena, P(p, path, "final"),
				   &pr->affinity_final) < 0)
		return -1;
	return 0;
}

int parse_process_sched(json_t *proc, struct spec *s, struct spec_process *pr)
{
	if (parse_ioprio(proc, s, &pr->ioprio) < 0 || parse_sched(proc, s, &pr->sched) < 0 ||
	    parse_affinity(proc, s, pr) < 0)
		return -1;
	return 0;
}

/* ---- linux ---- */

static int parse_personality(json_t *lnx, struct spec *s)
{
	const char *path = "linux.personality";
	json_t *o = NULL;
	char **flags = NULL;
	size_t n = 0;
	char p[JPATH_MAX];
	if (jget_obj(lnx, "personality", "linux", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	const struct name_val *d =
	    get_name(o, "domain", path, &s->arena, personality_domains, "domain");
	if (!d || jget_strv(o, "flags", path, false, &s->arena, &flags, &n) < 0)
		return -1;
	/* "Currently no flag values are supported" (config-linux.md) */
	if (n)
		return err_set(0, "%s: unknown flag \"%s\" (the spec defines none)",
			       jpath_idx(p, sizeof(p), "linux.personality.flags", 0), flags[0]);
	s->linux.personality =
	    (struct spec_personality){.present = true, .persona = d->val, .domain = d->name};
	return 0;
}

/* set_mempolicy(2): which modes take nodes, and which flags go together. */
static int check_mempolicy(const struct spec_mempolicy *m, const char *path)
{
	bool empty = bitmap_count(&m->nodes) == 0;
	unsigned both = MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES;
	switch (m->mode) {
	case MPOL_DEFAULT:
	case MPOL_LOCAL:
		if (!empty)
			return err_set(0, "%s.nodes: must be empty with %s", path, m->mode_name);
		if (m->flags)
			return err_set(0, "%s.flags: must be empty with %s", path, m->mode_name);
		return 0;
	case MPOL_PREFERRED: /* no nodes: allocate on the local node */
		if (empty && (m->flags & both))
			return err_set(0, "%s.nodes: %s with static or relative nodes needs a node",
				       path, m->mode_name);
		break;
	default:
		if (empty)
			return err_set(0, "%s.nodes: %s needs at least one node", path,
				       m->mode_name);
	}
	if ((m->flags & both) == both)
		return err_set(0,
			       "%s.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude "
			       "each other",
			       path);
	if ((m->flags & MPOL_F_NUMA_BALANCING) && m->mode != MPOL_BIND &&
	    m->mode != MPOL_PREFERRED_MANY)
		return err_set(0,
			       "%s.flags: MPOL_F_NUMA_BALANCING needs MPOL_BIND or "
			       "MPOL_PREFERRED_MANY",
			       path);
	return 0;
}

static int parse_mempolicy(json_t *lnx, struct spec *s)
{
	const char *path = "linux.memoryPolicy";
	struct spec_mempolicy *m = &s->linux.mempolicy;
	json_t *o = NULL;
	unsigned long flags = 0;
	char p[JPATH_MAX];
	if (jget_obj(lnx, "memoryPolicy", "linux", false, &o) < 0)
		return -1;
	if (!o)
		return 0;
	const struct name_val *mode = get_name(o, "mode", path, &s->arena, mpol_modes, "mode");
	if (!mode || jget_str(o, "nodes", path, false, &s->arena, &m->nodes_text) < 0 ||
	    get_flags(o, path, &s->arena, mpol_flags, "flag", &flags) < 0)
		return -1;
	if (m->nodes_text && cpulist_parse(m->nodes_text, NODE_LIMIT, "node", &s->arena,
					   P(p, path, "nodes"), &m->nodes) < 0)
		return -1;
	m->present = true;
	m->mode = (int)mode->val;
	m->mode_name = mode->name;
	m->flags = (unsigned)flags;
	return check_mempolicy(m, path);
}

int parse_linux_sched(json_t *lnx, struct spec *s)
{
	if (parse_personality(lnx, s) < 0 || parse_mempolicy(lnx, s) < 0)
		return -1;
	return 0;
}
