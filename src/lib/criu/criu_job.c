/* SPDX-License-Identifier: Apache-2.0 */
/* The parts of the CRIU client that need no protobuf: a job's lists, the
 * cgroup mode words, reading CRIU's log. */
#include <fcntl.h>
#include <string.h>

#include "criu.h"
#include "util.h"

int criu_parse_cgm(const char *s, enum criu_cgm *out)
{
	static const char *const names[] = {"", "soft", "full", "strict", "ignore"};
	for (size_t i = 0; s && i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i])) {
			*out = (enum criu_cgm)i;
			return 0;
		}
	if (!s) {
		*out = CRIU_CGM_UNSET;
		return 0;
	}
	return err_set(0, "Invalid manage cgroups mode");
}

void criu_job_add_mnt(struct criu_job *j, const char *key, const char *val)
{
	j->ext_mnt = xrealloc(j->ext_mnt, (j->n_ext_mnt + 1) * sizeof(*j->ext_mnt));
	j->ext_mnt[j->n_ext_mnt++] = (struct criu_kv){xstrdup(key), xstrdup(val)};
}

void criu_job_add_external(struct criu_job *j, const char *ext)
{
	j->external = xrealloc(j->external, (j->n_external + 1) * sizeof(*j->external));
	j->external[j->n_external++] = xstrdup(ext);
}

void criu_job_add_inherit(struct criu_job *j, const char *key, int fd)
{
	j->inherit = xrealloc(j->inherit, (j->n_inherit + 1) * sizeof(*j->inherit));
	j->inherit[j->n_inherit++] = (struct criu_inherit){xstrdup(key), fd};
}

void criu_job_add_cg_root(struct criu_job *j, const char *ctrls, const char *path)
{
	j->cg_roots = xrealloc(j->cg_roots, (j->n_cg_roots + 1) * sizeof(*j->cg_roots));
	j->cg_roots[j->n_cg_roots++] = (struct criu_kv){xstrdup(ctrls), xstrdup(path)};
}

static void free_kvs(struct criu_kv **v, size_t *n)
{
	for (size_t i = 0; i < *n; i++) {
		free((*v)[i].key);
		free((*v)[i].val);
	}
	free(*v);
	*v = NULL;
	*n = 0;
}

void criu_job_free(struct criu_job *j)
{
	free_kvs(&j->ext_mnt, &j->n_ext_mnt);
	free_kvs(&j->cg_roots, &j->n_cg_roots);
	for (size_t i = 0; i < j->n_external; i++)
		free(j->external[i]);
	for (size_t i = 0; i < j->n_inherit; i++)
		free(j->inherit[i].key);
	free(j->external);
	free(j->inherit);
	j->external = NULL;
	j->inherit = NULL;
	j->n_external = j->n_inherit = 0;
}

char *criu_log_last_error(const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	/* a log is a few MiB at most at level 4; the end is what matters */
	if (!path || ERR_KEEP(read_file_at(AT_FDCWD, path, 64 << 20, &text, &len)) < 0)
		return NULL;
	/* the last error that says what broke: "Dumping FAILED." and the like
	 * only say that something did */
	char *last = NULL, *last_cause = NULL;
	for (char *p = text; (p = strstr(p, "Error (")) != NULL; p++) {
		/* a line's own: at its start or after the "(00.123456) " stamp */
		if (p != text && p[-1] != '\n' && (p - text < 2 || p[-1] != ' ' || p[-2] != ')'))
			continue;
		last = p;
		size_t n = strcspn(p, "\n");
		if (n < 7 || memcmp(p + n - 7, "FAILED.", 7) != 0)
			last_cause = p;
	}
	if (last_cause)
		last = last_cause;
	if (!last)
		return NULL;
	size_t n = strcspn(last, "\n");
	return xasprintf("%.*s", (int)n, last);
}
