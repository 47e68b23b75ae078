/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_fwd.c: the switch pipeline run by every PMD on each rx burst:
 * parse -> VLAN ingress -> learn -> lookup -> forward or flood -> VLAN
 * egress -> per-port tx batch.
 *
 * Fast-path file: no malloc, no locks, no syscalls, no logs. Every mbuf
 * handed to vsw_input() ends in tx batches (one reference per batch) or is
 * freed and counted.
 *
 * VLAN offloads are not used: the tag is read from and written to the packet
 * bytes, so ports must not enable VLAN stripping.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "vsw.h"
#include "vsw_priv.h"

#define PREFETCH_AHEAD 3
#define VID_MASK 0x0fff
#define HDR_SIZE_ETH ((uint32_t)sizeof(struct rte_ether_hdr))
#define HDR_SIZE_VLAN ((uint32_t)sizeof(struct rte_vlan_hdr))
/* Both MAC addresses: what moves when a tag is inserted or removed. */
#define MACS_SIZE (2 * RTE_ETHER_ADDR_LEN)

/* "Leave untagged" as an egress TCI; real TCIs fit in 16 bits. */
#define TCI_NONE UINT32_MAX

void
vsw_pmd_init(struct vsw_pmd *pmd, struct rte_mempool *pool)
{
	memset(pmd, 0, sizeof(*pmd));
	pmd->pool = pool;
}

/*
 * Egress rule of @pi for a packet of VLAN @vlan whose tag would carry @tci.
 * Returns false if the port does not carry the VLAN, else sets @out_tci to
 * the TCI to send, or TCI_NONE for untagged. VLAN 0 always leaves untagged.
 */
static bool
egress_tci(const struct vsw_port_info *pi, uint16_t vlan, uint16_t tci, uint32_t *out_tci)
{
	const struct vsw_vlan_cfg *c = &pi->vlan;

	switch (c->mode) {
	case VSW_VLAN_TRUNK:
		if (!vsw_vlan_cfg_allows(c, vlan))
			return false;
		*out_tci = vlan == 0 ? TCI_NONE : tci;
		return true;
	case VSW_VLAN_ACCESS:
		*out_tci = TCI_NONE;
		return vlan == c->tag;
	case VSW_VLAN_NATIVE_UNTAGGED:
	case VSW_VLAN_NATIVE_TAGGED:
		/* VLAN 0 would leave untagged and come back as `tag`: not
		 * carried, so native ports never merge VLAN 0 into theirs.
		 */
		if (vlan == 0 || (vlan != c->tag && !vsw_vlan_cfg_allows(c, vlan)))
			return false;
		if (vlan == c->tag && c->mode == VSW_VLAN_NATIVE_UNTAGGED)
			*out_tci = TCI_NONE;
		else
			*out_tci = tci;
		return true;
	}
	return false;
}

/*
 * Ingress rule of @pi: the VLAN of a frame whose 802.1Q VID is @vid (0 when
 * untagged or priority-tagged). Returns false on a VLAN violation.
 */
static bool
ingress_vlan(const struct vsw_port_info *pi, uint16_t vid, uint16_t *vlan)
{
	const struct vsw_vlan_cfg *c = &pi->vlan;

	switch (c->mode) {
	case VSW_VLAN_TRUNK:
		*vlan = vid;
		return vsw_vlan_cfg_allows(c, vid);
	case VSW_VLAN_ACCESS:
		*vlan = c->tag;
		return vid == 0;
	case VSW_VLAN_NATIVE_UNTAGGED:
	case VSW_VLAN_NATIVE_TAGGED:
		if (vid == 0) {
			*vlan = c->tag;
			return true;
		}
		*vlan = vid;
		return vid == c->tag || vsw_vlan_cfg_allows(c, vid);
	}
	return false;
}

/* The TCI on the wire of @m, or TCI_NONE when it has no 802.1Q tag. */
static uint32_t
wire_tci(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_vlan_hdr *vh;

	if (eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))
		return TCI_NONE;
	vh = (const struct rte_vlan_hdr *)(eh + 1);
	return rte_be_to_cpu_16(vh->vlan_tci);
}

/*
 * Rewrite @m's first segment so that it carries @tci (TCI_NONE: untagged).
 * @m must be writable (direct, refcnt 1). Returns false when there is no
 * headroom for a new tag.
 */
static bool
set_encap(struct rte_mbuf *m, uint32_t tci)
{
	uint32_t cur = wire_tci(m);
	struct rte_vlan_hdr *vh;
	uint8_t *p;

	if (cur == tci)
		return true;
	if (tci == TCI_NONE) {
		/* Strip: slide the MACs over the tag, then drop 4 bytes. */
		p = rte_pktmbuf_mtod(m, uint8_t *);
		memmove(p + HDR_SIZE_VLAN, p, MACS_SIZE);
		rte_pktmbuf_adj(m, HDR_SIZE_VLAN);
		return true;
	}
	if (cur == TCI_NONE) {
		/* Insert: open 4 bytes in front, slide the MACs back. */
		p = (uint8_t *)rte_pktmbuf_prepend(m, HDR_SIZE_VLAN);
		if (unlikely(p == NULL))
			return false;
		memmove(p, p + HDR_SIZE_VLAN, MACS_SIZE);
		((struct rte_ether_hdr *)p)->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	}
	vh = (struct rte_vlan_hdr *)(rte_pktmbuf_mtod(m, uint8_t *) + HDR_SIZE_ETH);
	/* After an insert the old ethertype is already in vh->eth_proto: it
	 * stayed where it was, 4 bytes past the new start of the frame.
	 */
	vh->vlan_tci = rte_cpu_to_be_16((uint16_t)tci);
	return true;
}

static bool
writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

static void
drop(struct vsw_pmd *pmd, uint16_t port, enum vsw_drop why, struct rte_mbuf *m)
{
	pmd->ctr[port].drops[why]++;
	rte_pktmbuf_free(m);
}

/* Queue one reference of @m on @port. Consumes the reference either way. */
static void
tx_append(struct vsw_pmd *pmd, uint16_t port, struct rte_mbuf *m)
{
	struct vsw_tx_batch *b = &pmd->tx[port];

	if (unlikely(b->n >= VSW_BURST)) {
		/* Only if the caller skipped a flush between two bursts. */
		drop(pmd, port, VSW_DROP_TX_FULL, m);
		return;
	}
	if (b->n == 0)
		pmd->dirty[pmd->n_dirty++] = port;
	b->pkts[b->n++] = m;
}

/*
 * Give @m (one reference) to the @n ports of @outs, sharing it by reference
 * count.
 */
static void
send_shared(struct vsw_pmd *pmd, struct rte_mbuf *m, const uint16_t *outs, uint16_t n)
{
	uint16_t i;

	if (n > 1)
		rte_mbuf_refcnt_update(m, (int16_t)(n - 1));
	for (i = 0; i < n; i++)
		tx_append(pmd, outs[i], m);
}

/*
 * Make @m carry @tci: in place when @m is writable, else in a copy (and @m's
 * reference is released). Consumes @m; returns the mbuf to send, or NULL when
 * no copy could be made.
 */
static struct rte_mbuf *
to_encap(struct vsw_pmd *pmd, struct rte_mbuf *m, uint32_t tci)
{
	struct rte_mbuf *c;

	if (wire_tci(m) == tci)
		return m;
	if (likely(writable(m)) && set_encap(m, tci))
		return m;
	c = rte_pktmbuf_copy(m, pmd->pool, 0, UINT32_MAX);
	rte_pktmbuf_free(m);
	if (unlikely(c == NULL))
		return NULL;
	pmd->pmd.copies++;
	if (unlikely(!set_encap(c, tci))) {
		rte_pktmbuf_free(c);
		return NULL;
	}
	return c;
}

struct flood_group {
	uint32_t tci;
	uint16_t n;
	uint16_t ports[VSW_MAX_PORTS];
};

/*
 * Flood @m of VLAN @vlan to every member of @br but @in_port that carries the
 * VLAN. Outputs fall into at most two groups: untagged, and tagged with @tci.
 * A group whose encapsulation is the one on the wire shares the original
 * mbuf; otherwise the original is rewritten in place when no group needs it
 * as is, and one copy per remaining group is rewritten and shared.
 */
static void
flood(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t br_id, uint16_t in_port,
      struct rte_mbuf *m, uint16_t vlan, uint16_t tci, uint32_t l3_size)
{
	const struct vsw_bridge_info *br = &snap->bridges[br_id];
	struct flood_group groups[2];	/* [0] untagged, [1] tagged */
	struct flood_group *first, *second, *g;
	const struct vsw_port_info *pi;
	struct rte_mbuf *c = NULL;
	uint32_t out_tci;
	uint16_t i, p;

	groups[0].tci = TCI_NONE;
	groups[0].n = 0;
	groups[1].tci = tci;
	groups[1].n = 0;
	for (i = 0; i < br->n_ports; i++) {
		p = br->ports[i];
		if (p == in_port || p >= VSW_MAX_PORTS)
			continue;
		pi = &snap->ports[p];
		if (!pi->in_use || pi->bridge != br_id || !egress_tci(pi, vlan, tci, &out_tci))
			continue;
		if (pi->mtu != 0 && l3_size > pi->mtu) {
			pmd->ctr[p].drops[VSW_DROP_OVERSIZE]++;
			continue;
		}
		g = &groups[out_tci == TCI_NONE ? 0 : 1];
		g->ports[g->n++] = p;
	}

	if (groups[0].n == 0 && groups[1].n == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	pmd->pmd.flooded++;

	/* `first` gets the original: the group already matching the wire. */
	first = groups[1].n != 0 && wire_tci(m) == tci ? &groups[1] : &groups[0];
	if (first->n == 0)
		first = &groups[1];
	second = first == &groups[0] ? &groups[1] : &groups[0];

	if (second->n != 0) {
		/* Copy before the original may be rewritten. */
		c = rte_pktmbuf_copy(m, pmd->pool, 0, UINT32_MAX);
		if (unlikely(c == NULL)) {
			pmd->ctr[in_port].drops[VSW_DROP_NO_MBUF]++;
		} else {
			pmd->pmd.copies++;
			if (unlikely(!set_encap(c, second->tci))) {
				rte_pktmbuf_free(c);
				c = NULL;
				pmd->ctr[in_port].drops[VSW_DROP_NO_MBUF]++;
			}
		}
	}
	m = to_encap(pmd, m, first->tci);
	if (likely(m != NULL))
		send_shared(pmd, m, first->ports, first->n);
	else
		pmd->ctr[in_port].drops[VSW_DROP_NO_MBUF]++;
	if (c != NULL)
		send_shared(pmd, c, second->ports, second->n);
}

/* Run one packet through the pipeline of bridge @br_id. */
/*
 * What the previous frames of this burst looked up. A burst often holds many
 * frames of one flow: each source is learned once and each destination looked
 * up once per run of equal addresses. The FDB may change during the burst;
 * using the first lookup for the whole run is the same as if the burst had
 * arrived a moment earlier.
 */
struct burst_memo {
	struct rte_ether_addr src;
	uint16_t src_vlan;	/* UINT16_MAX: none yet (no frame has VLAN 65535) */
	struct rte_ether_addr dst;
	uint16_t dst_vlan;	/* UINT16_MAX: none yet */
	uint16_t out;		/* what dst/dst_vlan looked up to */
};

static void
input_one(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t br_id,
	  uint16_t in_port, struct rte_mbuf *m, struct vsw_fdb *fdb, struct burst_memo *memo)
{
	const struct vsw_port_info *in_pi = &snap->ports[in_port];
	const struct vsw_port_info *out_pi;
	const struct rte_ether_hdr *eh;
	enum vsw_learn_result lr;
	uint32_t hdr_size, l3_size, out_tci;
	uint16_t vid = 0, tci = 0, vlan, out;

	if (unlikely(rte_pktmbuf_data_len(m) < HDR_SIZE_ETH)) {
		drop(pmd, in_port, VSW_DROP_MALFORMED, m);
		return;
	}
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	hdr_size = HDR_SIZE_ETH;
	if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		if (unlikely(rte_pktmbuf_data_len(m) < HDR_SIZE_ETH + HDR_SIZE_VLAN)) {
			drop(pmd, in_port, VSW_DROP_MALFORMED, m);
			return;
		}
		tci = rte_be_to_cpu_16(((const struct rte_vlan_hdr *)(eh + 1))->vlan_tci);
		vid = tci & VID_MASK;	/* VID 0: priority tag, counts as untagged */
		hdr_size += HDR_SIZE_VLAN;
	}
	if (unlikely(!ingress_vlan(in_pi, vid, &vlan))) {
		drop(pmd, in_port, VSW_DROP_VLAN_VIOLATION, m);
		return;
	}
	/* Egress TCI: the VLAN with the priority bits the frame came with. */
	tci = (uint16_t)((tci & ~VID_MASK) | vlan);
	l3_size = rte_pktmbuf_pkt_len(m) - hdr_size;
	if (unlikely(in_pi->mtu != 0 && l3_size > in_pi->mtu)) {
		/* Above the input port's MTU: dropped, never truncated. */
		drop(pmd, in_port, VSW_DROP_OVERSIZE, m);
		return;
	}

	if (vlan != memo->src_vlan || !rte_is_same_ether_addr(&eh->src_addr, &memo->src)) {
		lr = vsw_fdb_learn_req(fdb, &eh->src_addr, vlan, in_port, pmd->now);
		if (lr == VSW_LEARN_QUEUED)
			pmd->pmd.learn_requests++;
		else if (lr == VSW_LEARN_RING_FULL)
			pmd->pmd.learn_ring_full++;
		memo->src = eh->src_addr;
		memo->src_vlan = vlan;
	}

	if (rte_is_multicast_ether_addr(&eh->dst_addr)) {
		flood(pmd, snap, br_id, in_port, m, vlan, tci, l3_size);
		return;
	}
	if (vlan != memo->dst_vlan || !rte_is_same_ether_addr(&eh->dst_addr, &memo->dst)) {
		memo->out = vsw_fdb_lookup(fdb, &eh->dst_addr, vlan);
		memo->dst = eh->dst_addr;
		memo->dst_vlan = vlan;
	}
	out = memo->out;
	if (out == in_port) {
		drop(pmd, in_port, VSW_DROP_HAIRPIN, m);
		return;
	}
	if (out >= VSW_MAX_PORTS || !snap->ports[out].in_use ||
	    snap->ports[out].bridge != br_id) {
		/* Unknown, or a stale entry of a port gone from the bridge. */
		flood(pmd, snap, br_id, in_port, m, vlan, tci, l3_size);
		return;
	}
	out_pi = &snap->ports[out];
	if (unlikely(!egress_tci(out_pi, vlan, tci, &out_tci))) {
		drop(pmd, in_port, VSW_DROP_VLAN_VIOLATION, m);
		return;
	}
	if (unlikely(out_pi->mtu != 0 && l3_size > out_pi->mtu)) {
		drop(pmd, out, VSW_DROP_OVERSIZE, m);
		return;
	}
	m = to_encap(pmd, m, out_tci);
	if (unlikely(m == NULL)) {
		pmd->ctr[in_port].drops[VSW_DROP_NO_MBUF]++;
		return;
	}
	pmd->pmd.forwarded++;
	tx_append(pmd, out, m);
}

void
vsw_input(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t in_port,
	  struct rte_mbuf **pkts, uint16_t n)
{
	const struct vsw_port_info *in_pi;
	struct burst_memo memo = { .src_vlan = UINT16_MAX, .dst_vlan = UINT16_MAX };
	struct vsw_port_counters *ctr;
	struct vsw_fdb *fdb;
	uint16_t i, br_id;
	uint64_t bytes = 0;

	if (unlikely(in_port >= VSW_MAX_PORTS)) {
		/* No counter to charge: a caller bug, not traffic. */
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	ctr = &pmd->ctr[in_port];
	for (i = 0; i < n; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	ctr->rx_packets += n;
	ctr->rx_bytes += bytes;

	in_pi = &snap->ports[in_port];
	br_id = in_pi->bridge;
	if (unlikely(!in_pi->in_use || br_id >= VSW_MAX_BRIDGES ||
		     !snap->bridges[br_id].in_use || snap->bridges[br_id].fdb == NULL)) {
		ctr->drops[VSW_DROP_NO_BRIDGE] += n;
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	fdb = snap->bridges[br_id].fdb;

	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		input_one(pmd, snap, br_id, in_port, pkts[i], fdb, &memo);
	}
}
