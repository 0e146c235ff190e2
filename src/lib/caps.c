/* SPDX-License-Identifier: Apache-2.0 */
#include "caps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "log.h"

static const char *const cap_names[] = {
	"CAP_CHOWN",           "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID",          "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
	"CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",       "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
	"CAP_SYS_MODULE",      "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",       "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
	"CAP_LEASE",           "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

int cap_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strcasecmp(cap_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *cap_name(int cap)
{
	return cap >= 0 && (size_t)cap < ARRAY_SIZE(cap_names) ? cap_names[cap] : NULL;
}

int cap_last_cap(void)
{
	static int last = -1;
	if (last >= 0)
		return last;
	char *text = NULL;
	if (read_file_at(-100 /* AT_FDCWD */, "/proc/sys/kernel/cap_last_cap", 64, &text, NULL) == 0)
		last = atoi(text);
	free(text);
	if (last <= 0)
		last = CAP_LAST_CAP;
	return last;
}

int caps_drop_bounding(const struct spec_caps *c)
{
	int last = cap_last_cap();
	for (int cap = 0; cap <= last; cap++) {
		if (c->bounding & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return err_set(errno, "drop %s from the bounding set",
				       cap_name(cap) ? cap_name(cap) : "capability");
	}
	return 0;
}

int caps_apply(const struct spec_caps *c)
{
	uint64_t known = cap_last_cap() >= 63 ? ~0ULL : (1ULL << (cap_last_cap() + 1)) - 1;
	uint64_t eff = c->effective & known, prm = c->permitted & known,
		 inh = c->inheritable & known;
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {
		{(uint32_t)eff, (uint32_t)prm, (uint32_t)inh},
		{(uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32)},
	};
	if (syscall(SYS_capset, &hdr, data) < 0)
		return err_set(errno, "set capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return err_set(errno, "clear ambient capabilities");
	for (int cap = 0; cap <= cap_last_cap(); cap++) {
		if (!(c->ambient & (1ULL << cap)))
			continue;
		/* the kernel wants an ambient cap in permitted and inheritable;
		 * runc's default config lists ambient caps without inheritable,
		 * so a refusal is a warning, as in runc */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			log_debug("cannot raise ambient capability %s: %s", cap_name(cap),
				  strerror(errno));
	}
	return 0;
}
