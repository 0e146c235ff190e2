/* SPDX-License-Identifier: Apache-2.0 */
/* OCI hooks: fork+execve each one with the state JSON on its stdin, then
 * wait for it with a pidfd so a timeout needs no sleeping or signals. */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

struct hook_run {
	const struct spec_hook *h;
	const char *kind; /* "prestart", ... */
	size_t idx;
	pid_t pid;
	int pidfd;    /* -1 when closed */
	int stdin_wr; /* our end of the hook's stdin; -1 once all is written */
};

/* Closes every fd from 3 up except keep, which is close-on-exec anyway and
 * reports an execve failure to the parent. */
static void close_fds_except(int keep)
{
	if (keep > 3)
		syscall(SYS_close_range, 3, keep - 1, 0);
	syscall(SYS_close_range, keep >= 3 ? keep + 1 : 3, ~0U, 0);
}

__attribute__((noreturn)) static void hook_child(const struct spec_hook *h, int in_fd, int err_fd)
{
	/* ignored signals and the mask survive execve: give the hook defaults */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	/* dup2 clears close-on-exec, except when the pipe already is fd 0 */
	int r = in_fd == STDIN_FILENO ? fcntl(in_fd, F_SETFD, 0) : dup2(in_fd, STDIN_FILENO);
	if (r >= 0) {
		close_fds_except(err_fd);
		char *argv_default[] = {h->path, NULL};
		/* as runc (Go's exec.Cmd): no env in the config means the runtime's */
		execve(h->path, h->args && h->args[0] ? h->args : argv_default,
		       h->env ? h->env : environ);
	}
	int e = errno;
	(void)!write(err_fd, &e, sizeof(e));
	_exit(127);
}

/* Forks the hook; returns 0 once it has exec'd, or -1 with the reason. */
static int spawn(struct hook_run *r)
{
	int in[2], ep[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return err_set(errno, "pipe");
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return err_set(errno, "pipe");
	}
	r->pid = fork();
	if (r->pid == 0)
		hook_child(r->h, in[0], ep[1]);
	int fork_err = errno;
	close(in[0]);
	close(ep[1]);
	r->stdin_wr = in[1];
	_cleanup_close_ int err_rd = ep[0];
	if (r->pid < 0)
		return err_set(fork_err, "fork");
	/* EOF: exec succeeded (the pipe is close-on-exec); else the child's errno */
	int e = 0;
	ssize_t n = read_all(err_rd, &e, sizeof(e));
	if (n == (ssize_t)sizeof(e)) {
		waitpid(r->pid, NULL, 0);
		r->pid = -1;
		return err_set(e, "exec");
	}
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	/* a hook that never reads stdin must not stall us past its timeout */
	if (r->pidfd < 0 || fcntl(r->stdin_wr, F_SETFL, O_NONBLOCK) < 0) {
		int err = errno;
		kill(r->pid, SIGKILL);
		return err_set(err, "%s", r->pidfd < 0 ? "pidfd_open" : "set O_NONBLOCK");
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes what the pipe takes; closes our end when done or the hook stopped
 * reading (EPIPE: SIGPIPE is ignored meanwhile by the caller). */
static void feed(struct hook_run *r, const char **data, size_t *left)
{
	ssize_t n = write(r->stdin_wr, *data, *left);
	if (n > 0) {
		*data += n;
		*left -= (size_t)n;
	}
	if (*left == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		close(r->stdin_wr);
		r->stdin_wr = -1;
	}
}

/* Feeds the state and waits for exit. 1: timed out (hook killed), 0: exited. */
static int supervise(struct hook_run *r, const char *state)
{
	size_t left = strlen(state);
	int64_t deadline = r->h->timeout > 0 ? now_ms() + (int64_t)r->h->timeout * 1000 : -1;
	for (;;) {
		struct pollfd p[2] = {{.fd = r->pidfd, .events = POLLIN},
				      {.fd = r->stdin_wr, .events = POLLOUT}};
		int wait = -1;
		if (deadline >= 0) {
			int64_t rem = deadline - now_ms();
			wait = rem > 0 ? (int)rem : 0;
		}
		int n = poll(p, r->stdin_wr >= 0 ? 2 : 1, wait);
		if (n < 0 && errno != EINTR)
			return err_set(errno, "poll");
		if (n == 0) {
			syscall(SYS_pidfd_send_signal, r->pidfd, SIGKILL, NULL, 0);
			return 1;
		}
		if (n > 0 && p[0].revents)
			return 0;
		if (n > 0 && p[1].revents)
			feed(r, &state, &left);
	}
}

static int reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return err_set(errno, "wait");
	return 0;
}

static int check_status(int status)
{
	if (WIFSIGNALED(status))
		return err_set(0, "killed by signal %d", WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		return err_set(0, "exit status %d", WEXITSTATUS(status));
	return 0;
}

static int run_one(struct hook_run *r, const char *state)
{
	log_debug("%s hook #%zu: %s", r->kind, r->idx, r->h->path);
	int status = 0, rc = spawn(r);
	if (rc == 0) {
		struct sigaction ign = {.sa_handler = SIG_IGN}, old;
		sigaction(SIGPIPE, &ign, &old);
		rc = supervise(r, state);
		sigaction(SIGPIPE, &old, NULL);
	}
	if (r->stdin_wr >= 0)
		close(r->stdin_wr);
	if (r->pidfd >= 0)
		close(r->pidfd);
	if (r->pid > 0 && reap(r->pid, &status) < 0)
		rc = -1;
	if (rc == 1)
		rc = err_set(0, "timed out after %ds", r->h->timeout);
	else if (rc == 0)
		rc = check_status(status);
	if (rc < 0)
		return err_prefix("%s hook #%zu (%s)", r->kind, r->idx, r->h->path);
	return 0;
}

int hooks_run(const struct spec_hooks *h, enum hook_kind kind, const char *state_json)
{
	for (size_t i = 0; i < h->count[kind]; i++) {
		struct hook_run r = {
		    .h = &h->list[kind][i],
		    .kind = hook_kind_name(kind),
		    .idx = i,
		    .pid = -1,
		    .pidfd = -1,
		    .stdin_wr = -1,
		};
		if (run_one(&r, state_json) < 0)
			return -1;
	}
	return 0;
}
