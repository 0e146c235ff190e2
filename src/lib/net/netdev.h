/* SPDX-License-Identifier: Apache-2.0 */
/* linux.netDevices: host interfaces moved into the container's network
 * namespace (renamed on the way), from the runtime over rtnetlink. Their
 * permanent global addresses go with them and they come up inside, as
 * config-linux.md asks. Nothing moves them back: when the namespace dies
 * the kernel returns physical devices to the host and destroys virtual
 * ones, and the spec forbids the runtime to interfere. */
#pragma once

#include <stdbool.h>

#include "config_netrdt.h"
#include "spec.h"

/* Before anything is created: the host devices exist, and a network
 * namespace joined by path is not the runtime's own. */
int netdev_validate(const struct spec *s);
/* In the init, once in its final network namespace: hands the parent an
 * fd of it (SYNC_NETDEV) and waits until the devices are in. */
int netdev_init_request(int sync_fd);
/* In the parent, on SYNC_NETDEV: moves every device into netns_fd (which
 * it closes) and answers SYNC_NETDEV_DONE. */
/* Sets "lo" up in the caller's (new) network namespace: engines create
 * one with loopback only and expect it usable, as runc makes it. */
int netdev_loopback_up(void);
int netdev_serve(const struct spec *s, int sync_fd, int netns_fd);
