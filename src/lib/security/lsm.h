/* SPDX-License-Identifier: Apache-2.0 */
/* AppArmor profile and SELinux label of a process, applied at its next
 * execve. As runc does, an AppArmor profile on a host without AppArmor is
 * ignored (configs carry one by default), while an SELinux label on a host
 * without SELinux is an error: the process would run unconfined. */
#pragma once

/* profile/label NULL or "" = nothing to do. */
int lsm_apparmor_exec(const char *profile);
int lsm_selinux_exec(const char *label);
/* The mount data for a filesystem mount with linux.mountLabel: data plus
 * context="label" when SELinux is enabled, else data as is (runc's rule);
 * malloc'd, NULL when both are empty. */
char *lsm_mount_data(const char *data, const char *label);
