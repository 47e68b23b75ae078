/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_qos.c: port mirrors and flow meters of the bridges (control thread).
 *
 * Both live in the snapshot the PMDs read: a mirror is a plain struct in
 * the bridge's vsw_bridge_info; the meters are an array of policer pointers
 * indexed by meter id. A change builds a new array (copy on write),
 * publishes it, and frees the old array and any replaced policer after the
 * grace period, so a PMD never sees a half-changed table or a freed meter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>

#include "dp_priv.h"

static int
find_mirror(const struct dp_bridge *br, const char *name)
{
	int i;

	for (i = 0; i < VSW_MAX_MIRRORS; i++)
		if (br->mirrors[i].in_use && strcmp(br->mirror_names[i], name) == 0)
			return i;
	return -1;
}

int
dp_mirror_add(const char *bridge, const char *name, uint16_t out_port, const uint64_t *src,
	      const uint64_t *dst, char *err, size_t errlen)
{
	struct dp_bridge *br = dp_find_bridge(bridge);
	struct vsw_mirror old;
	int i, slot = -1, ret;

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	if (!dp_name_valid(name)) {
		snprintf(err, errlen, "invalid mirror name '%s'", name);
		return -EINVAL;
	}
	if (out_port >= VSW_MAX_PORTS || dp.ports[out_port] == NULL ||
	    dp.ports[out_port]->bridge != br->idx) {
		snprintf(err, errlen, "the mirror's output port is not on bridge %s", bridge);
		return -EINVAL;
	}
	if ((src[out_port / 64] | dst[out_port / 64]) & (1ULL << (out_port % 64))) {
		snprintf(err, errlen, "the output port %s cannot also be mirrored",
			 dp.ports[out_port]->cfg.name);
		return -EINVAL;
	}
	slot = find_mirror(br, name);
	if (slot < 0) {
		for (i = 0; i < VSW_MAX_MIRRORS && slot < 0; i++)
			if (!br->mirrors[i].in_use)
				slot = i;
		if (slot < 0) {
			snprintf(err, errlen, "bridge %s has %d mirrors already", bridge,
				 VSW_MAX_MIRRORS);
			return -ENOSPC;
		}
	}
	old = br->mirrors[slot];
	br->mirrors[slot].in_use = true;
	br->mirrors[slot].out_port = out_port;
	memcpy(br->mirrors[slot].src, src, sizeof(br->mirrors[slot].src));
	memcpy(br->mirrors[slot].dst, dst, sizeof(br->mirrors[slot].dst));
	ret = dp_publish(err, errlen);
	if (ret != 0) {
		br->mirrors[slot] = old;
		return ret;
	}
	snprintf(br->mirror_names[slot], sizeof(br->mirror_names[slot]), "%s", name);
	return 0;
}

int
dp_mirror_del(const char *bridge, const char *name, char *err, size_t errlen)
{
	struct dp_bridge *br = dp_find_bridge(bridge);
	int slot, ret;

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	slot = find_mirror(br, name);
	if (slot < 0) {
		snprintf(err, errlen, "no mirror named %s on bridge %s", name, bridge);
		return -ENOENT;
	}
	br->mirrors[slot].in_use = false;
	ret = dp_publish(err, errlen);
	if (ret != 0)
		br->mirrors[slot].in_use = true;
	return ret;
}

int
dp_mirror_foreach(const char *bridge, int (*cb)(const struct dp_mirror_info *m, void *arg),
		  void *arg)
{
	const struct dp_bridge *br = dp_find_bridge(bridge);
	struct dp_mirror_info info;
	int i, ret;

	if (br == NULL)
		return -ENOENT;
	for (i = 0; i < VSW_MAX_MIRRORS; i++) {
		if (!br->mirrors[i].in_use)
			continue;
		snprintf(info.name, sizeof(info.name), "%s", br->mirror_names[i]);
		info.mirror = br->mirrors[i];
		ret = cb(&info, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/* A port is going: drop it from every selection; a mirror whose output it is
 * goes too. The caller publishes. Returns how many mirrors were deleted. */
unsigned int
dp_mirror_port_gone(struct dp_bridge *br, uint16_t port)
{
	unsigned int n = 0;
	int i;

	for (i = 0; i < VSW_MAX_MIRRORS; i++) {
		struct vsw_mirror *m = &br->mirrors[i];

		if (!m->in_use)
			continue;
		if (m->out_port == port) {
			m->in_use = false;
			n++;
			continue;
		}
		m->src[port / 64] &= ~(1ULL << (port % 64));
		m->dst[port / 64] &= ~(1ULL << (port % 64));
	}
	return n;
}

int
dp_meter_set(const char *bridge, uint32_t id, uint32_t rate_kbps, uint32_t burst_kbit,
	     char *err, size_t errlen)
{
	struct dp_bridge *br = dp_find_bridge(bridge);
	struct vsw_policer **meters, **old_meters, *old = NULL, *p;
	uint32_t n, old_n;
	int ret;

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	if (id >= DP_MAX_METERS) {
		snprintf(err, errlen, "meter id %u out of range 0..%d", id, DP_MAX_METERS - 1);
		return -EINVAL;
	}
	if (rate_kbps == 0) {
		snprintf(err, errlen, "a meter needs a rate above 0 kbit/s");
		return -EINVAL;
	}
	p = vsw_policer_create((uint64_t)rate_kbps * 1000 / 8, (uint64_t)burst_kbit * 1000 / 8,
			       (int)rte_socket_id());
	if (p == NULL) {
		snprintf(err, errlen, "cannot create meter %u: %s", id, strerror(errno));
		return -errno;
	}
	old_n = br->n_meters;
	n = RTE_MAX(old_n, id + 1);
	meters = calloc(n, sizeof(*meters));
	if (meters == NULL) {
		vsw_policer_free(p);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (old_n > 0)
		memcpy(meters, br->meters, old_n * sizeof(*meters));
	if (id < old_n)
		old = meters[id];
	meters[id] = p;
	old_meters = br->meters;
	br->meters = meters;
	br->n_meters = n;
	ret = dp_publish(err, errlen);
	if (ret != 0) {
		br->meters = old_meters;
		br->n_meters = old_n;
		free(meters);
		vsw_policer_free(p);
		return ret;
	}
	free(old_meters);
	vsw_policer_free(old);
	br->meter_cfg[id].rate = rate_kbps;
	br->meter_cfg[id].burst = burst_kbit;
	return 0;
}

int
dp_meter_del(const char *bridge, uint32_t id, char *err, size_t errlen)
{
	struct dp_bridge *br = dp_find_bridge(bridge);
	struct vsw_policer **meters, *old;
	int ret;

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	if (id >= br->n_meters || br->meters[id] == NULL) {
		snprintf(err, errlen, "no meter %u on bridge %s", id, bridge);
		return -ENOENT;
	}
	meters = malloc(br->n_meters * sizeof(*meters));
	if (meters == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(meters, br->meters, br->n_meters * sizeof(*meters));
	old = meters[id];
	meters[id] = NULL;
	{
		struct vsw_policer **old_meters = br->meters;

		br->meters = meters;
		ret = dp_publish(err, errlen);
		if (ret != 0) {
			br->meters = old_meters;
			free(meters);
			return ret;
		}
		free(old_meters);
	}
	vsw_policer_free(old);
	return 0;
}

int
dp_meter_foreach(const char *bridge, int (*cb)(uint32_t id, uint32_t rate_kbps,
					       uint32_t burst_kbit, void *arg), void *arg)
{
	const struct dp_bridge *br = dp_find_bridge(bridge);
	uint32_t i;
	int ret;

	if (br == NULL)
		return -ENOENT;
	for (i = 0; i < br->n_meters; i++) {
		if (br->meters[i] == NULL)
			continue;
		ret = cb(i, br->meter_cfg[i].rate, br->meter_cfg[i].burst, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

void
dp_qos_bridge_free(struct dp_bridge *br)
{
	uint32_t i;

	for (i = 0; i < br->n_meters; i++)
		vsw_policer_free(br->meters[i]);
	free(br->meters);
	br->meters = NULL;
	br->n_meters = 0;
}
