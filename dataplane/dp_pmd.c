/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_pmd.c: the PMD thread loop (fast path).
 *
 * Run to completion: for each rx queue in this PMD's poll list, receive a
 * burst of up to 32, hand it to the pipeline (vsw_input), and send the
 * per-port tx batches it filled on this PMD's own tx queue of each port.
 * No locks (except a vhost ring shared by more PMDs than the guest has
 * queues), no syscalls, no allocation, no logging here. The snapshot is
 * re-read once per iteration and the PMD reports a quiescent state at the end
 * of every iteration, so the control thread can free what it replaced.
 */
#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "dp_priv.h"

/* Send every tx batch the pipeline filled, counting what went and what did not. */
static void
flush_tx(struct dp_pmd *pmd, const struct dp_snapshot *snap)
{
	struct vsw_pmd *v = &pmd->vsw;
	uint16_t d;

	for (d = 0; d < v->n_dirty; d++) {
		uint16_t id = v->dirty[d];
		struct vsw_tx_batch *b = &v->tx[id];
		struct vsw_port_counters *c = &v->ctr[id];
		struct dp_port *port = snap->ports[id];
		uint64_t bytes = 0, unsent_bytes = 0;
		uint16_t i, sent = 0;

		/* Egress policing and tx mirroring; may dirty mirror ports again,
		 * hence n_dirty is re-read by the loop. */
		b->n = vsw_egress(v, &snap->vsw, id, b->pkts, b->n, v->now_tsc);
		for (i = 0; i < b->n; i++)
			bytes += rte_pktmbuf_pkt_len(b->pkts[i]);

		if (likely(port != NULL && __atomic_load_n(&port->up, __ATOMIC_RELAXED)))
			sent = port->class->tx(port, pmd->idx, snap->n_pmds, b->pkts, b->n);

		if (unlikely(sent < b->n)) {
			for (i = sent; i < b->n; i++)
				unsent_bytes += rte_pktmbuf_pkt_len(b->pkts[i]);
			if (port != NULL && __atomic_load_n(&port->up, __ATOMIC_RELAXED))
				c->drops[VSW_DROP_TX_FULL] += b->n - sent;
			else
				c->drops[VSW_DROP_LINK_DOWN] += b->n - sent;
			rte_pktmbuf_free_bulk(&b->pkts[sent], b->n - sent);
		}
		c->tx_packets += sent;
		c->tx_bytes += bytes - unsent_bytes;
		b->n = 0;
	}
	v->n_dirty = 0;
}

int
dp_pmd_main(void *arg)
{
	struct dp_pmd *pmd = arg;
	struct rte_mbuf *pkts[VSW_BURST];
	unsigned int thread_id = pmd->lcore;
	/* One TSC read per poll (~30 cycles each): t is the last one, taken
	 * right after the previous poll, so it is both that poll's end and
	 * the next one's start; an iteration's tail (RCU, counters) counts in
	 * the next iteration. */
	uint64_t t = rte_rdtsc();

	rte_rcu_qsbr_thread_register(dp.qsbr, thread_id);
	rte_rcu_qsbr_thread_online(dp.qsbr, thread_id);

	while (likely(!__atomic_load_n(&dp.stop, __ATOMIC_RELAXED))) {
		uint64_t t0 = t;
		/* Acquire: the snapshot's contents are visible once its pointer is. */
		const struct dp_snapshot *snap = __atomic_load_n(&dp.snap, __ATOMIC_ACQUIRE);
		const struct dp_polllist *pl = &snap->poll[pmd->idx];
		uint32_t got = 0;
		uint16_t i;

		pmd->vsw.now = __atomic_load_n(&dp.now, __ATOMIC_RELAXED);
		pmd->vsw.now_tsc = t0;
		for (i = 0; i < pl->n; i++) {
			const struct dp_rxq *q = &pl->rxqs[i];
			struct dp_port *port = snap->ports[q->port];
			uint64_t now, dt;
			uint16_t n;

			n = port->class->rx(port, q->queue, pmd->pool, pkts, VSW_BURST);
			if (n == 0) {
				t = rte_rdtsc();	/* empty polls are not burst cycles */
				continue;
			}
			got += n;
			vsw_input(&pmd->vsw, &snap->vsw, q->port, pkts, n);
			flush_tx(pmd, snap);
			now = rte_rdtsc();
			dt = now - t;
			t = now;
			pmd->burst_cycles += dt;
			pmd->rx_bursts++;
			/* Single writer (this PMD owns the queue); read by control. */
			__atomic_store_n(&port->rxq_cycles[q->queue], port->rxq_cycles[q->queue] + dt,
					 __ATOMIC_RELAXED);
		}
		if (pl->n == 0)
			t = rte_rdtsc();
		rte_rcu_qsbr_quiescent(dp.qsbr, thread_id);

		pmd->iterations++;
		if (got != 0) {
			pmd->packets += got;
			pmd->busy_cycles += t - t0;
		} else {
			pmd->idle_cycles += t - t0;
		}
	}

	rte_rcu_qsbr_thread_offline(dp.qsbr, thread_id);
	rte_rcu_qsbr_thread_unregister(dp.qsbr, thread_id);
	return 0;
}
