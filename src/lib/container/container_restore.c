/* SPDX-License-Identifier: Apache-2.0 */
/* restore: a new container (id, bundle, state dir, cgroup) whose processes
 * CRIU makes from an image directory, as runc does it: CRIU (`swrk`, our
 * child) sits in the container's cgroup, restores the tree as our child
 * (rst_sibling), and tells us when its namespaces are up (prestart hooks
 * run), when it is done, and hands over a new pty master. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>

#include "cgroup.h"
#include "criu_setup.h"
#include "fdpass.h"
#include "hooks.h"
#include "json.h"
#include "lifecycle.h"
#include "log.h"
#include "namespaces.h"
#include "procparse.h"
#include "rootfs_util.h"
#include "terminal.h"

#define CRIU_ROOT "criu-root" /* in the state dir: the rootfs CRIU restores into */

struct restore {
	const struct global_opts *g;
	const struct restore_opts *o;
	struct creation c;
	struct criu_job job;
	char *image_dir;
	char *criu_root; /* mounted while not NULL */
	int ns_fds[NS__COUNT];
	int master; /* the restored pty's master (foreground), or -1 */
};

/* descriptors.json of the checkpoint: the stdio that was a pipe is handed
 * our stdio at the same number (CRIU's inherit-fd), as runc does. */
static int read_descriptors(struct restore *r)
{
	_cleanup_free_ char *path = xasprintf("%s/descriptors.json", r->image_dir), *text = NULL;
	size_t len;
	if (read_regular_file_at(AT_FDCWD, path, 1 << 20, true, &text, &len) < 0) {
		if (err_errno() == ENOENT)
			return err_set(ENOENT, "open %s", path);
		return -1;
	}
	json_error_t je;
	json_t *a = json_loadb(text, len, 0, &je);
	if (!json_is_array(a)) {
		json_decref(a);
		return err_set(0, "%s: not a JSON array of strings", path);
	}
	for (size_t i = 0; i < json_array_size(a) && i < 3; i++) {
		const char *d = json_string_value(json_array_get(a, i));
		if (d && strstr(d, "pipe:"))
			criu_job_add_inherit(&r->job, d, (int)i);
	}
	json_decref(a);
	return 0;
}

/* Namespaces the config joins by path go to CRIU as the fds runc names. */
static int open_external_ns(struct restore *r)
{
	const struct spec *s = r->c.spec;
	for (size_t i = 0; i < ARRAY_SIZE(cr_ext_ns); i++) {
		const struct spec_namespace *ns = &s->linux.ns[cr_ext_ns[i].type];
		if (!ns->present || !ns->path)
			continue;
		/* no O_CLOEXEC: criu inherits it at this number */
		int fd = open(ns->path, O_RDONLY);
		if (fd < 0)
			return err_set(errno, "open %s", ns->path);
		r->ns_fds[cr_ext_ns[i].type] = fd;
		criu_job_add_inherit(&r->job, cr_ext_ns[i].key, fd);
	}
	return 0;
}

/* The rootfs bound at <state dir>/criu-root, CRIU's --root, with the mount
 * points of the config's mounts made inside it (safely: the rootfs is the
 * image's). */
static int prepare_root(struct restore *r)
{
	_cleanup_free_ char *dir = xasprintf("%s/%s/%s", r->g->root, r->o->c.id, CRIU_ROOT);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(errno, "mkdir %s", dir);
	if (mount(r->c.rootfs, dir, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_set(errno, "bind %s to %s", r->c.rootfs, dir);
	r->criu_root = dir;
	dir = NULL;
	_cleanup_close_ int rootfd = open(r->c.rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_set(errno, "open %s", r->c.rootfs);
	const struct spec *s = r->c.spec;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		bool file = false;
		struct stat sb;
		if ((m->opts.bind || (m->type && !strcmp(m->type, "bind"))) && m->source) {
			_cleanup_free_ char *src = m->source[0] == '/'
						       ? xstrdup(m->source)
						       : xasprintf("%s/%s", r->c.bundle, m->source);
			file = stat(src, &sb) == 0 && !S_ISDIR(sb.st_mode);
		}
		int fd = ensure_in_root(rootfd, m->destination, file);
		if (fd < 0)
			return err_prefix("mounts[%zu].destination %s", i, m->destination);
		close(fd);
	}
	return 0;
}

static void release_root(struct restore *r)
{
	if (!r->criu_root)
		return;
	if (umount2(r->criu_root, MNT_DETACH) < 0)
		log_warn("umount %s: %s", r->criu_root, strerror(errno));
	rmdir(r->criu_root);
	free(r->criu_root);
	r->criu_root = NULL;
}

/* The config's "cgroup" mount on cgroup v1: the container sees the host
 * dir of its cgroup in each hierarchy bound at DEST/<controllers>, which
 * the checkpoint marked external; here is where they are now. On cgroup2
 * the mount at DEST (a bind of the container's dir, or a new mount in a
 * cgroup namespace: CRIU sees either from the host's) is external too. */
static void add_cgroup_mount(struct restore *r, const char *ctrls, const char *path)
{
	const struct spec *s = r->c.spec;
	struct statfs sf;
	if (!*ctrls && (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC))
		return; /* the hybrid layout's unified, which v1 does not mount */
	_cleanup_free_ char *host = cgroup_mount_dir(ctrls, path);
	if (!host)
		return;
	const char *name = strncmp(ctrls, "name=", 5) ? ctrls : ctrls + 5;
	for (size_t i = 0; i < s->n_mounts; i++) {
		if (!s->mounts[i].type || strcmp(s->mounts[i].type, "cgroup") != 0)
			continue;
		_cleanup_free_ char *key = *ctrls
					       ? xasprintf("%s/%s", s->mounts[i].destination, name)
					       : xstrdup(s->mounts[i].destination);
		criu_job_add_mnt(&r->job, key, host);
	}
}

/* Where criu (in the container's cgroups now) is, hierarchy by hierarchy:
 * the roots the restored tree goes under. */
static int add_cg_roots(struct restore *r, pid_t criu)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/cgroup", (int)criu), *text = NULL;
	if (read_file_at(AT_FDCWD, path, 1 << 16, &text, NULL) < 0)
		return -1;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		criu_job_add_cg_root(&r->job, c1 + 1, c2 + 1);
		add_cgroup_mount(r, c1 + 1, c2 + 1);
	}
	return 0;
}

static int console_hand_over(struct restore *r, int fd)
{
	if (!r->o->c.console_socket) {
		if (r->master >= 0)
			close(r->master);
		r->master = fd;
		return 0;
	}
	_cleanup_close_ int master = fd;
	_cleanup_close_ int sock = terminal_connect(r->o->c.console_socket);
	if (sock < 0)
		return -1;
	if (unix_send_fd(sock, master, "/dev/ptmx") < 0)
		return err_prefix("send the console to the console socket");
	return 0;
}

static int restore_notify(void *ctx, const char *script, pid_t pid, int fd)
{
	struct restore *r = ctx;
	struct creation *c = &r->c;
	if (!strcmp(script, "orphan-pts-master")) {
		if (fd < 0)
			return err_set(0, "criu: orphan-pts-master came without the pty master");
		return console_hand_over(r, fd);
	}
	if (fd >= 0)
		close(fd);
	if (!strcmp(script, "setup-namespaces")) {
		/* as runc: prestart hooks, once the namespaces exist */
		c->hooks_started = true;
		/* rst_sibling: criu forked it as our child */
		c->init = c->child = pid;
		c->st.pid = pid;
		_cleanup_free_ char *json = state_hook_json(&c->st, STATUS_CREATING, pid);
		return hooks_run(&c->spec->hooks, HOOK_PRESTART, json, c->bundle);
	}
	if (!strcmp(script, "post-restore")) {
		c->init = c->child = pid;
		return creation_save(c);
	}
	return 0;
}

static int build_job(struct restore *r)
{
	const struct restore_opts *o = r->o;
	struct criu_job *j = &r->job;
	if (cr_open_dirs(o->image_path, o->work_path, NULL, j, &r->image_dir) < 0 ||
	    criu_parse_cgm(o->manage_cgroups_mode, &j->cgm) < 0 ||
	    cr_parse_empty_ns(o->empty_ns, &j->empty_ns) < 0)
		return -1;
	j->kind = CRIU_RESTORE;
	j->log_file = "restore.log";
	j->tcp_established = o->tcp_established;
	j->ext_unix_sk = o->ext_unix_sk;
	j->shell_job = o->shell_job;
	j->file_locks = o->file_locks;
	j->auto_dedup = o->auto_dedup;
	j->lazy_pages = o->lazy_pages;
	j->lsm_profile = o->lsm_profile && *o->lsm_profile ? o->lsm_profile : NULL;
	j->lsm_mount_context =
	    o->lsm_mount_context && *o->lsm_mount_context ? o->lsm_mount_context : NULL;
	j->rst_sibling = true;
	/* a dumped terminal comes back as a new pty whose master CRIU hands us
	 * (to pass on to --console-socket or relay) */
	j->orphan_pts_master = r->c.spec->process->terminal;
	j->config_file = cr_config_file(r->c.spec);
	cr_add_mounts(r->c.spec, r->c.bundle, true, j);
	return 0;
}

/* Runs CRIU; on success c->init is the restored init, our child. */
static int run_criu(struct restore *r)
{
	int keep[NS__COUNT];
	size_t n = 0;
	for (int t = 0; t < NS__COUNT; t++)
		if (r->ns_fds[t] >= 0)
			keep[n++] = r->ns_fds[t];
	struct criu_session s;
	if (criu_start(r->g->criu, keep, n, true, &s) < 0)
		return -1;
	r->job.root = r->criu_root;
	pid_t pid = 0;
	int rc = creation_apply_cgroup(&r->c, s.pid);
	if (rc == 0 && r->c.cg.drv)
		rc = add_cg_roots(r, s.pid);
	if (rc == 0)
		rc = criu_run(&s, &r->job, restore_notify, r, &pid);
	criu_stop(&s, rc < 0);
	if (rc < 0)
		return -1;
	if (pid <= 0)
		return err_set(0, "criu: the restore gave no pid");
	r->c.init = r->c.child = pid;
	return 0;
}

static int finish_state(struct restore *r)
{
	struct creation *c = &r->c;
	c->st.pid = c->init;
	c->st.start_time = proc_start_time(c->init);
	c->st.creator = 0;
	/* no exec.fifo: the restored container is running, not created */
	unlinkat(c->dirfd, STATE_FIFO, 0);
	if (state_write(c->dirfd, &c->st) < 0)
		return -1;
	return r->o->c.pid_file ? pid_file_write(r->o->c.pid_file, c->init) : 0;
}

/* Everything up to a restored, recorded container; undone on failure. */
static int restore_build(struct restore *r)
{
	const struct create_opts *co = &r->o->c;
	/* as runc: a taken id before anything else is looked at */
	_cleanup_free_ char *dir = xasprintf("%s/%s", r->g->root, co->id);
	if (access(dir, F_OK) == 0)
		return err_set(0, "container with given ID already exists: %s", co->id);
	if (build_job(r) < 0 || cr_check_version(r->g->criu) < 0 ||
	    (r->job.lazy_pages && criu_check_features(r->g->criu, false, true) < 0) ||
	    read_descriptors(r) < 0)
		return -1;
	if (creation_cgroup(r->g, co, &r->c) < 0)
		return -1;
	if (creation_claim(r->g, co, &r->c) < 0 || prepare_root(r) < 0 || open_external_ns(r) < 0 ||
	    run_criu(r) < 0 || finish_state(r) < 0) {
		if (r->c.sync_fd >= 0)
			close(r->c.sync_fd);
		r->c.sync_fd = -1;
		ERR_KEEP(release_root(r));
		ERR_KEEP(creation_abort(r->g, &r->c));
		return -1;
	}
	release_root(r);
	log_debug("restored %s: init %d", co->id, (int)r->c.init);
	return 0;
}

static int restore_foreground(struct restore *r, int sfd, int *code)
{
	struct creation *c = &r->c;
	struct relay rl;
	int rc;
	if (r->master >= 0) {
		rc = relay_open_master(r->master, &rl);
		r->master = -1;
	} else {
		rc = relay_open(-1, &rl);
	}
	if (rc == 0) {
		/* kill, exec, pause, delete -f... must work while we wait */
		flock(c->dirfd, LOCK_UN);
		rc = relay_wait(c->init, sfd, &rl, code);
		if (state_lock(c->dirfd, true) < 0)
			log_warn("%s", err_msg());
	}
	relay_close(&rl);
	if (rc < 0) {
		kill(c->init, SIGKILL);
		waitpid(c->init, NULL, 0);
	}
	if (!state_still_ours(c->dirfd))
		return rc;
	if (rc < 0)
		(void)ERR_KEEP(destroy_container(r->g, &c->st, c->spec, c->st.bundle));
	else if (destroy_container(r->g, &c->st, c->spec, c->st.bundle) < 0)
		rc = -1;
	return rc;
}

int container_restore(const struct global_opts *g, const struct restore_opts *o, int *exit_code)
{
	*exit_code = 0;
	struct restore r = {.g = g, .o = o, .master = -1};
	for (int t = 0; t < NS__COUNT; t++)
		r.ns_fds[t] = -1;
	r.job.images_fd = r.job.work_fd = -1;
	sigset_t old;
	_cleanup_close_ int sfd = -1;
	/* the restored init is our child: we reap it, and what it leaves */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	int rc = creation_load(&o->c, &r.c);
	if (rc == 0 && !o->c.detach && (sfd = signals_block(&old)) < 0)
		rc = -1;
	if (rc == 0)
		rc = restore_build(&r);
	for (int t = 0; t < NS__COUNT; t++)
		if (r.ns_fds[t] >= 0)
			close(r.ns_fds[t]);
	if (rc == 0 && !o->c.detach)
		rc = restore_foreground(&r, sfd, exit_code);
	if (r.master >= 0)
		close(r.master);
	if (r.job.images_fd >= 0)
		close(r.job.images_fd);
	if (r.job.work_fd >= 0)
		close(r.job.work_fd);
	criu_job_free(&r.job);
	free(r.image_dir);
	creation_free(&r.c);
	if (sfd >= 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
