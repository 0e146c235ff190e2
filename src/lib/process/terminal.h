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
struct pollfd;
int terminal_raw(int fd, struct termios *saved);
void terminal_restore(int fd, const struct termios *saved);
int terminal_copy_size(int from_fd, int to_fd);

/* Copies between our stdin/stdout and the pty master both ways, buffering
 * each direction so that neither waits for the other: a full pty or a slow
 * reader of our stdout stops only its own direction. */
struct tty_relay;
#define TTY_RELAY_NFDS 3
struct tty_relay *tty_relay_new(int master, int in_fd, int out_fd);
void tty_relay_free(struct tty_relay *t);
/* The fds to poll (an fd of -1 where there is nothing to wait for). */
void tty_relay_events(const struct tty_relay *t, struct pollfd *p);
/* Moves what poll said can move. */
void tty_relay_step(struct tty_relay *t, const struct pollfd *p);
/* Once the process is gone: copies what it wrote until the pty reports
 * its end (or stays idle for idle_ms), dropping input not yet delivered. */
void tty_relay_drain(struct tty_relay *t, int idle_ms);
