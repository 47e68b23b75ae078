/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vsw_fwd.c: the switch pipeline (vsw_input) on hand-built frames:
 * learning then forwarding, moves, aging, flooding, hairpin, the four VLAN
 * modes with exact bytes on the wire, copies versus shared mbufs, runts,
 * oversize, batch limits, learn-ring accounting and flooding chained mbufs.
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

#include "vsw.h"
#include "vsw_priv.h"
#include "vsw_test_eal.h"

#define T0 1000u
#define BR 0
#define IP4 0x0800

static struct rte_mempool *pool;
static struct rte_mempool *tiny_pool;	/* exhausted on purpose */
static struct vsw_snapshot snap;
static struct vsw_pmd pmd;
static struct vsw_fdb *fdb;
static unsigned int baseline;

static const struct rte_ether_addr bcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr mcast = { .addr_bytes = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } };

/* ---------------------------------------------------------------------- */
/* Fixture                                                                */

static int
setup(void **state)
{
	(void)state;
	if (vsw_test_switch_init(&snap, BR, &fdb, &pmd, pool, "fwd", T0) != 0)
		return -1;
	baseline = rte_mempool_in_use_count(pool);
	return 0;
}

/* Free every queued mbuf reference, as the PMD does after tx. */
static void
flush_tx(void)
{
	vsw_test_flush_tx(&pmd);
}

static int
teardown(void **state)
{
	(void)state;
	flush_tx();
	vsw_pmd_free(&pmd);
	vsw_fdb_free(fdb);
	fdb = NULL;
	/* Every mbuf was transmitted or freed exactly once. */
	assert_int_equal(rte_mempool_in_use_count(pool), baseline);
	assert_int_equal(rte_mempool_in_use_count(tiny_pool), 1);	/* the held one */
	return 0;
}

static struct vsw_port_info *
add_port(uint16_t id, uint16_t bridge, enum vsw_vlan_mode mode, uint16_t tag)
{
	struct vsw_port_info *pi = &snap.ports[id];
	struct vsw_bridge_info *br = &snap.bridges[bridge];

	pi->in_use = true;
	pi->bridge = bridge;
	pi->mtu = 0;
	vsw_vlan_cfg_init(&pi->vlan);
	pi->vlan.mode = mode;
	pi->vlan.tag = tag;
	assert_int_equal(vsw_vlan_cfg_validate(&pi->vlan, NULL, 0), 0);
	br->ports[br->n_ports++] = id;
	return pi;
}

static struct rte_mbuf *
frame(const struct rte_ether_addr *dst, const struct rte_ether_addr *src, int tci,
      uint32_t payload)
{
	struct rte_mbuf *m = vsw_test_frame(pool, dst, src, tci, IP4, payload);

	assert_non_null(m);
	return m;
}

/* Send one frame in on @port. */
static void
input1(uint16_t port, struct rte_mbuf *m)
{
	vsw_input(&pmd, &snap, port, &m, 1);
}

/* The expected bytes of a frame, as vsw_test_frame() builds it. */
static uint32_t
expect_bytes(uint8_t *buf, const struct rte_ether_addr *dst, const struct rte_ether_addr *src,
	     int tci, uint16_t etype, uint32_t payload)
{
	uint32_t off = 12, i;

	memcpy(buf, dst->addr_bytes, 6);
	memcpy(buf + 6, src->addr_bytes, 6);
	if (tci >= 0) {
		buf[off++] = 0x81;
		buf[off++] = 0x00;
		buf[off++] = (uint8_t)(tci >> 8);
		buf[off++] = (uint8_t)tci;
	}
	buf[off++] = (uint8_t)(etype >> 8);
	buf[off++] = (uint8_t)etype;
	for (i = 0; i < payload; i++)
		buf[off + i] = (uint8_t)i;
	return off + payload;
}

/* Assert that @m holds exactly the frame described. */
static void
check_frame(const struct rte_mbuf *m, const struct rte_ether_addr *dst,
	    const struct rte_ether_addr *src, int tci, uint32_t payload)
{
	uint8_t exp[2048];
	uint32_t size = expect_bytes(exp, dst, src, tci, IP4, payload);

	assert_int_equal(rte_pktmbuf_pkt_len(m), size);
	assert_int_equal(rte_pktmbuf_data_len(m), size);
	assert_int_equal(m->nb_segs, 1);
	assert_memory_equal(rte_pktmbuf_mtod(m, const uint8_t *), exp, size);
}

/* Assert the number of packets queued on each of @ports (-1 ends). */
static void
check_tx(const int *ports, const int *counts)
{
	vsw_test_check_tx(&pmd, ports, counts);
}

static uint64_t
drops(uint16_t port, enum vsw_drop why)
{
	return pmd.ctr[port].drops[why];
}

static uint64_t
all_drops(void)
{
	return vsw_test_all_drops(&pmd);
}

/* ---------------------------------------------------------------------- */
/* Learning, moves, aging, flooding                                       */

static void
test_learn_then_forward(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);
	struct rte_mbuf *m;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	add_port(3, BR, VSW_VLAN_TRUNK, 0);

	/* A -> B, B unknown: flooded to 2 and 3, one shared mbuf. */
	m = frame(&b, &a, -1, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 1, 1 });
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	assert_ptr_equal(pmd.tx[3].pkts[0], m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 2);
	check_frame(m, &b, &a, -1, 46);
	assert_int_equal(pmd.dirty[0], 2);
	assert_int_equal(pmd.dirty[1], 3);
	assert_int_equal(pmd.pmd.flooded, 1);
	assert_int_equal(pmd.pmd.forwarded, 0);
	assert_int_equal(pmd.pmd.copies, 0);
	assert_int_equal(pmd.pmd.learn_requests, 1);
	assert_int_equal(pmd.ctr[1].rx_packets, 1);
	assert_int_equal(pmd.ctr[1].rx_bytes, 60);
	flush_tx();

	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 1);

	/* B -> A: A is known on port 1, only port 1 gets it. */
	m = frame(&a, &b, -1, 100);
	input1(2, m);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 1, 0, 0 });
	assert_ptr_equal(pmd.tx[1].pkts[0], m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	check_frame(m, &a, &b, -1, 100);
	assert_int_equal(pmd.pmd.forwarded, 1);
	assert_int_equal(pmd.pmd.flooded, 1);
	assert_int_equal(pmd.pmd.learn_requests, 2);
	assert_int_equal(pmd.ctr[2].rx_packets, 1);
	assert_int_equal(pmd.ctr[2].rx_bytes, 114);
	flush_tx();

	/* After B is learned too, A -> B goes to port 2 only. */
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 1);
	input1(1, frame(&b, &a, -1, 46));
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 1, 0 });
	assert_int_equal(pmd.pmd.forwarded, 2);
	/* A is known on port 1 already: no new request. */
	assert_int_equal(pmd.pmd.learn_requests, 2);
	assert_int_equal(all_drops(), 0);
}

static void
test_move(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);
	struct vsw_fdb_stats s;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	add_port(3, BR, VSW_VLAN_TRUNK, 0);

	input1(1, frame(&bcast, &a, -1, 46));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();
	/* A moves to port 3. */
	pmd.now = T0 + 10;
	input1(3, frame(&bcast, &a, -1, 46));
	assert_int_equal(pmd.pmd.learn_requests, 2);
	vsw_fdb_run(fdb, T0 + 10, 300);
	s = (struct vsw_fdb_stats){ 0 };
	vsw_fdb_get_stats(fdb, &s);
	assert_int_equal(s.learned, 1);
	assert_int_equal(s.moved, 1);
	flush_tx();

	input1(2, frame(&a, &b, -1, 46));
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 0, 1 });
	assert_int_equal(pmd.pmd.forwarded, 1);
}

static void
test_aging(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);
	struct vsw_fdb_stats s;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	add_port(3, BR, VSW_VLAN_TRUNK, 0);

	input1(1, frame(&bcast, &a, -1, 46));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();
	input1(2, frame(&a, &b, -1, 46));
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 1, 0, 0 });
	flush_tx();

	/* Far in the future A has aged out: frames to A flood again. */
	vsw_fdb_run(fdb, T0 + 100000, 300);
	vsw_fdb_get_stats(fdb, &s);
	assert_int_equal(s.aged, 2);	/* A and B */
	assert_int_equal(s.n_entries, 0);
	input1(2, frame(&a, &b, -1, 46));
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 1, 0, 1 });
	assert_int_equal(pmd.pmd.flooded, 2);
}

static void
test_flood_scope(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), u = vsw_test_mac(0x55);
	const struct rte_ether_addr *dsts[] = { &u, &bcast, &mcast };
	unsigned int i;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	add_port(3, BR, VSW_VLAN_TRUNK, 0);
	add_port(4, BR, VSW_VLAN_TRUNK, 0);
	/* Port 5 is in another bridge; port 6 is listed but not in use. */
	snap.bridges[1].in_use = true;
	snap.bridges[1].fdb = fdb;
	add_port(5, 1, VSW_VLAN_TRUNK, 0);
	add_port(6, BR, VSW_VLAN_TRUNK, 0);
	snap.ports[6].in_use = false;

	for (i = 0; i < RTE_DIM(dsts); i++) {
		input1(1, frame(dsts[i], &a, 10, 46));
		check_tx((const int[]){ 1, 2, 3, 4, 5, 6, -1 },
			 (const int[]){ 0, 1, 1, 1, 0, 0 });
		assert_int_equal(rte_mbuf_refcnt_read(pmd.tx[2].pkts[0]), 3);
		check_frame(pmd.tx[4].pkts[0], dsts[i], &a, 10, 46);
		flush_tx();
	}
	assert_int_equal(pmd.pmd.flooded, 3);
	assert_int_equal(pmd.pmd.copies, 0);
	/* The source was learned once per burst, not per frame. */
	assert_int_equal(pmd.pmd.learn_requests, 3);
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 3);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 10), 1);

	/* A multicast destination is flooded even if it were "known". */
	input1(2, frame(&mcast, &u, 10, 46));
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 1, 0, 1, 1 });
	flush_tx();

	/* An entry pointing at a port outside the bridge is ignored. */
	assert_int_equal(vsw_fdb_add_static(fdb, &u, 10, 5), 0);
	input1(1, frame(&u, &a, 10, 46));
	check_tx((const int[]){ 1, 2, 3, 4, 5, -1 }, (const int[]){ 0, 1, 1, 1, 0 });
	flush_tx();
	/* A bridge whose only member is the input port: freed, not counted. */
	input1(5, frame(&bcast, &a, 10, 46));
	assert_int_equal(pmd.n_dirty, 0);
	assert_int_equal(pmd.pmd.flooded, 5);
	assert_int_equal(all_drops(), 0);
}

static void
test_hairpin(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	input1(1, frame(&bcast, &a, -1, 46));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();
	/* B, also on port 1, sends to A: destination is the input port. */
	input1(1, frame(&a, &b, -1, 46));
	assert_int_equal(pmd.n_dirty, 0);
	assert_int_equal(drops(1, VSW_DROP_HAIRPIN), 1);
	assert_int_equal(all_drops(), 1);
	assert_int_equal(pmd.ctr[1].rx_packets, 2);
	assert_int_equal(pmd.pmd.forwarded, 0);
	/* B was still learned. */
	assert_int_equal(pmd.pmd.learn_requests, 2);
}

static void
test_no_bridge(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa);
	struct rte_mbuf *pkts[3];
	unsigned int i;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	for (i = 0; i < 3; i++)
		pkts[i] = frame(&bcast, &a, -1, 46);
	/* Port 7 is not in use. */
	vsw_input(&pmd, &snap, 7, pkts, 3);
	assert_int_equal(drops(7, VSW_DROP_NO_BRIDGE), 3);
	assert_int_equal(pmd.ctr[7].rx_packets, 3);
	assert_int_equal(pmd.ctr[7].rx_bytes, 180);
	/* Port in use but its bridge is not. */
	snap.bridges[BR].in_use = false;
	input1(1, frame(&bcast, &a, -1, 46));
	assert_int_equal(drops(1, VSW_DROP_NO_BRIDGE), 1);
	assert_int_equal(pmd.ctr[1].rx_packets, 1);
	assert_int_equal(pmd.n_dirty, 0);
	assert_int_equal(pmd.pmd.learn_requests, 0);
}

/* ---------------------------------------------------------------------- */
/* VLANs                                                                  */

static void
test_access(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);
	struct rte_mbuf *m;

	(void)state;
	add_port(1, BR, VSW_VLAN_ACCESS, 10);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	add_port(3, BR, VSW_VLAN_ACCESS, 10);
	add_port(4, BR, VSW_VLAN_ACCESS, 20);

	/* Untagged in on access 10: trunk gets it tagged 10, access 10
	 * untagged (the original, shared), access 20 nothing.
	 */
	m = frame(&bcast, &a, -1, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 1, 1, 0 });
	assert_ptr_equal(pmd.tx[3].pkts[0], m);
	check_frame(pmd.tx[3].pkts[0], &bcast, &a, -1, 46);
	assert_ptr_not_equal(pmd.tx[2].pkts[0], m);
	check_frame(pmd.tx[2].pkts[0], &bcast, &a, 10, 46);
	assert_int_equal(pmd.pmd.copies, 1);
	flush_tx();
	vsw_fdb_run(fdb, T0, 300);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 10), 1);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 0), VSW_PORT_NONE);

	/* Tagged 10 from the trunk to A: stripped in place. */
	m = frame(&a, &b, 10, 46);
	input1(2, m);
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 1, 0, 0, 0 });
	assert_ptr_equal(pmd.tx[1].pkts[0], m);
	check_frame(m, &a, &b, -1, 46);
	flush_tx();
	vsw_fdb_run(fdb, T0, 300);

	/* A -> B (known on the trunk, VLAN 10): tag inserted in place. */
	m = frame(&b, &a, -1, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 1, 0, 0 });
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	check_frame(m, &b, &a, 10, 46);
	assert_int_equal(pmd.pmd.copies, 1);
	flush_tx();

	/* Tagged frame on an access port: violation, counted on port 1. */
	input1(1, frame(&b, &a, 10, 46));
	input1(1, frame(&b, &a, 20, 46));
	assert_int_equal(drops(1, VSW_DROP_VLAN_VIOLATION), 2);
	assert_int_equal(pmd.n_dirty, 0);

	/* Priority-tagged (VID 0, PCP 5) counts as untagged: VLAN 10, and
	 * the PCP is kept on the trunk: TCI 0xa00a.
	 */
	m = frame(&b, &a, 0xa000, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 1, 0, 0 });
	check_frame(pmd.tx[2].pkts[0], &b, &a, 0xa00a, 46);
	flush_tx();
	/* ... and a priority tag towards an access port is stripped. */
	input1(3, frame(&a, &b, 0x2000, 46));
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 1, 0, 0, 0 });
	check_frame(pmd.tx[1].pkts[0], &a, &b, -1, 46);
	flush_tx();

	/* A known destination whose port does not carry the VLAN. */
	assert_int_equal(vsw_fdb_add_static(fdb, &b, 10, 4), 0);
	input1(1, frame(&b, &a, -1, 46));
	assert_int_equal(drops(1, VSW_DROP_VLAN_VIOLATION), 3);
	assert_int_equal(pmd.n_dirty, 0);
	assert_int_equal(all_drops(), 3);
}

static void
test_trunk_allowed(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);
	struct vsw_port_info *p1, *p2;

	(void)state;
	p1 = add_port(1, BR, VSW_VLAN_TRUNK, 0);
	vsw_vlan_cfg_allow(&p1->vlan, 10);
	vsw_vlan_cfg_allow(&p1->vlan, 20);
	p2 = add_port(2, BR, VSW_VLAN_TRUNK, 0);
	vsw_vlan_cfg_allow(&p2->vlan, 10);
	add_port(3, BR, VSW_VLAN_TRUNK, 0);

	/* VLAN 30 and untagged (VLAN 0) are not allowed on port 1. */
	input1(1, frame(&bcast, &a, 30, 46));
	input1(1, frame(&bcast, &a, -1, 46));
	assert_int_equal(drops(1, VSW_DROP_VLAN_VIOLATION), 2);
	assert_int_equal(pmd.n_dirty, 0);
	assert_int_equal(pmd.pmd.learn_requests, 0);

	/* VLAN 20: only port 3 carries it besides port 1. */
	input1(1, frame(&bcast, &a, 20, 46));
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 0, 1 });
	check_frame(pmd.tx[3].pkts[0], &bcast, &a, 20, 46);
	flush_tx();
	/* VLAN 10 with PCP 3: both, tag kept byte for byte. */
	input1(1, frame(&bcast, &a, 0x600a, 46));
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 1, 1 });
	check_frame(pmd.tx[2].pkts[0], &bcast, &a, 0x600a, 46);
	assert_int_equal(pmd.pmd.copies, 0);
	flush_tx();
	/* Untagged from the trunk-all port: VLAN 0, nobody else carries it;
	 * freed without a drop reason.
	 */
	input1(3, frame(&bcast, &b, -1, 46));
	assert_int_equal(pmd.n_dirty, 0);
	/* VLAN 0 leaves untagged, and a priority tag is stripped. */
	vsw_vlan_cfg_allow(&p2->vlan, 0);
	input1(3, frame(&bcast, &b, 0xe000, 46));
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 1, 0 });
	check_frame(pmd.tx[2].pkts[0], &bcast, &b, -1, 46);
	flush_tx();

	/* Known on port 2 in VLAN 20, which port 2 does not carry. */
	assert_int_equal(vsw_fdb_add_static(fdb, &b, 20, 2), 0);
	input1(1, frame(&b, &a, 20, 46));
	assert_int_equal(drops(1, VSW_DROP_VLAN_VIOLATION), 3);
	assert_int_equal(pmd.n_dirty, 0);
	assert_int_equal(all_drops(), 3);
}

static void
test_native(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);
	struct vsw_port_info *p1, *p2;
	struct rte_mbuf *m;

	(void)state;
	p1 = add_port(1, BR, VSW_VLAN_NATIVE_UNTAGGED, 10);
	vsw_vlan_cfg_allow(&p1->vlan, 20);
	p2 = add_port(2, BR, VSW_VLAN_NATIVE_TAGGED, 10);
	vsw_vlan_cfg_allow(&p2->vlan, 20);
	add_port(3, BR, VSW_VLAN_TRUNK, 0);

	/* Untagged on native-untagged: VLAN 10, tagged towards 2 and 3; no
	 * output wants it untagged, so the original is tagged in place.
	 */
	m = frame(&bcast, &a, -1, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 1, 1 });
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	assert_ptr_equal(pmd.tx[3].pkts[0], m);
	check_frame(m, &bcast, &a, 10, 46);
	assert_int_equal(pmd.pmd.copies, 0);
	flush_tx();

	/* Tagged 20 from the trunk: tagged on both natives, shared. */
	m = frame(&bcast, &b, 20, 46);
	input1(3, m);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 1, 1, 0 });
	assert_ptr_equal(pmd.tx[1].pkts[0], m);
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	check_frame(m, &bcast, &b, 20, 46);
	assert_int_equal(pmd.pmd.copies, 0);
	flush_tx();

	/* Tagged 10 from the trunk: untagged on 1, tagged on 2: one copy. */
	m = frame(&bcast, &b, 10, 46);
	input1(3, m);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 1, 1, 0 });
	check_frame(pmd.tx[1].pkts[0], &bcast, &b, -1, 46);
	check_frame(pmd.tx[2].pkts[0], &bcast, &b, 10, 46);
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	assert_int_equal(pmd.pmd.copies, 1);
	flush_tx();

	/* Untagged on native-tagged: VLAN 10 too; tagged 10 accepted on the
	 * native-untagged port; VLAN 30 is a violation on both.
	 */
	input1(2, frame(&bcast, &a, -1, 46));
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 1, 0, 1 });
	check_frame(pmd.tx[1].pkts[0], &bcast, &a, -1, 46);
	check_frame(pmd.tx[3].pkts[0], &bcast, &a, 10, 46);
	assert_int_equal(pmd.pmd.copies, 2);
	flush_tx();
	input1(1, frame(&bcast, &a, 10, 46));
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 1, 1 });
	flush_tx();
	input1(1, frame(&bcast, &a, 30, 46));
	input1(2, frame(&bcast, &a, 30, 46));
	assert_int_equal(drops(1, VSW_DROP_VLAN_VIOLATION), 1);
	assert_int_equal(drops(2, VSW_DROP_VLAN_VIOLATION), 1);

	/* VLAN 0 from the trunk never leaks into a native VLAN. */
	input1(3, frame(&bcast, &b, -1, 46));
	assert_int_equal(pmd.n_dirty, 0);
	assert_int_equal(all_drops(), 2);
}

/*
 * A flooded chained mbuf (vhost gives chains for large frames): every
 * segment carries one reference per output, or the second free of the
 * chain would free the tail segments twice (teardown checks the pool).
 */
static void
test_flood_chained(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa);
	struct rte_mbuf *m, *tail;
	uint8_t *p;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	add_port(3, BR, VSW_VLAN_TRUNK, 0);
	add_port(4, BR, VSW_VLAN_ACCESS, 10);
	m = frame(&bcast, &a, 10, 300);
	/* Move the last 100 bytes into a second segment. */
	tail = rte_pktmbuf_alloc(pool);
	assert_non_null(tail);
	p = (uint8_t *)rte_pktmbuf_append(tail, 100);
	assert_non_null(p);
	memcpy(p, rte_pktmbuf_mtod_offset(m, uint8_t *, rte_pktmbuf_data_len(m) - 100), 100);
	assert_int_equal(rte_pktmbuf_trim(m, 100), 0);
	assert_int_equal(rte_pktmbuf_chain(m, tail), 0);

	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 1, 1, 1 });
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	assert_ptr_equal(pmd.tx[3].pkts[0], m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 2);
	assert_int_equal(rte_mbuf_refcnt_read(tail), 2);
	/* The access port's copy is stripped and whole. */
	assert_int_equal(rte_pktmbuf_pkt_len(pmd.tx[4].pkts[0]), 14 + 300);
	assert_int_equal(pmd.pmd.copies, 1);
}

static void
test_mixed_encap_flood(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa);
	struct rte_mbuf *m;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	add_port(3, BR, VSW_VLAN_ACCESS, 10);
	add_port(4, BR, VSW_VLAN_TRUNK, 0);
	add_port(5, BR, VSW_VLAN_ACCESS, 10);

	/* Tagged 10 in: trunks share the original (refcnt 2), the access
	 * ports share one stripped copy (refcnt 2).
	 */
	m = frame(&bcast, &a, 10, 200);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, 5, -1 }, (const int[]){ 0, 1, 1, 1, 1 });
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	assert_ptr_equal(pmd.tx[4].pkts[0], m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 2);
	assert_ptr_equal(pmd.tx[3].pkts[0], pmd.tx[5].pkts[0]);
	assert_ptr_not_equal(pmd.tx[3].pkts[0], m);
	assert_int_equal(rte_mbuf_refcnt_read(pmd.tx[3].pkts[0]), 2);
	check_frame(m, &bcast, &a, 10, 200);
	check_frame(pmd.tx[3].pkts[0], &bcast, &a, -1, 200);
	assert_int_equal(pmd.pmd.copies, 1);
	assert_int_equal(pmd.pmd.flooded, 1);
	assert_int_equal(rte_mempool_in_use_count(pool), baseline + 2);
	flush_tx();

	/* Copy failure: the trunks still get the original, the access ports
	 * nothing, and port 1 counts no_mbuf.
	 */
	pmd.pool = tiny_pool;
	m = frame(&bcast, &a, 10, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, 5, -1 }, (const int[]){ 0, 1, 0, 1, 0 });
	check_frame(pmd.tx[2].pkts[0], &bcast, &a, 10, 46);
	assert_int_equal(drops(1, VSW_DROP_NO_MBUF), 1);
	assert_int_equal(pmd.pmd.copies, 1);
	flush_tx();

	/* A shared (refcnt 2) input to a single port needing a new encap is
	 * copied, never modified under its other owner's feet.
	 */
	pmd.pool = pool;
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 2);	/* A, from each burst */
	m = frame(&a, &a, -1, 46);
	rte_mbuf_refcnt_update(m, 1);
	input1(3, m);
	check_tx((const int[]){ 1, 2, 3, 4, 5, -1 }, (const int[]){ 1, 0, 0, 0, 0 });
	assert_ptr_not_equal(pmd.tx[1].pkts[0], m);
	check_frame(pmd.tx[1].pkts[0], &a, &a, 10, 46);
	check_frame(m, &a, &a, -1, 46);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	assert_int_equal(pmd.pmd.copies, 2);
	rte_pktmbuf_free(m);
	assert_int_equal(all_drops(), 1);
}

/* ---------------------------------------------------------------------- */
/* Malformed, oversize, batches, learn ring                               */

static void
test_malformed(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa);
	struct rte_mbuf *m;
	uint8_t *p;

	(void)state;
	add_port(1, BR, VSW_VLAN_ACCESS, 10);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);

	/* 13 bytes: runt. */
	m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, 13);
	memset(p, 0x11, 13);
	input1(2, m);
	/* 0x8100 with 16 bytes: truncated tag. */
	m = frame(&bcast, &a, 10, 0);
	rte_pktmbuf_trim(m, 2);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 16);
	input1(2, m);
	assert_int_equal(drops(2, VSW_DROP_MALFORMED), 2);
	assert_int_equal(pmd.ctr[2].rx_packets, 2);
	assert_int_equal(pmd.ctr[2].rx_bytes, 29);
	assert_int_equal(pmd.n_dirty, 0);
	assert_int_equal(pmd.pmd.learn_requests, 0);

	/* Exactly 14 and 18 bytes are fine. */
	input1(2, frame(&bcast, &a, 10, 0));
	check_tx((const int[]){ 1, 2, -1 }, (const int[]){ 1, 0 });
	check_frame(pmd.tx[1].pkts[0], &bcast, &a, -1, 0);
	flush_tx();

	/* An 802.1ad (0x88a8) outer tag is not a VLAN we know: the frame is
	 * untagged, VLAN 10 on the access port, and leaves with an 802.1Q
	 * tag in front of the 0x88a8 header.
	 */
	m = vsw_test_frame(pool, &bcast, &a, -1, 0x88a8, 8);
	assert_non_null(m);
	input1(1, m);
	check_tx((const int[]){ 1, 2, -1 }, (const int[]){ 0, 1 });
	{
		uint8_t exp[64];
		uint32_t size = expect_bytes(exp, &bcast, &a, 10, 0x88a8, 8);

		assert_int_equal(rte_pktmbuf_pkt_len(pmd.tx[2].pkts[0]), size);
		assert_memory_equal(rte_pktmbuf_mtod(pmd.tx[2].pkts[0], uint8_t *), exp, size);
	}
	assert_int_equal(all_drops(), 2);
}

static void
test_oversize(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);
	struct vsw_port_info *p4;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0)->mtu = 100;
	add_port(3, BR, VSW_VLAN_TRUNK, 0)->mtu = 1500;
	p4 = add_port(4, BR, VSW_VLAN_ACCESS, 10);
	p4->mtu = 100;

	/* L3 size 100 (2 bytes of ethertype are L2): fits everywhere. */
	input1(1, frame(&bcast, &a, 10, 100));
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 1, 1, 1 });
	check_frame(pmd.tx[4].pkts[0], &bcast, &a, -1, 100);
	flush_tx();
	/* 101: dropped on the MTU 100 ports, counted there. */
	input1(1, frame(&bcast, &a, 10, 101));
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 0, 1, 0 });
	assert_int_equal(drops(2, VSW_DROP_OVERSIZE), 1);
	assert_int_equal(drops(4, VSW_DROP_OVERSIZE), 1);
	flush_tx();
	/* Untagged 101 from the access side towards the MTU 100 trunk: the
	 * added tag does not count, the payload does.
	 */
	vsw_fdb_run(fdb, T0, 300);
	input1(2, frame(&b, &b, 10, 10));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();
	p4->mtu = 1500;
	input1(4, frame(&b, &a, -1, 101));
	assert_int_equal(drops(2, VSW_DROP_OVERSIZE), 2);
	assert_int_equal(pmd.n_dirty, 0);
	input1(4, frame(&b, &a, -1, 100));
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 1, 0, 0 });
	check_frame(pmd.tx[2].pkts[0], &b, &a, 10, 100);
	flush_tx();
	assert_int_equal(all_drops(), 3);
	assert_int_equal(drops(4, VSW_DROP_OVERSIZE), 1);
	/* Above the input port's own MTU: dropped on ingress, counted there,
	 * never truncated. */
	input1(2, frame(&bcast, &b, 10, 101));
	assert_int_equal(pmd.n_dirty, 0);
	assert_int_equal(drops(2, VSW_DROP_OVERSIZE), 3);
	assert_int_equal(all_drops(), 4);
}

/*
 * Within a burst, a frame with the same header as one already forwarded
 * reuses its decision (vsw_fwd.c's burst memo); the length, the 802.1Q
 * priority and the VLAN still count.
 */
static void
test_burst_memo(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb), c = vsw_test_mac(0xc);
	const int prio5 = (5 << 13) | 10;
	struct rte_mbuf *pkts[8];
	struct vsw_tx_batch *t2 = &pmd.tx[2], *t3 = &pmd.tx[3];
	uint64_t flooded;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0)->mtu = 100;
	add_port(3, BR, VSW_VLAN_ACCESS, 10);
	input1(2, frame(&bcast, &b, 10, 10));
	input1(3, frame(&bcast, &c, -1, 10));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();
	flooded = pmd.pmd.flooded;

	pkts[0] = frame(&b, &a, 10, 100);	/* -> 2, tag 10 */
	pkts[1] = frame(&b, &a, 10, 100);	/* same header: -> 2 */
	pkts[2] = frame(&b, &a, 10, 101);	/* same header, over port 2's MTU */
	pkts[3] = frame(&b, &a, prio5, 100);	/* priority 5 kept */
	pkts[4] = frame(&b, &a, 10, 50);	/* -> 2 */
	pkts[5] = frame(&c, &a, 10, 20);	/* -> 3, untagged */
	pkts[6] = frame(&c, &a, 11, 20);	/* VLAN 11: c unknown there, flooded to 2 */
	pkts[7] = frame(&c, &a, 10, 20);	/* -> 3 */
	vsw_input(&pmd, &snap, 1, pkts, 8);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 5, 2 });
	assert_int_equal(drops(2, VSW_DROP_OVERSIZE), 1);
	assert_int_equal(all_drops(), 1);
	check_frame(t2->pkts[0], &b, &a, 10, 100);
	check_frame(t2->pkts[1], &b, &a, 10, 100);
	check_frame(t2->pkts[2], &b, &a, prio5, 100);
	check_frame(t2->pkts[3], &b, &a, 10, 50);
	check_frame(t2->pkts[4], &c, &a, 11, 20);
	check_frame(t3->pkts[0], &c, &a, -1, 20);
	check_frame(t3->pkts[1], &c, &a, -1, 20);
	assert_int_equal(pmd.pmd.forwarded, 6);
	assert_int_equal(pmd.pmd.flooded, flooded + 1);
	assert_int_equal(pmd.ctr[1].rx_packets, 8);
}

/* Move the PMD's clock on by @ticks 256ths of the pair cache's refresh
 * period: 256 step every bucket's generation once. */
static void
pair_period(unsigned int ticks)
{
	pmd.now_tsc += (uint64_t)ticks << pmd.pair_tick_shift;
}

/* @n frames a -> b (VLAN 10, tagged, 46 bytes of payload) in on port 1. */
static void
memo_burst(const struct rte_ether_addr *a, const struct rte_ether_addr *b, uint16_t n)
{
	struct rte_mbuf *pkts[VSW_BURST];
	uint16_t i;

	for (i = 0; i < n; i++)
		pkts[i] = frame(b, a, 10, 46);
	vsw_input(&pmd, &snap, 1, pkts, n);
}

/*
 * A port's burst memo lasts from one burst to its next: the next burst's
 * first frame takes no FDB lookup (its source is not refreshed again), but
 * only within the pair cache's refresh period (a new one refreshes it), the
 * FDB's answers (a move of the destination sends the next burst to its new
 * port) and the snapshot (a smaller MTU drops it); and a burst whose source
 * could not be learned (learn ring full) keeps no memo, so that the next
 * burst asks again.
 */
static void
test_port_memo(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb), s;
	struct vsw_fdb *tiny;
	uint64_t req;
	unsigned int i;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	add_port(3, BR, VSW_VLAN_TRUNK, 0);
	input1(1, frame(&bcast, &a, 10, 10));
	input1(2, frame(&bcast, &b, 10, 10));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();

	memo_burst(&a, &b, 4);
	check_tx((const int[]){ 2, -1 }, (const int[]){ 4 });
	flush_tx();
	/* The FDB's clock 5 s on, the PMD's refresh clock not (the same
	 * refresh period): the memo answers, a is not refreshed. */
	pmd.now = T0 + 5;
	memo_burst(&a, &b, 4);
	check_tx((const int[]){ 2, -1 }, (const int[]){ 4 });
	flush_tx();
	assert_int_equal(vsw_test_fdb_age(fdb, &a, 10, T0 + 5), 5);
	/* The next period: the first frame looks up again, a is refreshed. */
	pair_period(256);
	memo_burst(&a, &b, 4);
	check_tx((const int[]){ 2, -1 }, (const int[]){ 4 });
	flush_tx();
	assert_int_equal(vsw_test_fdb_age(fdb, &a, 10, T0 + 5), 0);

	/* b moves to port 3: the next burst follows it. */
	input1(3, frame(&bcast, &b, 10, 10));
	vsw_fdb_run(fdb, T0 + 5, 300);
	flush_tx();
	memo_burst(&a, &b, 4);
	check_tx((const int[]){ 3, -1 }, (const int[]){ 4 });
	flush_tx();
	/* A new snapshot with an MTU of 40 on port 3: dropped there, not sent. */
	snap.ports[3].mtu = 40;
	snap.generation++;
	memo_burst(&a, &b, 4);
	check_tx((const int[]){ -1 }, (const int[]){ 0 });
	assert_int_equal(drops(3, VSW_DROP_OVERSIZE), 4);
	snap.ports[3].mtu = 0;
	snap.generation++;

	/* A table whose learn ring (8) is full: source s's learning is lost;
	 * its frames still go to b, and the next burst asks again. */
	tiny = vsw_fdb_create("fwd-memo", 8, SOCKET_ID_ANY);
	assert_non_null(tiny);
	assert_int_equal(vsw_fdb_add_static(tiny, &b, 10, 3), 0);
	vsw_fdb_free(fdb);
	fdb = tiny;
	snap.bridges[BR].fdb = tiny;
	for (i = 0; i < 8; i++) {
		s = vsw_test_mac((uint8_t)(0x40 + i));
		input1(1, frame(&bcast, &s, 10, 10));
	}
	flush_tx();
	s = vsw_test_mac(0x50);
	req = pmd.pmd.learn_requests;
	memo_burst(&s, &b, 2);
	check_tx((const int[]){ 3, -1 }, (const int[]){ 2 });
	flush_tx();
	assert_int_equal(pmd.pmd.learn_requests, req);
	assert_int_equal(pmd.pmd.learn_ring_full, 1);
	assert_int_equal(vsw_fdb_run(tiny, T0 + 5, 300), 8);
	memo_burst(&s, &b, 2);
	check_tx((const int[]){ 3, -1 }, (const int[]){ 2 });
	flush_tx();
	assert_int_equal(pmd.pmd.learn_requests, req + 1);
	assert_int_equal(all_drops(), 4);
}

/*
 * The burst of bulk_path(), frame @i: mostly unicast to the 24 learned
 * MACs (12 on trunk port 2 with MTU 100, 12 on access port 3 in VLAN 10),
 * from 4 sources (runs of 8), plus every other way a frame can go. In VLAN
 * 10, tagged; @untagged: untagged (port 1 is then an access port of VLAN 10
 * with an MTU of 150).
 */
static struct rte_mbuf *
bulk_frame(unsigned int i, bool untagged)
{
	int tci = untagged ? -1 : 10;
	struct rte_ether_addr src = vsw_test_mac((uint8_t)(0x80 + i / 8));
	struct rte_ether_addr dst = vsw_test_mac((uint8_t)(0x10 + i % 24));
	struct rte_ether_addr unknown = vsw_test_mac(0x77), self = vsw_test_mac(0x80);
	struct rte_mbuf *m;
	uint8_t *p;

	switch (i) {
	case 5:		/* runt */
		m = rte_pktmbuf_alloc(pool);
		assert_non_null(m);
		p = (uint8_t *)rte_pktmbuf_append(m, 13);
		memset(p, 0x11, 13);
		return m;
	case 9:		/* broadcast: flooded to 2 and 3 */
		return frame(&bcast, &src, tci, 20);
	case 13:	/* unknown: flooded */
		return frame(&unknown, &src, tci, 20);
	case 17:	/* to a source seen on port 1 (learned below): hairpin */
		return frame(&self, &src, tci, 20);
	case 21:	/* over port 2's MTU (0x11 is on port 2) */
		dst = vsw_test_mac(0x11);
		return frame(&dst, &src, tci, 101);
	case 25:	/* frame 24's destination, but in VLAN 20, where it is not
			 * known: flooded to 2 only (untagged: port 1 does not carry
			 * VLAN 20, dropped) */
		dst = vsw_test_mac(0x10);
		return frame(&dst, &src, 20, 20);
	case 29:	/* untagged: over port 1's MTU, dropped as it comes in */
		if (untagged)
			return frame(&dst, &src, tci, 151);
		/* fall through */
	default:
		/* Runs of two equal frames, to exercise the key dedup. */
		if (i % 8 == 7)
			dst = vsw_test_mac((uint8_t)(0x10 + (i - 1) % 24));
		return frame(&dst, &src, tci, 30 + i);
	}
}

/*
 * The burst of bulk_path() for the bulk path's lean start (bulk_fast()),
 * frame @i: unicast to the 24 learned MACs from 4 sources, but frame 3 a
 * hairpin, frame 6 over port 2's MTU and frame 10 to an unknown address
 * (a pair the cache never holds: the lean start's first miss); untagged,
 * frame 20 over port 1's MTU and frame 25 tagged VLAN 20, which port 1
 * does not carry, with the addresses of frames 19 and 24 (pairs that the
 * cache holds: the lean start must stop at them, not forward them).
 */
static struct rte_mbuf *
fast_frame(unsigned int i, bool untagged)
{
	int tci = untagged ? -1 : 10;
	struct rte_ether_addr src = vsw_test_mac((uint8_t)(0x80 + i / 8));
	struct rte_ether_addr dst = vsw_test_mac((uint8_t)(0x10 + i % 24));
	struct rte_ether_addr unknown = vsw_test_mac(0x77), self = vsw_test_mac(0x80);

	switch (i) {
	case 3:
		return frame(&self, &src, tci, 20);
	case 6:
		dst = vsw_test_mac(0x11);
		return frame(&dst, &src, tci, 101);
	case 10:
		return frame(&unknown, &src, tci, 20);
	case 20:
		dst = vsw_test_mac(0x10 + 19);
		return frame(&dst, &src, tci, untagged ? 151 : 50);
	case 25:
		dst = vsw_test_mac(0x10);
		return frame(&dst, &src, untagged ? 20 : tci, 50);
	default:
		return frame(&dst, &src, tci, 30 + i);
	}
}

static bool
same_bytes(const struct rte_mbuf *a, const struct rte_mbuf *b, uint32_t len)
{
	return rte_pktmbuf_data_len(a) >= len && rte_pktmbuf_data_len(b) >= len &&
	       memcmp(rte_pktmbuf_mtod(a, const uint8_t *), rte_pktmbuf_mtod(b, const uint8_t *),
		      len) == 0;
}

/*
 * @b (@n frames a port sent) holds the frames of @a, byte for byte, and the
 * frames of each conversation (the same two addresses) in the same order:
 * frames of different conversations may pass each other on the bulk path
 * (bulk_fast() sends the hits it parsed before the misses among them).
 */
static void
check_same_frames(struct rte_mbuf *const *a, struct rte_mbuf *const *b, unsigned int n)
{
	bool used[VSW_BURST] = { false };
	unsigned int at[VSW_BURST], i, j;

	assert_true(n <= VSW_BURST);
	for (j = 0; j < n; j++) {
		for (i = 0; i < n; i++)
			if (!used[i] && rte_pktmbuf_pkt_len(a[i]) == rte_pktmbuf_pkt_len(b[j]) &&
			    same_bytes(a[i], b[j], rte_pktmbuf_data_len(a[i])))
				break;
		assert_true(i < n);
		used[i] = true;
		at[j] = i;
		for (i = 0; i < j; i++)
			if (same_bytes(b[i], b[j], 2 * RTE_ETHER_ADDR_LEN))
				assert_true(at[i] < at[j]);
	}
}

/* A burst of bulk_path(): frame i of it. */
typedef struct rte_mbuf *bulk_gen(unsigned int i, bool untagged);

/*
 * A burst of many destinations switches the input port to the bulk L2 path
 * (one vsw_fdb_bulk() call per burst) for its next burst; both paths give
 * the same frames on the same ports, the same drops and counters, and so
 * does the bulk path's fast way for the pairs it cached. @untagged: frames
 * come in untagged on an access port (the bulk path's own parse of them)
 * instead of tagged on a trunk. @gen: the burst, bulk_frame() (every way a
 * frame can go) or fast_frame() (the cases of the bulk path's lean start).
 */
static void
bulk_path(bool untagged, bulk_gen *gen)
{
	struct rte_mbuf *pkts[VSW_BURST];
	struct rte_mbuf *out[3][2][VSW_BURST];
	uint16_t nout[3][2];
	uint64_t fwd[3], fl[3], mal[3], hp[3], over[3], vlan[3], over1[3], learn[3], hits[3];
	struct rte_ether_addr m;
	unsigned int i, k, r;

	if (untagged)
		add_port(1, BR, VSW_VLAN_ACCESS, 10)->mtu = 150;
	else
		add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0)->mtu = 100;
	add_port(3, BR, VSW_VLAN_ACCESS, 10);
	for (i = 0; i < 24; i++) {
		m = vsw_test_mac((uint8_t)(0x10 + i));
		if (i < 12)
			input1(2, frame(&bcast, &m, 10, 10));
		else
			input1(3, frame(&bcast, &m, -1, 10));
	}
	m = vsw_test_mac(0x80);
	input1(1, frame(&bcast, &m, untagged ? -1 : 10, 10));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();
	assert_false(pmd.l2_spread[1]);

	for (r = 0; r < 3; r++) {
		uint64_t f0 = pmd.pmd.forwarded, fl0 = pmd.pmd.flooded, h0 = pmd.pmd.pair_hits;
		uint64_t mal0 = drops(1, VSW_DROP_MALFORMED), hp0 = drops(1, VSW_DROP_HAIRPIN);
		uint64_t over0 = drops(2, VSW_DROP_OVERSIZE), l0 = pmd.pmd.learn_requests;
		uint64_t v0 = drops(1, VSW_DROP_VLAN_VIOLATION), o10 = drops(1, VSW_DROP_OVERSIZE);

		/* Round 0 through the memo path, round 1 through the bulk path,
		 * round 2 too with the pairs that round 1 cached. */
		assert_int_equal(pmd.l2_spread[1], r >= 1);
		for (i = 0; i < VSW_BURST; i++)
			pkts[i] = gen(i, untagged);
		vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
		assert_true(pmd.l2_spread[1]);
		fwd[r] = pmd.pmd.forwarded - f0;
		fl[r] = pmd.pmd.flooded - fl0;
		mal[r] = drops(1, VSW_DROP_MALFORMED) - mal0;
		hp[r] = drops(1, VSW_DROP_HAIRPIN) - hp0;
		over[r] = drops(2, VSW_DROP_OVERSIZE) - over0;
		vlan[r] = drops(1, VSW_DROP_VLAN_VIOLATION) - v0;
		over1[r] = drops(1, VSW_DROP_OVERSIZE) - o10;
		learn[r] = pmd.pmd.learn_requests - l0;
		hits[r] = pmd.pmd.pair_hits - h0;
		for (k = 0; k < 2; k++) {
			nout[r][k] = pmd.tx[2 + k].n;
			for (i = 0; i < nout[r][k]; i++) {
				out[r][k][i] = pmd.tx[2 + k].pkts[i];
				rte_pktmbuf_refcnt_update(out[r][k][i], 1);
			}
		}
		flush_tx();
		/* Sources 0x81-0x83 are new: learned between the rounds. */
		vsw_fdb_run(fdb, T0, 300);
	}
	assert_int_equal(hp[0], 1);
	assert_int_equal(over[0], 1);
	assert_int_equal(over1[0], untagged);
	/* Round 2: every unicast frame whose ends the FDB knew, its source on
	 * port 1, hits; the hairpin and oversize ones too (the cache holds the
	 * FDB's answer, the checks after it still run). */
	assert_int_equal(hits[1], 0);
	if (gen == bulk_frame) {
		assert_int_equal(mal[0], 1);
		/* Frame 25: flooded, or (untagged) dropped; frame 29
		 * (untagged): dropped. */
		assert_int_equal(fl[0], untagged ? 2 : 3);
		assert_int_equal(vlan[0], untagged);
		assert_int_equal(fwd[0], VSW_BURST - (untagged ? 7 : 6));
		/* 0x81, 0x82, 0x83 in VLAN 10, 0x83 in VLAN 20 (frame 25),
		 * 0x83 in VLAN 10 again (frame 26: one request per run of
		 * equal sources). Untagged, frame 25 is dropped before
		 * learning and 24-31 are one run of 0x83: 0x81, 0x82, 0x83. */
		assert_int_equal(learn[0], untagged ? 3 : 5);
		/* Not the runt (5), the broadcast (9), nor the unknown ones
		 * (13, 25); untagged, not the dropped ones (25, 29). */
		assert_int_equal(hits[2], VSW_BURST - (untagged ? 5 : 4));
	} else {
		assert_int_equal(mal[0], 0);
		assert_int_equal(fl[0], 1);
		assert_int_equal(vlan[0], untagged);
		assert_int_equal(fwd[0], VSW_BURST - (untagged ? 5 : 3));
		assert_int_equal(learn[0], 3);
		/* All but the unknown one (10) and, untagged, the ones dropped
		 * as they come in (20, 25). */
		assert_int_equal(hits[2], VSW_BURST - (untagged ? 3 : 1));
	}
	for (r = 1; r < 3; r++) {
		assert_int_equal(learn[r], 0);
		assert_int_equal(fwd[r], fwd[0]);
		assert_int_equal(fl[r], fl[0]);
		assert_int_equal(mal[r], mal[0]);
		assert_int_equal(hp[r], hp[0]);
		assert_int_equal(over[r], over[0]);
		assert_int_equal(vlan[r], vlan[0]);
		assert_int_equal(over1[r], over1[0]);
		for (k = 0; k < 2; k++) {
			assert_int_equal(nout[r][k], nout[0][k]);
			check_same_frames(out[0][k], out[r][k], nout[0][k]);
		}
	}
	/* Port 3 is an access port: its frames left untagged. */
	assert_true(nout[0][1] > 0);
	assert_int_equal(rte_pktmbuf_mtod(out[0][1][0], const struct rte_ether_hdr *)->ether_type,
			 rte_cpu_to_be_16(IP4));
	for (r = 0; r < 3; r++)
		for (k = 0; k < 2; k++)
			for (i = 0; i < nout[r][k]; i++)
				rte_pktmbuf_free(out[r][k][i]);

	/* A burst of one flow takes the memo path again. */
	for (i = 0; i < VSW_BURST; i++)
		pkts[i] = bulk_frame(0, untagged);
	vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
	assert_false(pmd.l2_spread[1]);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, VSW_BURST, 0 });
}

static void
test_bulk_path(void **state)
{
	(void)state;
	bulk_path(false, bulk_frame);
}

static void
test_bulk_path_untagged(void **state)
{
	(void)state;
	bulk_path(true, bulk_frame);
}

/*
 * The bulk path's lean start on an access port (bulk_fast()): the same
 * frames, drops and counters as the memo path and the general bulk path,
 * when it stops at a pair the cache does not hold (bulk_path()), at a frame
 * over the input port's MTU, and when it takes a whole burst.
 */
static void
test_bulk_fast(void **state)
{
	struct rte_mbuf *pkts[VSW_BURST];
	uint64_t h0, f0, o0, v0, l0;
	unsigned int i, k = 0;

	(void)state;
	bulk_path(true, fast_frame);
	flush_tx();
	/* Frames 11-31, the pairs cached: the lean start parses 11-19 and
	 * stops at 20 (over port 1's MTU), whose pair (19's) it would have
	 * found; the general bulk path takes the rest, 25 (tagged) too. */
	h0 = pmd.pmd.pair_hits;
	f0 = pmd.pmd.forwarded;
	o0 = drops(1, VSW_DROP_OVERSIZE);
	v0 = drops(1, VSW_DROP_VLAN_VIOLATION);
	l0 = pmd.pmd.learn_requests;
	for (i = 11; i < VSW_BURST; i++)
		pkts[i - 11] = fast_frame(i, true);
	pmd.l2_spread[1] = true;
	vsw_input(&pmd, &snap, 1, pkts, VSW_BURST - 11);
	assert_int_equal(pmd.pmd.pair_hits - h0, VSW_BURST - 11 - 2);
	assert_int_equal(pmd.pmd.forwarded - f0, VSW_BURST - 11 - 2);
	assert_int_equal(drops(1, VSW_DROP_OVERSIZE) - o0, 1);
	assert_int_equal(drops(1, VSW_DROP_VLAN_VIOLATION) - v0, 1);
	assert_int_equal(pmd.pmd.learn_requests, l0);
	/* To 0x10 + i % 24, on port 2 below 0x1c: 11, 24 and 26-31 to port
	 * 2, 12-23 but 20 to port 3. */
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 8, 11 });
	flush_tx();
	/* Frames 21-31, the lean start stopping at 25 (tagged, with 24's
	 * addresses) this time. */
	h0 = pmd.pmd.pair_hits;
	v0 = drops(1, VSW_DROP_VLAN_VIOLATION);
	for (i = 21; i < VSW_BURST; i++)
		pkts[i - 21] = fast_frame(i, true);
	pmd.l2_spread[1] = true;
	vsw_input(&pmd, &snap, 1, pkts, VSW_BURST - 21);
	assert_int_equal(pmd.pmd.pair_hits - h0, VSW_BURST - 21 - 1);
	assert_int_equal(drops(1, VSW_DROP_VLAN_VIOLATION) - v0, 1);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 7, 3 });
	flush_tx();
	/* A whole burst of hits: frames 11-31 but 20 and 25. */
	h0 = pmd.pmd.pair_hits;
	f0 = pmd.pmd.forwarded;
	for (i = 11; i < VSW_BURST; i++)
		if (i != 20 && i != 25)
			pkts[k++] = fast_frame(i, true);
	pmd.l2_spread[1] = true;
	vsw_input(&pmd, &snap, 1, pkts, (uint16_t)k);
	assert_int_equal(pmd.pmd.pair_hits - h0, k);
	assert_int_equal(pmd.pmd.forwarded - f0, k);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 8, 11 });
	flush_tx();
	/* Frames 21-23: the lean start keeps port 3's decision (to leave
	 * untagged, of any size: no MTU) for the port's next burst. */
	for (i = 0; i < 3; i++)
		pkts[i] = fast_frame(21 + i, true);
	pmd.l2_spread[1] = true;
	vsw_input(&pmd, &snap, 1, pkts, 3);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 0, 3 });
	flush_tx();
	/* A new snapshot: port 3 takes at most 52 bytes past the header, port
	 * 1 at most 100. What the lean start kept goes with the old snapshot:
	 * twice (the first time the general path caches the pairs anew, the
	 * second the lean start finds them), frame 21 (51 bytes, to port 3) is
	 * sent, frame 23 (53) dropped at port 3, a frame of 21's pair of 120
	 * bytes dropped as it comes in. */
	snap.ports[3].mtu = 52;
	snap.ports[1].mtu = 100;
	snap.generation++;
	for (k = 0; k < 2; k++) {
		struct rte_ether_addr s21 = vsw_test_mac(0x82), d21 = vsw_test_mac(0x10 + 21);

		o0 = drops(3, VSW_DROP_OVERSIZE);
		v0 = drops(1, VSW_DROP_OVERSIZE);
		h0 = pmd.pmd.pair_hits;
		pkts[0] = fast_frame(21, true);
		pkts[1] = fast_frame(23, true);
		pkts[2] = frame(&d21, &s21, -1, 120);
		pmd.l2_spread[1] = true;
		vsw_input(&pmd, &snap, 1, pkts, 3);
		check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 0, 1 });
		assert_int_equal(drops(3, VSW_DROP_OVERSIZE) - o0, 1);
		assert_int_equal(drops(1, VSW_DROP_OVERSIZE) - v0, 1);
		assert_int_equal(pmd.pmd.pair_hits - h0, k == 0 ? 0 : 2);
		flush_tx();
	}
	snap.ports[3].mtu = 0;
	snap.ports[1].mtu = 150;
	snap.generation++;
}

/*
 * One burst from port 1, source 0x80, to destinations 0x10.. 0x10 + n - 1
 * (VLAN 10, untagged on access ports); the frames queued on ports 2 and 3
 * into @to2 / @to3, then the batches flushed.
 */
static void
pair_burst(unsigned int n, uint16_t *to2, uint16_t *to3)
{
	struct rte_ether_addr s = vsw_test_mac(0x80), d;
	struct rte_mbuf *pkts[VSW_BURST];
	unsigned int i;

	for (i = 0; i < n; i++) {
		d = vsw_test_mac((uint8_t)(0x10 + i));
		pkts[i] = frame(&d, &s, -1, 46);
	}
	vsw_input(&pmd, &snap, 1, pkts, (uint16_t)n);
	*to2 = pmd.tx[2].n;
	*to3 = pmd.tx[3].n;
	flush_tx();
}

/* Teach the FDB the destinations of pair_burst() on port 2, at @now. */
static void
pair_dsts_learn(uint32_t now)
{
	struct rte_ether_addr m;
	unsigned int i;

	for (i = 0; i < VSW_BURST; i++) {
		m = vsw_test_mac((uint8_t)(0x10 + i));
		input1(2, frame(&bcast, &m, -1, 46));
		flush_tx();
	}
	vsw_fdb_run(fdb, now, 300);
	flush_tx();
}

/*
 * The bulk L2 path's MAC-pair cache: a pair the FDB knew both ends of is
 * answered by the cache in later bursts, and never after the FDB changed
 * (a move, a delete), after a new snapshot, or in a new second, whose first
 * burst looks the source up again and so refreshes it against aging. With
 * the cache off the answers are the same.
 */
static void
test_pair_cache(void **state)
{
	struct rte_ether_addr s = vsw_test_mac(0x80), d0 = vsw_test_mac(0x10);
	struct rte_ether_addr d1 = vsw_test_mac(0x11);
	uint64_t h0, m0, fl0;
	uint16_t to2, to3;
	unsigned int i;

	(void)state;
	add_port(1, BR, VSW_VLAN_ACCESS, 10);
	add_port(2, BR, VSW_VLAN_ACCESS, 10);
	add_port(3, BR, VSW_VLAN_ACCESS, 10);
	input1(1, frame(&bcast, &s, -1, 46));
	pair_dsts_learn(T0);

	/* The memo path, which finds the burst spread; then the bulk path,
	 * which misses and fills the cache; then hits. */
	pair_burst(VSW_BURST, &to2, &to3);
	assert_true(pmd.l2_spread[1]);
	assert_int_equal(pmd.pmd.pair_hits + pmd.pmd.pair_misses, 0);
	pair_burst(VSW_BURST, &to2, &to3);
	assert_int_equal(pmd.pmd.pair_misses, VSW_BURST);
	assert_int_equal(pmd.pmd.pair_hits, 0);
	pair_burst(VSW_BURST, &to2, &to3);
	assert_int_equal(to2, VSW_BURST);
	assert_int_equal(to3, 0);
	assert_int_equal(pmd.pmd.pair_hits, VSW_BURST);
	assert_int_equal(pmd.pmd.pair_misses, VSW_BURST);

	/* 0x10 moves to port 3: its frames follow at once, none is a hit. */
	input1(3, frame(&bcast, &d0, -1, 46));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();
	h0 = pmd.pmd.pair_hits;
	m0 = pmd.pmd.pair_misses;
	pair_burst(VSW_BURST, &to2, &to3);
	assert_int_equal(to2, VSW_BURST - 1);
	assert_int_equal(to3, 1);
	assert_int_equal(pmd.pmd.pair_hits, h0);
	assert_int_equal(pmd.pmd.pair_misses, m0 + VSW_BURST);
	pair_burst(VSW_BURST, &to2, &to3);
	assert_int_equal(to3, 1);
	assert_int_equal(pmd.pmd.pair_hits, h0 + VSW_BURST);

	/* 0x11 deleted: flooded (to 2 and 3), not sent to its old port. */
	assert_int_equal(vsw_fdb_del(fdb, &d1, 10), 0);
	fl0 = pmd.pmd.flooded;
	pair_burst(VSW_BURST, &to2, &to3);
	assert_int_equal(pmd.pmd.flooded, fl0 + 1);
	assert_int_equal(to2, VSW_BURST - 1);
	assert_int_equal(to3, 2);

	/* A new snapshot: misses again, then hits. */
	snap.generation++;
	h0 = pmd.pmd.pair_hits;
	pair_burst(VSW_BURST, &to2, &to3);
	assert_int_equal(pmd.pmd.pair_hits, h0);
	pair_burst(VSW_BURST, &to2, &to3);
	/* All but the deleted one, which is not cached. */
	assert_int_equal(pmd.pmd.pair_hits, h0 + VSW_BURST - 1);

	/* 200 s later, a refresh period on: the first burst looks 0x80 up
	 * again, which refreshes it, so aging at 400 s (limit 300) keeps it. */
	pmd.now = T0 + 200;
	pair_period(256);
	h0 = pmd.pmd.pair_hits;
	pair_burst(VSW_BURST, &to2, &to3);
	assert_int_equal(pmd.pmd.pair_hits, h0);
	pair_burst(VSW_BURST, &to2, &to3);
	assert_int_equal(pmd.pmd.pair_hits, h0 + VSW_BURST - 1);
	vsw_fdb_run(fdb, T0 + 400, 300);
	assert_int_equal(vsw_fdb_lookup(fdb, &s, 10), 1);
	/* The destinations were only ever destinations: aged. */
	assert_int_equal(vsw_fdb_lookup(fdb, &d0, 10), VSW_PORT_NONE);

	/* Relearn them; the cache off gives the same answers, no hits. */
	pmd.now = T0 + 400;
	pair_dsts_learn(T0 + 400);
	assert_int_equal(vsw_pmd_set_pair_cache(&pmd, false), 0);
	assert_null(pmd.pair);
	h0 = pmd.pmd.pair_hits;
	m0 = pmd.pmd.pair_misses;
	for (i = 0; i < 3; i++) {
		pair_burst(VSW_BURST, &to2, &to3);
		assert_int_equal(to2, VSW_BURST);
		assert_int_equal(to3, 0);
	}
	assert_int_equal(pmd.pmd.pair_hits, h0);
	assert_int_equal(pmd.pmd.pair_misses, m0 + 3 * VSW_BURST);
	assert_int_equal(vsw_pmd_set_pair_cache(&pmd, true), 0);
	pair_burst(VSW_BURST, &to2, &to3);
	pair_burst(VSW_BURST, &to2, &to3);
	assert_int_equal(to2, VSW_BURST);
	assert_int_equal(pmd.pmd.pair_hits, h0 + VSW_BURST);
	assert_int_equal(all_drops(), 0);
}

/* Conversation i of test_pair_conversation(): A_i on port 1, B_i on port 2.
 * B_i is above A_i for even i and below it for odd i, so that both sides of
 * a cache way are the lower address in some conversations. */
static struct rte_ether_addr
conv_mac(unsigned int i, int side)
{
	if (side == 0)
		return vsw_test_mac((uint8_t)(0x40 + i));
	return vsw_test_mac((uint8_t)(i % 2 == 0 ? 0x80 + i : 0x20 + i));
}

/*
 * One burst of the VSW_BURST conversations from @side (0: from port 1, A_i ->
 * B_i; 1: from port 2, B_i -> A_i) coming in on @in_port; returns how many
 * frames were queued on @want, then flushes the batches.
 */
static uint16_t
conv_burst(int side, uint16_t in_port, uint16_t want)
{
	struct rte_mbuf *pkts[VSW_BURST];
	struct rte_ether_addr s, d;
	uint16_t got;
	unsigned int i;

	for (i = 0; i < VSW_BURST; i++) {
		s = conv_mac(i, side);
		d = conv_mac(i, !side);
		pkts[i] = frame(&d, &s, -1, 46);
	}
	vsw_input(&pmd, &snap, in_port, pkts, VSW_BURST);
	got = pmd.tx[want].n;
	flush_tx();
	return got;
}

/* Ports 1 and 2 (access, VLAN 10), and every A_i and B_i sent to the
 * learn ring from its port (the caller runs the FDB). */
static void
conv_ports(void)
{
	struct rte_ether_addr m;
	unsigned int i;
	int side;

	add_port(1, BR, VSW_VLAN_ACCESS, 10);
	add_port(2, BR, VSW_VLAN_ACCESS, 10);
	for (i = 0; i < VSW_BURST; i++) {
		for (side = 0; side < 2; side++) {
			m = conv_mac(i, side);
			input1((uint16_t)(1 + side), frame(&bcast, &m, -1, 46));
			flush_tx();
		}
	}
}

/*
 * From a burst of side 0 that cached all its conversations: half a refresh
 * period on, the buckets whose phase it crossed have stepped (their
 * conversations miss once) and the others still hit; at the period's end
 * every conversation has missed once, and only once.
 */
static void
pair_spread(void)
{
	uint64_t h0 = pmd.pmd.pair_hits, m0 = pmd.pmd.pair_misses;

	pair_period(128);
	assert_int_equal(conv_burst(0, 1, 2), VSW_BURST);
	assert_true(pmd.pmd.pair_misses > m0);
	assert_true(pmd.pmd.pair_hits > h0);
	pair_period(127);
	assert_int_equal(conv_burst(0, 1, 2), VSW_BURST);
	pair_period(1);
	assert_int_equal(conv_burst(0, 1, 2), VSW_BURST);
	assert_int_equal(pmd.pmd.pair_misses, m0 + VSW_BURST);
	assert_int_equal(pmd.pmd.pair_hits, h0 + 2 * VSW_BURST);
}

/* The FDB key of @m in VLAN @vlan, as the pair cache keeps it. */
static uint64_t
fdb_key(const struct rte_ether_addr *m, uint16_t vlan)
{
	uint64_t k = 0;

	memcpy(&k, m, RTE_ETHER_ADDR_LEN);
	return k | (uint64_t)vlan << 48;
}

/*
 * A bucket's generation steps exactly when the refresh period reaches the
 * bucket's phase (vsw_pair_tag(): the buckets from the phase's first on):
 * a conversation cached in the first bucket of a phase hits one tick before
 * it and misses (once, to refresh) at it. On an access port (the lean
 * start) and on a trunk (the general bulk path).
 */
static void
test_pair_phase_edge(void **state)
{
	struct rte_ether_addr s = vsw_test_mac(0x80), d = { .addr_bytes = { 0x02, 0xed } };
	struct rte_mbuf *pkts[4];
	uint64_t k[2], period, h0, m0;
	uint32_t b = 0, j, phase;
	unsigned int trunk, r, i;

	(void)state;
	/* A destination whose conversation with s (VLAN 10) falls in the
	 * first bucket of a phase other than the first. */
	for (j = 0; j < 1u << 16; j++) {
		d.addr_bytes[4] = (uint8_t)(j >> 8);
		d.addr_bytes[5] = (uint8_t)j;
		k[0] = RTE_MIN(fdb_key(&s, 10), fdb_key(&d, 10));
		k[1] = RTE_MAX(fdb_key(&s, 10), fdb_key(&d, 10));
		b = vsw_pair_hash(k) & (VSW_PAIR_BUCKETS - 1);
		if (b != 0 && b % VSW_PAIR_PHASE_BUCKETS == 0)
			break;
	}
	assert_true(j < 1u << 16);
	/* Its phase comes at tick 256 - phase of each period. */
	phase = b / VSW_PAIR_PHASE_BUCKETS;
	add_port(1, BR, VSW_VLAN_ACCESS, 10);
	add_port(2, BR, VSW_VLAN_ACCESS, 10);
	for (trunk = 0; trunk < 2; trunk++) {
		if (trunk) {
			snap.ports[1].vlan.mode = VSW_VLAN_TRUNK;
			snap.ports[1].vlan.tag = 0;
			snap.generation++;
		}
		input1(1, frame(&bcast, &s, trunk ? 10 : -1, 46));
		input1(2, frame(&bcast, &d, -1, 46));
		vsw_fdb_run(fdb, T0, 300);
		flush_tx();
		/* A tick before the phase, in the next period. */
		period = (pmd.now_tsc >> pmd.pair_tick_shift >> 8) + 1;
		pmd.now_tsc = (period * 256 + 255 - phase) << pmd.pair_tick_shift;
		/* Caches, hits; at the phase misses, hits. */
		for (r = 0; r < 4; r++) {
			if (r == 2)
				pair_period(1);
			h0 = pmd.pmd.pair_hits;
			m0 = pmd.pmd.pair_misses;
			for (i = 0; i < RTE_DIM(pkts); i++)
				pkts[i] = frame(&d, &s, trunk ? 10 : -1, 46 + i);
			pmd.l2_spread[1] = true;
			vsw_input(&pmd, &snap, 1, pkts, RTE_DIM(pkts));
			check_tx((const int[]){ 1, 2, -1 }, (const int[]){ 0, RTE_DIM(pkts) });
			for (i = 0; i < RTE_DIM(pkts); i++)
				check_frame(pmd.tx[2].pkts[i], &d, &s, -1, 46 + i);
			flush_tx();
			assert_int_equal(pmd.pmd.pair_hits - h0, r % 2 ? RTE_DIM(pkts) : 0);
			assert_int_equal(pmd.pmd.pair_misses - m0, r % 2 ? 0 : RTE_DIM(pkts));
		}
	}
}

/*
 * The MAC-pair cache holds a conversation in one way for both directions,
 * but each direction's frames hit only after one of them looked its own
 * source up in this epoch and refresh period, so a source only answered
 * for from the other direction's entry still refreshes against aging; and
 * a frame from port 255 (the cache's "not seen" mark) never uses it.
 */
static void
test_pair_conversation(void **state)
{
	struct rte_ether_addr m;
	uint64_t h0, m0;
	unsigned int i, r;
	int side;

	(void)state;
	conv_ports();
	add_port(255, BR, VSW_VLAN_ACCESS, 10);
	vsw_fdb_run(fdb, T0, 300);

	for (r = 0; r < 2; r++) {
		if (r == 1) {
			/* 200 s later, a refresh period on: each direction
			 * misses once more and refreshes its sources. */
			pmd.now = T0 + 200;
			pair_period(256);
		}
		for (side = 0; side < 2; side++) {
			uint16_t in = (uint16_t)(1 + side), out = (uint16_t)(2 - side);

			/* r 0: the memo path finds the burst spread; then the
			 * bulk path. r 1: the port is on the bulk path. */
			if (r == 0)
				assert_int_equal(conv_burst(side, in, out), VSW_BURST);
			h0 = pmd.pmd.pair_hits;
			m0 = pmd.pmd.pair_misses;
			/* The first burst of this direction misses, even from
			 * side 1, whose conversations side 0 cached. */
			assert_int_equal(conv_burst(side, in, out), VSW_BURST);
			assert_int_equal(pmd.pmd.pair_misses, m0 + VSW_BURST);
			assert_int_equal(pmd.pmd.pair_hits, h0);
			assert_int_equal(conv_burst(side, in, out), VSW_BURST);
			assert_int_equal(pmd.pmd.pair_hits, h0 + VSW_BURST);
			assert_int_equal(conv_burst(side, in, out), VSW_BURST);
			assert_int_equal(pmd.pmd.pair_hits, h0 + 2 * VSW_BURST);
			assert_int_equal(pmd.pmd.pair_misses, m0 + VSW_BURST);
		}
	}
	/* Aging at 400 s (limit 300) keeps both sides: each was looked up as
	 * a source at 200 s, though the other side's frames had cached its
	 * conversation first. */
	vsw_fdb_run(fdb, T0 + 400, 300);
	for (i = 0; i < VSW_BURST; i++) {
		m = conv_mac(i, 0);
		assert_int_equal(vsw_fdb_lookup(fdb, &m, 10), 1);
		m = conv_mac(i, 1);
		assert_int_equal(vsw_fdb_lookup(fdb, &m, 10), 2);
	}

	/* The refreshes spread over the period. */
	pair_spread();
	/* The same across the wrap of the 7-bit generation (period 127 to
	 * 128): the buckets whose phase came in period 127 do not step again
	 * at the start of period 128. */
	pmd.now_tsc = (uint64_t)(127 * 256 + 128) << pmd.pair_tick_shift;
	assert_int_equal(conv_burst(0, 1, 2), VSW_BURST);
	pair_spread();

	/* A_i move to port 255, and B_i's frames cache their conversations
	 * before A_i's own frames come: those never hit, in any burst, and
	 * every one goes to B_i's port. */
	pmd.now = T0 + 400;
	for (i = 0; i < VSW_BURST; i++) {
		m = conv_mac(i, 0);
		input1(255, frame(&bcast, &m, -1, 46));
		flush_tx();
	}
	vsw_fdb_run(fdb, T0 + 400, 300);
	for (r = 0; r < 2; r++)
		assert_int_equal(conv_burst(1, 2, 255), VSW_BURST);
	h0 = pmd.pmd.pair_hits;
	m0 = pmd.pmd.pair_misses;
	for (r = 0; r < 4; r++)
		assert_int_equal(conv_burst(0, 255, 2), VSW_BURST);
	assert_int_equal(pmd.pmd.pair_hits, h0);
	assert_true(pmd.pmd.pair_misses >= m0 + 2 * VSW_BURST);

	/* Many sources to one destination are as spread as many pairs: the
	 * port stays on the bulk path. */
	for (r = 0; r < 3; r++) {
		struct rte_mbuf *pkts[VSW_BURST];
		struct rte_ether_addr d = conv_mac(0, 1);

		for (i = 0; i < VSW_BURST; i++) {
			m = conv_mac(i, 0);
			pkts[i] = frame(&d, &m, -1, 46);
		}
		vsw_input(&pmd, &snap, 255, pkts, VSW_BURST);
		assert_int_equal(pmd.tx[2].n, VSW_BURST);
		assert_true(pmd.l2_spread[255]);
		flush_tx();
	}
	assert_int_equal(all_drops(), 0);
}

/* The pair cache's refresh period, in TSC cycles, that a burst of the
 * current snapshot (a new one) takes. */
static uint64_t
pair_period_cycles(void)
{
	snap.generation++;
	assert_int_equal(conv_burst(0, 1, 2), VSW_BURST);
	assert_int_equal(pmd.pair_tick_shift, vsw_pair_tick_shift(rte_get_tsc_hz(), &snap));
	return (uint64_t)256 << pmd.pair_tick_shift;
}

/*
 * The pair cache refreshes its sources within a quarter of the shortest
 * aging of the snapshot's bridges, at most every VSW_PAIR_REFRESH_MAX_S
 * seconds: with aging 1 s, conversations that go on for seconds, answered
 * from the cache, are never aged, and age once they stop.
 */
static void
test_pair_refresh_aging(void **state)
{
	uint64_t hz = rte_get_tsc_hz(), tsc0, t, h0, m0, p;
	struct vsw_fdb_stats st;

	(void)state;
	conv_ports();
	vsw_fdb_run(fdb, T0, 1);

	/* No bridge ages, or aging 300 s: the longest period. */
	assert_int_equal(vsw_pair_tick_shift(hz, NULL), vsw_pair_tick_shift(hz, &snap));
	p = pair_period_cycles();
	assert_true(p <= VSW_PAIR_REFRESH_MAX_S * hz && 2 * p > VSW_PAIR_REFRESH_MAX_S * hz);
	snap.bridges[BR].aging = 300;
	assert_int_equal(pair_period_cycles(), p);
	/* A bridge not in use does not count. */
	snap.bridges[BR + 1].aging = 1;
	assert_int_equal(pair_period_cycles(), p);
	/* Aging 8 s: 2 s at most. */
	snap.bridges[BR].aging = 8;
	p = pair_period_cycles();
	assert_true(p <= 2 * hz && 2 * p > 2 * hz);
	/* Aging 1 s: a quarter of a second at most. */
	snap.bridges[BR].aging = 1;
	p = pair_period_cycles();
	assert_true(4 * p <= hz && 8 * p > hz);

	/* Six seconds of both directions, 4 bursts a refresh period, the FDB
	 * aged (1 s) after each: every frame forwarded, most answered by the
	 * cache (each direction misses once a period), and no source aged. */
	tsc0 = pmd.now_tsc;
	h0 = pmd.pmd.pair_hits;
	m0 = pmd.pmd.pair_misses;
	for (t = 0; t <= 6 * hz; t += p / 4) {
		pmd.now_tsc = tsc0 + t;
		pmd.now = T0 + (uint32_t)(t / hz);
		assert_int_equal(conv_burst(0, 1, 2), VSW_BURST);
		assert_int_equal(conv_burst(1, 2, 1), VSW_BURST);
		vsw_fdb_run(fdb, pmd.now, 1);
	}
	assert_true(pmd.pmd.pair_hits - h0 > 2 * (pmd.pmd.pair_misses - m0));
	vsw_fdb_get_stats(fdb, &st);
	assert_int_equal(st.aged, 0);
	assert_int_equal(st.n_entries, 2 * VSW_BURST);

	/* Silent for two seconds: all aged. */
	vsw_fdb_run(fdb, pmd.now + 2, 1);
	vsw_fdb_get_stats(fdb, &st);
	assert_int_equal(st.aged, 2 * VSW_BURST);
	assert_int_equal(st.n_entries, 0);
	assert_int_equal(all_drops(), 0);
}

static void
test_batch_limits(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa);
	struct rte_mbuf *pkts[VSW_BURST];
	unsigned int i;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	add_port(3, BR, VSW_VLAN_ACCESS, 1);

	for (i = 0; i < VSW_BURST; i++)
		pkts[i] = frame(&bcast, &a, -1, 46);
	vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, VSW_BURST, 0 });
	assert_int_equal(pmd.pmd.flooded, VSW_BURST);
	assert_int_equal(pmd.pmd.learn_requests, 1);
	/* A second burst without a flush between: nothing overflows, the
	 * excess is freed and counted as tx_full on the output.
	 */
	for (i = 0; i < VSW_BURST; i++)
		pkts[i] = frame(&bcast, &a, -1, 46);
	vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
	assert_int_equal(pmd.tx[2].n, VSW_BURST);
	assert_int_equal(pmd.n_dirty, 1);
	assert_int_equal(drops(2, VSW_DROP_TX_FULL), VSW_BURST);
	assert_int_equal(pmd.ctr[1].rx_packets, 2 * VSW_BURST);
	assert_int_equal(all_drops(), VSW_BURST);
}

/* The burst memo's fast path respects the batch limit too: a known unicast
 * flow, two bursts without a flush between. */
static void
test_memo_batch_full(void **state)
{
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);
	struct rte_mbuf *pkts[VSW_BURST];
	unsigned int i, round;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);
	input1(2, frame(&bcast, &b, -1, 46));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();
	pmd.pmd.forwarded = 0;
	for (round = 0; round < 2; round++) {
		for (i = 0; i < VSW_BURST; i++)
			pkts[i] = frame(&b, &a, -1, 46);
		vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
	}
	check_tx((const int[]){ 1, 2, -1 }, (const int[]){ 0, VSW_BURST });
	/* forwarded counts decisions; the second burst's are tx_full drops */
	assert_int_equal(pmd.pmd.forwarded, 2 * VSW_BURST);
	assert_int_equal(drops(2, VSW_DROP_TX_FULL), VSW_BURST);
	assert_int_equal(all_drops(), VSW_BURST);
	for (i = 0; i < VSW_BURST; i++)
		check_frame(pmd.tx[2].pkts[i], &b, &a, -1, 46);
}

/* Destination of frame i of turn_burst(): 0x10 + i, or 0x40 for odd i when
 * @trunk. */
static struct rte_ether_addr
turn_dst(unsigned int i, bool trunk)
{
	return vsw_test_mac((uint8_t)(trunk && (i & 1) ? 0x40 : 0x10 + i));
}

/* A burst of VSW_BURST frames from @src, frame i to turn_dst(i, @trunk)
 * with a payload of 46 + i bytes, into @pkts. */
static void
turn_burst(struct rte_mbuf **pkts, const struct rte_ether_addr *src, bool trunk)
{
	struct rte_ether_addr d;
	unsigned int i;

	for (i = 0; i < VSW_BURST; i++) {
		d = turn_dst(i, trunk);
		pkts[i] = frame(&d, src, -1, 46 + i);
	}
}

/* Destination (index into the 16 behind port 2) of frame i of
 * test_bulk_fast_misses()'s burst; 7 is the broadcast. */
static const int miss_dst[12] = { 0, 8, 1, 8, 2, 9, 3, -1, 0, 10, 1, 8 };

/* test_bulk_fast_misses()'s burst from @s: miss_dst[i], 46 + i bytes. */
static void
miss_burst(struct rte_mbuf **pkts, const struct rte_ether_addr *s)
{
	struct rte_ether_addr d;
	unsigned int i;

	for (i = 0; i < RTE_DIM(miss_dst); i++) {
		d = miss_dst[i] < 0 ? bcast : vsw_test_mac((uint8_t)(0x10 + miss_dst[i]));
		pkts[i] = frame(&d, s, -1, 46 + i);
	}
}

/*
 * A miss in the bulk path's lean start (bulk_fast()) does not end it: the
 * frames whose pair the cache holds go at once, the misses after them, in
 * their order, with the frames the lean start did not parse (from a group
 * destination on) after those. The frames of one conversation keep their
 * order: they all hit or all miss. Every frame is forwarded once, and the
 * misses' pairs are cached for the next burst.
 */
static void
test_bulk_fast_misses(void **state)
{
	/* Port 2's frames (by frame index) in the order they leave. */
	static const int first[12] = { 0, 2, 4, 6, 1, 3, 5, 7, 8, 9, 10, 11 };
	struct rte_ether_addr s = vsw_test_mac(0x80), d;
	struct rte_mbuf *pkts[VSW_BURST];
	uint64_t h0, m0, f0, fl0, l0;
	unsigned int i, r;

	(void)state;
	add_port(1, BR, VSW_VLAN_ACCESS, 10);
	add_port(2, BR, VSW_VLAN_ACCESS, 10);
	add_port(3, BR, VSW_VLAN_ACCESS, 10);
	for (i = 0; i < 16; i++) {
		d = vsw_test_mac((uint8_t)(0x10 + i));
		input1(2, frame(&bcast, &d, -1, 46));
	}
	input1(1, frame(&bcast, &s, -1, 46));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();
	/* The pairs of destinations 0-3 cached (the general bulk path). */
	for (i = 0; i < 4; i++) {
		d = vsw_test_mac((uint8_t)(0x10 + i));
		pkts[i] = frame(&d, &s, -1, 46);
	}
	pmd.l2_spread[1] = true;
	vsw_input(&pmd, &snap, 1, pkts, 4);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 4, 0 });
	flush_tx();
	/* Then twice the burst: the first time 0, 2, 4 and 6 hit in the lean
	 * start, which stops parsing at the broadcast (7); the general path
	 * takes 1, 3 and 5 (misses) and 7-11 (8 and 10 hit, 9 and 11 miss).
	 * The second time every pair is cached: the lean start takes 0-6. */
	for (r = 0; r < 2; r++) {
		h0 = pmd.pmd.pair_hits;
		m0 = pmd.pmd.pair_misses;
		f0 = pmd.pmd.forwarded;
		fl0 = pmd.pmd.flooded;
		l0 = pmd.pmd.learn_requests;
		miss_burst(pkts, &s);
		pmd.l2_spread[1] = true;
		vsw_input(&pmd, &snap, 1, pkts, RTE_DIM(miss_dst));
		assert_int_equal(pmd.pmd.pair_hits - h0, r == 0 ? 6 : 11);
		assert_int_equal(pmd.pmd.pair_misses - m0, r == 0 ? 5 : 0);
		assert_int_equal(pmd.pmd.forwarded - f0, 11);
		assert_int_equal(pmd.pmd.flooded - fl0, 1);
		assert_int_equal(pmd.pmd.learn_requests, l0);
		check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 12, 1 });
		for (i = 0; i < 12; i++) {
			int f = r == 0 ? first[i] : (int)i;

			d = miss_dst[f] < 0 ? bcast : vsw_test_mac((uint8_t)(0x10 + miss_dst[f]));
			check_frame(pmd.tx[2].pkts[i], &d, &s, -1, 46 + f);
		}
		check_frame(pmd.tx[3].pkts[0], &bcast, &s, -1, 46 + 7);
		flush_tx();
	}
}

/*
 * The bulk path's lean start (bulk_fast()) fills the output batches from
 * its own count: frames to ports 2 and 3 in turn each go to their port in
 * order, each port is flushed once (one dirty mark each), and a batch that
 * was not empty takes what fits, the rest counted as tx_full drops.
 */
static void
test_bulk_fast_batches(void **state)
{
	struct rte_ether_addr s = vsw_test_mac(0x80), d, x = vsw_test_mac(0x7f);
	struct rte_mbuf *pkts[VSW_BURST];
	uint64_t h0, f0;
	unsigned int i, r;

	(void)state;
	add_port(1, BR, VSW_VLAN_ACCESS, 10);
	add_port(2, BR, VSW_VLAN_ACCESS, 10);
	add_port(3, BR, VSW_VLAN_ACCESS, 10);
	/* Destination i behind port 2 (even i) or 3 (odd), the source and
	 * 0x7f (for the fill below) behind port 1. */
	for (i = 0; i < VSW_BURST; i++) {
		d = vsw_test_mac((uint8_t)(0x10 + i));
		input1(2 + (i & 1), frame(&bcast, &d, -1, 46));
	}
	input1(1, frame(&bcast, &s, -1, 46));
	input1(1, frame(&bcast, &x, -1, 46));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();
	/* The memo path, then the general bulk path (caching the pairs),
	 * then the lean start. */
	for (r = 0; r < 3; r++) {
		h0 = pmd.pmd.pair_hits;
		f0 = pmd.pmd.forwarded;
		turn_burst(pkts, &s, false);
		vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
		assert_int_equal(pmd.pmd.forwarded - f0, VSW_BURST);
		assert_int_equal(pmd.pmd.pair_hits - h0, r == 2 ? VSW_BURST : 0);
		assert_int_equal(pmd.n_dirty, 2);
		check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, VSW_BURST / 2, VSW_BURST / 2 });
		for (i = 0; i < VSW_BURST; i++) {
			d = turn_dst(i, false);
			check_frame(pmd.tx[2 + (i & 1)].pkts[i / 2], &d, &s, -1, 46 + i);
		}
		flush_tx();
		assert_true(pmd.l2_spread[1]);
	}
	/* Port 3's batch holds 20 frames (from port 2, not flushed): the
	 * lean start's 16 frames to port 3 find room for 12. */
	for (i = 0; i < 20; i++) {
		d = vsw_test_mac(0x11);
		pkts[i] = frame(&d, &x, -1, 46);
	}
	vsw_input(&pmd, &snap, 2, pkts, 20);
	assert_int_equal(pmd.tx[3].n, 20);
	h0 = pmd.pmd.pair_hits;
	turn_burst(pkts, &s, false);
	vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
	assert_int_equal(pmd.pmd.pair_hits - h0, VSW_BURST);
	assert_int_equal(pmd.n_dirty, 2);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, VSW_BURST / 2, VSW_BURST });
	assert_int_equal(drops(3, VSW_DROP_TX_FULL), VSW_BURST / 2 - 12);
	/* The first 12 of them, in order, after the 20. */
	for (i = 1; i < 24; i += 2) {
		d = turn_dst(i, false);
		check_frame(pmd.tx[3].pkts[20 + i / 2], &d, &s, -1, 46 + i);
	}
	flush_tx();
	/* Two conversations in a burst of two keep the port on the bulk
	 * path; one in a burst of four takes it back to the memo path. */
	for (r = 0; r < 2; r++) {
		for (i = 0; i < 2 + 2 * r; i++) {
			d = vsw_test_mac((uint8_t)(0x10 + (r == 0 ? i : 0)));
			pkts[i] = frame(&d, &s, -1, 46);
		}
		vsw_input(&pmd, &snap, 1, pkts, (uint16_t)(2 + 2 * r));
		assert_int_equal(pmd.l2_spread[1], r == 0);
		flush_tx();
	}
	/* A trunk port: frames of VLAN 10 leave it tagged, not as they came
	 * (l2_forward() tags them for the lean start). */
	add_port(4, BR, VSW_VLAN_TRUNK, 0);
	snap.generation++;
	d = vsw_test_mac(0x40);
	input1(4, frame(&bcast, &d, 10, 46));
	vsw_fdb_run(fdb, T0, 300);
	flush_tx();
	for (r = 0; r < 3; r++) {
		h0 = pmd.pmd.pair_hits;
		turn_burst(pkts, &s, true);
		pmd.l2_spread[1] = true;
		vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
		assert_int_equal(pmd.pmd.pair_hits - h0, r == 0 ? 0 : VSW_BURST);
		check_tx((const int[]){ 1, 2, 4, -1 },
			 (const int[]){ 0, VSW_BURST / 2, VSW_BURST / 2 });
		for (i = 0; i < VSW_BURST; i++) {
			d = turn_dst(i, true);
			check_frame(pmd.tx[i & 1 ? 4 : 2].pkts[i / 2], &d, &s, i & 1 ? 10 : -1,
				    46 + i);
		}
		flush_tx();
	}
	/* A burst that starts on the trunk, where the last one ended: the
	 * decision kept for it (each frame through l2_forward()) holds. */
	h0 = pmd.pmd.pair_hits;
	d = turn_dst(1, true);
	for (i = 0; i < 2; i++)
		pkts[i] = frame(&d, &s, -1, 47);
	pmd.l2_spread[1] = true;
	vsw_input(&pmd, &snap, 1, pkts, 2);
	assert_int_equal(pmd.pmd.pair_hits - h0, 2);
	check_tx((const int[]){ 1, 2, 4, -1 }, (const int[]){ 0, 0, 2 });
	for (i = 0; i < 2; i++)
		check_frame(pmd.tx[4].pkts[i], &d, &s, 10, 47);
	flush_tx();
}

static void
test_learn_ring_full(void **state)
{
	struct rte_ether_addr src;
	struct rte_mbuf *pkts[12];
	struct vsw_fdb *tiny;
	struct vsw_fdb_stats s;
	unsigned int i;

	(void)state;
	tiny = vsw_fdb_create("fwd-tiny", 8, SOCKET_ID_ANY);	/* ring of 8 */
	assert_non_null(tiny);
	snap.bridges[BR].fdb = tiny;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_TRUNK, 0);

	/* 10 sources, then 2 more frames of the last one. */
	for (i = 0; i < 12; i++) {
		src = vsw_test_mac((uint8_t)(RTE_MIN(i, 9u) + 1));
		pkts[i] = frame(&bcast, &src, -1, 46);
	}
	vsw_input(&pmd, &snap, 1, pkts, 12);
	assert_int_equal(pmd.pmd.learn_requests, 8);
	assert_int_equal(pmd.pmd.learn_ring_full, 2);
	vsw_fdb_get_stats(tiny, &s);
	assert_int_equal(s.ring_full, 2);
	assert_int_equal(vsw_fdb_run(tiny, T0, 300), 8);
	vsw_fdb_get_stats(tiny, &s);
	assert_int_equal(s.learned, 8);
	flush_tx();

	/* Table full: two more sources are refused by the control thread. */
	for (i = 0; i < 2; i++) {
		src = vsw_test_mac((uint8_t)(i + 9));
		pkts[i] = frame(&bcast, &src, -1, 46);
	}
	vsw_input(&pmd, &snap, 1, pkts, 2);
	assert_int_equal(vsw_fdb_run(tiny, T0, 300), 2);
	vsw_fdb_get_stats(tiny, &s);
	assert_int_equal(s.table_full, 2);
	assert_int_equal(s.n_entries, 8);
	assert_int_equal(pmd.pmd.learn_requests, 10);
	flush_tx();
	snap.bridges[BR].fdb = fdb;
	vsw_fdb_free(tiny);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_learn_then_forward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flood_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_bridge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trunk_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_native, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_encap_flood, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flood_chained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_memo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_memo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_fast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_path_untagged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pair_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pair_conversation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pair_refresh_aging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pair_phase_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memo_batch_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_fast_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_fast_misses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_learn_ring_full, setup, teardown),
	};

	return VSW_TEST_RUN("vsw_fwd", tests, 1023, &pool, &tiny_pool);
}
