/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd manager over sd-bus, loaded at run time: libsystemd and the
 * compression and crypto libraries it pulls in would cost every corun
 * invocation their relocations, and only --systemd-cgroup needs them. */
#include "sdbus.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "log.h"
#include "util.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MGR	"org.freedesktop.systemd1.Manager"
/* how long a job may take: a slow (emulated) machine needs seconds */
#define JOB_TIMEOUT_USEC (60ULL * 1000 * 1000)

struct sd_api {
	typeof(sd_bus_open_system) *open_system;
	typeof(sd_bus_open_user) *open_user;
	typeof(sd_bus_new) *new_bus;
	typeof(sd_bus_set_address) *set_address;
	typeof(sd_bus_start) *start;
	typeof(sd_bus_flush_close_unref) *close;
	typeof(sd_bus_message_new_method_call) *new_call;
	typeof(sd_bus_message_append) *append;
	typeof(sd_bus_message_append_array) *append_array;
	typeof(sd_bus_message_open_container) *open_c;
	typeof(sd_bus_message_close_container) *close_c;
	typeof(sd_bus_message_read) *read;
	typeof(sd_bus_message_unref) *msg_unref;
	typeof(sd_bus_call) *call;
	typeof(sd_bus_error_free) *error_free;
	typeof(sd_bus_error_has_name) *error_has_name;
	typeof(sd_bus_match_signal) *match_signal;
	typeof(sd_bus_slot_unref) *slot_unref;
	typeof(sd_bus_process) *process;
	typeof(sd_bus_wait) *wait;
	typeof(sd_bus_get_property_string) *get_prop_str;
};

static const struct {
	const char *name;
	size_t off;
} api_syms[] = {
#define SYM(field, sym)                                                                            \
	{                                                                                          \
#sym, offsetof(struct sd_api, field)                                               \
	}
    SYM(open_system, sd_bus_open_system),
    SYM(open_user, sd_bus_open_user),
    SYM(new_bus, sd_bus_new),
    SYM(set_address, sd_bus_set_address),
    SYM(start, sd_bus_start),
    SYM(close, sd_bus_flush_close_unref),
    SYM(new_call, sd_bus_message_new_method_call),
    SYM(append, sd_bus_message_append),
    SYM(append_array, sd_bus_message_append_array),
    SYM(open_c, sd_bus_message_open_container),
    SYM(close_c, sd_bus_message_close_container),
    SYM(read, sd_bus_message_read),
    SYM(msg_unref, sd_bus_message_unref),
    SYM(call, sd_bus_call),
    SYM(error_free, sd_bus_error_free),
    SYM(error_has_name, sd_bus_error_has_name),
    SYM(match_signal, sd_bus_match_signal),
    SYM(slot_unref, sd_bus_slot_unref),
    SYM(process, sd_bus_process),
    SYM(wait, sd_bus_wait),
    SYM(get_prop_str, sd_bus_get_property_string),
#undef SYM
};

struct sdbus {
	const struct sd_api *api;
	sd_bus *bus;
	bool user;
};

static const struct sd_api *api_load(void)
{
	static struct sd_api api;
	static void *lib;
	if (lib)
		return &api;
	void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		err_set(0, "--systemd-cgroup needs libsystemd.so.0: %s", dlerror());
		return NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(api_syms); i++) {
		void *fn = dlsym(h, api_syms[i].name);
		if (!fn) {
			err_set(0, "libsystemd.so.0 lacks %s", api_syms[i].name);
			dlclose(h);
			return NULL;
		}
		memcpy((char *)&api + api_syms[i].off, &fn, sizeof(fn));
	}
	lib = h;
	return &api;
}

/* A D-Bus address for a socket path: bytes outside the safe set as %XX. */
static char *unix_address(const char *path)
{
	char *out = xmalloc(strlen("unix:path=") + 3 * strlen(path) + 1), *o = out;
	o += sprintf(o, "unix:path=");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++)
		if (strchr("-_/.\\*", *c) || (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= 'A' && *c <= 'Z'))
			*o++ = (char)*c;
		else
			o += sprintf(o, "%%%02x", *c);
	*o = '\0';
	return out;
}

/* The manager's own socket, as systemctl uses it: no bus daemon in the
 * way (one hop less, and no dbus-user-session needed for a user's
 * manager). Only the manager's own user may connect. */
static int open_private(const struct sd_api *a, const char *path, sd_bus **out)
{
	if (access(path, F_OK) < 0)
		return -errno;
	sd_bus *bus = NULL;
	int r = a->new_bus(&bus);
	if (r < 0)
		return r;
	_cleanup_free_ char *addr = unix_address(path);
	r = a->set_address(bus, addr);
	if (r >= 0)
		r = a->start(bus);
	if (r < 0) {
		a->close(bus);
		return r;
	}
	*out = bus;
	return 0;
}

int sdbus_open(bool user, struct sdbus **out)
{
	const struct sd_api *a = api_load();
	if (!a)
		return -1;
	sd_bus *bus = NULL;
	const char *rt = getenv("XDG_RUNTIME_DIR");
	_cleanup_free_ char *priv = user ? (rt && *rt ? xasprintf("%s/systemd/private", rt) : NULL)
					 : xstrdup("/run/systemd/private");
	int r = priv && (user || geteuid() == 0) ? open_private(a, priv, &bus) : -ENOENT;
	if (r < 0) {
		log_debug("systemd: %s: %s; trying the %s bus", priv ? priv : "no private socket",
			  strerror(-r), user ? "user" : "system");
		r = user ? a->open_user(&bus) : a->open_system(&bus);
	}
	if (r < 0)
		return err_set(-r, "connect to the systemd %s bus", user ? "user" : "system");
	struct sdbus *b = xcalloc(1, sizeof(*b));
	*b = (struct sdbus){a, bus, user};
	*out = b;
	return 0;
}

void sdbus_close(struct sdbus *b)
{
	if (!b)
		return;
	b->api->close(b->bus);
	free(b);
}

/* ---- properties ---- */

static struct sd_prop *props_add(struct sd_props *p, const char *name, enum sd_prop_type t)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	struct sd_prop *e = &p->v[p->n++];
	*e = (struct sd_prop){.name = xstrdup(name), .type = t};
	return e;
}

void sd_props_str(struct sd_props *p, const char *name, const char *val)
{
	props_add(p, name, SDP_STR)->str = xstrdup(val);
}

void sd_props_bool(struct sd_props *p, const char *name, bool val)
{
	props_add(p, name, SDP_BOOL)->b = val;
}

void sd_props_u64(struct sd_props *p, const char *name, uint64_t val)
{
	props_add(p, name, SDP_U64)->u = val;
}

void sd_props_pid(struct sd_props *p, const char *name, uint32_t pid)
{
	struct sd_prop *e = props_add(p, name, SDP_PIDS);
	e->pids = xmalloc(sizeof(*e->pids));
	e->pids[0] = pid;
	e->n = 1;
}

void sd_props_bytes(struct sd_props *p, const char *name, const uint8_t *val, size_t n)
{
	struct sd_prop *e = props_add(p, name, SDP_BYTES);
	e->bytes = xmalloc(n ? n : 1);
	if (n)
		memcpy(e->bytes, val, n);
	e->n = n;
}

const struct sd_prop *sd_props_find(const struct sd_props *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name))
			return &p->v[i];
	return NULL;
}

void sd_props_free(struct sd_props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].str);
		free(p->v[i].pids);
		free(p->v[i].bytes);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* An array of (name, variant) as a(sv). */
static int append_array_prop(const struct sd_api *a, sd_bus_message *m, const struct sd_prop *e)
{
	bool pids = e->type == SDP_PIDS;
	int r = a->open_c(m, 'r', "sv");
	if (r >= 0)
		r = a->append(m, "s", e->name);
	if (r >= 0)
		r = a->open_c(m, 'v', pids ? "au" : "ay");
	if (r >= 0)
		r = pids ? a->append_array(m, 'u', e->pids, e->n * sizeof(*e->pids))
			 : a->append_array(m, 'y', e->bytes, e->n);
	if (r >= 0)
		r = a->close_c(m);
	if (r >= 0)
		r = a->close_c(m);
	return r;
}

static int append_props(const struct sd_api *a, sd_bus_message *m, const struct sd_props *p)
{
	int r = a->open_c(m, 'a', "(sv)");
	for (size_t i = 0; r >= 0 && i < p->n; i++) {
		const struct sd_prop *e = &p->v[i];
		switch (e->type) {
		case SDP_STR:
			r = a->append(m, "(sv)", e->name, "s", e->str);
			break;
		case SDP_BOOL:
			r = a->append(m, "(sv)", e->name, "b", (int)e->b);
			break;
		case SDP_U64:
			r = a->append(m, "(sv)", e->name, "t", e->u);
			break;
		case SDP_PIDS:
		case SDP_BYTES:
			r = append_array_prop(a, m, e);
			break;
		}
	}
	return r < 0 ? r : a->close_c(m);
}

/* ---- calls ---- */

/* sd_bus_call queues the signals that arrive while it waits for the
 * reply, and sd_bus_process dispatches them only later: by then the job's
 * path is known. */
struct job_wait {
	const struct sd_api *api;
	char *path; /* the job we wait for */
	char *result;
};

static int on_job_removed(sd_bus_message *m, void *data, sd_bus_error *ret_error)
{
	(void)ret_error;
	struct job_wait *w = data;
	uint32_t id;
	const char *path, *unit, *result;
	if (w->api->read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->path && !w->result && !strcmp(path, w->path))
		w->result = xstrdup(result);
	return 0;
}

static void job_wait_free(struct job_wait *w)
{
	free(w->path);
	free(w->result);
}

/* The job's result ("done", "failed", ...) once its JobRemoved arrives. */
static int job_wait(struct sdbus *b, struct job_wait *w, const char *what)
{
	const int64_t limit_ms = (int64_t)(JOB_TIMEOUT_USEC / 1000);
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!w->result) {
		int r = b->api->process(b->bus, NULL);
		if (r < 0)
			return err_set(-r, "%s: systemd bus", what);
		if (r > 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t);
		int64_t ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= limit_ms)
			return err_set(0, "%s: systemd job %s did not finish in %llu s", what,
				       w->path, JOB_TIMEOUT_USEC / 1000000);
		r = b->api->wait(b->bus, (uint64_t)(limit_ms - ms) * 1000);
		if (r < 0)
			return err_set(-r, "%s: systemd bus", what);
	}
	if (strcmp(w->result, "done"))
		return err_set(0, "%s: the systemd job ended \"%s\"", what, w->result);
	return 0;
}

static int bus_error(const struct sd_api *a, sd_bus_error *e, int r, const char *what)
{
	int rc = e->message ? err_set(0, "%s: %s", what, e->message) : err_set(-r, "%s", what);
	a->error_free(e);
	return rc;
}

/* Calls a Manager method whose reply is a job path, and waits for the
 * job. build appends the arguments. *name_out: the D-Bus error name when
 * the call itself failed (for the callers that handle some). */
static int job_call(struct sdbus *b, const char *method, const char *what,
		    int (*build)(const struct sd_api *, sd_bus_message *, const void *),
		    const void *arg, char **name_out, bool *queued)
{
	const struct sd_api *a = b->api;
	struct job_wait w = {.api = a};
	sd_bus_slot *slot = NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	const char *job;
	int rc = -1;
	/* subscribe before the call: the job can end before the reply arrives */
	int r = a->match_signal(b->bus, &slot, SD_DEST, SD_PATH, SD_MGR, "JobRemoved",
				on_job_removed, &w);
	if (r >= 0)
		r = a->new_call(b->bus, &m, SD_DEST, SD_PATH, SD_MGR, method);
	if (r >= 0)
		r = build(a, m, arg);
	if (r < 0) {
		err_set(-r, "%s: build the %s call", what, method);
		goto out;
	}
	r = a->call(b->bus, m, 0, &e, &reply);
	if (r < 0) {
		if (name_out && e.name)
			*name_out = xstrdup(e.name);
		bus_error(a, &e, r, what);
		goto out;
	}
	if ((r = a->read(reply, "o", &job)) < 0) {
		err_set(-r, "%s: read the job of %s", what, method);
		goto out;
	}
	w.path = xstrdup(job);
	if (queued)
		*queued = true;
	rc = job_wait(b, &w, what);
out:
	a->msg_unref(m);
	a->msg_unref(reply);
	a->slot_unref(slot);
	job_wait_free(&w);
	return rc;
}

struct start_args {
	const char *unit;
	const struct sd_props *props;
};

static int build_start(const struct sd_api *a, sd_bus_message *m, const void *arg)
{
	const struct start_args *s = arg;
	int r = a->append(m, "ss", s->unit, "replace");
	if (r >= 0)
		r = append_props(a, m, s->props);
	/* no auxiliary units */
	return r < 0 ? r : a->append(m, "a(sa(sv))", 0);
}

static int build_unit_mode(const struct sd_api *a, sd_bus_message *m, const void *arg)
{
	return a->append(m, "ss", (const char *)arg, "replace");
}

static void reset_failed(struct sdbus *b, const char *unit)
{
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	if (b->api->new_call(b->bus, &m, SD_DEST, SD_PATH, SD_MGR, "ResetFailedUnit") >= 0 &&
	    b->api->append(m, "s", unit) >= 0)
		(void)b->api->call(b->bus, m, 0, &e, &reply);
	b->api->error_free(&e);
	b->api->msg_unref(m);
	b->api->msg_unref(reply);
}

int sdbus_start_unit(struct sdbus *b, const char *unit, const struct sd_props *props, bool *made)
{
	_cleanup_free_ char *what = xasprintf("systemd: start unit %s", unit);
	struct start_args s = {unit, props};
	for (int attempt = 0;; attempt++) {
		_cleanup_free_ char *name = NULL;
		if (job_call(b, "StartTransientUnit", what, build_start, &s, &name, made) == 0)
			return 0;
		if (attempt || !name || strcmp(name, "org.freedesktop.systemd1.UnitExists"))
			return -1;
		/* a failed unit of an earlier container of that name lingers
		 * until reset; a live one stays and is reported */
		log_debug("%s; resetting a failed unit of that name", err_msg());
		err_clear();
		reset_failed(b, unit);
	}
}

int sdbus_set_props(struct sdbus *b, const char *unit, const struct sd_props *props)
{
	const struct sd_api *a = b->api;
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = a->new_call(b->bus, &m, SD_DEST, SD_PATH, SD_MGR, "SetUnitProperties");
	if (r >= 0)
		r = a->append(m, "sb", unit, 1); /* runtime: gone at reboot */
	if (r >= 0)
		r = append_props(a, m, props);
	if (r >= 0)
		r = a->call(b->bus, m, 0, &e, &reply);
	a->msg_unref(m);
	a->msg_unref(reply);
	if (r < 0) {
		_cleanup_free_ char *what = xasprintf("systemd: set the properties of %s", unit);
		return bus_error(a, &e, r, what);
	}
	return 0;
}

int sdbus_stop_unit(struct sdbus *b, const char *unit)
{
	_cleanup_free_ char *what = xasprintf("systemd: stop unit %s", unit);
	_cleanup_free_ char *name = NULL;
	int rc = job_call(b, "StopUnit", what, build_unit_mode, unit, &name, NULL);
	if (rc < 0 && name && !strcmp(name, "org.freedesktop.systemd1.NoSuchUnit")) {
		err_clear(); /* a scope goes away by itself once empty */
		rc = 0;
	}
	reset_failed(b, unit);
	return rc;
}

int sdbus_manager_cgroup(struct sdbus *b, char **out)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *s = NULL;
	int r = b->api->get_prop_str(b->bus, SD_DEST, SD_PATH, SD_MGR, "ControlGroup", &e, &s);
	if (r < 0)
		return bus_error(b->api, &e, r, "systemd: the manager's ControlGroup");
	*out = s;
	return 0;
}
