/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper, built static by test/integration/seccomp.bats and run
 * inside a container: makes one raw syscall and reports what came back.
 *
 *   seccomp_probe call NAME|NR [ARG...]  prints "ret=N" or "errno=N"
 *   seccomp_probe trap NAME|NR [ARG...]  as call, but catches SIGSYS and
 *                                        prints "SIGSYS syscall=N data=N"
 * ARGs are integers (0x... and 0... accepted). Exit status 0 unless the
 * usage is wrong. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	long nr;
} names[] = {
    {"getpid", SYS_getpid},
    {"getppid", SYS_getppid},
    {"personality", SYS_personality},
    {"umask", SYS_umask},
    {"kill", SYS_kill},
    {"mkdirat", SYS_mkdirat},
    {"getpriority", SYS_getpriority},
    {"getpgid", SYS_getpgid},
};

static long syscall_nr(const char *s)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, s) == 0)
			return names[i].nr;
	char *end;
	long nr = strtol(s, &end, 0);
	if (*s == '\0' || *end != '\0') {
		fprintf(stderr, "seccomp_probe: unknown syscall %s\n", s);
		exit(2);
	}
	return nr;
}

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	char buf[64];
	int n =
	    snprintf(buf, sizeof(buf), "SIGSYS syscall=%d data=%d\n", si->si_syscall, si->si_errno);
	(void)!write(STDOUT_FILENO, buf, (size_t)n);
	_exit(0);
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "call") && strcmp(argv[1], "trap"))) {
		fprintf(stderr, "usage: seccomp_probe call|trap NAME|NR [ARG...]\n");
		return 2;
	}
	if (strcmp(argv[1], "trap") == 0) {
		struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
		sigaction(SIGSYS, &sa, NULL);
	}
	long nr = syscall_nr(argv[2]), a[6] = {0};
	for (int i = 3; i < argc && i < 9; i++)
		a[i - 3] = (long)strtoul(argv[i], NULL, 0);
	errno = 0;
	long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (r == -1 && errno)
		printf("errno=%d\n", errno);
	else
		printf("ret=%ld\n", r);
	return 0;
}
