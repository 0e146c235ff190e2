/* SPDX-License-Identifier: Apache-2.0 */
/* config.json linux.netDevices and linux.intelRdt -> struct spec_linux.
 * The value rules live next to the code that uses them (netdev.c,
 * intelrdt.c) so the unit tests reach them without JSON. */
#include <string.h>

#include "config_internal.h"
#include "intelrdt.h"
#include "netdev.h"

#define P(buf, parent, key) jpath(buf, sizeof(buf), parent, key)

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
