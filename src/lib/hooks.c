/* SPDX-License-Identifier: Apache-2.0 */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

__attribute__((noreturn)) static void hook_child(const struct spec_hook *h, int stdin_fd)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(stdin_fd, STDIN_FILENO) < 0)
		_exit(127);
	syscall(SYS_close_range, 3, ~0U, 0);
	char *argv_default[] = {h->path, NULL};
	char *env_empty[] = {NULL};
	execve(h->path, h->args && h->args[0] ? h->args : argv_default, h->env ? h->env : env_empty);
	dprintf(STDERR_FILENO, "corun: exec hook %s: %s\n", h->path, strerror(errno));
	_exit(127);
}

/* Waits for the hook, killing it after timeout seconds (0 = no limit). */
static int wait_hook(pid_t pid, int timeout, int *status)
{
	_cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (timeout > 0 && pfd >= 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		int r;
		do {
			r = poll(&p, 1, timeout * 1000);
		} while (r < 0 && errno == EINTR);
		if (r == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return 1;
		}
	}
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return err_set(errno, "wait for hook");
	return 0;
}

static int run_one(const struct spec_hook *h, const char *name, size_t i, const char *state)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return err_set(errno, "%s hook #%zu: pipe", name, i);
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return err_set(errno, "%s hook #%zu: fork", name, i);
	}
	if (pid == 0)
		hook_child(h, p[0]);
	close(p[0]);
	/* a hook that does not read its stdin must not kill us with SIGPIPE */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	(void)write_all(p[1], state, strlen(state));
	close(p[1]);
	signal(SIGPIPE, old);
	int status = 0;
	int r = wait_hook(pid, h->timeout, &status);
	if (r < 0)
		return -1;
	if (r == 1)
		return err_set(0, "%s hook #%zu (%s): timed out after %ds", name, i, h->path,
			       h->timeout);
	if (WIFSIGNALED(status))
		return err_set(0, "%s hook #%zu (%s): killed by signal %d", name, i, h->path,
			       WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		return err_set(0, "%s hook #%zu (%s): exit status %d", name, i, h->path,
			       WEXITSTATUS(status));
	return 0;
}

int hooks_run(const struct spec_hooks *h, enum hook_kind kind, const char *state_json)
{
	for (size_t i = 0; i < h->count[kind]; i++)
		if (run_one(&h->list[kind][i], hook_kind_name(kind), i, state_json) < 0)
			return -1;
	return 0;
}
