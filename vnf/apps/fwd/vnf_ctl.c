/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vnf_ctl.c: the slow path of ep-vnf-fwd's packet logic: building the
 * forwarding state (the rte_lpm route table) from a validated config,
 * freeing it, and rendering the counters as JSON.
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_malloc.h>

#include "vnf_fwd.h"

struct vnf_fwd *
vnf_fwd_create(const struct vnf_config *cfg, const struct rte_ether_addr *macs, const char *name)
{
	struct rte_lpm_config lc = {
		.max_rules = VNF_MAX_ROUTES,
		.number_tbl8s = 256,
	};
	struct vnf_fwd *fwd;

	fwd = rte_zmalloc("vnf_fwd", sizeof(*fwd), RTE_CACHE_LINE_SIZE);
	if (fwd == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	fwd->cfg = cfg;
	fwd->default_route = -1;
	fwd->n_ports = (uint16_t)cfg->n_ports;
	memcpy(fwd->macs, macs, sizeof(macs[0]) * cfg->n_ports);
	if (cfg->mode != VNF_MODE_L3)
		return fwd;

	fwd->lpm = rte_lpm_create(name, SOCKET_ID_ANY, &lc);
	if (fwd->lpm == NULL)
		goto err_free_fwd;
	for (unsigned int i = 0; i < cfg->n_routes; i++) {
		const struct vnf_route_config *r = &cfg->routes[i];
		int ret;

		if (r->prefix.len == 0) {
			/* rte_lpm depths are 1..32: the default route is kept aside. */
			fwd->default_route = (int)i;
			continue;
		}
		ret = rte_lpm_add(fwd->lpm, r->prefix.addr, r->prefix.len, i);
		if (ret != 0) {
			rte_errno = -ret;
			goto err_free_lpm;
		}
	}
	return fwd;

err_free_lpm:
	rte_lpm_free(fwd->lpm);
err_free_fwd:
	rte_free(fwd);
	return NULL;
}

void
vnf_fwd_free(struct vnf_fwd *fwd)
{
	if (fwd == NULL)
		return;
	rte_lpm_free(fwd->lpm);
	rte_free(fwd);
}

static json_t *
port_json(const struct vnf_fwd *fwd, uint16_t p, const uint64_t *rx_missed)
{
	const struct vnf_port_stats *st = &fwd->stats[p];
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	json_t *o, *drops;

	rte_ether_format_addr(mac, sizeof(mac), &fwd->macs[p]);
	drops = json_object();
	for (int d = 0; d < VNF_DROP_MAX && drops != NULL; d++)
		json_object_set_new(drops, vnf_drop_names[d], json_integer((json_int_t)st->drops[d]));
	o = json_pack("{s:i, s:s, s:I, s:I, s:I, s:o*}", "port", p, "mac", mac,
		      "rx", (json_int_t)st->rx, "tx", (json_int_t)st->tx,
		      "arp_replies", (json_int_t)st->arp_replies, "drops", drops);
	if (o != NULL && rx_missed != NULL)
		json_object_set_new(o, "rx_missed", json_integer((json_int_t)rx_missed[p]));
	return o;
}

json_t *
vnf_stats_json(const struct vnf_fwd *fwd, const uint64_t *rx_missed)
{
	const struct vnf_fw *fw = &fwd->cfg->fw;
	json_t *root, *ports, *rules;

	ports = json_array();
	for (uint16_t p = 0; p < fwd->n_ports && ports != NULL; p++)
		json_array_append_new(ports, port_json(fwd, p, rx_missed));
	root = json_pack("{s:s, s:o*}", "mode", fwd->cfg->mode == VNF_MODE_L2 ? "l2" : "l3",
			 "ports", ports);
	if (root == NULL || !fw->enabled)
		return root;
	rules = json_array();
	for (unsigned int i = 0; i < fw->n_rules && rules != NULL; i++)
		json_array_append_new(rules, json_pack("{s:s, s:s, s:I}", "name",
						       fw->rules[i].name, "action",
						       fw->rules[i].action == VNF_ALLOW ? "allow"
											: "deny",
						       "hits", (json_int_t)fwd->rule_hits[i]));
	json_object_set_new(root, "firewall",
			    json_pack("{s:s, s:I, s:o*}", "default",
				      fw->default_action == VNF_ALLOW ? "allow" : "deny",
				      "default_hits", (json_int_t)fwd->default_hits,
				      "rules", rules));
	return root;
}
