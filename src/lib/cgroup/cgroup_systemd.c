/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd cgroup driver (--systemd-cgroup): systemd owns the
 * container's cgroup as a transient unit (a delegated scope holding the
 * init, or a slice), made over D-Bus with the resources as unit
 * properties; the cgroupfs driver of the host's layout then works on the
 * unit's cgroup for everything systemd has no property for (device rules,
 * the other limits, freeze, stats, kill), as runc does. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_systemd.h"
#include "cgroup_util.h"
#include "log.h"

static char *sd_freeze_file(struct cgroup *cg);

struct sdcg {
	struct cgroup fs; /* the cgroupfs driver on the unit's cgroup */
	struct sd_unit unit;
	bool user; /* the calling user's manager, not the system's */
	bool v2;
	/* apply failed before systemd took the unit (not asked, or the name
	 * is another's): nothing to stop or remove */
	bool not_ours;
};

static struct cgroup *fs_of(struct cgroup *cg)
{
	return &((struct sdcg *)cg->priv)->fs;
}

static int sd_init(struct cgroup *cg)
{
	struct sdcg *s = xcalloc(1, sizeof(*s));
	cg->priv = s;
	const struct cgroup_driver *fs_drv;
	if (cgroup_fs_driver(&fs_drv) < 0)
		return -1;
	s->v2 = fs_drv == &cgroup_v2_driver;
	s->user = geteuid() != 0;
	/* runc's defaults: a rootless container on v2 goes to the user's slice */
	const char *def = s->user && s->v2 ? "user.slice" : "system.slice";
	if (sd_unit_parse(cg->path, def, &s->unit) < 0)
		return -1;
	_cleanup_free_ char *root = NULL;
	if (s->user) { /* the user manager's units live below its own cgroup */
		struct sdbus *b = NULL;
		int rc = sdbus_open(true, &b);
		if (rc == 0)
			rc = sdbus_manager_cgroup(b, &root);
		sdbus_close(b);
		if (rc < 0) {
			/* systemd's own layout, so that kill and delete still
			 * reach the processes while the manager is away */
			uid_t uid = geteuid();
			log_debug("%s; taking the usual user@%u.service cgroup", err_msg(), uid);
			err_clear();
			root = xasprintf("/user.slice/user-%u.slice/user@%u.service", uid, uid);
		}
	}
	s->fs.drv = fs_drv;
	s->fs.path = xasprintf("%s%s", root && strcmp(root, "/") ? root : "", s->unit.path);
	s->fs.managed = true;
	log_debug("cgroup: systemd unit %s, cgroup %s", s->unit.name, s->fs.path);
	return fs_drv->init(&s->fs);
}

static void sd_fini(struct cgroup *cg)
{
	struct sdcg *s = cg->priv;
	if (!s)
		return;
	if (s->fs.drv && s->fs.drv->fini)
		s->fs.drv->fini(&s->fs);
	free(s->fs.path);
	sd_unit_free(&s->unit);
	free(s);
	cg->priv = NULL;
}

static int sd_apply(struct cgroup *cg, const struct spec *spec, pid_t pid)
{
	struct sdcg *s = cg->priv;
	struct sdbus *b = NULL;
	struct sd_props props = {0};
	/* a scope is made with the init in it; a slice gets it from cgroupfs */
	s->not_ours = true;
	int rc = sd_unit_props(&s->unit, s->unit.is_slice ? 0 : (uint32_t)pid,
			       spec ? &spec->linux.resources : NULL, s->v2, &props);
	if (rc == 0)
		rc = sdbus_open(s->user, &b);
	if (rc == 0) {
		bool made = false;
		rc = sdbus_start_unit(b, s->unit.name, &props, &made);
		s->not_ours = !made;
	}
	sdbus_close(b);
	sd_props_free(&props);
	if (rc < 0)
		return -1;
	return s->fs.drv->apply(&s->fs, spec, pid);
}

static int sd_set(struct cgroup *cg, const struct spec_resources *r)
{
	struct sdcg *s = cg->priv;
	struct sdbus *b = NULL;
	struct sd_props props = {0};
	int rc = sd_resource_props(r, s->v2, &props);
	if (rc == 0 && props.n) {
		rc = sdbus_open(s->user, &b);
		if (rc == 0)
			rc = sdbus_set_props(b, s->unit.name, &props);
		sdbus_close(b);
	}
	sd_props_free(&props);
	if (rc < 0)
		return -1;
	return s->fs.drv->set(&s->fs, r);
}

/* Asks systemd to stop the unit (its processes are dead by now). */
static int stop_unit(struct sdcg *s)
{
	struct sdbus *b = NULL;
	int rc = sdbus_open(s->user, &b);
	if (rc == 0)
		rc = sdbus_stop_unit(b, s->unit.name);
	sdbus_close(b);
	return rc;
}

static int sd_destroy(struct cgroup *cg)
{
	struct sdcg *s = cg->priv;
	if (s->not_ours)
		return 0;
	/* frozen tasks would hold the stop job up */
	_cleanup_free_ char *fz = sd_freeze_file(cg), *text = NULL;
	if (ERR_KEEP(fz && read_file_at(AT_FDCWD, fz, 64, &text, NULL) == 0) &&
	    cgroup_frozen_text(text))
		(void)ERR_KEEP(s->fs.drv->freeze(&s->fs, false));
	struct corun_err stop_err = {0};
	if (stop_unit(s) < 0)
		err_copy(&stop_err); /* a failing destroy below would replace it */
	/* systemd removes the unit's cgroup; this takes what it left, and
	 * all of it when systemd could not be asked */
	if (s->fs.drv->destroy(&s->fs) < 0)
		return -1;
	return stop_err.code ? err_put(&stop_err) : 0;
}

/* The rest is the cgroupfs driver's, on the unit's cgroup. */

static int sd_freeze(struct cgroup *cg, bool frozen)
{
	struct cgroup *fs = fs_of(cg);
	return fs->drv->freeze(fs, frozen);
}

static char *sd_freeze_file(struct cgroup *cg)
{
	struct cgroup *fs = fs_of(cg);
	return fs->drv->freeze_file ? fs->drv->freeze_file(fs) : NULL;
}

static int sd_stats(struct cgroup *cg, struct json_t **out)
{
	struct cgroup *fs = fs_of(cg);
	return fs->drv->stats(fs, out);
}

static int sd_oom_fd(struct cgroup *cg)
{
	struct cgroup *fs = fs_of(cg);
	return fs->drv->oom_fd(fs);
}

static int sd_oom_read(struct cgroup *cg, int fd)
{
	struct cgroup *fs = fs_of(cg);
	return fs->drv->oom_read(fs, fd);
}

static int sd_kill_all(struct cgroup *cg, int sig)
{
	struct cgroup *fs = fs_of(cg);
	return fs->drv->kill_all(fs, sig);
}

static int sd_pids(struct cgroup *cg, pid_t **out, size_t *n)
{
	struct cgroup *fs = fs_of(cg);
	return fs->drv->pids(fs, out, n);
}

static int sd_delegate(struct cgroup *cg, uid_t uid)
{
	struct cgroup *fs = fs_of(cg);
	return fs->drv->delegate ? fs->drv->delegate(fs, uid) : 0;
}

static int sd_mount(struct cgroup *cg, int dest_fd, const struct spec_mount *m, bool cgroupns)
{
	struct cgroup *fs = fs_of(cg);
	return fs->drv->mount(fs, dest_fd, m, cgroupns);
}

const struct cgroup_driver cgroup_systemd_driver = {
    .name = "systemd",
    .init = sd_init,
    .apply = sd_apply,
    .set = sd_set,
    .freeze = sd_freeze,
    .freeze_file = sd_freeze_file,
    .stats = sd_stats,
    .oom_fd = sd_oom_fd,
    .oom_read = sd_oom_read,
    .kill_all = sd_kill_all,
    .pids = sd_pids,
    .destroy = sd_destroy,
    .delegate = sd_delegate,
    .mount = sd_mount,
    .fini = sd_fini,
};
