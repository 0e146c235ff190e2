/* SPDX-License-Identifier: Apache-2.0 */
/* start, kill, delete, state and list: the operations on an existing
 * container. None of them forks; state and list only read files. */
#include <errno.h>
#include <sys/file.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "container_cgroup.h"
#include "hooks.h"
#include "intelrdt.h"
#include "lifecycle.h"
#include "log.h"
#include "notify_socket.h"
#include "procparse.h"

static int pidfd_open_checked(const struct cstate *st)
{
	int fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0)
		return -1;
	/* the pid may have been reused since create: the start time tells */
	if (proc_start_time(st->pid) != st->start_time) {
		close(fd);
		errno = ESRCH;
		return -1;
	}
	return fd;
}

int signal_init(const struct cstate *st, int sig, bool quiet_gone)
{
	_cleanup_close_ int fd = pidfd_open_checked(st);
	if (fd < 0 || syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0) {
		if (errno == ESRCH && quiet_gone)
			return 0;
		/* runc's words, then ours */
		return err_set(0, "unable to signal init: %s (signal %d to pid %d)",
			       strerror(errno), sig, (int)st->pid);
	}
	return 0;
}

int wait_exit(pid_t pid, int timeout_ms)
{
	_cleanup_close_ int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return errno == ESRCH ? 0 : err_set(errno, "pidfd_open %d", (int)pid);
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r;
	do {
		r = poll(&p, 1, timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		return err_set(0, "process %d did not exit within %d ms", (int)pid, timeout_ms);
	return r < 0 ? err_set(errno, "poll pidfd") : 0;
}

int load_saved_spec(int dirfd, struct spec **out)
{
	_cleanup_free_ char *raw = NULL;
	size_t len;
	if (read_regular_file_at(dirfd, STATE_CONFIG_FILE, 64 << 20, true, &raw, &len) < 0)
		return -1;
	return spec_parse(raw, len, out);
}

static int wait_fifo_or_exit(int fifo, const struct cstate *st)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	struct pollfd p[2] = {{.fd = fifo, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
	for (;;) {
		int r = poll(p, pidfd >= 0 ? 2 : 1, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(errno, "poll exec fifo");
		char b;
		if (p[0].revents & POLLIN) {
			ssize_t n = read(fifo, &b, 1);
			if (n == 1)
				return 0;
		}
		if (p[1].revents & POLLIN || p[0].revents & (POLLHUP | POLLERR))
			return err_set(0, "container init exited before start");
	}
}

/* After the init saw us: EOF when it execs, or the error text that stopped
 * it (a startContainer hook, the exec itself). */
static int wait_exec(int fifo)
{
	char msg[1024];
	size_t len = 0;
	struct pollfd p = {.fd = fifo, .events = POLLIN};
	for (;;) {
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return err_set(errno, "poll exec fifo");
		}
		ssize_t n = read(fifo, msg + len, sizeof(msg) - 1 - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0 || (len += (size_t)n) == sizeof(msg) - 1)
			break;
	}
	if (!len)
		return 0;
	msg[len] = 0;
	return err_set(0, "%s", msg);
}

int start_created(int dirfd, const struct cstate *st, const struct spec *spec)
{
	_cleanup_close_ int fifo = openat(dirfd, STATE_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return err_set(errno, "open exec fifo");
	log_debug("start: releasing init %d (exec.fifo)", (int)st->pid);
	if (wait_fifo_or_exit(fifo, st) < 0)
		return -1;
	unlinkat(dirfd, STATE_FIFO, 0);
	if (wait_exec(fifo) < 0) {
		err_prefix("start");
		return -1;
	}
	log_debug("start: init %d has exec'd the container process", (int)st->pid);

	_cleanup_spec_ struct spec *saved = NULL;
	if (!spec) {
		if (load_saved_spec(dirfd, &saved) < 0)
			return -1;
		spec = saved;
	}
	if (!spec->hooks.count[HOOK_POSTSTART])
		return 0;
	_cleanup_free_ char *json = state_hook_json(st, STATUS_RUNNING, st->pid);
	if (hooks_run(&spec->hooks, HOOK_POSTSTART, json, st->bundle) < 0) {
		/* the spec: a failed poststart hook stops the container */
		ERR_KEEP(signal_init(st, SIGKILL, true));
		return -1;
	}
	return 0;
}

int start_notified(int dirfd, const struct cstate *st, const struct spec *spec)
{
	const char *host = notify_socket_host();
	_cleanup_close_ int notify = -1;
	if (host && notify_socket_bind(dirfd, &notify) < 0)
		return -1;
	if (start_created(dirfd, st, spec) < 0)
		return -1;
	if (notify < 0)
		return 0;
	/* kill and delete must not wait for a container that never says READY */
	flock(dirfd, LOCK_UN);
	return notify_socket_wait_ready(notify, host, st->pid);
}

int container_start(const struct global_opts *g, const char *id)
{
	struct cstate st = {0};
	_cleanup_close_ int fd = state_open_locked(g, id, true, &st);
	if (fd < 0)
		return -1;
	int rc;
	switch (state_status(fd, &st)) {
	case STATUS_CREATED:
		rc = start_notified(fd, &st, NULL);
		break;
	case STATUS_STOPPED:
		rc = err_set(0, "cannot start a container that has stopped");
		break;
	default:
		rc = err_set(0, "cannot start an already running container");
	}
	state_free(&st);
	return rc;
}

int container_kill(const struct global_opts *g, const char *id, int sig, bool all)
{
	struct cstate st = {0};
	_cleanup_close_ int fd = state_open_locked(g, id, false, &st);
	if (fd < 0)
		return -1;
	int rc = 0;
	enum status s = state_status(fd, &st);
	if (s == STATUS_STOPPED && !all) {
		rc = err_set(0, "container not running");
	} else if (all && st.cgroup_path) {
		rc = container_kill_all(&st, sig);
	} else if (s != STATUS_STOPPED) {
		rc = signal_init(&st, sig, false);
		/* a frozen task only dies once thawed; runc thaws for SIGKILL only */
		if (rc == 0 && s == STATUS_PAUSED && sig == SIGKILL)
			container_thaw_quiet(&st);
	}
	state_free(&st);
	return rc;
}

int destroy_container(const struct global_opts *g, const struct cstate *st, const struct spec *spec,
		      const char *hooks_dir)
{
	log_debug("removing container %s: cgroup, poststop hooks, state", st->id);
	if (st->cgroup_path) {
		struct cgroup cg = {0};
		if (cgroup_init(&cg, st->cgroup_path, st->id, st->cgroup_systemd) < 0 ||
		    cg.drv->destroy(&cg) < 0)
			/* runc's level, though the delete goes on and succeeds */
			log_error("delete %s: %s", st->id, err_msg());
		cgroup_fini(&cg);
	}
	if (spec && spec->linux.intel_rdt)
		rdt_destroy(RDT_ROOT, spec->linux.intel_rdt, st->id);
	if (spec && spec->hooks.count[HOOK_POSTSTOP]) {
		_cleanup_free_ char *json = state_hook_json(st, STATUS_STOPPED, 0);
		if (hooks_run(&spec->hooks, HOOK_POSTSTOP, json, hooks_dir) < 0)
			log_warn("%s", err_msg());
	}
	return state_dir_remove(g->root, st->id);
}

/* Kills whatever still runs and waits for the init to be gone. The init
 * of its own pid namespace takes every process of the container with it;
 * only without one is the whole cgroup killed, as runc does: a cgroup
 * that held processes before the container (a warning at create) may be
 * shared, and its other processes are not ours to kill. */
static int kill_container(const struct cstate *st, const struct spec *spec)
{
	log_debug("delete: killing the container (init %d)", (int)st->pid);
	bool own_pidns = spec && spec->linux.ns[NS_PID].present && !spec->linux.ns[NS_PID].path;
	if (st->cgroup_path && !own_pidns) {
		struct cgroup cg = {0};
		if (cgroup_init(&cg, st->cgroup_path, st->id, st->cgroup_systemd) == 0)
			(void)cg.drv->kill_all(&cg, SIGKILL);
		cgroup_fini(&cg);
	}
	/* a create killed before its init existed left no pid */
	if (st->pid <= 0)
		return 0;
	if (signal_init(st, SIGKILL, true) < 0)
		return -1;
	container_thaw_quiet(st); /* delete -f of a paused container */
	return wait_exit(st->pid, 10000);
}

int container_delete(const struct global_opts *g, const char *id, bool force)
{
	if (state_validate_id(id) < 0)
		return -1;
	_cleanup_close_ int fd = state_dir_open(g->root, id);
	if (fd < 0)
		return -1;
	struct cstate st = {0};
	if (state_lock(fd, true) < 0)
		return -1;
	if (state_read(fd, &st) < 0) {
		/* a create that died half-way leaves no state.json: let -f clean up */
		if (!force)
			return -1;
		/* a state.json that is there but unreadable (tampered) is
		 * said, not silently dropped with the directory */
		if (faccessat(fd, STATE_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			log_warn("delete %s: %s", id, err_msg());
		return state_dir_remove(g->root, id);
	}
	int rc = 0;
	enum status s = state_status(fd, &st);
	if (s == STATUS_RUNNING || s == STATUS_PAUSED) {
		if (!force)
			rc = err_set(0, "cannot delete container %s that is not stopped: %s", id,
				     status_name(s));
	}
	_cleanup_spec_ struct spec *spec = NULL;
	if (rc == 0 && load_saved_spec(fd, &spec) < 0)
		log_warn("delete %s: %s", id, err_msg());
	/* a create that died half-way (stopped) may have left its init
	 * waiting and processes in the cgroup */
	if (rc == 0 && (s != STATUS_STOPPED || st.creator > 0))
		rc = kill_container(&st, spec);
	if (rc == 0)
		rc = destroy_container(g, &st, spec, NULL);
	state_free(&st);
	return rc;
}

int container_state_json(const struct global_opts *g, const char *id, char **out)
{
	if (state_validate_id(id) < 0)
		return -1;
	_cleanup_close_ int fd = state_dir_open(g->root, id);
	if (fd < 0)
		return -1;
	struct cstate st = {0};
	if (state_read(fd, &st) < 0)
		return -1;
	*out = state_to_json(&st, state_status(fd, &st), true);
	state_free(&st);
	return 0;
}

struct list_acc {
	struct container_info *v;
	size_t n, cap;
};

static int list_one(const char *id, int dirfd, void *ud)
{
	struct list_acc *acc = ud;
	struct container_info ci = {0};
	(void)id;
	if (state_read(dirfd, &ci.st) < 0)
		return 0; /* being created or deleted right now: not listed */
	ci.status = state_status(dirfd, &ci.st);
	/* runc shows the owner of the state directory in list */
	struct stat sb;
	struct passwd *pw;
	if (fstat(dirfd, &sb) == 0 && (pw = getpwuid(sb.st_uid)))
		ci.st.owner = arena_strdup(&ci.st.arena, pw->pw_name);
	if (acc->n == acc->cap) {
		acc->cap = acc->cap ? acc->cap * 2 : 8;
		acc->v = xrealloc(acc->v, acc->cap * sizeof(*acc->v));
	}
	acc->v[acc->n++] = ci;
	return 0;
}

int container_list(const struct global_opts *g, struct container_info **out, size_t *n)
{
	struct list_acc acc = {0};
	if (state_list(g->root, list_one, &acc) < 0) {
		container_list_free(acc.v, acc.n);
		return -1;
	}
	*out = acc.v;
	*n = acc.n;
	return 0;
}

void container_list_free(struct container_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		state_free(&v[i].st);
	free(v);
}
