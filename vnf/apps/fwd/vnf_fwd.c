/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vnf_fwd.c: ep-vnf-fwd's fast path. One burst from one port is classified
 * frame by frame (l2 cross-connect or l3 routing, the firewall, ARP replies),
 * rewritten in place and sorted into per-output-port arrays, then sent.
 * Every drop is a named per-port counter: no logs, syscalls or allocation
 * here. Headers are read from the first segment only (virtio and the other
 * PMDs put at least 128 bytes there); what does not fit counts as malformed.
 */
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lpm.h>
#include <rte_mbuf.h>

#include "vnf_fwd.h"

const char *const vnf_drop_names[VNF_DROP_MAX] = {
#define VNF_DROP_NAME(e, n) [VNF_DROP_##e] = #n,
	VNF_DROP_REASONS(VNF_DROP_NAME)
#undef VNF_DROP_NAME
};

uint16_t
vnf_cksum_ttl_dec(uint16_t cksum)
{
	/*
	 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). The TTL is the high byte of
	 * its 16-bit word, so m' = m - 0x0100 and ~m + m' = -0x0100, which is
	 * 0xfeff in one's complement.
	 */
	uint32_t sum = (uint16_t)~rte_be_to_cpu_16(cksum) + 0xfeffu;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return rte_cpu_to_be_16((uint16_t)~sum);
}

static void
drop(struct vnf_fwd *fwd, uint16_t port, enum vnf_drop why, struct rte_mbuf *m)
{
	fwd->stats[port].drops[why]++;
	rte_pktmbuf_free(m);
}

static void
emit(struct vnf_out *out, uint16_t port, struct rte_mbuf *m)
{
	out->pkts[port][out->n[port]++] = m;
}

/*
 * Validate the IPv4 header at @l2_size and fill @t.
 * Returns the header, or NULL when the frame is malformed.
 */
static struct rte_ipv4_hdr *
parse_ipv4(struct rte_mbuf *m, uint16_t l2_size, struct vnf_5tuple *t)
{
	uint32_t avail = rte_pktmbuf_data_len(m);
	struct rte_ipv4_hdr *ip;
	uint16_t ihl, total, frag;

	if (unlikely(avail < l2_size + sizeof(*ip)))
		return NULL;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2_size);
	ihl = (uint16_t)((ip->version_ihl & 0x0f) * 4);
	total = rte_be_to_cpu_16(ip->total_length);
	if (unlikely((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || avail < l2_size + ihl ||
		     total < ihl || total > rte_pktmbuf_pkt_len(m) - l2_size))
		return NULL;
	/* A valid header sums to 0xffff, its checksum included. */
	if (unlikely(rte_raw_cksum(ip, ihl) != 0xffff))
		return NULL;
	t->src = rte_be_to_cpu_32(ip->src_addr);
	t->dst = rte_be_to_cpu_32(ip->dst_addr);
	t->proto = ip->next_proto_id;
	t->has_ports = false;
	t->sport = t->dport = 0;
	frag = rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK;
	if ((t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP) && frag == 0) {
		const rte_be16_t *ports = (const rte_be16_t *)((const uint8_t *)ip + ihl);

		if (unlikely(total < ihl + 4 || avail < l2_size + ihl + 4u))
			return NULL;
		t->sport = rte_be_to_cpu_16(ports[0]);
		t->dport = rte_be_to_cpu_16(ports[1]);
		t->has_ports = true;
	}
	return ip;
}

/* Run the firewall on @t and count the deciding rule; true = allowed. */
static bool
fw_allows(struct vnf_fwd *fwd, const struct vnf_5tuple *t)
{
	const struct vnf_fw *fw = &fwd->cfg->fw;
	int r = vnf_fw_match(fw, t);

	if (r < 0) {
		fwd->default_hits++;
		return fw->default_action == VNF_ALLOW;
	}
	fwd->rule_hits[r]++;
	return fw->rules[r].action == VNF_ALLOW;
}

static void
fwd_l2(struct vnf_fwd *fwd, uint16_t in, struct rte_mbuf *m, struct vnf_out *out)
{
	uint16_t to = in ^ 1;
	const struct vnf_port_config *pc = &fwd->cfg->ports[to];
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*eh))) {
		drop(fwd, in, VNF_DROP_MALFORMED, m);
		return;
	}
	if (fwd->cfg->fw.enabled) {
		/* Untagged or single-tagged IPv4 goes through the firewall. */
		uint16_t etype = eh->ether_type, l2 = sizeof(*eh);
		struct vnf_5tuple t;

		if (etype == RTE_BE16(RTE_ETHER_TYPE_VLAN) &&
		    rte_pktmbuf_data_len(m) >= sizeof(*eh) + sizeof(struct rte_vlan_hdr)) {
			etype = ((struct rte_vlan_hdr *)(eh + 1))->eth_proto;
			l2 += sizeof(struct rte_vlan_hdr);
		}
		if (etype == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
			if (parse_ipv4(m, l2, &t) == NULL) {
				drop(fwd, in, VNF_DROP_MALFORMED, m);
				return;
			}
			if (!fw_allows(fwd, &t)) {
				drop(fwd, in, VNF_DROP_FW_DENY, m);
				return;
			}
		}
	}
	if (pc->rewrite_src)
		eh->src_addr = pc->rewrite_src_port_mac ? fwd->macs[to] : pc->rewrite_src_mac;
	if (pc->rewrite_dst)
		eh->dst_addr = pc->rewrite_dst_mac;
	emit(out, to, m);
}

/* An ARP request for port @in's address becomes the reply, in place. */
static void
arp_reply(struct vnf_fwd *fwd, uint16_t in, struct rte_mbuf *m, struct vnf_out *out)
{
	const struct vnf_port_config *pc = &fwd->cfg->ports[in];
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp;

	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*eh) + sizeof(*arp))) {
		drop(fwd, in, VNF_DROP_MALFORMED, m);
		return;
	}
	arp = (struct rte_arp_hdr *)(eh + 1);
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) || arp->arp_hlen != 6 ||
	    arp->arp_plen != 4 || arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) ||
	    !pc->has_ip || rte_be_to_cpu_32(arp->arp_data.arp_tip) != pc->ip.addr) {
		drop(fwd, in, VNF_DROP_UNSUPPORTED, m);
		return;
	}
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_tha = arp->arp_data.arp_sha;
	arp->arp_data.arp_tip = arp->arp_data.arp_sip;
	arp->arp_data.arp_sha = fwd->macs[in];
	arp->arp_data.arp_sip = rte_cpu_to_be_32(pc->ip.addr);
	eh->dst_addr = eh->src_addr;
	eh->src_addr = fwd->macs[in];
	fwd->stats[in].arp_replies++;
	emit(out, in, m);
}

static void
fwd_l3(struct vnf_fwd *fwd, uint16_t in, struct rte_mbuf *m, struct vnf_out *out)
{
	const struct vnf_config *cfg = fwd->cfg;
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const struct vnf_route_config *rt;
	struct rte_ipv4_hdr *ip;
	struct vnf_5tuple t;
	uint32_t nh;

	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*eh))) {
		drop(fwd, in, VNF_DROP_MALFORMED, m);
		return;
	}
	if (rte_is_unicast_ether_addr(&eh->dst_addr) &&
	    !rte_is_same_ether_addr(&eh->dst_addr, &fwd->macs[in])) {
		drop(fwd, in, VNF_DROP_NOT_LOCAL_MAC, m);
		return;
	}
	if (eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		arp_reply(fwd, in, m, out);
		return;
	}
	if (eh->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		drop(fwd, in, VNF_DROP_UNSUPPORTED, m);
		return;
	}
	ip = parse_ipv4(m, sizeof(*eh), &t);
	if (unlikely(ip == NULL)) {
		drop(fwd, in, VNF_DROP_MALFORMED, m);
		return;
	}
	/* Not routed: multicast, limited broadcast, and what is addressed to us. */
	if (unlikely((t.dst >> 28) >= 0xe)) {
		drop(fwd, in, VNF_DROP_UNSUPPORTED, m);
		return;
	}
	for (unsigned int p = 0; p < cfg->n_ports; p++) {
		if (unlikely(t.dst == cfg->ports[p].ip.addr)) {
			drop(fwd, in, VNF_DROP_UNSUPPORTED, m);
			return;
		}
	}
	if (cfg->fw.enabled && !fw_allows(fwd, &t)) {
		drop(fwd, in, VNF_DROP_FW_DENY, m);
		return;
	}
	if (rte_lpm_lookup(fwd->lpm, t.dst, &nh) != 0) {
		if (fwd->default_route < 0) {
			drop(fwd, in, VNF_DROP_NO_ROUTE, m);
			return;
		}
		nh = (uint32_t)fwd->default_route;
	}
	if (unlikely(ip->time_to_live <= 1)) {
		drop(fwd, in, VNF_DROP_TTL, m);
		return;
	}
	ip->time_to_live--;
	ip->hdr_checksum = vnf_cksum_ttl_dec(ip->hdr_checksum);
	rt = &cfg->routes[nh];
	eh->dst_addr = rt->next_hop_mac;
	eh->src_addr = fwd->macs[rt->port];
	emit(out, rt->port, m);
}

void
vnf_fwd_burst(struct vnf_fwd *fwd, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n,
	      struct vnf_out *out)
{
	uint16_t i;

	fwd->stats[in_port].rx += n;
	for (i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		if (fwd->cfg->mode == VNF_MODE_L2)
			fwd_l2(fwd, in_port, pkts[i], out);
		else
			fwd_l3(fwd, in_port, pkts[i], out);
	}
}

void
vnf_fwd_flush(struct vnf_fwd *fwd, struct vnf_out *out)
{
	uint16_t p, sent;

	for (p = 0; p < fwd->n_ports; p++) {
		if (out->n[p] == 0)
			continue;
		sent = rte_eth_tx_burst(p, 0, out->pkts[p], out->n[p]);
		fwd->stats[p].tx += sent;
		if (unlikely(sent < out->n[p])) {
			fwd->stats[p].drops[VNF_DROP_TX_FULL] += out->n[p] - sent;
			rte_pktmbuf_free_bulk(&out->pkts[p][sent], out->n[p] - sent);
		}
		out->n[p] = 0;
	}
}
