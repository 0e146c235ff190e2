/* SPDX-License-Identifier: Apache-2.0 */
/* Detached mount trees and mount attributes (mount_tree.c). */
#pragma once

#include <stdbool.h>
#include <linux/mount.h>

#include "mount_opts.h"
#include "spec.h"

/* mount_setattr(2) a on mnt_fd (and below it when recursive); nothing when
 * a changes nothing. what names it in the error. */
int set_mount_attrs(int mnt_fd, const struct mount_attr *a, bool recursive, const char *what);
/* A detached clone (open_tree) of source, relative to dirfd, with o's
 * flags on its top mount (on all of it when rec_attrs) and o's recursive
 * attributes on all of it. Returns the tree fd or -1 + err. */
int bind_tree_open(int dirfd, const char *source, const struct mount_opts *o, bool rec_attrs);
/* A new, detached filesystem for mount m (fsopen/fsconfig/fsmount). */
int fs_tree_open(const struct spec_mount *m, const struct mount_opts *o);
