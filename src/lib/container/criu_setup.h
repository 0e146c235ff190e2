/* SPDX-License-Identifier: Apache-2.0 */
/* What checkpoint and restore both tell CRIU about a container, as runc
 * tells it: the image and work directories, external bind mounts, masked
 * files, namespaces joined by path, the CRIU configuration file. Private
 * to container_checkpoint.c and container_restore.c. */
#pragma once

#include "criu.h"
#include "spec.h"

/* --image-path (default ./checkpoint, made if missing) and --work-path
 * (default: the image path), opened as directories into job; parent: the
 * checked --parent-path (NULL: none; runc's words on a bad one). */
int cr_open_dirs(const char *image_path, const char *work_path, const char *parent,
		 struct criu_job *job, char **image_dir);
/* --empty-ns: "network" or nothing. */
int cr_parse_empty_ns(const char *s, unsigned *flags);
/* --page-server ADDRESS:PORT into job. */
int cr_parse_page_server(const char *s, struct criu_job *job);
/* CRIU 3.0 or newer at bin, or runc's error. */
int cr_check_version(const char *bin);
/* Bind mounts of host paths (key: the container path; val: the container
 * path to dump, the host source to restore), and with a user namespace the
 * devices (host nodes bound in). Masked files need nothing:
 * corun binds the container's own /dev/null over them, a mount CRIU
 * restores as it finds it. */
void cr_add_mounts(const struct spec *s, const char *bundle, bool restore, struct criu_job *job);
/* Namespaces the config joins by path are external to CRIU, under the
 * keys runc uses (dump: "net[INODE]:extRootNetNS", restore: the inherit
 * fd of that key). */
struct cr_ext_ns {
	enum ns_type type;
	const char *name, *key;
};
extern const struct cr_ext_ns cr_ext_ns[2];

/* The org.criu.config annotation, else /etc/criu/runc.conf when present;
 * NULL for none. Points into s or to a static string. */
const char *cr_config_file(const struct spec *s);
