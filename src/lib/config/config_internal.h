/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between config.c and config_linux.c only. */
#pragma once

#include "config_json_util.h"
#include "json.h"
#include "spec.h"

int parse_linux(struct spec *s, json_t *root);
/* linux.resources (config_resources.c); linux_obj is the "linux" object. */
int parse_resources(json_t *linux_obj, struct spec *s);
/* linux.seccomp (config_seccomp.c); linux_obj is the "linux" object. */
int parse_seccomp(json_t *linux_obj, struct spec *s);
/* False for a key of "linux" that parse_linux refuses as not supported yet. */
bool linux_key_supported(const char *key);
/* An array of LinuxIDMapping objects ("<path>[i].hostID" in errors). */
int parse_idmaps(json_t *arr, const char *path, struct spec *s, struct spec_idmap **out, size_t *n);
/* linux.netDevices and linux.intelRdt (config_netrdt.c); o is "linux". */
int parse_net_devices(json_t *o, struct spec *s);
int parse_intel_rdt(json_t *o, struct spec *s);
/* process.ioPriority, process.scheduler, process.execCPUAffinity and
 * linux.personality, linux.memoryPolicy (config_sched.c). */
int parse_process_sched(json_t *proc, struct spec *s, struct spec_process *pr);
int parse_linux_sched(json_t *linux_obj, struct spec *s);
