/* SPDX-License-Identifier: Apache-2.0 */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/keyctl.h>

#include "devices.h"
#include "hooks.h"
#include "listen_fds.h"
#include "log.h"
#include "lsm.h"
#include "namespaces.h"
#include "netdev.h"
#include "procattr.h"
#include "procfs.h"
#include "process_setup.h"
#include "rootfs.h"
#include "rootfs_util.h"
#include "sched_attrs.h"
#include "seccomp_filter.h"
#include "sync.h"
#include "sysctl.h"
#include "terminal.h"

__attribute__((noreturn)) static void init_fail(const struct init_args *a)
{
	if (a->sync_fd >= 0)
		sync_send_error(a->sync_fd);
	else if (a->fifo_fd >= 0)
		dprintf(a->fifo_fd, "%s", err_msg()); /* `start` reports it */
	else
		dprintf(STDERR_FILENO, "corun: %s\n", err_msg());
	_exit(a->sync_fd >= 0 ? 1 : 255);
}

#define TRY(a, expr)                                                                               \
	do {                                                                                       \
		if ((expr) < 0)                                                                    \
			init_fail(a);                                                              \
	} while (0)

/* Namespaces joined by path, then created by unshare, which only moves the
 * caller's children into a new pid namespace: fork once more and let the
 * grandchild be the init. Only taken when the config joins something. */
static void enter_namespaces(struct init_args *a)
{
	const struct spec *s = a->spec;
	log_debug("joining the namespaces given by path, then unsharing 0x%x", a->unshare_flags);
	TRY(a, ns_join_all(s));
	int flags = a->unshare_flags;
	if (flags & CLONE_NEWUSER) {
		if (unshare(CLONE_NEWUSER) < 0)
			TRY(a, err_set(errno, "unshare user namespace"));
		struct sync_msg m;
		TRY(a, sync_send(a->sync_fd, SYNC_USERMAP, 0, NULL));
		TRY(a, sync_expect(a->sync_fd, SYNC_USERMAP_DONE, &m));
		flags &= ~CLONE_NEWUSER;
	}
	/* cgroup and time come later, from the init itself; ipc too when the
	 * user namespace is new (made as its root, see become_root) */
	int later =
	    CLONE_NEWCGROUP | CLONE_NEWTIME | (a->unshare_flags & CLONE_NEWUSER ? CLONE_NEWIPC : 0);
	if (unshare(flags & ~later) < 0)
		TRY(a, err_set(errno, "unshare namespaces"));
	a->unshare_flags = flags & later;
	bool need_fork = (flags & CLONE_NEWPID) || (s->linux.ns[NS_PID].path);
	if (!need_fork)
		return;
	pid_t pid = fork();
	if (pid < 0)
		TRY(a, err_set(errno, "fork into the pid namespace"));
	if (pid > 0) {
		int rc = sync_send(a->sync_fd, SYNC_PID, pid, NULL);
		_exit(rc < 0 ? 1 : 0);
	}
}

static void become_root(const struct init_args *a)
{
	if (!a->spec->linux.ns[NS_USER].present)
		return;
	/* uid 0 may be unmapped; user_apply sets the final ids anyway */
	(void)!setresuid(0, 0, 0);
	/* the ipc namespace's mqueue root belongs to whoever made it: the
	 * container's root, with the group we came with (runc's owners) */
	if (a->unshare_flags & CLONE_NEWIPC && unshare(CLONE_NEWIPC) < 0)
		TRY(a, err_set(errno, "unshare ipc namespace"));
	(void)!setresgid(0, 0, 0);
}

/* A session keyring of the container's own, so its keys neither reach the
 * caller's session nor another container's. Hosts with keyctl disabled (or
 * denied by a seccomp filter around us) go on without one, as runc does. */
static int join_session_keyring(const struct init_args *a)
{
	if (a->no_new_keyring)
		return 0;
	char name[128];
	snprintf(name, sizeof(name), "_ses.%s", a->st->id);
	long key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0);
	if (key < 0)
		return errno == ENOSYS || errno == EPERM
			   ? 0
			   : err_set(errno, "join session keyring %s", name);
	/* possessor: all; owner: view, read, write, search, link; others: none */
	if (syscall(SYS_keyctl, KEYCTL_SETPERM, key, 0x3f1f0000, 0, 0) < 0)
		return err_set(errno, "set the permissions of session keyring %s", name);
	return 0;
}

static int set_names(const struct spec *s)
{
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return err_set(errno, "sethostname %s", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return err_set(errno, "setdomainname %s", s->domainname);
	return 0;
}

/* runtime.md: the state's pid is the one the host sees. The host's /proc
 * is still mounted here, and its "self" link names us in its namespace. */
static pid_t host_pid_self(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
	if (n <= 0)
		return getpid();
	buf[n] = 0;
	return (pid_t)atoi(buf);
}

/* The umask we were started with: the rootfs is built with 0, hooks run
 * with the caller's, as runc's. */
static mode_t caller_umask;

static int run_hooks_inside(const struct init_args *a, enum hook_kind k, enum status status)
{
	if (!a->spec->hooks.count[k])
		return 0;
	_cleanup_free_ char *json = state_hook_json(a->st, status, a->host_pid);
	mode_t now = umask(caller_umask);
	/* createContainer in the rootfs, as runc: tools give it relative paths */
	int rc = hooks_run(&a->spec->hooks, k, json, k == HOOK_CREATE_CONTAINER ? a->rootfs : NULL);
	umask(now);
	return rc;
}

/* The parent moves us into our cgroup while we build the rootfs (the first
 * cgroup v1 migration waits for an RCU grace period, milliseconds of pure
 * sleep); everything that needs the cgroup waits here first. The cgroup
 * namespace, rooted at the current cgroup, is made only then. */
static void cgroup_wait(struct init_args *a)
{
	struct sync_msg m;
	if (!a->cg_pending)
		return;
	TRY(a, sync_expect(a->sync_fd, SYNC_CGROUP_DONE, &m));
	log_debug("in the container's cgroup");
	a->cg_pending = false;
	if (m.value == 1) /* rootless without a cgroup */
		a->cg = NULL;
	if (a->unshare_flags & CLONE_NEWCGROUP && unshare(CLONE_NEWCGROUP) < 0)
		TRY(a, err_set(errno, "unshare cgroup namespace"));
}

static int mount_cgroup_cb(int dest_fd, const struct spec_mount *m, void *ud)
{
	struct init_args *a = ud;
	cgroup_wait(a);
	if (!a->cg || !a->cg->drv)
		return 0;
	return a->cg->drv->mount(a->cg, dest_fd, m, a->spec->linux.ns[NS_CGROUP].present);
}

/* Everything that needs the host's view: mounts, devices, sysctls, hooks in
 * the runtime namespace; then pivot_root. */
/* Like runc, a missing process.cwd is made (0755, the container root's)
 * before the rootfs may turn read-only; inside the new root, no symlink
 * of the image leads it out. */
static int make_cwd(const char *cwd)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return err_set(errno, "open /");
	int fd = ensure_in_root(root, cwd, false);
	if (fd < 0)
		return err_prefix("process.cwd %s", cwd);
	close(fd);
	return 0;
}

/* A stdio fd on the host's /dev/null (conmon's stdin) is opened anew on
 * the container's, as runc does: CRIU cannot dump a file of a mount that
 * is not in the container. The rootfs is the image's: the node opened must
 * be a /dev/null (no symlink followed, checked after the open). */
static int reopen_dev_null(void)
{
	for (int fd = 0; fd < 3; fd++) {
		struct stat st, in;
		if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
			continue;
		_cleanup_close_ int nfd = open("/dev/null", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 || fstat(nfd, &in) < 0 || !S_ISCHR(in.st_mode) ||
		    in.st_rdev != makedev(1, 3))
			return 0; /* no usable /dev/null in the container: keep ours */
		if (in.st_dev == st.st_dev && in.st_ino == st.st_ino)
			continue; /* the container's already */
		if (dup3(nfd, fd, 0) < 0)
			return err_set(errno, "reopen /dev/null on fd %d", fd);
	}
	return 0;
}

static void build_rootfs(struct init_args *a)
{
	const struct spec *s = a->spec;
	struct rootfs_ctx rc = {
	    .spec = s,
	    .rootfs = a->rootfs,
	    .userns = s->linux.ns[NS_USER].present,
	    .no_pivot = a->no_pivot,
	    .mount_cgroup = mount_cgroup_cb,
	    .ud = a,
	    .mount_trees = a->mount_trees,
	};
	if (chdir(a->bundle) < 0)
		TRY(a, err_set(errno, "chdir %s", a->bundle));
	log_debug("building the rootfs at %s", a->rootfs);
	if (s->linux.ns[NS_MNT].present)
		TRY(a, rootfs_prepare(&rc));
	cgroup_wait(a);
	TRY(a, sysctl_apply(s->linux.sysctl, s->linux.n_sysctl));
	if (s->hooks.count[HOOK_PRESTART] || s->hooks.count[HOOK_CREATE_RUNTIME]) {
		struct sync_msg m;
		TRY(a, sync_send(a->sync_fd, SYNC_HOOKS, 0, NULL));
		TRY(a, sync_expect(a->sync_fd, SYNC_HOOKS_DONE, &m));
	}
	TRY(a, run_hooks_inside(a, HOOK_CREATE_CONTAINER, STATUS_CREATING));
	log_debug("entering the rootfs (%s)",
		  s->linux.ns[NS_MNT].present && !a->no_pivot ? "pivot_root" : "no pivot_root");
	if (s->linux.ns[NS_MNT].present)
		TRY(a, rootfs_pivot(&rc));
	else if (chroot(a->rootfs) < 0 || chdir("/") < 0)
		TRY(a, err_set(errno, "chroot %s", a->rootfs));
	TRY(a, make_cwd(s->process->cwd));
	/* /dev/console is made before /dev or / turn read-only (as runc) */
	if (s->process->terminal)
		TRY(a, terminal_setup_init(a->console_fd, s->process));
	if (s->linux.ns[NS_MNT].present) {
		TRY(a, reopen_dev_null());
		TRY(a, rootfs_finalize(&rc));
	}
}

/* Blocks until `corun start` opens the fifo's read end. The fd stays open
 * (close-on-exec): `start` reads until EOF, which comes with our execve, so
 * poststart runs after the exec; any error before it is written there. */
static int wait_for_start(struct init_args *a)
{
	int fd;
	do {
		fd = openat(a->statedir_fd, STATE_FIFO, O_WRONLY | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return err_set(errno, "open exec fifo");
	if (write_all(fd, "0", 1) < 0) {
		close(fd);
		return err_set(errno, "write exec fifo");
	}
	a->fifo_fd = fd;
	return 0;
}

/* process_finish's last steps for the init, under the seccomp filter as
 * in runc: report ready, wait for `start`, run the startContainer hooks. */
static int init_last_steps(void *ud)
{
	struct init_args *a = ud;
	if (sync_send_plain(a->sync_fd, SYNC_READY) < 0)
		return -1;
	close(a->sync_fd);
	a->sync_fd = -1;
	a->fifo_fd = -1;
	if (wait_for_start(a) < 0)
		return -1;
	close(a->statedir_fd);
	a->statedir_fd = -1;
	return run_hooks_inside(a, HOOK_START_CONTAINER, STATUS_CREATED);
}

void init_main(const struct init_args *args)
{
	struct init_args a = *args;
	const struct spec *s = a.spec;
	const struct spec_process *p = s->process;
	struct sync_msg m;

	caller_umask = umask(022);
	umask(caller_umask);
	if (a.statedir_fd < 0)
		TRY(&a, err_set(errno, "reopen state directory"));
	/* the real procfs, before a joined mount namespace or pivot_root can
	 * put the image's /proc in its place */
	TRY(&a, procfs_hold());
	TRY(&a, sync_expect(a.sync_fd, SYNC_GO, &m));
	a.cg_pending = true;
	if (a.joins) {
		/* a fork may follow: the grandchild must be born in the cgroup */
		cgroup_wait(&a);
		enter_namespaces(&a);
	}
	/* no other process may ptrace or open our /proc files until exec; not
	 * earlier: a rootless parent writes our id maps through those files */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (a.unshare_flags & CLONE_NEWTIME)
		TRY(&a, ns_time_create(s));
	a.host_pid = host_pid_self();
	if (s->linux.n_net_devices) {
		cgroup_wait(&a); /* its message is ahead of ours on the socket */
		TRY(&a, netdev_init_request(a.sync_fd));
	}
	become_root(&a);
	if (s->linux.ns[NS_NET].present && !s->linux.ns[NS_NET].path)
		TRY(&a, netdev_loopback_up());
	TRY(&a, join_session_keyring(&a));
	if (setsid() < 0)
		TRY(&a, err_set(errno, "setsid"));
	if (s->linux.ns[NS_UTS].present)
		TRY(&a, set_names(s));
	build_rootfs(&a);
	if (a.console_fd >= 0)
		close(take_fd(&a.console_fd));

	log_debug("process attributes: scheduling, LSM labels, user, capabilities");
	struct process_finish f = {
	    .p = p,
	    .linux = &s->linux,
	    .apparmor = p->apparmor_profile,
	    .selinux = p->selinux_label,
	    .seccomp = a.seccomp,
	    .sync_fd = a.sync_fd,
	    .preserve_fds = a.preserve_fds,
	    .listen_fds = a.listen_fds,
	    .keep = {a.sync_fd, a.statedir_fd, -1, -1},
	    .last_steps = init_last_steps,
	    .ud = &a,
	};
	process_finish(&f);
	init_fail(&a);
}
