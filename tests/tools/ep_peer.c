/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ep_peer.c: a small DPDK traffic peer for edgeplane's integration tests
 * and benchmarks. It opens the ports given as EAL --vdev options (usually
 * net_virtio_user on the switch's vhost-user sockets), sends exactly the
 * frames it is told to, receives on every port, checks each received
 * frame's payload, and prints what it saw as one JSON object on stdout.
 *
 *   ep-peer [EAL options] -- [--announce] [--send P:N[:DST[:VLAN[:LEN]]]]...
 *           [--rate PPS] [--duration SEC] [--rx-time MS] [--wait-link SEC]
 *           [--queues Q] [--storm P:N] [--src-macs N]
 *           [--ip SRC,DST,PROTO,SPORT,DPORT[,TTL]] [--arp P:SENDER_IP:TARGET_IP]
 *           [--tx-burst N] [--bench]
 *
 * --rate PPS paces all the sends together (the least-served send goes
 * first, so they share it evenly); a send waits until --tx-burst N frames
 * (1..32, default 1) are due and sends them as one burst.
 *
 * --bench (scripts/bench/run-all --zero-loss): one trial of a zero-loss
 * search. Frames are copies of a per-send template (only the sequence number
 * and, with --src-macs, the rotated MACs change; not for --ip), received frames are checked by header
 * only (magic, sender, length), --tx-burst defaults to 32, and a frame the tx
 * ring does not take counts as offered and lost (tx_fail), never retried: on
 * vhost-user a full ring is the switch not keeping up. Without --rate it
 * sends as fast as the rings take frames (what they refuse goes again, not
 * counted as tx_fail): the switch's maximum intake. With --duration D and
 * --rate R the schedule is R x D frames in D seconds (the last partial
 * bursts just after); when the generator itself falls behind it (it lost its
 * core for a while) it catches up by at most 2 bursts per send or 100 us of
 * the rate and skips the rest, so that its own stall does not reach the
 * switch as one big burst. The report gets "send": rate, duration, target
 * (R x D), offered (frames handed to the tx rings, taken or not), skipped
 * (offered + skipped = target), secs, lag_max_us and lag_max_at (how far
 * behind the schedule the generator fell at worst, and when, in seconds from
 * the start) and cpu (the share of its core it got while sending).
 *
 * --queues Q opens Q rx/tx queue pairs per port (virtio-user queues=Q) and
 * spreads each send over them burst by burst. --storm P:N stops and restarts
 * port P N times while the sends run (the switch sees N device
 * destroy/new cycles); P sends nothing meanwhile. --src-macs N rotates the
 * source MAC of every sent frame over N addresses 02:01:PP:xx:xx:xx (FDB
 * scale tests); a send whose DST is macs:Q sends frame k (of N) to port Q's
 * address k, so that after a first round every destination is a learned
 * unicast one (scripts/bench/scale's traffic mixes).
 *
 * --ip makes the --send before it an IPv4 flow: ethertype 0x0800, an IPv4
 * header (TTL default 64, valid checksum), a UDP (8 bytes) or TCP (20 bytes)
 * header for proto udp/tcp (or a number), then the usual payload. On
 * receive, IPv4 frames carrying a test payload are checked like the others
 * and also counted by TTL (rx_ttl) and bad header checksum (rx_ip_bad_csum).
 * --arp sends one ARP request for TARGET_IP from port P before the sends and
 * counts the ARP replies each port gets (rx_arp_replies, arp_reply_mac).
 * These report fields appear only when --ip or --arp is given.
 *
 * Frames carry ethertype 0x88b5 and a payload of a magic, the sender port,
 * a sequence number, the length and a byte pattern, so a receiver detects
 * truncation and corruption (rx_bad) and tells test frames from others
 * (rx_other). Every loop here is bounded in time.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#define MAX_PORTS 8
#define MAX_QUEUES 8
#define MAX_SENDS 16
#define BURST 32
#define PEER_ETHERTYPE 0x88b5
#define MAGIC 0x45505045u	/* "EPPE" */
#define FRAME_MAX 9728

struct ip_spec {
	bool on;
	rte_be32_t src, dst;
	uint8_t proto, ttl;
	uint16_t sport, dport;
};

struct send_spec {
	uint16_t port;
	uint64_t count;		/* 0 with --duration: until time runs out */
	struct rte_ether_addr dst;
	int dst_set;		/* >= 0: DST macs:Q, rotate over port Q's --src-macs set */
	int vlan;		/* -1: untagged */
	uint16_t len;		/* frame length without CRC */
	struct ip_spec ip;	/* --ip: an IPv4 flow */
};

struct port_stats {
	uint64_t tx, tx_fail, rx, rx_bad, rx_other, rx_tagged, rx_untagged;
	uint64_t rx_from[MAX_PORTS];
	uint64_t rx_bytes;
	uint32_t rx_vlan[4096];	/* tagged test frames by VLAN id */
	uint64_t rxq[MAX_QUEUES], txq[MAX_QUEUES];
	uint64_t rx_ttl[256];	/* IPv4 test frames by TTL */
	uint64_t rx_ip_bad_csum, rx_arp_replies;
	struct rte_ether_addr arp_reply_mac;
};

struct peer_payload {
	uint32_t magic;
	uint16_t port;
	uint16_t len;
	uint64_t seq;
} __attribute__((packed));

/* --bench: a send's frames are copies of this; only the sequence number (and
 * the --src-macs addresses) differ. */
struct frame_tmpl {
	bool on;
	uint16_t len, seq_off;
	uint8_t data[FRAME_MAX];
};

/* --bench: what the sends did, for the report. */
struct send_report {
	uint64_t rate, duration, target, offered, skipped, lag_max, lag_max_at;
	double secs, cpu;
};

static struct send_spec sends[MAX_SENDS];
static struct frame_tmpl tmpls[MAX_SENDS];
static struct send_report report;
static bool bench;		/* --bench */
static unsigned int n_sends;
static struct port_stats stats[MAX_PORTS];
static struct rte_ether_addr macs[MAX_PORTS];
static volatile sig_atomic_t quit;
static uint16_t n_queues = 1;
static uint32_t n_src_macs;	/* --src-macs: rotate the source over this many MACs */
static bool ip_report;		/* --ip or --arp: report the IPv4/ARP fields */

/* SRC,DST,PROTO,SPORT,DPORT[,TTL] */
static int
parse_ip(const char *arg, struct ip_spec *ip)
{
	char buf[128], *tok, *save = NULL;
	struct in_addr a;
	int field = 0;
	long v;

	memset(ip, 0, sizeof(*ip));
	ip->on = true;
	ip->ttl = 64;
	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		switch (field++) {
		case 0:
		case 1:
			if (inet_pton(AF_INET, tok, &a) != 1)
				return -EINVAL;
			if (field == 1)
				ip->src = a.s_addr;
			else
				ip->dst = a.s_addr;
			break;
		case 2:
			if (strcmp(tok, "udp") == 0)
				v = IPPROTO_UDP;
			else if (strcmp(tok, "tcp") == 0)
				v = IPPROTO_TCP;
			else
				v = strtol(tok, NULL, 10);
			if (v < 0 || v > 255)
				return -EINVAL;
			ip->proto = (uint8_t)v;
			break;
		case 3:
		case 4:
			v = strtol(tok, NULL, 10);
			if (v < 0 || v > 65535)
				return -EINVAL;
			if (field == 4)
				ip->sport = (uint16_t)v;
			else
				ip->dport = (uint16_t)v;
			break;
		case 5:
			v = strtol(tok, NULL, 10);
			if (v < 0 || v > 255)
				return -EINVAL;
			ip->ttl = (uint8_t)v;
			break;
		default:
			return -EINVAL;
		}
	}
	return field >= 5 ? 0 : -EINVAL;
}

static uint16_t
l4_size(uint8_t proto)
{
	return proto == IPPROTO_UDP ? 8 : proto == IPPROTO_TCP ? 20 : 0;
}

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

/* 02:01:<port>:<index, 24 bits>: the --src-macs set of a port. */
static void
set_mac(struct rte_ether_addr *a, unsigned int port, uint32_t k)
{
	a->addr_bytes[0] = 0x02;
	a->addr_bytes[1] = 0x01;
	a->addr_bytes[2] = (uint8_t)port;
	a->addr_bytes[3] = (uint8_t)(k >> 16);
	a->addr_bytes[4] = (uint8_t)(k >> 8);
	a->addr_bytes[5] = (uint8_t)k;
}

static int
parse_send(const char *arg, struct send_spec *s)
{
	char buf[128], *tok, *save = NULL;
	int field = 0;

	memset(s, 0, sizeof(*s));
	memset(&s->dst, 0xff, sizeof(s->dst));
	s->dst_set = -1;
	s->vlan = -1;
	s->len = 60;
	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ":", &save); tok != NULL; tok = strtok_r(NULL, ":", &save)) {
		switch (field++) {
		case 0:
			s->port = (uint16_t)atoi(tok);
			break;
		case 1:
			s->count = strtoull(tok, NULL, 10);
			break;
		case 2:
			if (strncmp(tok, "macs", 4) == 0 && tok[4] == '\0') {
				/* "macs" then the port: DST macs:Q is two fields. */
				tok = strtok_r(NULL, ":", &save);
				if (tok == NULL || tok[0] < '0' || tok[0] > '9')
					return -EINVAL;
				s->dst_set = atoi(tok);
				if (s->dst_set > 255)
					return -EINVAL;
				break;
			}
			/* MAC written with '-' separators since ':' splits fields. */
			for (char *c = tok; *c; c++)
				if (*c == '-')
					*c = ':';
			if (strcmp(tok, "bcast") != 0 && rte_ether_unformat_addr(tok, &s->dst) != 0)
				return -EINVAL;
			break;
		case 3:
			s->vlan = strcmp(tok, "none") == 0 ? -1 : atoi(tok);
			if (s->vlan > 4095)
				return -EINVAL;
			break;
		case 4:
			s->len = (uint16_t)atoi(tok);
			if (s->len < 60 || s->len > 9700)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	return field >= 2 ? 0 : -EINVAL;
}

/*
 * Write a test frame of @p len bytes (an --ip frame grows to hold its headers
 * and the payload header) into @p frame; returns its length and sets
 * *@p seq_off to the offset of its sequence number.
 */
static uint16_t
write_frame(uint8_t *frame, uint16_t port, const struct rte_ether_addr *dst, int vlan,
	    uint16_t len, uint64_t seq, const struct ip_spec *ip, uint16_t *seq_off)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)frame;
	struct peer_payload *pl;
	uint8_t *p;
	uint16_t hdr = vlan >= 0 ? 18 : 14, l2 = hdr, i;
	uint16_t etype = PEER_ETHERTYPE;

	if (ip != NULL && ip->on) {
		hdr += sizeof(struct rte_ipv4_hdr) + l4_size(ip->proto);
		etype = RTE_ETHER_TYPE_IPV4;
		if (len < hdr + sizeof(*pl))
			len = hdr + sizeof(*pl);
	}
	eh->dst_addr = *dst;
	eh->src_addr = macs[port];
	if (n_src_macs != 0)
		set_mac(&eh->src_addr, port, (uint32_t)(seq % n_src_macs));
	if (vlan >= 0) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16((uint16_t)vlan);
		vh->eth_proto = rte_cpu_to_be_16(etype);
	} else {
		eh->ether_type = rte_cpu_to_be_16(etype);
	}
	if (ip != NULL && ip->on) {
		struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)(frame + l2);
		uint8_t *l4 = (uint8_t *)(ih + 1);

		memset(ih, 0, sizeof(*ih) + l4_size(ip->proto));
		ih->version_ihl = RTE_IPV4_VHL_DEF;
		ih->total_length = rte_cpu_to_be_16((uint16_t)(len - l2));
		ih->packet_id = rte_cpu_to_be_16((uint16_t)seq);
		ih->time_to_live = ip->ttl;
		ih->next_proto_id = ip->proto;
		ih->src_addr = ip->src;
		ih->dst_addr = ip->dst;
		ih->hdr_checksum = rte_ipv4_cksum(ih);
		if (l4_size(ip->proto) > 0) {
			/* UDP and TCP both start with the two ports. */
			((rte_be16_t *)l4)[0] = rte_cpu_to_be_16(ip->sport);
			((rte_be16_t *)l4)[1] = rte_cpu_to_be_16(ip->dport);
		}
		if (ip->proto == IPPROTO_UDP)
			((rte_be16_t *)l4)[2] = rte_cpu_to_be_16((uint16_t)(len - l2 - sizeof(*ih)));
		if (ip->proto == IPPROTO_TCP)
			l4[12] = 5 << 4;	/* data offset: 5 words */
	}
	pl = (struct peer_payload *)(frame + hdr);
	pl->magic = MAGIC;
	pl->port = port;
	pl->len = len - hdr;
	pl->seq = seq;
	*seq_off = hdr + offsetof(struct peer_payload, seq);
	p = (uint8_t *)(pl + 1);
	for (i = 0; i < len - hdr - sizeof(*pl); i++)
		p[i] = (uint8_t)(seq + i);
	return len;
}

static struct rte_mbuf *
build_frame(struct rte_mempool *mp, uint16_t port, const struct rte_ether_addr *dst, int vlan,
	    uint16_t len, uint64_t seq, const struct ip_spec *ip)
{
	static uint8_t frame[FRAME_MAX];
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp), *seg;
	uint16_t off = 0, seq_off;

	if (m == NULL)
		return NULL;
	len = write_frame(frame, port, dst, vlan, len, seq, ip, &seq_off);
	if (len > rte_pktmbuf_tailroom(m)) {
		/* Jumbo: a chain of segments. */
		uint16_t left = len;

		seg = m;
		while (left > 0) {
			uint16_t chunk = RTE_MIN(left, rte_pktmbuf_tailroom(seg));

			rte_pktmbuf_append(seg, chunk);
			left -= chunk;
			if (left > 0) {
				struct rte_mbuf *nseg = rte_pktmbuf_alloc(mp);

				if (nseg == NULL || rte_pktmbuf_chain(m, nseg) != 0) {
					rte_pktmbuf_free(nseg);
					rte_pktmbuf_free(m);
					return NULL;
				}
				seg = nseg;
			}
		}
	} else {
		rte_pktmbuf_append(m, len);
	}
	for (seg = m; seg != NULL; seg = seg->next) {
		memcpy(rte_pktmbuf_mtod(seg, void *), frame + off, seg->data_len);
		off += seg->data_len;
	}
	return m;
}

/*
 * --bench: prepare send @p i's template (unless its frames vary by more than
 * the sequence number or do not fit one mbuf).
 */
static void
prepare_template(struct rte_mempool *mp, unsigned int i)
{
	static uint8_t frame[FRAME_MAX];
	const struct send_spec *s = &sends[i];
	struct frame_tmpl *t = &tmpls[i];
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	t->len = write_frame(frame, s->port, &s->dst, s->vlan, s->len, 0, &s->ip, &t->seq_off);
	t->on = m != NULL && !s->ip.on && t->len <= rte_pktmbuf_tailroom(m);
	rte_pktmbuf_free(m);
	if (t->on)
		memcpy(t->data, frame, t->len);
}

/* Build up to @p n frames of send @p i (sequence numbers from *@p seq on); returns how many. */
static uint16_t
build_burst(struct rte_mempool *mp, unsigned int i, struct rte_mbuf **burst, uint16_t n,
	    uint64_t *seq)
{
	const struct send_spec *s = &sends[i];
	const struct frame_tmpl *t = &tmpls[i];
	uint16_t k;

	if (!t->on) {
		for (k = 0; k < n; k++) {
			struct rte_ether_addr dst = s->dst;

			/* Frame k of port P goes from P's MAC k to Q's MAC k. */
			if (s->dst_set >= 0 && n_src_macs != 0)
				set_mac(&dst, (unsigned int)s->dst_set, (uint32_t)(*seq % n_src_macs));
			burst[k] = build_frame(mp, s->port, &dst, s->vlan, s->len, (*seq)++, &s->ip);
			if (burst[k] == NULL)
				break;
		}
		return k;
	}
	if (rte_pktmbuf_alloc_bulk(mp, burst, n) != 0)
		return 0;
	/* --src-macs: frame k of the send goes from MAC k % N (and to port
	 * Q's MAC k % N); one division per burst, as write_frame() would. */
	uint32_t mk = n_src_macs != 0 ? (uint32_t)(*seq % n_src_macs) : 0;

	for (k = 0; k < n; k++) {
		uint8_t *d = (uint8_t *)rte_pktmbuf_append(burst[k], t->len);
		struct rte_ether_hdr *eh = (struct rte_ether_hdr *)d;

		rte_memcpy(d, t->data, t->len);
		memcpy(d + t->seq_off, seq, sizeof(*seq));
		(*seq)++;
		if (n_src_macs != 0) {
			set_mac(&eh->src_addr, s->port, mk);
			if (s->dst_set >= 0)
				set_mac(&eh->dst_addr, (unsigned int)s->dst_set, mk);
			if (++mk == n_src_macs)
				mk = 0;
		}
	}
	return n;
}

static void
check_frame(uint16_t port, struct rte_mbuf *m)
{
	static uint8_t frame[FRAME_MAX + 64];
	struct port_stats *st = &stats[port];
	const struct rte_ether_hdr *eh;
	const struct peer_payload *pl;
	uint16_t hdr = 14, etype, i;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	bool ip_bad = false;
	int ttl;
	const uint8_t *p;

	st->rx++;
	st->rx_bytes += len;
	if (len > sizeof(frame) || len < 14 + sizeof(*pl)) {
		st->rx_other++;
		return;
	}
	eh = rte_pktmbuf_read(m, 0, len, frame);
	etype = rte_be_to_cpu_16(eh->ether_type);
	if (etype == RTE_ETHER_TYPE_VLAN) {
		const struct rte_vlan_hdr *vh = (const void *)(eh + 1);

		etype = rte_be_to_cpu_16(vh->eth_proto);
		hdr = 18;
		st->rx_tagged++;
		st->rx_vlan[rte_be_to_cpu_16(vh->vlan_tci) & 0xfff]++;
	} else {
		st->rx_untagged++;
	}
	if (etype == RTE_ETHER_TYPE_ARP && len >= hdr + sizeof(struct rte_arp_hdr)) {
		const struct rte_arp_hdr *ah = (const void *)((const uint8_t *)eh + hdr);

		if (ah->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY)) {
			st->rx_arp_replies++;
			st->arp_reply_mac = ah->arp_data.arp_sha;
		}
	}
	ttl = -1;
	if (etype == RTE_ETHER_TYPE_IPV4 && len >= hdr + sizeof(struct rte_ipv4_hdr)) {
		/* An IPv4 test frame: the payload follows the IPv4 and L4 headers. */
		const struct rte_ipv4_hdr *ih = (const void *)((const uint8_t *)eh + hdr);
		uint16_t ihl = (uint16_t)((ih->version_ihl & 0xf) * 4);

		if ((ih->version_ihl >> 4) == 4 && ihl >= sizeof(*ih) &&
		    len >= hdr + ihl + l4_size(ih->next_proto_id) + sizeof(*pl)) {
			ip_bad = rte_raw_cksum(ih, ihl) != 0xffff;
			ttl = ih->time_to_live;
			hdr += ihl + l4_size(ih->next_proto_id);
			etype = PEER_ETHERTYPE;
		}
	}
	pl = (const void *)((const uint8_t *)eh + hdr);
	if (etype != PEER_ETHERTYPE || pl->magic != MAGIC) {
		st->rx_other++;
		return;
	}
	if (pl->len != len - hdr || pl->port >= MAX_PORTS) {
		st->rx_bad++;
		return;
	}
	p = (const uint8_t *)(pl + 1);
	for (i = 0; !bench && i < len - hdr - sizeof(*pl); i++) {
		if (p[i] != (uint8_t)(pl->seq + i)) {
			st->rx_bad++;
			return;
		}
	}
	st->rx_from[pl->port]++;
	if (ttl >= 0) {
		st->rx_ttl[ttl]++;
		st->rx_ip_bad_csum += ip_bad;
	}
}

static void
poll_rx(uint16_t n_ports)
{
	struct rte_mbuf *pkts[BURST];
	uint16_t p, i, n;

	uint16_t q;

	for (p = 0; p < n_ports; p++) {
		for (q = 0; q < n_queues; q++) {
			n = rte_eth_rx_burst(p, q, pkts, BURST);
			stats[p].rxq[q] += n;
			for (i = 0; i < n; i++)
				check_frame(p, pkts[i]);
			rte_pktmbuf_free_bulk(pkts, n);
		}
	}
}

static void
print_json(uint16_t n_ports)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	uint16_t p, q;

	printf("{\"ports\":[");
	for (p = 0; p < n_ports; p++) {
		struct port_stats *st = &stats[p];

		rte_ether_format_addr(mac, sizeof(mac), &macs[p]);
		printf("%s{\"port\":%u,\"mac\":\"%s\",\"tx\":%" PRIu64 ",\"tx_fail\":%" PRIu64
		       ",\"rx\":%" PRIu64 ",\"rx_bytes\":%" PRIu64 ",\"rx_bad\":%" PRIu64
		       ",\"rx_other\":%" PRIu64 ",\"rx_tagged\":%" PRIu64
		       ",\"rx_untagged\":%" PRIu64 ",\"rx_from\":[",
		       p ? "," : "", p, mac, st->tx, st->tx_fail, st->rx, st->rx_bytes, st->rx_bad,
		       st->rx_other, st->rx_tagged, st->rx_untagged);
		for (q = 0; q < n_ports; q++)
			printf("%s%" PRIu64, q ? "," : "", st->rx_from[q]);
		printf("],\"rx_vlan\":{");
		for (unsigned int v = 0, first = 1; v < 4096; v++) {
			if (st->rx_vlan[v] == 0)
				continue;
			printf("%s\"%u\":%u", first ? "" : ",", v, st->rx_vlan[v]);
			first = 0;
		}
		printf("},\"rxq\":[");
		for (q = 0; q < n_queues; q++)
			printf("%s%" PRIu64, q ? "," : "", st->rxq[q]);
		printf("],\"txq\":[");
		for (q = 0; q < n_queues; q++)
			printf("%s%" PRIu64, q ? "," : "", st->txq[q]);
		printf("]");
		if (ip_report) {
			rte_ether_format_addr(mac, sizeof(mac), &st->arp_reply_mac);
			printf(",\"rx_ip_bad_csum\":%" PRIu64 ",\"rx_arp_replies\":%" PRIu64
			       ",\"arp_reply_mac\":\"%s\",\"rx_ttl\":{",
			       st->rx_ip_bad_csum, st->rx_arp_replies, mac);
			for (unsigned int t = 0, first = 1; t < 256; t++) {
				if (st->rx_ttl[t] == 0)
					continue;
				printf("%s\"%u\":%" PRIu64, first ? "" : ",", t, st->rx_ttl[t]);
				first = 0;
			}
			printf("}");
		}
		printf("}");
	}
	printf("]");
	if (bench)
		printf(",\"send\":{\"rate\":%" PRIu64 ",\"duration\":%" PRIu64 ",\"target\":%" PRIu64
		       ",\"offered\":%" PRIu64 ",\"skipped\":%" PRIu64
		       ",\"secs\":%.6f,\"lag_max_us\":%.1f,\"lag_max_at\":%.6f,\"cpu\":%.3f}",
		       report.rate, report.duration, report.target, report.offered, report.skipped,
		       report.secs,
		       report.rate ? (double)report.lag_max * 1e6 / (double)report.rate : 0.0,
		       (double)report.lag_max_at / (double)rte_get_tsc_hz(), report.cpu);
	printf("}\n");
	fflush(stdout);
}

static int
setup_port(uint16_t p, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int bad;

	memset(&conf, 0, sizeof(conf));
	bad = rte_eth_dev_configure(p, n_queues, n_queues, &conf) != 0;
	for (q = 0; q < n_queues && !bad; q++)
		bad = rte_eth_rx_queue_setup(p, q, 1024, rte_eth_dev_socket_id(p), NULL, mp) != 0 ||
		      rte_eth_tx_queue_setup(p, q, 1024, rte_eth_dev_socket_id(p), NULL) != 0;
	if (bad || rte_eth_dev_start(p) != 0)
		return -1;
	rte_eth_promiscuous_enable(p);
	return 0;
}

/*
 * Detach port @p p's device (the switch sees the vhost-user connection
 * close) and attach it again from the same devargs: a real disconnect and
 * reconnect, as a guest whose driver is unloaded and reloaded.
 */
static int
replug_port(uint16_t p, struct rte_mempool *mp)
{
	struct rte_eth_dev_info info;
	const struct rte_devargs *da;
	char name[RTE_DEV_NAME_MAX_LEN], args[512];
	uint16_t pid;

	if (rte_eth_dev_info_get(p, &info) != 0)
		return -1;
	da = rte_dev_devargs(info.device);
	if (da == NULL)
		return -1;
	snprintf(name, sizeof(name), "%s", da->name);
	snprintf(args, sizeof(args), "%s", da->args != NULL ? da->args : "");
	rte_eth_dev_stop(p);
	rte_eth_dev_close(p);
	if (rte_dev_remove(info.device) != 0)
		return -1;
	if (rte_eal_hotplug_add("vdev", name, args) != 0)
		return -1;
	if (rte_eth_dev_get_port_by_name(name, &pid) != 0 || pid != p)
		return -1;
	return setup_port(p, mp);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "send", required_argument, NULL, 's' },
		{ "announce", no_argument, NULL, 'a' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "rx-time", required_argument, NULL, 't' },
		{ "wait-link", required_argument, NULL, 'w' },
		{ "queues", required_argument, NULL, 'q' },
		{ "storm", required_argument, NULL, 'S' },
		{ "src-macs", required_argument, NULL, 'M' },
		{ "ip", required_argument, NULL, 'i' },
		{ "arp", required_argument, NULL, 'A' },
		{ "bench", no_argument, NULL, 'b' },
		{ "tx-burst", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	struct rte_mempool *mp;
	uint64_t rate = 0, duration = 0, rx_ms = 1000, wait_link = 10, hz, deadline;
	bool announce = false;
	uint16_t tx_burst = 0;	/* --tx-burst; 0: 1, or BURST with --bench */
	int storm_port = -1;
	int arp_port = -1;
	struct in_addr arp_sip, arp_tip;
	uint64_t storm_left = 0, storm_done = 0;
	uint16_t n_ports, p;
	int ret, c;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "ep-peer: EAL init failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (n_sends == MAX_SENDS || parse_send(optarg, &sends[n_sends]) != 0) {
				fprintf(stderr, "ep-peer: bad --send %s\n", optarg);
				return 2;
			}
			n_sends++;
			break;
		case 'a':
			announce = true;
			break;
		case 'b':
			bench = true;
			break;
		case 'B':
			tx_burst = (uint16_t)atoi(optarg);
			if (tx_burst < 1 || tx_burst > BURST) {
				fprintf(stderr, "ep-peer: --tx-burst 1..%d\n", BURST);
				return 2;
			}
			break;
		case 'r':
			rate = strtoull(optarg, NULL, 10);
			break;
		case 'd':
			duration = strtoull(optarg, NULL, 10);
			break;
		case 't':
			rx_ms = strtoull(optarg, NULL, 10);
			break;
		case 'w':
			wait_link = strtoull(optarg, NULL, 10);
			break;
		case 'q':
			n_queues = (uint16_t)atoi(optarg);
			if (n_queues < 1 || n_queues > MAX_QUEUES) {
				fprintf(stderr, "ep-peer: --queues 1..%d\n", MAX_QUEUES);
				return 2;
			}
			break;
		case 'M':
			n_src_macs = (uint32_t)strtoul(optarg, NULL, 10);
			if (n_src_macs > (1u << 24)) {
				fprintf(stderr, "ep-peer: --src-macs at most %u\n", 1u << 24);
				return 2;
			}
			break;
		case 'S':
			if (sscanf(optarg, "%d:%" SCNu64, &storm_port, &storm_left) != 2 ||
			    storm_port < 0 || storm_port >= MAX_PORTS) {
				fprintf(stderr, "ep-peer: bad --storm %s\n", optarg);
				return 2;
			}
			break;
		case 'i':
			if (n_sends == 0 || parse_ip(optarg, &sends[n_sends - 1].ip) != 0) {
				fprintf(stderr, "ep-peer: bad --ip %s (after a --send)\n", optarg);
				return 2;
			}
			ip_report = true;
			break;
		case 'A': {
			char buf[64], *a, *b;

			snprintf(buf, sizeof(buf), "%s", optarg);
			a = strchr(buf, ':');
			b = a != NULL ? strchr(a + 1, ':') : NULL;
			if (b == NULL) {
				fprintf(stderr, "ep-peer: bad --arp %s\n", optarg);
				return 2;
			}
			*a++ = '\0';
			*b++ = '\0';
			arp_port = atoi(buf);
			if (arp_port < 0 || arp_port >= MAX_PORTS || inet_pton(AF_INET, a, &arp_sip) != 1 ||
			    inet_pton(AF_INET, b, &arp_tip) != 1) {
				fprintf(stderr, "ep-peer: bad --arp %s\n", optarg);
				return 2;
			}
			ip_report = true;
			break;
		}
		default:
			return 2;
		}
	}
	for (unsigned int i = 0; i < n_sends; i++)
		if (sends[i].dst_set >= 0 && n_src_macs == 0) {
			fprintf(stderr, "ep-peer: a send to macs:Q needs --src-macs N\n");
			return 2;
		}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	n_ports = rte_eth_dev_count_avail();
	if (n_ports == 0 || n_ports > MAX_PORTS) {
		fprintf(stderr, "ep-peer: need 1..%d ports, have %u\n", MAX_PORTS, n_ports);
		return 1;
	}
	mp = rte_pktmbuf_pool_create("peer", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "ep-peer: no mbuf pool\n");
		return 1;
	}
	for (p = 0; p < n_ports; p++) {
		if (setup_port(p, mp) != 0) {
			fprintf(stderr, "ep-peer: cannot start port %u\n", p);
			return 1;
		}
		rte_eth_macaddr_get(p, &macs[p]);
	}
	for (unsigned int i = 0; i < n_sends; i++) {
		if (sends[i].port >= n_ports) {
			fprintf(stderr, "ep-peer: --send names port %u of %u\n", sends[i].port,
				n_ports);
			return 2;
		}
	}
	hz = rte_get_tsc_hz();

	/* Wait for every link (virtio-user: the switch accepted the device). */
	deadline = rte_get_tsc_cycles() + wait_link * hz;
	for (p = 0; p < n_ports && !quit; ) {
		struct rte_eth_link link;

		if (rte_eth_link_get_nowait(p, &link) == 0 && link.link_status) {
			p++;
			continue;
		}
		if (rte_get_tsc_cycles() > deadline) {
			fprintf(stderr, "ep-peer: port %u link down after %" PRIu64 " s\n", p,
				wait_link);
			return 3;
		}
		rte_delay_ms(10);
	}
	/* Give the switch time to publish the devices to its PMDs. */
	rte_delay_ms(200);

	if (announce) {
		struct rte_ether_addr bcast;

		memset(&bcast, 0xff, sizeof(bcast));
		for (p = 0; p < n_ports; p++) {
			struct rte_mbuf *m = build_frame(mp, p, &bcast, -1, 60, 0, NULL);

			if (m != NULL && rte_eth_tx_burst(p, 0, &m, 1) == 1)
				stats[p].tx++;
			else
				rte_pktmbuf_free(m);
		}
		deadline = rte_get_tsc_cycles() + hz / 2;
		while (rte_get_tsc_cycles() < deadline && !quit)
			poll_rx(n_ports);
		/* Announcements are not part of what the caller counts. */
		memset(stats, 0, sizeof(stats));
	}

	if (arp_port >= 0 && arp_port < n_ports) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		struct rte_ether_hdr *eh;
		struct rte_arp_hdr *ah;

		if (m != NULL && rte_pktmbuf_append(m, 60) != NULL) {
			eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
			memset(eh, 0, 60);
			memset(&eh->dst_addr, 0xff, sizeof(eh->dst_addr));
			eh->src_addr = macs[arp_port];
			eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
			ah = (struct rte_arp_hdr *)(eh + 1);
			ah->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
			ah->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
			ah->arp_hlen = 6;
			ah->arp_plen = 4;
			ah->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
			ah->arp_data.arp_sha = macs[arp_port];
			ah->arp_data.arp_sip = arp_sip.s_addr;
			ah->arp_data.arp_tip = arp_tip.s_addr;
			if (rte_eth_tx_burst((uint16_t)arp_port, 0, &m, 1) != 1)
				rte_pktmbuf_free(m);
		} else {
			rte_pktmbuf_free(m);
		}
		/* Wait (bounded) for the reply; later ones are counted too. */
		deadline = rte_get_tsc_cycles() + hz;
		while (rte_get_tsc_cycles() < deadline && !quit &&
		       stats[arp_port].rx_arp_replies == 0)
			poll_rx(n_ports);
	}

	for (unsigned int i = 0; bench && i < n_sends; i++)
		prepare_template(mp, i);
	{
		uint64_t sent[MAX_SENDS] = { 0 }, used[MAX_SENDS] = { 0 }, seq = 1;
		/* --bench without --rate: what a full ring refused goes again, first. */
		struct rte_mbuf *held[MAX_SENDS][BURST];
		uint16_t n_held[MAX_SENDS] = { 0 };
		bool hold = bench && !rate;
		uint64_t start = rte_get_tsc_cycles(), now = start;
		/* Count-based sends are bounded too: 60 s at most. */
		uint64_t end = start + (duration ? duration : 60) * hz;
		/* With --duration and --rate: exactly rate x duration frames in all. */
		uint64_t target = duration && rate ? duration * rate : UINT64_MAX;
		uint64_t used_total = 0, last_storm = 0, lag_max = 0, skipped = 0;
		uint16_t min_burst = tx_burst ? tx_burst : bench ? BURST : 1;
		/*
		 * --bench: the most the generator catches up at once after it
		 * fell behind (2 bursts per send, or 100 us of the rate); beyond
		 * that the schedule's frames are skipped, not sent in a burst that
		 * would fill the switch's rings because the generator stalled.
		 */
		uint64_t lag_cap = RTE_MAX((uint64_t)2 * n_sends * min_burst, rate / 10000);
		struct timespec cpu0, cpu1;
		bool more = n_sends > 0;
		uint16_t txq_rr = 0;

		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
		while (more && !quit) {
			uint64_t due = UINT64_MAX;
			unsigned int first = 0;
			bool last;

			now = rte_get_tsc_cycles();
			more = storm_left > 0;
			last = now >= end;
			if (last) {
				/* A paced --bench run offers its last partial bursts (1 ms at most). */
				if (!bench || !rate || used_total + skipped >= target ||
				    now >= end + hz / 1000)
					break;
				now = end;
			}
			/* One detach/attach of the storm port every 20 ms. */
			if (storm_left > 0 && now - last_storm > hz / 50) {
				if (storm_port < n_ports &&
				    replug_port((uint16_t)storm_port, mp) != 0) {
					fprintf(stderr, "ep-peer: storm re-attach failed\n");
					return 1;
				}
				storm_left--;
				storm_done++;
				last_storm = now;
			}
			if (rate) {
				/*
				 * Pace: what the sends use (all together) may not run
				 * ahead of rate * t; a send waits until min_burst
				 * frames are due.
				 */
				due = RTE_MIN(target, (uint64_t)((unsigned __int128)(now - start) *
								 rate / hz) + 1);
				if (due > used_total + skipped) {
					uint64_t behind = due - used_total - skipped;

					if (behind > lag_max) {
						lag_max = behind;
						report.lag_max_at = now - start;
					}
					if (bench && behind > lag_cap)
						skipped += behind - lag_cap;
				}
			}
			/* The least-served send first: the sends share the rate evenly. */
			for (unsigned int i = 1; i < n_sends; i++)
				if (used[i] < used[first])
					first = i;
			for (unsigned int j = 0; j < n_sends; j++) {
				unsigned int i = (first + j) % n_sends;
				struct send_spec *s = &sends[i];
				struct rte_mbuf *burst[BURST];
				uint16_t n = BURST, k, tx;

				if (!duration && sent[i] >= s->count)
					continue;
				if (s->port == storm_port && storm_left > 0) {
					more = true;
					continue;
				}
				more = true;
				if (rate) {
					uint64_t avail = due > used_total + skipped ?
							 due - used_total - skipped : 0;

					if (avail < (last ? 1 : min_burst))
						continue;
					n = (uint16_t)RTE_MIN((uint64_t)BURST, avail);
				}
				if (!duration)
					n = (uint16_t)RTE_MIN((uint64_t)n, s->count - sent[i]);
				k = n_held[i];
				memcpy(burst, held[i], k * sizeof(burst[0]));
				n_held[i] = 0;
				k += build_burst(mp, i, burst + k, n - k, &seq);
				txq_rr = (uint16_t)((txq_rr + 1) % n_queues);
				tx = rte_eth_tx_burst(s->port, txq_rr, burst, k);
				stats[s->port].txq[txq_rr] += tx;
				if (tx < k && hold) {
					memcpy(held[i], &burst[tx], (k - tx) * sizeof(burst[0]));
					n_held[i] = k - tx;
				} else if (tx < k) {
					/* Ring full: count it; count-based sends retry. */
					rte_pktmbuf_free_bulk(&burst[tx], k - tx);
					stats[s->port].tx_fail += k - tx;
				}
				sent[i] += tx;
				/* Paced --bench: a frame the ring did not take is offered and lost. */
				used[i] += bench && rate ? k : tx;
				used_total += bench && rate ? k : tx;
				stats[s->port].tx += tx;
			}
			poll_rx(n_ports);
		}
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
		for (unsigned int i = 0; i < n_sends; i++)
			rte_pktmbuf_free_bulk(held[i], n_held[i]);
		report.rate = rate;
		report.duration = duration;
		report.target = target == UINT64_MAX ? 0 : target;
		report.offered = used_total;
		report.skipped = skipped;
		report.lag_max = lag_max;
		report.secs = (double)(RTE_MIN(now, end) - start) / (double)hz;
		report.cpu = ((double)(cpu1.tv_sec - cpu0.tv_sec) +
			      (double)(cpu1.tv_nsec - cpu0.tv_nsec) / 1e9) /
			     ((double)(rte_get_tsc_cycles() - start) / (double)hz);
	}

	deadline = rte_get_tsc_cycles() + rx_ms * hz / 1000;
	while (rte_get_tsc_cycles() < deadline && !quit)
		poll_rx(n_ports);

	if (storm_done > 0)
		fprintf(stderr, "ep-peer: storm: %" PRIu64 " stop/start cycles\n", storm_done);
	print_json(n_ports);
	for (p = 0; p < n_ports; p++) {
		rte_eth_dev_stop(p);
		rte_eth_dev_close(p);
	}
	rte_eal_cleanup();
	return 0;
}
