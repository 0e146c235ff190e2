/* SPDX-License-Identifier: Apache-2.0 */
/* systemd socket activation through corun (sd_listen_fds(3)): the fds a
 * service manager gave corun for create/run go on to the container
 * process at the same numbers (3 .. 3+N-1, before --preserve-fds ones),
 * with LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES set for it. */
#pragma once

#include "spec.h"

/* How many fds $LISTEN_FDS hands to corun; 0 unless $LISTEN_PID names
 * this process (the variables were meant for someone else then). */
unsigned listen_fds_count(void);
/* Sets LISTEN_FDS=n, LISTEN_PID and (when corun has it) LISTEN_FDNAMES in
 * p's environment, replacing the config's values; allocates in s's arena. */
void listen_fds_env(struct spec *s, struct spec_process *p, unsigned n);
/* The container init, last thing before exec: LISTEN_PID becomes its own
 * pid as its pid namespace sees it. */
void listen_fds_set_pid(char **env);

/* Sets NAME=value in the NULL-terminated env vector *env (replacing an
 * entry of that name), allocating in a. */
void env_set(struct arena *a, char ***env, const char *name, const char *value);
