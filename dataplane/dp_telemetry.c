/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_telemetry.c: edgeplane's commands on DPDK's telemetry socket, so the
 * stock `dpdk-telemetry.py` (and anything that speaks its protocol) reads
 * port and PMD statistics of a running vswitchd:
 *
 *   /edgeplane/ports            names of the ports
 *   /edgeplane/port/stats,NAME  counters of one port
 *   /edgeplane/pmds             lcores of the PMD threads
 *   /edgeplane/pmd/stats,LCORE  counters of one PMD
 *
 * Telemetry callbacks run on DPDK's telemetry thread, not the control
 * thread, so they never touch the live port table: the control thread
 * refreshes a copy of the counters once a second (dp_telemetry_refresh) and
 * the callbacks read that copy under a mutex. Values are at most ~1 s old.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "dp_priv.h"

struct tel_cache {
	uint16_t n_ports;
	struct dp_port_info ports[VSW_MAX_PORTS];
	uint16_t n_pmds;
	struct dp_pmd_info pmds[DP_MAX_PMDS];
};

static pthread_mutex_t tel_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct tel_cache *tel_cache;	/* under tel_mutex */
static struct tel_cache *tel_next;	/* control thread only */

static int
cache_port(const struct dp_port_info *info, void *arg)
{
	struct tel_cache *c = arg;

	if (c->n_ports < VSW_MAX_PORTS)
		c->ports[c->n_ports++] = *info;
	return 0;
}

static int
cache_pmd(const struct dp_pmd_info *info, void *arg)
{
	struct tel_cache *c = arg;

	if (c->n_pmds < DP_MAX_PMDS)
		c->pmds[c->n_pmds++] = *info;
	return 0;
}

void
dp_telemetry_refresh(void)
{
	struct tel_cache *old;

	if (tel_next == NULL) {
		tel_next = calloc(1, sizeof(*tel_next));
		if (tel_next == NULL)
			return;
	}
	tel_next->n_ports = 0;
	tel_next->n_pmds = 0;
	dp_port_foreach(NULL, cache_port, tel_next);
	dp_pmd_foreach(cache_pmd, tel_next);
	pthread_mutex_lock(&tel_mutex);
	old = tel_cache;
	tel_cache = tel_next;
	pthread_mutex_unlock(&tel_mutex);
	tel_next = old;
}

static int
tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint16_t i;

	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	pthread_mutex_lock(&tel_mutex);
	for (i = 0; tel_cache != NULL && i < tel_cache->n_ports; i++)
		rte_tel_data_add_array_string(d, tel_cache->ports[i].cfg.name);
	pthread_mutex_unlock(&tel_mutex);
	return 0;
}

static int
tel_port_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct dp_port_info *p = NULL;
	uint16_t i;
	int r;

	(void)cmd;
	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	pthread_mutex_lock(&tel_mutex);
	for (i = 0; tel_cache != NULL && i < tel_cache->n_ports; i++)
		if (strcmp(tel_cache->ports[i].cfg.name, params) == 0)
			p = &tel_cache->ports[i];
	if (p == NULL) {
		pthread_mutex_unlock(&tel_mutex);
		return -ENOENT;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", p->cfg.name);
	rte_tel_data_add_dict_string(d, "bridge", p->bridge);
	rte_tel_data_add_dict_string(d, "type", dp_port_type_name(p->cfg.type));
	rte_tel_data_add_dict_string(d, "state", p->up ? "up" : "down");
	rte_tel_data_add_dict_u64(d, "rx_packets", p->ctr.rx_packets);
	rte_tel_data_add_dict_u64(d, "rx_bytes", p->ctr.rx_bytes);
	rte_tel_data_add_dict_u64(d, "tx_packets", p->ctr.tx_packets);
	rte_tel_data_add_dict_u64(d, "tx_bytes", p->ctr.tx_bytes);
	for (r = 0; r < VSW_DROP_MAX; r++) {
		char name[64];

		snprintf(name, sizeof(name), "drop_%s", vsw_drop_name((enum vsw_drop)r));
		rte_tel_data_add_dict_u64(d, name, p->ctr.drops[r]);
	}
	pthread_mutex_unlock(&tel_mutex);
	return 0;
}

static int
tel_pmds(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint16_t i;

	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	pthread_mutex_lock(&tel_mutex);
	for (i = 0; tel_cache != NULL && i < tel_cache->n_pmds; i++)
		rte_tel_data_add_array_int(d, (int)tel_cache->pmds[i].lcore);
	pthread_mutex_unlock(&tel_mutex);
	return 0;
}

static int
tel_pmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct dp_pmd_info *p = NULL;
	char *end;
	long lcore;
	uint16_t i;

	(void)cmd;
	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	lcore = strtol(params, &end, 10);
	if (*end != '\0' || lcore < 0)
		return -EINVAL;
	pthread_mutex_lock(&tel_mutex);
	for (i = 0; tel_cache != NULL && i < tel_cache->n_pmds; i++)
		if (tel_cache->pmds[i].lcore == (unsigned int)lcore)
			p = &tel_cache->pmds[i];
	if (p == NULL) {
		pthread_mutex_unlock(&tel_mutex);
		return -ENOENT;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "lcore", p->lcore);
	rte_tel_data_add_dict_u64(d, "packets", p->packets);
	rte_tel_data_add_dict_u64(d, "busy_cycles", p->busy_cycles);
	rte_tel_data_add_dict_u64(d, "idle_cycles", p->idle_cycles);
	rte_tel_data_add_dict_u64(d, "burst_cycles", p->burst_cycles);
	rte_tel_data_add_dict_u64(d, "rx_bursts", p->rx_bursts);
	rte_tel_data_add_dict_u64(d, "iterations", p->iterations);
	rte_tel_data_add_dict_u64(d, "cycles_per_packet",
				  p->packets ? p->busy_cycles / p->packets : 0);
	rte_tel_data_add_dict_u64(d, "n_rxq", p->n_rxq);
	pthread_mutex_unlock(&tel_mutex);
	return 0;
}

void
dp_telemetry_init(void)
{
	rte_telemetry_register_cmd("/edgeplane/ports", tel_ports,
				   "Names of the switch's ports. Takes no parameters");
	rte_telemetry_register_cmd("/edgeplane/port/stats", tel_port_stats,
				   "Counters of one port. Parameters: port name");
	rte_telemetry_register_cmd("/edgeplane/pmds", tel_pmds,
				   "Lcores of the PMD threads. Takes no parameters");
	rte_telemetry_register_cmd("/edgeplane/pmd/stats", tel_pmd_stats,
				   "Counters of one PMD thread. Parameters: lcore id");
}

void
dp_telemetry_fini(void)
{
	pthread_mutex_lock(&tel_mutex);
	free(tel_cache);
	tel_cache = NULL;
	pthread_mutex_unlock(&tel_mutex);
	free(tel_next);
	tel_next = NULL;
}
