/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper, built static by test/security/runtime_proc.bats and run in
 * a container: makes one syscall through another ABI of an x86_64 kernel,
 * as a seccomp architecture bypass would.
 *
 *   arch_probe i386 NR ARG   int $0x80 (the i386 ABI)
 *   arch_probe x32 NR ARG    syscall with __X32_SYSCALL_BIT set
 *   arch_probe x86_64 NR ARG the native ABI
 * prints "ret=N" (N >= 0) or "errno=N". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: arch_probe i386|x32|x86_64 NR ARG\n");
		return 2;
	}
	long nr = strtol(argv[2], NULL, 0), arg = strtol(argv[3], NULL, 0), ret;
#if defined(__x86_64__)
	if (strcmp(argv[1], "i386") == 0) {
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(arg) : "memory");
	} else {
		if (strcmp(argv[1], "x32") == 0)
			nr |= 0x40000000L;
		__asm__ volatile("syscall"
				 : "=a"(ret)
				 : "a"(nr), "D"(arg)
				 : "rcx", "r11", "memory");
	}
#else
	(void)nr;
	(void)arg;
	ret = -38;
#endif
	if (ret < 0 && ret > -4096)
		printf("errno=%ld\n", -ret);
	else
		printf("ret=%ld\n", ret);
	return 0;
}
