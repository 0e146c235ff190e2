/* SPDX-License-Identifier: Apache-2.0 */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
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
	char name[256], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	ssize_t r;
	do {
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return err_set(errno, "receive the console");
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return err_set(0, "receive the console: no file descriptor");
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Bind-mounts the pty peer at /dev/console without a path to it: the peer
 * is opened from the master (TIOCGPTPEER), so cloned as a detached mount. */
static int mount_console(int peer)
{
	int fd = openat(AT_FDCWD, "/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(errno, "create /dev/console");
	close(fd);
	int tree = (int)syscall(SYS_open_tree, peer, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
							   AT_EMPTY_PATH);
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
