/* SPDX-License-Identifier: Apache-2.0 */
/* The validated, typed form of an OCI runtime-spec config.json.
 * config.c is the only place that turns JSON into these structs; everything
 * after it trusts the values (ranges, absolute paths, known names). All
 * memory belongs to spec->arena. Vectors are NULL-terminated. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mount_opts.h"
#include "util.h"

/* gnu17 predefines the macro "linux" (= 1); spec->linux is the config's section */
#undef linux

enum ns_type { NS_USER, NS_MNT, NS_PID, NS_NET, NS_IPC, NS_UTS, NS_CGROUP, NS_TIME, NS__COUNT };

enum hook_kind {
	HOOK_PRESTART,
	HOOK_CREATE_RUNTIME,
	HOOK_CREATE_CONTAINER,
	HOOK_START_CONTAINER,
	HOOK_POSTSTART,
	HOOK_POSTSTOP,
	HOOK__COUNT
};

struct spec_namespace {
	bool present;
	char *path; /* NULL: create a new one; else join this one */
};

struct spec_idmap {
	uint32_t container_id, host_id, size;
};
/* lines a uid_map or gid_map takes (user_namespaces(7)) */
#define ID_MAP_MAX 340

struct spec_user {
	uint32_t uid, gid;
	bool has_umask;
	mode_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
};

struct spec_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

struct spec_caps {
	/* bit N = capability N; sets absent in config are 0 */
	uint64_t bounding, effective, inheritable, permitted, ambient;
	/* names no capability has, each once, space-separated (NULL: none):
	 * the spec asks for a warning, not a failure */
	char *unknown;
};

/* A set of CPUs or NUMA nodes, as lists like "0-3,7" give them (cpulist.h):
 * number i is bit i % 64 of bits[i / 64]. Empty: n_words 0. */
struct spec_bitmap {
	uint64_t *bits;
	size_t n_words;
};

/* process.ioPriority, process.scheduler (config_sched.c, applied by
 * sched_attrs.c); the kernel's numbers, and the config's names for errors. */
struct spec_ioprio {
	bool present;
	int class_, priority; /* IOPRIO_CLASS_*, 0..7 */
	const char *class_name;
};

struct spec_sched {
	bool present;
	uint32_t policy; /* SCHED_* */
	const char *policy_name;
	int32_t nice;
	uint32_t priority;
	uint64_t flags;			    /* SCHED_FLAG_* */
	uint64_t runtime, deadline, period; /* ns, SCHED_DEADLINE only */
};

struct spec_process {
	bool terminal;
	bool has_console_size;
	unsigned console_height, console_width;
	char *cwd;
	char **args;
	char **env;
	struct spec_user user;
	bool has_caps;
	struct spec_caps caps;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	struct spec_ioprio ioprio;
	struct spec_sched sched;
	/* execCPUAffinity, for processes started by `exec` only (the spec
	 * leaves the init alone); empty = leave the affinity as it is */
	struct spec_bitmap affinity_initial, affinity_final;
	char *apparmor_profile, *selinux_label; /* NULL = none */
};

struct spec_mount {
	char *destination; /* absolute, cleaned */
	char *type;	   /* may be NULL */
	char *source;	   /* may be NULL */
	/* "options", parsed here once (mount_opts.c): flags, propagation,
	 * recursive attributes, and the rest as filesystem data (data in the
	 * arena). The raw strings are not kept: nothing after the parse needs
	 * them (state and hooks get config.json's own bytes). */
	struct mount_opts opts;
	/* idmapped mount: both or neither (on-disk id -> id seen in the mount) */
	struct spec_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
};

struct spec_device {
	char *path; /* absolute, inside the container */
	char type;  /* 'c', 'b', 'u' or 'p' */
	int64_t major, minor;
	bool has_file_mode;
	mode_t file_mode;
	bool has_uid, has_gid;
	uint32_t uid, gid;
};

struct spec_devrule {
	bool allow;
	char type;	      /* 'a', 'c' or 'b' */
	int64_t major, minor; /* -1 = wildcard */
	char access[4];	      /* subset of "rwm", NUL-terminated */
};

/* linux.seccomp. Actions and comparisons are libseccomp's SCMP_ACT_* and
 * SCMP_CMP_* by name; seccomp_filter.c maps them. */
enum sc_action {
	SC_ACT_KILL, /* = KILL_THREAD, as in libseccomp */
	SC_ACT_KILL_PROCESS,
	SC_ACT_KILL_THREAD,
	SC_ACT_TRAP,
	SC_ACT_ERRNO,
	SC_ACT_TRACE,
	SC_ACT_ALLOW,
	SC_ACT_LOG,
	SC_ACT_NOTIFY,
	SC_ACT__COUNT
};

enum sc_cmp {
	SC_CMP_NE,
	SC_CMP_LT,
	SC_CMP_LE,
	SC_CMP_EQ,
	SC_CMP_GE,
	SC_CMP_GT,
	SC_CMP_MASKED_EQ,
	SC_CMP__COUNT
};

struct spec_seccomp_arg {
	uint32_t index;		   /* 0..5 */
	uint64_t value, value_two; /* MASKED_EQ: value is the mask, value_two the datum */
	enum sc_cmp op;
};

struct spec_syscall {
	char **names; /* at least one, none empty */
	size_t n_names;
	enum sc_action action;
	uint32_t errno_ret; /* ERRNO/TRACE only; EPERM when not given */
	struct spec_seccomp_arg *args;
	size_t n_args;
};

/* SECCOMP_FILTER_FLAG_* given in linux.seccomp.flags (kernel bit values) */
#define SC_FLAG_TSYNC		   (1u << 0)
#define SC_FLAG_LOG		   (1u << 1)
#define SC_FLAG_SPEC_ALLOW	   (1u << 2)
#define SC_FLAG_WAIT_KILLABLE_RECV (1u << 5)

struct spec_seccomp {
	enum sc_action default_action;
	uint32_t default_errno_ret; /* EPERM when not given */
	char **architectures;	    /* "SCMP_ARCH_X86_64"...; may be NULL */
	size_t n_architectures;
	uint32_t flags;		 /* SC_FLAG_* */
	char *listener_path;	 /* NULL when absent; set whenever uses_notify */
	char *listener_metadata; /* NULL when absent */
	struct spec_syscall *syscalls;
	size_t n_syscalls;
	bool uses_notify; /* some rule's action is SCMP_ACT_NOTIFY */
};

/* linux.resources other than devices. has_* tells a field was given
 * (JSON null counts as absent); unset fields leave the cgroup alone. */
struct spec_weight_dev {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct spec_rate_dev {
	int64_t major, minor;
	uint64_t rate;
};

enum throttle_kind {
	THROTTLE_READ_BPS,
	THROTTLE_WRITE_BPS,
	THROTTLE_READ_IOPS,
	THROTTLE_WRITE_IOPS,
	THROTTLE__COUNT
};

struct spec_hugepage {
	char *page_size; /* "2MB", "1GB": as the hugetlb files are named */
	uint64_t limit;
};

struct spec_net_prio {
	char *name;
	uint32_t priority;
};

struct spec_rdma {
	char *device;
	bool has_hca_handles, has_hca_objects;
	uint32_t hca_handles, hca_objects;
};

struct spec_resources {
	struct spec_memory {
		bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp;
		bool has_swappiness, has_disable_oom_killer, has_use_hierarchy;
		int64_t limit, reservation, swap, kernel, kernel_tcp; /* -1 = unlimited */
		uint64_t swappiness;
		bool disable_oom_killer, use_hierarchy, check_before_update;
	} memory;
	struct spec_cpu {
		bool has_shares, has_quota, has_burst, has_period, has_rt_runtime, has_rt_period;
		bool has_idle;
		uint64_t shares, burst, period, rt_period;
		int64_t quota, rt_runtime, idle;
		char *cpus, *mems; /* NULL or "" = unset */
	} cpu;
	bool has_pids_limit;
	int64_t pids_limit; /* <= 0 = no limit */
	struct spec_blkio {
		bool has_weight, has_leaf_weight;
		uint16_t weight, leaf_weight;
		struct spec_weight_dev *weight_device;
		size_t n_weight_device;
		struct spec_rate_dev *throttle[THROTTLE__COUNT];
		size_t n_throttle[THROTTLE__COUNT];
	} blkio;
	struct spec_hugepage *hugepages;
	size_t n_hugepages;
	bool has_class_id;
	uint32_t class_id;
	struct spec_net_prio *net_prio;
	size_t n_net_prio;
	struct spec_rdma *rdma;
	size_t n_rdma;
	struct spec_kv *unified;
	size_t n_unified;
};

struct spec_hook {
	char *path;
	char **args; /* may be NULL */
	char **env;  /* may be NULL */
	int timeout; /* seconds; 0 = none */
};

struct spec_hooks {
	struct spec_hook *list[HOOK__COUNT];
	size_t count[HOOK__COUNT];
};

struct spec_kv {
	char *key, *value;
};

/* linux.netDevices: a host interface moved into the container's netns */
struct spec_netdev {
	char *host_name;
	char *name; /* the name inside; may hold one "%d" */
};

/* linux.intelRdt (intelrdt.c); strings NULL when absent */
struct spec_intel_rdt {
	char *clos_id;
	char *l3_cache_schema, *mem_bw_schema;
	char **schemata;
	size_t n_schemata;
	bool enable_monitoring;
};

struct spec_linux {
	struct spec_namespace ns[NS__COUNT];
	struct spec_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct spec_device *devices;
	size_t n_devices;
	char *cgroups_path;		/* may be NULL */
	struct spec_devrule *dev_rules; /* linux.resources.devices */
	size_t n_dev_rules;
	struct spec_resources resources;  /* the rest of linux.resources */
	unsigned long rootfs_propagation; /* MS_SHARED... or 0 when absent */
	char **masked_paths;
	char **readonly_paths;
	struct spec_kv *sysctl;
	size_t n_sysctl;
	char *mount_label;
	struct spec_seccomp *seccomp; /* NULL when absent or disabled ({}) */
	/* linux.timeOffsets; applied when a new time namespace is made */
	struct spec_time_offset {
		bool present;
		int64_t secs;
		uint32_t nanosecs;
	} time_boottime, time_monotonic;
	struct spec_netdev *net_devices;
	size_t n_net_devices;
	struct spec_intel_rdt *intel_rdt; /* NULL when absent */
	struct spec_personality {
		bool present;
		unsigned long persona; /* PER_LINUX, PER_LINUX32 */
		const char *domain;
	} personality;
	struct spec_mempolicy {
		bool present;
		int mode;	/* MPOL_* */
		unsigned flags; /* MPOL_F_* */
		const char *mode_name;
		char *nodes_text; /* as given, for errors; may be NULL */
		struct spec_bitmap nodes;
	} mempolicy;
};

struct spec {
	struct arena arena;
	char *oci_version;
	char *root_path; /* as written; relative to the bundle or absolute */
	bool root_readonly;
	char *hostname, *domainname; /* may be NULL */
	struct spec_mount *mounts;
	size_t n_mounts;
	struct spec_process *process; /* NULL when absent */
	struct spec_hooks hooks;
	struct spec_kv *annotations;
	size_t n_annotations;
	struct spec_linux linux;
};

/* Parses and validates config JSON text (len bytes). On error returns -1 with
 * an error naming the JSON path ("mounts[2].destination: must be absolute"). */
int spec_parse(const char *json, size_t len, struct spec **out);
/* Reads BUNDLE/config.json and parses it; *raw gets the file bytes (malloc'd)
 * when raw is not NULL, so create can keep an exact copy in the state dir. */
int spec_load(const char *bundle, struct spec **out, char **raw, size_t *raw_len);
void spec_free(struct spec *s);
/* Parses a bare OCI process object (`exec -p process.json`) into s's arena,
 * with the same checks as config.json's process. Its apparmorProfile and
 * selinuxLabel go to *apparmor and *selinux (NULL when absent): they label
 * the exec'd process only. */
int spec_parse_process(const char *json, size_t len, struct spec *s, struct spec_process **out,
		       char **apparmor, char **selinux);
/* Adds name to c->unknown (in s's arena) unless it is there already. */
void spec_caps_note_unknown(struct spec *s, struct spec_caps *c, const char *name);
/* Each entry NAME=VALUE with a NAME (runc's words otherwise). */
int spec_env_check(char *const *env);
static inline void cleanup_specp(struct spec **s)
{
	if (*s)
		spec_free(*s);
}
#define _cleanup_spec_ __attribute__((cleanup(cleanup_specp)))

/* The default config.json that `corun spec` writes (malloc'd JSON text). */
char *spec_default_json(bool rootless);

const char *ns_type_name(enum ns_type t);     /* "pid", "network", ... (spec names) */
int ns_clone_flag(enum ns_type t);	      /* CLONE_NEWPID ... */
const char *ns_proc_name(enum ns_type t);     /* "pid", "net", ... (/proc/PID/ns names) */
const char *hook_kind_name(enum hook_kind k); /* "prestart", ... */
const char *sc_action_name(enum sc_action a); /* "SCMP_ACT_ERRNO", ... */
const char *sc_cmp_name(enum sc_cmp c);	      /* "SCMP_CMP_EQ", ... */
/* The names linux.seccomp accepts, for `corun features`: entry i of the
 * parser's table, NULL past the end. sc_flag_name also gives the SC_FLAG_*. */
const char *sc_arch_name(size_t i);		   /* "SCMP_ARCH_X86_64", ... */
const char *sc_flag_name(size_t i, uint32_t *bit); /* "SECCOMP_FILTER_FLAG_LOG", ... */

/* The names linux.memoryPolicy accepts, for `corun features`: entry i of
 * the parser's tables, NULL past the end. */
const char *mpol_mode_name(size_t i); /* "MPOL_BIND", ... */
const char *mpol_flag_name(size_t i); /* "MPOL_F_STATIC_NODES", ... */

/* False for a key the runtime spec defines but spec_parse refuses; every
 * Linux key of runtime-spec 1.3 is implemented, so today it is true for all
 * ("process.apparmorProfile", "mounts[].uidMappings", ...). `corun
 * features` asks it, so a key that is ever refused again shows there. */
bool spec_key_supported(const char *path);
