/* SPDX-License-Identifier: Apache-2.0 */
/* pause, resume and events: the operations that go through the
 * container's cgroup rather than its init. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>

#include "container_cgroup.h"
#include "json.h"
#include "lifecycle.h"
#include "log.h"

static int open_cgroup(const struct cstate *st, struct cgroup *cg)
{
	if (!st->cgroup_path)
		return err_set(0, "container %s has no cgroup", st->id);
	return cgroup_init(cg, st->cgroup_path, st->id, st->cgroup_systemd);
}

static int set_frozen(const struct global_opts *g, const char *id, bool frozen)
{
	struct cstate st = {0};
	_cleanup_close_ int fd = state_open_locked(g, id, true, &st);
	if (fd < 0)
		return -1;
	enum status s = state_status(fd, &st);
	struct cgroup cg = {0};
	int rc;
	/* runc's words; a created container can be paused too */
	if (frozen && s != STATUS_RUNNING && s != STATUS_CREATED)
		rc = err_set(0, "container not running");
	else if (!frozen && s != STATUS_PAUSED)
		rc = err_set(0, "container not paused");
	else if (open_cgroup(&st, &cg) < 0)
		rc = -1;
	else if (!cg.drv->freeze)
		rc = err_set(0, "the %s cgroup driver cannot freeze", cg.drv->name);
	else
		rc = cg.drv->freeze(&cg, frozen);
	cgroup_fini(&cg);
	state_free(&st);
	return rc;
}

int container_pause(const struct global_opts *g, const char *id)
{
	return set_frozen(g, id, true);
}

int container_resume(const struct global_opts *g, const char *id)
{
	return set_frozen(g, id, false);
}

void container_thaw_quiet(const struct cstate *st)
{
	struct cgroup cg = {0};
	if (st->freeze_file && open_cgroup(st, &cg) == 0 && cg.drv->freeze &&
	    cg.drv->freeze(&cg, false) < 0)
		log_debug("thaw %s: %s", st->id, err_msg());
	cgroup_fini(&cg);
}

int container_kill_all(const struct cstate *st, int sig)
{
	struct cgroup cg = {0};
	if (open_cgroup(st, &cg) < 0)
		return -1;
	bool can_freeze = st->freeze_file && cg.drv->freeze;
	if (can_freeze && cg.drv->freeze(&cg, true) < 0)
		log_warn("kill: %s", err_msg());
	int rc = cg.drv->kill_all(&cg, sig);
	if (can_freeze && cg.drv->freeze(&cg, false) < 0)
		log_warn("kill: %s", err_msg());
	cgroup_fini(&cg);
	return rc;
}

/* ---- events ---- */

static int print_event(FILE *out, const char *type, const char *id, json_t *data)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "id", jstr_new(id));
	if (data)
		json_object_set_new(o, "data", data);
	_cleanup_free_ char *text = jdump_compact(o);
	json_decref(o);
	if (!text)
		abort(); /* OOM */
	/* a line at a time, flushed: a reader on a pipe sees each as it happens */
	if (fprintf(out, "%s\n", text) < 0 || fflush(out) == EOF)
		return err_set(errno, "write event");
	return 0;
}

static int print_stats(struct cgroup *cg, FILE *out, const char *id)
{
	json_t *data = NULL;
	if (cg->drv->stats(cg, &data) < 0)
		return -1;
	return print_event(out, "stats", id, data);
}

/* Still there: its state dir readable and its init alive. */
static bool still_running(const struct global_opts *g, const char *id)
{
	struct cstate st = {0};
	_cleanup_close_ int fd = state_open_locked(g, id, false, &st);
	bool up = fd >= 0 && state_status(fd, &st) != STATUS_STOPPED;
	state_free(&st);
	err_clear();
	return up;
}

/* What made the OOM fd readable: the number of OOMs, 0 for nothing, or
 * -1 once the cgroup went away. */
static int oom_ready(int efd, struct cgroup *cg)
{
	int k = cg->drv->oom_read(cg, efd);
	if (k < 0)
		err_clear();
	return k;
}

static int events_loop(const struct global_opts *g, struct cgroup *cg, const char *id,
		       long long interval_ms, FILE *out)
{
	_cleanup_close_ int efd = cg->drv->oom_fd ? cg->drv->oom_fd(cg) : -1;
	if (efd < 0 && cg->drv->oom_fd)
		log_warn("events: no OOM notifications: %s", err_msg());
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long long left =
		    (next.tv_sec - now.tv_sec) * 1000LL + (next.tv_nsec - now.tv_nsec) / 1000000LL;
		struct pollfd p = {.fd = efd, .events = POLLIN};
		int r = left > 0
			    ? poll(&p, efd >= 0 ? 1 : 0, left > INT32_MAX ? INT32_MAX : (int)left)
			    : 0;
		if (r < 0 && errno != EINTR)
			return err_set(errno, "poll");
		if (r > 0) {
			int k = oom_ready(efd, cg);
			if (k < 0)
				return 0;
			for (; k > 0; k--)
				if (print_event(out, "oom", id, NULL) < 0)
					return -1;
			continue;
		}
		if (r < 0)
			continue;
		/* a tick: runc goes on forever; we stop with the container */
		if (!still_running(g, id))
			return 0;
		if (print_stats(cg, out, id) < 0)
			return still_running(g, id) ? -1 : 0;
		next.tv_sec += interval_ms / 1000;
		next.tv_nsec += (interval_ms % 1000) * 1000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
	}
}

int container_events(const struct global_opts *g, const char *id, bool stats_only,
		     long long interval_ms, FILE *out)
{
	struct cstate st = {0};
	int fd = state_open_locked(g, id, false, &st);
	if (fd < 0)
		return -1;
	enum status s = state_status(fd, &st);
	/* the lock must not outlive this check: delete waits for it */
	close(fd);
	struct cgroup cg = {0};
	int rc;
	if (s == STATUS_STOPPED)
		rc = err_set(0, "container with id %s is not running", id);
	else if (open_cgroup(&st, &cg) < 0)
		rc = -1;
	else if (!cg.drv->stats)
		rc = err_set(0, "the %s cgroup driver has no statistics", cg.drv->name);
	else if (stats_only)
		rc = print_stats(&cg, out, id);
	else
		rc = events_loop(g, &cg, id, interval_ms, out);
	cgroup_fini(&cg);
	state_free(&st);
	return rc;
}
