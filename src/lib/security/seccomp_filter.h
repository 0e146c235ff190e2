/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp: the filter is compiled with libseccomp in the runtime
 * (so a bad profile fails `create` before anything exists), exported as
 * classic BPF, and loaded in the container process with the raw seccomp(2)
 * syscall, which takes every SECCOMP_FILTER_FLAG_* the kernel knows (also
 * WAIT_KILLABLE_RECV, which libseccomp 2.5 cannot set) and never sets
 * no_new_privs behind the config's back.
 *
 * Syscalls newer than the profile return ENOSYS instead of the default
 * action, so a libc can fall back (clone3 -> clone): see seccomp_filter.c. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"

struct sock_filter;

struct seccomp_prog {
	struct sock_filter *insns;
	unsigned short len;
	unsigned int flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2), NEW_LISTENER included */
	bool notify;	    /* loading returns a listener fd */
};

/* Compiles sc. Unknown syscall names are skipped (runc does the same: a
 * profile may name syscalls this libseccomp or arch lacks). Errors name
 * the JSON path when a value is at fault. Free with seccomp_prog_free. */
int seccomp_compile(const struct spec_seccomp *sc, struct seccomp_prog **out);
void seccomp_prog_free(struct seccomp_prog *p);
static inline void cleanup_seccomp_progp(struct seccomp_prog **p)
{
	seccomp_prog_free(*p);
}
#define _cleanup_seccomp_prog_ __attribute__((cleanup(cleanup_seccomp_progp)))

/* Loads p into the calling thread. Without no_new_privs this needs
 * CAP_SYS_ADMIN (in the current user namespace). *listener gets the
 * notify fd (close-on-exec) when p->notify, else -1. */
int seccomp_prog_load(const struct seccomp_prog *p, int *listener);

/* Loads p (nothing when NULL) into the calling process. With a notify
 * listener, the fd goes to corun over sync_fd (SYNC_SECCOMP) and this waits
 * until corun has passed it on to listenerPath (SYNC_SECCOMP_DONE).
 * process_finish decides when: as late as it can, so that the filter sees
 * none of the runtime's own setup. */
int seccomp_install(const struct seccomp_prog *p, int sync_fd);

/* Runtime side: connects to sc->listener_path and sends the container
 * process state (runtime.md: ociVersion, fds ["seccompFd"], pid, metadata,
 * state) with listener as SCM_RIGHTS. state_json is the container state
 * (state_hook_json); pid the process the filter belongs to. */
int seccomp_listener_send(const struct spec_seccomp *sc, int listener, pid_t pid,
			  const char *state_json);

/* For `corun features`: whether this libseccomp knows a spec architecture
 * name ("SCMP_ARCH_X86_64"), which seccomp_compile needs; and whether the
 * running kernel takes SC_FLAG_* sc_flag as the runtime would load it
 * (probed with seccomp(2), nothing is installed). */
bool seccomp_arch_supported(const char *spec_name);
bool seccomp_flag_supported(uint32_t sc_flag);
