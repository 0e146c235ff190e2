/* SPDX-License-Identifier: Apache-2.0 */
/* exec: a new process in a running container.
 *
 * corun forks a child that moves itself into the init's cgroups (from the
 * host's view), opens the init's root, joins every namespace of the init
 * with one setns(pidfd) (the kernel enters the user namespace first),
 * chroots when the init's root is not the mount namespace's, and forks the
 * final process with CLONE_PARENT: born inside the pid namespace, and our
 * own child, so we wait for it like any other. That process sets itself up
 * as the init does (process_setup.c) and execs. Each step's error comes back
 * verbatim over a SOCK_SEQPACKET socketpair (sync.h); a successful execve
 * closes the socket (close-on-exec), which is how we learn it started. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/keyctl.h>
#include <linux/sched.h>

#include "caps.h"
#include "cgroup.h"
#include "fdpass.h"
#include "lifecycle.h"
#include "log.h"
#include "lsm.h"
#include "process_setup.h"
#include "procfs.h"
#include "procparse.h"
#include "procattr.h"
#include "sched_attrs.h"
#include "seccomp_filter.h"
#include "sync.h"
#include "terminal.h"

struct exec_ctx {
	const struct exec_opts *o;
	struct cstate st;
	struct spec *spec;	      /* the config saved at create; owns what follows */
	struct spec_process *proc;    /* what to run */
	char *apparmor, *selinux;     /* labels for the process, NULL = none */
	struct seccomp_prog *seccomp; /* linux.seccomp compiled, or NULL */
	int dirfd;		      /* state dir, shared-locked while the state is read */
	int pidfd;		      /* the container init */
	int sync_fd;		      /* our end */
	int child_sync;		      /* the child's end */
	int console_ours;	      /* foreground tty relay: where the master arrives */
	int console_child;	      /* where the child sends the master */
	pid_t child, pid;	      /* the intermediate child; the process (host pid) */
};

/* ---- the process description ---- */

/* Go's strconv.Atoi, with its error text: runc parses -u that way. */
static int atoi_go(const char *s, const char *what, int64_t *out)
{
	const char *d = s + (*s == '+' || *s == '-');
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*d >= '0' && *d <= '9' && !*end && !errno) {
		*out = v;
		return 0;
	}
	return err_set(0, "parsing %s as int for %s failed: strconv.Atoi: parsing \"%s\": %s", s,
		       what, s, errno == ERANGE ? "value out of range" : "invalid syntax");
}

static int apply_user(struct spec_user *u, const char *spec)
{
	_cleanup_free_ char *uid = xstrdup(spec);
	char *gid = strchr(uid, ':');
	int64_t v;
	if (gid) {
		*gid++ = '\0';
		if (atoi_go(gid, "gid", &v) < 0)
			return -1;
		u->gid = (uint32_t)v; /* runc converts with uint32(), wrapping */
	}
	if (atoi_go(uid, "uid", &v) < 0)
		return -1;
	u->uid = (uint32_t)v;
	return 0;
}

static int append_gids(struct spec *s, struct spec_user *u, const struct exec_opts *o)
{
	uint32_t *v = arena_alloc(&s->arena, (u->n_additional_gids + o->n_gids) * sizeof(*v));
	memcpy(v, u->additional_gids, u->n_additional_gids * sizeof(*v));
	for (size_t i = 0; i < o->n_gids; i++) {
		if (o->gids[i] < 0 || o->gids[i] > UINT32_MAX)
			return err_set(0, "additional-gids must be a positive number %lld",
				       (long long)o->gids[i]);
		v[u->n_additional_gids + i] = (uint32_t)o->gids[i];
	}
	u->additional_gids = v;
	u->n_additional_gids += o->n_gids;
	return 0;
}

/* runc 1.1 adds --cap to the bounding, effective and permitted sets (not
 * inheritable or ambient since CVE-2022-29162) and only warns about names
 * it does not know. */
static void add_caps(struct spec *s, struct spec_process *p, const struct exec_opts *o)
{
	for (size_t i = 0; i < o->n_caps; i++) {
		int cap = cap_from_name(o->caps[i]);
		if (cap < 0 || cap > 63) {
			/* named with the others in one warning */
			spec_caps_note_unknown(s, &p->caps, o->caps[i]);
			continue;
		}
		uint64_t bit = 1ULL << cap;
		p->caps.bounding |= bit;
		p->caps.effective |= bit;
		p->caps.permitted |= bit;
	}
	p->has_caps = p->has_caps || o->n_caps;
}

static char **concat_env(struct spec *s, char **env, const char **more, size_t n_more)
{
	size_t n = strv_len(env);
	char **v = arena_alloc(&s->arena, (n + n_more + 1) * sizeof(*v));
	memcpy(v, env, n * sizeof(*v));
	for (size_t i = 0; i < n_more; i++)
		v[n + i] = arena_strdup(&s->arena, more[i]);
	return v;
}

/* The config's process with the command line's changes, as runc's
 * getProcess does it. */
static int process_from_flags(struct exec_ctx *c)
{
	const struct exec_opts *o = c->o;
	struct spec *s = c->spec;
	struct spec_process *p = arena_alloc(&s->arena, sizeof(*p));
	*p = *s->process;
	c->proc = p;
	if (!o->args || !o->args[0])
		return err_set(0, "process args cannot be empty");
	p->args = o->args;
	if (o->cwd && *o->cwd)
		p->cwd = arena_strdup(&s->arena, o->cwd);
	p->env = concat_env(s, p->env, o->env, o->n_env);
	if (spec_env_check(p->env) < 0)
		return -1;
	p->terminal = o->tty;
	if (o->no_new_privs >= 0) /* given: overrides the config, as runc */
		p->no_new_privileges = o->no_new_privs;
	if (o->user && *o->user && apply_user(&p->user, o->user) < 0)
		return -1;
	if (append_gids(s, &p->user, o) < 0)
		return -1;
	add_caps(s, p, o);
	c->apparmor = o->apparmor && *o->apparmor ? arena_strdup(&s->arena, o->apparmor) : NULL;
	c->selinux = o->process_label && *o->process_label
			 ? arena_strdup(&s->arena, o->process_label)
			 : NULL;
	return 0;
}

/* -p: the process object as given; like runc, capabilities it leaves out
 * come from the container's config, rlimits it leaves out are ours (the
 * caller's), not the config's. */
static int process_from_file(struct exec_ctx *c)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (read_regular_file_at(AT_FDCWD, c->o->process_file, 1 << 20, false, &text, &len) < 0)
		return -1;
	if (spec_parse_process(text, len, c->spec, &c->proc, &c->apparmor, &c->selinux) < 0)
		return err_prefix("%s", c->o->process_file);
	const struct spec_process *base = c->spec->process;
	if (!c->proc->has_caps && base) {
		c->proc->has_caps = base->has_caps;
		c->proc->caps = base->caps;
	}
	return 0;
}

/* ---- the container ---- */

static int open_container(const struct global_opts *g, struct exec_ctx *c)
{
	if (state_validate_id(c->o->id) < 0)
		return -1;
	c->dirfd = state_dir_open(g->root, c->o->id);
	if (c->dirfd < 0 || state_lock(c->dirfd, false) < 0 || state_read(c->dirfd, &c->st) < 0)
		return -1;
	enum status s = state_status(c->dirfd, &c->st);
	if (s == STATUS_STOPPED)
		return err_set(0, "cannot exec in a stopped container");
	if (s == STATUS_PAUSED && !c->o->ignore_paused)
		return err_set(
		    0, "cannot exec in a paused container (use --ignore-paused to override)");
	if (load_saved_spec(c->dirfd, &c->spec) < 0)
		return -1;
	if (!c->spec->process)
		return err_set(0, "the container's config has no process");
	/* a pidfd pins the init: a pid reused after this cannot fool setns */
	c->pidfd = (int)syscall(SYS_pidfd_open, c->st.pid, 0);
	if (c->pidfd < 0 && errno != ESRCH)
		return err_set(errno, "pidfd_open container init %d", (int)c->st.pid);
	if (c->pidfd < 0 || proc_start_time(c->st.pid) != c->st.start_time)
		return err_set(0, "cannot exec in a stopped container");
	return 0;
}

static int check_tty(const struct exec_ctx *c)
{
	bool tty = c->proc->terminal;
	if (tty && c->o->detach && !c->o->console_socket)
		return err_set(0,
			       "cannot allocate tty if corun will detach without setting console "
			       "socket");
	/* as runc: the socket is for a detached process; in the foreground
	 * corun relays the terminal itself */
	if ((!tty || !c->o->detach) && c->o->console_socket)
		return err_set(
		    0, "cannot use console socket if corun will not detach or allocate tty");
	return 0;
}

/* ---- the child side ---- */

__attribute__((noreturn)) static void child_fail(const struct exec_ctx *c)
{
	sync_send_error(c->child_sync);
	_exit(1);
}

#define TRY(c, expr)                                                                               \
	do {                                                                                       \
		if ((expr) < 0)                                                                    \
			child_fail(c);                                                             \
	} while (0)

/* CLONE_NEW* of the init's namespaces that are not ours already (setns
 * refuses to "join" our own user namespace). */
static int foreign_namespaces(pid_t pid)
{
	int flags = 0;
	for (int t = 0; t < NS__COUNT; t++) {
		char p[64], q[64];
		struct stat a, b;
		snprintf(p, sizeof(p), "/proc/%d/ns/%s", (int)pid, ns_proc_name(t));
		snprintf(q, sizeof(q), "/proc/self/ns/%s", ns_proc_name(t));
		if (stat(p, &a) == 0 && stat(q, &b) == 0 &&
		    (a.st_ino != b.st_ino || a.st_dev != b.st_dev))
			flags |= ns_clone_flag(t);
	}
	return flags;
}

/* Into the init's namespaces and root; our cwd is its "/" afterwards. */
static int enter_container(const struct exec_ctx *c)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/root", (int)c->st.pid);
	_cleanup_close_ int root = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return err_set(errno, "open %s", p);
	int flags = foreign_namespaces(c->st.pid);
	if (flags && setns(c->pidfd, flags) < 0)
		return err_set(errno, "join the namespaces of container init %d", (int)c->st.pid);
	/* without a mount namespace of its own (or after a chroot) the init's
	 * root is not the namespace's: take it from the init */
	struct stat a, b;
	if (fstat(root, &a) < 0 || stat("/", &b) < 0)
		return err_set(errno, "stat the container root");
	if ((a.st_ino != b.st_ino || a.st_dev != b.st_dev) && (fchdir(root) < 0 || chroot(".") < 0))
		return err_set(errno, "chroot to the container root");
	if (chdir("/") < 0)
		return err_set(errno, "chdir /");
	return 0;
}

/* The container init's session keyring, as runc's exec joins it; best
 * effort: there may be none (--no-new-keyring) or no keyctl. */
static void join_keyring(const struct exec_ctx *c)
{
	char name[128];
	snprintf(name, sizeof(name), "_ses.%s", c->st.id);
	(void)syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0);
}

/* The final process: set up as the init sets up its own, then exec. */
__attribute__((noreturn)) static void exec_process(struct exec_ctx *c)
{
	const struct spec_process *p = c->proc;
	if (setsid() < 0)
		TRY(c, err_set(errno, "setsid"));
	join_keyring(c);
	if (p->terminal) {
		TRY(c, terminal_setup_exec(c->console_child, p));
		close(take_fd(&c->console_child));
	}
	struct process_finish f = {
	    .p = p,
	    .linux = &c->spec->linux,
	    .exec = true,
	    .apparmor = c->apparmor,
	    .selinux = c->selinux,
	    .seccomp = c->seccomp,
	    .sync_fd = c->child_sync,
	    .preserve_fds = c->o->preserve_fds,
	    .keep = {c->child_sync, -1, -1, -1},
	};
	process_finish(&f);
	child_fail(c);
}

__attribute__((noreturn)) static void exec_child(struct exec_ctx *c)
{
	/* nobody in the container may ptrace us or open our /proc files */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* the real procfs, before the container's /proc is the one in view */
	TRY(c, procfs_hold());
	TRY(c, exec_affinity_initial(c->proc));
	TRY(c, cgroup_enter_like(c->st.pid, getpid(), c->o->cgroups, c->o->n_cgroups));
	TRY(c, enter_container(c));
	/* clone3 wants exit_signal 0 here: the child gets our own, SIGCHLD */
	struct clone_args ca = {.flags = CLONE_PARENT};
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		TRY(c, err_set(errno, "fork into the container's pid namespace"));
	if (pid == 0)
		exec_process(c);
	/* the pid of our own pid namespace: the host's */
	_exit(sync_send(c->child_sync, SYNC_PID, pid, NULL) < 0 ? 1 : 0);
}

/* ---- the parent side ---- */

static int prepare_console(struct exec_ctx *c)
{
	if (!c->proc->terminal)
		return 0;
	if (c->o->console_socket) {
		c->console_child = terminal_connect(c->o->console_socket);
		return c->console_child < 0 ? -1 : 0;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(errno, "console socketpair");
	c->console_ours = sv[0];
	c->console_child = sv[1];
	return 0;
}

/* The process's seccomp listener, to listenerPath with the container's
 * state; the process waits for our answer. */
static int pass_listener(struct exec_ctx *c, int fd)
{
	_cleanup_close_ int lfd = fd;
	_cleanup_free_ char *json = state_hook_json(&c->st, STATUS_RUNNING, c->st.pid);
	if (seccomp_listener_send(c->spec->linux.seccomp, lfd, c->pid, json) < 0)
		return -1;
	return sync_send(c->sync_fd, SYNC_SECCOMP_DONE, 0, NULL);
}

/* Until the process has exec'd (EOF) or says why it did not. Its pid comes
 * from the intermediate child, in any order with the process's listener. */
static int wait_started(struct exec_ctx *c)
{
	int listener = -1;
	for (;;) {
		struct sync_msg m;
		if (sync_recv(c->sync_fd, &m) < 0)
			break; /* EOF: all ends closed, the process exec'd (or died) */
		if (m.type == SYNC_PID) {
			c->pid = m.value;
			waitpid(c->child, NULL, 0);
		} else if (m.type == SYNC_SECCOMP) {
			listener = m.fd;
		} else {
			if (m.fd >= 0)
				close(m.fd);
			if (listener >= 0)
				close(listener);
			if (m.type == SYNC_ERROR)
				return sync_error_put(&m);
			return err_set(0, "sync: unexpected message");
		}
		if (listener >= 0 && c->pid > 0) {
			int rc = pass_listener(c, listener);
			listener = -1;
			if (rc < 0)
				return -1;
		}
	}
	if (listener >= 0)
		close(listener);
	/* no pid: the intermediate child died; err says how the wait ended */
	return c->pid > 0 ? 0 : -1;
}

static int spawn(struct exec_ctx *c)
{
	int sv[2];
	if (prepare_console(c) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(errno, "sync socketpair");
	c->sync_fd = sv[0];
	c->child_sync = sv[1];
	c->child = fork();
	if (c->child < 0)
		return err_set(errno, "fork");
	if (c->child == 0) {
		close(c->sync_fd);
		if (c->console_ours >= 0)
			close(c->console_ours);
		exec_child(c);
	}
	close(take_fd(&c->child_sync));
	if (c->console_child >= 0)
		close(take_fd(&c->console_child));
	if (wait_started(c) < 0) {
		if (c->pid > 0)
			waitpid(c->pid, NULL, 0);
		else
			waitpid(c->child, NULL, 0);
		return -1;
	}
	return 0;
}

static int run_exec(const struct global_opts *g, struct exec_ctx *c, int sfd, int *code)
{
	const struct exec_opts *o = c->o;
	int rc = open_container(g, c);
	/* the lock only guards reading the state: a process waiting to enter a
	 * paused container must not hold up resume, kill or delete */
	if (c->dirfd >= 0)
		close(take_fd(&c->dirfd));
	if (rc < 0)
		return -1;
	if ((o->process_file ? process_from_file(c) : process_from_flags(c)) < 0 ||
	    check_tty(c) < 0 || cgroup_subs_validate(o->cgroups, o->n_cgroups) < 0)
		return -1;
	caps_warn_ungranted(&c->proc->caps);
	if (c->spec->linux.seccomp && seccomp_compile(c->spec->linux.seccomp, &c->seccomp) < 0)
		return -1;
	if (spawn(c) < 0)
		return err_prefix("unable to start container process");
	if ((o->pidfd_socket && pidfd_socket_send(o->pidfd_socket, c->pid) < 0) ||
	    (o->pid_file && pid_file_write(o->pid_file, c->pid) < 0)) {
		kill(c->pid, SIGKILL);
		return -1;
	}
	if (o->detach)
		return 0;
	struct relay r;
	rc = relay_open(c->console_ours, &r);
	if (rc == 0)
		rc = relay_wait(c->pid, sfd, &r, code);
	relay_close(&r);
	return rc;
}

int container_exec(const struct global_opts *g, const struct exec_opts *o, int *exit_code)
{
	struct exec_ctx c = {.o = o,
			     .dirfd = -1,
			     .pidfd = -1,
			     .sync_fd = -1,
			     .child_sync = -1,
			     .console_ours = -1,
			     .console_child = -1};
	*exit_code = 0;
	sigset_t old;
	/* signals that come before the process runs are forwarded once it does */
	int sfd = o->detach ? -1 : signals_block(&old);
	int rc = o->detach || sfd >= 0 ? run_exec(g, &c, sfd, exit_code) : -1;
	if (sfd >= 0) {
		close(sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	int fds[] = {c.dirfd, c.pidfd, c.sync_fd, c.child_sync, c.console_ours, c.console_child};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	state_free(&c.st);
	seccomp_prog_free(c.seccomp);
	spec_free(c.spec);
	return rc;
}
