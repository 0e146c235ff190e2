/* SPDX-License-Identifier: Apache-2.0 */
/* The value rules of linux.netDevices and linux.intelRdt
 * (config_netrdt.c), for the parser and for netdev.c and intelrdt.c. */
#pragma once

#include <stdbool.h>

#include "spec.h"

/* A valid interface name: 1 to 15 bytes, not "." or "..", no '/', ':' or
 * white space; with allow_template, one "%d" for the kernel to fill in. */
bool netdev_name_valid(const char *name, bool allow_template);
/* The value rules of config-linux.md (closID a plain name or "/", MB: for
 * memBwSchema, no newlines); errors name "linux.intelRdt.<field>". */
int rdt_validate(const struct spec_intel_rdt *t);
