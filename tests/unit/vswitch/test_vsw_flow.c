/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vsw_flow.c: flow rules. The classifier (validation, priorities,
 * masks, overlaps, duplicates, early termination, a brute-force reference
 * on random rules and keys), key extraction (ARP, IPv4, IPv6, L4, VLAN,
 * runts, chained mbufs), the per-PMD exact-match cache and its invalidation
 * by table generation, and the pipeline's flow path: every action's effect
 * on the wire bytes, shared versus copied outputs, NORMAL after SET_VLAN,
 * flow_miss/flow_drop and per-rule counters. After every pipeline test all
 * tx batches are freed and the mempool in-use count must be back to baseline.
 * A 10,000-rule table is built and timed (printed, not asserted).
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "vsw.h"
#include "vsw_priv.h"
#include "vsw_test_eal.h"

#define T0 1000u
#define BR 0
#define ETH_IP4 0x0800
#define ETH_IP6 0x86dd
#define ETH_ARP 0x0806
#define PRESENT VSW_VLAN_PRESENT

static struct rte_mempool *pool;
static struct rte_mempool *tiny_pool;	/* exhausted on purpose */
static struct vsw_snapshot snap;
static struct vsw_pmd pmd;
static struct vsw_fdb *fdb;
static struct vsw_flow_table *table;
static unsigned int baseline;

static const struct rte_ether_addr bcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

/* ---------------------------------------------------------------------- */
/* Rules                                                                  */

static struct vsw_flow_rule
mkrule(uint32_t id, uint16_t priority)
{
	struct vsw_flow_rule r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.priority = priority;
	return r;
}

static struct vsw_action *
add_act(struct vsw_flow_rule *r, uint8_t type)
{
	struct vsw_action *a = &r->actions[r->n_actions++];

	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

static void
act_output(struct vsw_flow_rule *r, uint16_t port)
{
	add_act(r, VSW_ACT_OUTPUT)->port = port;
}

static void
act_vlan(struct vsw_flow_rule *r, uint8_t type, uint16_t vid, uint8_t pcp)
{
	struct vsw_action *a = add_act(r, type);

	a->vid = vid;
	a->pcp = pcp;
}

static void
act_mac(struct vsw_flow_rule *r, uint8_t type, const struct rte_ether_addr *mac)
{
	add_act(r, type)->mac = *mac;
}

static void
m_in_port(struct vsw_flow_rule *r, uint16_t port)
{
	r->match.key.in_port = port;
	r->match.mask.in_port = 0xffff;
}

static void
m_dl_type(struct vsw_flow_rule *r, uint16_t type)
{
	r->match.key.dl_type = type;
	r->match.mask.dl_type = 0xffff;
}

static void
m_nw_proto(struct vsw_flow_rule *r, uint8_t proto)
{
	r->match.key.nw_proto = proto;
	r->match.mask.nw_proto = 0xff;
}

static uint32_t
prefix4(unsigned int plen)
{
	return plen == 0 ? 0 : rte_cpu_to_be_32(UINT32_MAX << (32 - plen));
}

/* IPv4 destination @addr (host order) / @plen. */
static void
m_nw_dst(struct vsw_flow_rule *r, uint32_t addr, unsigned int plen)
{
	r->match.mask.nw_dst = prefix4(plen);
	r->match.key.nw_dst = rte_cpu_to_be_32(addr) & r->match.mask.nw_dst;
}

static void
m_nw_src(struct vsw_flow_rule *r, uint32_t addr, unsigned int plen)
{
	r->match.mask.nw_src = prefix4(plen);
	r->match.key.nw_src = rte_cpu_to_be_32(addr) & r->match.mask.nw_src;
}

static void
prefix6(uint8_t mask[16], unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		int bits = (int)plen - (int)i * 8;

		mask[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

static void
m_ipv6_dst(struct vsw_flow_rule *r, const uint8_t addr[16], unsigned int plen)
{
	unsigned int i;

	prefix6(r->match.mask.ipv6_dst, plen);
	for (i = 0; i < 16; i++)
		r->match.key.ipv6_dst[i] = addr[i] & r->match.mask.ipv6_dst[i];
}

static void
m_dl_dst(struct vsw_flow_rule *r, const struct rte_ether_addr *mac,
	 const struct rte_ether_addr *mask)
{
	unsigned int i;

	r->match.mask.dl_dst = *mask;
	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		r->match.key.dl_dst.addr_bytes[i] = mac->addr_bytes[i] & mask->addr_bytes[i];
}

static void
m_dl_src(struct vsw_flow_rule *r, const struct rte_ether_addr *mac,
	 const struct rte_ether_addr *mask)
{
	unsigned int i;

	r->match.mask.dl_src = *mask;
	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		r->match.key.dl_src.addr_bytes[i] = mac->addr_bytes[i] & mask->addr_bytes[i];
}

static void
m_tp_dst(struct vsw_flow_rule *r, uint16_t port)
{
	r->match.key.tp_dst = port;
	r->match.mask.tp_dst = 0xffff;
}

static struct vsw_flow_table *
build(const struct vsw_flow_rule *rules, uint32_t n)
{
	struct vsw_flow_table *t = vsw_flow_table_build(rules, n, SOCKET_ID_ANY);

	assert_non_null(t);
	return t;
}

static const struct vsw_flow_rule *
lookup(const struct vsw_flow_table *t, const struct vsw_flow_key *k)
{
	return vsw_flow_table_lookup(t, k);
}

/* The id of the rule @k looks up to, or -1. */
static int
lookup_id(const struct vsw_flow_table *t, const struct vsw_flow_key *k)
{
	const struct vsw_flow_rule *r = lookup(t, k);

	return r == NULL ? -1 : (int)r->id;
}

static struct vsw_flow_key
ip4_key(uint16_t in_port, uint32_t src, uint32_t dst, uint8_t proto, uint16_t tp_dst)
{
	struct vsw_flow_key k;

	memset(&k, 0, sizeof(k));
	k.in_port = in_port;
	k.dl_type = ETH_IP4;
	k.nw_src = rte_cpu_to_be_32(src);
	k.nw_dst = rte_cpu_to_be_32(dst);
	k.nw_proto = proto;
	k.tp_dst = tp_dst;
	return k;
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* ---------------------------------------------------------------------- */
/* Frames                                                                 */

static uint32_t
put_eth(uint8_t *p, const struct rte_ether_addr *dst, const struct rte_ether_addr *src, int tci,
	uint16_t etype)
{
	uint32_t off = 12;

	memcpy(p, dst->addr_bytes, 6);
	memcpy(p + 6, src->addr_bytes, 6);
	if (tci >= 0) {
		p[off++] = 0x81;
		p[off++] = 0x00;
		p[off++] = (uint8_t)(tci >> 8);
		p[off++] = (uint8_t)tci;
	}
	p[off++] = (uint8_t)(etype >> 8);
	p[off++] = (uint8_t)etype;
	return off;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* An IPv4 header of @ihl words (options zero), fragment field @frag. */
static uint32_t
put_ipv4(uint8_t *p, uint8_t proto, uint32_t src, uint32_t dst, uint8_t ihl, uint16_t frag)
{
	memset(p, 0, ihl * 4u);
	p[0] = (uint8_t)(0x40 | ihl);
	put16(p + 2, 100);
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	put32(p + 12, src);
	put32(p + 16, dst);
	return ihl * 4u;
}

static uint32_t
put_ipv6(uint8_t *p, uint8_t next, const uint8_t src[16], const uint8_t dst[16])
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, 20);
	p[6] = next;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	return 40;
}

/* 20 bytes: ports then zeros (a TCP header; UDP reads the same ports). */
static uint32_t
put_ports(uint8_t *p, uint16_t sport, uint16_t dport)
{
	memset(p, 0, 20);
	put16(p, sport);
	put16(p + 2, dport);
	return 20;
}

static uint32_t
put_arp(uint8_t *p, uint16_t op, uint32_t spa, uint32_t tpa)
{
	memset(p, 0, 28);
	put16(p, 1);
	put16(p + 2, ETH_IP4);
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, op);
	memset(p + 8, 0xaa, 6);
	put32(p + 14, spa);
	memset(p + 18, 0xbb, 6);
	put32(p + 24, tpa);
	return 28;
}

/* An mbuf of @len bytes of @bytes, split into segments at @cuts (increasing). */
static struct rte_mbuf *
mbuf_of(const uint8_t *bytes, uint32_t len, const uint32_t *cuts, unsigned int n_cuts)
{
	struct rte_mbuf *head = NULL, *seg;
	uint32_t off = 0, end;
	unsigned int i;
	uint8_t *p;

	for (i = 0; i <= n_cuts; i++) {
		end = i < n_cuts ? cuts[i] : len;
		seg = rte_pktmbuf_alloc(pool);
		assert_non_null(seg);
		p = (uint8_t *)rte_pktmbuf_append(seg, (uint16_t)(end - off));
		assert_non_null(p);
		memcpy(p, bytes + off, end - off);
		if (head == NULL)
			head = seg;
		else
			assert_int_equal(rte_pktmbuf_chain(head, seg), 0);
		off = end;
	}
	return head;
}

static struct rte_mbuf *
frame(const struct rte_ether_addr *dst, const struct rte_ether_addr *src, int tci,
      uint32_t payload)
{
	struct rte_mbuf *m = vsw_test_frame(pool, dst, src, tci, ETH_IP4, payload);

	assert_non_null(m);
	return m;
}

/* The bytes of a frame as vsw_test_frame() builds it. */
static uint32_t
expect_bytes(uint8_t *buf, const struct rte_ether_addr *dst, const struct rte_ether_addr *src,
	     int tci, uint32_t payload)
{
	uint32_t off = put_eth(buf, dst, src, tci, ETH_IP4), i;

	for (i = 0; i < payload; i++)
		buf[off + i] = (uint8_t)i;
	return off + payload;
}

/* Assert that @m holds exactly @size bytes of @exp (any segmentation). */
static void
check_bytes(const struct rte_mbuf *m, const uint8_t *exp, uint32_t size)
{
	uint8_t buf[2048];
	const uint8_t *p;

	assert_int_equal(rte_pktmbuf_pkt_len(m), size);
	p = rte_pktmbuf_read(m, 0, size, buf);
	assert_non_null(p);
	assert_memory_equal(p, exp, size);
}

static void
check_frame(const struct rte_mbuf *m, const struct rte_ether_addr *dst,
	    const struct rte_ether_addr *src, int tci, uint32_t payload)
{
	uint8_t exp[2048];

	check_bytes(m, exp, expect_bytes(exp, dst, src, tci, payload));
}

/* Outer and inner tags: dst, src, 8100 @outer, 8100 @inner, 0800, payload. */
static void
check_qinq(const struct rte_mbuf *m, const struct rte_ether_addr *dst,
	   const struct rte_ether_addr *src, uint16_t outer, uint16_t inner, uint32_t payload)
{
	uint8_t exp[2048];
	uint32_t off = put_eth(exp, dst, src, outer, 0x8100), i;

	put16(exp + off, inner);
	put16(exp + off + 2, ETH_IP4);
	off += 4;
	for (i = 0; i < payload; i++)
		exp[off + i] = (uint8_t)i;
	check_bytes(m, exp, off + payload);
}

/* ---------------------------------------------------------------------- */
/* Fixture                                                                */

static int
setup(void **state)
{
	(void)state;
	if (vsw_test_switch_init(&snap, BR, &fdb, &pmd, pool, "flow", T0) != 0)
		return -1;
	/* The cache tests count hits after one miss: every answer goes in
	 * (the default puts one in 100), and the cache serves tables of any
	 * number of subtables (test_emc_policy covers the defaults). */
	vsw_pmd_set_emc_insert_inv_prob(&pmd, 1);
	pmd.emc_min_subtables = 0;
	table = NULL;
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
	vsw_flow_table_free(table);
	table = NULL;
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

/* Ports 1..@n, trunk, in bridge BR. */
static void
add_trunks(uint16_t n)
{
	uint16_t i;

	for (i = 1; i <= n; i++)
		add_port(i, BR, VSW_VLAN_TRUNK, 0);
}

/* Install @rules as the bridge's flow table (replacing the previous one). */
static void
set_rules(const struct vsw_flow_rule *rules, uint32_t n)
{
	vsw_flow_table_free(table);
	table = build(rules, n);
	snap.bridges[BR].flows = table;
}

static void
set_rule(const struct vsw_flow_rule *r)
{
	set_rules(r, 1);
}

static void
input1(uint16_t port, struct rte_mbuf *m)
{
	vsw_input(&pmd, &snap, port, &m, 1);
}

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

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* xorshift64*: a fixed-seed generator, the same on every run. */
static uint64_t rng_state;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static uint32_t
rnd(uint32_t n)
{
	return (uint32_t)(rng() % n);
}

/* ---------------------------------------------------------------------- */
/* Validation and build                                                   */

static void
expect_invalid(const struct vsw_flow_rule *r, const char *reason)
{
	char err[128] = "";

	assert_int_equal(vsw_flow_rule_validate(r, err, sizeof(err)), -EINVAL);
	if (strstr(err, reason) == NULL)
		fail_msg("error '%s' does not mention '%s'", err, reason);
	errno = 0;
	assert_null(vsw_flow_table_build(r, 1, SOCKET_ID_ANY));
	assert_int_equal(errno, EINVAL);
}

static void
test_validate(void **state)
{
	struct vsw_flow_rule good = mkrule(7, 100), r;
	char err[128];

	(void)state;
	m_in_port(&good, 3);
	m_dl_type(&good, ETH_IP4);
	m_nw_dst(&good, IP(10, 0, 0, 0), 8);
	act_vlan(&good, VSW_ACT_PUSH_VLAN, 4095, 7);
	act_output(&good, 255);
	assert_int_equal(vsw_flow_rule_validate(&good, err, sizeof(err)), 0);
	assert_int_equal(vsw_flow_rule_validate(&good, NULL, 0), 0);
	assert_int_equal(vsw_flow_rule_validate(NULL, NULL, 0), -EINVAL);

	r = good;
	r.id = VSW_FLOW_MAX_RULES;
	expect_invalid(&r, "id");
	r = good;
	r.match.key.nw_dst |= rte_cpu_to_be_32(1);	/* host bits under a /8 */
	expect_invalid(&r, "outside its mask");
	r = good;
	r.match.mask.in_port = 0x00ff;
	expect_invalid(&r, "in_port mask");
	r = good;
	r.match.key.in_port = VSW_MAX_PORTS;
	expect_invalid(&r, "in_port");
	r = good;
	r.match.key.pad1 = 1;
	r.match.mask.pad1 = 1;
	expect_invalid(&r, "padding");
	r = good;
	r.n_actions = 0;
	expect_invalid(&r, "no actions");
	r = good;
	r.n_actions = VSW_FLOW_MAX_ACTIONS + 1;
	expect_invalid(&r, "too many actions");
	r = good;
	r.actions[1].port = VSW_MAX_PORTS;
	expect_invalid(&r, "output port");
	r = good;
	r.actions[0].vid = 4096;
	expect_invalid(&r, "VLAN id");
	r = good;
	r.actions[0].pcp = 8;
	expect_invalid(&r, "priority");
	r = good;
	r.actions[0].type = VSW_ACT_SET_VLAN;
	r.actions[0].vid = 5000;
	expect_invalid(&r, "VLAN id");
	r = good;
	add_act(&r, VSW_ACT_DROP);
	expect_invalid(&r, "drop must be the only action");
	r = good;
	r.actions[0].type = 0;
	expect_invalid(&r, "unknown action");
	r = good;
	r.actions[0].type = 99;
	expect_invalid(&r, "unknown action");

	/* A meter first is fine; a meter anywhere else (so a second one) is not. */
	r = mkrule(1, 1);
	add_act(&r, VSW_ACT_METER)->meter = 1;
	act_output(&r, 2);
	assert_int_equal(vsw_flow_rule_validate(&r, err, sizeof(err)), 0);
	add_act(&r, VSW_ACT_METER)->meter = 2;
	expect_invalid(&r, "meter must be the first action");
	r = mkrule(1, 1);
	act_output(&r, 2);
	add_act(&r, VSW_ACT_METER)->meter = 1;
	expect_invalid(&r, "meter must be the first action");

	/* Drop alone is fine, and so is any MAC mask and a non-prefix IPv4 mask. */
	r = mkrule(2, 1);
	add_act(&r, VSW_ACT_DROP);
	r.match.mask.nw_src = rte_cpu_to_be_32(0x00ff00ff);
	r.match.key.nw_src = rte_cpu_to_be_32(0x00010002);
	r.match.mask.dl_src.addr_bytes[0] = 0x01;
	assert_int_equal(vsw_flow_rule_validate(&r, err, sizeof(err)), 0);
}

/* Building @rules fails with errno @err and no table. */
static void
assert_build_fails(const struct vsw_flow_rule *rules, uint32_t n, int err)
{
	errno = 0;
	assert_null(vsw_flow_table_build(rules, n, SOCKET_ID_ANY));
	assert_int_equal(errno, err);
}

static void
test_build_errors(void **state)
{
	struct vsw_flow_rule rules[4], saved;
	struct vsw_flow_table *t, *t2;
	struct vsw_flow_key k = ip4_key(1, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 6, 80);
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		rules[i] = mkrule(i, 100);
		m_dl_type(&rules[i], ETH_IP4);
		m_nw_dst(&rules[i], IP(10, 0, 0, i), 32);
		act_output(&rules[i], 2);
	}
	/* Same priority and same match as rule 0, two rules later. */
	rules[2].match = rules[0].match;
	assert_build_fails(rules, 4, EEXIST);

	/* Same match, other priority: fine, the higher one wins. */
	rules[2].priority = 200;
	t = build(rules, 4);
	assert_int_equal(vsw_flow_table_size(t), 4);
	k.nw_dst = rte_cpu_to_be_32(IP(10, 0, 0, 0));
	assert_int_equal(lookup_id(t, &k), 2);
	assert_int_equal(vsw_flow_table_rule(t, 0)->id, 2);
	assert_null(vsw_flow_table_rule(t, 4));
	assert_true(vsw_flow_table_generation(t) != 0);

	/* A duplicate under a better rule of the same match: rules 2 (200),
	 * 0 and 3 (100) share one match, and 0 and 3 one priority. */
	saved = rules[3];
	rules[3].match = rules[0].match;
	assert_build_fails(rules, 4, EEXIST);
	rules[3].priority = 50;
	t2 = build(rules, 4);
	assert_int_equal(lookup_id(t2, &k), 2);
	vsw_flow_table_free(t2);
	rules[3] = saved;

	/* Every table has its own generation. */
	t2 = build(rules, 4);
	assert_true(vsw_flow_table_generation(t2) > vsw_flow_table_generation(t));
	vsw_flow_table_free(t2);
	vsw_flow_table_free(t);

	/* Two rules with one id, too many rules, no array. */
	rules[2].id = 0;
	assert_build_fails(rules, 4, EINVAL);
	assert_build_fails(rules, VSW_FLOW_MAX_RULES + 1, EINVAL);
	assert_build_fails(NULL, 1, EINVAL);

	/* An empty table: every lookup misses. */
	t = vsw_flow_table_build(NULL, 0, SOCKET_ID_ANY);
	assert_non_null(t);
	assert_int_equal(vsw_flow_table_size(t), 0);
	assert_null(lookup(t, &k));
	assert_null(vsw_flow_table_rule(t, 0));
	vsw_flow_table_free(t);
	vsw_flow_table_free(NULL);
	assert_int_equal(vsw_flow_table_size(NULL), 0);
}

/* ---------------------------------------------------------------------- */
/* Classifier                                                             */

static void
test_priorities(void **state)
{
	struct vsw_flow_rule rules[6];
	struct vsw_flow_key k;
	struct vsw_flow_table *t;
	static const uint32_t order[] = { 2, 4, 1, 3, 5, 0 };
	unsigned int i;

	(void)state;
	rules[0] = mkrule(0, 0);			/* catch-all */
	rules[1] = mkrule(1, 100);
	m_dl_type(&rules[1], ETH_IP4);
	rules[2] = mkrule(2, 300);
	m_in_port(&rules[2], 1);
	m_dl_type(&rules[2], ETH_IP4);
	m_nw_proto(&rules[2], 6);
	m_tp_dst(&rules[2], 80);
	rules[3] = mkrule(3, 100);			/* same priority as 1, given later */
	m_in_port(&rules[3], 1);
	rules[4] = mkrule(4, 200);
	m_dl_type(&rules[4], ETH_IP4);
	m_nw_proto(&rules[4], 6);
	rules[5] = mkrule(5, 50);
	m_in_port(&rules[5], 2);
	for (i = 0; i < 6; i++)
		add_act(&rules[i], VSW_ACT_NORMAL);
	t = build(rules, 6);

	/* Rules come back by decreasing priority, ties in the given order. */
	for (i = 0; i < 6; i++)
		assert_int_equal(vsw_flow_table_rule(t, i)->id, order[i]);
	/* Copied whole (field by field: struct padding is not copied). */
	assert_int_equal(vsw_flow_table_rule(t, 2)->priority, 100);
	assert_int_equal(vsw_flow_table_rule(t, 2)->n_actions, 1);
	assert_int_equal(vsw_flow_table_rule(t, 2)->actions[0].type, VSW_ACT_NORMAL);
	assert_memory_equal(&vsw_flow_table_rule(t, 2)->match, &rules[1].match,
			    sizeof(rules[1].match));

	k = ip4_key(1, IP(1, 1, 1, 1), IP(2, 2, 2, 2), 6, 80);
	assert_int_equal(lookup_id(t, &k), 2);
	k.tp_dst = 81;
	assert_int_equal(lookup_id(t, &k), 4);
	k.nw_proto = 17;
	/* Rules 1 and 3 overlap at priority 100: the first given wins. */
	assert_int_equal(lookup_id(t, &k), 1);
	k.dl_type = ETH_ARP;
	assert_int_equal(lookup_id(t, &k), 3);
	k.in_port = 2;
	assert_int_equal(lookup_id(t, &k), 5);
	k.in_port = 3;
	assert_int_equal(lookup_id(t, &k), 0);
	vsw_flow_table_free(t);

	/* Swap the two overlapping rules: now rule 3 comes first and wins. */
	{
		struct vsw_flow_rule tmp = rules[1];

		rules[1] = rules[3];
		rules[3] = tmp;
	}
	t = build(rules, 6);
	k = ip4_key(1, IP(1, 1, 1, 1), IP(2, 2, 2, 2), 17, 80);
	assert_int_equal(lookup_id(t, &k), 3);
	vsw_flow_table_free(t);
}

static void
test_masks(void **state)
{
	static const uint8_t net6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 5 };
	struct rte_ether_addr group = { .addr_bytes = { 1, 0, 0, 0, 0, 0 } };
	struct rte_ether_addr oui = { .addr_bytes = { 0x02, 0x11, 0x22, 0, 0, 0 } };
	struct rte_ether_addr oui_mask = { .addr_bytes = { 0xff, 0xff, 0xff, 0, 0, 0 } };
	struct vsw_flow_rule rules[11];
	struct vsw_flow_table *t;
	struct vsw_flow_key k;
	unsigned int n = 0, i;

	(void)state;
	/* IPv4 prefixes: priority decides, not prefix length. */
	rules[n] = mkrule(n, 10);
	m_dl_type(&rules[n], ETH_IP4);
	m_nw_dst(&rules[n++], IP(10, 0, 0, 0), 8);
	rules[n] = mkrule(n, 20);
	m_dl_type(&rules[n], ETH_IP4);
	m_nw_dst(&rules[n++], IP(10, 1, 0, 0), 16);
	rules[n] = mkrule(n, 30);
	m_dl_type(&rules[n], ETH_IP4);
	m_nw_dst(&rules[n++], IP(10, 1, 2, 0), 24);
	rules[n] = mkrule(n, 5);
	m_dl_type(&rules[n], ETH_IP4);
	m_nw_dst(&rules[n++], IP(10, 1, 2, 3), 32);
	/* A source prefix and a non-contiguous mask (last octet 7). */
	rules[n] = mkrule(n, 40);
	m_dl_type(&rules[n], ETH_IP4);
	m_nw_src(&rules[n++], IP(192, 168, 0, 0), 16);
	rules[n] = mkrule(n, 45);
	m_dl_type(&rules[n], ETH_IP4);
	rules[n].match.mask.nw_src = rte_cpu_to_be_32(0x000000ff);
	rules[n++].match.key.nw_src = rte_cpu_to_be_32(7);
	/* IPv6 prefixes. */
	rules[n] = mkrule(n, 10);
	m_dl_type(&rules[n], ETH_IP6);
	m_ipv6_dst(&rules[n++], net6, 32);
	rules[n] = mkrule(n, 20);
	m_dl_type(&rules[n], ETH_IP6);
	m_ipv6_dst(&rules[n++], net6, 64);
	rules[n] = mkrule(n, 30);
	m_dl_type(&rules[n], ETH_IP6);
	m_ipv6_dst(&rules[n++], net6, 128);
	/* MAC masks: the group bit of the destination, a source OUI. */
	rules[n] = mkrule(n, 50);
	m_dl_dst(&rules[n++], &group, &group);
	rules[n] = mkrule(n, 60);
	m_dl_src(&rules[n++], &oui, &oui_mask);
	for (i = 0; i < n; i++)
		add_act(&rules[i], VSW_ACT_NORMAL);
	t = build(rules, n);

	k = ip4_key(1, IP(1, 2, 3, 4), IP(10, 1, 2, 3), 6, 80);
	assert_int_equal(lookup_id(t, &k), 2);		/* /24 at 30 beats /32 at 5 */
	k.nw_dst = rte_cpu_to_be_32(IP(10, 1, 3, 3));
	assert_int_equal(lookup_id(t, &k), 1);
	k.nw_dst = rte_cpu_to_be_32(IP(10, 200, 3, 3));
	assert_int_equal(lookup_id(t, &k), 0);
	k.nw_dst = rte_cpu_to_be_32(IP(11, 0, 0, 1));
	assert_int_equal(lookup_id(t, &k), -1);
	k.nw_src = rte_cpu_to_be_32(IP(192, 168, 77, 1));
	assert_int_equal(lookup_id(t, &k), 4);
	k.nw_src = rte_cpu_to_be_32(IP(192, 168, 77, 7));
	assert_int_equal(lookup_id(t, &k), 5);
	k.nw_src = rte_cpu_to_be_32(IP(1, 2, 3, 7));
	assert_int_equal(lookup_id(t, &k), 5);
	k.nw_src = rte_cpu_to_be_32(IP(192, 169, 0, 1));
	assert_int_equal(lookup_id(t, &k), -1);

	memset(&k, 0, sizeof(k));
	k.dl_type = ETH_IP6;
	memcpy(k.ipv6_dst, net6, 16);
	assert_int_equal(lookup_id(t, &k), 8);
	k.ipv6_dst[15] = 6;
	assert_int_equal(lookup_id(t, &k), 7);
	k.ipv6_dst[7] = 3;
	assert_int_equal(lookup_id(t, &k), 6);
	k.ipv6_dst[3] = 0xb9;
	assert_int_equal(lookup_id(t, &k), -1);

	memset(&k, 0, sizeof(k));
	k.dl_type = ETH_ARP;
	k.dl_dst = bcast;
	assert_int_equal(lookup_id(t, &k), 9);
	k.dl_dst.addr_bytes[0] = 0x03;
	assert_int_equal(lookup_id(t, &k), 9);
	k.dl_dst.addr_bytes[0] = 0x02;
	assert_int_equal(lookup_id(t, &k), -1);
	k.dl_src = oui;
	k.dl_src.addr_bytes[5] = 0x99;
	assert_int_equal(lookup_id(t, &k), 10);
	k.dl_dst.addr_bytes[0] = 0x01;
	assert_int_equal(lookup_id(t, &k), 10);	/* 60 beats 50 */
	k.dl_src.addr_bytes[2] = 0x23;
	assert_int_equal(lookup_id(t, &k), 9);
	vsw_flow_table_free(t);
}

/*
 * Early termination: a subtable is skipped only when its best priority is
 * below the match found. Subtable A (mask dl_type) holds priorities 1000
 * and 1; B (dl_type + nw_proto) 500; C (in_port) 400; D (tp_dst) 400.
 */
static void
test_early_termination(void **state)
{
	struct vsw_flow_rule rules[5];
	struct vsw_flow_table *t;
	struct vsw_flow_key k;
	unsigned int i;

	(void)state;
	rules[0] = mkrule(0, 1000);
	m_dl_type(&rules[0], ETH_IP6);
	rules[1] = mkrule(1, 1);
	m_dl_type(&rules[1], ETH_IP4);
	rules[2] = mkrule(2, 500);
	m_dl_type(&rules[2], ETH_IP4);
	m_nw_proto(&rules[2], 6);
	rules[3] = mkrule(3, 400);
	m_in_port(&rules[3], 1);
	rules[4] = mkrule(4, 400);
	m_tp_dst(&rules[4], 53);
	for (i = 0; i < 5; i++)
		add_act(&rules[i], VSW_ACT_NORMAL);
	t = build(rules, 5);

	/* A gives 1; B (500) must still be searched and wins; C, D cannot. */
	k = ip4_key(1, 0, 0, 6, 53);
	assert_int_equal(lookup_id(t, &k), 2);
	/* A gives 1, B misses, C gives 400; D ties at 400 but comes later. */
	k.nw_proto = 17;
	assert_int_equal(lookup_id(t, &k), 3);
	/* Only D. */
	k.in_port = 2;
	assert_int_equal(lookup_id(t, &k), 4);
	/* Only A's low rule. */
	k.tp_dst = 54;
	assert_int_equal(lookup_id(t, &k), 1);
	/* A's high rule: nothing else can beat 1000. */
	k.dl_type = ETH_IP6;
	k.in_port = 1;
	assert_int_equal(lookup_id(t, &k), 0);
	vsw_flow_table_free(t);
}

/* ---------------------------------------------------------------------- */
/* Random rules against a brute-force reference                           */

enum { F_IN_PORT, F_DL_TYPE, F_NW_SRC16, F_NW_DST16, F_NW_DST24, F_NW_DST32, F_NW_DST_ODD,
	F_PROTO, F_TP_DST, F_TP_SRC, F_DL_DST, F_DL_DST_GROUP, F_DL_SRC_OUI, F_VID, F_PCP,
	F_IP6_DST64, F_IP6_SRC48, F_MAX };

/* Mask templates: bit f = field f is matched. */
static const uint32_t templates[] = {
	0,
	1u << F_IN_PORT,
	1u << F_DL_TYPE,
	1u << F_DL_TYPE | 1u << F_NW_DST24,
	1u << F_DL_TYPE | 1u << F_NW_DST16 | 1u << F_NW_SRC16,
	1u << F_DL_TYPE | 1u << F_PROTO | 1u << F_TP_DST,
	1u << F_IN_PORT | 1u << F_DL_TYPE | 1u << F_NW_DST32,
	1u << F_DL_DST,
	1u << F_DL_DST_GROUP,
	1u << F_VID,
	1u << F_PCP | 1u << F_IN_PORT,
	1u << F_DL_TYPE | 1u << F_IP6_DST64,
	1u << F_IP6_SRC48 | 1u << F_PROTO,
	1u << F_NW_DST_ODD,
	1u << F_TP_SRC | 1u << F_TP_DST,
	1u << F_IN_PORT | 1u << F_DL_SRC_OUI,
	1u << F_PROTO | 1u << F_NW_DST32 | 1u << F_TP_DST | 1u << F_IN_PORT,
};

/* A random key; @wide: values from large domains (few collisions). */
static void
random_key(struct vsw_flow_key *k, bool wide)
{
	static const uint16_t types[] = { ETH_IP4, ETH_IP6, ETH_ARP };
	static const uint8_t protos[] = { 6, 17, 1 };
	static const uint16_t ports[] = { 80, 443, 53, 22 };
	uint32_t d = wide ? 256 : 4;
	unsigned int i;

	memset(k, 0, sizeof(*k));
	k->in_port = (uint16_t)rnd(wide ? 64 : 4);
	k->dl_type = types[rnd(3)];
	k->nw_proto = protos[rnd(3)];
	k->nw_src = rte_cpu_to_be_32(IP(10, rnd(d), rnd(d), rnd(d)));
	k->nw_dst = rte_cpu_to_be_32(IP(10, rnd(d), rnd(d), rnd(d)));
	k->tp_src = ports[rnd(4)];
	k->tp_dst = wide ? (uint16_t)rnd(65536) : ports[rnd(4)];
	k->dl_src = vsw_test_mac((uint8_t)rnd(d));
	k->dl_src.addr_bytes[1] = (uint8_t)rnd(2);
	k->dl_dst = vsw_test_mac((uint8_t)rnd(d));
	k->dl_dst.addr_bytes[0] = rnd(2) != 0 ? 0x03 : 0x02;
	if (rnd(2) != 0)
		k->vlan_tci = (uint16_t)(PRESENT | rnd(d) | rnd(8) << 13);
	k->ipv6_src[0] = 0x20;
	k->ipv6_dst[0] = 0x20;
	for (i = 5; i < 16; i += 5) {
		k->ipv6_src[i] = (uint8_t)rnd(d);
		k->ipv6_dst[i] = (uint8_t)rnd(d);
	}
}

static void
template_mask(uint32_t tpl, struct vsw_flow_key *m)
{
	memset(m, 0, sizeof(*m));
	if (tpl & 1u << F_IN_PORT)
		m->in_port = 0xffff;
	if (tpl & 1u << F_DL_TYPE)
		m->dl_type = 0xffff;
	if (tpl & 1u << F_NW_SRC16)
		m->nw_src = prefix4(16);
	if (tpl & 1u << F_NW_DST16)
		m->nw_dst = prefix4(16);
	if (tpl & 1u << F_NW_DST24)
		m->nw_dst = prefix4(24);
	if (tpl & 1u << F_NW_DST32)
		m->nw_dst = prefix4(32);
	if (tpl & 1u << F_NW_DST_ODD)
		m->nw_dst = rte_cpu_to_be_32(0x00ff00ff);
	if (tpl & 1u << F_PROTO)
		m->nw_proto = 0xff;
	if (tpl & 1u << F_TP_DST)
		m->tp_dst = 0xffff;
	if (tpl & 1u << F_TP_SRC)
		m->tp_src = 0xffff;
	if (tpl & 1u << F_DL_DST)
		memset(&m->dl_dst, 0xff, sizeof(m->dl_dst));
	if (tpl & 1u << F_DL_DST_GROUP)
		m->dl_dst.addr_bytes[0] = 0x01;
	if (tpl & 1u << F_DL_SRC_OUI)
		memset(&m->dl_src, 0xff, 3);
	if (tpl & 1u << F_VID)
		m->vlan_tci = 0x1fff;
	if (tpl & 1u << F_PCP)
		m->vlan_tci |= 0xe000 | PRESENT;
	if (tpl & 1u << F_IP6_DST64)
		prefix6(m->ipv6_dst, 64);
	if (tpl & 1u << F_IP6_SRC48)
		prefix6(m->ipv6_src, 48);
}

static void
apply_mask(struct vsw_flow_key *out, const struct vsw_flow_key *k, const struct vsw_flow_key *m)
{
	const uint8_t *kb = (const uint8_t *)k, *mb = (const uint8_t *)m;
	uint8_t *ob = (uint8_t *)out;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		ob[i] = kb[i] & mb[i];
}

static bool
matches(const struct vsw_flow_rule *r, const struct vsw_flow_key *k)
{
	struct vsw_flow_key masked;

	apply_mask(&masked, k, &r->match.mask);
	return memcmp(&masked, &r->match.key, sizeof(masked)) == 0;
}

/* The reference: highest priority, then first given. */
static int
brute_force(const struct vsw_flow_rule *rules, uint32_t n, const struct vsw_flow_key *k)
{
	int best = -1;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (matches(&rules[i], k) &&
		    (best < 0 || rules[i].priority > rules[best].priority))
			best = (int)i;
	return best;
}

/*
 * @n random rules (id = index) over the templates, priorities 0..@n_prio-1,
 * without equal-priority duplicates. Returns the number made.
 */
static uint32_t
random_rules(struct vsw_flow_rule *rules, uint32_t n, uint16_t n_prio, bool wide)
{
	struct vsw_flow_key k;
	uint32_t made = 0, i, tries;

	for (tries = 0; made < n && tries < 4 * n; tries++) {
		struct vsw_flow_rule *r = &rules[made];
		bool dup = false;

		*r = mkrule(made, (uint16_t)rnd(n_prio));
		template_mask(templates[rnd(RTE_DIM(templates))], &r->match.mask);
		random_key(&k, wide);
		apply_mask(&r->match.key, &k, &r->match.mask);
		act_output(r, (uint16_t)(1 + rnd(8)));
		/* Every kind of rule of the fast path (struct vsw_flow_hot). */
		if (made % 7 == 3)
			r->actions[0].type = VSW_ACT_NORMAL;
		else if (made % 7 == 5)
			add_act(r, VSW_ACT_POP_VLAN);
		for (i = 0; i < made && !dup; i++)
			dup = rules[i].priority == r->priority &&
			      memcmp(&rules[i].match, &r->match, sizeof(r->match)) == 0;
		if (!dup)
			made++;
	}
	return made;
}

/* A key that matches rule @r, other fields random: lookups that hit. */
static void
key_near(struct vsw_flow_key *k, const struct vsw_flow_rule *r, bool wide)
{
	struct vsw_flow_key rnd_key;
	const uint8_t *mb = (const uint8_t *)&r->match.mask, *kb = (const uint8_t *)&r->match.key;
	uint8_t *ob = (uint8_t *)k, *rb = (uint8_t *)&rnd_key;
	size_t i;

	random_key(&rnd_key, wide);
	for (i = 0; i < sizeof(*k); i++)
		ob[i] = (uint8_t)(kb[i] | (rb[i] & ~mb[i]));
}

/* Bursts of vsw_flow_table_lookup_burst() in check_against_reference(). */
#define BATCH_MAX 40

/* @h is what the fast path needs of @r. */
static void
check_hot(const struct vsw_flow_rule *r, const struct vsw_flow_hot *h)
{
	assert_int_equal(h->id, r->id);
	if (r->n_actions == 1 && r->actions[0].type == VSW_ACT_NORMAL) {
		assert_int_equal(h->kind, VSW_FLOW_NORMAL);
	} else if (r->n_actions == 1 && r->actions[0].type == VSW_ACT_OUTPUT) {
		assert_int_equal(h->kind, VSW_FLOW_OUTPUT);
		assert_int_equal(h->port, r->actions[0].port);
	} else {
		assert_int_equal(h->kind, VSW_FLOW_RUN);
	}
}

static void
check_against_reference(const struct vsw_flow_rule *rules, uint32_t n, uint32_t n_keys,
			bool wide)
{
	struct vsw_flow_table *t = build(rules, n);
	const struct vsw_flow_hot *hot = vsw_flow_table_hot(t);
	struct vsw_flow_key k, batch[BATCH_MAX];
	const struct vsw_flow_key *batch_ptr[BATCH_MAX];
	const struct vsw_flow_rule *r, *batch_rule[BATCH_MAX];
	uint32_t i, j, hits = 0, n_batch = 0, batch_size = 1;
	int want, batch_want[BATCH_MAX];

	for (i = 0; i < n; i++) {
		const struct vsw_flow_rule *b = vsw_flow_table_rule(t, i);

		if (i > 0) {
			const struct vsw_flow_rule *a = vsw_flow_table_rule(t, i - 1);

			assert_true(a->priority > b->priority ||
				    (a->priority == b->priority && a->id < b->id));
		}
		check_hot(b, &hot[i]);
	}
	for (i = 0; i < n_keys; i++) {
		if (i % 2 == 0)
			key_near(&k, &rules[rnd(n)], wide);
		else
			random_key(&k, wide);
		k.pad0 = 0;
		k.pad1 = 0;
		want = brute_force(rules, n, &k);
		r = lookup(t, &k);
		/* And in bursts of 1 to BATCH_MAX keys (the fast path's). */
		batch[n_batch] = k;
		batch_want[n_batch++] = want;
		if (n_batch == batch_size || i + 1 == n_keys) {
			for (j = 0; j < n_batch; j++)
				batch_ptr[j] = &batch[j];
			vsw_flow_table_lookup_burst(t, batch_ptr, n_batch, batch_rule);
			for (j = 0; j < n_batch; j++)
				if ((batch_rule[j] != NULL ? (int)batch_rule[j]->id : -1) !=
				    batch_want[j])
					fail_msg("burst of %u, key %u: classifier gave rule %d, "
						 "reference %d", n_batch, j,
						 batch_rule[j] != NULL ? (int)batch_rule[j]->id : -1,
						 batch_want[j]);
			n_batch = 0;
			batch_size = 1 + rnd(BATCH_MAX);
		}
		if (want < 0) {
			assert_null(r);
			continue;
		}
		hits++;
		assert_non_null(r);
		if ((int)r->id != want)
			fail_msg("key %u: classifier gave rule %u (priority %u), reference %d "
				 "(priority %u)", i, r->id, r->priority, want,
				 rules[want].priority);
	}
	/* Half the keys are made to match a rule. */
	assert_true(hits >= n_keys / 2);
	vsw_flow_table_free(t);
}

static void
test_random_reference(void **state)
{
	struct vsw_flow_rule *rules = malloc(sizeof(*rules) * 2000);
	uint32_t n;

	(void)state;
	assert_non_null(rules);
	rng_state = 0x1234567887654321ull;
	/* Few priorities and small value domains: many overlaps and ties. */
	n = random_rules(rules, 300, 8, false);
	assert_true(n > 100);
	check_against_reference(rules, n, 20000, false);
	n = random_rules(rules, 2000, 64, false);
	assert_true(n > 1000);
	check_against_reference(rules, n, 10000, false);
	free(rules);
}

static void
test_10k_rules(void **state)
{
	uint32_t n = 10000, i, n_keys = 1 << 16;
	struct vsw_flow_rule *rules = malloc(sizeof(*rules) * n);
	struct vsw_flow_key *keys = malloc(sizeof(*keys) * n_keys);
	struct vsw_flow_table *t;
	volatile uint32_t sink = 0;
	double t0, build_ns, lookup_ns;
	int rounds;

	(void)state;
	assert_non_null(rules);
	assert_non_null(keys);

	/* A typical table: 10,000 host routes in 2 masks, plus a default. */
	for (i = 0; i < n - 1; i++) {
		rules[i] = mkrule(i, 100);
		m_in_port(&rules[i], (uint16_t)(1 + i % 4));
		m_dl_type(&rules[i], ETH_IP4);
		m_nw_dst(&rules[i], IP(10, 0, 0, 0) + i / 2, 32);
		if (i % 2)
			m_tp_dst(&rules[i], 80);
		act_output(&rules[i], (uint16_t)(1 + i % 8));
	}
	rules[n - 1] = mkrule(n - 1, 0);
	add_act(&rules[n - 1], VSW_ACT_NORMAL);
	t0 = now_ns();
	t = build(rules, n);
	build_ns = now_ns() - t0;
	assert_int_equal(vsw_flow_table_size(t), n);
	rng_state = 42;
	for (i = 0; i < n_keys; i++)
		key_near(&keys[i], &rules[rnd(n)], true);
	t0 = now_ns();
	for (rounds = 0; rounds < 8; rounds++)
		for (i = 0; i < n_keys; i++)
			sink += lookup(t, &keys[i])->id;
	lookup_ns = (now_ns() - t0) / (8.0 * n_keys);
	printf("[ perf     ] 10000 rules, 3 masks: build %.2f ms, lookup %.0f ns\n",
	       build_ns / 1e6, lookup_ns);
	for (i = 0; i < 2000; i++)
		assert_int_equal((int)lookup(t, &keys[i])->id, brute_force(rules, n, &keys[i]));
	vsw_flow_table_free(t);

	/* The same size over 17 mask templates, 1000 priorities. */
	rng_state = 0xfeedfacecafebeefull;
	n = random_rules(rules, n, 1000, true);
	assert_true(n > 9000);
	t0 = now_ns();
	t = build(rules, n);
	build_ns = now_ns() - t0;
	for (i = 0; i < n_keys; i++) {
		if (i % 2 == 0)
			key_near(&keys[i], &rules[rnd(n)], true);
		else
			random_key(&keys[i], true);
	}
	t0 = now_ns();
	for (i = 0; i < n_keys; i++) {
		const struct vsw_flow_rule *r = lookup(t, &keys[i]);

		sink += r != NULL ? r->id : 0;
	}
	lookup_ns = (now_ns() - t0) / n_keys;
	printf("[ perf     ] %u random rules, %zu masks: build %.2f ms, lookup %.0f ns\n", n,
	       RTE_DIM(templates), build_ns / 1e6, lookup_ns);
	vsw_flow_table_free(t);
	check_against_reference(rules, n, 2000, true);
	(void)sink;
	free(keys);
	free(rules);
}

/* ---------------------------------------------------------------------- */
/* Key extraction                                                         */

static const struct rte_ether_addr mac_a = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x0a } };
static const struct rte_ether_addr mac_b = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x0b } };

/* Extract from @bytes as one segment and split at every cut in @cuts. */
static void
extract_all_ways(const uint8_t *bytes, uint32_t len, uint16_t in_port,
		 const struct vsw_flow_key *want)
{
	static const uint32_t cut_sets[][3] = {
		{ 5, 0, 0 }, { 13, 0, 0 }, { 16, 0, 0 }, { 14, 20, 0 }, { 17, 30, 37 },
		{ 34, 36, 0 }, { 30, 55, 57 },
	};
	struct vsw_flow_key k;
	struct rte_mbuf *m;
	unsigned int i, n;

	m = mbuf_of(bytes, len, NULL, 0);
	memset(&k, 0xee, sizeof(k));
	assert_int_equal(vsw_flow_key_extract(m, in_port, &k), 0);
	assert_memory_equal(&k, want, sizeof(k));
	rte_pktmbuf_free(m);

	for (i = 0; i < RTE_DIM(cut_sets); i++) {
		for (n = 0; n < 3 && cut_sets[i][n] != 0 && cut_sets[i][n] < len; n++)
			;
		if (n == 0)
			continue;
		m = mbuf_of(bytes, len, cut_sets[i], n);
		assert_int_equal(m->nb_segs, n + 1);
		memset(&k, 0xee, sizeof(k));
		assert_int_equal(vsw_flow_key_extract(m, in_port, &k), 0);
		assert_memory_equal(&k, want, sizeof(k));
		rte_pktmbuf_free(m);
	}
}

static struct vsw_flow_key
base_key(uint16_t in_port, uint16_t vlan_tci, uint16_t dl_type)
{
	struct vsw_flow_key k;

	memset(&k, 0, sizeof(k));
	k.in_port = in_port;
	k.vlan_tci = vlan_tci;
	k.dl_type = dl_type;
	k.dl_src = mac_a;
	k.dl_dst = mac_b;
	return k;
}

static void
test_extract_ipv4(void **state)
{
	uint8_t b[256];
	struct vsw_flow_key want;
	uint32_t off;

	(void)state;
	/* TCP. */
	off = put_eth(b, &mac_b, &mac_a, -1, ETH_IP4);
	off += put_ipv4(b + off, 6, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 5, 0);
	off += put_ports(b + off, 12345, 80);
	want = base_key(3, 0, ETH_IP4);
	want.nw_proto = 6;
	want.nw_src = rte_cpu_to_be_32(IP(10, 0, 0, 1));
	want.nw_dst = rte_cpu_to_be_32(IP(10, 0, 0, 2));
	want.tp_src = 12345;
	want.tp_dst = 80;
	extract_all_ways(b, off, 3, &want);

	/* UDP with IP options (IHL 7), tagged PCP 5 VID 100 with DEI set. */
	off = put_eth(b, &mac_b, &mac_a, 0xb064, ETH_IP4);
	off += put_ipv4(b + off, 17, IP(1, 2, 3, 4), IP(5, 6, 7, 8), 7, 0);
	off += put_ports(b + off, 53, 5353);
	want = base_key(1, 0xa064 | PRESENT, ETH_IP4);
	want.nw_proto = 17;
	want.nw_src = rte_cpu_to_be_32(IP(1, 2, 3, 4));
	want.nw_dst = rte_cpu_to_be_32(IP(5, 6, 7, 8));
	want.tp_src = 53;
	want.tp_dst = 5353;
	extract_all_ways(b, off, 1, &want);

	/* A first fragment (MF set, offset 0) has ports; a later one not. */
	off = put_eth(b, &mac_b, &mac_a, -1, ETH_IP4);
	off += put_ipv4(b + off, 17, IP(1, 2, 3, 4), IP(5, 6, 7, 8), 5, 0x2000);
	off += put_ports(b + off, 53, 5353);
	want = base_key(1, 0, ETH_IP4);
	want.nw_proto = 17;
	want.nw_src = rte_cpu_to_be_32(IP(1, 2, 3, 4));
	want.nw_dst = rte_cpu_to_be_32(IP(5, 6, 7, 8));
	want.tp_src = 53;
	want.tp_dst = 5353;
	extract_all_ways(b, off, 1, &want);
	put16(b + 14 + 6, 0x2010);	/* MF, offset 16 x 8 */
	want.tp_src = 0;
	want.tp_dst = 0;
	extract_all_ways(b, off, 1, &want);

	/* ICMP echo request: type 8 code 0; port unreachable: 3/3. */
	off = put_eth(b, &mac_b, &mac_a, -1, ETH_IP4);
	off += put_ipv4(b + off, 1, IP(1, 1, 1, 1), IP(2, 2, 2, 2), 5, 0);
	memset(b + off, 0, 8);
	b[off] = 3;
	b[off + 1] = 3;
	off += 8;
	want = base_key(2, 0, ETH_IP4);
	want.nw_proto = 1;
	want.nw_src = rte_cpu_to_be_32(IP(1, 1, 1, 1));
	want.nw_dst = rte_cpu_to_be_32(IP(2, 2, 2, 2));
	want.tp_src = 3;
	want.tp_dst = 3;
	extract_all_ways(b, off, 2, &want);

	/* Another protocol (GRE): no ports. */
	b[14 + 9] = 47;
	want.nw_proto = 47;
	want.tp_src = 0;
	want.tp_dst = 0;
	extract_all_ways(b, off, 2, &want);

	/* L4 cut short: ports 0. IP header cut short: only dl_type. */
	off = put_eth(b, &mac_b, &mac_a, -1, ETH_IP4);
	off += put_ipv4(b + off, 6, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 5, 0);
	b[off] = 0x12;
	b[off + 1] = 0x34;
	b[off + 2] = 0x00;
	want = base_key(0, 0, ETH_IP4);
	want.nw_proto = 6;
	want.nw_src = rte_cpu_to_be_32(IP(10, 0, 0, 1));
	want.nw_dst = rte_cpu_to_be_32(IP(10, 0, 0, 2));
	extract_all_ways(b, off + 3, 0, &want);
	want = base_key(0, 0, ETH_IP4);
	extract_all_ways(b, 14 + 19, 0, &want);
	/* Not version 4: only dl_type. */
	off = put_eth(b, &mac_b, &mac_a, -1, ETH_IP4);
	off += put_ipv4(b + off, 6, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 5, 0);
	b[14] = 0x65;
	extract_all_ways(b, off, 0, &want);
}

static void
test_extract_ipv6_arp(void **state)
{
	static const uint8_t s6[16] = { 0xfe, 0x80, [15] = 1 };
	static const uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	uint8_t b[256];
	struct vsw_flow_key want;
	uint32_t off;

	(void)state;
	/* IPv6 TCP, tagged VID 7. */
	off = put_eth(b, &mac_b, &mac_a, 7, ETH_IP6);
	off += put_ipv6(b + off, 6, s6, d6);
	off += put_ports(b + off, 40000, 443);
	want = base_key(4, 7 | PRESENT, ETH_IP6);
	want.nw_proto = 6;
	memcpy(want.ipv6_src, s6, 16);
	memcpy(want.ipv6_dst, d6, 16);
	want.tp_src = 40000;
	want.tp_dst = 443;
	extract_all_ways(b, off, 4, &want);

	/* ICMPv6 neighbour solicitation: type 135, code 0. */
	off = put_eth(b, &mac_b, &mac_a, -1, ETH_IP6);
	off += put_ipv6(b + off, 58, s6, d6);
	memset(b + off, 0, 24);
	b[off] = 135;
	off += 24;
	want = base_key(4, 0, ETH_IP6);
	want.nw_proto = 58;
	memcpy(want.ipv6_src, s6, 16);
	memcpy(want.ipv6_dst, d6, 16);
	want.tp_src = 135;
	extract_all_ways(b, off, 4, &want);

	/* A hop-by-hop extension header is not walked: no ports. */
	b[14 + 6] = 0;
	want.nw_proto = 0;
	want.tp_src = 0;
	extract_all_ways(b, off, 4, &want);

	/* ARP request and reply: opcode in nw_proto, SPA/TPA as addresses. */
	off = put_eth(b, &bcast, &mac_a, -1, ETH_ARP);
	off += put_arp(b + off, 1, IP(192, 168, 1, 1), IP(192, 168, 1, 2));
	want = base_key(1, 0, ETH_ARP);
	want.dl_dst = bcast;
	want.nw_proto = 1;
	want.nw_src = rte_cpu_to_be_32(IP(192, 168, 1, 1));
	want.nw_dst = rte_cpu_to_be_32(IP(192, 168, 1, 2));
	extract_all_ways(b, off, 1, &want);
	off = put_eth(b, &bcast, &mac_a, 0x2005, ETH_ARP);
	off += put_arp(b + off, 2, IP(192, 168, 1, 2), IP(192, 168, 1, 1));
	want.vlan_tci = 0x2005 | PRESENT;
	want.nw_proto = 2;
	want.nw_src = rte_cpu_to_be_32(IP(192, 168, 1, 2));
	want.nw_dst = rte_cpu_to_be_32(IP(192, 168, 1, 1));
	extract_all_ways(b, off, 1, &want);
	/* A non-Ethernet/IPv4 ARP: only dl_type. */
	b[18 + 5] = 16;
	want.nw_proto = 0;
	want.nw_src = 0;
	want.nw_dst = 0;
	extract_all_ways(b, off, 1, &want);
}

static void
test_extract_l2_runts(void **state)
{
	uint8_t b[64];
	struct vsw_flow_key want, k;
	struct rte_mbuf *m;
	static const uint32_t cut[] = { 7 };

	(void)state;
	memset(b, 0, sizeof(b));
	/* Plain Ethernet, other ethertype, exactly 14 bytes. */
	put_eth(b, &mac_b, &mac_a, -1, 0x88cc);
	want = base_key(9, 0, 0x88cc);
	extract_all_ways(b, 14, 9, &want);
	/* A priority tag (VID 0) is a tag. */
	put_eth(b, &mac_b, &mac_a, 0xe000, 0x88cc);
	want.vlan_tci = 0xe000 | PRESENT;
	extract_all_ways(b, 18, 9, &want);
	/* Only one tag is parsed: QinQ gives dl_type 0x8100. */
	put_eth(b, &mac_b, &mac_a, 10, 0x8100);
	want.vlan_tci = 10 | PRESENT;
	want.dl_type = 0x8100;
	extract_all_ways(b, 22, 9, &want);

	/* Runts: 13 bytes; tagged with 16 bytes; both chained too. */
	m = mbuf_of(b, 13, NULL, 0);
	assert_int_equal(vsw_flow_key_extract(m, 1, &k), -EINVAL);
	rte_pktmbuf_free(m);
	m = mbuf_of(b, 13, cut, 1);
	assert_int_equal(vsw_flow_key_extract(m, 1, &k), -EINVAL);
	rte_pktmbuf_free(m);
	m = mbuf_of(b, 16, NULL, 0);
	assert_int_equal(vsw_flow_key_extract(m, 1, &k), -EINVAL);
	rte_pktmbuf_free(m);
	m = mbuf_of(b, 16, cut, 1);
	assert_int_equal(vsw_flow_key_extract(m, 1, &k), -EINVAL);
	rte_pktmbuf_free(m);
}

/* ---------------------------------------------------------------------- */
/* The flow path of the pipeline                                          */

static void
test_miss_and_drop(void **state)
{
	struct vsw_flow_rule rules[2];
	uint8_t b[128];
	uint32_t off;

	(void)state;
	add_trunks(2);
	rules[0] = mkrule(10, 10);
	m_dl_type(&rules[0], ETH_ARP);
	add_act(&rules[0], VSW_ACT_DROP);
	/* No output at all: an implicit drop. */
	rules[1] = mkrule(11, 10);
	m_dl_type(&rules[1], 0x88cc);
	act_mac(&rules[1], VSW_ACT_SET_ETH_SRC, &mac_b);
	set_rules(rules, 2);

	input1(1, frame(&bcast, &mac_a, -1, 46));
	assert_int_equal(drops(1, VSW_DROP_FLOW_MISS), 1);
	off = put_eth(b, &bcast, &mac_a, -1, ETH_ARP);
	off += put_arp(b + off, 1, 1, 2);
	input1(1, mbuf_of(b, off, NULL, 0));
	assert_int_equal(drops(1, VSW_DROP_FLOW_DROP), 1);
	input1(1, vsw_test_frame(pool, &bcast, &mac_a, -1, 0x88cc, 46));
	assert_int_equal(drops(1, VSW_DROP_FLOW_DROP), 2);
	/* Runts are malformed before any lookup. */
	input1(1, mbuf_of(b, 12, NULL, 0));
	assert_int_equal(drops(1, VSW_DROP_MALFORMED), 1);
	assert_int_equal(all_drops(), 4);
	assert_int_equal(pmd.n_dirty, 0);
	assert_int_equal(pmd.pmd.flow_lookups, 3);
	/* No learning without NORMAL. */
	assert_int_equal(pmd.pmd.learn_requests, 0);
	assert_int_equal(pmd.ctr[1].rx_packets, 4);
}

static void
test_emc(void **state)
{
	struct vsw_flow_rule r = mkrule(1, 10);
	const struct vsw_flow_table *old;
	struct vsw_flow_rule r2;
	struct rte_mbuf *pkts[4];
	unsigned int i;

	(void)state;
	add_trunks(3);
	m_dl_type(&r, ETH_IP4);
	act_output(&r, 2);
	set_rule(&r);

	input1(1, frame(&mac_b, &mac_a, -1, 46));
	assert_int_equal(pmd.pmd.emc_misses, 1);
	assert_int_equal(pmd.pmd.emc_hits, 0);
	input1(1, frame(&mac_b, &mac_a, -1, 46));
	assert_int_equal(pmd.pmd.emc_misses, 1);
	assert_int_equal(pmd.pmd.emc_hits, 1);
	/* Another flow (other source) misses once, then hits. A burst. */
	for (i = 0; i < 4; i++)
		pkts[i] = frame(&mac_b, i < 2 ? &mac_a : &bcast, -1, 46);
	vsw_input(&pmd, &snap, 1, pkts, 4);
	assert_int_equal(pmd.pmd.emc_misses, 2);
	/* The second frame of each flow repeats the first: no lookup. */
	assert_int_equal(pmd.pmd.emc_hits, 2);
	assert_int_equal(pmd.pmd.flow_repeats, 2);
	assert_int_equal(pmd.pmd.flow_lookups, 6);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 6, 0 });
	flush_tx();

	/* A cached miss is still a miss, answered by the cache. */
	input1(1, vsw_test_frame(pool, &mac_b, &mac_a, -1, 0x88cc, 46));
	input1(1, vsw_test_frame(pool, &mac_b, &mac_a, -1, 0x88cc, 46));
	assert_int_equal(drops(1, VSW_DROP_FLOW_MISS), 2);
	assert_int_equal(pmd.pmd.emc_misses, 3);
	assert_int_equal(pmd.pmd.emc_hits, 3);

	/*
	 * Replace the table by one of the same shape sending to port 3: it is
	 * built in the block just freed (same size), so only the generation
	 * tells the cache that its entries are stale.
	 */
	old = table;
	r2 = r;
	r2.actions[0].port = 3;
	vsw_flow_table_free(table);
	table = build(&r2, 1);
	snap.bridges[BR].flows = table;
	if (table != old)
		print_message("note: the new table is not at the old address\n");
	else
		print_message("new table at the old address %p\n", (const void *)table);
	input1(1, frame(&mac_b, &mac_a, -1, 46));
	assert_int_equal(pmd.pmd.emc_misses, 4);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 0, 1 });
	input1(1, frame(&mac_b, &mac_a, -1, 46));
	assert_int_equal(pmd.pmd.emc_hits, 4);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 0, 2 });
	/* The cached miss of the old table is stale too: now a match. */
	r2.match.mask.dl_type = 0;
	r2.match.key.dl_type = 0;
	set_rule(&r2);
	input1(1, vsw_test_frame(pool, &mac_b, &mac_a, -1, 0x88cc, 46));
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 0, 3 });
	assert_int_equal(drops(1, VSW_DROP_FLOW_MISS), 2);

	/* Without a table the cache is not used at all. */
	snap.bridges[BR].flows = NULL;
	input1(1, frame(&bcast, &mac_a, -1, 46));
	assert_int_equal(pmd.pmd.flow_lookups, 11);
}

/* Source MAC number @k: 02:00:00:k (three bytes of k), never a group address. */
static struct rte_ether_addr
mac_n(uint32_t k)
{
	struct rte_ether_addr a = { .addr_bytes = { 0x02, 0x5e, 0, (uint8_t)(k >> 16),
						    (uint8_t)(k >> 8), (uint8_t)k } };
	return a;
}

/*
 * Rules in @n_masks subtables, all deciding by the source MAC's last bit:
 * even sources go to port 2, odd ones to port 3. Subtable j adds an exact
 * match of another field of the test frames (dl_type, dl_dst, dl_dst's first byte) to
 * the last-bit mask, at priority 10 + j, so a lookup visits them all until
 * it finds its rule.
 */
static void
set_parity_rules(unsigned int n_masks)
{
	static const struct rte_ether_addr bit = { .addr_bytes = { 0, 0, 0, 0, 0, 1 } };
	static const struct rte_ether_addr all = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff,
								   0xff } };
	static const struct rte_ether_addr first = { .addr_bytes = { 0xff } };
	struct vsw_flow_rule rules[8];
	unsigned int j, n = 0, side;

	assert_true(n_masks >= 1 && 2 * n_masks <= RTE_DIM(rules));
	for (j = 0; j < n_masks; j++) {
		for (side = 0; side < 2; side++) {
			struct rte_ether_addr src = mac_n(side);
			struct vsw_flow_rule *r = &rules[n];

			*r = mkrule(n, (uint16_t)(10 + j));
			n++;
			m_dl_src(r, &src, &bit);
			if (j == 1)
				m_dl_type(r, ETH_IP4);
			if (j == 2)
				m_dl_dst(r, &mac_b, &all);
			if (j == 3)
				m_dl_dst(r, &mac_b, &first);
			act_output(r, (uint16_t)(2 + side));
		}
	}
	set_rules(rules, n);
	assert_int_equal(vsw_flow_table_n_subtables(table), n_masks);
}

/*
 * Send frames of flows @k0.. @k0 + @n - 1 from port 1 in bursts of
 * VSW_BURST (one flow per frame) and check that each left on its parity's
 * port, in order.
 */
static void
send_flows(uint32_t k0, uint32_t n)
{
	struct rte_mbuf *pkts[VSW_BURST];
	uint32_t k, i, b, even, odd;

	for (k = k0; k < k0 + n; k += b) {
		b = RTE_MIN((uint32_t)VSW_BURST, k0 + n - k);
		even = odd = 0;
		for (i = 0; i < b; i++) {
			struct rte_ether_addr src = mac_n(k + i);

			pkts[i] = frame(&mac_b, &src, -1, 46);
			even += (k + i) % 2 == 0;
			odd += (k + i) % 2 == 1;
		}
		vsw_input(&pmd, &snap, 1, pkts, (uint16_t)b);
		assert_int_equal(pmd.tx[2].n, even);
		assert_int_equal(pmd.tx[3].n, odd);
		for (i = 0; i < pmd.tx[2].n; i++)
			assert_int_equal(rte_pktmbuf_mtod(pmd.tx[2].pkts[i], uint8_t *)[11] % 2, 0);
		for (i = 0; i < pmd.tx[3].n; i++)
			assert_int_equal(rte_pktmbuf_mtod(pmd.tx[3].pkts[i], uint8_t *)[11] % 2, 1);
		flush_tx();
	}
}

/*
 * The cache's defaults: it serves only tables of VSW_EMC_MIN_SUBTABLES or
 * more subtables, and takes one classifier answer in 100 (a flow seen once
 * per burst gets in after about a hundred frames, then stays); at 0 it is
 * off. Every frame is forwarded by its rule whatever the cache does.
 */
static void
test_emc_policy(void **state)
{
	uint64_t misses;
	unsigned int i;

	(void)state;
	add_trunks(3);
	vsw_pmd_set_emc_insert_inv_prob(&pmd, VSW_EMC_INSERT_INV_PROB_DEFAULT);
	pmd.emc_min_subtables = VSW_EMC_MIN_SUBTABLES;
	assert_true(VSW_EMC_MIN_SUBTABLES > 1 && VSW_EMC_MIN_SUBTABLES <= 4);

	/* Fewer subtables: the classifier answers every frame. */
	set_parity_rules(VSW_EMC_MIN_SUBTABLES - 1);
	for (i = 0; i < 300; i++)
		send_flows(7, 1);
	assert_int_equal(pmd.pmd.flow_lookups, 300);
	assert_int_equal(pmd.pmd.emc_misses, 300);
	assert_int_equal(pmd.pmd.emc_hits, 0);
	assert_int_equal(pmd.pmd.emc_inserts, 0);

	/* Enough subtables: in after some misses, then hits only. */
	set_parity_rules(4);
	memset(&pmd.pmd, 0, sizeof(pmd.pmd));
	for (i = 0; i < 1000; i++)
		send_flows(7, 1);
	misses = pmd.pmd.emc_misses;
	print_message("1/%u inserts: in after %" PRIu64 " misses\n",
		      VSW_EMC_INSERT_INV_PROB_DEFAULT, misses);
	assert_int_equal(pmd.pmd.emc_inserts, 1);
	assert_true(misses > 1 && misses < 900);
	assert_int_equal(pmd.pmd.emc_hits, 1000 - misses);

	/* Off: no hits, no inserts, the same forwarding. */
	vsw_pmd_set_emc_insert_inv_prob(&pmd, 0);
	memset(&pmd.pmd, 0, sizeof(pmd.pmd));
	send_flows(7, 1);
	send_flows(100, 64);
	assert_int_equal(pmd.pmd.emc_hits, 0);
	assert_int_equal(pmd.pmd.emc_misses, 65);
	assert_int_equal(pmd.pmd.emc_inserts, 0);
}

/*
 * Three times more flows than the cache has entries, twice over, every
 * answer inserted: buckets overflow and evict all the time, and every frame
 * still goes where its rule says (a way read for the wrong key, or a rule
 * index read from the wrong way, would send half of them to the other port).
 * Then frames in trains of one flow: one lookup per train.
 */
static void
test_emc_eviction(void **state)
{
	const uint32_t n = 3 * VSW_EMC_ENTRIES;
	struct rte_mbuf *pkts[VSW_BURST];
	struct rte_ether_addr src;
	uint16_t i;

	(void)state;
	add_trunks(3);
	set_parity_rules(4);
	send_flows(0, n);
	assert_int_equal(pmd.pmd.emc_misses, n);
	assert_int_equal(pmd.pmd.emc_inserts, n);
	send_flows(0, n);
	send_flows(n - 1000, 1000);
	assert_int_equal(pmd.pmd.flow_lookups, 2 * n + 1000);
	assert_int_equal(pmd.pmd.emc_hits + pmd.pmd.emc_misses + pmd.pmd.flow_repeats, 2 * n + 1000);
	/* The last 1000 were sent just before: most are still there. */
	print_message("%u flows twice, then the last 1000: %" PRIu64 " hits\n", n,
		      pmd.pmd.emc_hits);
	assert_true(pmd.pmd.emc_hits >= 500);
	assert_true(pmd.pmd.emc_inserts == pmd.pmd.emc_misses);
	assert_int_equal(all_drops(), 0);

	/* 4 trains of 8 frames of new flows: 4 lookups, 28 repeats of the
	 * frame before them, all sent by their own rule. */
	memset(&pmd.pmd, 0, sizeof(pmd.pmd));
	for (i = 0; i < VSW_BURST; i++) {
		src = mac_n(n + 100 + i / 8);
		pkts[i] = frame(&mac_b, &src, -1, 46);
	}
	vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
	assert_int_equal(pmd.pmd.emc_misses, 4);
	assert_int_equal(pmd.pmd.flow_repeats, VSW_BURST - 4);
	assert_int_equal(pmd.pmd.emc_hits, 0);
	assert_int_equal(pmd.pmd.emc_inserts, 4);
	assert_int_equal(pmd.tx[2].n, 16);
	assert_int_equal(pmd.tx[3].n, 16);
	flush_tx();
}

struct hash_of {
	uint32_t hash;
	uint64_t bits;		/* 24 bits of source MAC, 24 of destination */
};

static int
cmp_hash_of(const void *a, const void *b)
{
	const struct hash_of *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->bits < y->bits ? -1 : x->bits > y->bits;
}

/* The addresses of collision candidate @bits. */
static void
bits_macs(uint64_t bits, struct rte_ether_addr *src, struct rte_ether_addr *dst)
{
	*src = mac_n((uint32_t)(bits & 0xffffff));
	*dst = mac_n((uint32_t)(bits >> 24));
	dst->addr_bytes[1] = 0;
}

/* One frame from port 1; it must leave on @port alone. */
static void
send_one(uint64_t bits, uint16_t port)
{
	struct rte_ether_addr src, dst;

	bits_macs(bits, &src, &dst);
	input1(1, frame(&dst, &src, -1, 46));
	check_tx((const int[]){ 1, 2, 3, -1 },
		 (const int[]){ 0, port == 2 ? 1 : 0, port == 3 ? 1 : 0 });
	flush_tx();
}

/*
 * Two flows whose keys have the same 32-bit hash (so the same bucket and
 * the same tag) and whose sources differ in parity, so different rules:
 * found among 400,000 random pairs of addresses (the hash is a CRC, linear:
 * keys that differ in fewer than 33 bits never collide, so both addresses
 * vary). The cache must tell them apart by the key itself.
 */
static void
test_emc_hash_collision(void **state)
{
	const uint32_t n = 400000;
	struct hash_of *h = calloc(n, sizeof(*h));
	struct rte_ether_addr src, dst;
	struct vsw_flow_key key;
	struct rte_mbuf *m;
	uint64_t b1 = 0, b2 = 0;
	bool found = false;
	uint32_t i;

	(void)state;
	assert_non_null(h);
	rng_state = 0x9e3779b97f4a7c15u;
	m = frame(&mac_b, &mac_a, -1, 46);
	for (i = 0; i < n; i++) {
		h[i].bits = rng() & ((UINT64_C(1) << 48) - 1);
		bits_macs(h[i].bits, &src, &dst);
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), &dst, sizeof(dst));
		memcpy(rte_pktmbuf_mtod(m, uint8_t *) + 6, &src, sizeof(src));
		assert_int_equal(vsw_flow_key_extract(m, 1, &key), 0);
		h[i].hash = vsw_emc_hash(&key);
	}
	rte_pktmbuf_free(m);
	qsort(h, n, sizeof(*h), cmp_hash_of);
	for (i = 1; i < n && !found; i++) {
		if (h[i].hash == h[i - 1].hash && (h[i].bits ^ h[i - 1].bits) % 2 == 1) {
			b1 = h[i - 1].bits;
			b2 = h[i].bits;
			found = true;
		}
	}
	free(h);
	assert_true(found);
	print_message("flows %012" PRIx64 " and %012" PRIx64 " share hash and bucket\n", b1, b2);

	add_trunks(3);
	/* Two subtables decide by the source's last bit alone. */
	set_parity_rules(2);
	send_one(b1, (uint16_t)(2 + b1 % 2));
	send_one(b1, (uint16_t)(2 + b1 % 2));
	assert_int_equal(pmd.pmd.emc_hits, 1);
	/* Same tag, other key: a miss, and the classifier sends it right. */
	send_one(b2, (uint16_t)(2 + b2 % 2));
	assert_int_equal(pmd.pmd.emc_hits, 1);
	assert_int_equal(pmd.pmd.emc_misses, 2);
	/* Both now sit in the bucket; each still finds its own. */
	send_one(b2, (uint16_t)(2 + b2 % 2));
	send_one(b1, (uint16_t)(2 + b1 % 2));
	assert_int_equal(pmd.pmd.emc_hits, 3);
	assert_int_equal(pmd.pmd.emc_inserts, 2);
}

/* A call with more frames than a burst: taken as bursts, none lost. */
static void
test_long_call(void **state)
{
	struct rte_mbuf *pkts[VSW_BURST + 8];
	struct rte_ether_addr src;
	unsigned int i;

	(void)state;
	add_trunks(3);
	set_parity_rules(4);
	for (i = 0; i < RTE_DIM(pkts); i++) {
		src = mac_n(i);
		pkts[i] = frame(&mac_b, &src, -1, 46);
	}
	vsw_input(&pmd, &snap, 1, pkts, RTE_DIM(pkts));
	assert_int_equal(pmd.ctr[1].rx_packets, RTE_DIM(pkts));
	assert_int_equal(pmd.pmd.flow_lookups, RTE_DIM(pkts));
	assert_int_equal(pmd.tx[2].n, RTE_DIM(pkts) / 2);
	assert_int_equal(pmd.tx[3].n, RTE_DIM(pkts) / 2);
	assert_int_equal(all_drops(), 0);
	flush_tx();
}

/*
 * Rules on in_port alone: one classifier lookup a burst, no keys, and the
 * same frames out (and the same drops) as the full path, which a rule that
 * never matches but has a dl_type mask forces.
 */
static void
test_in_port_only(void **state)
{
	struct vsw_flow_rule rules[3];
	struct vsw_port_info *pi;
	struct rte_mbuf *pkts[VSW_BURST];
	struct rte_ether_addr src;
	uint8_t b[64];
	uint64_t tx2[2], flood1[2], oversize[2], malformed[2];
	unsigned int pass, i;

	(void)state;
	add_trunks(3);
	pi = &snap.ports[1];
	rules[0] = mkrule(1, 10);
	m_in_port(&rules[0], 1);
	act_output(&rules[0], 2);
	rules[1] = mkrule(2, 0);
	add_act(&rules[1], VSW_ACT_NORMAL);
	rules[2] = mkrule(3, 50);
	m_dl_type(&rules[2], 0x88b5);	/* no frame of the test has it */
	add_act(&rules[2], VSW_ACT_DROP);
	for (pass = 0; pass < 2; pass++) {
		set_rules(rules, pass == 0 ? 2 : 3);
		assert_int_equal(vsw_flow_table_in_port_only(table), pass == 0);
		memset(&pmd.pmd, 0, sizeof(pmd.pmd));
		memset(pmd.ctr, 0, sizeof(pmd.ctr));
		/* Port 1: a burst of 32 flows, all to port 2 by the in_port rule. */
		for (i = 0; i < VSW_BURST; i++) {
			src = mac_n(i);
			pkts[i] = frame(&mac_b, &src, i % 2 ? 7 : -1, 46);
		}
		vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
		assert_int_equal(pmd.tx[2].n, VSW_BURST);
		flush_tx();
		/* Runts (13 bytes; a tag cut short) and one over the MTU. */
		pi->mtu = 100;
		input1(1, mbuf_of(b, 13, NULL, 0));
		memset(b, 0, sizeof(b));
		b[12] = 0x81;
		input1(1, mbuf_of(b, 16, NULL, 0));
		input1(1, frame(&mac_b, &mac_a, 5, 101));
		input1(1, frame(&mac_b, &mac_a, 5, 100));
		pi->mtu = 0;
		/* Port 3: the NORMAL rule (flooded: mac_b is unknown). */
		input1(3, frame(&mac_b, &mac_a, -1, 46));
		tx2[pass] = pmd.tx[2].n;
		flood1[pass] = pmd.tx[1].n;
		oversize[pass] = drops(1, VSW_DROP_OVERSIZE);
		malformed[pass] = drops(1, VSW_DROP_MALFORMED);
		flush_tx();
		if (pass == 0) {
			/* 33 frames past the checks, in 3 bursts of lookups. */
			assert_int_equal(pmd.pmd.flow_lookups, VSW_BURST + 2);
		assert_int_equal(all_drops(), 3);
			assert_int_equal(pmd.pmd.emc_misses, 3);
			assert_int_equal(pmd.pmd.flow_repeats, VSW_BURST - 1);
			assert_int_equal(pmd.pmd.emc_hits, 0);
		}
	}
	assert_int_equal(tx2[0], 2);	/* the frame at the MTU, and the flood */
	assert_int_equal(tx2[0], tx2[1]);
	assert_int_equal(flood1[0], 1);
	assert_int_equal(flood1[0], flood1[1]);
	assert_int_equal(oversize[0], 1);
	assert_int_equal(oversize[0], oversize[1]);
	assert_int_equal(malformed[0], 2);
	assert_int_equal(malformed[0], malformed[1]);
}

/* The same address is the point of the test above: make it happen. */
static void
test_emc_same_address(void **state)
{
	struct vsw_flow_rule r = mkrule(1, 10);
	struct vsw_flow_table *t1, *t2 = NULL;
	struct rte_mbuf *m;
	int i;

	(void)state;
	add_trunks(3);
	m_dl_type(&r, ETH_IP4);		/* not in_port alone: the cache path */
	act_output(&r, 2);
	t1 = build(&r, 1);
	snap.bridges[BR].flows = t1;
	input1(1, frame(&mac_b, &mac_a, -1, 46));
	input1(1, frame(&mac_b, &mac_a, -1, 46));
	assert_int_equal(pmd.pmd.emc_hits, 1);
	flush_tx();
	r.actions[0].port = 3;
	for (i = 0; i < 16; i++) {
		void *addr = t1;

		vsw_flow_table_free(t1);
		t2 = build(&r, 1);
		if ((void *)t2 == addr)
			break;
		t1 = t2;
		t2 = NULL;
	}
	assert_non_null(t2);	/* rte_malloc gave the block back */
	table = t2;
	snap.bridges[BR].flows = t2;
	m = frame(&mac_b, &mac_a, -1, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 0, 1 });
	assert_ptr_equal(pmd.tx[3].pkts[0], m);
	assert_int_equal(pmd.pmd.emc_hits, 1);
	assert_int_equal(pmd.pmd.emc_misses, 2);
}

static void
test_set_mac(void **state)
{
	struct rte_ether_addr x = vsw_test_mac(0x77), y = vsw_test_mac(0x88);
	struct vsw_flow_rule r = mkrule(1, 10);
	struct rte_mbuf *m;

	(void)state;
	add_trunks(2);
	act_mac(&r, VSW_ACT_SET_ETH_SRC, &x);
	act_mac(&r, VSW_ACT_SET_ETH_DST, &y);
	act_output(&r, 2);
	set_rule(&r);
	m = frame(&mac_b, &mac_a, 5, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, -1 }, (const int[]){ 0, 1 });
	/* Rewritten in place: the only reference. */
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	check_frame(m, &y, &x, 5, 46);
	assert_int_equal(pmd.pmd.copies, 0);
	assert_int_equal(pmd.pmd.forwarded, 1);
	assert_int_equal(all_drops(), 0);
}

static void
test_vlan_actions(void **state)
{
	struct vsw_flow_rule r;
	struct rte_mbuf *m;

	(void)state;
	add_trunks(2);

	/* push_vlan on an untagged frame, then on a tagged one (QinQ). */
	r = mkrule(1, 10);
	act_vlan(&r, VSW_ACT_PUSH_VLAN, 100, 5);
	act_output(&r, 2);
	set_rule(&r);
	input1(1, frame(&mac_b, &mac_a, -1, 46));
	check_frame(pmd.tx[2].pkts[0], &mac_b, &mac_a, 0xa064, 46);
	flush_tx();
	input1(1, frame(&mac_b, &mac_a, 0x2007, 46));
	check_qinq(pmd.tx[2].pkts[0], &mac_b, &mac_a, 0xa064, 0x2007, 46);
	flush_tx();

	/* pop_vlan: tagged -> untagged; untagged stays; QinQ loses the outer. */
	r = mkrule(1, 10);
	add_act(&r, VSW_ACT_POP_VLAN);
	act_output(&r, 2);
	set_rule(&r);
	input1(1, frame(&mac_b, &mac_a, 0x2007, 46));
	check_frame(pmd.tx[2].pkts[0], &mac_b, &mac_a, -1, 46);
	flush_tx();
	input1(1, frame(&mac_b, &mac_a, -1, 46));
	check_frame(pmd.tx[2].pkts[0], &mac_b, &mac_a, -1, 46);
	flush_tx();
	/* QinQ: one pop leaves the inner tag, a second one removes it. */
	{
		uint8_t q[128];
		uint32_t off = put_eth(q, &mac_b, &mac_a, 0x2007, 0x8100), i;

		put16(q + off, 0x0005);
		put16(q + off + 2, ETH_IP4);
		off += 4;
		for (i = 0; i < 46; i++)
			q[off + i] = (uint8_t)i;
		input1(1, mbuf_of(q, off + 46, NULL, 0));
		check_frame(pmd.tx[2].pkts[0], &mac_b, &mac_a, 5, 46);
		flush_tx();
		r.actions[2] = r.actions[1];
		r.actions[1] = r.actions[0];
		r.n_actions = 3;
		set_rule(&r);
		input1(1, mbuf_of(q, off + 46, NULL, 0));
		check_frame(pmd.tx[2].pkts[0], &mac_b, &mac_a, -1, 46);
		flush_tx();
	}

	/* set_vlan: keeps PCP/DEI of a tag; pushes one with `pcp` if none. */
	r = mkrule(1, 10);
	act_vlan(&r, VSW_ACT_SET_VLAN, 200, 2);
	act_output(&r, 2);
	set_rule(&r);
	input1(1, frame(&mac_b, &mac_a, 0x7007, 46));
	check_frame(pmd.tx[2].pkts[0], &mac_b, &mac_a, 0x70c8, 46);
	flush_tx();
	input1(1, frame(&mac_b, &mac_a, -1, 46));
	check_frame(pmd.tx[2].pkts[0], &mac_b, &mac_a, 0x40c8, 46);
	flush_tx();
	assert_int_equal(pmd.pmd.copies, 0);
	assert_int_equal(all_drops(), 0);

	/* No headroom for a tag: the frame is copied first. */
	r = mkrule(1, 10);
	act_vlan(&r, VSW_ACT_PUSH_VLAN, 3, 0);
	act_output(&r, 2);
	set_rule(&r);
	m = frame(&mac_b, &mac_a, -1, 46);
	{
		/* Move the frame to the very start of the buffer. */
		uint16_t room = rte_pktmbuf_headroom(m);
		uint8_t exp[64];

		assert_non_null(rte_pktmbuf_prepend(m, room));
		assert_int_equal(rte_pktmbuf_trim(m, room), 0);
		expect_bytes(exp, &mac_b, &mac_a, -1, 46);
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), exp, 60);
	}
	assert_int_equal(rte_pktmbuf_headroom(m), 0);
	input1(1, m);
	check_frame(pmd.tx[2].pkts[0], &mac_b, &mac_a, 3, 46);
	assert_int_equal(pmd.pmd.copies, 1);
}

static void
test_outputs_shared_or_copied(void **state)
{
	struct vsw_flow_rule r;
	struct rte_mbuf *m;

	(void)state;
	add_trunks(4);

	/* Two outputs, no change between: one mbuf, two references. */
	r = mkrule(1, 10);
	act_output(&r, 2);
	act_output(&r, 3);
	set_rule(&r);
	m = frame(&mac_b, &mac_a, -1, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 1, 1, 0 });
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	assert_ptr_equal(pmd.tx[3].pkts[0], m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 2);
	assert_int_equal(pmd.pmd.copies, 0);
	assert_int_equal(pmd.pmd.forwarded, 2);
	flush_tx();

	/* output, set_vlan, output, set_eth_dst, output: each change after
	 * an output works on a copy, so every port keeps what it was given. */
	r = mkrule(1, 10);
	act_output(&r, 2);
	act_vlan(&r, VSW_ACT_SET_VLAN, 9, 1);
	act_output(&r, 3);
	act_mac(&r, VSW_ACT_SET_ETH_DST, &bcast);
	act_output(&r, 4);
	set_rule(&r);
	m = frame(&mac_b, &mac_a, -1, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 1, 1, 1 });
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	check_frame(pmd.tx[2].pkts[0], &mac_b, &mac_a, -1, 46);
	check_frame(pmd.tx[3].pkts[0], &mac_b, &mac_a, 0x2009, 46);
	check_frame(pmd.tx[4].pkts[0], &bcast, &mac_a, 0x2009, 46);
	assert_int_equal(rte_mbuf_refcnt_read(pmd.tx[2].pkts[0]), 1);
	assert_int_equal(rte_mbuf_refcnt_read(pmd.tx[3].pkts[0]), 1);
	assert_int_equal(rte_mbuf_refcnt_read(pmd.tx[4].pkts[0]), 1);
	assert_int_equal(pmd.pmd.copies, 2);
	flush_tx();

	/* Changes first, then two outputs: no copy at all. */
	r = mkrule(1, 10);
	act_vlan(&r, VSW_ACT_PUSH_VLAN, 9, 0);
	act_output(&r, 2);
	act_output(&r, 3);
	set_rule(&r);
	m = frame(&mac_b, &mac_a, -1, 46);
	input1(1, m);
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	assert_ptr_equal(pmd.tx[3].pkts[0], m);
	check_frame(m, &mac_b, &mac_a, 9, 46);
	assert_int_equal(pmd.pmd.copies, 2);	/* still the two above */
	flush_tx();

	/* The copy fails (empty pool): no_mbuf, the first output still goes. */
	pmd.pool = tiny_pool;
	r = mkrule(1, 10);
	act_output(&r, 2);
	act_vlan(&r, VSW_ACT_SET_VLAN, 9, 1);
	act_output(&r, 3);
	set_rule(&r);
	m = frame(&mac_b, &mac_a, -1, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 1, 0, 0 });
	assert_int_equal(drops(1, VSW_DROP_NO_MBUF), 1);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	check_frame(m, &mac_b, &mac_a, -1, 46);
	pmd.pool = pool;
	assert_int_equal(all_drops(), 1);
}

static void
test_output_checks(void **state)
{
	struct vsw_flow_rule r = mkrule(1, 10);

	(void)state;
	add_trunks(3);
	snap.bridges[1].in_use = true;
	snap.bridges[1].fdb = fdb;
	add_port(5, 1, VSW_VLAN_TRUNK, 0);
	snap.ports[3].mtu = 100;
	act_output(&r, 1);	/* the input port */
	act_output(&r, 5);	/* another bridge */
	act_output(&r, 9);	/* not in use */
	act_output(&r, 3);	/* MTU 100 */
	act_output(&r, 2);
	set_rule(&r);

	input1(1, frame(&mac_b, &mac_a, -1, 101));
	check_tx((const int[]){ 1, 2, 3, 5, 9, -1 }, (const int[]){ 0, 1, 0, 0, 0 });
	assert_int_equal(drops(1, VSW_DROP_HAIRPIN), 1);
	assert_int_equal(drops(1, VSW_DROP_NO_BRIDGE), 2);
	assert_int_equal(drops(3, VSW_DROP_OVERSIZE), 1);
	assert_int_equal(all_drops(), 4);
	assert_int_equal(rte_mbuf_refcnt_read(pmd.tx[2].pkts[0]), 1);
	flush_tx();
	/* The egress MTU is on L3: a tag does not count. */
	input1(1, frame(&mac_b, &mac_a, 7, 100));
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, 1, 1 });
	flush_tx();
	/* The last action failing frees the frame. */
	r.n_actions = 4;
	set_rule(&r);
	input1(1, frame(&mac_b, &mac_a, -1, 101));
	assert_int_equal(pmd.n_dirty, 0);
	/* The input port's MTU applies before the lookup. */
	snap.ports[1].mtu = 50;
	input1(1, frame(&mac_b, &mac_a, 7, 51));
	assert_int_equal(drops(1, VSW_DROP_OVERSIZE), 1);
	assert_int_equal(pmd.pmd.flow_lookups, 3);
}

static void
test_flood_action(void **state)
{
	struct vsw_flow_rule r = mkrule(1, 10);
	struct rte_mbuf *m;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_ACCESS, 10);
	add_port(3, BR, VSW_VLAN_ACCESS, 20);
	add_port(4, BR, VSW_VLAN_TRUNK, 0);
	add_port(6, BR, VSW_VLAN_TRUNK, 0);
	snap.ports[6].in_use = false;
	snap.bridges[1].in_use = true;
	snap.bridges[1].fdb = fdb;
	add_port(5, 1, VSW_VLAN_TRUNK, 0);
	snap.ports[4].mtu = 40;
	add_act(&r, VSW_ACT_FLOOD);
	set_rule(&r);

	/* Tagged 30 (allowed nowhere but trunks): every member gets it as is. */
	m = frame(&mac_b, &mac_a, 30, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, 5, 6, -1 }, (const int[]){ 0, 1, 1, 0, 0, 0 });
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	assert_ptr_equal(pmd.tx[3].pkts[0], m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 2);
	check_frame(m, &mac_b, &mac_a, 30, 46);
	assert_int_equal(drops(4, VSW_DROP_OVERSIZE), 1);
	assert_int_equal(pmd.pmd.flooded, 1);
	flush_tx();

	/* Flood then output to a flooded port: three references, two on 2. */
	r.actions[1].type = VSW_ACT_OUTPUT;
	r.actions[1].port = 2;
	r.n_actions = 2;
	set_rule(&r);
	m = frame(&mac_b, &mac_a, -1, 20);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 2, 1, 1 });
	assert_int_equal(rte_mbuf_refcnt_read(m), 4);
	assert_int_equal(pmd.pmd.copies, 0);
}

static void
test_normal_after_set_vlan(void **state)
{
	struct vsw_flow_rule rules[2];
	struct rte_mbuf *m;

	(void)state;
	add_port(1, BR, VSW_VLAN_TRUNK, 0);
	add_port(2, BR, VSW_VLAN_ACCESS, 10);
	add_port(3, BR, VSW_VLAN_ACCESS, 20);
	add_port(4, BR, VSW_VLAN_TRUNK, 0);
	add_port(5, BR, VSW_VLAN_ACCESS, 10);
	rules[0] = mkrule(1, 100);
	m_in_port(&rules[0], 1);
	act_vlan(&rules[0], VSW_ACT_SET_VLAN, 10, 0);
	add_act(&rules[0], VSW_ACT_NORMAL);
	rules[1] = mkrule(2, 0);
	add_act(&rules[1], VSW_ACT_NORMAL);
	set_rules(rules, 2);

	/* Untagged broadcast in on trunk 1, set to VLAN 10, then NORMAL:
	 * access 10 ports untagged, trunk 4 tagged 10, access 20 nothing. */
	m = frame(&bcast, &mac_a, -1, 46);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, 5, -1 }, (const int[]){ 0, 1, 0, 1, 1 });
	check_frame(pmd.tx[2].pkts[0], &bcast, &mac_a, -1, 46);
	check_frame(pmd.tx[5].pkts[0], &bcast, &mac_a, -1, 46);
	check_frame(pmd.tx[4].pkts[0], &bcast, &mac_a, 10, 46);
	assert_int_equal(pmd.pmd.flooded, 1);
	/* Learned in VLAN 10, the VLAN NORMAL saw. */
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 1);
	assert_int_equal(vsw_fdb_lookup(fdb, &mac_a, 10), 1);
	assert_int_equal(vsw_fdb_lookup(fdb, &mac_a, 0), VSW_PORT_NONE);
	flush_tx();

	/* The reply from access 10 takes the priority-0 NORMAL: known unicast. */
	input1(2, frame(&mac_a, &mac_b, -1, 46));
	check_tx((const int[]){ 1, 2, 3, 4, 5, -1 }, (const int[]){ 1, 0, 0, 0, 0 });
	check_frame(pmd.tx[1].pkts[0], &mac_a, &mac_b, 10, 46);
	assert_int_equal(pmd.pmd.forwarded, 1);
	flush_tx();

	/* NORMAL, then a change and an output: NORMAL's frames keep theirs. */
	rules[1] = mkrule(2, 0);
	add_act(&rules[1], VSW_ACT_NORMAL);
	act_mac(&rules[1], VSW_ACT_SET_ETH_SRC, &mac_b);
	act_output(&rules[1], 3);
	set_rules(rules, 2);
	m = frame(&bcast, &mac_a, 20, 46);
	input1(4, m);
	check_tx((const int[]){ 1, 2, 3, 4, 5, -1 }, (const int[]){ 1, 0, 2, 0, 0 });
	check_frame(pmd.tx[1].pkts[0], &bcast, &mac_a, 20, 46);
	check_frame(pmd.tx[3].pkts[0], &bcast, &mac_a, -1, 46);
	check_frame(pmd.tx[3].pkts[1], &bcast, &mac_b, 20, 46);
	assert_int_equal(all_drops(), 0);
}

/*
 * Frames whose rule is just NORMAL go through the L2 path together after the
 * rest of the burst: frame by frame with the burst memo, or in bulk once the
 * port's bursts have many addresses. Both give the same frames on the same
 * ports, in the order they came; frames of other rules go as before.
 */
static void
test_normal_in_bulk(void **state)
{
	const struct rte_ether_addr all = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct rte_ether_addr x = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x77 } }, m;
	struct vsw_flow_rule rules[2];
	struct rte_mbuf *pkts[VSW_BURST];
	uint64_t fwd0;
	unsigned int i, r, k;

	(void)state;
	add_trunks(3);
	rules[0] = mkrule(1, 100);
	m_dl_dst(&rules[0], &x, &all);
	act_output(&rules[0], 3);
	rules[1] = mkrule(2, 0);
	add_act(&rules[1], VSW_ACT_NORMAL);
	set_rules(rules, 2);
	/* 16 MACs learned on port 2, through NORMAL. */
	for (i = 0; i < 16; i++) {
		m = (struct rte_ether_addr){ .addr_bytes = { 0x02, 0, 0, 0, 0, (uint8_t)(0x10 + i) } };
		input1(2, frame(&bcast, &m, -1, 10));
	}
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 16);
	flush_tx();

	for (r = 0; r < 2; r++) {
		/* Round 0 frame by frame, round 1 in bulk. */
		assert_int_equal(pmd.l2_spread[1], r == 1);
		fwd0 = pmd.pmd.forwarded;
		for (i = 0; i < VSW_BURST; i++) {
			m = (struct rte_ether_addr){ .addr_bytes = { 0x02, 0, 0, 0, 0,
								     (uint8_t)(0x10 + i % 16) } };
			/* Every 8th frame to x: rule 1, port 3. */
			pkts[i] = frame(i % 8 == 3 ? &x : &m, &mac_a, -1, 30 + i);
		}
		vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
		assert_true(pmd.l2_spread[1]);
		check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, VSW_BURST - 4, 4 });
		assert_int_equal(pmd.pmd.forwarded - fwd0, VSW_BURST);
		/* In the order they came, each to its own MAC. */
		for (i = 0, k = 0; i < VSW_BURST; i++) {
			if (i % 8 == 3)
				continue;
			m = (struct rte_ether_addr){ .addr_bytes = { 0x02, 0, 0, 0, 0,
								     (uint8_t)(0x10 + i % 16) } };
			check_frame(pmd.tx[2].pkts[k++], &m, &mac_a, -1, 30 + i);
		}
		for (i = 0; i < 4; i++)
			check_frame(pmd.tx[3].pkts[i], &x, &mac_a, -1, 30 + 8 * i + 3);
		flush_tx();
	}
	assert_int_equal(all_drops(), 0);
}

static void
test_rule_counters(void **state)
{
	struct vsw_flow_rule rules[2];
	struct rte_mbuf *pkts[3];
	uint64_t p, b;
	struct vsw_pmd other;

	(void)state;
	add_trunks(2);
	rules[0] = mkrule(40000, 10);
	m_dl_type(&rules[0], ETH_IP4);
	act_output(&rules[0], 2);
	rules[1] = mkrule(7, 5);
	add_act(&rules[1], VSW_ACT_DROP);
	set_rules(rules, 2);

	pkts[0] = frame(&mac_b, &mac_a, -1, 46);
	pkts[1] = frame(&mac_b, &mac_a, 3, 100);
	pkts[2] = vsw_test_frame(pool, &mac_b, &mac_a, -1, ETH_ARP, 28);
	vsw_input(&pmd, &snap, 1, pkts, 3);
	vsw_pmd_flow_counters(&pmd, 40000, &p, &b);
	assert_int_equal(p, 2);
	assert_int_equal(b, 60 + 118);
	vsw_pmd_flow_counters(&pmd, 7, &p, &b);
	assert_int_equal(p, 1);
	assert_int_equal(b, 42);
	vsw_pmd_flow_counters(&pmd, 8, &p, &b);
	assert_int_equal(p, 0);
	vsw_pmd_flow_counters(&pmd, VSW_FLOW_MAX_RULES, &p, &b);
	assert_int_equal(p + b, 0);
	assert_int_equal(drops(1, VSW_DROP_FLOW_DROP), 1);

	/* A freed (or never initialised) PMD reads as zero. */
	memset(&other, 0, sizeof(other));
	vsw_pmd_flow_counters(&other, 7, &p, &b);
	assert_int_equal(p + b, 0);
	vsw_pmd_free(&other);
	vsw_pmd_free(NULL);
}

/* Two outputs to one port from a full burst: the batch is capped. */
static void
test_batch_cap(void **state)
{
	struct vsw_flow_rule r = mkrule(1, 10);
	struct rte_mbuf *pkts[VSW_BURST];
	unsigned int i;

	(void)state;
	add_trunks(3);
	act_output(&r, 2);
	act_mac(&r, VSW_ACT_SET_ETH_DST, &bcast);
	act_output(&r, 2);
	act_output(&r, 3);
	set_rule(&r);
	for (i = 0; i < VSW_BURST; i++)
		pkts[i] = frame(&mac_b, &mac_a, -1, 46);
	vsw_input(&pmd, &snap, 1, pkts, VSW_BURST);
	check_tx((const int[]){ 1, 2, 3, -1 }, (const int[]){ 0, VSW_BURST, VSW_BURST });
	/* The first 16 frames fill port 2 with two copies each. */
	assert_int_equal(drops(2, VSW_DROP_TX_FULL), VSW_BURST);
	for (i = 0; i < VSW_BURST; i += 2) {
		assert_ptr_equal(pmd.tx[2].pkts[i], pkts[i / 2]);
		check_frame(pmd.tx[2].pkts[i + 1], &bcast, &mac_a, -1, 46);
	}
	assert_int_equal(all_drops(), VSW_BURST);
}

/* Chained mbufs through outputs, flood and header rewrites. */
static void
test_chained(void **state)
{
	struct vsw_flow_rule r = mkrule(1, 10);
	uint8_t b[600];
	uint32_t len = expect_bytes(b, &mac_b, &mac_a, 5, 500);
	static const uint32_t cuts[] = { 10, 200, 400 };
	struct rte_mbuf *m;

	(void)state;
	add_trunks(4);
	act_output(&r, 2);
	add_act(&r, VSW_ACT_FLOOD);
	act_vlan(&r, VSW_ACT_SET_VLAN, 6, 0);	/* shared: rewrites a copy */
	act_output(&r, 3);
	add_act(&r, VSW_ACT_POP_VLAN);
	act_output(&r, 4);
	set_rule(&r);

	m = mbuf_of(b, len, cuts, 3);
	input1(1, m);
	check_tx((const int[]){ 1, 2, 3, 4, -1 }, (const int[]){ 0, 2, 2, 2 });
	check_frame(pmd.tx[2].pkts[0], &mac_b, &mac_a, 5, 500);
	assert_ptr_equal(pmd.tx[2].pkts[0], m);
	assert_ptr_equal(pmd.tx[2].pkts[1], m);
	assert_int_equal(m->nb_segs, 4);
	assert_int_equal(rte_mbuf_refcnt_read(m), 4);
	assert_int_equal(rte_mbuf_refcnt_read(m->next->next), 4);
	check_frame(pmd.tx[3].pkts[1], &mac_b, &mac_a, 6, 500);
	check_frame(pmd.tx[4].pkts[1], &mac_b, &mac_a, -1, 500);
	/* The flood copies are the original. */
	assert_ptr_equal(pmd.tx[3].pkts[0], m);
	assert_ptr_equal(pmd.tx[4].pkts[0], m);
	/* teardown checks that every segment went back exactly once */
}

/* A drop-all rule and an output rule timed on the flow path (EMC hits). */
static void
test_flow_path_perf(void **state)
{
	struct vsw_flow_rule r = mkrule(1, 10);
	struct rte_mbuf *pkts[VSW_BURST], *burst[VSW_BURST];
	double t0, ns;
	unsigned int i, it, iters = 20000;

	(void)state;
	add_trunks(2);
	m_dl_type(&r, ETH_IP4);		/* not in_port alone: the cache path */
	add_act(&r, VSW_ACT_DROP);
	set_rule(&r);
	for (i = 0; i < VSW_BURST; i++)
		pkts[i] = frame(&mac_b, &mac_a, -1, 46);
	t0 = now_ns();
	for (it = 0; it < iters; it++) {
		for (i = 0; i < VSW_BURST; i++) {
			rte_mbuf_refcnt_update(pkts[i], 1);	/* survive the drop */
			burst[i] = pkts[i];
		}
		vsw_input(&pmd, &snap, 1, burst, VSW_BURST);
	}
	ns = (now_ns() - t0) / ((double)iters * VSW_BURST);
	printf("[ perf     ] flow path, 1 rule, EMC hits: %.1f ns/packet (drop action)\n", ns);
	assert_int_equal(pmd.pmd.emc_misses, 1);
	assert_int_equal(drops(1, VSW_DROP_FLOW_DROP), (uint64_t)iters * VSW_BURST);
	for (i = 0; i < VSW_BURST; i++)
		rte_pktmbuf_free(pkts[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_early_termination),
		cmocka_unit_test(test_random_reference),
		cmocka_unit_test(test_10k_rules),
		cmocka_unit_test(test_extract_ipv4),
		cmocka_unit_test(test_extract_ipv6_arp),
		cmocka_unit_test(test_extract_l2_runts),
		cmocka_unit_test_setup_teardown(test_miss_and_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emc_same_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emc_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emc_eviction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emc_hash_collision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_port_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vlan_actions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outputs_shared_or_copied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flood_action, setup, teardown),
		cmocka_unit_test_setup_teardown(test_normal_after_set_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_normal_in_bulk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_path_perf, setup, teardown),
	};

	return VSW_TEST_RUN("vsw_flow", tests, 2047, &pool, &tiny_pool);
}
