/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_sec.c: port security (anti-spoofing) of VNF ports, as OpenStack's
 * port_security and allowed_address_pairs. vsw_port_security_validate()
 * runs on the control thread; vsw_sec_check() is fast path (no malloc, no
 * locks, no logs), called by vsw_input() for every frame received on a port
 * with port security enabled.
 *
 * Every header is read with rte_pktmbuf_read(): a pointer into the first
 * segment when the bytes are there, a copy out of the chain otherwise, and
 * NULL past the end of the frame, so no read goes beyond the frame. Fields
 * are read as bytes or with memcpy: packet data has no alignment guarantee.
 *
 * IPv6 is parsed to the fixed header only: extension headers are not
 * walked, so an ND message behind one (a hop-by-hop or destination options
 * header) gets the IPv6 source check but not the ND checks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "vsw.h"
#include "vsw_priv.h"

#define PASS VSW_DROP_MAX

#define ETH_SIZE 14
#define ETH_SRC 6
#define ETH_TYPE 12
#define TAG_SIZE 4
#define MAX_TAGS 2

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8

/* IPv4 header, at least 20 bytes. */
#define IP4_MIN_SIZE 20
#define IP4_FRAG 6		/* flags + fragment offset */
#define IP4_FRAG_OFFSET_MASK 0x1fff
#define IP4_PROTO 9
#define IP4_SRC 12
#define IP4_DST 16
#define PROTO_UDP 17
#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

/* Ethernet/IPv4 ARP. */
#define ARP_SIZE 28
#define ARP_SHA 8
#define ARP_SPA 14
#define ARP_HRD_ETHER 1

/* IPv6 fixed header. */
#define IP6_SIZE 40
#define IP6_PAYLOAD_LEN 4
#define IP6_NEXT 6
#define IP6_SRC 8
#define PROTO_ICMPV6 58

/* Neighbor Solicitation / Advertisement (RFC 4861): type, code, checksum,
 * 4 bytes of flags/reserved, the target, then options. */
#define ND_NS 135
#define ND_NA 136
#define ND_SIZE 24
#define ND_TARGET 8
#define ND_OPT_SLL 1
#define ND_OPT_TLL 2
#define ND_OPT_UNIT 8

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool
mac_allowed(const struct vsw_port_security *sec, const uint8_t *mac)
{
	uint8_t i;

	for (i = 0; i < sec->n_macs; i++)
		if (memcmp(sec->macs[i].addr_bytes, mac, RTE_ETHER_ADDR_LEN) == 0)
			return true;
	return false;
}

/* @addr (network byte order) is in one of the IPv4 prefixes. */
static bool
ip4_allowed(const struct vsw_port_security *sec, uint32_t addr)
{
	uint8_t i;

	for (i = 0; i < sec->n_ip4; i++)
		if ((addr & sec->ip4[i].mask) == sec->ip4[i].addr)
			return true;
	return false;
}

static bool
ip6_in_prefix(const uint8_t *a, const uint8_t *prefix, uint8_t plen)
{
	uint8_t full = plen / 8, rest = plen % 8, mask;

	if (memcmp(a, prefix, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == prefix[full];
}

static bool
ip6_allowed(const struct vsw_port_security *sec, const uint8_t *a)
{
	uint8_t i;

	for (i = 0; i < sec->n_ip6; i++)
		if (ip6_in_prefix(a, sec->ip6[i].addr, sec->ip6[i].plen))
			return true;
	return false;
}

/* fe80::/10 */
static bool
ip6_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static bool
ip6_unspecified(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, sizeof(zero)) == 0;
}

/*
 * IPv4 at @off: the source must be allowed, or the frame must be a DHCP
 * discover/request of a client without an address (0.0.0.0 to
 * 255.255.255.255, UDP 68 -> 67, not a later fragment).
 */
static enum vsw_drop
check_ip4(const struct vsw_port_security *sec, const struct rte_mbuf *m, uint32_t off)
{
	uint8_t buf[IP4_MIN_SIZE], ubuf[4];
	const uint8_t *ip, *udp;
	uint32_t src, dst, ihl;

	if (sec->n_ip4 == 0)
		return PASS;
	ip = rte_pktmbuf_read(m, off, sizeof(buf), buf);
	if (unlikely(ip == NULL || (ip[0] >> 4) != 4 || (ip[0] & 0x0f) < 5))
		return VSW_DROP_MALFORMED;
	memcpy(&src, ip + IP4_SRC, sizeof(src));
	if (likely(ip4_allowed(sec, src)))
		return PASS;
	memcpy(&dst, ip + IP4_DST, sizeof(dst));
	if (src != 0 || dst != UINT32_MAX || ip[IP4_PROTO] != PROTO_UDP ||
	    (be16(ip + IP4_FRAG) & IP4_FRAG_OFFSET_MASK) != 0)
		return VSW_DROP_SPOOF_IP;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	udp = rte_pktmbuf_read(m, off + ihl, sizeof(ubuf), ubuf);
	if (udp != NULL && be16(udp) == DHCP_CLIENT_PORT && be16(udp + 2) == DHCP_SERVER_PORT)
		return PASS;
	return VSW_DROP_SPOOF_IP;
}

/*
 * ARP at @off: Ethernet/IPv4 only; the sender hardware address is the
 * frame's source @src, and the sender IP allowed or 0.0.0.0 (a probe).
 */
static enum vsw_drop
check_arp(const struct vsw_port_security *sec, const struct rte_mbuf *m, uint32_t off,
	  const uint8_t *src)
{
	uint8_t buf[ARP_SIZE];
	const uint8_t *arp;
	uint32_t spa;

	arp = rte_pktmbuf_read(m, off, sizeof(buf), buf);
	if (unlikely(arp == NULL))
		return VSW_DROP_MALFORMED;
	if (be16(arp) != ARP_HRD_ETHER || be16(arp + 2) != ETHERTYPE_IPV4 ||
	    arp[4] != RTE_ETHER_ADDR_LEN || arp[5] != sizeof(uint32_t))
		return VSW_DROP_SPOOF_ARP;
	if (memcmp(arp + ARP_SHA, src, RTE_ETHER_ADDR_LEN) != 0)
		return VSW_DROP_SPOOF_ARP;
	if (sec->n_ip4 == 0)
		return PASS;
	memcpy(&spa, arp + ARP_SPA, sizeof(spa));
	if (spa == 0 || ip4_allowed(sec, spa))
		return PASS;
	return VSW_DROP_SPOOF_ARP;
}

/*
 * ICMPv6 message of @size bytes at @off. For NS and NA: every source or
 * target link-layer address option carries @src, and an NA's target is
 * allowed or link-local (when there is an IPv6 list). Options are walked
 * within @size, which must lie inside the frame.
 */
static enum vsw_drop
check_nd(const struct vsw_port_security *sec, const struct rte_mbuf *m, uint32_t off,
	 uint32_t size, const uint8_t *src)
{
	uint8_t buf[ND_SIZE], obuf[2 + RTE_ETHER_ADDR_LEN];
	const uint8_t *nd, *opt;
	uint32_t o, len;

	nd = rte_pktmbuf_read(m, off, 1, buf);
	if (unlikely(nd == NULL || size == 0))
		return VSW_DROP_MALFORMED;
	if (nd[0] != ND_NS && nd[0] != ND_NA)
		return PASS;
	if (unlikely(size < ND_SIZE || off + size > rte_pktmbuf_pkt_len(m)))
		return VSW_DROP_MALFORMED;
	nd = rte_pktmbuf_read(m, off, sizeof(buf), buf);
	if (unlikely(nd == NULL))
		return VSW_DROP_MALFORMED;
	if (nd[0] == ND_NA && sec->n_ip6 > 0 && !ip6_allowed(sec, nd + ND_TARGET) &&
	    !ip6_link_local(nd + ND_TARGET))
		return VSW_DROP_SPOOF_ND;
	/* Each option is at least 8 bytes: at most size / 8 rounds. */
	for (o = ND_SIZE; o < size; o += len) {
		if (unlikely(size - o < 2))
			return VSW_DROP_MALFORMED;
		opt = rte_pktmbuf_read(m, off + o, 2, obuf);
		if (unlikely(opt == NULL))
			return VSW_DROP_MALFORMED;
		len = (uint32_t)opt[1] * ND_OPT_UNIT;
		if (unlikely(len == 0 || len > size - o))
			return VSW_DROP_MALFORMED;
		if (opt[0] != ND_OPT_SLL && opt[0] != ND_OPT_TLL)
			continue;
		/* len >= 8 holds type, length and the 6-byte address. */
		opt = rte_pktmbuf_read(m, off + o, sizeof(obuf), obuf);
		if (unlikely(opt == NULL))
			return VSW_DROP_MALFORMED;
		if (memcmp(opt + 2, src, RTE_ETHER_ADDR_LEN) != 0)
			return VSW_DROP_SPOOF_ND;
	}
	return PASS;
}

/* IPv6 at @off: the source (when there is a list), then ND. */
static enum vsw_drop
check_ip6(const struct vsw_port_security *sec, const struct rte_mbuf *m, uint32_t off,
	  const uint8_t *src)
{
	uint8_t buf[IP6_SIZE];
	const uint8_t *ip;

	ip = rte_pktmbuf_read(m, off, sizeof(buf), buf);
	if (unlikely(ip == NULL || (ip[0] >> 4) != 6))
		return VSW_DROP_MALFORMED;
	if (sec->n_ip6 > 0 && !ip6_allowed(sec, ip + IP6_SRC) && !ip6_link_local(ip + IP6_SRC) &&
	    !ip6_unspecified(ip + IP6_SRC))
		return VSW_DROP_SPOOF_IP;
	/* Fixed header only: an extension header hides what follows it. */
	if (ip[IP6_NEXT] != PROTO_ICMPV6)
		return PASS;
	return check_nd(sec, m, off + IP6_SIZE, be16(ip + IP6_PAYLOAD_LEN), src);
}

enum vsw_drop
vsw_sec_check(const struct vsw_port_security *sec, const struct rte_mbuf *m)
{
	uint8_t buf[ETH_SIZE], tbuf[TAG_SIZE], src[RTE_ETHER_ADDR_LEN];
	const uint8_t *eh, *tag;
	uint32_t off = ETH_SIZE;
	uint16_t type;
	int tags;

	eh = rte_pktmbuf_read(m, 0, sizeof(buf), buf);
	if (unlikely(eh == NULL))
		return VSW_DROP_MALFORMED;
	memcpy(src, eh + ETH_SRC, sizeof(src));
	if (unlikely(!mac_allowed(sec, src)))
		return VSW_DROP_SPOOF_MAC;
	type = be16(eh + ETH_TYPE);
	for (tags = 0; tags < MAX_TAGS && (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ);
	     tags++) {
		tag = rte_pktmbuf_read(m, off, sizeof(tbuf), tbuf);
		if (unlikely(tag == NULL))
			return VSW_DROP_MALFORMED;
		type = be16(tag + 2);
		off += TAG_SIZE;
	}
	switch (type) {
	case ETHERTYPE_IPV4:
		return check_ip4(sec, m, off);
	case ETHERTYPE_ARP:
		return check_arp(sec, m, off, src);
	case ETHERTYPE_IPV6:
		return check_ip6(sec, m, off, src);
	default:
		/* Other ethertypes, and frames with more than two tags. */
		return PASS;
	}
}

/* ------------------------------------------------------------------------ */
/* Validation (control thread)                                               */

/* The prefix length of an IPv4 mask (network byte order), or -1. */
static int
ip4_prefix_len(uint32_t mask)
{
	uint32_t inv = ~rte_be_to_cpu_32(mask);

	/* A prefix mask inverted is 2^k - 1. */
	if ((inv & (inv + 1)) != 0)
		return -1;
	return 32 - __builtin_popcount(inv);
}

int
vsw_port_security_validate(const struct vsw_port_security *sec, char *err, size_t errlen)
{
	char a[INET6_ADDRSTRLEN];
	uint8_t i, j, full, rest;
	int plen;

	if (sec == NULL)
		return vsw_invalid(err, errlen, "no port security configuration");
	if (sec->n_macs > VSW_SEC_MAX_MACS)
		return vsw_invalid(err, errlen, "too many allowed MACs (%u, at most %d)", sec->n_macs,
			       VSW_SEC_MAX_MACS);
	if (sec->n_ip4 > VSW_SEC_MAX_IPS)
		return vsw_invalid(err, errlen, "too many allowed IPv4 addresses (%u, at most %d)",
			       sec->n_ip4, VSW_SEC_MAX_IPS);
	if (sec->n_ip6 > VSW_SEC_MAX_IPS)
		return vsw_invalid(err, errlen, "too many allowed IPv6 addresses (%u, at most %d)",
			       sec->n_ip6, VSW_SEC_MAX_IPS);
	if (sec->enabled && sec->n_macs == 0)
		return vsw_invalid(err, errlen, "port security needs at least one allowed MAC "
			       "(it would drop every frame)");
	for (i = 0; i < sec->n_macs; i++) {
		rte_ether_format_addr(a, sizeof(a), &sec->macs[i]);
		if (rte_is_zero_ether_addr(&sec->macs[i]))
			return vsw_invalid(err, errlen, "allowed MAC %s is all zeros", a);
		if (rte_is_multicast_ether_addr(&sec->macs[i]))
			return vsw_invalid(err, errlen, "allowed MAC %s is %s", a,
				       rte_is_broadcast_ether_addr(&sec->macs[i]) ?
				       "broadcast" : "multicast");
	}
	for (i = 0; i < sec->n_ip4; i++) {
		inet_ntop(AF_INET, &sec->ip4[i].addr, a, sizeof(a));
		plen = ip4_prefix_len(sec->ip4[i].mask);
		if (plen < 0)
			return vsw_invalid(err, errlen, "allowed IPv4 %s: mask is not a prefix", a);
		if ((sec->ip4[i].addr & ~sec->ip4[i].mask) != 0)
			return vsw_invalid(err, errlen,
				       "allowed IPv4 %s has bits outside its /%d prefix", a, plen);
	}
	for (i = 0; i < sec->n_ip6; i++) {
		inet_ntop(AF_INET6, sec->ip6[i].addr, a, sizeof(a));
		if (sec->ip6[i].plen > 128)
			return vsw_invalid(err, errlen, "allowed IPv6 %s: prefix length %u above 128",
				       a, sec->ip6[i].plen);
		full = sec->ip6[i].plen / 8;
		rest = sec->ip6[i].plen % 8;
		for (j = full; j < 16; j++) {
			uint8_t host = j == full ? (uint8_t)(0xff >> rest) : 0xff;

			if ((sec->ip6[i].addr[j] & host) != 0)
				return vsw_invalid(err, errlen,
					       "allowed IPv6 %s has bits outside its /%u prefix", a,
					       sec->ip6[i].plen);
		}
	}
	return 0;
}
