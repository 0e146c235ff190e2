/* SPDX-License-Identifier: Apache-2.0 */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <linux/mount.h>

#include "fdpass.h"

int terminal_connect(const char *path)
{
	return unix_connect(path, "console socket");
}

static int send_fd(int sock, int fd, const char *name)
{
	if (unix_send_fd(sock, fd, name) < 0)
		return err_prefix("send the console to the console socket");
	return 0;
}

int terminal_recv_master(int sock)
{
	char name[256];
	int fd;
	if (fd_recv(sock, name, sizeof(name), &fd, 0) < 0)
		return err_set(errno, "receive the console");
	if (fd < 0)
		return err_set(0, "receive the console: no file descriptor");
	return fd;
}

/* Bind-mounts the pty peer at /dev/console without a path to it: the peer
 * is opened from the master (TIOCGPTPEER), so cloned as a detached mount. */
static int mount_console(int peer)
{
	int fd =
	    openat(AT_FDCWD, "/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(errno, "create /dev/console");
	close(fd);
	int tree = (int)syscall(SYS_open_tree, peer, "",
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return err_set(errno, "clone the console");
	int r = (int)syscall(SYS_move_mount, tree, "", AT_FDCWD, "/dev/console",
			     MOVE_MOUNT_F_EMPTY_PATH);
	int e = errno;
	close(tree);
	return r < 0 ? err_set(e, "mount /dev/console") : 0;
}

/* console: also mount the peer at /dev/console (the init; an exec'd
 * process shares the container's /dev and must not replace it). */
static int setup_pty(int console_fd, const struct spec_process *p, bool console)
{
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return err_set(errno, "open /dev/ptmx in the container");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return err_set(errno, "unlock pty");
	_cleanup_close_ int peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (peer < 0)
		return err_set(errno, "open pty peer");
	/* the process's terminal is its own (as runc: the group stays the one
	 * devpts gave, gid= or ours; the mode is devpts' mode=) */
	if (fchown(peer, p->user.uid, (gid_t)-1) < 0)
		return err_set(errno, "chown the pty to uid %u", p->user.uid);
	if (p->has_console_size) {
		struct winsize ws = {.ws_row = (unsigned short)p->console_height,
				     .ws_col = (unsigned short)p->console_width};
		ioctl(peer, TIOCSWINSZ, &ws);
	}
	if (console && mount_console(peer) < 0)
		return -1;
	if (send_fd(console_fd, master, "/dev/ptmx") < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (dup2(peer, i) < 0)
			return err_set(errno, "dup2 pty to fd %d", i);
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		return err_set(errno, "set controlling terminal");
	return 0;
}

int terminal_setup_init(int console_fd, const struct spec_process *p)
{
	return setup_pty(console_fd, p, true);
}

int terminal_setup_exec(int console_fd, const struct spec_process *p)
{
	return setup_pty(console_fd, p, false);
}

int terminal_raw(int fd, struct termios *saved)
{
	if (tcgetattr(fd, saved) < 0)
		return -1;
	struct termios t = *saved;
	cfmakeraw(&t);
	/* as runc: output processing stays on (the container's pty sends bare
	 * NLs, tty_relay_new), so a raw program's "\n" still starts a line */
	t.c_oflag = saved->c_oflag;
	return tcsetattr(fd, TCSANOW, &t);
}

void terminal_restore(int fd, const struct termios *saved)
{
	tcsetattr(fd, TCSANOW, saved);
}

int terminal_copy_size(int from_fd, int to_fd)
{
	struct winsize ws;
	if (ioctl(from_fd, TIOCGWINSZ, &ws) < 0)
		return -1;
	/* a terminal without a size (a pty nobody sized) must not wipe out
	 * process.consoleSize */
	if (!ws.ws_row && !ws.ws_col)
		return 0;
	return ioctl(to_fd, TIOCSWINSZ, &ws);
}

/* The foreground relay. Each direction has a buffer; nothing ever blocks:
 * the master is non-blocking, stdin and stdout are reopened non-blocking
 * (a file description of our own, so the shell sharing the terminal never
 * sees O_NONBLOCK). A side is polled only when there is something to do:
 * the reader while its buffer has room, the writer while it holds data. */
#define RELAY_BUF 65536

struct relay_end {
	int fd;
	bool own;      /* a reopened fd, closed by us */
	bool sock;     /* a socket: MSG_DONTWAIT instead of O_NONBLOCK */
	bool blocking; /* could not be made non-blocking: small writes only */
};

struct relay_buf {
	size_t off, len;
	char data[RELAY_BUF];
};

struct tty_relay {
	int master;
	struct relay_end in, out;
	struct relay_buf to_ct, to_user;
	bool in_open;	  /* stdin not at EOF */
	bool master_open; /* the container side not gone (EIO) */
	bool master_hup;  /* POLLHUP seen while there was no room to read */
	bool out_ok;	  /* stdout takes data; after an error output is dropped */
};

/* A pty master must not be reopened: that would make a new pty. */
static bool is_pty_master(int fd)
{
	int n;
	return ioctl(fd, TIOCGPTN, &n) == 0;
}

static void end_init(struct relay_end *e, int fd, int mode)
{
	*e = (struct relay_end){.fd = fd};
	struct stat st;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fstat(fd, &st) < 0 || (fl & O_NONBLOCK))
		return;
	if (S_ISSOCK(st.st_mode)) {
		e->sock = true;
		return;
	}
	/* files and other devices do not block for long */
	if (!S_ISFIFO(st.st_mode) && !isatty(fd))
		return;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int nfd = is_pty_master(fd) ? -1 : open(path, mode | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (nfd >= 0) {
		e->fd = nfd;
		e->own = true;
	} else {
		e->blocking = true;
	}
}

static ssize_t end_read(const struct relay_end *e, void *buf, size_t n)
{
	return e->sock ? recv(e->fd, buf, n, MSG_DONTWAIT) : read(e->fd, buf, n);
}

static ssize_t end_write(const struct relay_end *e, const void *buf, size_t n)
{
	if (e->sock)
		return send(e->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	/* after POLLOUT a pipe or tty takes PIPE_BUF bytes without blocking */
	if (e->blocking && n > PIPE_BUF)
		n = PIPE_BUF;
	return write(e->fd, buf, n);
}

static size_t buf_room(const struct relay_buf *b)
{
	return RELAY_BUF - b->len;
}

/* Reads what fd has into b: 1 data, 0 nothing now, -1 EOF or error. */
static int buf_fill(struct relay_buf *b, const struct relay_end *e)
{
	if (b->off + b->len == RELAY_BUF) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	ssize_t n = end_read(e, b->data + b->off + b->len, RELAY_BUF - b->off - b->len);
	if (n > 0) {
		b->len += (size_t)n;
		return 1;
	}
	return n < 0 && (errno == EAGAIN || errno == EINTR) ? 0 : -1;
}

/* Writes what b holds to e, keeping what did not fit: 0, or -1 on error. */
static int buf_flush(struct relay_buf *b, const struct relay_end *e)
{
	while (b->len) {
		ssize_t n = end_write(e, b->data + b->off, b->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		b->off += (size_t)n;
		b->len -= (size_t)n;
		if (e->blocking)
			break; /* poll again before the next write */
	}
	b->off = b->len ? b->off : 0;
	return 0;
}

struct tty_relay *tty_relay_new(int master, int in_fd, int out_fd)
{
	struct tty_relay *t = calloc(1, sizeof(*t));
	if (!t) {
		err_set(errno, "allocate the terminal relay");
		return NULL;
	}
	int fl = fcntl(master, F_GETFL);
	if (fl < 0 || fcntl(master, F_SETFL, fl | O_NONBLOCK) < 0) {
		err_set(errno, "make the pty master non-blocking");
		free(t);
		return NULL;
	}
	/* as runc: NL goes out as is; our terminal's ONLCR maps it */
	struct termios tio;
	if (tcgetattr(master, &tio) == 0) {
		tio.c_oflag &= ~(tcflag_t)ONLCR;
		tcsetattr(master, TCSANOW, &tio);
	}
	t->master = master;
	t->master_open = t->out_ok = t->in_open = true;
	end_init(&t->in, in_fd, O_RDONLY);
	end_init(&t->out, out_fd, O_WRONLY);
	return t;
}

void tty_relay_free(struct tty_relay *t)
{
	if (!t)
		return;
	if (t->in.own)
		close(t->in.fd);
	if (t->out.own)
		close(t->out.fd);
	free(t);
}

/* The container side is gone: what is still to go there never will. */
static void master_gone(struct tty_relay *t)
{
	t->master_open = false;
	t->in_open = false;
	t->to_ct.len = t->to_ct.off = 0;
}

void tty_relay_events(const struct tty_relay *t, struct pollfd *p)
{
	short mev = 0;
	/* after a POLLHUP with no room to read, poll would only repeat it */
	if (t->master_open && !t->master_hup) {
		if (buf_room(&t->to_user))
			mev |= POLLIN;
		if (t->to_ct.len)
			mev |= POLLOUT;
	}
	p[0] = (struct pollfd){.fd = t->in_open && buf_room(&t->to_ct) ? t->in.fd : -1,
			       .events = POLLIN};
	/* poll reports POLLHUP even for no events: leave out an idle fd */
	p[1] = (struct pollfd){.fd = mev ? t->master : -1, .events = mev};
	p[2] =
	    (struct pollfd){.fd = t->out_ok && t->to_user.len ? t->out.fd : -1, .events = POLLOUT};
}

/* How to get to the container: from the user, from stdin to the master. */
static void step_to_ct(struct tty_relay *t, const struct pollfd *p)
{
	int got = p[0].revents ? buf_fill(&t->to_ct, &t->in) : 0;
	if (got < 0)
		t->in_open = false; /* EOF: nothing is sent for it (no VEOF) */
	/* the master never blocks: what just came in goes on at once */
	if (((p[1].revents & (POLLOUT | POLLERR)) || (got > 0 && t->master_open)) &&
	    buf_flush(&t->to_ct, &(struct relay_end){.fd = t->master}) < 0)
		master_gone(t);
}

static void step_to_user(struct tty_relay *t, const struct pollfd *p)
{
	int got = 0;
	if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
		if (!buf_room(&t->to_user)) {
			t->master_hup = true; /* until there is room to see the EIO */
		} else {
			t->master_hup = false;
			got = buf_fill(&t->to_user, &(struct relay_end){.fd = t->master});
			if (got < 0)
				master_gone(t);
		}
	}
	/* a non-blocking stdout takes what it can now, without a poll first */
	bool now = got > 0 && t->out_ok && !t->out.blocking;
	if ((p[2].revents || now) && buf_flush(&t->to_user, &t->out) < 0)
		t->out_ok = false;
	/* output nobody takes is dropped, so the container never blocks on it */
	if (!t->out_ok)
		t->to_user.len = t->to_user.off = 0;
	if (buf_room(&t->to_user))
		t->master_hup = false;
}

void tty_relay_step(struct tty_relay *t, const struct pollfd *p)
{
	step_to_ct(t, p);
	step_to_user(t, p);
}

static bool tty_relay_busy(const struct tty_relay *t)
{
	return t->master_open || (t->out_ok && t->to_user.len);
}

void tty_relay_drain(struct tty_relay *t, int idle_ms)
{
	/* a reader that takes nothing for this long is not waited for */
	const int stuck_ms = 30000;
	/* the process is gone: its input with it */
	t->in_open = false;
	t->to_ct.len = t->to_ct.off = 0;
	while (tty_relay_busy(t)) {
		struct pollfd p[TTY_RELAY_NFDS];
		tty_relay_events(t, p);
		int n = poll(p, TTY_RELAY_NFDS, t->to_user.len ? stuck_ms : idle_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		tty_relay_step(t, p);
	}
}
