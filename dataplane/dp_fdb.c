/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_fdb.c: static MAC entries of a bridge's FDB, and port name lookups for
 * the control plane (control thread). A static entry never ages and never
 * moves; it goes when its port is deleted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dp_priv.h"

int
dp_fdb_add_static(const char *bridge, const struct rte_ether_addr *mac, uint16_t vlan,
		  const char *port, char *err, size_t errlen)
{
	struct dp_bridge *br = dp_find_bridge(bridge);
	uint16_t id;
	int ret;

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	if (dp_port_lookup(bridge, port, &id) != 0) {
		snprintf(err, errlen, "no port named %s on bridge %s", port, bridge);
		return -ENOENT;
	}
	if (vlan > 4095 || rte_is_multicast_ether_addr(mac) || rte_is_zero_ether_addr(mac)) {
		snprintf(err, errlen, "a static entry needs a unicast MAC and a VLAN 0..4095");
		return -EINVAL;
	}
	ret = vsw_fdb_add_static(br->fdb, mac, vlan, id);
	if (ret == -ENOSPC)
		snprintf(err, errlen, "the MAC table of %s is full (fdb_size %u)", bridge,
			 br->cfg.fdb_size);
	else if (ret != 0)
		snprintf(err, errlen, "cannot add the entry: %s", strerror(-ret));
	return ret;
}

int
dp_fdb_del(const char *bridge, const struct rte_ether_addr *mac, uint16_t vlan, char *err,
	   size_t errlen)
{
	struct dp_bridge *br = dp_find_bridge(bridge);

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	if (vsw_fdb_del(br->fdb, mac, vlan) != 0) {
		snprintf(err, errlen, "no entry for that MAC in VLAN %u on %s", vlan, bridge);
		return -ENOENT;
	}
	return 0;
}

int
dp_port_lookup(const char *bridge, const char *name, uint16_t *id)
{
	const struct dp_bridge *br = dp_find_bridge(bridge);
	int i;

	if (br == NULL)
		return -ENOENT;
	for (i = 0; i < VSW_MAX_PORTS; i++) {
		const struct dp_port *p = dp.ports[i];

		if (p != NULL && p->bridge == br->idx && strcmp(p->cfg.name, name) == 0) {
			*id = p->id;
			return 0;
		}
	}
	return -ENOENT;
}

const char *
dp_port_name(uint16_t id)
{
	if (id < VSW_MAX_PORTS && dp.ports[id] != NULL)
		return dp.ports[id]->cfg.name;
	return "?";
}
