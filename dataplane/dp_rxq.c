/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_rxq.c: measuring rx queues and re-assigning them to PMD threads by the
 * cycles they cost (as OVS's pmd-rxq-assign=cycles).
 *
 * Each PMD adds the cycles it spends on a queue (rx, pipeline, tx) to that
 * queue's counter. Every interval (10 s by default) the control thread keeps
 * the delta of the interval; with auto load balance on, it then checks
 * whether a PMD was busy above the threshold (95% by default) and whether the
 * cycles-based assignment would cut the busiest PMD's load by 25%. A rebalance sorts the queues by their last
 * interval's cycles and gives each, biggest first, to the least loaded PMD
 * (on the queue's NUMA socket when one is there).
 *
 * Moving a queue is hitless and never lets two PMDs poll it at once: first a
 * snapshot without the moving queues is published and the grace period
 * waited out (their old PMDs have stopped polling them), then a snapshot with
 * the new owners. The device rings keep the packets that arrive meanwhile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "dp_priv.h"

#define DP_AUTO_LB_GAIN_PCT 25		/* rebalance only for this much better */

struct rxq_load {
	uint16_t port;
	uint16_t queue;
	uint64_t cycles;
};

void
dp_rxq_measure(void)
{
	uint16_t i, q;

	for (i = 0; i < VSW_MAX_PORTS; i++) {
		struct dp_port *p = dp.ports[i];

		if (p == NULL)
			continue;
		for (q = 0; q < p->cfg.n_rxq; q++) {
			uint64_t now = __atomic_load_n(&p->rxq_cycles[q], __ATOMIC_RELAXED);

			p->rxq_cycles_last[q] = now - p->rxq_cycles_seen[q];
			p->rxq_cycles_seen[q] = now;
		}
	}
	for (i = 0; i < dp.n_pmds; i++) {
		const struct dp_pmd *pmd = dp.pmds[i];
		uint64_t busy = __atomic_load_n(&pmd->busy_cycles, __ATOMIC_RELAXED);
		uint64_t total = busy + __atomic_load_n(&pmd->idle_cycles, __ATOMIC_RELAXED);

		dp.pmd_busy_last[i] = busy - dp.pmd_busy_seen[i];
		dp.pmd_total_last[i] = total - dp.pmd_total_seen[i];
		dp.pmd_busy_seen[i] = busy;
		dp.pmd_total_seen[i] = total;
	}
}

static int
cmp_load(const void *a, const void *b)
{
	const struct rxq_load *x = a, *y = b;

	if (x->cycles != y->cycles)
		return x->cycles > y->cycles ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return x->queue < y->queue ? -1 : x->queue > y->queue;
}

/* The cycles-based assignment of every rx queue: fills @p assign[port][q]
 * and returns the largest PMD load it gives (and the current one). */
static void
plan(uint16_t assign[VSW_MAX_PORTS][DP_MAX_RXQ], uint64_t *new_max, uint64_t *cur_max)
{
	struct rxq_load loads[VSW_MAX_PORTS * DP_MAX_RXQ];
	uint64_t pmd_load[DP_MAX_PMDS] = { 0 }, cur[DP_MAX_PMDS] = { 0 };
	uint32_t n = 0, i;
	uint16_t p, q, k;

	for (p = 0; p < VSW_MAX_PORTS; p++) {
		const struct dp_port *port = dp.ports[p];

		if (port == NULL)
			continue;
		for (q = 0; q < port->cfg.n_rxq; q++) {
			loads[n++] = (struct rxq_load){
				.port = p, .queue = q, .cycles = port->rxq_cycles_last[q],
			};
			cur[port->rxq_pmd[q]] += port->rxq_cycles_last[q];
		}
	}
	qsort(loads, n, sizeof(loads[0]), cmp_load);
	for (i = 0; i < n; i++) {
		const struct dp_port *port = dp.ports[loads[i].port];
		int best = -1, pass;

		for (pass = 0; pass < 2 && best < 0; pass++) {
			for (k = 0; k < dp.n_pmds; k++) {
				if (pass == 0 && port->socket >= 0 &&
				    dp.pmds[k]->socket != port->socket)
					continue;
				/* Ties go to the current owner: nothing moves for nothing. */
				if (best < 0 || pmd_load[k] < pmd_load[best] ||
				    (pmd_load[k] == pmd_load[best] &&
				     k == port->rxq_pmd[loads[i].queue]))
					best = k;
			}
		}
		assign[loads[i].port][loads[i].queue] = (uint16_t)best;
		pmd_load[best] += loads[i].cycles;
	}
	*new_max = 0;
	*cur_max = 0;
	for (k = 0; k < dp.n_pmds; k++) {
		*new_max = RTE_MAX(*new_max, pmd_load[k]);
		*cur_max = RTE_MAX(*cur_max, cur[k]);
	}
}

static int
apply(uint16_t assign[VSW_MAX_PORTS][DP_MAX_RXQ], unsigned int *n_moved, char *err,
      size_t errlen)
{
	uint16_t p, q;
	int ret;

	*n_moved = 0;
	for (p = 0; p < VSW_MAX_PORTS; p++) {
		const struct dp_port *port = dp.ports[p];

		if (port == NULL)
			continue;
		for (q = 0; q < port->cfg.n_rxq; q++) {
			if (assign[p][q] != port->rxq_pmd[q]) {
				dp.rxq_hold[p][q] = true;
				(*n_moved)++;
			}
		}
	}
	if (*n_moved == 0)
		return 0;
	/* Phase 1: nobody polls the moving queues once this returns. */
	ret = dp_publish(err, errlen);
	if (ret == 0) {
		for (p = 0; p < VSW_MAX_PORTS; p++) {
			struct dp_port *port = dp.ports[p];

			if (port == NULL)
				continue;
			for (q = 0; q < port->cfg.n_rxq; q++)
				if (dp.rxq_hold[p][q])
					port->rxq_pmd[q] = assign[p][q];
		}
	}
	memset(dp.rxq_hold, 0, sizeof(dp.rxq_hold));
	/* Phase 2: the new owners (or, on failure, the old ones) poll them. */
	if (dp_publish(err, errlen) != 0 && ret == 0)
		ret = -ENOMEM;
	return ret;
}

int
dp_pmd_rxq_rebalance(unsigned int *n_moved, char *err, size_t errlen)
{
	static uint16_t assign[VSW_MAX_PORTS][DP_MAX_RXQ];
	uint64_t new_max, cur_max;

	*n_moved = 0;
	if (dp.n_pmds < 2)
		return 0;
	/* Close the interval now: decide on the freshest measurement. */
	dp.last_rxq_measure = rte_get_tsc_cycles();
	dp_rxq_measure();
	plan(assign, &new_max, &cur_max);
	return apply(assign, n_moved, err, errlen);
}

uint64_t
dp_pmd_auto_lb_moves(void)
{
	return dp.auto_lb_moves;
}

void
dp_set_pmd_auto_lb(bool on, unsigned int load_pct, unsigned int interval_s)
{
	dp.pmd_auto_lb = on;
	dp.auto_lb_load_pct = load_pct;
	dp.rxq_interval_s = interval_s;
}

void
dp_set_emc_insert_inv_prob(uint32_t inv_prob)
{
	uint16_t i;

	dp.emc_insert_inv_prob = inv_prob;
	for (i = 0; i < dp.n_pmds; i++)
		vsw_pmd_set_emc_insert_inv_prob(&dp.pmds[i]->vsw, inv_prob);
}

uint32_t
dp_emc_insert_inv_prob(void)
{
	return dp.emc_insert_inv_prob;
}

void
dp_set_pair_cache(bool on)
{
	dp.no_pair_cache = !on;
}

bool
dp_pair_cache(void)
{
	return !dp.no_pair_cache;
}

/* Control thread, from dp_run: intervals and the automatic rebalance. */
void
dp_rxq_run(uint64_t tsc)
{
	static uint16_t assign[VSW_MAX_PORTS][DP_MAX_RXQ];
	uint64_t hz = rte_get_tsc_hz(), new_max, cur_max;
	unsigned int n_moved;
	char err[128];
	uint16_t k;
	bool overloaded = false;

	if (tsc - dp.last_rxq_measure < dp.rxq_interval_s * hz)
		return;
	dp.last_rxq_measure = tsc;
	dp_rxq_measure();

	/* Checked once per measurement interval, on the interval just closed. */
	if (!dp.pmd_auto_lb || dp.n_pmds < 2)
		return;
	for (k = 0; k < dp.n_pmds; k++)
		if (dp.pmd_total_last[k] != 0 &&
		    dp.pmd_busy_last[k] * 100 >= dp.pmd_total_last[k] * dp.auto_lb_load_pct)
			overloaded = true;
	if (!overloaded)
		return;
	plan(assign, &new_max, &cur_max);
	if (cur_max == 0 || (cur_max - RTE_MIN(cur_max, new_max)) * 100 < cur_max * DP_AUTO_LB_GAIN_PCT)
		return;
	if (apply(assign, &n_moved, err, sizeof(err)) == 0 && n_moved > 0) {
		dp.auto_lb_moves += n_moved;
		DP_LOG(INFO, "PMD auto load balance: %u rx queue(s) moved", n_moved);
	}
}
