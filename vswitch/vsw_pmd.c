/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_pmd.c: set-up and tear-down of the per-PMD pipeline state, and the
 * control thread's read of its per-rule counters. Not fast path: this is
 * where the exact-match cache and the counter arrays are allocated, so that
 * vsw_fwd.c stays free of allocation.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "vsw.h"
#include "vsw_priv.h"

_Static_assert((VSW_EMC_ENTRIES & (VSW_EMC_ENTRIES - 1)) == 0, "EMC size is a power of two");
_Static_assert((VSW_PAIR_BUCKETS & (VSW_PAIR_BUCKETS - 1)) == 0, "pair buckets: a power of two");

uint8_t
vsw_pair_tick_shift(uint64_t hz, const struct vsw_snapshot *snap)
{
	/* The period's bound in quarter seconds: aging / 4 s is aging
	 * seconds' worth of them, at most VSW_PAIR_REFRESH_MAX_S. */
	uint64_t quarters = 4 * VSW_PAIR_REFRESH_MAX_S, bound;
	uint32_t k;
	uint16_t i;

	for (i = 0; snap != NULL && i < VSW_MAX_BRIDGES; i++)
		if (snap->bridges[i].in_use && snap->bridges[i].aging != 0)
			quarters = RTE_MIN(quarters, (uint64_t)snap->bridges[i].aging);
	bound = hz * quarters / 4;
	k = bound > 1 ? rte_fls_u64(bound) - 1 : 0;	/* floor(log2(bound)) */
	return (uint8_t)(k > 8 ? k - 8 : 0);
}

/* rte_zmalloc on @socket, on any socket if that one has no memory left. */
static void *
zalloc(const char *what, size_t size, int socket)
{
	void *p = rte_zmalloc_socket(what, size, RTE_CACHE_LINE_SIZE, socket);

	if (p == NULL && socket != SOCKET_ID_ANY)
		p = rte_zmalloc(what, size, RTE_CACHE_LINE_SIZE);
	return p;
}

/* The NUMA socket of @pmd's pool, whose memory its tables take. */
static int
pmd_socket(const struct vsw_pmd *pmd)
{
	return pmd->pool != NULL ? pmd->pool->socket_id : SOCKET_ID_ANY;
}

int
vsw_pmd_init(struct vsw_pmd *pmd, struct rte_mempool *pool)
{
	int socket;
	size_t ctr_size = sizeof(struct vsw_flow_ctr) * VSW_FLOW_MAX_RULES;

	memset(pmd, 0, sizeof(*pmd));
	pmd->pool = pool;
	socket = pmd_socket(pmd);
	pmd->in_port = VSW_PORT_NONE;
	pmd->rand_state = 0x2545f491u;
	pmd->emc_min_subtables = VSW_EMC_MIN_SUBTABLES;
	vsw_pmd_set_emc_insert_inv_prob(pmd, VSW_EMC_INSERT_INV_PROB_DEFAULT);
	/* No bucket has this epoch: the first burst begins another. */
	pmd->pair_epoch = 1;
	pmd->pair_tick_shift = vsw_pair_tick_shift(rte_get_tsc_hz(), NULL);
	pmd->pair_changes = UINT64_MAX;
	pmd->pair_snap = UINT64_MAX;
	pmd->emc = zalloc("vsw_emc", sizeof(*pmd->emc), socket);
	pmd->flow_ctr = zalloc("vsw_flow_ctr", ctr_size, socket);
	pmd->port_memo = zalloc("vsw_port_memo", sizeof(*pmd->port_memo) * VSW_MAX_PORTS, socket);
	if (pmd->emc == NULL || pmd->flow_ctr == NULL || pmd->port_memo == NULL ||
	    vsw_pmd_set_pair_cache(pmd, true) != 0) {
		vsw_pmd_free(pmd);
		return -ENOMEM;
	}
	return 0;
}

void
vsw_pmd_set_emc_insert_inv_prob(struct vsw_pmd *pmd, uint32_t inv_prob)
{
	uint32_t min = inv_prob == 0 ? 0 : UINT32_MAX / inv_prob;

	__atomic_store_n(&pmd->emc_insert_min, min, __ATOMIC_RELAXED);
}

int
vsw_pmd_set_pair_cache(struct vsw_pmd *pmd, bool on)
{
	if (!on) {
		rte_free(pmd->pair);
		pmd->pair = NULL;
		return 0;
	}
	if (pmd->pair == NULL)
		pmd->pair = zalloc("vsw_pair", sizeof(*pmd->pair) * VSW_PAIR_BUCKETS,
				   pmd_socket(pmd));
	/* Zeroed buckets have epoch 0, which no PMD epoch is. */
	return pmd->pair != NULL ? 0 : -ENOMEM;
}

void
vsw_pmd_free(struct vsw_pmd *pmd)
{
	if (pmd == NULL)
		return;
	rte_free(pmd->emc);
	rte_free(pmd->flow_ctr);
	rte_free(pmd->pair);
	rte_free(pmd->port_memo);
	pmd->port_memo = NULL;
	pmd->emc = NULL;
	pmd->flow_ctr = NULL;
	pmd->pair = NULL;
}

void
vsw_pmd_flow_counters(const struct vsw_pmd *pmd, uint32_t rule_id, uint64_t *packets,
		      uint64_t *bytes)
{
	*packets = 0;
	*bytes = 0;
	if (pmd == NULL || rule_id >= VSW_FLOW_MAX_RULES || pmd->flow_ctr == NULL)
		return;
	/* Relaxed: the PMD's plain 64-bit stores are never torn on x86_64; a
	 * sum may be one burst stale (see vsw.h, Thread-safety). */
	*packets = __atomic_load_n(&pmd->flow_ctr[rule_id].packets, __ATOMIC_RELAXED);
	*bytes = __atomic_load_n(&pmd->flow_ctr[rule_id].bytes, __ATOMIC_RELAXED);
}
