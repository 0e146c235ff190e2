/* SPDX-License-Identifier: Apache-2.0 */
/* checkpoint: the running container's process tree dumped by CRIU into an
 * image directory; then, unless asked to leave it running (or only
 * pre-dumping), the container is gone as after delete, as in runc. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "criu_setup.h"
#include "json.h"
#include "lifecycle.h"
#include "log.h"
#include "namespaces.h"
#include "procparse.h"

/* runc's descriptors.json: where the init's stdio pointed ("pipe:[N]",
 * "/dev/null", ...), so that restore can hand the new stdio in. */
static int write_descriptors(int images_fd, pid_t pid)
{
	json_t *a = json_array();
	for (int fd = 0; fd < 3; fd++) {
		char link[64], target[PATH_MAX];
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		json_array_append_new(a, json_string(n > 0 ? target : "/dev/null"));
	}
	_cleanup_free_ char *text = jdump_compact(a);
	json_decref(a);
	if (!text)
		return err_set(ENOMEM, "encode descriptors.json");
	return write_file_atomic(images_fd, "descriptors.json", text, strlen(text), 0600);
}

/* Namespaces the container joined by path are not its to dump: CRIU
 * records them as external, named as runc names them. */
static int add_external_ns(const struct spec *s, pid_t pid, struct criu_job *job)
{
	for (size_t i = 0; i < ARRAY_SIZE(cr_ext_ns); i++) {
		const struct cr_ext_ns *ext = &cr_ext_ns[i];
		if (!s->linux.ns[ext->type].present || !s->linux.ns[ext->type].path)
			continue;
		char p[64];
		snprintf(p, sizeof(p), "/proc/%d/ns/%s", (int)pid, ext->name);
		struct stat sb;
		if (stat(p, &sb) < 0)
			return err_set(errno, "stat %s", p);
		_cleanup_free_ char *e =
		    xasprintf("%s[%llu]:%s", ext->name, (unsigned long long)sb.st_ino, ext->key);
		criu_job_add_external(job, e);
	}
	return 0;
}

/* cgroup v1 hierarchies in the container are binds of the host's cgroup
 * dirs (slaves of the host's mounts): external, as runc marks them. So is
 * cgroup2 at /sys/fs/cgroup, whose root seen from here (a bind of the
 * container's dir, or a mount in its cgroup namespace) is not "/": CRIU
 * finds no root mount for it in the container. */
static int add_cgroup_mounts(pid_t pid, struct criu_job *job)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/mountinfo", (int)pid), *text = NULL;
	if (read_file_at(AT_FDCWD, path, 1 << 22, &text, NULL) < 0)
		return -1;
	char *pos = text;
	struct mountinfo_entry e;
	while (mountinfo_next(&pos, &e))
		if (!strcmp(e.fstype, "cgroup") ||
		    (!strcmp(e.fstype, "cgroup2") && strcmp(e.root, "/") != 0))
			criu_job_add_mnt(job, e.mount_point, e.mount_point);
	return 0;
}

static int check_status(int dirfd, const struct cstate *st)
{
	enum status s = state_status(dirfd, st);
	if (s == STATUS_RUNNING || s == STATUS_PAUSED)
		return 0;
	return err_set(0, "Container cannot be checkpointed in %s state", status_name(s));
}

/* The flags' own checks, in runc's order, before anything runs. */
static int prepare_job(const struct checkpoint_opts *o, struct criu_job *job, char **image_dir)
{
	job->kind = o->pre_dump ? CRIU_PRE_DUMP : CRIU_DUMP;
	if (cr_open_dirs(o->image_path, o->work_path, o->parent_path, job, image_dir) < 0 ||
	    cr_parse_page_server(o->page_server, job) < 0 ||
	    criu_parse_cgm(o->manage_cgroups_mode, &job->cgm) < 0 ||
	    cr_parse_empty_ns(o->empty_ns, &job->empty_ns) < 0)
		return -1;
	job->log_file = "dump.log";
	job->leave_running = o->leave_running || o->pre_dump;
	job->tcp_established = o->tcp_established;
	job->ext_unix_sk = o->ext_unix_sk;
	job->shell_job = o->shell_job;
	job->file_locks = o->file_locks;
	job->auto_dedup = o->auto_dedup;
	job->lazy_pages = o->lazy_pages;
	/* a terminal's master is held outside (the console socket's peer): its
	 * slave is dumped alone, and the restore makes a new pair */
	job->orphan_pts_master = true;
	/* a pre-dump tracks memory so that the next dump saves only changes */
	job->track_mem = o->pre_dump || job->parent_img;
	return 0;
}

struct dump_ctx {
	int status_fd;
};

static int dump_notify(void *ctx, const char *script, pid_t pid, int fd)
{
	struct dump_ctx *d = ctx;
	(void)pid;
	if (fd >= 0)
		close(fd);
	/* lazy pages: the page server is up, the restore side may start */
	if (!strcmp(script, "status-ready") && d->status_fd >= 0) {
		if (write(d->status_fd, "", 1) != 1)
			log_warn("can't write \\0 to status fd: %s", strerror(errno));
		close(d->status_fd);
		d->status_fd = -1;
	}
	return 0;
}

static int check_status_fd(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return err_set(errno, "invalid --status-fd argument %d", fd);
	/* as runc: write-only, a read-write fd is refused too */
	if ((fl & O_ACCMODE) != O_WRONLY)
		return err_set(0, "invalid --status-fd argument %d: not writable", fd);
	return 0;
}

static int dump(const struct global_opts *g, const struct checkpoint_opts *o, int dirfd,
		const struct cstate *st, struct criu_job *job)
{
	_cleanup_spec_ struct spec *spec = NULL;
	if (load_saved_spec(dirfd, &spec) < 0)
		return -1;
	if (cr_check_version(g->criu) < 0)
		return -1;
	if ((job->track_mem || job->lazy_pages) &&
	    criu_check_features(g->criu, job->track_mem, job->lazy_pages) < 0)
		return -1;
	if (job->lazy_pages && o->status_fd >= 0 && check_status_fd(o->status_fd) < 0)
		return -1;
	job->pid = st->pid;
	job->root = st->rootfs;
	_cleanup_free_ char *fz = st->freeze_file ? xstrdup(st->freeze_file) : NULL;
	job->freeze_cgroup = fz ? dirname(fz) : NULL;
	job->config_file = cr_config_file(spec);
	cr_add_mounts(spec, st->bundle, false, job);
	if (add_external_ns(spec, st->pid, job) < 0 || add_cgroup_mounts(st->pid, job) < 0 ||
	    write_descriptors(job->images_fd, st->pid) < 0)
		return -1;
	log_debug("checkpoint %s: %s of pid %d", st->id,
		  job->kind == CRIU_PRE_DUMP ? "pre-dump" : "dump", (int)st->pid);
	struct criu_session s;
	if (criu_start(g->criu, NULL, 0, false, &s) < 0)
		return -1;
	struct dump_ctx d = {.status_fd = job->lazy_pages ? o->status_fd : -1};
	int rc = criu_run(&s, job, dump_notify, &d, NULL);
	criu_stop(&s, rc < 0);
	if (rc < 0 || job->leave_running)
		return rc;
	/* CRIU killed the tree; the container is gone, as after delete */
	wait_exit(st->pid, 5000);
	return destroy_container(g, st, spec, NULL);
}

int container_checkpoint(const struct global_opts *g, const struct checkpoint_opts *o)
{
	struct cstate st = {0};
	/* exclusive: no start, delete or second checkpoint meanwhile */
	_cleanup_close_ int fd = state_open_locked(g, o->id, true, &st);
	if (fd < 0)
		return -1;
	struct criu_job job = {.images_fd = -1, .work_fd = -1};
	_cleanup_free_ char *image_dir = NULL;
	int rc = check_status(fd, &st);
	if (rc == 0)
		rc = prepare_job(o, &job, &image_dir);
	if (rc == 0)
		rc = dump(g, o, fd, &st, &job);
	if (job.images_fd >= 0)
		close(job.images_fd);
	if (job.work_fd >= 0)
		close(job.work_fd);
	criu_job_free(&job);
	state_free(&st);
	return rc;
}
