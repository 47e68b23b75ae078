/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vsw_sec.c: port security (anti-spoofing) through the pipeline
 * (vsw_input) on hand-built frames: source MAC; IPv4 source with prefixes
 * and the DHCP discover exception; ARP sender MAC/IP and probes; IPv6
 * source with prefixes, DAD (::) and link-local; NS/NA link-layer address
 * options and NA targets; truncated headers and ND options; VLAN tags; chained
 * mbufs with headers across segments; empty address lists; checks before
 * learning and the flow table; and the validation of configurations.
 * Every frame enters on secured port 1 and, when it passes, is flooded to
 * port 2. After every test the mempool in-use count must be back to baseline.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_byteorder.h>

#include "vsw.h"
#include "vsw_test_eal.h"

#define T0 1000u
#define BR 0
#define IN 1		/* the secured port */
#define OUT 2
#define PASS VSW_DROP_MAX

#define ETH_IP4 0x0800
#define ETH_ARP 0x0806
#define ETH_IP6 0x86dd
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMP6 58
#define ND_RS 133
#define ND_NS 135
#define ND_NA 136

static struct rte_mempool *pool;
static struct vsw_snapshot snap;
static struct vsw_pmd pmd;
static struct vsw_fdb *fdb;
static unsigned int baseline;

static const struct rte_ether_addr bcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static struct rte_ether_addr mac_a;	/* allowed on port 1 */
static struct rte_ether_addr mac_b;	/* not allowed */

/* ---------------------------------------------------------------------- */
/* Frame building                                                         */

struct pkt {
	uint8_t b[1024];
	uint32_t n;
};

static void
put(struct pkt *p, const void *data, uint32_t size)
{
	assert_true(p->n + size <= sizeof(p->b));
	memcpy(p->b + p->n, data, size);
	p->n += size;
}

static void
put8(struct pkt *p, uint8_t v)
{
	put(p, &v, 1);
}

static void
put16(struct pkt *p, uint16_t v)
{
	put8(p, (uint8_t)(v >> 8));
	put8(p, (uint8_t)v);
}

static void
put32(struct pkt *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p, (uint16_t)v);
}

static void
zeros(struct pkt *p, uint32_t n)
{
	while (n-- > 0)
		put8(p, 0);
}

/* Ethernet header to broadcast from @src, with an 802.1Q tag when tci >= 0. */
static void
eth(struct pkt *p, const struct rte_ether_addr *src, int tci, uint16_t type)
{
	p->n = 0;
	put(p, bcast.addr_bytes, 6);
	put(p, src->addr_bytes, 6);
	if (tci >= 0) {
		put16(p, 0x8100);
		put16(p, (uint16_t)tci);
	}
	put16(p, type);
}

static struct rte_mbuf *
to_mbuf(const struct pkt *p)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *d;

	assert_non_null(m);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)p->n);
	assert_non_null(d);
	memcpy(d, p->b, p->n);
	return m;
}

/* @p in two segments, the first holding @split bytes. */
static struct rte_mbuf *
to_chain(const struct pkt *p, uint32_t split)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *t = rte_pktmbuf_alloc(pool);
	uint8_t *d;

	assert_non_null(m);
	assert_non_null(t);
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)split);
	memcpy(d, p->b, split);
	d = (uint8_t *)rte_pktmbuf_append(t, (uint16_t)(p->n - split));
	memcpy(d, p->b + split, p->n - split);
	assert_int_equal(rte_pktmbuf_chain(m, t), 0);
	return m;
}

static uint32_t
ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return rte_be_to_cpu_32(a.s_addr);
}

static void
ip6(const char *s, uint8_t out[16])
{
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

/* IPv4 (IHL 5) from @saddr to @daddr, then 4 bytes of ports and 14 more. */
static void
ip4_pkt(struct pkt *p, const struct rte_ether_addr *src, int tci, const char *saddr,
	const char *daddr, uint8_t proto, uint16_t sport, uint16_t dport)
{
	eth(p, src, tci, ETH_IP4);
	put8(p, 0x45);
	put8(p, 0);
	put16(p, 20 + 18);
	put32(p, 0);		/* id, flags, fragment offset */
	put8(p, 64);
	put8(p, proto);
	put16(p, 0);
	put32(p, ip4(saddr));
	put32(p, ip4(daddr));
	put16(p, sport);
	put16(p, dport);
	zeros(p, 14);
}

static struct rte_mbuf *
ip4_frame(const struct rte_ether_addr *src, int tci, const char *saddr, const char *daddr,
	  uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct pkt p;

	ip4_pkt(&p, src, tci, saddr, daddr, proto, sport, dport);
	return to_mbuf(&p);
}

static struct rte_mbuf *
udp4(const struct rte_ether_addr *src, const char *saddr)
{
	return ip4_frame(src, -1, saddr, "10.0.0.1", PROTO_UDP, 1000, 2000);
}

/* Ethernet/IPv4 ARP request (hardware type @htype) with @sha/@spa. */
static struct rte_mbuf *
arp_frame(const struct rte_ether_addr *src, const struct rte_ether_addr *sha, const char *spa,
	  uint16_t htype)
{
	struct pkt p;

	eth(&p, src, -1, ETH_ARP);
	put16(&p, htype);
	put16(&p, ETH_IP4);
	put8(&p, 6);
	put8(&p, 4);
	put16(&p, 1);
	put(&p, sha->addr_bytes, 6);
	put32(&p, ip4(spa));
	zeros(&p, 6);
	put32(&p, ip4("10.0.0.1"));
	return to_mbuf(&p);
}

/* IPv6 fixed header; @payload_len as given (the payload is added after). */
static void
ip6_hdr(struct pkt *p, const struct rte_ether_addr *src, int tci, const char *saddr,
	const char *daddr, uint8_t next, uint16_t payload_len)
{
	uint8_t a[16];

	eth(p, src, tci, ETH_IP6);
	put32(p, 0x60000000);
	put16(p, payload_len);
	put8(p, next);
	put8(p, 255);
	ip6(saddr, a);
	put(p, a, 16);
	ip6(daddr, a);
	put(p, a, 16);
}

static struct rte_mbuf *
udp6(const struct rte_ether_addr *src, const char *saddr)
{
	struct pkt p;

	ip6_hdr(&p, src, -1, saddr, "2001:db8::1", PROTO_UDP, 16);
	zeros(&p, 16);
	return to_mbuf(&p);
}

/*
 * An ND message @type with @target and the options @opts (@opts_size bytes,
 * already in 8-byte units), from @saddr.
 */
static void
nd_pkt(struct pkt *p, const struct rte_ether_addr *src, const char *saddr, uint8_t type,
       const char *target, const uint8_t *opts, uint32_t opts_size)
{
	uint8_t a[16];

	ip6_hdr(p, src, -1, saddr, "ff02::1", PROTO_ICMP6, (uint16_t)(24 + opts_size));
	put8(p, type);
	put8(p, 0);
	put16(p, 0);
	put32(p, type == ND_NA ? 0x20000000 : 0);	/* NA: override */
	ip6(target, a);
	put(p, a, 16);
	if (opts_size != 0)
		put(p, opts, opts_size);
}

/* An SLL (1) or TLL (2) option carrying @mac. */
static void
lla_opt(uint8_t *o, uint8_t type, const struct rte_ether_addr *mac)
{
	o[0] = type;
	o[1] = 1;
	memcpy(o + 2, mac->addr_bytes, 6);
}

static struct rte_mbuf *
nd_frame(const struct rte_ether_addr *src, const char *saddr, uint8_t type, const char *target,
	 uint8_t opt_type, const struct rte_ether_addr *opt_mac)
{
	uint8_t opt[8] = { 0 };
	struct pkt p;

	if (opt_mac != NULL)
		lla_opt(opt, opt_type, opt_mac);
	nd_pkt(&p, src, saddr, type, target, opt, opt_mac != NULL ? 8 : 0);
	return to_mbuf(&p);
}

/* ---------------------------------------------------------------------- */
/* Fixture                                                                */

static void
add_port(uint16_t id)
{
	struct vsw_port_info *pi = &snap.ports[id];
	struct vsw_bridge_info *br = &snap.bridges[BR];

	pi->in_use = true;
	pi->bridge = BR;
	vsw_vlan_cfg_init(&pi->vlan);
	br->ports[br->n_ports++] = id;
}

static void
set_ip4(struct vsw_port_security *sec, const char *addr, unsigned int plen)
{
	uint32_t mask = plen == 0 ? 0 : UINT32_MAX << (32 - plen);

	sec->ip4[sec->n_ip4].mask = rte_cpu_to_be_32(mask);
	sec->ip4[sec->n_ip4].addr = rte_cpu_to_be_32(ip4(addr) & mask);
	sec->n_ip4++;
}

static void
set_ip6(struct vsw_port_security *sec, const char *addr, uint8_t plen)
{
	ip6(addr, sec->ip6[sec->n_ip6].addr);
	sec->ip6[sec->n_ip6].plen = plen;
	sec->n_ip6++;
}

/*
 * Port 1: MAC A; 10.0.0.5/32 and 192.168.1.0/24; 2001:db8::5/128 and
 * 2001:db8:1::/48.
 */
static struct vsw_port_security *
secure_port(void)
{
	struct vsw_port_security *sec = &snap.ports[IN].sec;

	memset(sec, 0, sizeof(*sec));
	sec->enabled = true;
	sec->macs[sec->n_macs++] = mac_a;
	set_ip4(sec, "10.0.0.5", 32);
	set_ip4(sec, "192.168.1.0", 24);
	set_ip6(sec, "2001:db8::5", 128);
	set_ip6(sec, "2001:db8:1::", 48);
	assert_int_equal(vsw_port_security_validate(sec, NULL, 0), 0);
	return sec;
}

static int
setup(void **state)
{
	(void)state;
	if (vsw_test_switch_init(&snap, BR, &fdb, &pmd, pool, "sec", T0) != 0)
		return -1;
	add_port(IN);
	add_port(OUT);
	secure_port();
	baseline = rte_mempool_in_use_count(pool);
	return 0;
}

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
	assert_int_equal(rte_mempool_in_use_count(pool), baseline);
	return 0;
}

/*
 * Send @m in on port 1. Returns PASS when it reached port 2, else the one
 * drop reason counted on port 1 (and nothing was sent).
 */
static int
verdict(struct rte_mbuf *m)
{
	uint64_t before[VSW_DROP_MAX];
	int why = -1, d;

	memcpy(before, pmd.ctr[IN].drops, sizeof(before));
	vsw_input(&pmd, &snap, IN, &m, 1);
	for (d = 0; d < VSW_DROP_MAX; d++) {
		if (pmd.ctr[IN].drops[d] == before[d])
			continue;
		assert_int_equal(pmd.ctr[IN].drops[d], before[d] + 1);
		assert_int_equal(why, -1);
		why = d;
	}
	if (why < 0) {
		assert_int_equal(pmd.tx[OUT].n, 1);
		why = PASS;
	} else {
		assert_int_equal(pmd.n_dirty, 0);
	}
	flush_tx();
	return why;
}

/* ---------------------------------------------------------------------- */
/* MAC                                                                    */

static void
test_mac(void **state)
{
	struct vsw_port_security *sec = &snap.ports[IN].sec;
	struct rte_mbuf *m;

	(void)state;
	assert_int_equal(verdict(udp4(&mac_a, "10.0.0.5")), PASS);
	assert_int_equal(verdict(udp4(&mac_b, "10.0.0.5")), VSW_DROP_SPOOF_MAC);
	/* Other ethertypes: the MAC check only. */
	m = vsw_test_frame(pool, &bcast, &mac_a, -1, 0x88cc, 46);
	assert_int_equal(verdict(m), PASS);
	m = vsw_test_frame(pool, &bcast, &mac_b, 10, 0x88cc, 46);
	assert_int_equal(verdict(m), VSW_DROP_SPOOF_MAC);
	/* A second allowed MAC. */
	sec->macs[sec->n_macs++] = mac_b;
	assert_int_equal(verdict(udp4(&mac_b, "10.0.0.5")), PASS);
	/* Disabled: anything goes, the lists are ignored. */
	sec->n_macs = 1;
	sec->enabled = false;
	assert_int_equal(verdict(udp4(&mac_b, "10.9.9.9")), PASS);
	/* A runt is malformed before any check; port 2 (unsecured) too. */
	sec->enabled = true;
	m = rte_pktmbuf_alloc(pool);
	assert_non_null(rte_pktmbuf_append(m, 13));
	memset(rte_pktmbuf_mtod(m, uint8_t *), 0, 13);
	assert_int_equal(verdict(m), VSW_DROP_MALFORMED);
	/* Only port 1 is secured. */
	m = udp4(&mac_b, "10.9.9.9");
	vsw_input(&pmd, &snap, OUT, &m, 1);
	assert_int_equal(pmd.tx[IN].n, 1);
}

/* ---------------------------------------------------------------------- */
/* IPv4                                                                   */

static void
test_ip4(void **state)
{
	struct vsw_port_security *sec = &snap.ports[IN].sec;

	(void)state;
	assert_int_equal(verdict(udp4(&mac_a, "10.0.0.5")), PASS);
	assert_int_equal(verdict(udp4(&mac_a, "10.0.0.6")), VSW_DROP_SPOOF_IP);
	assert_int_equal(verdict(udp4(&mac_a, "10.0.0.4")), VSW_DROP_SPOOF_IP);
	/* The /24 */
	assert_int_equal(verdict(udp4(&mac_a, "192.168.1.0")), PASS);
	assert_int_equal(verdict(udp4(&mac_a, "192.168.1.254")), PASS);
	assert_int_equal(verdict(udp4(&mac_a, "192.168.2.1")), VSW_DROP_SPOOF_IP);
	assert_int_equal(verdict(udp4(&mac_a, "192.168.0.255")), VSW_DROP_SPOOF_IP);
	/* Tagged frames are checked past the tag. */
	assert_int_equal(verdict(ip4_frame(&mac_a, 10, "10.0.0.6", "10.0.0.1", PROTO_TCP, 1, 2)),
			 VSW_DROP_SPOOF_IP);
	assert_int_equal(verdict(ip4_frame(&mac_a, 10, "10.0.0.5", "10.0.0.1", PROTO_TCP, 1, 2)),
			 PASS);

	/* No IPv4 list: any IPv4 source passes (the MAC is still checked). */
	sec->n_ip4 = 0;
	assert_int_equal(verdict(udp4(&mac_a, "10.0.0.6")), PASS);
	assert_int_equal(verdict(udp4(&mac_b, "10.0.0.6")), VSW_DROP_SPOOF_MAC);
}

static void
test_ip4_dhcp(void **state)
{
	(void)state;
	/* A DHCP discover: 0.0.0.0:68 -> 255.255.255.255:67. */
	assert_int_equal(verdict(ip4_frame(&mac_a, -1, "0.0.0.0", "255.255.255.255", PROTO_UDP,
					   68, 67)), PASS);
	assert_int_equal(verdict(ip4_frame(&mac_a, 10, "0.0.0.0", "255.255.255.255", PROTO_UDP,
					   68, 67)), PASS);
	/* Anything else from 0.0.0.0 is not. */
	assert_int_equal(verdict(ip4_frame(&mac_a, -1, "0.0.0.0", "255.255.255.255", PROTO_UDP,
					   1234, 67)), VSW_DROP_SPOOF_IP);
	assert_int_equal(verdict(ip4_frame(&mac_a, -1, "0.0.0.0", "255.255.255.255", PROTO_UDP,
					   68, 68)), VSW_DROP_SPOOF_IP);
	assert_int_equal(verdict(ip4_frame(&mac_a, -1, "0.0.0.0", "10.0.0.1", PROTO_UDP, 68, 67)),
			 VSW_DROP_SPOOF_IP);
	assert_int_equal(verdict(ip4_frame(&mac_a, -1, "0.0.0.0", "255.255.255.255", PROTO_TCP,
					   68, 67)), VSW_DROP_SPOOF_IP);
	/* Nor from the MAC of another. */
	assert_int_equal(verdict(ip4_frame(&mac_b, -1, "0.0.0.0", "255.255.255.255", PROTO_UDP,
					   68, 67)), VSW_DROP_SPOOF_MAC);
}

static void
test_ip4_malformed(void **state)
{
	struct rte_mbuf *m;
	struct pkt p;

	(void)state;
	/* Cut inside the IPv4 header. */
	ip4_pkt(&p, &mac_a, -1, "10.0.0.5", "10.0.0.1", PROTO_UDP, 1, 2);
	p.n = 14 + 19;
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_MALFORMED);
	/* IHL 4, and version 5. */
	ip4_pkt(&p, &mac_a, -1, "10.0.0.5", "10.0.0.1", PROTO_UDP, 1, 2);
	p.b[14] = 0x44;
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_MALFORMED);
	p.b[14] = 0x55;
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_MALFORMED);
	/* A DHCP-looking frame cut before its UDP ports: no exception. */
	ip4_pkt(&p, &mac_a, -1, "0.0.0.0", "255.255.255.255", PROTO_UDP, 68, 67);
	p.n = 14 + 20 + 3;
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_SPOOF_IP);
	/* A truncated VLAN tag. */
	m = vsw_test_frame(pool, &bcast, &mac_a, 10, ETH_IP4, 0);
	rte_pktmbuf_trim(m, 2);
	assert_int_equal(verdict(m), VSW_DROP_MALFORMED);
}

/* ---------------------------------------------------------------------- */
/* ARP                                                                    */

static void
test_arp(void **state)
{
	struct vsw_port_security *sec = &snap.ports[IN].sec;
	struct rte_mbuf *m;

	(void)state;
	assert_int_equal(verdict(arp_frame(&mac_a, &mac_a, "10.0.0.5", 1)), PASS);
	assert_int_equal(verdict(arp_frame(&mac_a, &mac_a, "192.168.1.9", 1)), PASS);
	/* Probe (RFC 5227): sender IP 0.0.0.0. */
	assert_int_equal(verdict(arp_frame(&mac_a, &mac_a, "0.0.0.0", 1)), PASS);
	/* Sender MAC other than the frame's source. */
	assert_int_equal(verdict(arp_frame(&mac_a, &mac_b, "10.0.0.5", 1)), VSW_DROP_SPOOF_ARP);
	/* Sender IP not allowed. */
	assert_int_equal(verdict(arp_frame(&mac_a, &mac_a, "10.0.0.9", 1)), VSW_DROP_SPOOF_ARP);
	/* Not Ethernet/IPv4 ARP: cannot be verified. */
	assert_int_equal(verdict(arp_frame(&mac_a, &mac_a, "10.0.0.5", 6)), VSW_DROP_SPOOF_ARP);
	/* Truncated. */
	m = arp_frame(&mac_a, &mac_a, "10.0.0.5", 1);
	rte_pktmbuf_trim(m, 1);
	assert_int_equal(verdict(m), VSW_DROP_MALFORMED);
	/* No IPv4 list: the sender IP is free, the sender MAC is not. */
	sec->n_ip4 = 0;
	assert_int_equal(verdict(arp_frame(&mac_a, &mac_a, "10.0.0.9", 1)), PASS);
	assert_int_equal(verdict(arp_frame(&mac_a, &mac_b, "10.0.0.9", 1)), VSW_DROP_SPOOF_ARP);
}

/* ---------------------------------------------------------------------- */
/* IPv6 and ND                                                            */

static void
test_ip6(void **state)
{
	struct vsw_port_security *sec = &snap.ports[IN].sec;
	struct rte_mbuf *m;
	struct pkt p;

	(void)state;
	assert_int_equal(verdict(udp6(&mac_a, "2001:db8::5")), PASS);
	assert_int_equal(verdict(udp6(&mac_a, "2001:db8::6")), VSW_DROP_SPOOF_IP);
	/* The /48 */
	assert_int_equal(verdict(udp6(&mac_a, "2001:db8:1:ffff::1")), PASS);
	assert_int_equal(verdict(udp6(&mac_a, "2001:db8:2::1")), VSW_DROP_SPOOF_IP);
	/* A prefix that ends inside a byte: 2001:db8:8000::/33. */
	set_ip6(sec, "2001:db8:8000::", 33);
	assert_int_equal(vsw_port_security_validate(sec, NULL, 0), 0);
	assert_int_equal(verdict(udp6(&mac_a, "2001:db8:8000::1")), PASS);
	assert_int_equal(verdict(udp6(&mac_a, "2001:db8:ffff::1")), PASS);
	assert_int_equal(verdict(udp6(&mac_a, "2001:db8:7fff::1")), VSW_DROP_SPOOF_IP);
	assert_int_equal(verdict(udp6(&mac_a, "2001:db9:8000::1")), VSW_DROP_SPOOF_IP);
	/* Link-local fe80::/10, and :: (DAD). */
	assert_int_equal(verdict(udp6(&mac_a, "fe80::1")), PASS);
	assert_int_equal(verdict(udp6(&mac_a, "febf::1")), PASS);
	assert_int_equal(verdict(udp6(&mac_a, "fec0::1")), VSW_DROP_SPOOF_IP);
	assert_int_equal(verdict(udp6(&mac_a, "::")), PASS);
	assert_int_equal(verdict(udp6(&mac_a, "::1")), VSW_DROP_SPOOF_IP);
	assert_int_equal(verdict(udp6(&mac_b, "2001:db8::5")), VSW_DROP_SPOOF_MAC);
	/* Tagged. */
	ip6_hdr(&p, &mac_a, 20, "2001:db8::7", "2001:db8::1", PROTO_UDP, 8);
	zeros(&p, 8);
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_SPOOF_IP);
	/* Truncated header, and a bad version. */
	m = udp6(&mac_a, "2001:db8::5");
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - (14 + 39));
	assert_int_equal(verdict(m), VSW_DROP_MALFORMED);
	ip6_hdr(&p, &mac_a, -1, "2001:db8::5", "2001:db8::1", PROTO_UDP, 8);
	zeros(&p, 8);
	p.b[14] = 0x40;
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_MALFORMED);
	/* No IPv6 list: any source. */
	sec->n_ip6 = 0;
	assert_int_equal(verdict(udp6(&mac_a, "2001:db8::6")), PASS);
}

static void
test_nd(void **state)
{
	(void)state;
	/* NS from an allowed address, SLL = the frame's source. */
	assert_int_equal(verdict(nd_frame(&mac_a, "2001:db8::5", ND_NS, "2001:db8::1", 1, &mac_a)),
			 PASS);
	assert_int_equal(verdict(nd_frame(&mac_a, "fe80::5", ND_NS, "fe80::1", 1, &mac_a)), PASS);
	/* NS with the SLL of another MAC. */
	assert_int_equal(verdict(nd_frame(&mac_a, "2001:db8::5", ND_NS, "2001:db8::1", 1, &mac_b)),
			 VSW_DROP_SPOOF_ND);
	/* DAD: from ::, no option, any target. */
	assert_int_equal(verdict(nd_frame(&mac_a, "::", ND_NS, "2001:db8::5", 0, NULL)), PASS);
	/* NA of an allowed target with TLL = the frame's source. */
	assert_int_equal(verdict(nd_frame(&mac_a, "2001:db8::5", ND_NA, "2001:db8::5", 2, &mac_a)),
			 PASS);
	assert_int_equal(verdict(nd_frame(&mac_a, "fe80::5", ND_NA, "2001:db8:1::77", 2, &mac_a)),
			 PASS);
	/* NA with the TLL of another MAC. */
	assert_int_equal(verdict(nd_frame(&mac_a, "2001:db8::5", ND_NA, "2001:db8::5", 2, &mac_b)),
			 VSW_DROP_SPOOF_ND);
	/* NA for a target the port does not own (cache poisoning). */
	assert_int_equal(verdict(nd_frame(&mac_a, "fe80::5", ND_NA, "2001:db8::99", 2, &mac_a)),
			 VSW_DROP_SPOOF_ND);
	assert_int_equal(verdict(nd_frame(&mac_a, "fe80::5", ND_NA, "2001:db8::99", 0, NULL)),
			 VSW_DROP_SPOOF_ND);
	/* A link-local target is fine. */
	assert_int_equal(verdict(nd_frame(&mac_a, "fe80::5", ND_NA, "fe80::5", 2, &mac_a)), PASS);
	/* Either option type is checked in either message. */
	assert_int_equal(verdict(nd_frame(&mac_a, "fe80::5", ND_NA, "fe80::5", 1, &mac_b)),
			 VSW_DROP_SPOOF_ND);
	/* Not NS/NA: no ND check (the source check still applies). */
	assert_int_equal(verdict(nd_frame(&mac_a, "fe80::5", ND_RS, "::", 1, &mac_b)), PASS);
	assert_int_equal(verdict(nd_frame(&mac_a, "2001:db8::6", ND_NS, "::", 1, &mac_a)),
			 VSW_DROP_SPOOF_IP);
}

static void
test_nd_options(void **state)
{
	struct vsw_port_security *sec = &snap.ports[IN].sec;
	uint8_t opts[32];
	struct rte_mbuf *m;
	struct pkt p;

	(void)state;
	/* A nonce option (14, 8 bytes) before the SLL: walked past. */
	memset(opts, 0, sizeof(opts));
	opts[0] = 14;
	opts[1] = 1;
	lla_opt(opts + 8, 1, &mac_b);
	nd_pkt(&p, &mac_a, "2001:db8::5", ND_NS, "2001:db8::1", opts, 16);
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_SPOOF_ND);
	lla_opt(opts + 8, 1, &mac_a);
	nd_pkt(&p, &mac_a, "2001:db8::5", ND_NS, "2001:db8::1", opts, 16);
	assert_int_equal(verdict(to_mbuf(&p)), PASS);
	/* A 16-byte option, then a bad SLL. */
	memset(opts, 0, sizeof(opts));
	opts[0] = 14;
	opts[1] = 2;
	lla_opt(opts + 16, 2, &mac_b);
	nd_pkt(&p, &mac_a, "2001:db8::5", ND_NA, "2001:db8::5", opts, 24);
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_SPOOF_ND);
	/* Option length 0: would loop forever; malformed. */
	memset(opts, 0, sizeof(opts));
	opts[0] = 1;
	nd_pkt(&p, &mac_a, "2001:db8::5", ND_NS, "2001:db8::1", opts, 8);
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_MALFORMED);
	/* Option running past the message (length 2 = 16 bytes, 8 there). */
	lla_opt(opts, 1, &mac_a);
	opts[1] = 2;
	nd_pkt(&p, &mac_a, "2001:db8::5", ND_NS, "2001:db8::1", opts, 8);
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_MALFORMED);
	/* A lone byte after the last option. */
	lla_opt(opts, 1, &mac_a);
	nd_pkt(&p, &mac_a, "2001:db8::5", ND_NS, "2001:db8::1", opts, 8);
	p.b[14 + 4] = 0;
	p.b[14 + 5] = 24 + 9;	/* payload length one more than the options */
	put8(&p, 1);
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_MALFORMED);
	/* Payload length beyond the frame. */
	m = nd_frame(&mac_a, "2001:db8::5", ND_NS, "2001:db8::1", 1, &mac_a);
	rte_pktmbuf_trim(m, 4);
	assert_int_equal(verdict(m), VSW_DROP_MALFORMED);
	/* An NA whose payload length stops inside its fixed part, in a frame
	 * long enough for the rest (Ethernet padding): malformed too. */
	nd_pkt(&p, &mac_a, "2001:db8::5", ND_NA, "2001:db8::99", NULL, 0);
	p.b[14 + 5] = 16;
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_MALFORMED);
	/* An NS shorter than its fixed part. */
	nd_pkt(&p, &mac_a, "2001:db8::5", ND_NS, "2001:db8::1", NULL, 0);
	p.n -= 8;
	p.b[14 + 5] = 16;
	assert_int_equal(verdict(to_mbuf(&p)), VSW_DROP_MALFORMED);
	/* Link-layer options are checked even without an IPv6 list. */
	sec->n_ip6 = 0;
	assert_int_equal(verdict(nd_frame(&mac_a, "2001:db8::9", ND_NA, "2001:db8::9", 2, &mac_a)),
			 PASS);
	assert_int_equal(verdict(nd_frame(&mac_a, "2001:db8::9", ND_NA, "2001:db8::9", 2, &mac_b)),
			 VSW_DROP_SPOOF_ND);
}

/* ---------------------------------------------------------------------- */
/* Chained mbufs, ordering with learning and flows                        */

static void
test_chained(void **state)
{
	struct pkt p;
	uint32_t split;

	(void)state;
	/* Split inside the IPv4 header, the source address included. */
	for (split = 14; split < 14 + 20; split += 3) {
		ip4_pkt(&p, &mac_a, -1, "10.0.0.6", "10.0.0.1", PROTO_UDP, 1, 2);
		assert_int_equal(verdict(to_chain(&p, split)), VSW_DROP_SPOOF_IP);
		ip4_pkt(&p, &mac_a, -1, "10.0.0.5", "10.0.0.1", PROTO_UDP, 1, 2);
		assert_int_equal(verdict(to_chain(&p, split)), PASS);
		ip4_pkt(&p, &mac_b, -1, "10.0.0.5", "10.0.0.1", PROTO_UDP, 1, 2);
		assert_int_equal(verdict(to_chain(&p, split)), VSW_DROP_SPOOF_MAC);
	}
	/* Split inside the Ethernet header (the pipeline itself wants it in
	 * the first segment, so only refusals are seen here). */
	ip4_pkt(&p, &mac_b, -1, "10.0.0.5", "10.0.0.1", PROTO_UDP, 1, 2);
	assert_int_equal(verdict(to_chain(&p, 9)), VSW_DROP_SPOOF_MAC);
	ip4_pkt(&p, &mac_a, 10, "10.0.0.6", "10.0.0.1", PROTO_UDP, 1, 2);
	assert_int_equal(verdict(to_chain(&p, 13)), VSW_DROP_SPOOF_IP);
	/* DHCP ports in the second segment. */
	ip4_pkt(&p, &mac_a, -1, "0.0.0.0", "255.255.255.255", PROTO_UDP, 68, 67);
	assert_int_equal(verdict(to_chain(&p, 14 + 21)), PASS);
	/* An NA whose TLL option straddles the two segments. */
	{
		uint8_t opt[8];

		lla_opt(opt, 2, &mac_b);
		nd_pkt(&p, &mac_a, "2001:db8::5", ND_NA, "2001:db8::5", opt, 8);
		assert_int_equal(verdict(to_chain(&p, p.n - 4)), VSW_DROP_SPOOF_ND);
		lla_opt(opt, 2, &mac_a);
		nd_pkt(&p, &mac_a, "2001:db8::5", ND_NA, "2001:db8::5", opt, 8);
		assert_int_equal(verdict(to_chain(&p, p.n - 4)), PASS);
		/* The NA target across segments. */
		nd_pkt(&p, &mac_a, "2001:db8::5", ND_NA, "2001:db8::99", opt, 8);
		assert_int_equal(verdict(to_chain(&p, 14 + 40 + 12)), VSW_DROP_SPOOF_ND);
	}
}

static void
test_before_learning_and_flows(void **state)
{
	struct vsw_flow_rule r;
	struct vsw_flow_table *t;
	struct vsw_fdb_stats s;
	struct rte_mbuf *pkts[4];
	uint64_t packets, bytes;

	(void)state;
	/* A spoofed frame is not learned: neither its MAC nor its port. */
	assert_int_equal(verdict(udp4(&mac_b, "10.0.0.5")), VSW_DROP_SPOOF_MAC);
	assert_int_equal(verdict(udp4(&mac_a, "10.0.0.6")), VSW_DROP_SPOOF_IP);
	assert_int_equal(pmd.pmd.learn_requests, 0);
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 0);
	vsw_fdb_get_stats(fdb, &s);
	assert_int_equal(s.n_entries, 0);
	assert_int_equal(verdict(udp4(&mac_a, "10.0.0.5")), PASS);
	assert_int_equal(pmd.pmd.learn_requests, 1);

	/* Nor does it reach the flow table. */
	memset(&r, 0, sizeof(r));
	r.id = 7;
	r.n_actions = 1;
	r.actions[0].type = VSW_ACT_NORMAL;
	t = vsw_flow_table_build(&r, 1, SOCKET_ID_ANY);
	assert_non_null(t);
	snap.bridges[BR].flows = t;
	/* One burst: spoofed frames are removed, the others go on in order. */
	pkts[0] = udp4(&mac_b, "10.0.0.5");
	pkts[1] = udp4(&mac_a, "10.0.0.5");
	pkts[2] = arp_frame(&mac_a, &mac_b, "10.0.0.5", 1);
	pkts[3] = udp4(&mac_a, "192.168.1.3");
	vsw_input(&pmd, &snap, IN, pkts, 4);
	assert_int_equal(pmd.tx[OUT].n, 2);
	assert_int_equal(pmd.pmd.flow_lookups, 2);
	vsw_pmd_flow_counters(&pmd, 7, &packets, &bytes);
	assert_int_equal(packets, 2);
	assert_int_equal(pmd.ctr[IN].drops[VSW_DROP_SPOOF_MAC], 2);
	assert_int_equal(pmd.ctr[IN].drops[VSW_DROP_SPOOF_ARP], 1);
	assert_int_equal(pmd.ctr[IN].rx_packets, 7);
	flush_tx();
	snap.bridges[BR].flows = NULL;
	vsw_flow_table_free(t);
}

/* ---------------------------------------------------------------------- */
/* Validation                                                             */

static void
expect_invalid(const struct vsw_port_security *sec, const char *reason)
{
	char err[160] = "";

	assert_int_equal(vsw_port_security_validate(sec, err, sizeof(err)), -EINVAL);
	if (strstr(err, reason) == NULL)
		fail_msg("error '%s' does not mention '%s'", err, reason);
}

static void
test_validate(void **state)
{
	struct vsw_port_security good = *secure_port(), s;
	struct rte_ether_addr mc = { .addr_bytes = { 0x01, 0x00, 0x5e, 0, 0, 1 } };
	struct rte_ether_addr zero = { .addr_bytes = { 0 } };

	(void)state;
	assert_int_equal(vsw_port_security_validate(&good, NULL, 0), 0);
	/* Nothing configured, disabled: fine. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(vsw_port_security_validate(&s, NULL, 0), 0);
	/* Enabled with no MAC would drop everything. */
	s.enabled = true;
	expect_invalid(&s, "at least one allowed MAC");

	/* Too many entries (checked even when disabled). */
	s = good;
	s.n_macs = VSW_SEC_MAX_MACS + 1;
	expect_invalid(&s, "too many allowed MACs");
	s.enabled = false;
	expect_invalid(&s, "too many allowed MACs");
	s = good;
	s.n_ip4 = VSW_SEC_MAX_IPS + 1;
	expect_invalid(&s, "too many allowed IPv4");
	s = good;
	s.n_ip6 = VSW_SEC_MAX_IPS + 1;
	expect_invalid(&s, "too many allowed IPv6");
	/* The maximum is fine. */
	s = good;
	s.n_macs = VSW_SEC_MAX_MACS;
	s.n_ip4 = VSW_SEC_MAX_IPS;
	s.n_ip6 = VSW_SEC_MAX_IPS;
	for (unsigned int i = 1; i < VSW_SEC_MAX_MACS; i++)
		s.macs[i] = vsw_test_mac((uint8_t)(0x40 + i));
	assert_int_equal(vsw_port_security_validate(&s, NULL, 0), 0);

	/* MACs. */
	s = good;
	s.macs[0] = mc;
	expect_invalid(&s, "01:00:5E:00:00:01 is multicast");
	s.macs[0] = bcast;
	expect_invalid(&s, "is broadcast");
	s.macs[0] = zero;
	expect_invalid(&s, "all zeros");

	/* IPv4 masks and host bits. */
	s = good;
	s.ip4[1].mask = rte_cpu_to_be_32(0xff00ff00);
	s.ip4[1].addr = rte_cpu_to_be_32(0xc0000100);
	expect_invalid(&s, "192.0.1.0: mask is not a prefix");
	s = good;
	s.ip4[1].addr = rte_cpu_to_be_32(ip4("192.168.1.1"));
	expect_invalid(&s, "192.168.1.1 has bits outside its /24 prefix");
	s = good;
	s.ip4[0].mask = 0;
	s.ip4[0].addr = 0;
	assert_int_equal(vsw_port_security_validate(&s, NULL, 0), 0);	/* 0.0.0.0/0 */

	/* IPv6 prefix lengths and host bits. */
	s = good;
	s.ip6[0].plen = 129;
	expect_invalid(&s, "prefix length 129 above 128");
	s = good;
	s.ip6[1].plen = 47;	/* 2001:db8:1:: has bit 47 set */
	expect_invalid(&s, "2001:db8:1:: has bits outside its /47 prefix");
	s.ip6[1].plen = 32;
	expect_invalid(&s, "2001:db8:1:: has bits outside its /32 prefix");
	ip6("2001:db8:4::", s.ip6[1].addr);	/* bit 45 */
	s.ip6[1].plen = 46;
	assert_int_equal(vsw_port_security_validate(&s, NULL, 0), 0);
	s.ip6[1].plen = 45;
	expect_invalid(&s, "outside its /45 prefix");
	ip6("2001:db8::1", s.ip6[1].addr);
	s.ip6[1].plen = 127;
	expect_invalid(&s, "outside its /127 prefix");
	s.ip6[1].plen = 128;
	assert_int_equal(vsw_port_security_validate(&s, NULL, 0), 0);
	s.ip6[1].plen = 0;
	expect_invalid(&s, "outside its /0 prefix");
	assert_int_equal(vsw_port_security_validate(NULL, NULL, 0), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip4_dhcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip4_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nd_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_before_learning_and_flows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validate, setup, teardown),
	};

	mac_a = vsw_test_mac(0xa);
	mac_b = vsw_test_mac(0xb);
	return VSW_TEST_RUN("vsw_sec", tests, 1023, &pool, NULL);
}
