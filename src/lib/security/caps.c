/* SPDX-License-Identifier: Apache-2.0 */
/* The raw capset/prctl calls that apply a process's
 * capability sets (no libcap); the name table is spec_names.c. */
#include "caps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "log.h"

/* The kernel itself answers: PR_CAPBSET_READ fails with EINVAL for a
 * capability it does not know. No /proc: after pivot_root that is the
 * image's, and a fake cap_last_cap would keep capabilities undropped. */
int cap_last_cap(void)
{
	static int last = -1;
	if (last >= 0)
		return last;
	for (int cap = 63; cap > 0 && last < 0; cap--) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0)
			last = cap;
		else if (errno != EINVAL)
			last = CAP_LAST_CAP; /* prctl filtered: the headers we were built with */
	}
	if (last < 0)
		last = 0;
	return last;
}

/* The capabilities the running kernel knows; the config's others are ignored. */
static uint64_t known_caps(void)
{
	int last = cap_last_cap();
	return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

void caps_warn_ungranted(const struct spec_caps *c)
{
	uint64_t all = c->bounding | c->effective | c->inheritable | c->permitted | c->ambient;
	char list[1024];
	size_t len = (size_t)snprintf(list, sizeof(list), "%s", c->unknown ? c->unknown : "");
	for (int cap = cap_last_cap() + 1; cap < 64 && len < sizeof(list); cap++)
		if (all & (1ULL << cap))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
						len ? " " : "", cap_name(cap));
	if (list[0])
		log_warn("ignoring unknown or unavailable capabilities: [%s]", list);
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

static int set_ambient(uint64_t ambient, uint64_t allowed)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
		if (errno == EINVAL)
			return 0; /* kernel without ambient capabilities */
		return err_set(errno, "clear the ambient capabilities");
	}
	for (int cap = 0; cap <= cap_last_cap(); cap++) {
		uint64_t bit = 1ULL << cap;
		if (!(ambient & bit))
			continue;
		/* The kernel only raises an ambient cap that is permitted and
		 * inheritable. runc's default config lists ambient caps with an
		 * empty inheritable set and runc silently runs anyway: do the same,
		 * noting it in the debug log only so default runs stay quiet. */
		if (!(allowed & bit)) {
			log_debug("ambient capability %s skipped: not in the permitted and "
				  "inheritable sets",
				  cap_name(cap));
			continue;
		}
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return err_set(errno, "raise ambient capability %s", cap_name(cap));
	}
	return 0;
}

int caps_raise_effective(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return err_set(errno, "get capabilities");
	data[0].effective = data[0].permitted;
	data[1].effective = data[1].permitted;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return err_set(errno, "raise the permitted capabilities to effective");
	return 0;
}

int caps_apply(const struct spec_caps *c)
{
	uint64_t known = known_caps();
	uint64_t eff = c->effective & known, prm = c->permitted & known;
	uint64_t inh = c->inheritable & known;
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {
	    {(uint32_t)eff, (uint32_t)prm, (uint32_t)inh},
	    {(uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32)},
	};
	if (syscall(SYS_capset, &hdr, data) < 0)
		return err_set(
		    errno, "set capabilities (effective %#llx, permitted %#llx, inheritable %#llx)",
		    (unsigned long long)eff, (unsigned long long)prm, (unsigned long long)inh);
	return set_ambient(c->ambient & known, prm & inh);
}
