/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "criu_setup.h"
#include "devices.h"
#include "log.h"
#include "util.h"

/* runc 1.1's configuration file for the CRIU it drives */
#define CRIU_DEFAULT_CONFIG "/etc/criu/runc.conf"

/* filepath.Join's result, as runc names the path: "." and ".." resolved
 * lexically, repeated slashes dropped. */
static char *clean_join(const char *dir, const char *rel)
{
	_cleanup_free_ char *joined = xasprintf("%s/%s", dir, rel);
	char *out = xmalloc(strlen(joined) + 2);
	size_t n = 0;
	bool abs = joined[0] == '/';
	for (char *save, *c = strtok_r(joined, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			/* back over the last component, unless there is none */
			char *slash = n ? memrchr(out, '/', n) : NULL;
			bool up = n && strcmp(slash ? slash + 1 : out, "..") != 0;
			if (up) {
				n = slash ? (size_t)(slash - out) : 0;
				continue;
			}
			if (abs)
				continue;
		}
		if (n || abs)
			out[n++] = '/';
		n += (size_t)sprintf(out + n, "%s", c);
	}
	if (!n)
		out[n++] = abs ? '/' : '.';
	out[n] = '\0';
	return out;
}

static int check_parent(const char *image_dir, const char *parent)
{
	if (parent[0] == '/')
		return err_set(0, "--parent-path must be relative");
	_cleanup_free_ char *p = clean_join(image_dir, parent);
	struct stat sb;
	if (stat(p, &sb) < 0)
		return err_set(errno, "invalid --parent-path: stat %s", p);
	if (!S_ISDIR(sb.st_mode))
		return err_set(ENOTDIR, "invalid --parent-path: stat %s", p);
	return 0;
}

static int open_dir(const char *path, const char *what, int *fd)
{
	/* the images hold the container's memory: ours alone */
	if (mkdir_p(path, 0700) < 0)
		return err_prefix("%s", what);
	*fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return err_set(errno, "%s %s", what, path);
	return 0;
}

int cr_open_dirs(const char *image_path, const char *work_path, const char *parent,
		 struct criu_job *job, char **image_dir)
{
	job->images_fd = job->work_fd = -1;
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return err_set(errno, "getcwd");
	_cleanup_free_ char *img =
	    image_path && *image_path ? xstrdup(image_path) : xasprintf("%s/checkpoint", cwd);
	if (open_dir(img, "image path", &job->images_fd) < 0)
		return -1;
	if (parent && *parent && check_parent(img, parent) < 0)
		return -1;
	job->parent_img = parent && *parent ? parent : NULL;
	const char *work = work_path && *work_path ? work_path : img;
	if (open_dir(work, "work path", &job->work_fd) < 0)
		return -1;
	*image_dir = img;
	img = NULL;
	return 0;
}

int cr_parse_empty_ns(const char *s, unsigned *flags)
{
	*flags = 0;
	if (!s || !*s)
		return 0;
	if (strcmp(s, "network") != 0)
		return err_set(0, "namespace \"%s\" is not supported", s);
	*flags = CLONE_NEWNET;
	return 0;
}

int cr_parse_page_server(const char *s, struct criu_job *job)
{
	if (!s || !*s)
		return 0;
	/* runc's rule: exactly one colon, then a decimal int (Go's Atoi) */
	const char *colon = strchr(s, ':');
	if (!colon || strchr(colon + 1, ':'))
		return err_set(0, "Use --page-server ADDRESS:PORT to specify page server");
	const char *p = colon[1] == '+' || colon[1] == '-' ? colon + 2 : colon + 1;
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (!isdigit((unsigned char)*p) || *end || errno || port < INT_MIN || port > INT_MAX)
		return err_set(0, "Invalid port number");
	static char addr[256];
	snprintf(addr, sizeof(addr), "%.*s", (int)(colon - s), s);
	job->ps_address = addr;
	job->ps_port = (int)port;
	return 0;
}

int cr_check_version(const char *bin)
{
	int v;
	if (criu_version(bin, &v) < 0)
		return -1;
	if (v < CRIU_MIN_VERSION)
		return err_set(0, "CRIU version %d must be %d or higher", v, CRIU_MIN_VERSION);
	return 0;
}

static bool is_bind(const struct spec_mount *m)
{
	return m->opts.bind || (m->type && !strcmp(m->type, "bind"));
}

static void add_device(const char *path, void *job)
{
	/* the host's node at the same path, both ways */
	criu_job_add_mnt(job, path, path);
}

void cr_add_mounts(const struct spec *s, const char *bundle, bool restore, struct criu_job *job)
{
	/* in a user namespace, devices are binds of the host's nodes */
	if (s->linux.ns[NS_USER].present)
		devices_each_path(s, add_device, job);
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		if (!is_bind(m) || !m->source)
			continue;
		_cleanup_free_ char *src = m->source[0] == '/'
					       ? xstrdup(m->source)
					       : xasprintf("%s/%s", bundle, m->source);
		criu_job_add_mnt(job, m->destination, restore ? src : m->destination);
	}
}

const struct cr_ext_ns cr_ext_ns[2] = {{NS_NET, "net", "extRootNetNS"},
				       {NS_PID, "pid", "extRootPidNS"}};

const char *cr_config_file(const struct spec *s)
{
	for (size_t i = 0; i < s->n_annotations; i++)
		if (!strcmp(s->annotations[i].key, "org.criu.config"))
			/* set but empty: no configuration file at all */
			return *s->annotations[i].value ? s->annotations[i].value : NULL;
	return access(CRIU_DEFAULT_CONFIG, F_OK) == 0 ? CRIU_DEFAULT_CONFIG : NULL;
}
