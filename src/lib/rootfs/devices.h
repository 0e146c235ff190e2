/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "spec.h"

/* Creates /dev/null, zero, full, random, urandom, tty (unless the config
 * lists them) and linux.devices, relative to rootfd (the rootfs opened as an
 * O_PATH directory), then the /dev/fd, stdin, stdout, stderr, ptmx symlinks.
 * In a user namespace devices are bind mounts of the host's nodes. */
int devices_create(int rootfd, const struct spec *s, bool userns);
/* The paths of the devices devices_create makes (defaults first), for
 * checkpoint: in a user namespace each is a host bind CRIU must be told of. */
void devices_each_path(const struct spec *s, void (*fn)(const char *path, void *ud), void *ud);
