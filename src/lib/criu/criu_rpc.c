/* SPDX-License-Identifier: Apache-2.0 */
/* The swrk session: starting criu, one request, its notifications, the
 * answer (rpc.proto's criu_req / criu_resp, one per SOCK_SEQPACKET packet). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "criu.h"
#include "fdpass.h"
#include "log.h"
#include "rpc.pb-c.h"
#include "util.h"

const bool criu_built = true;

/* criu's messages are small; a notification or answer never nears this */
#define CRIU_MSG_MAX (1 << 20)

static const char *req_name(CriuReqType t)
{
	switch (t) {
	case CRIU_REQ_TYPE__DUMP:
		return "DUMP";
	case CRIU_REQ_TYPE__PRE_DUMP:
		return "PRE_DUMP";
	case CRIU_REQ_TYPE__RESTORE:
		return "RESTORE";
	case CRIU_REQ_TYPE__VERSION:
		return "VERSION";
	case CRIU_REQ_TYPE__FEATURE_CHECK:
		return "FEATURE_CHECK";
	case CRIU_REQ_TYPE__NOTIFY:
		return "NOTIFY";
	default:
		return "UNKNOWN";
	}
}

/* Whether execvp would find name in $PATH (as an executable file). */
static bool find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = path;; p++) {
		size_t n = strcspn(p, ":");
		_cleanup_free_ char *f = xasprintf("%.*s%s%s", (int)n, p, n ? "/" : "", name);
		if (access(f, X_OK) == 0)
			return true;
		p += n;
		if (!*p)
			return false;
	}
}

/* The child: the socket at fd 3, the kept fds at their numbers, nothing
 * else of ours open (close-on-exec does the rest). */
static void exec_swrk(const char *bin, int sock, const int *keep, size_t n_keep, bool stdio)
{
	int fd = sock == 3 ? 3 : dup2(sock, 3);
	if (fd < 0)
		_exit(127);
	/* what criu prints besides its log is noise for the user (a dump's
	 * closing "Can't recv request"); a restore hands our stdio on */
	int null = stdio ? -1 : open("/dev/null", O_RDWR);
	for (int i = 0; null >= 0 && i < 3; i++)
		dup2(null, i);
	fcntl(3, F_SETFD, 0);
	for (size_t i = 0; i < n_keep; i++)
		fcntl(keep[i], F_SETFD, 0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execlp(bin, bin, "swrk", "3", (char *)NULL);
	/* the parent learns why from the status: 127 + errno on stderr */
	dprintf(2, "%s", strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int criu_start(const char *bin, const int *keep, size_t n_keep, bool stdio, struct criu_session *s)
{
	memset(s, 0, sizeof(*s));
	s->sock = -1;
	for (size_t i = 0; i < n_keep; i++)
		if (keep[i] == 3)
			return err_set(EINVAL, "criu: fd 3 is the swrk socket");
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(errno, "criu socketpair");
	/* a missing binary is found before the fork: the error names it */
	if (!strchr(bin, '/') && !find_in_path(bin)) {
		close(sv[0]);
		close(sv[1]);
		return err_set(0, "exec: \"%s\": executable file not found in $PATH", bin);
	}
	if (strchr(bin, '/') && access(bin, X_OK) < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return err_set(e, "fork/exec %s", bin);
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return err_set(e, "fork criu");
	}
	if (pid == 0)
		exec_swrk(bin, sv[1], keep, n_keep, stdio);
	close(sv[1]);
	s->pid = pid;
	s->sock = sv[0];
	log_debug("criu swrk started: %s, pid %d", bin, (int)pid);
	return 0;
}

void criu_stop(struct criu_session *s, bool kill_it)
{
	if (s->sock >= 0)
		close(s->sock);
	s->sock = -1;
	if (s->pid > 0) {
		if (kill_it)
			kill(s->pid, SIGKILL);
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	s->pid = 0;
	free(s->log_path);
	s->log_path = NULL;
}

static int send_req(int sock, const CriuReq *req)
{
	size_t len = criu_req__get_packed_size(req);
	_cleanup_free_ uint8_t *buf = xmalloc(len ? len : 1);
	criu_req__pack(req, buf);
	ssize_t n;
	do {
		n = send(sock, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(errno, "criu: send %s request", req_name(req->type));
	return 0;
}

/* One answer or notification; *fd gets an fd passed with it (or -1). */
static int recv_resp(struct criu_session *s, CriuReqType want, CriuResp **out, int *fd)
{
	_cleanup_free_ uint8_t *buf = xmalloc(CRIU_MSG_MAX);
	ssize_t n = fd_recv(s->sock, buf, CRIU_MSG_MAX, fd, 0);
	if (n < 0)
		return err_set(errno, "criu: read the %s answer", req_name(want));
	if (n == 0) {
		int status = 0;
		bool reaped = waitpid(s->pid, &status, 0) == s->pid;
		if (reaped)
			s->pid = 0;
		if (!reaped)
			err_set(0, "criu failed: type %s: no answer", req_name(want));
		else if (WIFSIGNALED(status))
			err_set(0, "criu failed: type %s: criu was killed by signal %d",
				req_name(want), WTERMSIG(status));
		else
			err_set(0, "criu failed: type %s: criu exited with status %d",
				req_name(want), WEXITSTATUS(status));
		if (s->log_path)
			err_append("\nlog file: %s", s->log_path);
		return -1;
	}
	*out = criu_resp__unpack(NULL, (size_t)n, buf);
	if (!*out) {
		if (*fd >= 0)
			close(*fd);
		return err_set(0, "criu: cannot decode its %s answer (%zd bytes)", req_name(want),
			       n);
	}
	return 0;
}

/* The failure words runc uses (engines grep "criu failed"), with where to
 * look and what CRIU said last. */
static int fail_resp(struct criu_session *s, CriuReqType t, const CriuResp *r)
{
	err_set(0, "criu failed: type %s errno %d", req_name(t), r->has_cr_errno ? r->cr_errno : 0);
	if (s->log_path)
		err_append("\nlog file: %s", s->log_path);
	_cleanup_free_ char *last = criu_log_last_error(s->log_path);
	/* the log's last error says more than criu's answer (often a helper's
	 * exit status); that answer when there is no log */
	const char *msg = last ? last : r->cr_errmsg;
	if (msg && *msg)
		err_append("\nlast error: %.*s", (int)strcspn(msg, "\n"), msg);
	return -1;
}

static int answer_notify(struct criu_session *s, bool ok)
{
	CriuReq req = CRIU_REQ__INIT;
	req.type = CRIU_REQ_TYPE__NOTIFY;
	req.has_notify_success = true;
	req.notify_success = ok;
	return send_req(s->sock, &req);
}

/* Sends req and serves notifications until the answer of its type. */
static int call(struct criu_session *s, const CriuReq *req, criu_notify_fn fn, void *ctx,
		CriuResp **out)
{
	if (send_req(s->sock, req) < 0)
		return -1;
	for (;;) {
		CriuResp *r = NULL;
		int fd = -1;
		if (recv_resp(s, req->type, &r, &fd) < 0)
			return -1;
		if (r->type != CRIU_REQ_TYPE__NOTIFY) {
			if (fd >= 0)
				close(fd);
			if (r->type != req->type) {
				criu_resp__free_unpacked(r, NULL);
				return err_set(0, "criu: answered %s to a %s request",
					       req_name(r->type), req_name(req->type));
			}
			if (!r->success) {
				fail_resp(s, req->type, r);
				criu_resp__free_unpacked(r, NULL);
				return -1;
			}
			*out = r;
			return 0;
		}
		const char *script = r->notify && r->notify->script ? r->notify->script : "";
		pid_t pid = r->notify && r->notify->has_pid ? r->notify->pid : 0;
		log_debug("criu: notification %s (pid %d)", script, (int)pid);
		int rc = fn ? fn(ctx, script, pid, fd) : 0;
		if (!fn && fd >= 0)
			close(fd);
		criu_resp__free_unpacked(r, NULL);
		if (rc < 0) {
			/* criu gives up on a failed script; our error is the news */
			(void)ERR_KEEP(answer_notify(s, false));
			return -1;
		}
		if (answer_notify(s, true) < 0)
			return -1;
	}
}

int criu_version(const char *bin, int *version)
{
	struct criu_session s;
	if (criu_start(bin, NULL, 0, false, &s) < 0)
		return err_prefix("CRIU version check failed");
	CriuReq req = CRIU_REQ__INIT;
	req.type = CRIU_REQ_TYPE__VERSION;
	CriuResp *r = NULL;
	int rc = call(&s, &req, NULL, NULL, &r);
	criu_stop(&s, rc < 0);
	if (rc < 0)
		return err_prefix("CRIU version check failed");
	if (!r->version) {
		criu_resp__free_unpacked(r, NULL);
		return err_set(0, "CRIU version check failed: no version in the answer");
	}
	*version = r->version->major_number * 10000 + r->version->minor_number * 100 +
		   (r->version->has_sublevel ? r->version->sublevel : 0);
	criu_resp__free_unpacked(r, NULL);
	log_debug("criu version %d", *version);
	return 0;
}

int criu_check_features(const char *bin, bool mem_track, bool lazy_pages)
{
	struct criu_session s;
	if (criu_start(bin, NULL, 0, false, &s) < 0)
		return err_prefix("CRIU feature check failed");
	CriuFeatures want = CRIU_FEATURES__INIT;
	want.has_mem_track = mem_track;
	want.mem_track = mem_track;
	want.has_lazy_pages = lazy_pages;
	want.lazy_pages = lazy_pages;
	CriuReq req = CRIU_REQ__INIT;
	req.type = CRIU_REQ_TYPE__FEATURE_CHECK;
	req.features = &want;
	CriuResp *r = NULL;
	int rc = call(&s, &req, NULL, NULL, &r);
	criu_stop(&s, rc < 0);
	if (rc < 0)
		return err_prefix("CRIU feature check failed");
	bool has_mt = r->features && r->features->has_mem_track && r->features->mem_track;
	bool has_lp = r->features && r->features->has_lazy_pages && r->features->lazy_pages;
	criu_resp__free_unpacked(r, NULL);
	if (mem_track && !has_mt)
		return err_set(0,
			       "CRIU feature check failed: memory tracking (needed by --pre-dump "
			       "and --parent-path) is not supported by criu or this kernel");
	if (lazy_pages && !has_lp)
		return err_set(0, "CRIU feature check failed: lazy pages (--lazy-pages) are not "
				  "supported by criu or this kernel (userfaultfd)");
	return 0;
}

static const CriuCgMode cgm_modes[] = {
    [CRIU_CGM_SOFT] = CRIU_CG_MODE__SOFT,
    [CRIU_CGM_FULL] = CRIU_CG_MODE__FULL,
    [CRIU_CGM_STRICT] = CRIU_CG_MODE__STRICT,
    [CRIU_CGM_IGNORE] = CRIU_CG_MODE__IGNORE,
};

/* The lists of a job as protobuf-c wants them: arrays of pointers to
 * messages that live in the same allocation. */
struct opts_lists {
	ExtMountMap *mnt;
	ExtMountMap **mntp;
	InheritFd *inh;
	InheritFd **inhp;
	CgroupRoot *cgr;
	CgroupRoot **cgrp;
	CriuPageServerInfo ps;
};

static void opts_lists_free(struct opts_lists *l)
{
	free(l->mnt);
	free(l->mntp);
	free(l->inh);
	free(l->inhp);
	free(l->cgr);
	free(l->cgrp);
}

static void fill_lists(const struct criu_job *j, CriuOpts *o, struct opts_lists *l)
{
	l->mnt = xcalloc(j->n_ext_mnt + 1, sizeof(*l->mnt));
	l->mntp = xcalloc(j->n_ext_mnt + 1, sizeof(*l->mntp));
	for (size_t i = 0; i < j->n_ext_mnt; i++) {
		ext_mount_map__init(&l->mnt[i]);
		l->mnt[i].key = j->ext_mnt[i].key;
		l->mnt[i].val = j->ext_mnt[i].val;
		l->mntp[i] = &l->mnt[i];
	}
	o->n_ext_mnt = j->n_ext_mnt;
	o->ext_mnt = l->mntp;
	l->inh = xcalloc(j->n_inherit + 1, sizeof(*l->inh));
	l->inhp = xcalloc(j->n_inherit + 1, sizeof(*l->inhp));
	for (size_t i = 0; i < j->n_inherit; i++) {
		inherit_fd__init(&l->inh[i]);
		l->inh[i].key = j->inherit[i].key;
		l->inh[i].fd = j->inherit[i].fd;
		l->inhp[i] = &l->inh[i];
	}
	o->n_inherit_fd = j->n_inherit;
	o->inherit_fd = l->inhp;
	o->n_external = j->n_external;
	o->external = j->external;
	l->cgr = xcalloc(j->n_cg_roots + 1, sizeof(*l->cgr));
	l->cgrp = xcalloc(j->n_cg_roots + 1, sizeof(*l->cgrp));
	for (size_t i = 0; i < j->n_cg_roots; i++) {
		cgroup_root__init(&l->cgr[i]);
		/* no controller: cgroup2 */
		l->cgr[i].ctrl = *j->cg_roots[i].key ? j->cg_roots[i].key : NULL;
		l->cgr[i].path = j->cg_roots[i].val;
		l->cgrp[i] = &l->cgr[i];
	}
	o->n_cg_root = j->n_cg_roots;
	o->cg_root = l->cgrp;
	if (j->ps_address) {
		criu_page_server_info__init(&l->ps);
		l->ps.address = (char *)j->ps_address;
		l->ps.has_port = true;
		l->ps.port = j->ps_port;
		o->ps = &l->ps;
	}
}

#define SET_BOOL(o, f, v)                                                                          \
	do {                                                                                       \
		if (v) {                                                                           \
			(o)->has_##f = true;                                                       \
			(o)->f = true;                                                             \
		}                                                                                  \
	} while (0)

static void fill_opts(const struct criu_job *j, CriuOpts *o)
{
	o->images_dir_fd = j->images_fd;
	o->has_work_dir_fd = true;
	o->work_dir_fd = j->work_fd;
	o->log_file = (char *)j->log_file;
	o->has_log_level = true;
	o->log_level = 4;
	if (j->pid > 0) {
		o->has_pid = true;
		o->pid = j->pid;
	}
	o->root = (char *)j->root;
	o->parent_img = (char *)j->parent_img;
	/* notifications: hooks, the console, lazy-pages readiness */
	SET_BOOL(o, notify_scripts, true);
	SET_BOOL(o, manage_cgroups, true);
	SET_BOOL(o, leave_running, j->leave_running);
	SET_BOOL(o, tcp_established, j->tcp_established);
	SET_BOOL(o, ext_unix_sk, j->ext_unix_sk);
	SET_BOOL(o, shell_job, j->shell_job);
	SET_BOOL(o, file_locks, j->file_locks);
	SET_BOOL(o, auto_dedup, j->auto_dedup);
	SET_BOOL(o, lazy_pages, j->lazy_pages);
	SET_BOOL(o, track_mem, j->track_mem);
	SET_BOOL(o, orphan_pts_master, j->orphan_pts_master);
	SET_BOOL(o, rst_sibling, j->rst_sibling);
	if (j->cgm != CRIU_CGM_UNSET) {
		o->has_manage_cgroups_mode = true;
		o->manage_cgroups_mode = cgm_modes[j->cgm];
	}
	if (j->empty_ns) {
		o->has_empty_ns = true;
		o->empty_ns = j->empty_ns;
	}
	o->freeze_cgroup = (char *)j->freeze_cgroup;
	o->lsm_profile = (char *)j->lsm_profile;
	o->lsm_mount_context = (char *)j->lsm_mount_context;
	o->config_file = (char *)j->config_file;
}

int criu_run(struct criu_session *s, const struct criu_job *job, criu_notify_fn fn, void *ctx,
	     pid_t *restored)
{
	static const CriuReqType types[] = {[CRIU_DUMP] = CRIU_REQ_TYPE__DUMP,
					    [CRIU_PRE_DUMP] = CRIU_REQ_TYPE__PRE_DUMP,
					    [CRIU_RESTORE] = CRIU_REQ_TYPE__RESTORE};
	CriuOpts opts = CRIU_OPTS__INIT;
	struct opts_lists lists = {0};
	fill_opts(job, &opts);
	fill_lists(job, &opts, &lists);
	CriuReq req = CRIU_REQ__INIT;
	req.type = types[job->kind];
	req.opts = &opts;
	/* where CRIU's own words are, for our errors */
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/self/fd/%d", job->work_fd);
	_cleanup_free_ char *work = realpath(dir, NULL);
	free(s->log_path);
	s->log_path = work ? xasprintf("%s/%s", work, job->log_file) : NULL;
	CriuResp *r = NULL;
	int rc = call(s, &req, fn, ctx, &r);
	opts_lists_free(&lists);
	if (rc < 0)
		return -1;
	if (restored)
		*restored = r->restore ? r->restore->pid : 0;
	criu_resp__free_unpacked(r, NULL);
	return 0;
}
