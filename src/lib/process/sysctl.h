/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "spec.h"

/* Checks each key is namespaced and that the namespace it belongs to is one
 * the container gets (as runc validates): kernel.msg*, kernel.sem, kernel.shm*,
 * fs.mqueue.* need ipc; net.* needs network; kernel.hostname/domainname need
 * uts. Names the bad key in the error. */
int sysctl_validate(const struct spec *s);
/* Writes each /proc/sys/KEY (dots become slashes), in the container's namespaces. */
int sysctl_apply(const struct spec_kv *kv, size_t n);
