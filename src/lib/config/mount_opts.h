/* SPDX-License-Identifier: Apache-2.0 */
/* Parsing of mount option strings ("ro", "nosuid", "rbind", "rprivate",
 * "mode=755" ...) into mount(2) flags; pure, unit-tested. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mount_idmap { IDMAP_NONE, IDMAP_TOP, IDMAP_RECURSIVE }; /* "idmap", "ridmap" */

struct mount_opts {
	unsigned long flags;	   /* MS_RDONLY, MS_NOSUID, MS_BIND, MS_REC ... */
	unsigned long clear;	   /* flags asked to be cleared ("rw", "suid", ...) */
	unsigned long propagation; /* MS_SHARED|MS_REC ... or 0 */
	bool bind;
	/* "rro", "rnosuid"...: MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE);
	 * an atime choice sets MOUNT_ATTR__ATIME in rec_clr, as the kernel wants */
	uint64_t rec_set, rec_clr;
	enum mount_idmap idmap;
	/* "tmpcopyup" (runc's extension): a tmpfs starts with a copy of what
	 * the directory it covers holds */
	bool tmpcopyup;
	/* comma-joined filesystem options, or NULL: malloc'd by
	 * mount_opts_parse; in a spec (struct spec_mount) the spec's arena
	 * owns it, and mount_opts_free is not for it */
	char *data;
};

/* Unknown options are filesystem data, as with mount(8). -1 + err when an
 * option is malformed (empty); *bad (when not NULL) then gets its index,
 * so config.c can name it ("mounts[3].options[1]"). */
int mount_opts_parse(char *const *opts, size_t n, struct mount_opts *out, size_t *bad);
void mount_opts_free(struct mount_opts *o);
/* The options that mount_opts_parse turns into flags or propagation (not
 * filesystem data), entry i, NULL past the end: `corun features` lists
 * these as mountOptions. */
const char *mount_opt_name(size_t i);
