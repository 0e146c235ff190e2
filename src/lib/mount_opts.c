/* SPDX-License-Identifier: Apache-2.0 */
#include "mount_opts.h"

#include <string.h>
#include <sys/mount.h>

#include "util.h"

static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} flag_opts[] = {
    {"defaults", false, 0},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},
    {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},
    {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},
    {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},
    {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},
    {"atime", true, MS_NOATIME},
    {"noatime", false, MS_NOATIME},
    {"diratime", true, MS_NODIRATIME},
    {"nodiratime", false, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},
    {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},
    {"nolazytime", true, MS_LAZYTIME},
    {"iversion", false, MS_I_VERSION},
    {"noiversion", true, MS_I_VERSION},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"symfollow", true, MS_NOSYMFOLLOW},
    {"silent", false, MS_SILENT},
    {"loud", true, MS_SILENT},
    {"bind", false, MS_BIND},
    {"rbind", false, MS_BIND | MS_REC},
};

static const struct {
	const char *name;
	unsigned long flags;
} prop_opts[] = {
    {"private", MS_PRIVATE},	   {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},	   {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},	   {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

/* Options of later features (recursive mount_setattr attributes, idmapped
 * mounts, copy-up), refused clearly rather than handed to the filesystem. */
static const char *const unsupported[] = {
    "rro",	"rrw",	  "rnosuid",	  "rsuid",	    "rnodev",	    "rdev",
    "rnoexec",	"rexec",  "rnodiratime",  "rdiratime",	    "rrelatime",    "rnorelatime",
    "rnoatime", "ratime", "rstrictatime", "rnostrictatime", "rnosymfollow", "rsymfollow",
    "idmap",	"ridmap", "tmpcopyup",
};

const char *mount_opt_name(size_t i)
{
	if (i < ARRAY_SIZE(flag_opts))
		return flag_opts[i].name;
	i -= ARRAY_SIZE(flag_opts);
	return i < ARRAY_SIZE(prop_opts) ? prop_opts[i].name : NULL;
}

static bool lookup_flag(const char *o, struct mount_opts *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_opts); i++) {
		if (strcmp(flag_opts[i].name, o) != 0)
			continue;
		if (flag_opts[i].clear) {
			out->flags &= ~flag_opts[i].flag;
			out->clear |= flag_opts[i].flag;
		} else {
			out->flags |= flag_opts[i].flag;
			out->clear &= ~flag_opts[i].flag;
		}
		if (flag_opts[i].flag & MS_BIND)
			out->bind = true;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(prop_opts); i++)
		if (strcmp(prop_opts[i].name, o) == 0) {
			out->propagation = prop_opts[i].flags;
			return true;
		}
	return false;
}

int mount_opts_parse(char *const *opts, size_t n, struct mount_opts *out)
{
	memset(out, 0, sizeof(*out));
	size_t cap = 0, len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *o = opts[i];
		if (lookup_flag(o, out))
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(unsupported); j++)
			if (strcmp(unsupported[j], o) == 0) {
				mount_opts_free(out);
				return err_set(0, "option \"%s\": not supported yet", o);
			}
		/* a comma inside one option is kept: it is data for mount(2)
		 * either way, as with runc */
		if (!*o) {
			mount_opts_free(out);
			return err_set(0, "empty option");
		}
		size_t l = strlen(o);
		if (len + l + 2 > cap) {
			cap = (len + l + 2) * 2;
			out->data = xrealloc(out->data, cap);
		}
		if (len)
			out->data[len++] = ',';
		memcpy(out->data + len, o, l + 1);
		len += l;
	}
	return 0;
}

void mount_opts_free(struct mount_opts *o)
{
	free(o->data);
	o->data = NULL;
}
