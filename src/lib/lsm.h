/* SPDX-License-Identifier: Apache-2.0 */
/* AppArmor profile and SELinux label of a process, applied at its next
 * execve. As runc does, a label for an LSM that is not enabled on this host
 * is ignored rather than an error. */
#pragma once

/* profile/label NULL or "" = nothing to do. */
int lsm_apparmor_exec(const char *profile);
int lsm_selinux_exec(const char *label);
