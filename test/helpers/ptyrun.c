/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper: a terminal that types a file and records the screen.
 * ptyrun [-q] [-i IN] [-o OUT] [-w MARK] [-t SECS] [-s PIDFILE] -- CMD [ARG...]
 * Runs CMD on a fresh pty (its controlling terminal, stdin/stdout/stderr);
 * -q: the pty starts without echo (typed-ahead input a program leaves
 * unread is then not echoed once it has restored the terminal and exited).
 * Once MARK (if given) has come out of the pty, writes IN to it as fast as
 * the pty takes it, while everything the pty prints after MARK goes to OUT.
 * Neither direction waits for the other. Ends when CMD has exited and the
 * pty is closed (or quiet for 2 s); after SECS (default 60) CMD is killed.
 * Prints on stderr "ptyrun: rc=N in=B out=B secs=S cpu=C" (S: from the
 * first byte of input, or of output without IN, to the end; C: CPU seconds
 * CMD itself used) and exits with CMD's exit code, 124 on the timeout. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "ptyrun: %s: %s\n", what, strerror(errno));
	exit(125);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of a zombie not yet reaped (its own, not its children's). */
static double cpu_of(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	unsigned long ut = 0, st = 0;
	/* after "pid (comm)": state is field 3, utime 14, stime 15 */
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static pid_t spawn(int master, char **argv, bool quiet)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid)
		return pid;
	setsid();
	int s = open(ptsname(master), O_RDWR);
	if (s < 0)
		die("open the pty");
	ioctl(s, TIOCSCTTY, 0);
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	ioctl(s, TIOCSWINSZ, &ws);
	struct termios t;
	if (quiet && tcgetattr(s, &t) == 0) {
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(s, TCSANOW, &t);
	}
	dup2(s, 0);
	dup2(s, 1);
	dup2(s, 2);
	if (s > 2)
		close(s);
	close(master);
	execvp(argv[0], argv);
	die(argv[0]);
	return -1;
}

struct out {
	int fd;
	const char *mark;
	size_t matched; /* bytes of mark seen so far */
	size_t bytes;
};

/* Output up to the end of mark is dropped. */
static void take_output(struct out *o, const char *buf, size_t n)
{
	size_t i = 0;
	if (o->mark) {
		size_t ml = strlen(o->mark);
		for (; i < n && o->matched < ml; i++)
			o->matched =
			    buf[i] == o->mark[o->matched] ? o->matched + 1 : (buf[i] == o->mark[0]);
		if (o->matched < ml)
			return;
		o->mark = NULL;
	}
	for (size_t done = i; done < n;) {
		ssize_t w = write(o->fd, buf + done, n - done);
		if (w < 0)
			die("write the output file");
		done += (size_t)w;
	}
	o->bytes += n - i;
}

int main(int argc, char **argv)
{
	const char *in_path = NULL, *out_path = "/dev/null", *pidfile = NULL;
	struct out o = {0};
	int secs = 60, c;
	bool quiet = false;
	while ((c = getopt(argc, argv, "+qi:o:w:t:s:")) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'i')
			in_path = optarg;
		else if (c == 'o')
			out_path = optarg;
		else if (c == 'w')
			o.mark = optarg;
		else if (c == 't')
			secs = atoi(optarg);
		else if (c == 's')
			pidfile = optarg;
		else
			return 125;
	}
	if (optind >= argc) {
		fprintf(stderr,
			"usage: ptyrun [-q] [-i IN] [-o OUT] [-w MARK] [-t SECS] -- CMD...\n");
		return 125;
	}
	const char *in = "";
	size_t in_len = 0, in_off = 0;
	if (in_path) {
		int fd = open(in_path, O_RDONLY);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0)
			die(in_path);
		in_len = (size_t)st.st_size;
		if (in_len &&
		    (in = mmap(NULL, in_len, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
			die("mmap");
		close(fd);
	}
	o.fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (o.fd < 0)
		die(out_path);
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		die("posix_openpt");
	pid_t pid = spawn(master, argv + optind, quiet);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (f)
			fprintf(f, "%d\n", (int)pid), fclose(f);
	}
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	double start = 0, deadline = now() + secs, quiet_until = 0, end = 0;
	int status = 0, rc = -1;
	bool exited = false;
	double cpu = -1;
	char buf[65536];
	for (;;) {
		bool typing = !o.mark && in_off < in_len;
		if (typing && !start)
			start = now();
		struct pollfd p = {.fd = master, .events = POLLIN | (typing ? POLLOUT : 0)};
		double t = now();
		if (t > deadline) {
			kill(pid, SIGKILL);
			rc = 124;
			break;
		}
		if (exited && t > quiet_until)
			break;
		int n = poll(&p, 1, 100);
		if (n > 0 && (p.revents & POLLOUT)) {
			ssize_t w = write(master, in + in_off, in_len - in_off);
			if (w > 0)
				in_off += (size_t)w;
		}
		if (n > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t r = read(master, buf, sizeof(buf));
			if (r > 0) {
				if (!start && !in_path)
					start = now();
				take_output(&o, buf, (size_t)r);
				end = now();
				quiet_until = end + 2;
			} else if (r < 0 && errno == EIO && exited) {
				break; /* every holder of the slave is gone */
			} else if (r < 0 && errno == EIO) {
				usleep(10000); /* closed, not yet reaped */
			}
		}
		siginfo_t si = {0};
		if (!exited && waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid) {
			cpu = cpu_of(pid);
			waitpid(pid, &status, 0);
			exited = true;
			end = end > t ? end : t;
			quiet_until = now() + 2;
		}
	}
	double secs_used = start && end > start ? end - start : 0;
	if (rc < 0)
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	else
		waitpid(pid, &status, 0);
	fprintf(stderr, "ptyrun: rc=%d in=%zu out=%zu secs=%.3f cpu=%.2f\n", rc, in_off, o.bytes,
		secs_used, cpu);
	return rc;
}
