/* SPDX-License-Identifier: Apache-2.0 */
#include "listen_fds.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* Enough for any real service and keeps 3+N far from INT_MAX. */
#define MAX_LISTEN_FDS 65536

static bool parse_uint(const char *s, unsigned long *out)
{
	char *end;
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !*end && !errno;
}

unsigned listen_fds_count(void)
{
	unsigned long n, pid;
	if (!parse_uint(getenv("LISTEN_FDS"), &n) || !parse_uint(getenv("LISTEN_PID"), &pid))
		return 0;
	if (pid != (unsigned long)getpid() || n > MAX_LISTEN_FDS)
		return 0;
	return (unsigned)n;
}

void env_set(struct arena *a, char ***env, const char *name, const char *value)
{
	size_t len = strlen(name), n = strv_len(*env);
	char *entry = arena_alloc(a, len + strlen(value) + 2);
	sprintf(entry, "%s=%s", name, value);
	for (size_t i = 0; i < n; i++)
		if (!strncmp((*env)[i], name, len) && (*env)[i][len] == '=') {
			(*env)[i] = entry;
			return;
		}
	char **v = arena_alloc(a, (n + 2) * sizeof(*v));
	if (n)
		memcpy(v, *env, n * sizeof(*v));
	v[n] = entry;
	*env = v;
}

void listen_fds_env(struct spec *s, struct spec_process *p, unsigned n)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "%u", n);
	env_set(&s->arena, &p->env, "LISTEN_FDS", buf);
	/* what runc always writes; the init corrects it (listen_fds_set_pid)
	 * where it is not pid 1 of a pid namespace of its own */
	env_set(&s->arena, &p->env, "LISTEN_PID", "1");
	const char *names = getenv("LISTEN_FDNAMES");
	if (names)
		env_set(&s->arena, &p->env, "LISTEN_FDNAMES", names);
}

void listen_fds_set_pid(char **env)
{
	/* static: the entry must outlive us until execve */
	static char entry[32];
	snprintf(entry, sizeof(entry), "LISTEN_PID=%d", (int)getpid());
	for (; env && *env; env++)
		if (str_has_prefix(*env, "LISTEN_PID=")) {
			*env = entry;
			return;
		}
}
