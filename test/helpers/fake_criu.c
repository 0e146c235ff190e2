/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper: a fake CRIU that speaks the swrk RPC (`fake_criu swrk 3`,
 * rpc.proto messages on a SOCK_SEQPACKET socket at fd 3) without dumping
 * or restoring anything, so that corun's side of the conversation can be
 * tested where the kernel cannot run the real CRIU. Driven by the
 * environment (corun passes its own on):
 *   FAKE_CRIU_VERSION  the VERSION answer, major*10000+minor*100+sub (31701)
 *   FAKE_CRIU_FEATURES FEATURE_CHECK: comma list of mem_track, lazy_pages
 *                      (unset: both)
 *   FAKE_CRIU_LOG      a file: one JSON line per request (type, options),
 *                      and {"type":"RESTORED","pid":N} for a restored process
 *   FAKE_CRIU_FAIL     DUMP/RESTORE fail (an error line in CRIU's log first)
 *   FAKE_CRIU_CRASH    DUMP/RESTORE: exit with status 5 without answering
 *   FAKE_CRIU_EXIT     RESTORE: the restored process exits with this after 1 s
 *                      (default: it sleeps)
 * DUMP sends "pre-dump" and "post-dump" and kills the pid unless
 * leave_running; RESTORE starts the "restored" process (a sibling with
 * rst_sibling), sends "setup-namespaces", "orphan-pts-master" (a new pty's
 * master) when asked, "post-restore", and answers with its pid. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rpc.pb-c.h"

#define SOCK	3
#define MSG_MAX (1 << 20)

static void die(const char *what)
{
	fprintf(stderr, "fake_criu: %s: %s\n", what, strerror(errno));
	exit(1);
}

static const char *type_name(CriuReqType t)
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
		return "OTHER";
	}
}

/* As CRIU: the images and work dir fds are the client's (the peer of the
 * socket), reached through its /proc/PID/fd. */
static pid_t peer_pid(void)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	if (getsockopt(SOCK, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		die("SO_PEERCRED");
	return cr.pid;
}

/* The path an fd of the client points to, or null. */
static json_t *fd_path(int fd)
{
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)peer_pid(), fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return json_null();
	target[n] = '\0';
	return json_string(target);
}

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v ? json_string(v) : json_null());
}

static const char *cgm_name(CriuCgMode m)
{
	switch (m) {
	case CRIU_CG_MODE__IGNORE:
		return "IGNORE";
	case CRIU_CG_MODE__SOFT:
		return "SOFT";
	case CRIU_CG_MODE__FULL:
		return "FULL";
	case CRIU_CG_MODE__STRICT:
		return "STRICT";
	case CRIU_CG_MODE__PROPS:
		return "PROPS";
	default:
		return "DEFAULT";
	}
}

static json_t *lists_json(const CriuOpts *o, json_t *j)
{
	json_t *a = json_array();
	for (size_t i = 0; i < o->n_ext_mnt; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "key", o->ext_mnt[i]->key, "val",
						   o->ext_mnt[i]->val));
	json_object_set_new(j, "ext_mnt", a);
	a = json_array();
	for (size_t i = 0; i < o->n_external; i++)
		json_array_append_new(a, json_string(o->external[i]));
	json_object_set_new(j, "external", a);
	a = json_array();
	for (size_t i = 0; i < o->n_inherit_fd; i++) {
		int fd = o->inherit_fd[i]->fd;
		json_array_append_new(a, json_pack("{s:s, s:i, s:b}", "key", o->inherit_fd[i]->key,
						   "fd", fd, "open", fcntl(fd, F_GETFD) >= 0));
	}
	json_object_set_new(j, "inherit_fd", a);
	a = json_array();
	for (size_t i = 0; i < o->n_cg_root; i++) {
		json_t *c = json_object();
		set_str(c, "ctrl", o->cg_root[i]->ctrl);
		set_str(c, "path", o->cg_root[i]->path);
		json_array_append_new(a, c);
	}
	json_object_set_new(j, "cg_root", a);
	return j;
}

#define BOOL(j, o, f) json_object_set_new(j, #f, json_boolean((o)->has_##f && (o)->f))

static json_t *opts_json(const CriuOpts *o)
{
	json_t *j = json_object();
	/* images_dir and work_dir: the paths of the client's fds */
	json_object_set_new(j, "images_dir", fd_path(o->images_dir_fd));
	json_object_set_new(j, "work_dir",
			    o->has_work_dir_fd ? fd_path(o->work_dir_fd) : json_null());
	set_str(j, "log_file", o->log_file);
	json_object_set_new(j, "pid", o->has_pid ? json_integer(o->pid) : json_null());
	set_str(j, "root", o->root);
	set_str(j, "parent_img", o->parent_img);
	BOOL(j, o, leave_running);
	BOOL(j, o, tcp_established);
	BOOL(j, o, ext_unix_sk);
	BOOL(j, o, shell_job);
	BOOL(j, o, file_locks);
	BOOL(j, o, auto_dedup);
	BOOL(j, o, lazy_pages);
	BOOL(j, o, track_mem);
	BOOL(j, o, orphan_pts_master);
	BOOL(j, o, rst_sibling);
	BOOL(j, o, manage_cgroups);
	BOOL(j, o, notify_scripts);
	set_str(j, "manage_cgroups_mode",
		o->has_manage_cgroups_mode ? cgm_name(o->manage_cgroups_mode) : NULL);
	json_object_set_new(j, "empty_ns", json_integer(o->has_empty_ns ? o->empty_ns : 0));
	json_object_set_new(j, "ps",
			    o->ps ? json_pack("{s:s?, s:i}", "address", o->ps->address, "port",
					      o->ps->has_port ? o->ps->port : 0)
				  : json_null());
	set_str(j, "freeze_cgroup", o->freeze_cgroup);
	set_str(j, "lsm_profile", o->lsm_profile);
	set_str(j, "lsm_mount_context", o->lsm_mount_context);
	set_str(j, "config_file", o->config_file);
	return lists_json(o, j);
}

/* Appends j (taken) to FAKE_CRIU_LOG as a line. */
static void log_json(json_t *j)
{
	const char *path = getenv("FAKE_CRIU_LOG");
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!path || !*path) {
		free(text);
		return;
	}
	FILE *f = fopen(path, "a");
	if (!f)
		die(path);
	fprintf(f, "%s\n", text);
	fclose(f);
	free(text);
}

static void log_req(const CriuReq *req)
{
	json_t *j = req->opts ? opts_json(req->opts) : json_object();
	json_object_set_new(j, "type", json_string(type_name(req->type)));
	if (req->features)
		json_object_set_new(
		    j, "features",
		    json_pack("{s:b, s:b}", "mem_track",
			      req->features->has_mem_track && req->features->mem_track,
			      "lazy_pages",
			      req->features->has_lazy_pages && req->features->lazy_pages));
	log_json(j);
}

/* Sends resp, with fd as SCM_RIGHTS when >= 0. */
static void send_resp(const CriuResp *resp, int fd)
{
	size_t len = criu_resp__get_packed_size(resp);
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		die("malloc");
	criu_resp__pack(resp, buf);
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	if (sendmsg(SOCK, &mh, MSG_NOSIGNAL) < 0)
		die("sendmsg");
	free(buf);
}

/* The next request, NULL at the end of the conversation. */
static CriuReq *recv_req(void)
{
	static uint8_t buf[MSG_MAX];
	ssize_t n;
	do {
		n = recv(SOCK, buf, sizeof(buf), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		die("recv");
	if (n == 0)
		return NULL;
	CriuReq *req = criu_req__unpack(NULL, (size_t)n, buf);
	if (!req) {
		fprintf(stderr, "fake_criu: cannot decode a request of %zd bytes\n", n);
		exit(1);
	}
	log_req(req);
	return req;
}

/* A notification and corun's answer: false when it said no. */
static bool notify(const char *script, pid_t pid, int fd)
{
	CriuNotify nt = CRIU_NOTIFY__INIT;
	nt.script = (char *)script;
	nt.has_pid = pid > 0;
	nt.pid = pid;
	CriuResp resp = CRIU_RESP__INIT;
	resp.type = CRIU_REQ_TYPE__NOTIFY;
	resp.success = true;
	resp.notify = &nt;
	send_resp(&resp, fd);
	CriuReq *ans = recv_req();
	if (!ans) {
		fprintf(stderr, "fake_criu: no answer to the %s notification\n", script);
		exit(1);
	}
	bool ok =
	    ans->type == CRIU_REQ_TYPE__NOTIFY && ans->has_notify_success && ans->notify_success;
	criu_req__free_unpacked(ans, NULL);
	return ok;
}

static void answer(CriuReqType t, bool ok, pid_t restored)
{
	CriuResp resp = CRIU_RESP__INIT;
	CriuRestoreResp rr = CRIU_RESTORE_RESP__INIT;
	resp.type = t;
	resp.success = ok;
	if (!ok) {
		resp.has_cr_errno = true;
		resp.cr_errno = EPERM;
		resp.cr_errmsg = "fake failure";
	}
	if (ok && restored > 0) {
		rr.pid = restored;
		resp.restore = &rr;
	}
	send_resp(&resp, -1);
}

/* FAKE_CRIU_FAIL: CRIU's log gets an error line, as a real failure leaves. */
static bool failing(const CriuOpts *o)
{
	const char *f = getenv("FAKE_CRIU_FAIL");
	if (!f || !*f || !strcmp(f, "0"))
		return false;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "/proc/%d/fd/%d/%s", (int)peer_pid(),
		 o->has_work_dir_fd ? o->work_dir_fd : o->images_dir_fd,
		 o->log_file ? o->log_file : "criu.log");
	int fd = open(dir, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		die("open the log file");
	dprintf(fd, "(00.000001) fake criu\nError (fake.c:1): something broke\n(00.000002) done\n");
	close(fd);
	return true;
}

static void do_dump(const CriuReq *req)
{
	const CriuOpts *o = req->opts;
	if (!o || failing(o)) {
		answer(req->type, false, 0);
		return;
	}
	if (req->type == CRIU_REQ_TYPE__DUMP) {
		if (!notify("pre-dump", 0, -1) || !notify("post-dump", 0, -1)) {
			answer(req->type, false, 0);
			return;
		}
		if (!(o->has_leave_running && o->leave_running) && o->has_pid)
			kill(o->pid, SIGKILL);
	}
	answer(req->type, true, 0);
}

/* The "restored" process: a sibling of ours (our parent's child) when
 * asked, as CRIU makes it; stdio on the pty slave when there is one. */
static pid_t start_restored(bool sibling, int slave)
{
	pid_t pid = (pid_t)syscall(SYS_clone, (sibling ? CLONE_PARENT : 0) | SIGCHLD, NULL, NULL,
				   NULL, NULL);
	if (pid < 0)
		die("clone");
	if (pid > 0)
		return pid;
	close(SOCK);
	if (slave >= 0) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		for (int i = 0; i < 3; i++)
			dup2(slave, i);
	}
	const char *code = getenv("FAKE_CRIU_EXIT");
	if (code && *code) {
		sleep(1);
		_exit(atoi(code));
	}
	execlp("sleep", "sleep", "1000", (char *)NULL);
	_exit(127);
}

static void do_restore(const CriuReq *req)
{
	const CriuOpts *o = req->opts;
	if (!o || failing(o)) {
		answer(req->type, false, 0);
		return;
	}
	int master = -1, slave = -1;
	bool pts = o->has_orphan_pts_master && o->orphan_pts_master;
	if (pts) {
		master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
			die("posix_openpt");
		slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (slave < 0)
			die("open the pty slave");
	}
	pid_t pid = start_restored(o->has_rst_sibling && o->rst_sibling, slave);
	if (slave >= 0)
		close(slave);
	/* not a request: what the tests compare corun's state with */
	log_json(json_pack("{s:s, s:i}", "type", "RESTORED", "pid", pid));
	bool ok = notify("setup-namespaces", pid, -1) &&
		  (!pts || notify("orphan-pts-master", 0, master)) &&
		  notify("post-restore", pid, -1);
	if (master >= 0)
		close(master);
	if (!ok) {
		/* CRIU kills what it restored when a script fails */
		kill(pid, SIGKILL);
		if (!(o->has_rst_sibling && o->rst_sibling))
			waitpid(pid, NULL, 0);
	}
	answer(req->type, ok, pid);
}

static void do_features(const CriuReq *req)
{
	const char *f = getenv("FAKE_CRIU_FEATURES");
	bool all = f == NULL;
	CriuFeatures ft = CRIU_FEATURES__INIT;
	/* as CRIU: only what was asked is answered */
	if (req->features && req->features->has_mem_track) {
		ft.has_mem_track = true;
		ft.mem_track = all || strstr(f, "mem_track");
	}
	if (req->features && req->features->has_lazy_pages) {
		ft.has_lazy_pages = true;
		ft.lazy_pages = all || strstr(f, "lazy_pages");
	}
	CriuResp resp = CRIU_RESP__INIT;
	resp.type = req->type;
	resp.success = true;
	resp.features = &ft;
	send_resp(&resp, -1);
}

static void do_version(const CriuReq *req)
{
	const char *s = getenv("FAKE_CRIU_VERSION");
	int v = s && *s ? atoi(s) : 31701;
	CriuVersion ver = CRIU_VERSION__INIT;
	ver.major_number = v / 10000;
	ver.minor_number = v / 100 % 100;
	ver.has_sublevel = true;
	ver.sublevel = v % 100;
	CriuResp resp = CRIU_RESP__INIT;
	resp.type = req->type;
	resp.success = true;
	resp.version = &ver;
	send_resp(&resp, -1);
}

/* FAKE_CRIU_CRASH: CRIU dies in the middle of the job. */
static void crash(void)
{
	const char *c = getenv("FAKE_CRIU_CRASH");
	if (c && *c && strcmp(c, "0") != 0)
		exit(5);
}

int main(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "swrk") != 0 || strcmp(argv[2], "3") != 0) {
		fprintf(stderr, "usage: fake_criu swrk 3\n");
		return 2;
	}
	CriuReq *req;
	while ((req = recv_req())) {
		switch (req->type) {
		case CRIU_REQ_TYPE__VERSION:
			do_version(req);
			break;
		case CRIU_REQ_TYPE__FEATURE_CHECK:
			do_features(req);
			break;
		case CRIU_REQ_TYPE__DUMP:
		case CRIU_REQ_TYPE__PRE_DUMP:
			crash();
			do_dump(req);
			break;
		case CRIU_REQ_TYPE__RESTORE:
			crash();
			do_restore(req);
			break;
		default:
			answer(req->type, false, 0);
		}
		criu_req__free_unpacked(req, NULL);
	}
	return 0;
}
