/* SPDX-License-Identifier: Apache-2.0 */
/* Protection of the corun binary against being overwritten from inside a
 * container through /proc/PID/exe (the CVE-2019-5736 class). Commands that
 * enter a container re-exec corun from a read-only detached clone of its
 * own binary (open_tree + mount_setattr RDONLY, zero copy), falling back to
 * a sealed memfd copy when detached mounts are not allowed. */
#pragma once

/* Returns 0 when this process already runs from a protected image; else
 * re-execs itself (argv and environ unchanged but for a marker) and only
 * returns on failure (-1 + err). */
int exe_protect_ensure(char **argv);
