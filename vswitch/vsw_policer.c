/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_policer.c: policers for port ingress policing, port egress policing
 * and flow meters: rte_meter srTCM, color blind, with EBS 0 (green or red).
 * Create and free run on the control thread; vsw_policer_run() is fast path
 * (no malloc, no syscalls, no logs).
 *
 * The token state is shared by every PMD that polices with the same policer
 * (a port polled by several PMDs, a meter used by rules on any port), so it
 * sits under a spinlock, taken once per burst as OVS's ingress policer does.
 * Red frames are freed after the lock is released.
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_meter.h>
#include <rte_spinlock.h>

#include "vsw.h"

/* Default burst: what `rate` gives in 1/10 s. */
#define DEFAULT_BURST_DIV 10

struct vsw_policer {
	rte_spinlock_t lock;		/* protects started and meter */
	bool started;			/* the meter's clock runs on callers' `now` */
	struct rte_meter_srtcm meter;
	struct rte_meter_srtcm_profile profile;	/* immutable after create */
} __rte_cache_aligned;

struct vsw_policer *
vsw_policer_create(uint64_t rate, uint64_t burst, int socket)
{
	struct rte_meter_srtcm_params params;
	struct vsw_policer *p;

	if (rate == 0 || rate > VSW_POLICER_MAX || burst > VSW_POLICER_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if (burst == 0)
		burst = RTE_MAX(rate / DEFAULT_BURST_DIV, (uint64_t)VSW_POLICER_MIN_DEFAULT_BURST);
	p = rte_zmalloc_socket("vsw_policer", sizeof(*p), RTE_CACHE_LINE_SIZE, socket);
	if (p == NULL && socket != SOCKET_ID_ANY)
		p = rte_zmalloc("vsw_policer", sizeof(*p), RTE_CACHE_LINE_SIZE);
	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memset(&params, 0, sizeof(params));
	params.cir = rate;
	params.cbs = burst;
	params.ebs = 0;		/* no yellow: a frame is green or red */
	if (rte_meter_srtcm_profile_config(&p->profile, &params) != 0 ||
	    rte_meter_srtcm_config(&p->meter, &p->profile) != 0) {
		rte_free(p);
		errno = EINVAL;
		return NULL;
	}
	/* rte_meter_srtcm_config() filled the bucket and started its clock at
	 * the current TSC; the first run restarts the clock at its caller's
	 * `now` instead (any PMD's TSC, or a fake clock in tests). */
	p->started = false;
	rte_spinlock_init(&p->lock);
	return p;
}

void
vsw_policer_free(struct vsw_policer *p)
{
	rte_free(p);
}

uint16_t
vsw_policer_run(struct vsw_policer *p, struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	struct rte_mbuf *red[VSW_BURST];
	uint16_t i, kept = 0, n_red = 0;

	rte_spinlock_lock(&p->lock);
	if (unlikely(!p->started)) {
		p->meter.time = now;
		p->started = true;
	}
	/* PMDs read their TSC at different moments: one may come with a time
	 * before the last update by another, which rte_meter would take as a
	 * huge (wrapped) interval and fill the bucket. No tokens then. */
	if (unlikely(now < p->meter.time))
		now = p->meter.time;
	for (i = 0; i < n; i++) {
		if (likely(rte_meter_srtcm_color_blind_check(&p->meter, &p->profile, now,
							     rte_pktmbuf_pkt_len(pkts[i])) !=
			   RTE_COLOR_RED))
			pkts[kept++] = pkts[i];
		else if (n_red < RTE_DIM(red))
			red[n_red++] = pkts[i];
		else
			rte_pktmbuf_free(pkts[i]);	/* n above VSW_BURST: caller's choice */
	}
	rte_spinlock_unlock(&p->lock);
	if (n_red != 0)
		rte_pktmbuf_free_bulk(red, n_red);
	return kept;
}
