/* SPDX-License-Identifier: Apache-2.0 */
/* run = create + start + wait: corun stays the parent (and subreaper) of
 * the init, forwards signals to it, relays the terminal when it owns one,
 * and exits with the init's status. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>

#include "lifecycle.h"
#include "log.h"
#include "notify_socket.h"
#include "terminal.h"

static int exit_code_of(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Reaps children; returns true once the init has exited (status in *code). */
static bool reap(pid_t init, int *code)
{
	bool done = false;
	for (;;) {
		int status;
		pid_t p = waitpid(-1, &status, WNOHANG);
		if (p <= 0)
			return done;
		if (p == init) {
			*code = exit_code_of(status);
			done = true;
		}
	}
}

int relay_wait(pid_t init, int sfd, struct relay *r, int *code)
{
	enum { SIG, TTY, NOTIFY = TTY + TTY_RELAY_NFDS, NFDS };
	for (;;) {
		struct pollfd p[NFDS] = {[SIG] = {.fd = sfd, .events = POLLIN},
					 [NOTIFY] = {.fd = r->notify, .events = POLLIN}};
		for (int i = 0; i < TTY_RELAY_NFDS; i++)
			p[TTY + i].fd = -1;
		if (r->tty)
			tty_relay_events(r->tty, &p[TTY]);
		if (poll(p, NFDS, -1) < 0) {
			if (errno == EINTR)
				continue;
			return err_set(errno, "poll");
		}
		if (r->tty)
			tty_relay_step(r->tty, &p[TTY]);
		/* we are the main process systemd watches: MAINPID is ours */
		if ((p[NOTIFY].revents & POLLIN) &&
		    notify_socket_relay(r->notify, r->notify_host, getpid()) < 0)
			log_warn("notify socket: %s", err_msg());
		if (!(p[SIG].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGCHLD) {
			if (reap(init, code)) {
				/* copy what the container wrote last */
				if (r->tty)
					tty_relay_drain(r->tty, 200);
				return 0;
			}
		} else if (si.ssi_signo == SIGWINCH) {
			if (r->master >= 0)
				terminal_copy_size(STDIN_FILENO, r->master);
		} else {
			kill(init, (int)si.ssi_signo);
		}
	}
}

int signals_block(sigset_t *old)
{
	sigset_t all;
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGABRT);
	if (sigprocmask(SIG_BLOCK, &all, old) < 0)
		return err_set(errno, "sigprocmask");
	int fd = signalfd(-1, &all, SFD_CLOEXEC);
	return fd < 0 ? err_set(errno, "signalfd") : fd;
}

int relay_open(int console_fd, struct relay *r)
{
	memset(r, 0, sizeof(*r));
	r->master = r->notify = -1;
	if (console_fd < 0)
		return 0;
	int master = terminal_recv_master(console_fd);
	return master < 0 ? -1 : relay_open_master(master, r);
}

int relay_open_master(int master, struct relay *r)
{
	memset(r, 0, sizeof(*r));
	r->notify = -1;
	r->master = master;
	r->tty = tty_relay_new(r->master, STDIN_FILENO, STDOUT_FILENO);
	if (!r->tty)
		return -1;
	if (isatty(STDIN_FILENO)) {
		terminal_copy_size(STDIN_FILENO, r->master);
		r->raw = terminal_raw(STDIN_FILENO, &r->saved) == 0;
	}
	return 0;
}

void relay_close(struct relay *r)
{
	if (r->raw)
		terminal_restore(STDIN_FILENO, &r->saved);
	tty_relay_free(r->tty);
	r->tty = NULL;
	if (r->master >= 0)
		close(r->master);
	r->raw = false;
	r->master = -1;
}

static int run_foreground(const struct global_opts *g, const struct create_opts *o,
			  struct creation *c, int sfd, int *code)
{
	struct relay r;
	int rc = relay_open(c->console_fd, &r);
	_cleanup_close_ int notify = -1;
	if (rc == 0 && notify_socket_host() && (rc = notify_socket_bind(c->dirfd, &notify)) == 0 &&
	    notify >= 0) {
		r.notify = notify;
		r.notify_host = notify_socket_host();
	}
	if (rc == 0)
		rc = start_created(c->dirfd, &c->st, c->spec);
	if (rc == 0) {
		/* kill, exec, pause, delete -f... must work while we wait */
		flock(c->dirfd, LOCK_UN);
		log_debug("run: waiting for init %d", (int)c->init);
		rc = relay_wait(c->init, sfd, &r, code);
		log_debug("run: init %d exited, exit code %d", (int)c->init, *code);
		if (state_lock(c->dirfd, true) < 0)
			log_warn("%s", err_msg());
	}
	relay_close(&r);
	if (rc < 0) {
		/* never leave a half-started container behind a failed run */
		kill(c->init, SIGKILL);
		waitpid(c->init, NULL, 0);
	}
	if (o->keep || !state_still_ours(c->dirfd))
		return rc;
	/* after a failure, that failure is the news, not the cleanup's */
	if (rc < 0)
		(void)ERR_KEEP(destroy_container(g, &c->st, c->spec, c->st.bundle));
	else if (destroy_container(g, &c->st, c->spec, c->st.bundle) < 0)
		rc = -1;
	return rc;
}

int container_run(const struct global_opts *g, const struct create_opts *o, int *exit_code)
{
	*exit_code = 0;
	/* a double-forked init (joined pid namespace) is reparented to us */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	struct creation c;
	sigset_t old;
	_cleanup_close_ int sfd = -1;
	/* SIGTERM and SIGINT still end us while the bundle is read: only
	 * from the container's making on are they held for its init */
	int rc = creation_load(o, &c);
	if (rc == 0 && !o->detach && (sfd = signals_block(&old)) < 0) {
		creation_free(&c);
		return -1;
	}
	if (rc == 0)
		rc = creation_build(g, o, &c, !o->detach);
	if (rc == 0 && o->detach)
		rc = start_notified(c.dirfd, &c.st, c.spec);
	else if (rc == 0)
		rc = run_foreground(g, o, &c, sfd, exit_code);
	creation_free(&c);
	if (sfd >= 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
