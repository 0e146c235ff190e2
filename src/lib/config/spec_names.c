/* SPDX-License-Identifier: Apache-2.0 */
/* The name tables of capabilities and rlimits: the config parser checks
 * names here, caps.c and procattr.c print them, oci_features lists them. */
#include "spec_names.h"

#include <string.h>
#include <sys/resource.h>
#include <linux/capability.h>

#include "util.h"

#define CAP(n) [n] = #n
static const char *const cap_names[] = {
    CAP(CAP_CHOWN),
    CAP(CAP_DAC_OVERRIDE),
    CAP(CAP_DAC_READ_SEARCH),
    CAP(CAP_FOWNER),
    CAP(CAP_FSETID),
    CAP(CAP_KILL),
    CAP(CAP_SETGID),
    CAP(CAP_SETUID),
    CAP(CAP_SETPCAP),
    CAP(CAP_LINUX_IMMUTABLE),
    CAP(CAP_NET_BIND_SERVICE),
    CAP(CAP_NET_BROADCAST),
    CAP(CAP_NET_ADMIN),
    CAP(CAP_NET_RAW),
    CAP(CAP_IPC_LOCK),
    CAP(CAP_IPC_OWNER),
    CAP(CAP_SYS_MODULE),
    CAP(CAP_SYS_RAWIO),
    CAP(CAP_SYS_CHROOT),
    CAP(CAP_SYS_PTRACE),
    CAP(CAP_SYS_PACCT),
    CAP(CAP_SYS_ADMIN),
    CAP(CAP_SYS_BOOT),
    CAP(CAP_SYS_NICE),
    CAP(CAP_SYS_RESOURCE),
    CAP(CAP_SYS_TIME),
    CAP(CAP_SYS_TTY_CONFIG),
    CAP(CAP_MKNOD),
    CAP(CAP_LEASE),
    CAP(CAP_AUDIT_WRITE),
    CAP(CAP_AUDIT_CONTROL),
    CAP(CAP_SETFCAP),
    CAP(CAP_MAC_OVERRIDE),
    CAP(CAP_MAC_ADMIN),
    CAP(CAP_SYSLOG),
    CAP(CAP_WAKE_ALARM),
    CAP(CAP_BLOCK_SUSPEND),
    CAP(CAP_AUDIT_READ),
    CAP(CAP_PERFMON),
    CAP(CAP_BPF),
    CAP(CAP_CHECKPOINT_RESTORE),
};
#undef CAP

_Static_assert(ARRAY_SIZE(cap_names) == CAP_CHECKPOINT_RESTORE + 1, "capability table has gaps");

int cap_from_name(const char *name)
{
	/* exact match: runc does not accept "cap_chown" either */
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strcmp(cap_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *cap_name(int cap)
{
	return cap >= 0 && (size_t)cap < ARRAY_SIZE(cap_names) ? cap_names[cap] : NULL;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},		  {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},	  {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},	  {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},	  {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},	  {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},	  {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},	  {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

int rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (strcmp(rlimit_names[i].name, name) == 0)
			return rlimit_names[i].resource;
	return -1;
}

const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return "RLIMIT_?";
}
