/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd manager over D-Bus (sd-bus from libsystemd, loaded with
 * dlopen the first time --systemd-cgroup needs it, so that every other
 * run pays nothing for it): transient units, their properties, stop. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One unit property, as StartTransientUnit and SetUnitProperties take
 * them (a(sv)). */
enum sd_prop_type {
	SDP_STR,   /* s */
	SDP_BOOL,  /* b */
	SDP_U64,   /* t */
	SDP_PIDS,  /* au */
	SDP_BYTES, /* ay (a CPU or NUMA node bitmask, lowest bit first) */
};

struct sd_prop {
	char *name;
	enum sd_prop_type type;
	char *str;
	bool b;
	uint64_t u;
	uint32_t *pids;
	uint8_t *bytes;
	size_t n; /* pids or bytes */
};

struct sd_props {
	struct sd_prop *v;
	size_t n;
};

/* Appenders (the props own copies of what they are given). */
void sd_props_str(struct sd_props *p, const char *name, const char *val);
void sd_props_bool(struct sd_props *p, const char *name, bool val);
void sd_props_u64(struct sd_props *p, const char *name, uint64_t val);
void sd_props_pid(struct sd_props *p, const char *name, uint32_t pid);
void sd_props_bytes(struct sd_props *p, const char *name, const uint8_t *val, size_t n);
const struct sd_prop *sd_props_find(const struct sd_props *p, const char *name);
void sd_props_free(struct sd_props *p);

struct sdbus;

/* Connects to the system manager (user false) or the calling user's
 * manager; names what failed otherwise ("libsystemd.so.0: ..."). */
int sdbus_open(bool user, struct sdbus **out);
void sdbus_close(struct sdbus *b);

/* StartTransientUnit(unit, "replace", props) and waits for its job;
 * *made once systemd took the unit (its job may still fail), false when
 * it refused it (a unit of that name lives: not ours to stop). */
int sdbus_start_unit(struct sdbus *b, const char *unit, const struct sd_props *props, bool *made);
/* SetUnitProperties(unit, runtime, props). */
int sdbus_set_props(struct sdbus *b, const char *unit, const struct sd_props *props);
/* StopUnit(unit, "replace"), waits for its job; a unit that is gone
 * already is not an error. Then ResetFailedUnit, best effort. */
int sdbus_stop_unit(struct sdbus *b, const char *unit);
/* The manager's own cgroup ("" for the system manager), malloc'd. */
int sdbus_manager_cgroup(struct sdbus *b, char **out);
