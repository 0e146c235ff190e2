/* SPDX-License-Identifier: Apache-2.0 */
#include "mount_opts.h"

#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>

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

/* The recursive forms (runtime-spec 1.1), applied with mount_setattr and
 * AT_RECURSIVE to the mount and everything below it. */
static const struct {
	const char *name;
	bool clear;
	uint64_t attr;
} rec_opts[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},
    {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},
    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

/* The atime modes are one field, not bits: each option picks a mode.
 * "atime" and "nostrictatime" fall back to the kernel default (relatime);
 * "norelatime" means every access updates atime, i.e. strictatime. */
static const struct {
	const char *name;
	uint64_t mode;
} rec_atime[] = {
    {"rnoatime", MOUNT_ATTR_NOATIME},	      {"ratime", MOUNT_ATTR_RELATIME},
    {"rrelatime", MOUNT_ATTR_RELATIME},	      {"rnorelatime", MOUNT_ATTR_STRICTATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME}, {"rnostrictatime", MOUNT_ATTR_RELATIME},
};

static bool lookup_rec(const char *o, struct mount_opts *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(rec_opts); i++) {
		if (strcmp(rec_opts[i].name, o) != 0)
			continue;
		uint64_t *on = rec_opts[i].clear ? &out->rec_clr : &out->rec_set;
		uint64_t *off = rec_opts[i].clear ? &out->rec_set : &out->rec_clr;
		*on |= rec_opts[i].attr;
		*off &= ~rec_opts[i].attr;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(rec_atime); i++) {
		if (strcmp(rec_atime[i].name, o) != 0)
			continue;
		out->rec_clr |= MOUNT_ATTR__ATIME;
		out->rec_set = (out->rec_set & ~MOUNT_ATTR__ATIME) | rec_atime[i].mode;
		return true;
	}
	if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0) {
		/* the spec says these never reach mount(2) */
		out->idmap = o[0] == 'r' ? IDMAP_RECURSIVE : IDMAP_TOP;
		return true;
	}
	if (strcmp(o, "tmpcopyup") == 0) {
		out->tmpcopyup = true;
		return true;
	}
	return false;
}

const char *mount_opt_name(size_t i)
{
	static const char *const extra[] = {"idmap", "ridmap", "tmpcopyup"};
	size_t n[] = {ARRAY_SIZE(flag_opts), ARRAY_SIZE(prop_opts), ARRAY_SIZE(rec_opts),
		      ARRAY_SIZE(rec_atime), ARRAY_SIZE(extra)};
	for (size_t t = 0; t < ARRAY_SIZE(n); i -= n[t], t++) {
		if (i >= n[t])
			continue;
		switch (t) {
		case 0:
			return flag_opts[i].name;
		case 1:
			return prop_opts[i].name;
		case 2:
			return rec_opts[i].name;
		case 3:
			return rec_atime[i].name;
		default:
			return extra[i];
		}
	}
	return NULL;
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

int mount_opts_parse(char *const *opts, size_t n, struct mount_opts *out, size_t *bad)
{
	memset(out, 0, sizeof(*out));
	size_t cap = 0, len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *o = opts[i];
		if (lookup_flag(o, out) || lookup_rec(o, out))
			continue;
		/* a comma inside one option is kept: it is data for mount(2)
		 * either way, as with runc */
		if (!*o) {
			mount_opts_free(out);
			if (bad)
				*bad = i;
			return err_set(0, "must not be empty");
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
