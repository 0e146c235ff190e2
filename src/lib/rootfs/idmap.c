/* SPDX-License-Identifier: Apache-2.0 */
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/mount.h>
#include <linux/sched.h>

#include "log.h"
#include "mount_tree.h"

bool idmap_wanted(const struct spec_mount *m, const struct mount_opts *o)
{
	return o->idmap != IDMAP_NONE || m->n_uid_mappings;
}

int idmap_validate_mount(const struct spec *s, size_t i, const struct mount_opts *o, bool bind)
{
	const struct spec_mount *m = &s->mounts[i];
	if (!idmap_wanted(m, o))
		return 0;
	/* other filesystems are made detached and idmapped by the runtime; the
	 * kernel says which support it (tmpfs does since 6.3) */
	if (!bind && (!m->type || !strcmp(m->type, "cgroup") || !strcmp(m->type, "none")))
		return err_set(0, "mounts[%zu]: idmap: needs a bind mount or a filesystem type", i);
	if (!m->n_uid_mappings && !s->linux.ns[NS_USER].present)
		return err_set(0,
			       "mounts[%zu]: idmap: needs uidMappings and gidMappings on the mount "
			       "or a user namespace for the container",
			       i);
	return 0;
}

/* A user namespace holding the given maps, kept by its fd only: a child
 * is cloned into it, mapped, and let go. */
static int userns_with_maps(const struct spec_idmap *um, size_t nu, const struct spec_idmap *gm,
			    size_t ng)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return err_set(errno, "pipe");
	struct clone_args ca = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		char c;
		close(p[1]);
		/* the parent's end closing (or it dying) lets us go */
		(void)!read(p[0], &c, 1);
		_exit(0);
	}
	int e = errno, fd = -1;
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return err_set(e, "clone a user namespace");
	}
	if (ns_write_map(pid, "gid_map", gm, ng) == 0 &&
	    ns_write_map(pid, "uid_map", um, nu) == 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			err_set(errno, "open %s", path);
	}
	close(p[1]);
	waitpid(pid, NULL, 0);
	return fd;
}

/* The mount's own maps, else the container's: its new user namespace's
 * maps (the same mapping in another namespace idmaps alike), or the one
 * it joins. */
static int userns_for(const struct spec *s, const struct spec_mount *m)
{
	if (m->n_uid_mappings)
		return userns_with_maps(m->uid_mappings, m->n_uid_mappings, m->gid_mappings,
					m->n_gid_mappings);
	const char *path = s->linux.ns[NS_USER].path;
	if (!path)
		return userns_with_maps(s->linux.uid_mappings, s->linux.n_uid_mappings,
					s->linux.gid_mappings, s->linux.n_gid_mappings);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno, "open the user namespace %s", path);
	return fd;
}

static int idmap_tree(const struct spec *s, const struct spec_mount *m, struct mount_opts *o,
		      int bundle_fd)
{
	_cleanup_close_ int userns = userns_for(s, m);
	if (userns < 0)
		return -1;
	bool rec = o->idmap == IDMAP_RECURSIVE;
	/* "ridmap" maps the submounts too, so it needs them in the tree */
	if (rec)
		o->flags |= MS_REC;
	bool bind = o->flags & MS_BIND || (m->type && !strcmp(m->type, "bind"));
	_cleanup_close_ int tree =
	    bind ? bind_tree_open(bundle_fd, m->source, o, false) : fs_tree_open(m, o);
	if (tree < 0)
		return -1;
	struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	unsigned flags = AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0);
	if (syscall(SYS_mount_setattr, tree, "", flags, &a, sizeof(a)) < 0) {
		int e = errno;
		if (e == EINVAL)
			return err_set(0,
				       "the filesystem of \"%s\" does not support idmapped mounts",
				       m->source);
		return err_set(e, "idmap \"%s\"", m->source);
	}
	return take_fd(&tree);
}

static int open_bundle(const char *bundle, int *bfd)
{
	if (*bfd < 0 && (*bfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set(errno, "open the bundle %s", bundle);
	return 0;
}

/* A plain bind mount of a container with its own user namespace: its root
 * there may not reach the source (a host directory of mode 0700), so the
 * tree is cloned here, as the host's root, before that namespace (runc
 * too resolves the sources on the host's side). Best effort: a runtime
 * that cannot (rootless) leaves it to the init, which says why it fails. */
static int host_bind_tree(const struct spec *s, const struct spec_mount *m,
			  const struct mount_opts *o, const char *bundle, int *bfd)
{
	bool bind = o->bind || (m->type && !strcmp(m->type, "bind"));
	if (!bind || !s->linux.ns[NS_USER].present || !s->linux.ns[NS_MNT].present)
		return -2;
	int fd = open_bundle(bundle, bfd) < 0 ? -1 : bind_tree_open(*bfd, m->source, o, false);
	if (fd < 0) {
		log_debug("mount source \"%s\" left to the init: %s", m->source, err_msg());
		err_clear();
		return -2;
	}
	return fd;
}

/* Mount i's tree fd, -2 when the init makes the mount itself, or -1 + err. */
static int prepare_one(const struct spec *s, size_t i, const char *bundle, int *bfd)
{
	const struct spec_mount *m = &s->mounts[i];
	/* a copy: idmap_tree adds MS_REC for "ridmap"; data stays the spec's */
	struct mount_opts o = m->opts;
	int fd = -2;
	if (idmap_wanted(m, &o)) {
		fd = open_bundle(bundle, bfd) < 0 ? -1 : idmap_tree(s, m, &o, *bfd);
		if (fd < 0)
			err_prefix("mounts[%zu]: idmap", i);
	} else {
		fd = host_bind_tree(s, m, &o, bundle, bfd);
	}
	return fd;
}

int idmap_prepare(const struct spec *s, const char *bundle, int **out)
{
	_cleanup_close_ int bfd = -1;
	int *fds = NULL;
	*out = NULL;
	for (size_t i = 0; i < s->n_mounts; i++) {
		int fd = prepare_one(s, i, bundle, &bfd);
		if (fd == -2)
			continue;
		if (fd < 0) {
			idmap_close(fds, s->n_mounts);
			return -1;
		}
		if (!fds) {
			fds = xmalloc(s->n_mounts * sizeof(int));
			for (size_t j = 0; j < s->n_mounts; j++)
				fds[j] = -1;
		}
		fds[i] = fd;
	}
	*out = fds;
	return 0;
}

void idmap_close(int *fds, size_t n)
{
	for (size_t i = 0; fds && i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

int ns_write_map(pid_t pid, const char *file, const struct spec_idmap *m, size_t n)
{
	char buf[4096];
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + off, sizeof(buf) - off, "%u %u %u\n", m[i].container_id,
				 m[i].host_id, m[i].size);
		if (w < 0 || (size_t)w >= sizeof(buf) - off)
			return err_set(0, "%s: %zu mappings do not fit in one page", file, n);
		off += (size_t)w;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (write_file(path, buf, off) < 0)
		return err_prefix("write %s mappings", file);
	return 0;
}
