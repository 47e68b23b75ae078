/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vsw_qos.c: policers, flow meters and port mirrors.
 *  - Policers on a fake TSC: creation errors and the default burst; a burst
 *    above rate + burst cut to exactly the bytes srTCM (EBS 0) allows,
 *    refills over time (capped at the burst), a reference model over a
 *    simulated second, a TSC older than the bucket; ingress (policed) and
 *    egress (shaped, vsw_egress) policing through the pipeline.
 *  - The flow meter action: red frames dropped as policed and the rest of
 *    the actions skipped; missing meters.
 *  - Mirrors: rx and tx selection, bytes as on the wire at each point,
 *    shared mbufs versus copies, one copy per mirror for a frame both
 *    received and sent on selected ports, no loops, no copy back to the
 *    input port, batch overflow, frames dropped by policing or port
 *    security never mirrored, and a flush loop as dataplane/dp_pmd.c's
 *    (mirror ports dirtied again while flushing).
 * After every test all tx batches are freed and the mempool in-use count
 * must be back to baseline.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_cycles.h>
#include <rte_meter.h>

#include "vsw.h"
#include "vsw_test_eal.h"

#define T0 1000u
#define BR 0
#define IP4 0x0800
#define FRAME 1000u		/* bytes of the policing test frames */
#define MIRROR 9		/* a dedicated mirror port, not a bridge member */
#define TSC0 UINT64_C(5000)	/* the fake TSC starts here */

static struct rte_mempool *pool;
static struct vsw_snapshot snap;
static struct vsw_pmd pmd;
static struct vsw_fdb *fdb;
static unsigned int baseline;

static const struct rte_ether_addr bcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static struct rte_ether_addr mac_a, mac_b;

/* What the emulated PMD flush (dp_flush) handed to each port. */
struct sent {
	uint16_t n;
	struct rte_mbuf *pkts[4 * VSW_BURST];
};
static struct sent sent[VSW_MAX_PORTS];

/* ---------------------------------------------------------------------- */
/* Fixture                                                                */

static int
setup(void **state)
{
	(void)state;
	memset(sent, 0, sizeof(sent));
	if (vsw_test_switch_init(&snap, BR, &fdb, &pmd, pool, "qos", T0) != 0)
		return -1;
	pmd.now_tsc = TSC0;
	baseline = rte_mempool_in_use_count(pool);
	return 0;
}

static void
flush_tx(void)
{
	vsw_test_flush_tx(&pmd);
}

static void
free_sent(void)
{
	unsigned int p;

	for (p = 0; p < VSW_MAX_PORTS; p++) {
		rte_pktmbuf_free_bulk(sent[p].pkts, sent[p].n);
		sent[p].n = 0;
	}
}

/*
 * Flush as dataplane/dp_pmd.c does: for each dirty port, vsw_egress() then
 * "send" (keep in sent[]), re-reading n_dirty since vsw_egress() may dirty
 * mirror ports again.
 */
static void
dp_flush(void)
{
	uint16_t d, id, i;
	struct vsw_tx_batch *b;

	for (d = 0; d < pmd.n_dirty; d++) {
		/* Every port at most twice (once more as a mirror port). */
		assert_true(d < 2 * VSW_MAX_PORTS);
		id = pmd.dirty[d];
		b = &pmd.tx[id];
		b->n = vsw_egress(&pmd, &snap, id, b->pkts, b->n, pmd.now_tsc);
		for (i = 0; i < b->n; i++) {
			assert_true(sent[id].n < RTE_DIM(sent[id].pkts));
			sent[id].pkts[sent[id].n++] = b->pkts[i];
		}
		b->n = 0;
	}
	pmd.n_dirty = 0;
}

static int
teardown(void **state)
{
	struct vsw_policer *p;
	unsigned int i;

	(void)state;
	flush_tx();
	free_sent();
	for (i = 0; i < VSW_MAX_PORTS; i++) {
		vsw_policer_free(snap.ports[i].ingress);
		if (snap.ports[i].egress != snap.ports[i].ingress)
			vsw_policer_free(snap.ports[i].egress);
	}
	for (i = 0; i < snap.bridges[BR].n_meters; i++) {
		p = snap.bridges[BR].meters[i];
		vsw_policer_free(p);
	}
	vsw_flow_table_free((struct vsw_flow_table *)(uintptr_t)snap.bridges[BR].flows);
	vsw_pmd_free(&pmd);
	vsw_fdb_free(fdb);
	fdb = NULL;
	assert_int_equal(rte_mempool_in_use_count(pool), baseline);
	return 0;
}

static struct vsw_port_info *
add_port(uint16_t id, enum vsw_vlan_mode mode, uint16_t tag)
{
	struct vsw_port_info *pi = &snap.ports[id];
	struct vsw_bridge_info *br = &snap.bridges[BR];

	pi->in_use = true;
	pi->bridge = BR;
	vsw_vlan_cfg_init(&pi->vlan);
	pi->vlan.mode = mode;
	pi->vlan.tag = tag;
	br->ports[br->n_ports++] = id;
	return pi;
}

/* A frame of @size bytes from A to broadcast (untagged). */
static struct rte_mbuf *
sized(uint32_t size)
{
	struct rte_mbuf *m = vsw_test_frame(pool, &bcast, &mac_a, -1, IP4, size - 14);

	assert_non_null(m);
	return m;
}

static struct rte_mbuf *
frame(const struct rte_ether_addr *dst, const struct rte_ether_addr *src, int tci,
      uint32_t payload)
{
	struct rte_mbuf *m = vsw_test_frame(pool, dst, src, tci, IP4, payload);

	assert_non_null(m);
	return m;
}

static void
input1(uint16_t port, struct rte_mbuf *m)
{
	vsw_input(&pmd, &snap, port, &m, 1);
}

/* @n frames of FRAME bytes in on @port at TSC @now, as one burst. */
static void
burst_in(uint16_t port, unsigned int n, uint64_t now)
{
	struct rte_mbuf *pkts[VSW_BURST];
	unsigned int i;

	assert_true(n <= VSW_BURST);
	for (i = 0; i < n; i++)
		pkts[i] = sized(FRAME);
	pmd.now_tsc = now;
	vsw_input(&pmd, &snap, port, pkts, (uint16_t)n);
}

/* Assert @m holds the frame vsw_test_frame() builds. */
static void
check_frame(const struct rte_mbuf *m, const struct rte_ether_addr *dst,
	    const struct rte_ether_addr *src, int tci, uint32_t payload)
{
	struct rte_mbuf *e = frame(dst, src, tci, payload);

	assert_int_equal(rte_pktmbuf_pkt_len(m), rte_pktmbuf_pkt_len(e));
	assert_int_equal(m->nb_segs, 1);
	assert_memory_equal(rte_pktmbuf_mtod(m, const uint8_t *),
			    rte_pktmbuf_mtod(e, const uint8_t *), rte_pktmbuf_pkt_len(e));
	rte_pktmbuf_free(e);
}

static void
set_bit(uint64_t *bits, uint16_t port)
{
	bits[port / 64] |= UINT64_C(1) << (port % 64);
}

/* Mirror @i of the bridge to @out, with one rx and one tx port (0: none). */
static struct vsw_mirror *
mirror(unsigned int i, uint16_t out, uint16_t src, uint16_t dst)
{
	struct vsw_mirror *m = &snap.bridges[BR].mirrors[i];

	memset(m, 0, sizeof(*m));
	m->in_use = true;
	m->out_port = out;
	if (src != 0)
		set_bit(m->src, src);
	if (dst != 0)
		set_bit(m->dst, dst);
	return m;
}

/* A dedicated mirror port: in use, in the bridge, not in its flood list. */
static void
mirror_port(uint16_t id)
{
	snap.ports[id].in_use = true;
	snap.ports[id].bridge = BR;
	vsw_vlan_cfg_init(&snap.ports[id].vlan);
}

/* ---------------------------------------------------------------------- */
/* A reference srTCM with EBS 0 (RFC 2697 with the excess bucket empty),   */
/* on rte_meter's token steps                                              */

struct model {
	uint64_t period;	/* cycles per step */
	uint64_t step;		/* bytes per step */
	uint64_t cbs;
	uint64_t tc;
	uint64_t time;
	bool started;
};

static void
model_init(struct model *md, uint64_t rate, uint64_t burst)
{
	struct rte_meter_srtcm_params params = { .cir = rate, .cbs = burst, .ebs = 0 };
	struct rte_meter_srtcm_profile prof;

	/* The step rte_meter derives from the TSC frequency. */
	assert_int_equal(rte_meter_srtcm_profile_config(&prof, &params), 0);
	md->period = prof.cir_period;
	md->step = prof.cir_bytes_per_period;
	md->cbs = burst;
	md->tc = burst;
	md->started = false;
}

/* Green (true) or red for a frame of @len bytes at @now. */
static bool
model_run(struct model *md, uint64_t now, uint32_t len)
{
	uint64_t n;

	if (!md->started) {
		md->time = now;
		md->started = true;
	}
	if (now > md->time) {
		n = (now - md->time) / md->period;
		md->time += n * md->period;
		md->tc = RTE_MIN(md->cbs, md->tc + n * md->step);
	}
	if (md->tc < len)
		return false;
	md->tc -= len;
	return true;
}

/* Police @n frames of FRAME bytes directly, at @now; returns the green count. */
static unsigned int
police(struct vsw_policer *p, unsigned int n, uint64_t now)
{
	struct rte_mbuf *pkts[VSW_BURST];
	unsigned int i, kept;

	for (i = 0; i < n; i++)
		pkts[i] = sized(FRAME);
	kept = vsw_policer_run(p, pkts, (uint16_t)n, now);
	rte_pktmbuf_free_bulk(pkts, kept);
	return kept;
}

/* ---------------------------------------------------------------------- */
/* Policers                                                               */

static void
test_policer_create(void **state)
{
	struct vsw_policer *p;

	(void)state;
	errno = 0;
	assert_null(vsw_policer_create(0, 1000, SOCKET_ID_ANY));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(vsw_policer_create(VSW_POLICER_MAX + 1, 1000, SOCKET_ID_ANY));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(vsw_policer_create(1000, VSW_POLICER_MAX + 1, SOCKET_ID_ANY));
	assert_int_equal(errno, EINVAL);
	p = vsw_policer_create(VSW_POLICER_MAX, VSW_POLICER_MAX, SOCKET_ID_ANY);
	assert_non_null(p);
	vsw_policer_free(p);
	vsw_policer_free(NULL);

	/* Default burst, small rate: 2 x 1518 bytes, so 3 frames of 1000. */
	p = vsw_policer_create(1000, 0, SOCKET_ID_ANY);
	assert_non_null(p);
	assert_int_equal(police(p, 8, TSC0), 3);
	vsw_policer_free(p);
	/* Default burst, large rate: rate / 10 = 100,000 bytes = 100 frames. */
	p = vsw_policer_create(1000000, 0, SOCKET_ID_ANY);
	assert_non_null(p);
	assert_int_equal(police(p, 32, TSC0) + police(p, 32, TSC0) + police(p, 32, TSC0) +
			 police(p, 32, TSC0), 100);
	vsw_policer_free(p);
	/* A frame larger than the burst is always red. */
	p = vsw_policer_create(1000000, FRAME - 1, SOCKET_ID_ANY);
	assert_non_null(p);
	assert_int_equal(police(p, 4, TSC0), 0);
	assert_int_equal(police(p, 4, TSC0 + 1000 * rte_get_tsc_hz()), 0);
	vsw_policer_free(p);
}

/* police(), checked against the model frame by frame. */
static unsigned int
police_checked(struct vsw_policer *p, struct model *md, unsigned int n, uint64_t now)
{
	unsigned int kept = police(p, n, now), expect = 0, i;

	for (i = 0; i < n; i++)
		expect += model_run(md, now, FRAME);
	assert_int_equal(kept, expect);
	return kept;
}

/*
 * A policer of 1,000,000 bytes/s and a 10,000-byte burst, on the fake TSC:
 * exact cuts and refills.
 */
static void
test_policer_exact(void **state)
{
	const uint64_t rate = 1000000, burst = 10000, hz = rte_get_tsc_hz();
	struct vsw_policer *p;
	struct model md;
	uint64_t now = TSC0, steps, total = 0;
	unsigned int i;

	(void)state;
	model_init(&md, rate, burst);
	/* One token step is well under a frame at this rate. */
	assert_true(md.step < 100);
	p = vsw_policer_create(rate, burst, SOCKET_ID_ANY);
	assert_non_null(p);

	/* 32 x 1000 bytes at once: exactly burst / 1000 = 10 pass. */
	assert_int_equal(police_checked(p, &md, 32, now), 10);
	/* Same instant: the bucket is empty. */
	assert_int_equal(police_checked(p, &md, 32, now), 0);
	/* One token step short of 3,000 bytes: 2 frames; one step more: the
	 * third. */
	steps = (3000 + md.step - 1) / md.step;
	now += (steps - 1) * md.period;
	assert_int_equal(police_checked(p, &md, 32, now), 2);
	now += md.period;
	assert_int_equal(police_checked(p, &md, 32, now), 1);
	/* Ten seconds later: full again, never more than the burst. */
	now += 10 * hz;
	assert_int_equal(police_checked(p, &md, 32, now), 10);

	/* A TSC before the last update (another PMD's clock) adds nothing. */
	assert_int_equal(police_checked(p, &md, 32, now - hz), 0);
	assert_int_equal(police_checked(p, &md, 1, now), 0);

	/* One simulated second of 32-frame bursts every 1/1000 s: the model's
	 * count each time, and the rate in total (the bucket starts empty). */
	for (i = 0; i < 1000; i++) {
		now += hz / 1000;
		total += police_checked(p, &md, 32, now) * FRAME;
	}
	assert_true(total >= rate - 2 * FRAME);
	assert_true(total <= rate + FRAME);
	vsw_policer_free(p);
}

static void
test_ingress_policing(void **state)
{
	struct vsw_port_info *p1;
	struct model md;
	uint64_t now = TSC0;
	unsigned int i, expect = 0;

	(void)state;
	p1 = add_port(1, VSW_VLAN_TRUNK, 0);
	add_port(2, VSW_VLAN_TRUNK, 0);
	p1->ingress = vsw_policer_create(1000000, 5500, SOCKET_ID_ANY);
	assert_non_null(p1->ingress);
	model_init(&md, 1000000, 5500);

	/* 5 of 32 pass; 27 policed on the input port, before learning. */
	burst_in(1, 32, now);
	assert_int_equal(pmd.tx[2].n, 5);
	assert_int_equal(pmd.ctr[1].drops[VSW_DROP_POLICED], 27);
	assert_int_equal(pmd.ctr[1].rx_packets, 32);
	assert_int_equal(pmd.ctr[1].rx_bytes, 32 * FRAME);
	assert_int_equal(pmd.pmd.learn_requests, 1);
	for (i = 0; i < 32; i++)
		model_run(&md, now, FRAME);
	flush_tx();

	/* 3 ms later: the model says how many. */
	now += 3 * rte_get_tsc_hz() / 1000;
	for (i = 0; i < 32; i++)
		expect += model_run(&md, now, FRAME);
	assert_true(expect >= 2 && expect <= 4);
	burst_in(1, 32, now);
	assert_int_equal(pmd.tx[2].n, expect);
	assert_int_equal(pmd.ctr[1].drops[VSW_DROP_POLICED], 27 + 32 - expect);
	flush_tx();

	/* Port 2 has no policer. */
	burst_in(2, 32, now);
	assert_int_equal(pmd.tx[1].n, 32);
	assert_int_equal(pmd.ctr[2].drops[VSW_DROP_POLICED], 0);
}

static void
test_egress_policing(void **state)
{
	struct rte_mbuf *queued[VSW_BURST];
	struct vsw_port_info *p2;
	uint16_t n;
	unsigned int i;

	(void)state;
	add_port(1, VSW_VLAN_TRUNK, 0);
	p2 = add_port(2, VSW_VLAN_TRUNK, 0);
	add_port(3, VSW_VLAN_TRUNK, 0);
	p2->egress = vsw_policer_create(1000000, 7000, SOCKET_ID_ANY);
	assert_non_null(p2->egress);

	burst_in(1, 32, TSC0);
	assert_int_equal(pmd.tx[2].n, 32);
	memcpy(queued, pmd.tx[2].pkts, sizeof(queued));
	/* Port 3 has no egress policer: untouched. */
	assert_int_equal(vsw_egress(&pmd, &snap, 3, pmd.tx[3].pkts, pmd.tx[3].n, TSC0), 32);
	n = vsw_egress(&pmd, &snap, 2, pmd.tx[2].pkts, pmd.tx[2].n, TSC0);
	assert_int_equal(n, 7);
	/* The first 7, in order (each is shared with port 3, refcnt 2). */
	for (i = 0; i < 7; i++)
		assert_ptr_equal(pmd.tx[2].pkts[i], queued[i]);
	assert_int_equal(pmd.ctr[2].drops[VSW_DROP_SHAPED], 25);
	assert_int_equal(pmd.ctr[1].drops[VSW_DROP_SHAPED], 0);
	assert_int_equal(rte_mbuf_refcnt_read(queued[0]), 2);
	assert_int_equal(rte_mbuf_refcnt_read(queued[31]), 1);	/* port 3's only */
	pmd.tx[2].n = n;
	flush_tx();

	/* Through the emulated PMD flush: a second burst finds the bucket
	 * empty, then 10 seconds later it is full again. */
	burst_in(1, 32, TSC0);
	dp_flush();
	assert_int_equal(sent[2].n, 0);
	assert_int_equal(sent[3].n, 32);
	free_sent();
	burst_in(1, 32, TSC0 + 10 * rte_get_tsc_hz());
	dp_flush();
	assert_int_equal(sent[2].n, 7);
	assert_int_equal(pmd.ctr[2].drops[VSW_DROP_SHAPED], 25 + 32 + 25);
}

/* ---------------------------------------------------------------------- */
/* Flow meters                                                            */

static struct vsw_flow_table *
one_rule(uint32_t meter, uint16_t out1, uint16_t out2)
{
	struct vsw_flow_rule r;
	struct vsw_flow_table *t;

	memset(&r, 0, sizeof(r));
	r.id = 3;
	r.actions[r.n_actions].type = VSW_ACT_METER;
	r.actions[r.n_actions++].meter = meter;
	r.actions[r.n_actions].type = VSW_ACT_OUTPUT;
	r.actions[r.n_actions++].port = out1;
	if (out2 != 0) {
		r.actions[r.n_actions].type = VSW_ACT_OUTPUT;
		r.actions[r.n_actions++].port = out2;
	}
	assert_int_equal(vsw_flow_rule_validate(&r, NULL, 0), 0);
	t = vsw_flow_table_build(&r, 1, SOCKET_ID_ANY);
	assert_non_null(t);
	return t;
}

static void
test_flow_meter(void **state)
{
	static struct vsw_policer *meters[2];
	struct vsw_bridge_info *br = &snap.bridges[BR];
	struct vsw_flow_table *t;
	uint64_t packets, bytes;

	(void)state;
	add_port(1, VSW_VLAN_TRUNK, 0);
	add_port(2, VSW_VLAN_TRUNK, 0);
	add_port(3, VSW_VLAN_TRUNK, 0);
	meters[0] = vsw_policer_create(1000000, 4000, SOCKET_ID_ANY);
	meters[1] = NULL;
	assert_non_null(meters[0]);
	br->meters = meters;
	br->n_meters = 2;
	br->flows = one_rule(0, 2, 3);

	/* 4 green frames go to both outputs; red ones to neither. */
	burst_in(1, 32, TSC0);
	assert_int_equal(pmd.tx[2].n, 4);
	assert_int_equal(pmd.tx[3].n, 4);
	assert_int_equal(pmd.ctr[1].drops[VSW_DROP_POLICED], 28);
	assert_int_equal(pmd.ctr[1].drops[VSW_DROP_FLOW_DROP], 0);
	/* The rule counts what it matched, before policing. */
	vsw_pmd_flow_counters(&pmd, 3, &packets, &bytes);
	assert_int_equal(packets, 32);
	assert_int_equal(bytes, 32 * FRAME);
	flush_tx();
	/* Refill: 2.01 ms of 1,000,000 bytes/s is 2,010 bytes (within a token
	 * step): 2 frames. */
	burst_in(1, 32, TSC0 + 2 * rte_get_tsc_hz() / 1000 + rte_get_tsc_hz() / 100000);
	assert_int_equal(pmd.tx[2].n, 2);
	flush_tx();

	/* Meter 1 has no policer, meter 5 does not exist: dropped, policed. */
	t = (struct vsw_flow_table *)(uintptr_t)br->flows;
	br->flows = one_rule(1, 2, 0);
	vsw_flow_table_free(t);
	burst_in(1, 3, TSC0 + 100 * rte_get_tsc_hz());
	assert_int_equal(pmd.n_dirty, 0);
	assert_int_equal(pmd.ctr[1].drops[VSW_DROP_POLICED], 28 + 30 + 3);
	t = (struct vsw_flow_table *)(uintptr_t)br->flows;
	br->flows = one_rule(5, 2, 0);
	vsw_flow_table_free(t);
	burst_in(1, 3, TSC0 + 100 * rte_get_tsc_hz());
	assert_int_equal(pmd.ctr[1].drops[VSW_DROP_POLICED], 28 + 30 + 6);
	br->meters = NULL;
	burst_in(1, 3, TSC0 + 100 * rte_get_tsc_hz());
	assert_int_equal(pmd.ctr[1].drops[VSW_DROP_POLICED], 28 + 30 + 9);
	assert_int_equal(pmd.n_dirty, 0);
	br->meters = meters;
	br->n_meters = 1;	/* teardown frees meters[0] */
}

/* ---------------------------------------------------------------------- */
/* Mirrors                                                                */

static void
test_mirror_rx(void **state)
{
	struct rte_mbuf *m;

	(void)state;
	add_port(1, VSW_VLAN_TRUNK, 0);
	add_port(2, VSW_VLAN_TRUNK, 0);
	add_port(3, VSW_VLAN_TRUNK, 0);
	add_port(4, VSW_VLAN_ACCESS, 10);
	mirror_port(MIRROR);
	mirror(0, MIRROR, 1, 0);

	/* Flooded unchanged to 2 and 3, stripped (a copy) for 4: the mirror
	 * shares the original, tagged as received. */
	m = frame(&bcast, &mac_a, 10, 100);
	input1(1, m);
	assert_int_equal(pmd.tx[MIRROR].n, 1);
	assert_ptr_equal(pmd.tx[MIRROR].pkts[0], m);
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 3);
	check_frame(m, &bcast, &mac_a, 10, 100);
	check_frame(pmd.tx[4].pkts[0], &bcast, &mac_a, -1, 100);
	assert_int_equal(pmd.pmd.copies, 1);
	/* The mirror port is first in the dirty list: rx mirroring happens
	 * before the pipeline. */
	assert_int_equal(pmd.dirty[0], MIRROR);
	flush_tx();

	/* From port 2: not selected. */
	input1(2, frame(&bcast, &mac_b, 10, 100));
	assert_int_equal(pmd.tx[MIRROR].n, 0);
	assert_int_equal(pmd.pmd.copies, 2);	/* port 4's */
	flush_tx();

	/* Known destination on the access port: without the mirror the tag is
	 * stripped in place; with it the pipeline strips a copy, the mirror
	 * keeps the frame as received. */
	assert_int_equal(vsw_fdb_add_static(fdb, &mac_b, 10, 4), 0);
	m = frame(&mac_b, &mac_a, 10, 60);
	input1(1, m);
	assert_ptr_equal(pmd.tx[MIRROR].pkts[0], m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	check_frame(m, &mac_b, &mac_a, 10, 60);
	assert_ptr_not_equal(pmd.tx[4].pkts[0], m);
	check_frame(pmd.tx[4].pkts[0], &mac_b, &mac_a, -1, 60);
	assert_int_equal(pmd.pmd.copies, 3);
	flush_tx();
	snap.bridges[BR].mirrors[0].in_use = false;
	m = frame(&mac_b, &mac_a, 10, 60);
	input1(1, m);
	assert_ptr_equal(pmd.tx[4].pkts[0], m);
	assert_int_equal(pmd.pmd.copies, 3);
	flush_tx();

	/* A mirror port not in use: nothing. */
	mirror(0, MIRROR, 1, 0);
	snap.ports[MIRROR].in_use = false;
	input1(1, frame(&bcast, &mac_a, 10, 100));
	assert_int_equal(pmd.tx[MIRROR].n, 0);
	assert_int_equal(pmd.tx[2].n, 1);
}

static void
test_mirror_tx(void **state)
{
	struct rte_mbuf *m;

	(void)state;
	add_port(1, VSW_VLAN_TRUNK, 0);
	add_port(2, VSW_VLAN_TRUNK, 0);
	add_port(3, VSW_VLAN_TRUNK, 0);
	add_port(4, VSW_VLAN_ACCESS, 10);
	mirror_port(MIRROR);
	mirror(0, MIRROR, 0, 4);

	/* Only what leaves on port 4, as it leaves (untagged). */
	m = frame(&bcast, &mac_a, 10, 100);
	input1(1, m);
	assert_int_equal(pmd.tx[MIRROR].n, 0);	/* nothing before the flush */
	dp_flush();
	assert_int_equal(sent[MIRROR].n, 1);
	assert_int_equal(sent[4].n, 1);
	assert_ptr_equal(sent[MIRROR].pkts[0], sent[4].pkts[0]);
	assert_int_equal(rte_mbuf_refcnt_read(sent[4].pkts[0]), 2);
	check_frame(sent[MIRROR].pkts[0], &bcast, &mac_a, -1, 100);
	assert_int_equal(sent[2].n, 1);
	assert_int_equal(sent[3].n, 1);
	free_sent();

	/* Several dst ports: one copy per port, as on each wire. */
	set_bit(snap.bridges[BR].mirrors[0].dst, 2);
	input1(1, frame(&bcast, &mac_a, 10, 100));
	dp_flush();
	assert_int_equal(sent[MIRROR].n, 2);
	free_sent();

	/* Egress policing happens first: a shaped frame is not mirrored. */
	snap.ports[4].egress = vsw_policer_create(1000, 2 * 114 + 10, SOCKET_ID_ANY);
	assert_non_null(snap.ports[4].egress);
	input1(1, frame(&bcast, &mac_a, 10, 100));	/* 114 bytes on port 4 */
	input1(1, frame(&bcast, &mac_a, 10, 100));
	dp_flush();
	assert_int_equal(sent[4].n, 2);
	assert_int_equal(sent[MIRROR].n, 2 + 2);	/* 2 of port 2, 2 of port 4 */
	free_sent();
	input1(1, frame(&bcast, &mac_a, 10, 100));
	dp_flush();
	assert_int_equal(sent[4].n, 0);
	assert_int_equal(pmd.ctr[4].drops[VSW_DROP_SHAPED], 1);
	assert_int_equal(sent[MIRROR].n, 1);	/* port 2's only */
}

static void
test_mirror_rx_and_tx_once(void **state)
{
	(void)state;
	add_port(1, VSW_VLAN_TRUNK, 0);
	add_port(2, VSW_VLAN_TRUNK, 0);
	add_port(3, VSW_VLAN_TRUNK, 0);
	mirror_port(MIRROR);
	mirror(0, MIRROR, 1, 2);

	/* Received on 1 and sent on 2: one copy (the rx one). */
	input1(1, frame(&bcast, &mac_a, -1, 100));
	dp_flush();
	assert_int_equal(sent[MIRROR].n, 1);
	free_sent();
	/* From 3 to 2: the tx copy. */
	input1(3, frame(&bcast, &mac_b, -1, 100));
	dp_flush();
	assert_int_equal(sent[MIRROR].n, 1);
	free_sent();

	/* Another mirror selecting port 2's tx to the same port: its own copy,
	 * and the mirror port is dirtied again after it was flushed. */
	mirror(1, MIRROR, 0, 2);
	input1(1, frame(&bcast, &mac_a, -1, 100));
	assert_int_equal(pmd.dirty[0], MIRROR);
	dp_flush();
	assert_int_equal(sent[MIRROR].n, 2);
	assert_int_equal(sent[2].n, 1);
	assert_int_equal(rte_mbuf_refcnt_read(sent[2].pkts[0]), 4);	/* 2, 3, mirror x2 */
}

static void
test_mirror_no_loop(void **state)
{
	(void)state;
	add_port(1, VSW_VLAN_TRUNK, 0);
	add_port(2, VSW_VLAN_TRUNK, 0);
	add_port(8, VSW_VLAN_TRUNK, 0);
	add_port(9, VSW_VLAN_TRUNK, 0);
	/* Each mirror port selected by the other mirror, rx and tx, and
	 * mirror 0 also selects its own port. */
	mirror(0, 9, 8, 8);
	set_bit(snap.bridges[BR].mirrors[0].src, 9);
	set_bit(snap.bridges[BR].mirrors[0].dst, 9);
	mirror(1, 8, 9, 9);

	/* Flooded from 1 to 2, 8 and 9: no copies at all. */
	input1(1, frame(&bcast, &mac_a, -1, 100));
	dp_flush();
	assert_int_equal(sent[2].n, 1);
	assert_int_equal(sent[8].n, 1);
	assert_int_equal(sent[9].n, 1);
	free_sent();
	/* Received on 8 or 9: not mirrored either. */
	input1(8, frame(&bcast, &mac_b, -1, 100));
	dp_flush();
	assert_int_equal(sent[9].n, 1);
	assert_int_equal(sent[1].n, 1);
	free_sent();
	input1(9, frame(&bcast, &mac_b, -1, 100));
	dp_flush();
	assert_int_equal(sent[8].n, 1);
	assert_int_equal(sent[9].n, 0);
}

static void
test_mirror_not_to_input_port(void **state)
{
	(void)state;
	add_port(1, VSW_VLAN_TRUNK, 0);
	add_port(2, VSW_VLAN_TRUNK, 0);
	add_port(3, VSW_VLAN_TRUNK, 0);
	/* Port 3 is a bridge member and the mirror port of port 2's tx. */
	mirror(0, 3, 0, 2);
	assert_int_equal(vsw_fdb_add_static(fdb, &mac_b, 0, 2), 0);

	/* From 3 to 2: port 3 does not get its own frame back. */
	input1(3, frame(&mac_b, &mac_a, -1, 100));
	dp_flush();
	assert_int_equal(sent[2].n, 1);
	assert_int_equal(sent[3].n, 0);
	free_sent();
	/* From 1 to 2: it does. */
	input1(1, frame(&mac_b, &mac_a, -1, 100));
	dp_flush();
	assert_int_equal(sent[2].n, 1);
	assert_int_equal(sent[3].n, 1);
	assert_ptr_equal(sent[3].pkts[0], sent[2].pkts[0]);
	free_sent();
	/* An rx mirror of port 3 onto port 3: never. */
	mirror(1, 3, 3, 0);
	input1(3, frame(&bcast, &mac_a, -1, 100));
	dp_flush();
	assert_int_equal(sent[3].n, 0);
	assert_int_equal(sent[1].n, 1);
}

static void
test_mirror_overflow(void **state)
{
	struct rte_mbuf *pkts[VSW_BURST];
	unsigned int i;

	(void)state;
	add_port(1, VSW_VLAN_TRUNK, 0);
	add_port(2, VSW_VLAN_TRUNK, 0);
	mirror_port(MIRROR);
	snap.ports[MIRROR].mtu = 100;
	mirror(0, MIRROR, 1, 0);
	mirror(1, MIRROR, 1, 0);

	/* Two mirrors of a full burst: 64 copies for a batch of 32. */
	for (i = 0; i < VSW_BURST; i++)
		pkts[i] = frame(&bcast, &mac_a, -1, 100);
	vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
	assert_int_equal(pmd.tx[MIRROR].n, VSW_BURST);
	assert_int_equal(pmd.tx[2].n, VSW_BURST);
	assert_int_equal(pmd.ctr[MIRROR].drops[VSW_DROP_TX_FULL], VSW_BURST);
	assert_int_equal(pmd.ctr[1].drops[VSW_DROP_TX_FULL], 0);
	flush_tx();
	/* Above the mirror port's MTU: oversize there, the rest goes on. */
	input1(1, frame(&bcast, &mac_a, -1, 101));
	assert_int_equal(pmd.tx[MIRROR].n, 0);
	assert_int_equal(pmd.tx[2].n, 1);
	assert_int_equal(pmd.ctr[MIRROR].drops[VSW_DROP_OVERSIZE], 2);
	flush_tx();

	/* A full dirty list (every port already listed in this flush): a tx
	 * copy that would list the mirror port once more is tx_full. */
	mirror(1, MIRROR, 0, 2);
	snap.bridges[BR].mirrors[0].in_use = false;
	add_port(3, VSW_VLAN_TRUNK, 0);
	input1(3, frame(&bcast, &mac_a, -1, 10));
	assert_int_equal(pmd.n_dirty, 2);
	pmd.n_dirty = VSW_MAX_PORTS;
	assert_int_equal(vsw_egress(&pmd, &snap, 2, pmd.tx[2].pkts, pmd.tx[2].n, TSC0), 1);
	assert_int_equal(pmd.n_dirty, VSW_MAX_PORTS);
	assert_int_equal(pmd.tx[MIRROR].n, 0);
	assert_int_equal(pmd.ctr[MIRROR].drops[VSW_DROP_TX_FULL], VSW_BURST + 1);
	pmd.n_dirty = 2;
}

static void
test_mirror_after_policing_and_security(void **state)
{
	struct vsw_port_info *p1;
	struct rte_mbuf *pkts[6];
	unsigned int i;

	(void)state;
	p1 = add_port(1, VSW_VLAN_TRUNK, 0);
	add_port(2, VSW_VLAN_TRUNK, 0);
	mirror_port(MIRROR);
	mirror(0, MIRROR, 1, 0);
	p1->sec.enabled = true;
	p1->sec.n_macs = 1;
	p1->sec.macs[0] = mac_a;
	p1->ingress = vsw_policer_create(1000000, 3 * 114, SOCKET_ID_ANY);
	assert_non_null(p1->ingress);

	/* 6 frames of 114 bytes: the policer keeps 3 (a, b, a), port security
	 * then drops b: 2 mirrored, 2 sent. */
	for (i = 0; i < 6; i++)
		pkts[i] = frame(&bcast, i == 1 ? &mac_b : &mac_a, -1, 100);
	pmd.now_tsc = TSC0;
	vsw_input(&pmd, &snap, 1, pkts, 6);
	assert_int_equal(pmd.ctr[1].drops[VSW_DROP_POLICED], 3);
	assert_int_equal(pmd.ctr[1].drops[VSW_DROP_SPOOF_MAC], 1);
	assert_int_equal(pmd.tx[MIRROR].n, 2);
	assert_int_equal(pmd.tx[2].n, 2);
	assert_ptr_equal(pmd.tx[MIRROR].pkts[0], pmd.tx[2].pkts[0]);
	assert_ptr_equal(pmd.tx[MIRROR].pkts[1], pmd.tx[2].pkts[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_policer_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policer_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ingress_policing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_egress_policing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_meter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mirror_rx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mirror_tx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mirror_rx_and_tx_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mirror_no_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mirror_not_to_input_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mirror_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mirror_after_policing_and_security, setup,
						teardown),
	};

	mac_a = vsw_test_mac(0xa);
	mac_b = vsw_test_mac(0xb);
	return VSW_TEST_RUN("vsw_qos", tests, 2047, &pool, NULL);
}
