/* SPDX-License-Identifier: Apache-2.0 */
#include "sysctl.h"

#include <string.h>

static const char *const ipc_keys[] = {"kernel.msgmax",  "kernel.msgmnb",  "kernel.msgmni",
				       "kernel.sem",     "kernel.shmall",  "kernel.shmmax",
				       "kernel.shmmni",  "kernel.shm_rmid_forced", NULL};

static bool in_list(const char *k, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], k) == 0)
			return true;
	return false;
}

static bool new_ns(const struct spec *s, enum ns_type t)
{
	return s->linux.ns[t].present;
}

static int check_key(const struct spec *s, const char *k)
{
	if (!*k || strchr(k, '/') || strstr(k, "..") || k[0] == '.')
		return err_set(0, "linux.sysctl[\"%s\"]: invalid name", k);
	if (in_list(k, ipc_keys) || str_has_prefix(k, "fs.mqueue.")) {
		if (!new_ns(s, NS_IPC))
			return err_set(0, "linux.sysctl[\"%s\"]: needs an ipc namespace", k);
		return 0;
	}
	if (str_has_prefix(k, "net.")) {
		/* the host's network namespace must never be changed from a config */
		if (!new_ns(s, NS_NET) || s->linux.ns[NS_NET].path)
			return err_set(0, "linux.sysctl[\"%s\"]: needs a new network namespace", k);
		return 0;
	}
	if (!strcmp(k, "kernel.hostname") || !strcmp(k, "kernel.domainname")) {
		if (!new_ns(s, NS_UTS))
			return err_set(0, "linux.sysctl[\"%s\"]: needs a uts namespace", k);
		return 0;
	}
	return err_set(0, "linux.sysctl[\"%s\"]: not namespaced, refusing to set it in the container",
		       k);
}

int sysctl_validate(const struct spec *s)
{
	for (size_t i = 0; i < s->linux.n_sysctl; i++)
		if (check_key(s, s->linux.sysctl[i].key) < 0)
			return -1;
	return 0;
}

int sysctl_apply(const struct spec_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *path = xasprintf("/proc/sys/%s", kv[i].key);
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		if (write_file(path, kv[i].value, strlen(kv[i].value)) < 0)
			return err_prefix("linux.sysctl[\"%s\"]", kv[i].key);
	}
	return 0;
}
