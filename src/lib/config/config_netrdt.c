/* SPDX-License-Identifier: Apache-2.0 */
/* config.json linux.netDevices and linux.intelRdt -> struct spec_linux.
 * The value rules (config_netrdt.h) take plain values so the unit tests
 * reach them without JSON; netdev.c and intelrdt.c rely on them. */
#include <ctype.h>
#include <net/if.h>
#include <string.h>

#include "config_internal.h"
#include "config_netrdt.h"

#define P(buf, parent, key) jpath(buf, sizeof(buf), parent, key)

bool netdev_name_valid(const char *n, bool allow_template)
{
	size_t len = strlen(n);
	if (!len || len >= IFNAMSIZ || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	bool templ = false;
	for (const char *p = n; *p; p++) {
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return false;
		if (*p == '%') {
			if (!allow_template || p[1] != 'd' || templ)
				return false;
			templ = true;
		}
	}
	return true;
}

static int check_line(const char *v, const char *field)
{
	if (!*v)
		return err_set(0, "linux.intelRdt.%s: must not be empty", field);
	if (strchr(v, '\n'))
		return err_set(0, "linux.intelRdt.%s: must not contain newlines", field);
	return 0;
}

int rdt_validate(const struct spec_intel_rdt *t)
{
	const char *c = t->clos_id;
	/* a group is one directory below the root; "/" is the root itself */
	if (c && strcmp(c, "/") != 0 &&
	    (!*c || strchr(c, '/') || strchr(c, '\n') || !strcmp(c, ".") || !strcmp(c, "..")))
		return err_set(0, "linux.intelRdt.closID \"%s\": must be \"/\" or a plain name", c);
	if (t->l3_cache_schema && check_line(t->l3_cache_schema, "l3CacheSchema") < 0)
		return -1;
	if (t->mem_bw_schema) {
		if (check_line(t->mem_bw_schema, "memBwSchema") < 0)
			return -1;
		if (!str_has_prefix(t->mem_bw_schema, "MB:"))
			return err_set(0, "linux.intelRdt.memBwSchema: must start with \"MB:\"");
	}
	for (size_t i = 0; i < t->n_schemata; i++) {
		char field[48];
		snprintf(field, sizeof(field), "schemata[%zu]", i);
		if (check_line(t->schemata[i], field) < 0)
			return -1;
	}
	return 0;
}

static int parse_net_device(struct spec *s, const char *host, json_t *v, struct spec_netdev *d)
{
	char p[JPATH_MAX];
	snprintf(p, sizeof(p), "linux.netDevices[\"%s\"]", host);
	if (jval_obj(v, p) < 0 || jget_str(v, "name", p, false, &s->arena, &d->name) < 0)
		return -1;
	if (!netdev_name_valid(host, false))
		return err_set(0, "%s: invalid host interface name", p);
	d->host_name = arena_strdup(&s->arena, host);
	if (!d->name || !*d->name)
		d->name = d->host_name;
	else if (!netdev_name_valid(d->name, true))
		return err_set(0, "%s.name \"%s\": invalid interface name", p, d->name);
	return 0;
}

int parse_net_devices(json_t *o, struct spec *s)
{
	json_t *nd = NULL, *v;
	const char *key;
	size_t i = 0;
	if (jget_obj(o, "netDevices", "linux", false, &nd) < 0)
		return -1;
	if (!nd || !json_object_size(nd))
		return 0;
	/* moving into the runtime's own namespace would be no move at all */
	if (!s->linux.ns[NS_NET].present)
		return err_set(0,
			       "linux.netDevices: needs a network namespace in linux.namespaces");
	s->linux.net_devices =
	    arena_alloc(&s->arena, json_object_size(nd) * sizeof(struct spec_netdev));
	json_object_foreach(nd, key, v)
	{
		if (parse_net_device(s, key, v, &s->linux.net_devices[i]) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->linux.net_devices[j].name, s->linux.net_devices[i].name) ==
				0 &&
			    !strchr(s->linux.net_devices[i].name, '%'))
				return err_set(
				    0, "linux.netDevices[\"%s\"].name: \"%s\" is given twice", key,
				    s->linux.net_devices[i].name);
		i++;
	}
	s->linux.n_net_devices = i;
	return 0;
}

int parse_intel_rdt(json_t *o, struct spec *s)
{
	json_t *r = NULL;
	const char *p = "linux.intelRdt";
	if (jget_obj(o, "intelRdt", "linux", false, &r) < 0)
		return -1;
	if (!r)
		return 0;
	struct spec_intel_rdt *t = arena_alloc(&s->arena, sizeof(*t));
	if (jget_str(r, "closID", p, false, &s->arena, &t->clos_id) < 0 ||
	    jget_str(r, "l3CacheSchema", p, false, &s->arena, &t->l3_cache_schema) < 0 ||
	    jget_str(r, "memBwSchema", p, false, &s->arena, &t->mem_bw_schema) < 0 ||
	    jget_strv(r, "schemata", p, false, &s->arena, &t->schemata, &t->n_schemata) < 0 ||
	    jget_bool(r, "enableMonitoring", p, &t->enable_monitoring) < 0 || rdt_validate(t) < 0)
		return -1;
	s->linux.intel_rdt = t;
	return 0;
}
