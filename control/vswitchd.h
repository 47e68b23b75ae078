/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitchd.h: private to edgeplane-vswitchd: its state, the JSON vocabulary
 * of its configuration (vswitchd_config.c) and its JSON-RPC methods
 * (vswitchd_rpc.c).
 */
#ifndef VSWITCHD_H
#define VSWITCHD_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "ctl.h"
#include "dp.h"

/* The daemon. Control thread only. */
struct vsd {
	char db_path[4096];
	char rundir[4096];
	bool pmd_auto_lb;
	unsigned int auto_lb_load;	/* percent */
	unsigned int auto_lb_interval;	/* seconds */
	uint32_t emc_insert_inv_prob;	/* --emc-insert-inv-prob */
	bool no_pair_cache;		/* --no-pair-cache */
	/* Ports from the db that could not be re-created at start-up:
	 * [{"bridge", "port": {...}, "error"}]. Kept so that the db does not
	 * lose them; shown with state "error"; port.del removes them. */
	json_t *failed_ports;
	/* Flows from the db that could not be re-created at start-up (a port
	 * they name is missing): [{"bridge", "flow", "error"}]. Kept in the db. */
	json_t *failed_flows;
};

/* vswitchd_config.c */
int vsd_check_keys(const json_t *obj, const char *const *keys, const char *extra, char *err,
		   size_t errlen);
/* 0 when set, 1 when absent and optional, -EINVAL otherwise. */
int vsd_get_string(const json_t *obj, const char *key, bool required, char *buf, size_t size,
		   char *err, size_t errlen);
int vsd_get_uint(const json_t *obj, const char *key, bool required, uint64_t min, uint64_t max,
		 uint64_t *out, char *err, size_t errlen);
/* Fill @p cfg from @p obj (port.add params or a db port). With @p update the
 * object changes an existing cfg (type optional, no "bridge"). Validates the
 * result whole. */
int vsd_port_cfg_from_json(const json_t *obj, struct dp_port_cfg *cfg, bool update, char *err,
			   size_t errlen);
json_t *vsd_port_cfg_to_json(const struct dp_port_cfg *cfg);
int vsd_bridge_cfg_from_json(const json_t *obj, struct dp_bridge_cfg *cfg, char *err,
			     size_t errlen);
json_t *vsd_bridge_cfg_to_json(const struct dp_bridge_cfg *cfg);
/* The bridge settings of a db bridge object (its ports, static MACs and
 * flows aside). 0 or -EINVAL with a reason. */
int vsd_db_bridge_cfg(const json_t *br, struct dp_bridge_cfg *bc, char *err, size_t errlen);
/* Check a whole db document before anything is applied. */
int vsd_db_validate(const json_t *doc, char *err, size_t errlen);

/* vswitchd_flow.c: flow rules in ovs-ofctl syntax */
/* Resolve a port name of the rule's bridge to its id; 0 or -ENOENT. */
typedef int vsd_port_lookup_fn(void *ctx, const char *name, uint16_t *port);
/* The name of a port id (never NULL). */
typedef const char *vsd_port_name_fn(void *ctx, uint16_t port);
/*
 * Parse "priority=N,FIELD=VALUE,...,actions=ACTION,..." into @p rule (id 0).
 * With @p match_only, no actions are allowed (del-flows). Validates whole:
 * unknown fields/actions, bad values, missing prerequisites, unknown ports.
 * 0 or -EINVAL with a reason.
 */
int vsd_flow_parse(const char *text, vsd_port_lookup_fn *lookup, void *ctx, bool match_only,
		   struct vsw_flow_rule *rule, char *err, size_t errlen);
/* Format a rule in the same syntax. 0, or -ENOSPC if @p buf was too small. */
int vsd_flow_format(const struct vsw_flow_rule *rule, vsd_port_name_fn *port_name, void *ctx,
		    char *buf, size_t size);
/* del-flows semantics: does @p rule fall under @p match (at least as specific, agreeing)? */
bool vsd_flow_match_covers(const struct vsw_flow_match *match, const struct vsw_flow_rule *rule);

/* vswitchd_rpc_flow.c */
ctl_method_fn vsd_m_flow_add, vsd_m_flow_del, vsd_m_flow_dump;
/* Format a rule with port names. */
int vsd_flow_text(const struct vsw_flow_rule *rule, char *buf, size_t size);
/* The "flows" array of a bridge in the db. */
json_t *vsd_flows_db(struct vsd *vsd, const char *bridge);
/* Re-create a bridge's flows from the db; failures go to vsd->failed_flows. */
void vsd_flows_restore(struct vsd *vsd, const char *bridge, const json_t *flows);

/* vswitchd_rpc_qos.c: mirrors and meters */
ctl_method_fn vsd_m_mirror_add, vsd_m_mirror_del, vsd_m_mirror_list;
ctl_method_fn vsd_m_meter_add, vsd_m_meter_del, vsd_m_meter_list;
json_t *vsd_mirrors_db(const char *bridge);
json_t *vsd_meters_db(const char *bridge);
/* Re-create a bridge's meters and mirrors from the db (failures are logged). */
void vsd_qos_restore(const char *bridge, const json_t *mirrors, const json_t *meters);

/* vswitchd_rpc.c */
extern const struct ctl_method vsd_methods[];
/* Write the db from the running state. 0 or -errno. */
int vsd_db_write(struct vsd *vsd, char *err, size_t errlen);
/* Re-create bridges and ports from the db file; 0 or -errno. */
int vsd_restore(struct vsd *vsd, char *err, size_t errlen);

#endif /* VSWITCHD_H */
