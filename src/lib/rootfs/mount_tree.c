/* SPDX-License-Identifier: Apache-2.0 */
/* Detached mount trees (open_tree, fsopen/fsmount) and their attributes,
 * for rootfs.c and idmap.c: below both, calling neither. */
#include "mount_tree.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <linux/mount.h>

#include "log.h"
#include "rootfs_util.h"

int set_mount_attrs(int mnt_fd, const struct mount_attr *a, bool recursive, const char *what)
{
	if (!a->attr_set && !a->attr_clr && !a->propagation)
		return 0;
	unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	if (syscall(SYS_mount_setattr, mnt_fd, "", flags, a, sizeof(*a)) < 0)
		return err_set(errno, "set %s", what);
	return 0;
}

int bind_tree_open(int dirfd, const char *source, const struct mount_opts *o, bool rec_attrs)
{
	unsigned tflags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
	if (o->flags & MS_REC)
		tflags |= AT_RECURSIVE;
	_cleanup_close_ int tree = (int)syscall(SYS_open_tree, dirfd, source, tflags);
	if (tree < 0)
		return err_set(errno, "bind source \"%s\"", source);
	struct mount_attr a = {0};
	mount_attr_from_flags(o->flags, o->clear, &a);
	if (set_mount_attrs(tree, &a, rec_attrs, "bind mount flags") < 0)
		return -1;
	/* after the top mount's flags, so "rro" wins over a plain "rw" below */
	struct mount_attr r = {.attr_set = o->rec_set, .attr_clr = o->rec_clr};
	if (set_mount_attrs(tree, &r, true, "recursive mount attributes") < 0)
		return -1;
	return take_fd(&tree);
}

/* A new filesystem of m->type as a detached mount (fsopen, fsconfig with
 * the mount data, fsmount with the flags), for a tree that must be changed
 * before it is attached (an idmapped tmpfs). */
int fs_tree_open(const struct spec_mount *m, const struct mount_opts *o)
{
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, m->type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return err_set(errno, "fsopen %s", m->type);
	const char *src = m->source && *m->source ? m->source : m->type;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", src, 0) < 0)
		return err_set(errno, "%s: source \"%s\"", m->type, src);
	_cleanup_free_ char *data = o->data ? xstrdup(o->data) : NULL;
	char *save = NULL;
	for (char *kv = data ? strtok_r(data, ",", &save) : NULL; kv;
	     kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = '\0';
		long r = eq ? syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, kv, eq + 1, 0)
			    : syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, kv, NULL, 0);
		if (r < 0)
			return err_set(errno, "%s: option \"%s\"", m->type, kv);
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return err_set(errno, "create a %s filesystem", m->type);
	struct mount_attr a = {0};
	mount_attr_from_flags(o->flags, o->clear, &a);
	int tree = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, a.attr_set);
	if (tree < 0)
		return err_set(errno, "fsmount %s", m->type);
	return tree;
}
