/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_main.c: dataplane bring-up and tear-down: EAL, the RCU variable the
 * PMDs report quiescence on, the per-socket mbuf pools, PMD launch, and the
 * periodic control-thread work (clock, MAC learning and aging, link state).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_version.h>

#include "dp_priv.h"
#include "vhu.h"

RTE_LOG_REGISTER(dp_logtype, user.nfv.dataplane, INFO);

struct dp_main dp;

#define DP_POOL_CACHE 256

static uint32_t
monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_sec;
}

const char *
dp_dpdk_version(void)
{
	return rte_version();
}

int
dp_init(int argc, char **argv, const struct dp_params *params, char *err, size_t errlen)
{
	size_t qs_size;
	int ret;

	memset(&dp, 0, sizeof(dp));
	dp.n_mbufs = params != NULL && params->n_mbufs != 0 ? params->n_mbufs : DP_MBUFS_DEFAULT;
	dp.auto_lb_load_pct = 95;
	dp.rxq_interval_s = 10;
	dp.emc_insert_inv_prob = VSW_EMC_INSERT_INV_PROB_DEFAULT;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		snprintf(err, errlen, "EAL initialisation failed: %s", rte_strerror(rte_errno));
		return -(rte_errno != 0 ? rte_errno : EINVAL);
	}
	if (rte_lcore_count() < 2) {
		snprintf(err, errlen,
			 "need at least one PMD lcore besides the main lcore (e.g. -l 0,1)");
		rte_eal_cleanup();
		return -EINVAL;
	}
	if (rte_lcore_count() - 1 > DP_MAX_PMDS) {
		snprintf(err, errlen, "at most %d PMD lcores", DP_MAX_PMDS);
		rte_eal_cleanup();
		return -EINVAL;
	}

	qs_size = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	dp.qsbr = rte_zmalloc("dp_qsbr", qs_size, RTE_CACHE_LINE_SIZE);
	if (dp.qsbr == NULL || rte_rcu_qsbr_init(dp.qsbr, RTE_MAX_LCORE) != 0) {
		snprintf(err, errlen, "cannot create the RCU variable");
		rte_free(dp.qsbr);
		rte_eal_cleanup();
		return -ENOMEM;
	}
	vhu_init();
	if (dp_flow_init() != 0) {
		snprintf(err, errlen, "out of memory for flow ids");
		rte_free(dp.qsbr);
		rte_eal_cleanup();
		return -ENOMEM;
	}
	dp.now = monotonic_seconds();

	/* An empty snapshot, so PMDs always have one. */
	dp.snap = rte_zmalloc("dp_snap", sizeof(*dp.snap), RTE_CACHE_LINE_SIZE);
	if (dp.snap == NULL) {
		snprintf(err, errlen, "out of memory");
		rte_free(dp.qsbr);
		rte_eal_cleanup();
		return -ENOMEM;
	}
	return ret;
}

struct rte_mempool *
dp_pool_get(int socket, char *err, size_t errlen)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;

	if (socket < 0 || socket >= RTE_MAX_NUMA_NODES)
		socket = 0;
	if (dp.pools[socket] != NULL)
		return dp.pools[socket];
	snprintf(name, sizeof(name), "ep_mbuf_%d", socket);
	mp = rte_pktmbuf_pool_create(name, dp.n_mbufs, DP_POOL_CACHE, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (mp == NULL && socket != 0) {
		/* A socket without hugepages: fall back to socket 0. */
		return dp_pool_get(0, err, errlen);
	}
	if (mp == NULL) {
		snprintf(err, errlen, "cannot create %u mbufs on socket %d: %s (hugepages?)",
			 dp.n_mbufs, socket, rte_strerror(rte_errno));
		return NULL;
	}
	dp.pools[socket] = mp;
	return mp;
}

/* Mbufs that must stay free for the PMDs' bursts and per-lcore caches. */
static unsigned int
pool_headroom(void)
{
	return (unsigned int)rte_lcore_count() * (DP_POOL_CACHE * 3 / 2 + VSW_BURST * 4);
}

int
dp_pool_reserve(int socket, unsigned int n, char *err, size_t errlen)
{
	if (socket < 0 || socket >= RTE_MAX_NUMA_NODES || dp.pools[socket] == NULL)
		socket = 0;
	if (dp.pool_reserved[socket] + n + pool_headroom() > dp.n_mbufs) {
		snprintf(err, errlen,
			 "mbuf pool on socket %d too small: ports need %u, %u left "
			 "(restart with a larger --mbufs)",
			 socket, n, dp.n_mbufs - RTE_MIN(dp.n_mbufs,
							 dp.pool_reserved[socket] + pool_headroom()));
		return -ENOSPC;
	}
	dp.pool_reserved[socket] += n;
	return 0;
}

void
dp_pool_release(int socket, unsigned int n)
{
	if (socket < 0 || socket >= RTE_MAX_NUMA_NODES || dp.pools[socket] == NULL)
		socket = 0;
	dp.pool_reserved[socket] -= RTE_MIN(n, dp.pool_reserved[socket]);
}

int
dp_pool_foreach(int (*cb)(const struct dp_pool_info *info, void *arg), void *arg)
{
	struct dp_pool_info info;
	int s, ret;

	for (s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		if (dp.pools[s] == NULL)
			continue;
		memset(&info, 0, sizeof(info));
		info.socket = s;
		snprintf(info.name, sizeof(info.name), "%s", dp.pools[s]->name);
		info.size = dp.pools[s]->size;
		info.in_use = rte_mempool_in_use_count(dp.pools[s]);
		info.reserved = dp.pool_reserved[s];
		ret = cb(&info, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

int
dp_start(char *err, size_t errlen)
{
	unsigned int lcore;
	uint16_t idx = 0;
	struct dp_pmd *pmd;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		int socket = (int)rte_lcore_to_socket_id(lcore);

		pmd = rte_zmalloc_socket("dp_pmd", sizeof(*pmd), RTE_CACHE_LINE_SIZE, socket);
		if (pmd == NULL)
			pmd = rte_zmalloc("dp_pmd", sizeof(*pmd), RTE_CACHE_LINE_SIZE);
		if (pmd == NULL) {
			snprintf(err, errlen, "out of memory for PMD %u", lcore);
			return -ENOMEM;
		}
		pmd->lcore = lcore;
		pmd->idx = idx;
		pmd->socket = socket;
		pmd->pool = dp_pool_get(socket, err, errlen);
		if (pmd->pool == NULL) {
			rte_free(pmd);
			return -ENOMEM;
		}
		if (vsw_pmd_init(&pmd->vsw, pmd->pool) != 0) {
			snprintf(err, errlen, "out of memory for PMD %u", lcore);
			rte_free(pmd);
			return -ENOMEM;
		}
		vsw_pmd_set_emc_insert_inv_prob(&pmd->vsw, dp.emc_insert_inv_prob);
		if (dp.no_pair_cache)
			vsw_pmd_set_pair_cache(&pmd->vsw, false);
		dp.pmds[idx++] = pmd;
	}
	dp.n_pmds = idx;
	dp.snap->n_pmds = idx;

	for (idx = 0; idx < dp.n_pmds; idx++) {
		if (rte_eal_remote_launch(dp_pmd_main, dp.pmds[idx], dp.pmds[idx]->lcore) != 0) {
			snprintf(err, errlen, "cannot launch PMD on lcore %u", dp.pmds[idx]->lcore);
			__atomic_store_n(&dp.stop, true, __ATOMIC_RELAXED);
			rte_eal_mp_wait_lcore();
			return -EBUSY;
		}
	}
	dp.started = true;
	dp_telemetry_init();
	DP_LOG(INFO, "%u PMD thread(s) started", dp.n_pmds);
	return 0;
}

void
dp_run(void)
{
	uint32_t now = monotonic_seconds();
	uint64_t tsc = rte_get_tsc_cycles();
	bool link_poll = false;
	int i;

	/* Relaxed: PMDs only need a roughly current clock for "last seen". */
	__atomic_store_n(&dp.now, now, __ATOMIC_RELAXED);

	for (i = 0; i < VSW_MAX_BRIDGES; i++) {
		struct dp_bridge *br = dp.bridges[i];

		if (br != NULL)
			vsw_fdb_run(br->fdb, now, br->cfg.aging);
	}

	/* vhost state is one atomic load: every run. An ethdev link query
	 * may be slow: twice a second. */
	if (tsc - dp.last_link_poll > rte_get_tsc_hz() / 2) {
		dp.last_link_poll = tsc;
		link_poll = true;
	}
	for (i = 0; i < VSW_MAX_PORTS; i++) {
		struct dp_port *p = dp.ports[i];

		if (p != NULL && (link_poll || p->class != &dp_ethdev_class))
			p->class->poll_state(p);
	}
	dp_rxq_run(tsc);
	if (tsc - dp.last_telemetry > rte_get_tsc_hz()) {
		dp.last_telemetry = tsc;
		dp_telemetry_refresh();
	}
}

void
dp_shutdown(void)
{
	char err[256];
	int i;

	if (dp.started) {
		__atomic_store_n(&dp.stop, true, __ATOMIC_RELAXED);
		rte_eal_mp_wait_lcore();
		dp.started = false;
	}
	for (i = VSW_MAX_BRIDGES - 1; i >= 0; i--)
		if (dp.bridges[i] != NULL)
			dp_bridge_del(dp.bridges[i]->cfg.name, err, sizeof(err));
	for (i = 0; i < DP_MAX_PMDS; i++) {
		if (dp.pmds[i] != NULL)
			vsw_pmd_free(&dp.pmds[i]->vsw);
		rte_free(dp.pmds[i]);
	}
	dp_telemetry_fini();
	rte_free(dp.snap);
	for (i = 0; i < RTE_MAX_NUMA_NODES; i++)
		rte_mempool_free(dp.pools[i]);
	rte_free(dp.qsbr);
	rte_eal_cleanup();
}
