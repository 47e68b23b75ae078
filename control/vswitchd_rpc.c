/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitchd_rpc.c: the JSON-RPC methods of edgeplane-vswitchd (docs/rpc.md)
 * and the db file that makes the configuration survive a restart.
 *
 * Each mutating method validates its params whole, applies the change
 * through the dataplane's API, then writes the db (temp file, fsync,
 * rename). If the db cannot be written the change is undone, so the running
 * switch and the file never disagree.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "vswitchd.h"

/* ------------------------------------------------------------------------ */
/* The db document, built from the running state                            */

static json_t *static_macs_db(const char *bridge, const char *skip_port);
static void static_macs_restore(const char *bridge, const json_t *macs);

/* What a db write leaves out: the bridge or port being deleted, so the file
 * is written before the deletion happens and a failed write changes nothing. */
struct db_skip {
	const char *bridge;
	const char *port;
};

struct db_build {
	json_t *ports;
	const char *bridge;
	struct vsd *vsd;
	const struct db_skip *skip;
};

static bool
skipped(const char *name, const char *skip)
{
	return skip != NULL && strcmp(name, skip) == 0;
}

static int
db_add_port(const struct dp_port_info *info, void *arg)
{
	struct db_build *b = arg;

	if (!skipped(info->cfg.name, b->skip->port))
		json_array_append_new(b->ports, vsd_port_cfg_to_json(&info->cfg));
	return 0;
}

struct db_bridges {
	json_t *bridges;
	struct vsd *vsd;
	const struct db_skip *skip;
};

static int
db_add_bridge(const struct dp_bridge_cfg *cfg, void *arg)
{
	struct db_bridges *d = arg;
	struct db_build b = {
		.ports = json_array(), .bridge = cfg->name, .vsd = d->vsd, .skip = d->skip,
	};
	json_t *br, *f, *port;
	size_t i;

	if (skipped(cfg->name, d->skip->bridge)) {
		json_decref(b.ports);
		return 0;
	}
	br = vsd_bridge_cfg_to_json(cfg);
	dp_port_foreach(cfg->name, db_add_port, &b);
	/* Ports that failed to come back stay in the db. */
	json_array_foreach(d->vsd->failed_ports, i, f) {
		port = json_object_get(f, "port");
		if (strcmp(json_string_value(json_object_get(f, "bridge")), cfg->name) == 0 &&
		    !skipped(json_string_value(json_object_get(port, "name")), d->skip->port))
			json_array_append(b.ports, port);
	}
	json_object_set_new(br, "static_macs", static_macs_db(cfg->name, d->skip->port));
	json_object_set_new(br, "meters", vsd_meters_db(cfg->name));
	json_object_set_new(br, "mirrors", vsd_mirrors_db(cfg->name));
	json_object_set_new(br, "ports", b.ports);
	json_object_set_new(br, "flows", vsd_flows_db(d->vsd, cfg->name));
	json_array_append_new(d->bridges, br);
	return 0;
}

static json_t *
db_build(struct vsd *vsd, const struct db_skip *skip)
{
	struct db_bridges d = { .bridges = json_array(), .vsd = vsd, .skip = skip };

	dp_bridge_foreach(db_add_bridge, &d);
	return json_pack("{s:i, s:o}", "version", 1, "bridges", d.bridges);
}

/* Write the db from the running state, leaving out what @p skip names. */
static int
db_write_skip(struct vsd *vsd, const struct db_skip *skip, char *err, size_t errlen)
{
	json_t *doc = db_build(vsd, skip);
	int ret;

	if (doc == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = ctl_db_save(vsd->db_path, doc, err, errlen);
	json_decref(doc);
	return ret;
}

int
vsd_db_write(struct vsd *vsd, char *err, size_t errlen)
{
	static const struct db_skip none;

	return db_write_skip(vsd, &none, err, errlen);
}

static json_t *
failed_port_find(struct vsd *vsd, const char *name, size_t *index)
{
	size_t i;
	json_t *f;

	json_array_foreach(vsd->failed_ports, i, f) {
		const char *n = json_string_value(json_object_get(json_object_get(f, "port"),
								  "name"));

		if (n != NULL && strcmp(n, name) == 0) {
			if (index != NULL)
				*index = i;
			return f;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* bridge.*                                                                 */

static int
m_bridge_add(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	struct vsd *vsd = ctx;
	struct dp_bridge_cfg cfg;
	char e2[128];
	int ret;

	dp_bridge_cfg_init(&cfg);
	ret = vsd_bridge_cfg_from_json(params, &cfg, err, errlen);
	if (ret != 0)
		return ret;
	ret = dp_bridge_add(&cfg, err, errlen);
	if (ret != 0)
		return ret;
	ret = vsd_db_write(vsd, err, errlen);
	if (ret != 0) {
		dp_bridge_del(cfg.name, e2, sizeof(e2));
		return ret;
	}
	*result = json_object();
	return 0;
}

static int
m_bridge_set(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	struct vsd *vsd = ctx;
	struct dp_bridge_cfg cfg, old;
	const char *name = json_string_value(json_object_get(params, "name"));
	char e2[128];
	int ret;

	if (name == NULL) {
		snprintf(err, errlen, "missing 'name'");
		return -EINVAL;
	}
	if (dp_bridge_get(name, &old) != 0) {
		snprintf(err, errlen, "no bridge named %s", name);
		return -ENOENT;
	}
	cfg = old;
	ret = vsd_bridge_cfg_from_json(params, &cfg, err, errlen);
	if (ret != 0)
		return ret;
	ret = dp_bridge_set(&cfg, err, errlen);
	if (ret != 0)
		return ret;
	ret = vsd_db_write(vsd, err, errlen);
	if (ret != 0) {
		dp_bridge_set(&old, e2, sizeof(e2));
		return ret;
	}
	*result = json_object();
	return 0;
}

static int
m_bridge_del(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "name", NULL };
	struct vsd *vsd = ctx;
	struct db_skip skip = { 0 };
	char name[DP_NAME_SIZE], e2[128];
	size_t i;
	json_t *f;
	int ret;

	ret = vsd_check_keys(params, keys, NULL, err, errlen);
	if (ret != 0)
		return ret;
	ret = vsd_get_string(params, "name", true, name, sizeof(name), err, errlen);
	if (ret != 0)
		return ret;
	{
		struct dp_bridge_cfg bc;

		if (dp_bridge_get(name, &bc) != 0) {
			snprintf(err, errlen, "no bridge named %s", name);
			return -ENOENT;
		}
	}
	/* The db first: if it cannot be written, nothing has changed. */
	skip.bridge = name;
	ret = db_write_skip(vsd, &skip, err, errlen);
	if (ret != 0)
		return ret;
	ret = dp_bridge_del(name, err, errlen);
	if (ret != 0) {
		vsd_db_write(vsd, e2, sizeof(e2));
		return ret;
	}
	/* Failed ports and flows of this bridge go with it. */
	for (i = json_array_size(vsd->failed_ports); i-- > 0;) {
		f = json_array_get(vsd->failed_ports, i);
		if (strcmp(json_string_value(json_object_get(f, "bridge")), name) == 0)
			json_array_remove(vsd->failed_ports, i);
	}
	for (i = json_array_size(vsd->failed_flows); i-- > 0;) {
		f = json_array_get(vsd->failed_flows, i);
		if (strcmp(json_string_value(json_object_get(f, "bridge")), name) == 0)
			json_array_remove(vsd->failed_flows, i);
	}
	*result = json_object();
	return 0;
}

struct list_ctx {
	json_t *ports;
	struct vsd *vsd;
	bool with_bridge;
};

static json_t *
port_json(const struct dp_port_info *info, bool with_bridge)
{
	json_t *o = vsd_port_cfg_to_json(&info->cfg);

	json_object_set_new(o, "id", json_integer(info->id));
	json_object_set_new(o, "state", json_string(info->up ? "up" : "down"));
	if (with_bridge)
		json_object_set_new(o, "bridge", json_string(info->bridge));
	return o;
}

static int
list_port(const struct dp_port_info *info, void *arg)
{
	struct list_ctx *lc = arg;

	json_array_append_new(lc->ports, port_json(info, lc->with_bridge));
	return 0;
}

static void
list_failed_ports(struct vsd *vsd, const char *bridge, json_t *ports, bool with_bridge)
{
	size_t i;
	json_t *f;

	json_array_foreach(vsd->failed_ports, i, f) {
		json_t *o;

		if (bridge != NULL &&
		    strcmp(json_string_value(json_object_get(f, "bridge")), bridge) != 0)
			continue;
		o = json_deep_copy(json_object_get(f, "port"));
		json_object_set_new(o, "state", json_string("error"));
		json_object_set(o, "error", json_object_get(f, "error"));
		if (with_bridge)
			json_object_set(o, "bridge", json_object_get(f, "bridge"));
		json_array_append_new(ports, o);
	}
}

static int
list_bridge(const struct dp_bridge_cfg *cfg, void *arg)
{
	struct list_ctx *outer = arg;
	struct list_ctx lc = { .ports = json_array(), .vsd = outer->vsd };
	json_t *br = vsd_bridge_cfg_to_json(cfg);

	dp_port_foreach(cfg->name, list_port, &lc);
	list_failed_ports(outer->vsd, cfg->name, lc.ports, false);
	json_object_set_new(br, "ports", lc.ports);
	json_array_append_new(outer->ports, br);
	return 0;
}

static int
m_bridge_list(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { NULL };
	struct list_ctx lc = { .ports = json_array(), .vsd = ctx };
	int ret;

	if (params != NULL) {
		ret = vsd_check_keys(params, keys, NULL, err, errlen);
		if (ret != 0) {
			json_decref(lc.ports);
			return ret;
		}
	}
	dp_bridge_foreach(list_bridge, &lc);
	*result = json_pack("{s:o}", "bridges", lc.ports);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* port.*                                                                   */

static int
m_port_add(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	struct vsd *vsd = ctx;
	struct dp_port_cfg cfg;
	char bridge[DP_NAME_SIZE], e2[128];
	int ret;

	dp_port_cfg_init(&cfg);
	ret = vsd_port_cfg_from_json(params, &cfg, false, err, errlen);
	if (ret != 0)
		return ret;
	ret = vsd_get_string(params, "bridge", true, bridge, sizeof(bridge), err, errlen);
	if (ret != 0)
		return ret;
	if (failed_port_find(vsd, cfg.name, NULL) != NULL) {
		snprintf(err, errlen, "port %s already exists (in error state)", cfg.name);
		return -EEXIST;
	}
	ret = dp_port_add(bridge, &cfg, err, errlen);
	if (ret != 0)
		return ret;
	ret = vsd_db_write(vsd, err, errlen);
	if (ret != 0) {
		dp_port_del(cfg.name, e2, sizeof(e2));
		return ret;
	}
	*result = json_object();
	return 0;
}

static int
m_port_set(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	struct vsd *vsd = ctx;
	struct dp_port_info *info;
	struct dp_port_cfg cfg;
	const char *name = json_string_value(json_object_get(params, "name"));
	char e2[128];
	int ret;

	if (!json_is_object(params) || name == NULL) {
		snprintf(err, errlen, "missing 'name'");
		return -EINVAL;
	}
	info = malloc(sizeof(*info));
	if (info == NULL)
		return -ENOMEM;
	if (dp_port_get(name, info) != 0) {
		free(info);
		snprintf(err, errlen, "no port named %s", name);
		return -ENOENT;
	}
	cfg = info->cfg;
	ret = vsd_port_cfg_from_json(params, &cfg, true, err, errlen);
	if (ret == 0)
		ret = dp_port_set(&cfg, err, errlen);
	if (ret == 0) {
		ret = vsd_db_write(vsd, err, errlen);
		if (ret != 0)
			dp_port_set(&info->cfg, e2, sizeof(e2));
	}
	free(info);
	if (ret == 0)
		*result = json_object();
	return ret;
}

static int
m_port_del(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "name", NULL };
	struct vsd *vsd = ctx;
	struct db_skip skip = { 0 };
	char name[DP_NAME_SIZE], e2[128];
	size_t idx;
	int ret;

	ret = vsd_check_keys(params, keys, NULL, err, errlen);
	if (ret != 0)
		return ret;
	ret = vsd_get_string(params, "name", true, name, sizeof(name), err, errlen);
	if (ret != 0)
		return ret;
	if (failed_port_find(vsd, name, &idx) == NULL) {
		struct dp_port_info *info = malloc(sizeof(*info));
		bool found = info != NULL && dp_port_get(name, info) == 0;

		free(info);
		if (!found) {
			snprintf(err, errlen, "no port named %s", name);
			return -ENOENT;
		}
	}
	/* The db first: if it cannot be written, nothing has changed. */
	skip.port = name;
	ret = db_write_skip(vsd, &skip, err, errlen);
	if (ret != 0)
		return ret;
	if (failed_port_find(vsd, name, &idx) != NULL) {
		json_array_remove(vsd->failed_ports, idx);
	} else {
		ret = dp_port_del(name, err, errlen);
		if (ret != 0) {
			vsd_db_write(vsd, e2, sizeof(e2));
			return ret;
		}
	}
	*result = json_object();
	return 0;
}

static int
m_port_list(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "bridge", NULL };
	struct list_ctx lc = { .ports = json_array(), .vsd = ctx, .with_bridge = true };
	char bridge[DP_NAME_SIZE];
	int ret, has_bridge = 1;

	if (params != NULL) {
		ret = vsd_check_keys(params, keys, NULL, err, errlen);
		if (ret == 0) {
			has_bridge = vsd_get_string(params, "bridge", false, bridge,
						    sizeof(bridge), err, errlen);
			ret = has_bridge < 0 ? has_bridge : 0;
		}
		if (ret != 0) {
			json_decref(lc.ports);
			return ret;
		}
	}
	ret = dp_port_foreach(has_bridge == 0 ? bridge : NULL, list_port, &lc);
	if (ret == -ENOENT) {
		json_decref(lc.ports);
		snprintf(err, errlen, "no bridge named %s", bridge);
		return ret;
	}
	list_failed_ports(ctx, has_bridge == 0 ? bridge : NULL, lc.ports, true);
	*result = json_pack("{s:o}", "ports", lc.ports);
	return 0;
}

static int
stats_port(const struct dp_port_info *info, void *arg)
{
	json_t *ports = arg;
	json_t *drops = json_object();
	json_t *o;
	int d;

	for (d = 0; d < VSW_DROP_MAX; d++)
		json_object_set_new(drops, vsw_drop_name(d), json_integer(info->ctr.drops[d]));
	o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o}",
		      "name", info->cfg.name, "bridge", info->bridge,
		      "state", info->up ? "up" : "down",
		      "rx_packets", (json_int_t)info->ctr.rx_packets,
		      "rx_bytes", (json_int_t)info->ctr.rx_bytes,
		      "tx_packets", (json_int_t)info->ctr.tx_packets,
		      "tx_bytes", (json_int_t)info->ctr.tx_bytes,
		      "drops", drops);
	if (info->cfg.type == DP_PORT_DPDK) {
		json_object_set_new(o, "rx_missed", json_integer((json_int_t)info->rx_missed));
		json_object_set_new(o, "rx_nombuf", json_integer((json_int_t)info->rx_nombuf));
	} else {
		json_object_set_new(o, "connects", json_integer((json_int_t)info->connects));
		json_object_set_new(o, "disconnects",
				    json_integer((json_int_t)info->disconnects));
		json_t *queues = json_array();
		uint16_t q;

		json_object_set_new(o, "tx_retries", json_integer((json_int_t)info->tx_retries));
		char feat[24];

		snprintf(feat, sizeof(feat), "0x%" PRIx64, info->features);
		json_object_set_new(o, "n_queues", json_integer(info->n_queues_up));
		json_object_set_new(o, "features", json_string(feat));
		json_object_set_new(o, "guest_mtu", json_integer(info->guest_mtu));
		for (q = 0; q < info->cfg.n_rxq; q++)
			json_array_append_new(queues, json_pack(
				"{s:i, s:I, s:I, s:b, s:b}", "queue", q,
				"rx_packets", (json_int_t)info->queues[q].rx_packets,
				"tx_packets", (json_int_t)info->queues[q].tx_packets,
				"rx_enabled", info->queues[q].rx_enabled,
				"tx_enabled", info->queues[q].tx_enabled));
		json_object_set_new(o, "queues", queues);
	}
	json_array_append_new(ports, o);
	return 0;
}

static int
m_port_stats(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "name", NULL };
	json_t *ports = json_array();
	char name[DP_NAME_SIZE];
	int ret, has_name = 1;

	(void)ctx;
	if (params != NULL) {
		ret = vsd_check_keys(params, keys, NULL, err, errlen);
		if (ret == 0) {
			has_name = vsd_get_string(params, "name", false, name, sizeof(name), err,
						  errlen);
			ret = has_name < 0 ? has_name : 0;
		}
		if (ret != 0) {
			json_decref(ports);
			return ret;
		}
	}
	if (has_name == 0) {
		struct dp_port_info *info = malloc(sizeof(*info));

		if (info == NULL || dp_port_get(name, info) != 0) {
			free(info);
			json_decref(ports);
			snprintf(err, errlen, "no port named %s", name);
			return -ENOENT;
		}
		stats_port(info, ports);
		free(info);
	} else {
		dp_port_foreach(NULL, stats_port, ports);
	}
	*result = json_pack("{s:o}", "ports", ports);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* fdb.*, pmd.*, system.*                                                   */

static int
fdb_entry_json(const struct dp_fdb_entry *e, void *arg)
{
	const uint8_t *b = e->e.mac.addr_bytes;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	/* Lower case, as ip(8) and OVS print MACs. */
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
		 b[5]);
	json_array_append_new(arg, json_pack("{s:s, s:i, s:s, s:b, s:I}", "port", e->port, "vlan",
					     e->e.vlan, "mac", mac, "static", e->e.is_static,
					     "age", (json_int_t)e->e.age));
	return 0;
}

static int
get_bridge_param(json_t *params, const char *const *keys, char *bridge, char *err, size_t errlen)
{
	int ret = vsd_check_keys(params, keys, NULL, err, errlen);

	if (ret != 0)
		return ret;
	return vsd_get_string(params, "bridge", true, bridge, DP_NAME_SIZE, err, errlen);
}

static int
m_fdb_show(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "bridge", NULL };
	char bridge[DP_NAME_SIZE];
	struct vsw_fdb_stats st;
	json_t *entries;
	int ret;

	(void)ctx;
	ret = get_bridge_param(params, keys, bridge, err, errlen);
	if (ret != 0)
		return ret;
	entries = json_array();
	ret = dp_fdb_dump(bridge, fdb_entry_json, entries, &st);
	if (ret != 0) {
		json_decref(entries);
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	*result = json_pack("{s:s, s:o, s:{s:i, s:I, s:I, s:I, s:I, s:I}}", "bridge", bridge,
			    "entries", entries, "stats", "n_entries", (int)st.n_entries,
			    "learned", (json_int_t)st.learned, "moved", (json_int_t)st.moved,
			    "aged", (json_int_t)st.aged, "table_full", (json_int_t)st.table_full,
			    "ring_full", (json_int_t)st.ring_full);
	return 0;
}

/* "aa:bb:cc:dd:ee:ff" -> mac; 0 or -EINVAL. */
static int
parse_mac(const char *s, struct rte_ether_addr *mac)
{
	unsigned int b[6], i;
	char end;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
				      &b[4], &b[5], &end) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac->addr_bytes[i] = (uint8_t)b[i];
	return 0;
}

static int
fdb_params(json_t *params, bool with_port, char *bridge, char *port, struct rte_ether_addr *mac,
	   uint16_t *vlan, char *err, size_t errlen)
{
	static const char *const keys_port[] = { "bridge", "port", "mac", "vlan", NULL };
	static const char *const keys[] = { "bridge", "mac", "vlan", NULL };
	char macs[32];
	uint64_t v = 0;
	int ret;

	ret = vsd_check_keys(params, with_port ? keys_port : keys, NULL, err, errlen);
	if (ret == 0)
		ret = vsd_get_string(params, "bridge", true, bridge, DP_NAME_SIZE, err, errlen);
	if (ret == 0 && with_port)
		ret = vsd_get_string(params, "port", true, port, DP_NAME_SIZE, err, errlen);
	if (ret == 0)
		ret = vsd_get_string(params, "mac", true, macs, sizeof(macs), err, errlen);
	if (ret == 0 && parse_mac(macs, mac) != 0) {
		snprintf(err, errlen, "'mac' %s is not a MAC address (aa:bb:cc:dd:ee:ff)", macs);
		ret = -EINVAL;
	}
	if (ret == 0) {
		ret = vsd_get_uint(params, "vlan", false, 0, 4095, &v, err, errlen);
		ret = ret < 0 ? ret : 0;
	}
	*vlan = (uint16_t)v;
	return ret;
}

static int
m_fdb_add(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	char bridge[DP_NAME_SIZE], port[DP_NAME_SIZE], e2[128];
	struct vsd *vsd = ctx;
	struct rte_ether_addr mac;
	uint16_t vlan;
	int ret;

	ret = fdb_params(params, true, bridge, port, &mac, &vlan, err, errlen);
	if (ret == 0)
		ret = dp_fdb_add_static(bridge, &mac, vlan, port, err, errlen);
	if (ret == 0) {
		ret = vsd_db_write(vsd, err, errlen);
		if (ret != 0)
			dp_fdb_del(bridge, &mac, vlan, e2, sizeof(e2));
	}
	if (ret == 0)
		*result = json_object();
	return ret;
}

static int
m_fdb_del(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	char bridge[DP_NAME_SIZE];
	struct vsd *vsd = ctx;
	struct rte_ether_addr mac;
	uint16_t vlan;
	int ret;

	ret = fdb_params(params, false, bridge, NULL, &mac, &vlan, err, errlen);
	if (ret == 0)
		ret = dp_fdb_del(bridge, &mac, vlan, err, errlen);
	if (ret == 0)
		ret = vsd_db_write(vsd, err, errlen);
	if (ret == 0)
		*result = json_object();
	return ret;
}

struct static_ctx {
	json_t *macs;
	const char *skip_port;
};

static int
static_mac_json(const struct dp_fdb_entry *e, void *arg)
{
	const struct static_ctx *sc = arg;
	const uint8_t *b = e->e.mac.addr_bytes;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	if (!e->e.is_static || (sc->skip_port != NULL && strcmp(e->port, sc->skip_port) == 0))
		return 0;
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
		 b[5]);
	json_array_append_new(sc->macs, json_pack("{s:s, s:i, s:s}", "mac", mac, "vlan",
						  e->e.vlan, "port", e->port));
	return 0;
}

/* The static MAC entries of a bridge, for the db (but those of @p skip_port). */
static json_t *
static_macs_db(const char *bridge, const char *skip_port)
{
	struct static_ctx sc = { .macs = json_array(), .skip_port = skip_port };

	dp_fdb_dump(bridge, static_mac_json, &sc, NULL);
	return sc.macs;
}

static void
static_macs_restore(const char *bridge, const json_t *macs)
{
	size_t i;
	json_t *m;
	char e[128];

	json_array_foreach(macs, i, m) {
		struct rte_ether_addr mac;
		const char *s = json_string_value(json_object_get(m, "mac"));
		const char *port = json_string_value(json_object_get(m, "port"));

		if (s == NULL || port == NULL || parse_mac(s, &mac) != 0 ||
		    dp_fdb_add_static(bridge, &mac,
				      (uint16_t)json_integer_value(json_object_get(m, "vlan")), port,
				      e, sizeof(e)) != 0)
			fprintf(stderr, "edgeplane-vswitchd: %s: static MAC not restored: %s\n",
				bridge, s != NULL ? s : "?");
	}
}

static int
m_fdb_flush(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	static const char *const keys[] = { "bridge", "port", NULL };
	char bridge[DP_NAME_SIZE], port[DP_NAME_SIZE];
	unsigned int flushed = 0;
	int ret, has_port;

	(void)ctx;
	ret = get_bridge_param(params, keys, bridge, err, errlen);
	if (ret != 0)
		return ret;
	has_port = vsd_get_string(params, "port", false, port, sizeof(port), err, errlen);
	if (has_port < 0)
		return has_port;
	ret = dp_fdb_flush(bridge, has_port == 0 ? port : NULL, &flushed, err, errlen);
	if (ret != 0)
		return ret;
	*result = json_pack("{s:i}", "flushed", (int)flushed);
	return 0;
}

static int
pmd_json(const struct dp_pmd_info *info, void *arg)
{
	json_t *rxqs = json_array();
	uint64_t total = info->busy_cycles + info->idle_cycles;
	uint16_t i;

	for (i = 0; i < info->n_rxq; i++)
		json_array_append_new(rxqs, json_pack("{s:s, s:i}", "port", info->rxqs[i].name,
						      "queue", info->rxqs[i].queue));
	json_array_append_new(arg, json_pack(
		"{s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:I, s:I, s:I, s:o}",
		"lcore", (int)info->lcore, "socket", info->socket,
		"packets", (json_int_t)info->packets,
		"busy_cycles", (json_int_t)info->busy_cycles,
		"idle_cycles", (json_int_t)info->idle_cycles,
		"burst_cycles", (json_int_t)info->burst_cycles,
		"iterations", (json_int_t)info->iterations,
		"rx_bursts", (json_int_t)info->rx_bursts,
		"packets_per_burst",
		info->rx_bursts ? (double)info->packets / (double)info->rx_bursts : 0.0,
		"cycles_per_packet",
		info->packets ? (double)info->busy_cycles / (double)info->packets : 0.0,
		"burst_cycles_per_packet",
		info->packets ? (double)info->burst_cycles / (double)info->packets : 0.0,
		"busy_pct", total ? 100.0 * (double)info->busy_cycles / (double)total : 0.0,
		"flooded", (json_int_t)info->pipe.flooded,
		"forwarded", (json_int_t)info->pipe.forwarded,
		"learn_requests", (json_int_t)info->pipe.learn_requests,
		"rxqs", rxqs));
	{
		/* The caches' counters, by name: one line each to add. */
		static const struct {
			const char *name;
			size_t off;
		} ctrs[] = {
#define PIPE_CTR(f) { #f, offsetof(struct vsw_pmd_counters, f) }
			PIPE_CTR(emc_hits), PIPE_CTR(emc_misses), PIPE_CTR(flow_lookups),
			PIPE_CTR(emc_inserts), PIPE_CTR(flow_repeats), PIPE_CTR(pair_hits),
			PIPE_CTR(pair_misses),
#undef PIPE_CTR
		};
		json_t *last = json_array_get(arg, json_array_size(arg) - 1);
		uint64_t v;
		size_t i;

		for (i = 0; i < RTE_DIM(ctrs); i++) {
			memcpy(&v, (const char *)&info->pipe + ctrs[i].off, sizeof(v));
			json_object_set_new(last, ctrs[i].name, json_integer((json_int_t)v));
		}
	}
	return 0;
}

static int
pmd_rxq_json(const struct dp_pmd_info *info, void *arg)
{
	json_t *rxqs = json_array();
	uint64_t total = info->total_cycles_last;
	uint16_t i;

	for (i = 0; i < info->n_rxq; i++) {
		json_t *q = json_pack("{s:s, s:i, s:I}", "port", info->rxqs[i].name, "queue",
				      info->rxqs[i].queue, "cycles",
				      (json_int_t)info->rxqs[i].cycles_last);

		if (total != 0)
			json_object_set_new(q, "pct", json_integer((json_int_t)(
				(info->rxqs[i].cycles_last * 100 + total / 2) / total)));
		json_array_append_new(rxqs, q);
	}
	json_array_append_new(arg, json_pack("{s:i, s:i, s:I, s:I, s:o}", "lcore",
					     (int)info->lcore, "socket", info->socket,
					     "busy_cycles", (json_int_t)info->busy_cycles_last,
					     "total_cycles", (json_int_t)total, "rxqs", rxqs));
	return 0;
}

/* Methods that take no params: an unknown key is an error, as everywhere. */
static int
no_params(const json_t *params, char *err, size_t errlen)
{
	static const char *const none[] = { NULL };

	return params == NULL ? 0 : vsd_check_keys(params, none, NULL, err, errlen);
}

/* {"pmds": [one object per PMD, made by @p fn]} */
static int
pmd_list(int (*fn)(const struct dp_pmd_info *info, void *arg), json_t *params, json_t **result,
	 char *err, size_t errlen)
{
	json_t *pmds;
	int ret = no_params(params, err, errlen);

	if (ret != 0)
		return ret;
	pmds = json_array();
	dp_pmd_foreach(fn, pmds);
	*result = json_pack("{s:o}", "pmds", pmds);
	return 0;
}

static int
m_pmd_rxq(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	int ret;

	(void)ctx;
	ret = pmd_list(pmd_rxq_json, params, result, err, errlen);
	if (ret == 0)
		json_object_set_new(*result, "auto_lb_moves",
				    json_integer((json_int_t)dp_pmd_auto_lb_moves()));
	return ret;
}

static int
m_pmd_rxq_rebalance(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	unsigned int moved = 0;
	int ret;

	(void)ctx;
	ret = no_params(params, err, errlen);
	if (ret == 0)
		ret = dp_pmd_rxq_rebalance(&moved, err, errlen);
	if (ret != 0)
		return ret;
	*result = json_pack("{s:i}", "moved", (int)moved);
	return 0;
}

static int
m_pmd_stats(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	int ret;

	(void)ctx;
	ret = pmd_list(pmd_json, params, result, err, errlen);
	if (ret == 0) {
		json_object_set_new(*result, "emc_insert_inv_prob",
				    json_integer((json_int_t)dp_emc_insert_inv_prob()));
		json_object_set_new(*result, "pair_cache", json_boolean(dp_pair_cache()));
	}
	return ret;
}

static int
pool_json(const struct dp_pool_info *info, void *arg)
{
	json_array_append_new(arg, json_pack("{s:i, s:s, s:i, s:i, s:i}", "socket", info->socket,
					     "name", info->name, "size", (int)info->size,
					     "in_use", (int)info->in_use,
					     "reserved", (int)info->reserved));
	return 0;
}

static int
m_mempools(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	json_t *pools;
	int ret = no_params(params, err, errlen);

	(void)ctx;
	if (ret != 0)
		return ret;
	pools = json_array();
	dp_pool_foreach(pool_json, pools);
	*result = json_pack("{s:o}", "mempools", pools);
	return 0;
}

static int
m_version(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	int ret = no_params(params, err, errlen);

	(void)ctx;
	if (ret != 0)
		return ret;
	*result = json_pack("{s:s, s:s}", "version", EDGEPLANE_VERSION, "dpdk",
			    dp_dpdk_version());
	return 0;
}

const struct ctl_method vsd_methods[] = {
	{ "bridge.add", m_bridge_add },
	{ "bridge.set", m_bridge_set },
	{ "bridge.del", m_bridge_del },
	{ "bridge.list", m_bridge_list },
	{ "port.add", m_port_add },
	{ "port.set", m_port_set },
	{ "port.del", m_port_del },
	{ "port.list", m_port_list },
	{ "port.stats", m_port_stats },
	{ "flow.add", vsd_m_flow_add },
	{ "flow.del", vsd_m_flow_del },
	{ "flow.dump", vsd_m_flow_dump },
	{ "fdb.show", m_fdb_show },
	{ "fdb.flush", m_fdb_flush },
	{ "mirror.add", vsd_m_mirror_add },
	{ "mirror.del", vsd_m_mirror_del },
	{ "mirror.list", vsd_m_mirror_list },
	{ "meter.add", vsd_m_meter_add },
	{ "meter.del", vsd_m_meter_del },
	{ "meter.list", vsd_m_meter_list },
	{ "fdb.add", m_fdb_add },
	{ "fdb.del", m_fdb_del },
	{ "pmd.stats", m_pmd_stats },
	{ "pmd.rxq", m_pmd_rxq },
	{ "pmd.rxq_rebalance", m_pmd_rxq_rebalance },
	{ "system.mempools", m_mempools },
	{ "system.version", m_version },
	{ NULL, NULL },
};

/* ------------------------------------------------------------------------ */
/* Start-up                                                                 */

int
vsd_restore(struct vsd *vsd, char *err, size_t errlen)
{
	const json_t *bridges, *br, *ports, *port;
	json_t *doc;
	size_t i, j;
	char e[256];
	int ret;

	doc = ctl_db_load(vsd->db_path, err, errlen);
	if (doc == NULL)
		return errno == ENOENT ? 0 : -errno;
	ret = vsd_db_validate(doc, err, errlen);
	if (ret != 0) {
		json_decref(doc);
		return ret;
	}
	bridges = json_object_get(doc, "bridges");
	json_array_foreach(bridges, i, br) {
		struct dp_bridge_cfg bc;

		/* Validated whole above: this cannot fail. */
		vsd_db_bridge_cfg(br, &bc, e, sizeof(e));
		ret = dp_bridge_add(&bc, e, sizeof(e));
		if (ret != 0) {
			snprintf(err, errlen, "db: bridge %s: %s", bc.name, e);
			json_decref(doc);
			return ret;
		}
		ports = json_object_get(br, "ports");
		json_array_foreach(ports, j, port) {
			struct dp_port_cfg pc;

			dp_port_cfg_init(&pc);
			vsd_port_cfg_from_json(port, &pc, false, e, sizeof(e));
			ret = dp_port_add(bc.name, &pc, e, sizeof(e));
			if (ret != 0) {
				fprintf(stderr, "edgeplane-vswitchd: port %s not restored: %s\n",
					pc.name, e);
				json_array_append_new(vsd->failed_ports,
						      json_pack("{s:s, s:O, s:s}", "bridge",
								bc.name, "port", port, "error",
								e));
			}
		}
		static_macs_restore(bc.name, json_object_get(br, "static_macs"));
		vsd_qos_restore(bc.name, json_object_get(br, "mirrors"), json_object_get(br, "meters"));
		vsd_flows_restore(vsd, bc.name, json_object_get(br, "flows"));
	}
	json_decref(doc);
	return 0;
}
