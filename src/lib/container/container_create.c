/* SPDX-License-Identifier: Apache-2.0 */
/* create: config -> validated spec -> plan -> clone the init -> handshake. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>

#include "caps.h"
#include "fdpass.h"
#include "hooks.h"
#include "idmap.h"
#include "init.h"
#include "intelrdt.h"
#include "lifecycle.h"
#include "listen_fds.h"
#include "log.h"
#include "namespaces.h"
#include "netdev.h"
#include "notify_socket.h"
#include "procparse.h"
#include "rootfs.h"
#include "seccomp_filter.h"
#include "sync.h"
#include "sysctl.h"
#include "terminal.h"

static int resolve_paths(const struct create_opts *o, struct creation *c)
{
	const char *b = o->bundle && *o->bundle ? o->bundle : ".";
	c->bundle = realpath(b, NULL);
	if (!c->bundle)
		return err_set(errno, "bundle %s", b);
	if (spec_load(c->bundle, &c->spec, &c->raw, &c->raw_len) < 0)
		return -1;
	_cleanup_free_ char *root = c->spec->root_path[0] == '/'
					? xstrdup(c->spec->root_path)
					: xasprintf("%s/%s", c->bundle, c->spec->root_path);
	c->rootfs = realpath(root, NULL);
	if (!c->rootfs)
		return err_set(errno, "root.path %s", root);
	struct stat sb;
	if (stat(c->rootfs, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return err_set(ENOTDIR, "root.path %s", c->rootfs);
	return 0;
}

static int validate(const struct create_opts *o, const struct creation *c)
{
	const struct spec *s = c->spec;
	if (!s->process)
		return err_set(0, "process: required to create a container");
	if (s->process->terminal && !o->console_socket && o->detach)
		return err_set(
		    0, "cannot allocate tty if corun will detach without setting console socket");
	/* the socket is for whoever takes over a detached container's tty; in
	 * the foreground corun relays the terminal itself */
	if ((!s->process->terminal || !o->detach) && o->console_socket)
		return err_set(
		    0, "cannot use console socket if corun will not detach or allocate tty");
	if (rootfs_validate(s) < 0 || sysctl_validate(s) < 0 || ns_validate_paths(s) < 0 ||
	    netdev_validate(s) < 0 || (s->linux.intel_rdt && rdt_check_mounted() < 0))
		return -1;
	return 0;
}

static void fill_state(const struct global_opts *g, const struct create_opts *o, struct creation *c)
{
	struct cstate *st = &c->st;
	struct arena *a = &st->arena;
	char when[64];
	(void)g;
	format_time_rfc3339(when, sizeof(when), true);
	st->id = arena_strdup(a, o->id);
	st->oci_version = arena_strdup(a, c->spec->oci_version);
	st->bundle = arena_strdup(a, c->bundle);
	st->rootfs = arena_strdup(a, c->rootfs);
	st->created = arena_strdup(a, when);
	st->owner = arena_strdup(a, "");
	st->cgroup_path = c->cg.path ? arena_strdup(a, c->cg.path) : NULL;
	st->cgroup_systemd = cgroup_is_systemd(&c->cg);
	if (c->cg.drv && c->cg.drv->freeze_file) {
		_cleanup_free_ char *ff = c->cg.drv->freeze_file(&c->cg);
		st->freeze_file = ff ? arena_strdup(a, ff) : NULL;
	}
	st->annotations = c->spec->annotations;
	st->n_annotations = c->spec->n_annotations;
}

/* state.json while the container is being made, marked with our pid: a
 * corun killed at any later step leaves the cgroup path and the init's
 * pid where `list` and `delete` find them (a dead creator's container
 * is stopped, and delete kills and removes what it names). */
int creation_save(struct creation *c)
{
	if (c->init > 0 && c->st.pid != c->init) {
		c->st.pid = c->init;
		c->st.start_time = proc_start_time(c->init);
	}
	return state_write(c->dirfd, &c->st);
}

/* State dir, the fifo the init blocks on until start, and the config copy
 * that start and delete read (later edits of config.json must not matter). */
static int make_state_dir(const struct global_opts *g, const struct create_opts *o,
			  struct creation *c)
{
	c->dirfd = state_dir_create(g->root, o->id);
	if (c->dirfd < 0)
		return -1;
	c->dir_created = true;
	if (state_lock(c->dirfd, true) < 0)
		return -1;
	/* before any cgroup or process exists */
	c->st.creator = getpid();
	c->st.creator_start = proc_start_time(c->st.creator);
	if (creation_save(c) < 0)
		return -1;
	/* 0622 despite the umask: a non-root process.user opens it to write */
	if (mkfifoat(c->dirfd, STATE_FIFO, 0622) < 0 || fchmodat(c->dirfd, STATE_FIFO, 0622, 0) < 0)
		return err_set(errno, "create exec fifo");
	/* the init writes it as container root, possibly mapped to another host
	 * uid; rootless, that uid is ours already */
	if (geteuid() == 0 &&
	    fchownat(c->dirfd, STATE_FIFO, ns_host_uid(c->spec, 0), ns_host_gid(c->spec, 0), 0) < 0)
		return err_set(errno, "chown exec fifo");
	if (write_file_atomic(c->dirfd, STATE_CONFIG_FILE, c->raw, c->raw_len, 0600) < 0)
		return -1;
	if (!notify_socket_host())
		return 0;
	/* the bind mount's source: absolute, the init resolves it from the bundle */
	_cleanup_free_ char *root = realpath(g->root, NULL);
	if (!root)
		return err_set(errno, "state root %s", g->root);
	_cleanup_free_ char *path = xasprintf("%s/%s", root, o->id);
	return notify_socket_prepare(c->dirfd, path, c->spec);
}

/* Socket activation: the fds systemd gave us go on at the same numbers,
 * the --preserve-fds ones after them, as in runc. */
static unsigned pass_listen_fds(struct creation *c)
{
	unsigned n = listen_fds_count();
	if (n)
		listen_fds_env(c->spec, c->spec->process, n);
	return n;
}

static int console_prepare(const struct create_opts *o, const struct creation *c, int *init_end,
			   int *our_end)
{
	*init_end = *our_end = -1;
	if (!c->spec->process->terminal)
		return 0;
	if (o->console_socket) {
		*init_end = terminal_connect(o->console_socket);
		return *init_end < 0 ? -1 : 0;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(errno, "console socketpair");
	*our_end = sv[0];
	*init_end = sv[1];
	return 0;
}

/* With a cgroup fd, the init is born in its cgroup (no migration later,
 * and never a moment outside its limits); a kernel or layout that
 * refuses that gets the plain clone, and the parent moves it. */
static pid_t clone_init(int flags, struct cgroup *cg, int cg_fd)
{
	struct clone_args ca = {.flags = (uint64_t)flags, .exit_signal = SIGCHLD};
	if (cg_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cg_fd;
		pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid >= 0) {
			cg->placed = true;
			return pid;
		}
		log_debug("clone3 CLONE_INTO_CGROUP: %s; moving the init after", strerror(errno));
		ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		ca.cgroup = 0;
	}
	return (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
}

/* Rootless, no cgroupsPath and no limits asked: like runc, go on without a
 * cgroup when none can be made (none delegated to us). */
static int cgroup_give_up(struct creation *c)
{
	if (!c->cg_optional)
		return -1;
	log_debug("rootless: running without cgroups: %s", err_msg());
	if (c->cg_applied && c->cg.drv->destroy(&c->cg) < 0)
		log_debug("rootless: cgroup cleanup: %s", err_msg());
	c->cg_applied = false;
	cgroup_fini(&c->cg);
	c->st.cgroup_path = c->st.freeze_file = NULL;
	return 0;
}

/* A cgroupsPath that exists already, as runc 1.1 takes it: processes in
 * it are worth a warning; frozen, it would freeze the init half-made. */
static int cgroup_precheck(struct creation *c)
{
	if (!c->cg.drv || cgroup_is_systemd(&c->cg))
		return 0;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	if (c->cg.drv->pids && ERR_KEEP(c->cg.drv->pids(&c->cg, &pids, &n)) == 0 && n)
		log_warn("container's cgroup is not empty: %zu process(es) found", n);
	_cleanup_free_ char *text = NULL;
	bool frozen = c->st.freeze_file &&
		      /* no such cgroup yet: nothing to say */
		      ERR_KEEP(read_file_at(AT_FDCWD, c->st.freeze_file, 64, &text, NULL)) == 0 &&
		      cgroup_frozen_text(text);
	return frozen ? err_set(0, "container's cgroup unexpectedly frozen") : 0;
}

/* The cgroup made (limits and device filter in place) before the init
 * exists, where the driver can; -1 when it cannot, or on an error (then
 * with cg_applied still set, unless we go on without a cgroup). */
static int cgroup_prepare(struct creation *c)
{
	if (!c->cg.drv || !c->cg.drv->prepare)
		return -1;
	/* set first: a half-made cgroup is cleaned up too */
	c->cg_applied = true;
	int fd = c->cg.drv->prepare(&c->cg, c->spec);
	if (fd < 0)
		(void)cgroup_give_up(c);
	return fd;
}

/* "pid net mnt", for the debug trace. */
static const char *ns_names(int flags)
{
	static char buf[64];
	size_t n = 0;
	buf[0] = '\0';
	for (int t = 0; t < NS__COUNT; t++)
		if (flags & ns_clone_flag((enum ns_type)t))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? " " : "",
					      ns_proc_name((enum ns_type)t));
	return n ? buf : "none";
}

static int spawn_init(const struct global_opts *g, const struct create_opts *o, struct creation *c)
{
	(void)g;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(errno, "sync socketpair");
	int init_console = -1;
	if (console_prepare(o, c, &init_console, &c->console_fd) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	unsigned n_listen = pass_listen_fds(c);
	bool joins = ns_any_joined(c->spec);
	int newns = ns_new_flags(c->spec);
	/* the init creates the cgroup namespace once it sits in its cgroup, and
	 * the time namespace so it can set the offsets before anyone enters */
	int late = CLONE_NEWCGROUP | CLONE_NEWTIME;
	/* with a new user namespace the ipc one is made by the init as its
	 * root, so the container's root owns /dev/mqueue (as in runc) */
	if (newns & CLONE_NEWUSER)
		late |= CLONE_NEWIPC;
	int clone_flags = joins ? 0 : newns & ~late;
	struct init_args ia = {
	    .spec = c->spec,
	    .st = &c->st,
	    .cg = &c->cg,
	    .seccomp = c->seccomp,
	    .bundle = c->bundle,
	    .rootfs = c->rootfs,
	    .sync_fd = sv[1],
	    .statedir_fd = c->dirfd,
	    .console_fd = init_console,
	    .preserve_fds = n_listen + o->preserve_fds,
	    .listen_fds = n_listen > 0,
	    .no_pivot = o->no_pivot,
	    .no_new_keyring = o->no_new_keyring,
	    .joins = joins,
	    .unshare_flags = joins ? newns : newns & late,
	    .mount_trees = c->mount_trees,
	};
	/* the init's debug lines go where ours do, whatever its stderr becomes */
	if (log_debug_enabled())
		log_pin_stderr();
	int cg_fd = cgroup_prepare(c);
	if (cg_fd < 0 && c->cg_applied) {
		close(sv[0]);
		close(sv[1]);
		if (init_console >= 0)
			close(init_console);
		return -1;
	}
	log_debug("cloning the init: new namespaces: %s%s", ns_names(clone_flags),
		  joins ? "; it joins the ones given by path itself" : "");
	pid_t pid = clone_init(clone_flags, &c->cg, cg_fd);
	if (pid == 0) {
		log_set_prefix("init: ");
		close(sv[0]);
		if (c->console_fd >= 0)
			close(c->console_fd);
		/* the flock lives on our open file description: the init waits on
		 * the fifo through a fresh one, so start/kill/delete can lock */
		ia.statedir_fd = openat(c->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(c->dirfd);
		init_main(&ia);
	}
	int e = errno;
	close(sv[1]);
	if (init_console >= 0)
		close(init_console);
	idmap_close(c->mount_trees, c->spec->n_mounts); /* the init has them now */
	c->mount_trees = NULL;
	c->sync_fd = sv[0];
	if (pid < 0)
		return err_set(e, "clone the container init");
	c->child = c->init = pid;
	log_debug("init %d cloned%s", (int)pid, c->cg.placed ? " into its cgroup" : "");
	return 0;
}

static int run_runtime_hooks(struct creation *c)
{
	c->hooks_started = true;
	c->st.pid = c->init;
	_cleanup_free_ char *json = state_hook_json(&c->st, STATUS_CREATING, c->init);
	if (hooks_run(&c->spec->hooks, HOOK_PRESTART, json, c->bundle) < 0 ||
	    hooks_run(&c->spec->hooks, HOOK_CREATE_RUNTIME, json, c->bundle) < 0)
		return -1;
	return sync_send(c->sync_fd, SYNC_HOOKS_DONE, 0, NULL);
}

/* The init loaded a notify filter: pass its listener fd on to the agent,
 * from here, in the runtime's namespaces, where listenerPath means what
 * the user meant (the init may have pivoted into the rootfs already). */
static int pass_seccomp_listener(struct creation *c, struct sync_msg *m)
{
	_cleanup_close_ int fd = m->fd;
	if (fd < 0)
		return err_set(0, "seccomp: the init sent no listener fd");
	_cleanup_free_ char *json = state_hook_json(&c->st, STATUS_CREATING, c->init);
	if (seccomp_listener_send(c->spec->linux.seccomp, fd, c->init, json) < 0)
		return -1;
	return sync_send(c->sync_fd, SYNC_SECCOMP_DONE, 0, NULL);
}

static bool no_resources(const struct spec_resources *r)
{
	static const struct spec_resources none;
	return memcmp(r, &none, sizeof(none)) == 0;
}

/* The init is final and waits for start: into its linux.intelRdt group. */
static int rdt_setup(struct creation *c)
{
	const struct spec_intel_rdt *t = c->spec->linux.intel_rdt;
	if (!t)
		return 0;
	c->rdt_applied = true;
	return rdt_apply(RDT_ROOT, t, c->st.id, c->init);
}

/* Answers the init until it reports ready (or fails). */
static int handshake(struct creation *c)
{
	bool maps = !ns_any_joined(c->spec) && c->spec->linux.ns[NS_USER].present;
	if (maps)
		log_debug("writing the uid/gid maps of init %d", (int)c->child);
	if (maps && ns_write_id_maps(c->child, c->spec) < 0)
		return -1;
	/* the init builds its rootfs while we place it in its cgroup */
	if (sync_send(c->sync_fd, SYNC_GO, 0, NULL) < 0)
		return -1;
	if (c->cg.drv && !c->cg.placed) {
		log_debug("cgroup: %s, moving init %d into it", c->cg.path, (int)c->child);
		if (creation_apply_cgroup(c, c->child) < 0)
			return -1;
	}
	if (c->cg.drv && cgroup_delegate(&c->cg, c->spec) < 0)
		return -1;
	/* value 1: the init has no cgroup to mount */
	if (sync_send(c->sync_fd, SYNC_CGROUP_DONE, !c->cg.drv, NULL) < 0)
		return -1;
	for (;;) {
		struct sync_msg m;
		/* sync_recv reads past the reset an init that exits with our
		 * messages unread causes; creation_run's failure path takes
		 * any error it queued (sync_peer_error) */
		if (sync_recv(c->sync_fd, &m) < 0)
			return -1;
		switch (m.type) {
		case SYNC_USERMAP:
			if (ns_write_id_maps(c->child, c->spec) < 0 ||
			    sync_send(c->sync_fd, SYNC_USERMAP_DONE, 0, NULL) < 0)
				return -1;
			break;
		case SYNC_PID:
			log_debug("init forked into its pid namespace: %d", (int)m.value);
			c->init = m.value;
			if (creation_save(c) < 0)
				return -1;
			waitpid(c->child, NULL, 0);
			c->child = 0;
			break;
		case SYNC_HOOKS:
			if (run_runtime_hooks(c) < 0)
				return -1;
			break;
		case SYNC_SECCOMP:
			log_debug("seccomp: passing the listener on");
			if (pass_seccomp_listener(c, &m) < 0)
				return -1;
			break;
		case SYNC_NETDEV:
			log_debug("moving linux.netDevices into the container");
			if (netdev_serve(c->spec, c->sync_fd, m.fd) < 0)
				return -1;
			break;
		case SYNC_READY:
			log_debug("init %d is ready: created", (int)c->init);
			return rdt_setup(c);
		case SYNC_ERROR:
			return sync_error_put(&m);
		default:
			return err_set(0, "sync: unexpected message %u", m.type);
		}
	}
}

void creation_abort(const struct global_opts *g, struct creation *c)
{
	if (c->init > 0) {
		kill(c->init, SIGKILL);
		if (c->child > 0)
			waitpid(c->child, NULL, 0);
		else
			wait_exit(c->init, 2000);
	}
	if (c->cg_applied && c->cg.drv->destroy(&c->cg) < 0)
		log_warn("cleanup: %s", err_msg());
	if (c->rdt_applied)
		rdt_destroy(RDT_ROOT, c->spec->linux.intel_rdt, c->st.id);
	if (c->hooks_started && c->spec->hooks.count[HOOK_POSTSTOP]) {
		_cleanup_free_ char *json = state_hook_json(&c->st, STATUS_STOPPED, 0);
		if (hooks_run(&c->spec->hooks, HOOK_POSTSTOP, json, c->bundle) < 0)
			log_warn("%s", err_msg());
	}
	if (c->dir_created)
		state_dir_remove(g->root, c->st.id);
	c->init = c->child = 0;
}

bool rootless_cgroups(const struct global_opts *g)
{
	if (g->rootless && !strcmp(g->rootless, "true"))
		return true;
	if (g->rootless && !strcmp(g->rootless, "false"))
		return false;
	return geteuid() != 0 || !ns_in_initial_userns();
}

void rootless_cgroups_warn(const struct global_opts *g, const char *cmd)
{
	if (rootless_cgroups(g))
		log_warn("corun %s may fail if you don't have the full access to cgroups", cmd);
}

int creation_load(const struct create_opts *o, struct creation *c)
{
	memset(c, 0, sizeof(*c));
	c->dirfd = c->sync_fd = c->console_fd = -1;
	if (state_validate_id(o->id) < 0 || resolve_paths(o, c) < 0 || validate(o, c) < 0)
		return -1;
	log_debug("create %s: bundle %s, rootfs %s", o->id, c->bundle, c->rootfs);
	caps_warn_ungranted(&c->spec->process->caps);
	return 0;
}

int creation_cgroup(const struct global_opts *g, const struct create_opts *o, struct creation *c)
{
	c->cg_optional = rootless_cgroups(g) && !c->spec->linux.cgroups_path &&
			 no_resources(&c->spec->linux.resources);
	if (cgroup_init(&c->cg, c->spec->linux.cgroups_path, o->id, g->systemd_cgroup) < 0 &&
	    cgroup_give_up(c) < 0)
		return -1;
	if (c->cg.drv)
		log_debug("cgroup: %s driver, path %s", c->cg.drv->name, c->cg.path);
	return 0;
}

int creation_claim(const struct global_opts *g, const struct create_opts *o, struct creation *c)
{
	fill_state(g, o, c);
	/* the id claimed first: a taken id is the only news, not its cgroup */
	return make_state_dir(g, o, c) < 0 || cgroup_precheck(c) < 0 ? -1 : 0;
}

int creation_apply_cgroup(struct creation *c, pid_t pid)
{
	if (!c->cg.drv)
		return 0;
	/* set first: a half-applied cgroup is cleaned up too */
	c->cg_applied = true;
	if (c->cg.drv->apply(&c->cg, c->spec, pid) < 0 && cgroup_give_up(c) < 0)
		return -1;
	return 0;
}

int creation_build(const struct global_opts *g, const struct create_opts *o, struct creation *c,
		   bool keep_console)
{
	if (c->spec->linux.seccomp && seccomp_compile(c->spec->linux.seccomp, &c->seccomp) < 0)
		return -1;
	if (creation_cgroup(g, o, c) < 0 || idmap_prepare(c->spec, c->bundle, &c->mount_trees) < 0)
		return -1;
	if (creation_claim(g, o, c) < 0 || spawn_init(g, o, c) < 0 || creation_save(c) < 0 ||
	    handshake(c) < 0)
		goto fail;
	c->st.pid = c->init;
	c->st.start_time = proc_start_time(c->init);
	c->st.creator = 0; /* created: the live status from here on */
	if (state_write(c->dirfd, &c->st) < 0)
		goto fail;
	close(c->sync_fd);
	c->sync_fd = -1;
	if (!keep_console && c->console_fd >= 0) {
		close(c->console_fd);
		c->console_fd = -1;
	}
	if (o->pidfd_socket && pidfd_socket_send(o->pidfd_socket, c->init) < 0)
		goto fail;
	if (o->pid_file && pid_file_write(o->pid_file, c->init) < 0)
		goto fail;
	return 0;
fail:
	/* an init that died makes our next step fail (a write to its cgroup
	 * or id maps, a send); the reason it sent before that is the news */
	if (c->sync_fd >= 0)
		(void)sync_peer_error(c->sync_fd);
	ERR_KEEP(creation_abort(g, c));
	return -1;
}

int creation_run(const struct global_opts *g, const struct create_opts *o, struct creation *c,
		 bool keep_console)
{
	if (creation_load(o, c) < 0)
		return -1;
	return creation_build(g, o, c, keep_console);
}

void creation_free(struct creation *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	if (c->sync_fd >= 0)
		close(c->sync_fd);
	if (c->console_fd >= 0)
		close(c->console_fd);
	cgroup_fini(&c->cg);
	seccomp_prog_free(c->seccomp);
	if (c->spec)
		idmap_close(c->mount_trees, c->spec->n_mounts);
	/* the annotations belong to the spec; st only borrowed them */
	c->st.annotations = NULL;
	state_free(&c->st);
	spec_free(c->spec);
	free(c->raw);
	free(c->bundle);
	free(c->rootfs);
	memset(c, 0, sizeof(*c));
}

int container_create(const struct global_opts *g, const struct create_opts *o)
{
	/* create always leaves the container to others: detached, as in runc */
	struct create_opts d = *o;
	d.detach = true;
	struct creation c;
	int rc = creation_run(g, &d, &c, false);
	creation_free(&c);
	return rc;
}
