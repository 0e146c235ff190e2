/* SPDX-License-Identifier: Apache-2.0 */
/* Private to the systemd cgroup driver: cgroup_systemd.c (the driver: a
 * transient unit over D-Bus, then the cgroupfs driver of the host's
 * layout on the unit's cgroup) and cgroup_systemd_unit.c (the pure part:
 * unit names, slice paths and unit properties, unit-tested). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "sdbus.h"
#include "spec.h"

/* linux.cgroupsPath "slice:prefix:name" as systemd sees it. */
struct sd_unit {
	char *slice; /* the parent slice of a scope ("system.slice") */
	char *name;  /* "prefix-name.scope", or "name.slice" when name is a slice */
	bool is_slice;
	char *path; /* its cgroup below the manager's root: "/system.slice/x.scope" */
};

/* Parses cgroups_path; an empty slice is default_slice, "-" the root
 * slice. Errors name the field and the rule broken. */
int sd_unit_parse(const char *cgroups_path, const char *default_slice, struct sd_unit *u);
void sd_unit_free(struct sd_unit *u);
/* The cgroup of a slice unit: "a-b.slice" is "/a.slice/a-b.slice", the
 * root slice "-.slice" is "". malloc'd. */
int sd_slice_path(const char *slice, char **out);

/* The properties of a new unit: description, parent, delegation, the
 * accounting runc turns on, pid (0: none, for a slice), plus resources. */
int sd_unit_props(const struct sd_unit *u, uint32_t pid, const struct spec_resources *r, bool v2,
		  struct sd_props *p);
/* linux.resources as unit properties (those systemd has; the cgroupfs
 * driver writes everything afterwards), so that systemd, which rewrites
 * the files of its units on daemon-reload, keeps the container's limits. */
int sd_resource_props(const struct spec_resources *r, bool v2, struct sd_props *p);
/* CPUQuotaPerSecUSec from quota/period in us, rounded up to systemd's
 * 10 ms granularity; UINT64_MAX (infinity) for quota < 0. */
uint64_t sd_cpu_quota_per_sec(int64_t quota, uint64_t period);
