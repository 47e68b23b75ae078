/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vnf_fwd.c: ep-vnf-fwd's fast path (vnf/apps/fwd/vnf_fwd.c, vnf_fw.c)
 * on hand-built mbufs: l3 routing (longest prefix, next-hop MACs, TTL and
 * the incremental checksum), ARP replies, every drop reason, the firewall's
 * order, ranges and default, and the l2 cross-connect with MAC rewrite.
 * EAL runs without hugepages. After every test the mempool in-use count
 * is back to zero: nothing leaks, dropped frames included.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "vnf_fwd.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static struct rte_mempool *pool;
static struct vnf_config *cfg;
static struct vnf_fwd *fwd;
static struct vnf_out out;

static const struct rte_ether_addr mac0 = { .addr_bytes = { 0x02, 0, 0, 0, 1, 1 } };
static const struct rte_ether_addr mac1 = { .addr_bytes = { 0x02, 0, 0, 0, 1, 2 } };
static const struct rte_ether_addr peer = { .addr_bytes = { 0x02, 0, 0, 0, 0, 9 } };
static const struct rte_ether_addr bcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff,
							     0xff } };

static const char *l3_config =
	"{\"mode\":\"l3\","
	" \"ports\":[{\"ip\":\"10.0.0.1/24\"},{\"ip\":\"10.1.0.1/24\"}],"
	" \"routes\":["
	"  {\"prefix\":\"10.1.0.0/16\",\"port\":1,\"next_hop_mac\":\"02:00:00:00:00:02\"},"
	"  {\"prefix\":\"10.1.2.0/24\",\"port\":0,\"next_hop_mac\":\"02:00:00:00:00:03\"},"
	"  {\"prefix\":\"10.0.0.0/24\",\"port\":0,\"next_hop_mac\":\"02:00:00:00:00:01\"}],"
	" \"firewall\":{\"default\":\"allow\",\"rules\":["
	"  {\"name\":\"ssh-ok\",\"action\":\"allow\",\"proto\":\"tcp\",\"dst_port\":22},"
	"  {\"name\":\"no-tcp-low\",\"action\":\"deny\",\"proto\":\"tcp\",\"dst_port\":\"0-1023\"},"
	"  {\"name\":\"no-host\",\"action\":\"deny\",\"src\":\"10.0.0.66/32\"},"
	"  {\"name\":\"no-discard\",\"action\":\"deny\",\"proto\":\"udp\",\"dst_port\":9,"
	"   \"src_port\":\"1000-1999\"}]}}";

struct ip_frame {
	const struct rte_ether_addr *dst;
	uint32_t src_ip, dst_ip;
	uint8_t proto, ttl;
	uint16_t sport, dport;
	uint16_t frag;		/* fragment offset field, host order */
};

static struct rte_mbuf *
build_ip(const struct ip_frame *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	uint16_t *l4;
	uint8_t *p;

	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, 14 + 20 + 8 + 26);
	assert_non_null(p);
	memset(p, 0, 14 + 20 + 8 + 26);
	eh = (struct rte_ether_hdr *)p;
	eh->dst_addr = *f->dst;
	eh->src_addr = peer;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eh + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(20 + 8 + 26);
	ip->time_to_live = f->ttl;
	ip->next_proto_id = f->proto;
	ip->fragment_offset = rte_cpu_to_be_16(f->frag);
	ip->src_addr = rte_cpu_to_be_32(f->src_ip);
	ip->dst_addr = rte_cpu_to_be_32(f->dst_ip);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	l4 = (uint16_t *)(ip + 1);
	l4[0] = rte_cpu_to_be_16(f->sport);
	l4[1] = rte_cpu_to_be_16(f->dport);
	return m;
}

static struct rte_mbuf *
build_udp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint8_t ttl)
{
	struct ip_frame f = { .dst = &mac0, .src_ip = src, .dst_ip = dst, .proto = IPPROTO_UDP,
			      .ttl = ttl, .sport = sport, .dport = dport };

	return build_ip(&f);
}

static struct rte_mbuf *
build_arp(uint16_t op, uint32_t sip, uint32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t frame[60] = { 0 };
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)frame;
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(eh + 1);

	assert_non_null(m);
	eh->dst_addr = bcast;
	eh->src_addr = peer;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	ah->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = 6;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(op);
	ah->arp_data.arp_sha = peer;
	ah->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	ah->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	assert_non_null(rte_pktmbuf_append(m, sizeof(frame)));
	memcpy(rte_pktmbuf_mtod(m, void *), frame, sizeof(frame));
	return m;
}

static struct rte_ipv4_hdr *
ip_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
}

/* Process one frame from @in_port. */
static void
one(uint16_t in_port, struct rte_mbuf *m)
{
	vnf_fwd_burst(fwd, in_port, &m, 1, &out);
}

static void
free_out(void)
{
	for (int p = 0; p < VNF_MAX_PORTS; p++) {
		rte_pktmbuf_free_bulk(out.pkts[p], out.n[p]);
		out.n[p] = 0;
	}
}

static int
start(const char *json)
{
	struct rte_ether_addr macs[2] = { mac0, mac1 };
	char err[256];

	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL || vnf_config_parse(json, cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "config: %s\n", err);
		return -1;
	}
	fwd = vnf_fwd_create(cfg, macs, "test_routes");
	memset(&out, 0, sizeof(out));
	return fwd == NULL ? -1 : 0;
}

static int
setup_l3(void **state)
{
	(void)state;
	return start(l3_config);
}

static int
teardown(void **state)
{
	(void)state;
	free_out();
	vnf_fwd_free(fwd);
	fwd = NULL;
	free(cfg);
	cfg = NULL;
	/* Every frame was either sent (and freed above) or dropped and freed. */
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
	return 0;
}

static void
test_l3_forward(void **state)
{
	struct rte_mbuf *m = build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 5000, 6000, 64);
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;

	(void)state;
	one(0, m);
	assert_int_equal(out.n[1], 1);
	assert_int_equal(out.n[0], 0);
	assert_ptr_equal(out.pkts[1][0], m);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	assert_int_equal(eh->dst_addr.addr_bytes[5], 2);	/* next hop of 10.1.0.0/16 */
	assert_true(rte_is_same_ether_addr(&eh->src_addr, &mac1));
	ip = ip_of(m);
	assert_int_equal(ip->time_to_live, 63);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(fwd->stats[0].rx, 1);
	assert_int_equal(fwd->default_hits, 1);
}

static void
test_l3_longest_prefix(void **state)
{
	struct ip_frame f = { .dst = &mac1, .src_ip = IP(10, 1, 0, 9), .proto = IPPROTO_UDP,
			      .ttl = 10, .sport = 1, .dport = 2 };

	(void)state;
	/* 10.1.2.0/24 is more specific than 10.1.0.0/16: out of port 0, hop :03. */
	f.dst_ip = IP(10, 1, 2, 7);
	one(1, build_ip(&f));
	f.dst_ip = IP(10, 1, 3, 7);
	one(1, build_ip(&f));
	f.dst_ip = IP(10, 0, 0, 200);
	one(1, build_ip(&f));
	assert_int_equal(out.n[0], 2);
	assert_int_equal(out.n[1], 1);
	assert_int_equal(rte_pktmbuf_mtod(out.pkts[0][0], struct rte_ether_hdr *)
				 ->dst_addr.addr_bytes[5], 3);
	assert_int_equal(rte_pktmbuf_mtod(out.pkts[0][1], struct rte_ether_hdr *)
				 ->dst_addr.addr_bytes[5], 1);
	assert_int_equal(rte_pktmbuf_mtod(out.pkts[1][0], struct rte_ether_hdr *)
				 ->dst_addr.addr_bytes[5], 2);
	assert_int_equal(fwd->stats[1].rx, 3);
}

static void
test_l3_drops(void **state)
{
	struct rte_mbuf *m;
	struct ip_frame f = { .dst = &peer, .src_ip = IP(10, 0, 0, 2), .dst_ip = IP(10, 1, 0, 5),
			      .proto = IPPROTO_UDP, .ttl = 64 };

	(void)state;
	one(0, build_udp(IP(10, 0, 0, 2), IP(192, 168, 0, 1), 1, 2, 64));	/* no route */
	one(0, build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1, 2, 1));		/* ttl 1 */
	one(0, build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1, 2, 0));		/* ttl 0 */
	one(0, build_ip(&f));						/* other MAC */
	one(0, build_udp(IP(10, 0, 0, 2), IP(10, 0, 0, 1), 1, 2, 64));	/* to us */
	one(0, build_udp(IP(10, 0, 0, 2), IP(224, 0, 0, 5), 1, 2, 64));	/* multicast */
	one(0, build_udp(IP(10, 0, 0, 2), IP(255, 255, 255, 255), 1, 2, 64));

	m = build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1, 2, 64);	/* bad checksum */
	ip_of(m)->hdr_checksum ^= 1;
	one(0, m);
	m = build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1, 2, 64);	/* IHL 4 */
	ip_of(m)->version_ihl = 0x44;
	one(0, m);
	m = build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1, 2, 64);	/* version 6 */
	ip_of(m)->version_ihl = 0x65;
	one(0, m);
	m = build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1, 2, 64);	/* total_length > frame */
	ip_of(m)->total_length = rte_cpu_to_be_16(200);
	ip_of(m)->hdr_checksum = 0;
	ip_of(m)->hdr_checksum = rte_ipv4_cksum(ip_of(m));
	one(0, m);
	m = build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1, 2, 64);	/* truncated */
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - 20);
	one(0, m);
	m = build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1, 2, 64);	/* IPv6: not routed */
	rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	one(0, m);

	assert_int_equal(out.n[0] + out.n[1], 0);
	assert_int_equal(fwd->stats[0].rx, 13);
	assert_int_equal(fwd->stats[0].drops[VNF_DROP_NO_ROUTE], 1);
	assert_int_equal(fwd->stats[0].drops[VNF_DROP_TTL], 2);
	assert_int_equal(fwd->stats[0].drops[VNF_DROP_NOT_LOCAL_MAC], 1);
	assert_int_equal(fwd->stats[0].drops[VNF_DROP_UNSUPPORTED], 4);
	assert_int_equal(fwd->stats[0].drops[VNF_DROP_MALFORMED], 5);
	assert_int_equal(fwd->stats[0].drops[VNF_DROP_FW_DENY], 0);
	assert_int_equal(fwd->stats[1].rx, 0);
}

static void
test_l3_default_route(void **state)
{
	(void)state;
	teardown(state);
	assert_int_equal(start("{\"mode\":\"l3\",\"ports\":[{\"ip\":\"10.0.0.1/24\"},"
			       "{\"ip\":\"10.1.0.1/24\"}],\"routes\":["
			       "{\"prefix\":\"0.0.0.0/0\",\"port\":1,"
			       "\"next_hop_mac\":\"02:00:00:00:00:07\"},"
			       "{\"prefix\":\"10.0.0.0/24\",\"port\":0,"
			       "\"next_hop_mac\":\"02:00:00:00:00:01\"}]}"), 0);
	one(0, build_udp(IP(10, 0, 0, 2), IP(192, 168, 7, 7), 1, 2, 64));
	one(0, build_udp(IP(10, 0, 0, 2), IP(10, 0, 0, 9), 1, 2, 64));
	assert_int_equal(out.n[1], 1);
	assert_int_equal(out.n[0], 1);
	assert_int_equal(rte_pktmbuf_mtod(out.pkts[1][0], struct rte_ether_hdr *)
				 ->dst_addr.addr_bytes[5], 7);
	assert_int_equal(fwd->stats[0].drops[VNF_DROP_NO_ROUTE], 0);
}

static void
test_arp(void **state)
{
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;

	(void)state;
	one(1, build_arp(RTE_ARP_OP_REQUEST, IP(10, 1, 0, 2), IP(10, 1, 0, 1)));
	assert_int_equal(out.n[1], 1);
	eh = rte_pktmbuf_mtod(out.pkts[1][0], struct rte_ether_hdr *);
	ah = (struct rte_arp_hdr *)(eh + 1);
	assert_true(rte_is_same_ether_addr(&eh->dst_addr, &peer));
	assert_true(rte_is_same_ether_addr(&eh->src_addr, &mac1));
	assert_int_equal(ah->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	assert_true(rte_is_same_ether_addr(&ah->arp_data.arp_sha, &mac1));
	assert_true(rte_is_same_ether_addr(&ah->arp_data.arp_tha, &peer));
	assert_int_equal(rte_be_to_cpu_32(ah->arp_data.arp_sip), IP(10, 1, 0, 1));
	assert_int_equal(rte_be_to_cpu_32(ah->arp_data.arp_tip), IP(10, 1, 0, 2));
	assert_int_equal(fwd->stats[1].arp_replies, 1);

	/* Port 0's address asked on port 1, a reply, a request for someone else. */
	one(1, build_arp(RTE_ARP_OP_REQUEST, IP(10, 1, 0, 2), IP(10, 0, 0, 1)));
	one(1, build_arp(RTE_ARP_OP_REPLY, IP(10, 1, 0, 2), IP(10, 1, 0, 1)));
	one(1, build_arp(RTE_ARP_OP_REQUEST, IP(10, 1, 0, 2), IP(10, 1, 0, 3)));
	assert_int_equal(out.n[1], 1);
	assert_int_equal(fwd->stats[1].drops[VNF_DROP_UNSUPPORTED], 3);
	assert_int_equal(fwd->stats[1].arp_replies, 1);
}

static void
test_firewall_order(void **state)
{
	struct ip_frame f = { .dst = &mac0, .src_ip = IP(10, 0, 0, 2), .dst_ip = IP(10, 1, 0, 5),
			      .proto = IPPROTO_TCP, .ttl = 64, .sport = 40000, .dport = 22 };

	(void)state;
	one(0, build_ip(&f));		/* ssh-ok before no-tcp-low: allowed */
	f.dport = 80;
	one(0, build_ip(&f));		/* no-tcp-low */
	f.dport = 1024;
	one(0, build_ip(&f));		/* above the range: default allow */
	f.src_ip = IP(10, 0, 0, 66);
	one(0, build_ip(&f));		/* no-host */
	one(0, build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1500, 9, 64));	/* no-discard */
	one(0, build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 2000, 9, 64));	/* sport outside */
	one(0, build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1500, 10, 64));	/* dport outside */

	assert_int_equal(out.n[1], 4);
	assert_int_equal(fwd->stats[0].drops[VNF_DROP_FW_DENY], 3);
	assert_int_equal(fwd->rule_hits[0], 1);
	assert_int_equal(fwd->rule_hits[1], 1);
	assert_int_equal(fwd->rule_hits[2], 1);
	assert_int_equal(fwd->rule_hits[3], 1);
	assert_int_equal(fwd->default_hits, 3);
}

static void
test_firewall_no_ports(void **state)
{
	/* Port-range rules never match ICMP or a non-first fragment. */
	struct ip_frame f = { .dst = &mac0, .src_ip = IP(10, 0, 0, 2), .dst_ip = IP(10, 1, 0, 5),
			      .proto = IPPROTO_UDP, .ttl = 64, .sport = 1500, .dport = 9 };

	(void)state;
	f.frag = 100;			/* offset 800 bytes: the "ports" are payload */
	one(0, build_ip(&f));
	f.frag = RTE_IPV4_HDR_MF_FLAG;	/* first fragment: has ports, denied */
	one(0, build_ip(&f));
	f.frag = 0;
	f.proto = IPPROTO_ICMP;
	one(0, build_ip(&f));
	assert_int_equal(out.n[1], 2);
	assert_int_equal(fwd->stats[0].drops[VNF_DROP_FW_DENY], 1);
	assert_int_equal(fwd->rule_hits[3], 1);
}

static void
test_fw_match_direct(void **state)
{
	struct vnf_5tuple t = { .src = IP(10, 0, 0, 66), .dst = IP(1, 2, 3, 4), .proto = 17,
				.has_ports = true, .sport = 1, .dport = 2 };

	(void)state;
	assert_int_equal(vnf_fw_match(&cfg->fw, &t), 2);
	t.src = IP(10, 0, 0, 67);
	assert_int_equal(vnf_fw_match(&cfg->fw, &t), -1);
	t.proto = 6;
	t.dport = 0;
	assert_int_equal(vnf_fw_match(&cfg->fw, &t), 1);
	t.dport = 1023;
	assert_int_equal(vnf_fw_match(&cfg->fw, &t), 1);
	t.dport = 22;
	assert_int_equal(vnf_fw_match(&cfg->fw, &t), 0);
	t.has_ports = false;
	assert_int_equal(vnf_fw_match(&cfg->fw, &t), -1);
}

static void
test_cksum_incremental(void **state)
{
	struct rte_ipv4_hdr ip;
	uint16_t w[sizeof(ip) / 2];
	uint32_t seed = 12345;

	(void)state;
	/* The incremental update equals a full recomputation for any header. */
	for (int i = 0; i < 200000; i++) {
		for (size_t k = 0; k < RTE_DIM(w); k++) {
			seed = seed * 1103515245u + 12345u;
			w[k] = (uint16_t)(seed >> 16);
		}
		memcpy(&ip, w, sizeof(ip));
		ip.version_ihl = RTE_IPV4_VHL_DEF;
		if (ip.time_to_live < 2)
			ip.time_to_live = 2;
		if (i < 512)	/* sweep every TTL against two fixed headers too */
			ip.time_to_live = (uint8_t)(2 + i % 254);
		ip.hdr_checksum = 0;
		ip.hdr_checksum = rte_ipv4_cksum(&ip);
		{
			uint16_t inc = vnf_cksum_ttl_dec(ip.hdr_checksum);

			ip.time_to_live--;
			ip.hdr_checksum = 0;
			if (inc != rte_ipv4_cksum(&ip)) {
				print_error("header %d: incremental %04x, full %04x\n", i, inc,
					    rte_ipv4_cksum(&ip));
				fail();
			}
		}
	}
}

static void
test_stats_json(void **state)
{
	json_t *j, *port0, *rule3;

	(void)state;
	one(0, build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1500, 9, 64));
	j = vnf_stats_json(fwd, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "mode")), "l3");
	port0 = json_array_get(json_object_get(j, "ports"), 0);
	assert_int_equal(json_integer_value(json_object_get(port0, "rx")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(port0, "drops"),
							    "fw_deny")), 1);
	assert_null(json_object_get(port0, "rx_missed"));
	rule3 = json_array_get(json_object_get(json_object_get(j, "firewall"), "rules"), 3);
	assert_int_equal(json_integer_value(json_object_get(rule3, "hits")), 1);
	assert_string_equal(json_string_value(json_object_get(rule3, "name")), "no-discard");
	assert_string_equal(json_string_value(json_object_get(rule3, "action")), "deny");
	json_decref(j);
}

/* ------------------------------------------------------------------- l2 */

static int
setup_l2(void **state)
{
	(void)state;
	return start("{\"mode\":\"l2\",\"ports\":["
		     "{\"rewrite\":{\"src\":\"port\",\"dst\":\"02:00:00:00:00:01\"}},{}],"
		     "\"firewall\":{\"default\":\"allow\",\"rules\":["
		     "{\"action\":\"deny\",\"dst\":\"10.9.0.0/16\"}]}}");
}

static void
test_l2_cross(void **state)
{
	struct rte_ether_hdr *eh;
	struct rte_mbuf *m;

	(void)state;
	/* 1 -> 0: port 0 rewrites src (its own MAC) and dst; TTL untouched. */
	one(1, build_udp(IP(10, 0, 0, 2), IP(10, 1, 0, 5), 1, 2, 64));
	assert_int_equal(out.n[0], 1);
	eh = rte_pktmbuf_mtod(out.pkts[0][0], struct rte_ether_hdr *);
	assert_true(rte_is_same_ether_addr(&eh->src_addr, &mac0));
	assert_int_equal(eh->dst_addr.addr_bytes[5], 1);
	assert_int_equal(ip_of(out.pkts[0][0])->time_to_live, 64);
	/* 0 -> 1: no rewrite on port 1; an ARP passes, an IPv4 to 10.9/16 does not. */
	m = build_arp(RTE_ARP_OP_REQUEST, IP(1, 1, 1, 1), IP(2, 2, 2, 2));
	one(0, m);
	one(0, build_udp(IP(10, 0, 0, 2), IP(10, 9, 1, 1), 1, 2, 64));
	assert_int_equal(out.n[1], 1);
	eh = rte_pktmbuf_mtod(out.pkts[1][0], struct rte_ether_hdr *);
	assert_true(rte_is_same_ether_addr(&eh->src_addr, &peer));
	assert_true(rte_is_same_ether_addr(&eh->dst_addr, &bcast));
	assert_int_equal(fwd->stats[0].drops[VNF_DROP_FW_DENY], 1);
	assert_int_equal(fwd->rule_hits[0], 1);
	assert_int_equal(fwd->default_hits, 1);
}

static void
test_l2_vlan_firewall(void **state)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *u;
	uint8_t *p;

	(void)state;
	/* A tagged IPv4 frame is still seen by the firewall. */
	u = build_udp(IP(10, 0, 0, 2), IP(10, 9, 1, 1), 1, 2, 64);
	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(rte_pktmbuf_pkt_len(u) + 4));
	memcpy(p, rte_pktmbuf_mtod(u, uint8_t *), 12);
	p[12] = 0x81;
	p[13] = 0x00;
	p[14] = 0x00;
	p[15] = 0x05;
	memcpy(p + 16, rte_pktmbuf_mtod(u, uint8_t *) + 12, rte_pktmbuf_pkt_len(u) - 12);
	rte_pktmbuf_free(u);
	one(0, m);
	assert_int_equal(out.n[1], 0);
	assert_int_equal(fwd->stats[0].drops[VNF_DROP_FW_DENY], 1);
}

int
main(int argc, char **argv)
{
	char *eal[] = { argv[0], "--no-huge", "--no-pci", "--no-shconf", "-m", "256",
			"--no-telemetry", "--log-level=*:warning", "-l", "0",
			"--file-prefix=test-vnf-fwd" };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_l3_forward, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_l3_longest_prefix, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_l3_drops, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_l3_default_route, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_arp, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_firewall_order, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_firewall_no_ports, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_fw_match_direct, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_cksum_incremental, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_stats_json, setup_l3, teardown),
		cmocka_unit_test_setup_teardown(test_l2_cross, setup_l2, teardown),
		cmocka_unit_test_setup_teardown(test_l2_vlan_firewall, setup_l2, teardown),
	};
	int ret;

	(void)argc;
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	/* No per-lcore cache: the in-use count is exact at any time. */
	pool = rte_pktmbuf_pool_create("test_vnf", 512, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return ret;
}
