/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdbool.h>

#include "spec.h"

/* Creates /dev/null, zero, full, random, urandom, tty (unless the config
 * lists them) and linux.devices, relative to rootfd (the rootfs opened as an
 * O_PATH directory), then the /dev/fd, stdin, stdout, stderr, ptmx symlinks.
 * In a user namespace devices are bind mounts of the host's nodes. */
int devices_create(int rootfd, const struct spec *s, bool userns);
