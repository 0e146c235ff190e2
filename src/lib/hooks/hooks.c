/* SPDX-License-Identifier: Apache-2.0 */
/* OCI hooks: fork+execve each one with the state JSON on its stdin, then
 * wait for it with a pidfd so a timeout needs no sleeping or signals. */
#include "hooks.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* The hook's stdout or stderr: kept for the error message, as runc does
 * (a hook says there why it failed); output past the cap is read and
 * dropped so that the hook never blocks on a full pipe. */
#define HOOK_OUT_MAX 1024
struct hook_out {
	int fd; /* -1 at EOF */
	size_t len;
	char buf[HOOK_OUT_MAX + 1];
};

struct hook_run {
	const struct spec_hook *h;
	const char *kind; /* "prestart", ... */
	size_t idx;
	const char *dir; /* working directory, or NULL for ours */
	pid_t pid;
	int pidfd;    /* -1 when closed */
	int stdin_wr; /* our end of the hook's stdin; -1 once all is written */
	struct hook_out out[2];
};

/* What the child reports when it could not exec: the step and errno. */
struct child_err {
	int chdir_failed;
	int err;
};

/* Closes every fd from 3 up except keep, which is close-on-exec anyway and
 * reports an execve failure to the parent. */
static void close_fds_except(int keep)
{
	if (keep > 3)
		syscall(SYS_close_range, 3, keep - 1, 0);
	syscall(SYS_close_range, keep >= 3 ? keep + 1 : 3, ~0U, 0);
}

/* fds: the hook's stdin, stdout, stderr (pipe ends, any numbers, even 0-2
 * when our own stdio was closed). */
__attribute__((noreturn)) static void hook_child(const struct hook_run *r, const int fds[3],
						 int err_fd)
{
	const struct spec_hook *h = r->h;
	struct child_err ce = {0};
	/* ignored signals and the mask survive execve: give the hook defaults */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	/* above 2 first, so that no dup2 below overwrites one still needed */
	int e = fcntl(err_fd, F_DUPFD_CLOEXEC, 3), t[3];
	for (int i = 0; i < 3; i++)
		t[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
	if (e < 0 || t[0] < 0 || t[1] < 0 || t[2] < 0)
		_exit(127);
	for (int i = 0; i < 3; i++) /* dup2 clears close-on-exec */
		if (dup2(t[i], i) < 0)
			_exit(127);
	close_fds_except(e);
	if (r->dir && chdir(r->dir) < 0) {
		ce.chdir_failed = 1;
	} else {
		char *argv_default[] = {h->path, NULL};
		/* as runc (Go's exec.Cmd): no env in the config means the runtime's */
		execve(h->path, h->args && h->args[0] ? h->args : argv_default,
		       h->env ? h->env : environ);
	}
	ce.err = errno;
	(void)!write(e, &ce, sizeof(ce));
	_exit(127);
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
}

/* Forks the hook; returns 0 once it has exec'd, or -1 with the reason. */
static int spawn(struct hook_run *r)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, ep[2] = {-1, -1};
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
	    pipe2(ep, O_CLOEXEC) < 0) {
		int e = errno;
		close_pair(in), close_pair(out), close_pair(err), close_pair(ep);
		return err_set(e, "pipe");
	}
	r->pid = fork();
	if (r->pid == 0)
		hook_child(r, (int[3]){in[0], out[1], err[1]}, ep[1]);
	int fork_err = errno;
	close(in[0]);
	close(out[1]);
	close(err[1]);
	close(ep[1]);
	r->stdin_wr = in[1];
	r->out[0].fd = out[0];
	r->out[1].fd = err[0];
	_cleanup_close_ int err_rd = ep[0];
	if (r->pid < 0)
		return err_set(fork_err, "fork");
	/* EOF: exec succeeded (the pipe is close-on-exec); else the child's errno */
	struct child_err ce = {0};
	ssize_t n = read_all(err_rd, &ce, sizeof(ce));
	if (n == (ssize_t)sizeof(ce)) {
		waitpid(r->pid, NULL, 0);
		r->pid = -1;
		/* runc's (Go's) words */
		if (ce.chdir_failed)
			return err_set(ce.err, "chdir %s", r->dir);
		return err_set(ce.err, "fork/exec %s", r->h->path);
	}
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	/* a hook that never reads stdin must not stall us past its timeout */
	if (r->pidfd < 0 || fcntl(r->stdin_wr, F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(r->out[0].fd, F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(r->out[1].fd, F_SETFL, O_NONBLOCK) < 0) {
		int e = errno;
		kill(r->pid, SIGKILL);
		return err_set(e, "%s", r->pidfd < 0 ? "pidfd_open" : "set O_NONBLOCK");
	}
	return 0;
}

/* Reads what the pipe holds now; closes it at EOF. */
static void collect(struct hook_out *o)
{
	char scratch[4096];
	for (;;) {
		size_t room = HOOK_OUT_MAX - o->len;
		char *to = room ? o->buf + o->len : scratch;
		ssize_t n = read(o->fd, to, room ? room : sizeof(scratch));
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0) {
			if (room)
				o->len += (size_t)n;
			continue;
		}
		if (n == 0 || errno != EAGAIN) {
			close(o->fd);
			o->fd = -1;
		}
		return;
	}
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

/* Feeds the state, keeps the output and waits for exit. 1: timed out
 * (hook killed), 0: exited. */
static int supervise(struct hook_run *r, const char *state)
{
	size_t left = strlen(state);
	int64_t deadline = r->h->timeout > 0 ? now_ms() + (int64_t)r->h->timeout * 1000 : -1;
	for (;;) {
		/* poll skips the entries whose fd is -1 */
		struct pollfd p[4] = {{.fd = r->pidfd, .events = POLLIN},
				      {.fd = r->stdin_wr, .events = POLLOUT},
				      {.fd = r->out[0].fd, .events = POLLIN},
				      {.fd = r->out[1].fd, .events = POLLIN}};
		int wait = -1;
		if (deadline >= 0) {
			int64_t rem = deadline - now_ms();
			wait = rem > 0 ? (int)rem : 0;
		}
		int n = poll(p, 4, wait);
		if (n < 0 && errno != EINTR)
			return err_set(errno, "poll");
		if (n == 0) {
			syscall(SYS_pidfd_send_signal, r->pidfd, SIGKILL, NULL, 0);
			return 1;
		}
		if (n <= 0)
			continue;
		for (int i = 0; i < 2; i++)
			if (p[2 + i].revents && r->out[i].fd >= 0)
				collect(&r->out[i]);
		if (p[1].revents)
			feed(r, &state, &left);
		if (p[0].revents) {
			/* what it wrote before exiting; a child of the hook may
			 * hold the pipes open, so no waiting for EOF */
			for (int i = 0; i < 2; i++)
				if (r->out[i].fd >= 0)
					collect(&r->out[i]);
			return 0;
		}
	}
}

static int reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return err_set(errno, "wait");
	return 0;
}

/* Go's names of the signals (runc prints them): strsignal's, lower case. */
static void signal_name(int sig, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strsignal(sig));
	buf[0] = (char)tolower((unsigned char)buf[0]);
}

/* The failure in runc's words: "exit status 3, stdout: .., stderr: ..". */
static int status_error(const struct hook_run *r, int status)
{
	char what[64];
	if (WIFSIGNALED(status)) {
		char name[48];
		signal_name(WTERMSIG(status), name, sizeof(name));
		snprintf(what, sizeof(what), "signal: %s", name);
	} else if (WEXITSTATUS(status) != 0) {
		snprintf(what, sizeof(what), "exit status %d", WEXITSTATUS(status));
	} else {
		return 0;
	}
	return err_set(0, "error running hook: %s, stdout: %.*s, stderr: %.*s", what,
		       (int)r->out[0].len, r->out[0].buf, (int)r->out[1].len, r->out[1].buf);
}

/* A caller that blocks signals (run, exec) gets SIGPIPE queued even while
 * it is ignored (Linux keeps blocked signals): take it before the default
 * action is back, or the later unblock would kill the caller. */
static void drop_pending_sigpipe(void)
{
	sigset_t pipe;
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	struct timespec zero = {0, 0};
	while (sigtimedwait(&pipe, NULL, &zero) > 0)
		;
}

static int run_one(struct hook_run *r, const char *state)
{
	log_debug("%s hook #%zu: %s", r->kind, r->idx, r->h->path);
	int status = 0, rc = spawn(r);
	if (rc == 0) {
		struct sigaction ign = {.sa_handler = SIG_IGN}, old;
		sigaction(SIGPIPE, &ign, &old);
		rc = supervise(r, state);
		drop_pending_sigpipe();
		sigaction(SIGPIPE, &old, NULL);
	}
	if (r->stdin_wr >= 0)
		close(r->stdin_wr);
	for (int i = 0; i < 2; i++)
		if (r->out[i].fd >= 0)
			close(r->out[i].fd);
	if (r->pidfd >= 0)
		close(r->pidfd);
	if (r->pid > 0 && reap(r->pid, &status) < 0)
		rc = -1;
	if (rc == 1)
		rc = err_set(0, "hook ran past specified timeout of %d.0s", r->h->timeout);
	else if (rc == 0)
		rc = status_error(r, status);
	if (rc < 0) {
		/* runc's words first, which tools look for; ours after */
		err_prefix("error running hook #%zu", r->idx);
		return err_append(" (%s hook %s)", r->kind, r->h->path);
	}
	return 0;
}

int hooks_run(const struct spec_hooks *h, enum hook_kind kind, const char *state_json,
	      const char *dir)
{
	/* poststop runs while a failure may be on its way to the user: its
	 * warnings must not replace that message */
	struct corun_err saved;
	err_copy(&saved);
	for (size_t i = 0; i < h->count[kind]; i++) {
		struct hook_run r = {
		    .h = &h->list[kind][i],
		    .kind = hook_kind_name(kind),
		    .idx = i,
		    .dir = dir,
		    .pid = -1,
		    .pidfd = -1,
		    .stdin_wr = -1,
		    .out = {{.fd = -1}, {.fd = -1}},
		};
		if (run_one(&r, state_json) == 0)
			continue;
		if (kind != HOOK_POSTSTOP)
			return -1;
		/* the spec: a poststop failure is a warning, the others still run */
		log_warn("%s", err_msg());
	}
	if (kind == HOOK_POSTSTOP)
		err_put(&saved);
	return 0;
}
