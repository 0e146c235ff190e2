/* SPDX-License-Identifier: Apache-2.0 */
/* Attributes of the container process set just before exec: user and
 * groups, umask, rlimits, oom_score_adj, no_new_privs. */
#pragma once

#include "spec.h"
#include "spec_names.h"

int rlimits_apply(const struct spec_rlimit *r, size_t n);
int oom_score_adj_apply(int adj);
/* In a user namespace whose gid map was written without CAP_SETGID the
 * kernel refuses setgroups for good; the real procfs's /proc/self/setgroups
 * says so (the image's /proc could say "deny" to keep the caller's groups). */
bool setgroups_allowed(void);
/* setgroups (when set_groups), setresgid, setresuid with PR_SET_KEEPCAPS so
 * caps_apply can still set the sets, umask. */
int user_apply(const struct spec_user *u, bool set_groups);
int no_new_privs_apply(void);
/* Resolves args[0] against PATH from env (inside the container's root) as
 * execvp would; returns a malloc'd path or -1 with
 * "exec: \"foo\": executable file not found in $PATH". */
int exec_lookup(const char *file, char *const *env, char **out);
/* env plus HOME=<uid's home in /etc/passwd, else "/"> when env has no
 * HOME, as runc does; reads the passwd file of the current root. Returns
 * env itself or a malloc'd vector (*owned set) whose strings are borrowed. */
int env_with_home(char **env, uid_t uid, char ***out, char **owned);
