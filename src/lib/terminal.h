/* SPDX-License-Identifier: Apache-2.0 */
/* process.terminal: the init allocates a pty in the container's devpts,
 * makes the peer its stdio and controlling terminal, mounts it at
 * /dev/console and sends the master over console_fd (a --console-socket
 * connection, or a socketpair when corun relays in the foreground). */
#pragma once

#include "spec.h"

/* Parent side: connects to the --console-socket path. */
int terminal_connect(const char *path);
/* Init side, after pivot_root. */
int terminal_setup_init(int console_fd, const struct spec_process *p);
/* The same for an exec'd process: a pty of its own, /dev/console untouched. */
int terminal_setup_exec(int console_fd, const struct spec_process *p);
/* Receives the master sent by terminal_setup_init. */
int terminal_recv_master(int sock);
/* Foreground relay helpers: raw mode on our tty, copy both ways, resize. */
struct termios;
int terminal_raw(int fd, struct termios *saved);
void terminal_restore(int fd, const struct termios *saved);
int terminal_copy_size(int from_fd, int to_fd);
