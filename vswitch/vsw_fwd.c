/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_fwd.c: the switch pipeline run by every PMD on each rx burst:
 * parse -> VLAN ingress -> learn -> lookup -> forward or flood -> VLAN
 * egress -> per-port tx batch. When the bridge has flow rules, each frame
 * first goes through the per-PMD exact-match cache and the classifier, and
 * the matching rule's actions decide (NORMAL runs the L2 path above).
 * Before all that, the burst goes through the input port's ingress policer
 * and port security (vsw_sec.c), and what is left is mirrored (rx). On the
 * output side, vsw_egress() polices each complete tx batch and mirrors it
 * (tx), just before the PMD sends it.
 *
 * Fast-path file: no malloc, no locks, no syscalls, no logs. Every mbuf
 * handed to vsw_input() ends in tx batches (one reference per batch) or is
 * freed and counted. References are taken on every segment of a chain
 * (rte_pktmbuf_refcnt_update), because freeing a chain drops one reference
 * of each segment.
 *
 * VLAN offloads are not used: the tag is read from and written to the packet
 * bytes, so ports must not enable VLAN stripping.
 */
#include <stddef.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "vsw.h"
#include "vsw_priv.h"

#define VID_MASK 0x0fff
#define HDR_SIZE_ETH ((uint32_t)sizeof(struct rte_ether_hdr))
#define HDR_SIZE_VLAN ((uint32_t)sizeof(struct rte_vlan_hdr))
/* Both MAC addresses: what moves when a tag is inserted or removed. */
#define MACS_SIZE (2 * RTE_ETHER_ADDR_LEN)

/* "Leave untagged" as an egress TCI; real TCIs fit in 16 bits. */
#define TCI_NONE UINT32_MAX

/*
 * Egress rule of @pi for a packet of VLAN @vlan whose tag would carry @tci.
 * Returns false if the port does not carry the VLAN, else sets @out_tci to
 * the TCI to send, or TCI_NONE for untagged. VLAN 0 always leaves untagged.
 */
static inline bool
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
static inline bool
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

/* Is @port a port of bridge @br_id in @snap (VSW_PORT_NONE is not)? */
static inline bool
bridge_port(const struct vsw_snapshot *snap, uint16_t br_id, uint16_t port)
{
	return port < VSW_MAX_PORTS && snap->ports[port].in_use &&
	       snap->ports[port].bridge == br_id;
}

/* The EtherType field (network order) of the Ethernet header at @p. */
static inline uint16_t
ether_type(const uint8_t *p)
{
	uint16_t t;

	memcpy(&t, p + 2 * RTE_ETHER_ADDR_LEN, sizeof(t));
	return t;
}

/* The TCI on the wire of @m, or TCI_NONE when it has no 802.1Q tag. */
static inline uint32_t
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

/* Queue one reference of @m on @port, whose batch is @b, if it has room
 * (else false). */
static inline bool
tx_try_batch(struct vsw_pmd *pmd, struct vsw_tx_batch *b, uint16_t port, struct rte_mbuf *m)
{
	uint16_t n = b->n;

	if (unlikely(n >= VSW_BURST))
		return false;
	if (n == 0)
		pmd->dirty[pmd->n_dirty++] = port;
	b->pkts[n] = m;
	b->n = n + 1;
	return true;
}

/* Queue one reference of @m on @port if its batch has room (else false). */
static inline bool
tx_try(struct vsw_pmd *pmd, uint16_t port, struct rte_mbuf *m)
{
	return tx_try_batch(pmd, &pmd->tx[port], port, m);
}

/* Queue one reference of @m on @port. Consumes the reference either way. */
static void
tx_append(struct vsw_pmd *pmd, uint16_t port, struct rte_mbuf *m)
{
	/* Full: the caller skipped a flush between two bursts, or flow
	 * actions sent more than one copy of a frame to this port. */
	if (unlikely(!tx_try(pmd, port, m)))
		drop(pmd, port, VSW_DROP_TX_FULL, m);
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
		rte_pktmbuf_refcnt_update(m, (int16_t)(n - 1));
	for (i = 0; i < n; i++)
		tx_append(pmd, outs[i], m);
}

/*
 * A private copy of @m (counted in `copies`) in place of @m, whose reference
 * is released either way. NULL when the pool is out of mbufs.
 */
static struct rte_mbuf *
copy_out(struct vsw_pmd *pmd, struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, pmd->pool, 0, UINT32_MAX);

	rte_pktmbuf_free(m);
	if (likely(c != NULL))
		pmd->pmd.copies++;
	return c;
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
	c = copy_out(pmd, m);
	if (unlikely(c == NULL))
		return NULL;
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
	/* The last frame forwarded to one known port (vsw_priv.h), from an
	 * earlier burst of the port while still valid (vsw_input()). */
	struct vsw_memo_fast fast;
	uint16_t misses;	/* frames of the burst that missed the memo */
	/* No source of the burst was lost to a full learn ring: the fast
	 * decision may be kept for the port's next burst, whose first frame
	 * then takes no FDB lookup (so it would not retry the learning). */
	bool keep;
};

/* Does @m have the memoized frame's header, within its length bound? */
static inline bool
memo_hit(const struct burst_memo *memo, const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint64_t w[3];

	if (memo->fast.hdr_len == 0 || rte_pktmbuf_data_len(m) < memo->fast.hdr_len ||
	    rte_pktmbuf_pkt_len(m) > memo->fast.max_len)
		return false;
	memcpy(&w[0], p, 8);
	memcpy(&w[1], p + 6, 8);
	if (w[0] != memo->fast.hdr[0] || w[1] != memo->fast.hdr[1])
		return false;
	if (memo->fast.hdr_len == HDR_SIZE_ETH)
		return true;
	memcpy(&w[2], p + 10, 8);
	return w[2] == memo->fast.hdr[2];
}

static inline void
memo_set(struct burst_memo *memo, const struct rte_mbuf *m, uint32_t hdr_size,
	 const struct vsw_port_info *in_pi, const struct vsw_port_info *out_pi, uint16_t out,
	 uint32_t out_tci)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t max_len = UINT32_MAX;

	if (in_pi->mtu != 0)
		max_len = hdr_size + in_pi->mtu;
	if (out_pi->mtu != 0)
		max_len = RTE_MIN(max_len, hdr_size + out_pi->mtu);
	memcpy(&memo->fast.hdr[0], p, 8);
	memcpy(&memo->fast.hdr[1], p + 6, 8);
	if (hdr_size > HDR_SIZE_ETH)
		memcpy(&memo->fast.hdr[2], p + 10, 8);
	memo->fast.hdr_len = (uint16_t)hdr_size;
	memo->fast.max_len = max_len;
	memo->fast.out_tci = out_tci;
	memo->fast.out = out;
	memo->fast.as_is = wire_tci(m) == out_tci;
}

/*
 * The fast path of a burst: @m hits the memo and leaves unchanged. Queues it
 * and returns true; false leaves @m to input_one().
 */
static inline bool
memo_forward(struct vsw_pmd *pmd, const struct burst_memo *memo, struct rte_mbuf *m)
{
	/* A full batch: input_one() counts the drop. */
	if (!memo->fast.as_is || !memo_hit(memo, m) || !tx_try(pmd, memo->fast.out, m))
		return false;
	pmd->pmd.forwarded++;
	return true;
}

/* Encapsulate @m with @out_tci and queue it on @out (one known port). */
static inline void
forward_one(struct vsw_pmd *pmd, uint16_t in_port, uint16_t out, struct rte_mbuf *m,
	    uint32_t out_tci)
{
	/* Most frames leave as they came: no call for them. */
	if (unlikely(wire_tci(m) != out_tci)) {
		m = to_encap(pmd, m, out_tci);
		if (unlikely(m == NULL)) {
			pmd->ctr[in_port].drops[VSW_DROP_NO_MBUF]++;
			return;
		}
	}
	pmd->pmd.forwarded++;
	tx_append(pmd, out, m);
}

/* What the L2 path knows of a frame before the FDB (l2_parse()). */
struct l2_frame {
	uint32_t hdr_size;	/* 14, or 18 with an 802.1Q tag */
	uint32_t l3_size;	/* the frame past its Ethernet header */
	uint16_t vlan;		/* its VLAN in the bridge */
	uint16_t tci;		/* the tag it would leave with: vlan and its PCP/DEI */
	uint32_t wire;		/* the tag it came with: wire_tci() */
};

/* The most bytes past its Ethernet header a frame may have on @pi. */
static inline uint32_t
port_max_l3(const struct vsw_port_info *pi)
{
	return pi->mtu != 0 ? pi->mtu : UINT32_MAX;
}

/*
 * The rest of @f once its hdr_size and VLAN are known: the egress TCI (the
 * VLAN with the priority bits of the frame's tag @tci, 0 untagged) and the
 * size past the header. Returns VSW_DROP_MAX, or VSW_DROP_OVERSIZE above
 * @max_l3 (the input port's MTU: dropped, never truncated).
 */
static inline enum vsw_drop
l2_sizes(struct l2_frame *f, const struct rte_mbuf *m, uint16_t tci, uint32_t max_l3)
{
	f->tci = (uint16_t)((tci & ~VID_MASK) | f->vlan);
	f->l3_size = rte_pktmbuf_pkt_len(m) - f->hdr_size;
	return unlikely(f->l3_size > max_l3) ? VSW_DROP_OVERSIZE : VSW_DROP_MAX;
}

/*
 * Parse @m for the L2 path of input port @in_pi: Ethernet header, 802.1Q
 * tag, the port's VLAN rule, its MTU. Returns VSW_DROP_MAX and fills @f when
 * the frame goes on, else the drop reason.
 */
static inline enum vsw_drop
l2_parse(const struct vsw_port_info *in_pi, const struct rte_mbuf *m, struct l2_frame *f)
{
	const struct rte_ether_hdr *eh;
	uint16_t vid = 0, tci = 0;

	if (unlikely(rte_pktmbuf_data_len(m) < HDR_SIZE_ETH))
		return VSW_DROP_MALFORMED;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	f->hdr_size = HDR_SIZE_ETH;
	f->wire = TCI_NONE;
	if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		if (unlikely(rte_pktmbuf_data_len(m) < HDR_SIZE_ETH + HDR_SIZE_VLAN))
			return VSW_DROP_MALFORMED;
		tci = rte_be_to_cpu_16(((const struct rte_vlan_hdr *)(eh + 1))->vlan_tci);
		vid = tci & VID_MASK;	/* VID 0: priority tag, counts as untagged */
		f->hdr_size += HDR_SIZE_VLAN;
		f->wire = tci;
	}
	if (unlikely(!ingress_vlan(in_pi, vid, &f->vlan)))
		return VSW_DROP_VLAN_VIOLATION;
	return l2_sizes(f, m, tci, port_max_l3(in_pi));
}

/*
 * The L2 path after the FDB: @m (unicast, parsed into @f) goes to @out, the
 * port its destination looked up to (VSW_PORT_NONE: unknown, flooded). With
 * a @memo, a frame forwarded to one port becomes the burst's fast decision.
 */
static inline void
l2_forward(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t br_id,
	   uint16_t in_port, struct rte_mbuf *m, const struct l2_frame *f, uint16_t out,
	   struct burst_memo *memo)
{
	const struct vsw_port_info *out_pi;
	uint32_t out_tci;

	if (out == in_port) {
		drop(pmd, in_port, VSW_DROP_HAIRPIN, m);
		return;
	}
	if (!bridge_port(snap, br_id, out)) {
		/* Unknown, or a stale entry of a port gone from the bridge. */
		flood(pmd, snap, br_id, in_port, m, f->vlan, f->tci, f->l3_size);
		return;
	}
	out_pi = &snap->ports[out];
	if (unlikely(!egress_tci(out_pi, f->vlan, f->tci, &out_tci))) {
		drop(pmd, in_port, VSW_DROP_VLAN_VIOLATION, m);
		return;
	}
	if (unlikely(f->l3_size > port_max_l3(out_pi))) {
		drop(pmd, out, VSW_DROP_OVERSIZE, m);
		return;
	}
	if (memo != NULL)
		memo_set(memo, m, f->hdr_size, &snap->ports[in_port], out_pi, out, out_tci);
	forward_one(pmd, in_port, out, m, out_tci);
}

static void
input_one(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t br_id,
	  uint16_t in_port, struct rte_mbuf *m, struct vsw_fdb *fdb, struct burst_memo *memo)
{
	const struct rte_ether_hdr *eh;
	enum vsw_learn_result lr;
	enum vsw_drop why;
	struct l2_frame f;

	if (memo_hit(memo, m)) {
		forward_one(pmd, in_port, memo->fast.out, m, memo->fast.out_tci);
		return;
	}
	memo->misses++;
	why = l2_parse(&snap->ports[in_port], m, &f);
	if (unlikely(why != VSW_DROP_MAX)) {
		drop(pmd, in_port, why, m);
		return;
	}
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (f.vlan != memo->src_vlan || !rte_is_same_ether_addr(&eh->src_addr, &memo->src)) {
		lr = vsw_fdb_learn_req(fdb, &eh->src_addr, f.vlan, in_port, pmd->now);
		if (lr == VSW_LEARN_QUEUED) {
			pmd->pmd.learn_requests++;
		} else if (lr == VSW_LEARN_RING_FULL) {
			pmd->pmd.learn_ring_full++;
			memo->keep = false;
		}
		memo->src = eh->src_addr;
		memo->src_vlan = f.vlan;
	}

	if (rte_is_multicast_ether_addr(&eh->dst_addr)) {
		flood(pmd, snap, br_id, in_port, m, f.vlan, f.tci, f.l3_size);
		return;
	}
	if (f.vlan != memo->dst_vlan || !rte_is_same_ether_addr(&eh->dst_addr, &memo->dst)) {
		memo->out = vsw_fdb_lookup(fdb, &eh->dst_addr, f.vlan);
		memo->dst = eh->dst_addr;
		memo->dst_vlan = f.vlan;
	}
	l2_forward(pmd, snap, br_id, in_port, m, &f, memo->out, memo);
}

/* The PMD's generator for cache evictions and EMC inserts (xorshift32: never 0). */
static inline uint32_t
pmd_rand(struct vsw_pmd *pmd)
{
	uint32_t x = pmd->rand_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	pmd->rand_state = x;
	return x;
}

/*
 * The MAC-pair cache and the port memos (vsw_priv.h). The PMD's epoch,
 * checked once per burst:
 * a burst that sees another FDB change count or snapshot than the epoch was
 * begun for begins a new one, in which every bucket is empty; a new
 * snapshot also sets the refresh period from its bridges' aging.
 */
static inline uint32_t
pair_epoch(struct vsw_pmd *pmd, const struct vsw_snapshot *snap)
{
	uint64_t changes = vsw_fdb_changes();

	if (unlikely(changes != pmd->pair_changes || snap->generation != pmd->pair_snap)) {
		pmd->pair_changes = changes;
		/* A new tick is safe now: no bucket has the new epoch. */
		if (snap->generation != pmd->pair_snap)
			pmd->pair_tick_shift = vsw_pair_tick_shift(rte_get_tsc_hz(), snap);
		pmd->pair_snap = snap->generation;
		if (unlikely(++pmd->pair_epoch == VSW_PAIR_EPOCHS)) {
			/* After 2^24 epochs: old buckets and port memos could
			 * match again. */
			if (pmd->pair != NULL)
				memset(pmd->pair, 0, sizeof(*pmd->pair) * VSW_PAIR_BUCKETS);
			memset(pmd->port_memo, 0, sizeof(*pmd->port_memo) * VSW_MAX_PORTS);
			pmd->pair_epoch = 1;
		}
	}
	return pmd->pair_epoch;
}

/* The refresh clock of the pair cache and the port memos: 256 ticks a
 * refresh period (struct vsw_pmd, pair_tick_shift), the period's count
 * above its low 8 bits. */
static inline uint32_t
pair_tick(const struct vsw_pmd *pmd)
{
	return (uint32_t)(pmd->now_tsc >> pmd->pair_tick_shift);
}

#define MAC_BITS ((UINT64_C(1) << 48) - 1)
_Static_assert(RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN, "keys as 8-byte words: little-endian");
_Static_assert(offsetof(struct rte_ether_hdr, src_addr) == RTE_ETHER_ADDR_LEN, "src at 6");

/*
 * The conversation of a frame whose header starts with the 8-byte words @w0
 * (bytes 0-7) and @w1 (bytes 6-13), in the VLAN whose FDB key bits are @v
 * (the VLAN << 48): the FDB keys (struct
 * vsw_fdb_key: the MAC, then the VLAN) of its two addresses, the lower in
 * k[0] and the higher in k[1]. Returns the side its source is: k[side] is
 * the source's key, k[side ^ 1] the destination's. Built from two loads, not
 * written field by field and read back whole, which would stall on store
 * forwarding.
 */
static inline unsigned int
pair_key_v(uint64_t w0, uint64_t w1, uint64_t v, uint64_t k[2])
{
	uint64_t src = (w1 & MAC_BITS) | v;
	uint64_t dst = (w0 & MAC_BITS) | v;
	unsigned int s = src > dst;

	k[0] = s ? dst : src;
	k[1] = s ? src : dst;
	return s;
}

/* pair_key_v() of VLAN @vlan. */
static inline unsigned int
pair_key(uint64_t w0, uint64_t w1, uint16_t vlan, uint64_t k[2])
{
	return pair_key_v(w0, w1, (uint64_t)vlan << 48, k);
}

/* The bucket index of the conversation @k in a table of mask + 1 buckets
 * (vsw_pair_hash()). */
static inline uint32_t
pair_bucket(uint32_t mask, const uint64_t k[2])
{
	return vsw_pair_hash(k) & mask;
}

/* The one bucket of every conversation while the cache is off (the burst's
 * epoch is then 0, and its tags 0): its tag is never 0, so nothing is found
 * in it, and nothing is kept in it. */
static struct vsw_pair_bucket pair_off = { .epoch = UINT32_MAX };

/* The way of @b whose key is the conversation @k, or VSW_PAIR_WAYS. */
static inline unsigned int
pair_way(const struct vsw_pair_bucket *b, const uint64_t k[2])
{
	unsigned int w;

	for (w = 0; w < VSW_PAIR_WAYS; w++)
		if (b->lo[w] == k[0] && b->hi[w] == k[1])
			break;
	return w;
}

/*
 * The port that @b (of tag @tag now) holds for a frame of conversation @k
 * from its side @s that came in on @in_port (never VSW_PAIR_UNSEEN), or
 * VSW_PORT_NONE.
 */
static inline uint16_t
pair_find(const struct vsw_pair_bucket *b, uint32_t tag, const uint64_t k[2], unsigned int s,
	  uint16_t in_port)
{
	unsigned int w;
	uint16_t v;

	if (b->epoch != tag || (w = pair_way(b, k)) == VSW_PAIR_WAYS)
		return VSW_PORT_NONE;
	v = b->side[w][s];
	return (v & 0xff) == in_port ? v >> 8 : VSW_PORT_NONE;
}

/* vsw_pair_tag() of bucket @b of a table whose bucket t->from is @from. */
static inline uint32_t
pair_tag_from(const struct vsw_pair_tags *t, const struct vsw_pair_bucket *b,
	      const struct vsw_pair_bucket *from)
{
	return b >= from ? t->after : t->before;
}

/* Evict from a full bucket once in this many pair misses. */
#define VSW_PAIR_EVICT_INV_PROB 8

/*
 * Keep in @b (of tag @tag now) that a frame of conversation @k from its
 * side @s came in on @in_port, where the FDB knew its source, and that the
 * FDB knew its destination on @out: in the conversation's way, else a free
 * one, else now and then a random one.
 */
static void
pair_insert(struct vsw_pmd *pmd, struct vsw_pair_bucket *b, uint32_t tag, const uint64_t k[2],
	    unsigned int s, uint16_t in_port, uint16_t out)
{
	unsigned int w;
	uint32_t x;

	if (b->epoch != tag) {
		b->epoch = tag;
		for (w = 0; w < VSW_PAIR_WAYS; w++)
			b->side[w][0] = b->side[w][1] = VSW_PAIR_UNSEEN;
	}
	w = pair_way(b, k);
	if (w == VSW_PAIR_WAYS) {
		for (w = 0; w < VSW_PAIR_WAYS && ((b->side[w][0] & b->side[w][1] & 0xff) !=
						  VSW_PAIR_UNSEEN);
		     w++)
			;
		if (w == VSW_PAIR_WAYS) {
			/* A full bucket: more conversations than ways keep
			 * coming back. Evict seldom, so that the ones in stay
			 * in and hit, rather than each evicting the next
			 * before it comes back. */
			x = pmd_rand(pmd);
			if (x % VSW_PAIR_EVICT_INV_PROB != 0)
				return;
			w = (x / VSW_PAIR_EVICT_INV_PROB) % VSW_PAIR_WAYS;
		}
		b->lo[w] = k[0];
		b->hi[w] = k[1];
		b->side[w][s ^ 1] = VSW_PAIR_UNSEEN;
	}
	/* The other side, if seen in this epoch, was told what this side is
	 * told now: the FDB's answers hold within an epoch. */
	b->side[w][s] = (uint16_t)(in_port | out << 8);
}

/*
 * l2_forward()'s decision for frames of egress TCI @tci (their VLAN and
 * priority bits: the VLAN is its low 12 bits) going to port @out, which
 * input_l2_bulk() takes once for a run of cached pairs: a frame of the run
 * at most @max_l3 bytes past its Ethernet header whose TCI on the wire is
 * @out_tci leaves unchanged on @out; any other frame (and every frame when
 * the port would drop, flood or re-tag it: @max_l3 is then 0 and @out_tci
 * impossible) goes through l2_forward().
 */
struct bulk_egress {
	uint16_t out;
	uint16_t tci;
	uint32_t out_tci;
	uint32_t max_l3;
	struct vsw_tx_batch *batch;	/* out's */
};

/* Out of range for a TCI on the wire (16 bits) and for TCI_NONE. */
#define TCI_NEVER (UINT32_MAX - 1)

static void
bulk_egress(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t br_id,
	    uint16_t in_port, uint16_t out, const struct l2_frame *f, struct bulk_egress *eg)
{
	const struct vsw_port_info *out_pi;

	eg->out = out;
	eg->batch = &pmd->tx[out];
	eg->tci = f->tci;
	eg->out_tci = TCI_NEVER;
	eg->max_l3 = 0;
	if (out == in_port || !bridge_port(snap, br_id, out))
		return;
	out_pi = &snap->ports[out];
	if (!egress_tci(out_pi, f->vlan, f->tci, &eg->out_tci)) {
		eg->out_tci = TCI_NEVER;
		return;
	}
	eg->max_l3 = port_max_l3(out_pi);
}

/*
 * A frame of input_l2_bulk() whose pair was in the cache, to @out: queued
 * as it is when the run's decision @eg (taken anew for a new output port or
 * tag) lets it through, else through l2_forward(). Returns 1 when queued
 * here (the caller counts it), 0 when l2_forward() had it.
 */
static inline unsigned int
bulk_hit(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t br_id, uint16_t in_port,
	 struct rte_mbuf *m, const struct l2_frame *f, uint16_t out, struct bulk_egress *eg)
{
	/* The same tag is the same VLAN (l2_sizes()). */
	if (out != eg->out || f->tci != eg->tci)
		bulk_egress(pmd, snap, br_id, in_port, out, f, eg);
	if (likely(f->l3_size <= eg->max_l3 && f->wire == eg->out_tci &&
		   tx_try_batch(pmd, eg->batch, out, m)))
		return 1;
	l2_forward(pmd, snap, br_id, in_port, m, f, out, NULL);
	return 0;
}

/* What input_l2_bulk() knows of a frame besides its l2_frame. */
#define BULK_DROPPED UINT8_MAX		/* l2_parse() refused it */
#define BULK_GROUP (UINT8_MAX - 1)	/* a group destination: flooded */
#define BULK_PAIR (UINT8_MAX - 2)	/* its pair was in the cache */
_Static_assert(VSW_BURST <= VSW_FDB_BULK_MAX && VSW_BURST < BULK_PAIR, "bulk indices");

/* The l2_frame of an untagged frame of @l3_size bytes past its header, in
 * VLAN @vlan: what l2_parse() makes of the frames bulk_fast() takes. */
static inline struct l2_frame
untagged_frame(uint16_t vlan, uint32_t l3_size)
{
	return (struct l2_frame){ .hdr_size = HDR_SIZE_ETH, .vlan = vlan, .tci = vlan,
				  .wire = TCI_NONE, .l3_size = l3_size };
}

/*
 * Whether every frame that bulk_fast() takes on @in_port (untagged, in VLAN
 * @vlan, at most @max_l3 bytes past its header) leaves @out as it came:
 * bulk_egress()'s decision for the largest of them, which holds for all.
 * When not, bulk_fast() hands each of them to l2_forward(), which drops,
 * floods, tags or refuses it as it must.
 */
static bool
bulk_fast_out(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t br_id,
	      uint16_t in_port, uint16_t out, uint16_t vlan, uint32_t max_l3)
{
	const struct l2_frame f = untagged_frame(vlan, 0);
	struct bulk_egress eg;

	bulk_egress(pmd, snap, br_id, in_port, out, &f, &eg);
	return eg.out_tci == f.wire && eg.max_l3 >= max_l3;
}

/* vsw_fdb_prefetch() of the FDB keys @lo and @hi (a conversation's). */
static inline void
fdb_prefetch_pair(const struct vsw_fdb *fdb, uint64_t lo, uint64_t hi)
{
	struct vsw_fdb_key k[2];

	memcpy(&k[0], &lo, sizeof(k[0]));
	memcpy(&k[1], &hi, sizeof(k[1]));
	vsw_fdb_prefetch(fdb, &k[0]);
	vsw_fdb_prefetch(fdb, &k[1]);
}

/*
 * What bulk_fast() holds of the run of frames it is in: their output port
 * and where its batch's next frame goes, up to where the port's decision
 * for the run (bulk_fast_out()) lets it: the batch's end when frames leave
 * as they came, its start when each goes through l2_forward(). The batch's
 * own count is given back once, when the run ends (fast_run_put()).
 */
struct fast_run {
	struct rte_mbuf **at;	/* the batch's next slot; NULL: no port */
	struct rte_mbuf **end;
	unsigned int slow;	/* frames handed to l2_forward() */
	uint16_t cur;		/* the port; VSW_PORT_NONE: none yet */
};

/* Begin @fr's run on port @out, whose decision is @fast. */
static inline void
fast_run_take(struct vsw_pmd *pmd, struct fast_run *fr, uint16_t out, bool fast)
{
	struct vsw_tx_batch *b = &pmd->tx[out];

	fr->cur = out;
	fr->at = &b->pkts[b->n];
	fr->end = fast ? &b->pkts[VSW_BURST] : b->pkts;
}

/*
 * End @fr's run: its batch's count from where the run got to, and a batch
 * that was empty marked for the flush. Returns the run's decision.
 */
static inline bool
fast_run_put(struct vsw_pmd *pmd, const struct fast_run *fr)
{
	struct vsw_tx_batch *b;

	if (fr->cur >= VSW_MAX_PORTS)
		return false;
	b = &pmd->tx[fr->cur];
	if (b->n == 0 && fr->at != b->pkts)
		pmd->dirty[pmd->n_dirty++] = fr->cur;
	b->n = (uint16_t)(fr->at - b->pkts);
	return fr->end != b->pkts;
}

/*
 * bulk_fast()'s frame @m, whose pair the cache holds, to @out: queued as it
 * is when the run's decision lets it through and the batch has room, else
 * through l2_forward() (with the batch's count given back first and taken
 * anew after).
 */
static __rte_always_inline void
bulk_fast_send(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t br_id,
	       uint16_t in_port, const struct vsw_bulk_memo *bm, struct fast_run *fr,
	       struct rte_mbuf *m, uint16_t out)
{
	struct l2_frame f;
	bool fast;

	if (unlikely(out != fr->cur)) {
		fast_run_put(pmd, fr);
		fast_run_take(pmd, fr, out,
			      bulk_fast_out(pmd, snap, br_id, in_port, out, bm->vlan0, bm->max_l3));
	}
	if (likely(fr->at < fr->end)) {
		*fr->at++ = m;
		return;
	}
	fast = fast_run_put(pmd, fr);
	f = untagged_frame(bm->vlan0, rte_pktmbuf_pkt_len(m) - HDR_SIZE_ETH);
	l2_forward(pmd, snap, br_id, in_port, m, &f, out, NULL);
	fast_run_take(pmd, fr, out, fast);
	fr->slow++;
}

/*
 * input_l2_bulk()'s start on a port that takes untagged frames, with the
 * pair cache on, for the usual burst: untagged unicast frames within the
 * port's MTU whose pairs are in the cache. Parses and hashes the frames up
 * to the first that is not such a frame (prefetching their buckets), then
 * forwards in order those whose pair the cache holds, and moves the others
 * (misses: a conversation new in this epoch or due for its FDB refresh) to
 * the front of @pkts, in order, *@missed of them. Returns how many frames
 * it parsed: input_l2_bulk() takes the misses and the frames after those it
 * parsed as a burst of its own. Only frames of different conversations pass each other
 * so: the frames of one conversation and direction all hit or all miss (the
 * cache does not change in the burst), as frames of one flow keep their
 * order in OVS's per-flow batches. Adds to *@runs the changes of
 * conversation among the frames it parsed (of bucket: about the changes of
 * addresses that input_l2_bulk() counts). What it skips: the per-frame
 * l2_frame, drop and group cases and the FDB's bookkeeping, which frames of
 * this kind do not need; per run of frames to one port, l2_forward()'s
 * decision (bulk_fast_out(): kept in @bm, the port's of this epoch, from
 * one burst to the next) and the output batch's count, kept in a register.
 */
static __rte_noinline uint16_t
bulk_fast(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t br_id,
	  uint16_t in_port, struct rte_mbuf **pkts, uint16_t n, struct vsw_bulk_memo *bm,
	  unsigned int *runs, uint16_t *missed, const struct vsw_fdb *fdb)
{
	const struct vsw_pair_tags tags = vsw_pair_tags(pmd->pair_epoch << 8, pair_tick(pmd));
	const struct vsw_pair_bucket *pair = pmd->pair;
	const uint64_t vlan = (uint64_t)bm->vlan0 << 48;
	const uint32_t max_l3 = bm->max_l3;
	uint64_t klo[VSW_BURST], khi[VSW_BURST], k[2], w0, w1;
	/* Each frame's bucket, and the first of the buckets whose phase of
	 * the refresh period has come (vsw_pair_tag()), as pointers: no
	 * index to scale in the loop that reads them. */
	const struct vsw_pair_bucket *pb[VSW_BURST], *from = &pair[tags.from];
	uint8_t side[VSW_BURST];
	struct fast_run fr = { .cur = VSW_PORT_NONE };
	unsigned int i, parsed, r, left = 0;
	uint16_t out;

	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

		if (unlikely(rte_pktmbuf_data_len(m) < HDR_SIZE_ETH || (p[0] & 1) ||
			     ether_type(p) == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) ||
			     rte_pktmbuf_pkt_len(m) - HDR_SIZE_ETH > max_l3))
			break;
		memcpy(&w0, p, sizeof(w0));
		memcpy(&w1, p + RTE_ETHER_ADDR_LEN, sizeof(w1));
		side[i] = (uint8_t)pair_key_v(w0, w1, vlan, k);
		klo[i] = k[0];
		khi[i] = k[1];
		pb[i] = &pair[pair_bucket(VSW_PAIR_BUCKETS - 1, k)];
		rte_prefetch0(pb[i]);
	}
	parsed = i;
	/* Changes of bucket, apart: a loop the compiler vectorizes. */
	r = parsed != 0;
	for (i = 1; i < parsed; i++)
		r += pb[i] != pb[i - 1];
	*runs += r;
	if (bm->out < VSW_MAX_PORTS)
		fast_run_take(pmd, &fr, bm->out, bm->out_fast);
	/* Up to the first miss, then from it on, moving the misses to the
	 * front: two loops of one body, so that the usual burst, all hits,
	 * runs the first, which holds no count of misses. */
	for (i = 0; i < parsed; i++) {
		out = pair_find(pb[i], pair_tag_from(&tags, pb[i], from),
				(const uint64_t[2]){ klo[i], khi[i] }, side[i], in_port);
		if (unlikely(out == VSW_PORT_NONE))
			break;
		bulk_fast_send(pmd, snap, br_id, in_port, bm, &fr, pkts[i], out);
	}
	for (; i < parsed; i++) {
		out = pair_find(pb[i], pair_tag_from(&tags, pb[i], from),
				(const uint64_t[2]){ klo[i], khi[i] }, side[i], in_port);
		if (out == VSW_PORT_NONE) {
			/* Its two FDB keys on their way while the hits after
			 * it go: vsw_fdb_bulk() reads them next. */
			fdb_prefetch_pair(fdb, klo[i], khi[i]);
			pkts[left++] = pkts[i];	/* left <= i */
			continue;
		}
		bulk_fast_send(pmd, snap, br_id, in_port, bm, &fr, pkts[i], out);
	}
	bm->out_fast = fast_run_put(pmd, &fr);
	bm->out = fr.cur;
	pmd->pmd.pair_hits += parsed - left;
	pmd->pmd.forwarded += parsed - left - fr.slow;
	*missed = (uint16_t)left;
	return (uint16_t)parsed;
}

/*
 * The L2 path for a burst of many addresses (input_one() for each frame,
 * with the same results, in the same order but for frames of different
 * conversations: bulk_fast() forwards the hits it parses before the misses
 * among them): parse every frame and prefetch
 * its conversation's line of the PMD's MAC-pair cache; forward the frames
 * the cache answers (one line a frame) until the first it does not; learn
 * the sources and look up the destinations of that one and the other
 * missing ones with one vsw_fdb_bulk() call, so that the FDB's cache misses
 * overlap, and cache the pairs it knew both ends of; then forward the rest
 * in order. Drops go at once (they pass no frame). Runs of equal sources or
 * destinations take one key. @n <= VSW_BURST. Returns how many times the
 * first 14 bytes of a unicast frame (both addresses, the TPID or EtherType)
 * differed from the last unicast frame's: about the frames that the memo
 * path's burst memo would have missed.
 */
static unsigned int
input_l2_bulk(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t br_id,
	      uint16_t in_port, struct rte_mbuf **pkts, uint16_t n, struct vsw_fdb *fdb)
{
	const struct vsw_port_info *in_pi = &snap->ports[in_port];
	struct vsw_fdb_key src[VSW_BURST], dst[VSW_BURST];
	struct vsw_pair_bucket *pb[VSW_BURST];
	uint32_t ptag[VSW_BURST];	/* the tag pb[i] must have now */
	struct vsw_fdb_bulk_result res = { 0, 0, 0 };
	struct l2_frame f[VSW_BURST];
	/* The conversation of each frame (pair_key()'s k[0] and k[1]): apart,
	 * so that each is one plain store. */
	uint64_t klo[VSW_BURST], khi[VSW_BURST], k[2];
	uint8_t side[VSW_BURST];	/* the side of it that its source is */
	/* The header words of the last unicast frame: a unicast frame's first
	 * byte is even, so none matches these initial ones. */
	uint64_t last_w0 = UINT64_MAX, last_w1 = UINT64_MAX, w0, w1;
	uint64_t last_src = 0, last_miss = 0, sk, dk;
	uint16_t out[VSW_BURST];
	uint16_t pout[VSW_BURST];	/* the cached port of a BULK_PAIR frame */
	uint8_t idx[VSW_BURST];		/* dst key of each frame, or BULK_* */
	uint8_t sidx[VSW_BURST];	/* src key of each frame that has one */
	uint8_t why[VSW_BURST];
	unsigned int n_src = 0, n_dst = 0, runs = 0, hits = 0, misses = 0;
	struct bulk_egress eg = { .out = VSW_PORT_NONE };
	uint64_t forwarded = 0;
	struct vsw_pair_bucket *table = &pair_off;	/* the cache, or pair_off */
	struct vsw_pair_tags tags = VSW_PAIR_TAGS_OFF;
	struct vsw_bulk_memo *bm;
	uint32_t epoch = 0, mask = 0, max_l3, b;
	uint16_t i, vlan0 = 0, first = n;	/* first: the first frame left for the FDB */
	uint16_t missed;
	bool untagged;

	if (pmd->pair != NULL && in_port != VSW_PAIR_UNSEEN) {
		bm = &pmd->port_memo[in_port].bulk;
		if (bm->epoch != pmd->pair_epoch) {
			/* A new epoch, maybe a new snapshot: the port's
			 * settings anew. */
			bm->epoch = pmd->pair_epoch;
			bm->untagged = ingress_vlan(in_pi, 0, &bm->vlan0);
			bm->max_l3 = port_max_l3(in_pi);
			bm->out = VSW_PORT_NONE;
		}
		untagged = bm->untagged;
		vlan0 = bm->vlan0;
		max_l3 = bm->max_l3;
		if (untagged) {
			i = bulk_fast(pmd, snap, br_id, in_port, pkts, n, bm, &runs, &missed, fdb);
			if (missed == 0 && i == n)
				return runs;
			/* The misses, then the frames it did not parse. */
			if (missed != i && i != n)
				memmove(&pkts[missed], &pkts[i], (n - i) * sizeof(*pkts));
			n = missed + n - i;
			first = n;
		}
		epoch = pmd->pair_epoch;	/* vsw_input() took the burst's */
		table = pmd->pair;
		mask = VSW_PAIR_BUCKETS - 1;
		tags = vsw_pair_tags(epoch << 8, pair_tick(pmd));
	} else {
		/* An untagged frame's VLAN on this port, decided once for
		 * the burst. */
		untagged = ingress_vlan(in_pi, 0, &vlan0);
		max_l3 = port_max_l3(in_pi);
	}
	/* Parse; for each unicast frame, its pair's bucket on its way. */
	for (i = 0; i < n; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(pkts[i], const uint8_t *);

		if (likely(untagged && rte_pktmbuf_data_len(pkts[i]) >= HDR_SIZE_ETH &&
			   ether_type(p) != rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))) {
			/* l2_parse() of an untagged frame, with the port's
			 * verdict on untagged frames taken once. */
			f[i].hdr_size = HDR_SIZE_ETH;
			f[i].wire = TCI_NONE;
			f[i].vlan = vlan0;
			why[i] = (uint8_t)l2_sizes(&f[i], pkts[i], 0, max_l3);
		} else {
			why[i] = (uint8_t)l2_parse(in_pi, pkts[i], &f[i]);
		}
		if (unlikely(why[i] != VSW_DROP_MAX)) {
			idx[i] = BULK_DROPPED;
			continue;
		}
		memcpy(&w0, p, sizeof(w0));
		memcpy(&w1, p + RTE_ETHER_ADDR_LEN, sizeof(w1));
		side[i] = (uint8_t)pair_key(w0, w1, f[i].vlan, k);
		klo[i] = k[0];
		khi[i] = k[1];
		if (unlikely(p[0] & 1)) {	/* a group address */
			idx[i] = BULK_GROUP;
			continue;
		}
		idx[i] = 0;
		/* Distinct pairs of addresses in a row, the memo path's
		 * misses: it compares the same two words. */
		runs += ((w0 ^ last_w0) | (w1 ^ last_w1)) != 0;
		last_w0 = w0;
		last_w1 = w1;
		b = pair_bucket(mask, k);
		pb[i] = &table[b];
		ptag[i] = vsw_pair_tag(&tags, b);
		rte_prefetch0(pb[i]);
	}
	/* The cache's answers: frames before the first that waits for the FDB
	 * go at once, in order; the keys of the others, once per run. */
	for (i = 0; i < n; i++) {
		if (idx[i] == BULK_DROPPED) {
			/* Dropping passes no frame: at once, in any order. */
			drop(pmd, in_port, (enum vsw_drop)why[i], pkts[i]);
			continue;
		}
		k[0] = klo[i];
		k[1] = khi[i];
		if (idx[i] != BULK_GROUP) {
			if ((pout[i] = pair_find(pb[i], ptag[i], k, side[i], in_port)) !=
			    VSW_PORT_NONE) {
				hits++;
				if (first == n)
					forwarded += bulk_hit(pmd, snap, br_id, in_port, pkts[i],
							      &f[i], pout[i], &eg);
				else
					idx[i] = BULK_PAIR;
				continue;
			}
			misses++;
		}
		if (first == n)
			first = i;
		/* One 8-byte store per key, read back whole by the FDB. */
		sk = k[side[i]];
		dk = k[side[i] ^ 1];
		if (n_src == 0 || sk != last_src)
			memcpy(&src[n_src++], &sk, sizeof(src[0]));
		last_src = sk;
		sidx[i] = (uint8_t)(n_src - 1);
		if (idx[i] == BULK_GROUP)
			continue;
		if (n_dst == 0 || dk != last_miss)
			memcpy(&dst[n_dst++], &dk, sizeof(dst[0]));
		last_miss = dk;
		idx[i] = (uint8_t)(n_dst - 1);
	}
	pmd->pmd.pair_hits += hits;
	pmd->pmd.pair_misses += misses;
	if (first < n) {
		vsw_fdb_bulk(fdb, src, n_src, in_port, pmd->now, dst, n_dst, out, &res);
		pmd->pmd.learn_requests += res.queued;
		pmd->pmd.learn_ring_full += res.ring_full;
	}
	for (i = first; i < n; i++) {
		if (idx[i] == BULK_DROPPED) {
			continue;
		} else if (idx[i] == BULK_GROUP) {
			flood(pmd, snap, br_id, in_port, pkts[i], f[i].vlan, f[i].tci, f[i].l3_size);
		} else if (idx[i] == BULK_PAIR) {
			forwarded += bulk_hit(pmd, snap, br_id, in_port, pkts[i], &f[i], pout[i],
					      &eg);
		} else {
			/* Both ends known, the source here: a pair to keep. */
			if (epoch != 0 && (res.src_here >> sidx[i] & 1) &&
			    out[idx[i]] != VSW_PORT_NONE)
				pair_insert(pmd, pb[i], ptag[i],
					    (const uint64_t[2]){ klo[i], khi[i] }, side[i], in_port,
					    out[idx[i]]);
			l2_forward(pmd, snap, br_id, in_port, pkts[i], &f[i], out[idx[i]], NULL);
		}
	}
	pmd->pmd.forwarded += forwarded;
	return runs;
}

/* ------------------------------------------------------------------------ */
/* Flow rules: exact-match cache, classifier, actions                        */

#define EMC_BUCKET_MASK (VSW_EMC_ENTRIES / VSW_EMC_WAYS - 1)
#define EMC_NONE UINT32_MAX	/* no candidate way */
#define EMC_SAME (UINT32_MAX - 1) /* the frame before has the same key */
#define PCP_SHIFT 13

_Static_assert(sizeof(struct vsw_flow_key) == 68, "key_equal() and emc_hash() read 8 x 8 + 4 bytes");
_Static_assert((VSW_EMC_ENTRIES / VSW_EMC_WAYS & EMC_BUCKET_MASK) == 0, "a power of two");

/* What the frames of one burst share on the flow path. */
struct flow_burst {
	const struct vsw_snapshot *snap;
	const struct vsw_flow_table *table;
	uint64_t generation;		/* of table */
	const struct vsw_flow_rule *rules; /* the table's rules, for EMC indexes */
	const struct vsw_flow_hot *hot;	/* their hot parts */
	uint32_t n_rules;
	struct vsw_fdb *fdb;		/* for NORMAL */
	struct burst_memo *memo;	/* for NORMAL */
	uint16_t br_id;
	uint16_t in_port;
	/* Frames whose rule's only action is NORMAL: they go through the L2
	 * path together after the rest of the burst (l2_run()). */
	uint16_t n_normal;
	struct rte_mbuf *normal[VSW_BURST];
};

/* Whole-key compare; keys have zero padding (vsw.h). */
static bool
key_equal(const struct vsw_flow_key *a, const struct vsw_flow_key *b)
{
	const uint8_t *pa = (const uint8_t *)a, *pb = (const uint8_t *)b;
	uint64_t x, y, diff = 0;
	uint32_t u, v;
	size_t i;

	/* In_port, VLAN, EtherType, protocol and the source MAC first: keys
	 * of different flows (the frame before, or a bucket's way) differ
	 * there more often than not, and are told apart in two words. */
	for (i = 0; i < 16; i += sizeof(x)) {
		memcpy(&x, pa + i, sizeof(x));
		memcpy(&y, pb + i, sizeof(y));
		diff |= x ^ y;
	}
	if (diff != 0)
		return false;
	for (; i + sizeof(x) <= sizeof(*a); i += sizeof(x)) {
		memcpy(&x, pa + i, sizeof(x));
		memcpy(&y, pb + i, sizeof(y));
		diff |= x ^ y;
	}
	memcpy(&u, pa + i, sizeof(u));
	memcpy(&v, pb + i, sizeof(v));
	return diff == 0 && u == v;
}

/*
 * The first way of @b from @w on whose tag says it may hold a key of hash @h
 * for generation @gen, or EMC_NONE (tags only: the key is the caller's to
 * compare).
 */
static inline uint32_t
emc_way(const struct vsw_emc_bucket *b, uint32_t w, uint32_t h, uint64_t gen)
{
	for (; w < VSW_EMC_WAYS; w++)
		if (b->hash[w] == h && b->generation[w] == gen)
			return w;
	return EMC_NONE;
}

/*
 * Does the EMC hold @key (hash @h)? *@slot is the first way whose tag
 * matched; when its key is another one (two keys of one hash), the bucket's
 * later ways are tried too. On a hit *@slot is the way that holds @key.
 */
static inline bool
emc_match(const struct vsw_emc *emc, const struct flow_burst *fb, const struct vsw_flow_key *key,
	  uint32_t h, uint32_t *slot)
{
	uint32_t bi = *slot / VSW_EMC_WAYS, w = *slot % VSW_EMC_WAYS;

	while (!key_equal(&emc->keys[bi * VSW_EMC_WAYS + w], key)) {
		w = emc_way(&emc->buckets[bi], w + 1, h, fb->generation);
		if (w == EMC_NONE)
			return false;
	}
	*slot = bi * VSW_EMC_WAYS + w;
	return true;
}

/*
 * Cache the classifier's answer @rule for @key (hash @h) in the EMC: in a
 * free or stale way of its bucket, else in a random one. Nothing when the
 * bucket already has the key (an earlier frame of the burst put it there).
 */
static void
emc_insert(struct vsw_pmd *pmd, const struct flow_burst *fb, const struct vsw_flow_key *key,
	   uint32_t h, const struct vsw_flow_rule *rule)
{
	uint32_t bi = h & EMC_BUCKET_MASK, w, free_way = EMC_NONE;
	struct vsw_emc_bucket *b = &pmd->emc->buckets[bi];

	for (w = 0; w < VSW_EMC_WAYS; w++) {
		if (b->generation[w] != fb->generation) {
			if (free_way == EMC_NONE)
				free_way = w;
		} else if (b->hash[w] == h &&
			   key_equal(&pmd->emc->keys[bi * VSW_EMC_WAYS + w], key)) {
			return;
		}
	}
	w = free_way != EMC_NONE ? free_way : pmd_rand(pmd) % VSW_EMC_WAYS;
	pmd->emc->keys[bi * VSW_EMC_WAYS + w] = *key;
	b->hash[w] = h;
	b->rule[w] = rule != NULL ? (uint32_t)(rule - fb->rules) : VSW_EMC_NO_RULE;
	b->generation[w] = fb->generation;
	pmd->pmd.emc_inserts++;
}

/* Size of @m's Ethernet header as it is now: 14, or 18 with an 802.1Q tag. */
static uint32_t
l2_size(const struct rte_mbuf *m)
{
	uint8_t buf[2];
	const uint8_t *p = rte_pktmbuf_read(m, MACS_SIZE, sizeof(buf), buf);

	if (p != NULL && p[0] == (RTE_ETHER_TYPE_VLAN >> 8) && p[1] == (RTE_ETHER_TYPE_VLAN & 0xff))
		return HDR_SIZE_ETH + HDR_SIZE_VLAN;
	return HDR_SIZE_ETH;
}

static bool
fits_mtu(const struct vsw_port_info *pi, const struct rte_mbuf *m)
{
	return pi->mtu == 0 || rte_pktmbuf_pkt_len(m) - l2_size(m) <= pi->mtu;
}

/*
 * Make the first @hdr bytes of @m writable in place, with @room bytes of
 * headroom: @m itself when it is the only reference to a direct mbuf whose
 * first segment holds them, else a copy (and @m's reference is released).
 * Earlier outputs keep the frame they were given. Consumes @m; returns the
 * frame to go on with, or NULL when no copy could be made.
 */
static struct rte_mbuf *
own_header(struct vsw_pmd *pmd, struct rte_mbuf *m, uint32_t hdr, uint32_t room)
{
	struct rte_mbuf *c;

	if (likely(writable(m) && rte_pktmbuf_data_len(m) >= hdr &&
		   rte_pktmbuf_headroom(m) >= room))
		return m;
	c = copy_out(pmd, m);
	if (unlikely(c == NULL))
		return NULL;
	if (unlikely(rte_pktmbuf_data_len(c) < hdr || rte_pktmbuf_headroom(c) < room)) {
		/* Only with a pool of buffers smaller than a VLAN header. */
		rte_pktmbuf_free(c);
		return NULL;
	}
	return c;
}

/* PUSH_VLAN: a new outer tag 0x8100 @tci, in front of any existing one. */
static struct rte_mbuf *
push_tag(struct vsw_pmd *pmd, struct rte_mbuf *m, uint16_t tci)
{
	struct rte_vlan_hdr *vh;
	uint8_t *p;

	m = own_header(pmd, m, HDR_SIZE_ETH, HDR_SIZE_VLAN);
	if (unlikely(m == NULL))
		return NULL;
	p = (uint8_t *)rte_pktmbuf_prepend(m, HDR_SIZE_VLAN);
	if (unlikely(p == NULL)) {
		/* Not reached: own_header() checked the headroom. */
		rte_pktmbuf_free(m);
		return NULL;
	}
	memmove(p, p + HDR_SIZE_VLAN, MACS_SIZE);
	((struct rte_ether_hdr *)p)->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	/* The old ethertype (or tag) stayed in place: it is now eth_proto. */
	vh = (struct rte_vlan_hdr *)(p + HDR_SIZE_ETH);
	vh->vlan_tci = rte_cpu_to_be_16(tci);
	return m;
}

/* POP_VLAN: remove the outer tag, if any. */
static struct rte_mbuf *
pop_tag(struct vsw_pmd *pmd, struct rte_mbuf *m)
{
	uint8_t *p;

	if (l2_size(m) == HDR_SIZE_ETH)
		return m;
	m = own_header(pmd, m, HDR_SIZE_ETH + HDR_SIZE_VLAN, 0);
	if (unlikely(m == NULL))
		return NULL;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(p + HDR_SIZE_VLAN, p, MACS_SIZE);
	rte_pktmbuf_adj(m, HDR_SIZE_VLAN);
	return m;
}

/* SET_VLAN: new VID in the outer tag, PCP/DEI kept; push one if untagged. */
static struct rte_mbuf *
set_vid(struct vsw_pmd *pmd, struct rte_mbuf *m, const struct vsw_action *a)
{
	struct rte_vlan_hdr *vh;
	uint16_t tci;

	if (l2_size(m) == HDR_SIZE_ETH)
		return push_tag(pmd, m, (uint16_t)(a->vid | a->pcp << PCP_SHIFT));
	m = own_header(pmd, m, HDR_SIZE_ETH + HDR_SIZE_VLAN, 0);
	if (unlikely(m == NULL))
		return NULL;
	vh = (struct rte_vlan_hdr *)(rte_pktmbuf_mtod(m, uint8_t *) + HDR_SIZE_ETH);
	tci = rte_be_to_cpu_16(vh->vlan_tci);
	vh->vlan_tci = rte_cpu_to_be_16((uint16_t)((tci & ~VID_MASK) | a->vid));
	return m;
}

/* SET_ETH_SRC / SET_ETH_DST. */
static struct rte_mbuf *
set_mac(struct vsw_pmd *pmd, struct rte_mbuf *m, const struct vsw_action *a)
{
	struct rte_ether_hdr *eh;

	m = own_header(pmd, m, HDR_SIZE_ETH, 0);
	if (unlikely(m == NULL))
		return NULL;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	if (a->type == VSW_ACT_SET_ETH_SRC)
		eh->src_addr = a->mac;
	else
		eh->dst_addr = a->mac;
	return m;
}

/*
 * OUTPUT: queue @m as it is on @port. @give: the caller's reference goes
 * with it (last action); otherwise a new reference is taken.
 */
static void
act_output(struct vsw_pmd *pmd, const struct flow_burst *fb, uint16_t port, struct rte_mbuf *m,
	   bool give)
{
	const struct vsw_port_info *pi = &fb->snap->ports[port];

	if (unlikely(port == fb->in_port)) {
		pmd->ctr[fb->in_port].drops[VSW_DROP_HAIRPIN]++;
	} else if (unlikely(!pi->in_use || pi->bridge != fb->br_id)) {
		/* The port left the bridge (or never was in it): charged to
		 * the input port, since @port may not exist. */
		pmd->ctr[fb->in_port].drops[VSW_DROP_NO_BRIDGE]++;
	} else if (unlikely(!fits_mtu(pi, m))) {
		pmd->ctr[port].drops[VSW_DROP_OVERSIZE]++;
	} else {
		if (!give)
			rte_pktmbuf_refcnt_update(m, 1);
		pmd->pmd.forwarded++;
		tx_append(pmd, port, m);
		return;
	}
	if (give)
		rte_pktmbuf_free(m);
}

/* FLOOD: as OUTPUT to every member of the bridge but the input port. */
static void
act_flood(struct vsw_pmd *pmd, const struct flow_burst *fb, struct rte_mbuf *m, bool give)
{
	const struct vsw_bridge_info *br = &fb->snap->bridges[fb->br_id];
	const struct vsw_port_info *pi;
	uint16_t outs[VSW_MAX_PORTS];
	uint16_t i, p, n = 0;
	int16_t refs;

	for (i = 0; i < br->n_ports; i++) {
		p = br->ports[i];
		if (p == fb->in_port || p >= VSW_MAX_PORTS)
			continue;
		pi = &fb->snap->ports[p];
		if (!pi->in_use || pi->bridge != fb->br_id)
			continue;
		if (!fits_mtu(pi, m)) {
			pmd->ctr[p].drops[VSW_DROP_OVERSIZE]++;
			continue;
		}
		outs[n++] = p;
	}
	if (n == 0) {
		if (give)
			rte_pktmbuf_free(m);
		return;
	}
	pmd->pmd.flooded++;
	refs = (int16_t)(give ? n - 1 : n);
	if (refs != 0)
		rte_pktmbuf_refcnt_update(m, refs);
	for (i = 0; i < n; i++)
		tx_append(pmd, outs[i], m);
}

/*
 * METER: police @m with meter @id of the bridge. Returns true when @m is
 * green; otherwise @m is freed (red, or no such meter) and counted policed.
 */
static bool
act_meter(struct vsw_pmd *pmd, const struct flow_burst *fb, uint32_t id, struct rte_mbuf *m)
{
	const struct vsw_bridge_info *br = &fb->snap->bridges[fb->br_id];
	struct vsw_policer *p = NULL;

	if (likely(br->meters != NULL && id < br->n_meters))
		p = br->meters[id];
	if (unlikely(p == NULL)) {
		drop(pmd, fb->in_port, VSW_DROP_POLICED, m);
		return false;
	}
	if (likely(vsw_policer_run(p, &m, 1, pmd->now_tsc) == 1))
		return true;
	/* Red: vsw_policer_run() freed it. */
	pmd->ctr[fb->in_port].drops[VSW_DROP_POLICED]++;
	return false;
}

/*
 * Run @r's actions on @m (one reference, consumed). Outputs share the frame
 * by reference count; a modification after an output works on a copy
 * (own_header), so what was queued is never changed afterwards. The last
 * action, if it sends, takes over the caller's reference.
 */
static void
run_actions(struct vsw_pmd *pmd, const struct flow_burst *fb, const struct vsw_flow_rule *r,
	    struct rte_mbuf *m)
{
	const struct vsw_action *a;
	bool sent = false, last;
	uint8_t i;

	for (i = 0; i < r->n_actions; i++) {
		a = &r->actions[i];
		last = i + 1 == r->n_actions;
		switch (a->type) {
		case VSW_ACT_OUTPUT:
			act_output(pmd, fb, a->port, m, last);
			if (last)
				return;
			sent = true;
			break;
		case VSW_ACT_FLOOD:
			act_flood(pmd, fb, m, last);
			if (last)
				return;
			sent = true;
			break;
		case VSW_ACT_NORMAL:
			if (!last)
				rte_pktmbuf_refcnt_update(m, 1);
			input_one(pmd, fb->snap, fb->br_id, fb->in_port, m, fb->fdb, fb->memo);
			if (last)
				return;
			sent = true;
			break;
		case VSW_ACT_PUSH_VLAN:
			m = push_tag(pmd, m, (uint16_t)(a->vid | a->pcp << PCP_SHIFT));
			break;
		case VSW_ACT_POP_VLAN:
			m = pop_tag(pmd, m);
			break;
		case VSW_ACT_SET_VLAN:
			m = set_vid(pmd, m, a);
			break;
		case VSW_ACT_SET_ETH_SRC:
		case VSW_ACT_SET_ETH_DST:
			m = set_mac(pmd, m, a);
			break;
		case VSW_ACT_METER:
			/* First action (validated): nothing was sent yet. */
			if (!act_meter(pmd, fb, a->meter, m))
				return;
			break;
		case VSW_ACT_DROP:
		default:
			break;
		}
		if (unlikely(m == NULL)) {
			pmd->ctr[fb->in_port].drops[VSW_DROP_NO_MBUF]++;
			return;
		}
	}
	/* Explicit drop, or actions that never sent the frame. */
	if (!sent)
		drop(pmd, fb->in_port, VSW_DROP_FLOW_DROP, m);
	else
		rte_pktmbuf_free(m);
}

/*
 * The rule @r (NULL: none matched) for frame @m: count it, then act. A rule
 * of one NORMAL or OUTPUT action is run from its hot part alone.
 */
static inline void
flow_act(struct vsw_pmd *pmd, struct flow_burst *fb, const struct vsw_flow_rule *r,
	 struct rte_mbuf *m)
{
	const struct vsw_flow_hot *h;

	if (r == NULL) {
		drop(pmd, fb->in_port, VSW_DROP_FLOW_MISS, m);
		return;
	}
	h = &fb->hot[r - fb->rules];
	pmd->flow_ctr[h->id].packets++;
	pmd->flow_ctr[h->id].bytes += rte_pktmbuf_pkt_len(m);
	switch (h->kind) {
	case VSW_FLOW_NORMAL:
		fb->normal[fb->n_normal++] = m;
		break;
	case VSW_FLOW_OUTPUT:
		act_output(pmd, fb, h->port, m, true);
		break;
	default:
		run_actions(pmd, fb, r, m);
		break;
	}
}

/*
 * Run @n frames received on fb->in_port through the flow table, in stages
 * whose memory reads overlap, as OVS's emc_processing: every frame's key and
 * its EMC bucket (prefetched); the buckets' tags, prefetching the key of a
 * matching way; those keys; the classifier for all the frames they do not
 * answer at once, subtable by subtable, as OVS's dpcls; then each frame's
 * actions, in the order the frames came. A frame
 * with the key of the frame before it (a train of one flow) takes that
 * frame's rule and skips the hash and the cache (counted in flow_repeats).
 */
static void
flow_run(struct vsw_pmd *pmd, struct flow_burst *fb, struct rte_mbuf **pkts, uint16_t n)
{
	const struct vsw_port_info *in_pi = &fb->snap->ports[fb->in_port];
	struct vsw_flow_key keys[VSW_BURST];
	const struct vsw_flow_rule *rules[VSW_BURST], *r;
	struct rte_mbuf *live[VSW_BURST], *m;
	uint32_t hash[VSW_BURST], slot[VSW_BURST];
	struct vsw_emc *emc = pmd->emc;
	/* 0: the cache is off (by the setting, or because the classifier
	 * is quicker with this few subtables); UINT32_MAX: every answer goes in. */
	uint32_t min = vsw_flow_table_n_subtables(fb->table) < pmd->emc_min_subtables ?
			       0 : __atomic_load_n(&pmd->emc_insert_min, __ATOMIC_RELAXED);
	uint32_t hdr_size, w;
	const struct vsw_flow_key *miss_key[VSW_BURST];
	const struct vsw_flow_rule *miss_rule[VSW_BURST];
	uint16_t miss[VSW_BURST];
	uint16_t i, k = 0, n_miss = 0;

	for (i = 0; i < n; i++) {
		m = pkts[i];
		if (unlikely(vsw_flow_key_extract(m, fb->in_port, &keys[k]) != 0)) {
			drop(pmd, fb->in_port, VSW_DROP_MALFORMED, m);
			continue;
		}
		hdr_size = keys[k].vlan_tci != 0 ? HDR_SIZE_ETH + HDR_SIZE_VLAN : HDR_SIZE_ETH;
		if (unlikely(in_pi->mtu != 0 && rte_pktmbuf_pkt_len(m) - hdr_size > in_pi->mtu)) {
			drop(pmd, fb->in_port, VSW_DROP_OVERSIZE, m);
			continue;
		}
		live[k++] = m;
	}
	pmd->pmd.flow_lookups += k;

	/* Apart from the extraction: its narrow stores reach memory before
	 * these wide loads of the keys read them. */
	for (i = 0; i < k; i++) {
		slot[i] = EMC_NONE;
		if (i > 0 && key_equal(&keys[i], &keys[i - 1])) {
			/* The same flow as the frame before: its answer. */
			slot[i] = EMC_SAME;
			pmd->pmd.flow_repeats++;
		} else if (min != 0) {
			hash[i] = vsw_emc_hash(&keys[i]);
			rte_prefetch0(&emc->buckets[hash[i] & EMC_BUCKET_MASK]);
		} else {
			miss[n_miss] = i;
			miss_key[n_miss++] = &keys[i];
		}
	}

	for (i = 0; min != 0 && i < k; i++) {
		if (slot[i] == EMC_SAME)
			continue;
		w = emc_way(&emc->buckets[hash[i] & EMC_BUCKET_MASK], 0, hash[i], fb->generation);
		if (w == EMC_NONE)
			continue;
		slot[i] = (hash[i] & EMC_BUCKET_MASK) * VSW_EMC_WAYS + w;
		/* A key spans at most two lines. */
		rte_prefetch0(&emc->keys[slot[i]]);
		rte_prefetch0((const uint8_t *)&emc->keys[slot[i] + 1] - 1);
	}

	/* The cache's answers (with the cache on); the frames it has none
	 * for go to the classifier together (vsw_flow_table_lookup_burst()),
	 * and then into the cache. */
	for (i = 0; min != 0 && i < k; i++) {
		if (slot[i] == EMC_SAME)
			continue;
		if (slot[i] != EMC_NONE && emc_match(emc, fb, &keys[i], hash[i], &slot[i])) {
			w = emc->buckets[slot[i] / VSW_EMC_WAYS].rule[slot[i] % VSW_EMC_WAYS];
			rules[i] = w < fb->n_rules ? &fb->rules[w] : NULL;
			pmd->pmd.emc_hits++;
			if (rules[i] != NULL)
				rte_prefetch0(&pmd->flow_ctr[fb->hot[w].id]);
		} else {
			miss[n_miss] = i;
			miss_key[n_miss++] = &keys[i];
		}
	}
	if (n_miss != 0) {
		pmd->pmd.emc_misses += n_miss;
		vsw_flow_table_lookup_burst(fb->table, miss_key, n_miss, miss_rule);
		for (i = 0; i < n_miss; i++) {
			rules[miss[i]] = miss_rule[i];
			if (miss_rule[i] != NULL)
				rte_prefetch0(&pmd->flow_ctr[fb->hot[miss_rule[i] - fb->rules].id]);
			if (min != 0 && (min == UINT32_MAX || pmd_rand(pmd) <= min))
				emc_insert(pmd, fb, &keys[miss[i]], hash[miss[i]], miss_rule[i]);
		}
	}

	/* A repeat takes the rule of the frame before. */
	r = NULL;
	for (i = 0; i < k; i++) {
		if (slot[i] != EMC_SAME)
			r = rules[i];
		flow_act(pmd, fb, r, live[i]);
	}
}

/*
 * flow_run() for a table whose rules match on in_port alone
 * (vsw_flow_table_in_port_only()): one classifier lookup for the burst, the
 * other frames counted as repeats of the first, and no key extraction; each
 * frame gets only the checks extraction and flow_run() would have made (a
 * runt, or a truncated 802.1Q tag: malformed; over the input port's MTU:
 * oversize).
 */
static void
flow_run_port(struct vsw_pmd *pmd, struct flow_burst *fb, struct rte_mbuf **pkts, uint16_t n)
{
	const struct vsw_port_info *in_pi = &fb->snap->ports[fb->in_port];
	const struct vsw_flow_rule *r = NULL;
	struct vsw_flow_key key;
	uint32_t hdr_size, len;
	uint16_t i, k = 0;
	struct rte_mbuf *m;

	for (i = 0; i < n; i++) {
		m = pkts[i];
		len = rte_pktmbuf_pkt_len(m);
		/* 14 for a frame too short to have an EtherType: a runt too. */
		hdr_size = l2_size(m);
		if (unlikely(len < hdr_size)) {
			drop(pmd, fb->in_port, VSW_DROP_MALFORMED, m);
			continue;
		}
		if (unlikely(in_pi->mtu != 0 && len - hdr_size > in_pi->mtu)) {
			drop(pmd, fb->in_port, VSW_DROP_OVERSIZE, m);
			continue;
		}
		if (k++ == 0) {
			memset(&key, 0, sizeof(key));
			key.in_port = fb->in_port;
			r = vsw_flow_table_lookup(fb->table, &key);
			pmd->pmd.emc_misses++;
		} else {
			pmd->pmd.flow_repeats++;
		}
		flow_act(pmd, fb, r, m);
	}
	pmd->pmd.flow_lookups += k;
}

/* ------------------------------------------------------------------------ */
/* Port security, mirrors                                                    */

static bool
port_bit(const uint64_t *bits, uint16_t port)
{
	return (bits[port / 64] >> (port % 64)) & 1;
}

/* @port is the out_port of some mirror of @br: it is never mirrored. */
static bool
is_mirror_port(const struct vsw_bridge_info *br, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < VSW_MAX_MIRRORS; i++)
		if (br->mirrors[i].in_use && br->mirrors[i].out_port == port)
			return true;
	return false;
}

static bool
has_mirrors(const struct vsw_bridge_info *br)
{
	unsigned int i;

	for (i = 0; i < VSW_MAX_MIRRORS; i++)
		if (br->mirrors[i].in_use)
			return true;
	return false;
}

/*
 * Drop the frames port security @sec refuses, counted on @in_port; the
 * others are compacted to the front of @pkts. Returns their count.
 */
static uint16_t
sec_filter(struct vsw_pmd *pmd, uint16_t in_port, const struct vsw_port_security *sec,
	   struct rte_mbuf **pkts, uint16_t n)
{
	enum vsw_drop why;
	uint16_t i, kept = 0;

	for (i = 0; i < n; i++) {
		why = vsw_sec_check(sec, pkts[i]);
		if (likely(why == VSW_DROP_MAX))
			pkts[kept++] = pkts[i];
		else
			drop(pmd, in_port, why, pkts[i]);
	}
	return kept;
}

/*
 * Queue one more reference of each of the @n frames of @pkts on mirror port
 * @out. Never modified afterwards: the pipeline copies a shared mbuf before
 * rewriting it, and what sits in a tx batch is final.
 */
static void
mirror_copy(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t out,
	    struct rte_mbuf *const *pkts, uint16_t n)
{
	const struct vsw_port_info *pi = &snap->ports[out];
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (unlikely(!fits_mtu(pi, pkts[i]))) {
			pmd->ctr[out].drops[VSW_DROP_OVERSIZE]++;
			continue;
		}
		/* Mirror ports can become dirty again during a flush (see
		 * vsw_egress()): never write past the dirty list. */
		if (unlikely(pmd->tx[out].n == 0 && pmd->n_dirty >= VSW_MAX_PORTS)) {
			pmd->ctr[out].drops[VSW_DROP_TX_FULL]++;
			continue;
		}
		rte_pktmbuf_refcnt_update(pkts[i], 1);
		tx_append(pmd, out, pkts[i]);
	}
}

/* Whether mirror @mir copies what @in_port receives. */
static bool
mirrors_rx(const struct vsw_snapshot *snap, const struct vsw_bridge_info *br,
	   const struct vsw_mirror *mir, uint16_t in_port)
{
	return mir->in_use && port_bit(mir->src, in_port) && mir->out_port != in_port &&
	       mir->out_port < VSW_MAX_PORTS && snap->ports[mir->out_port].in_use &&
	       !is_mirror_port(br, in_port);
}

/* rx mirroring of the frames of @in_port the switch accepted. */
static void
mirror_rx(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, const struct vsw_bridge_info *br,
	  uint16_t in_port, struct rte_mbuf *const *pkts, uint16_t n)
{
	unsigned int i;

	for (i = 0; i < VSW_MAX_MIRRORS; i++)
		if (mirrors_rx(snap, br, &br->mirrors[i], in_port))
			mirror_copy(pmd, snap, br->mirrors[i].out_port, pkts, n);
}

/*
 * tx mirroring of the frames about to leave on @port, all received on
 * pmd->in_port: not to that port, and not by a mirror that already copied
 * them on rx.
 */
static void
mirror_tx(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, const struct vsw_bridge_info *br,
	  uint16_t port, struct rte_mbuf *const *pkts, uint16_t n)
{
	const struct vsw_mirror *mir;
	uint16_t in_port = pmd->in_port;
	unsigned int i;

	if (likely(!has_mirrors(br)) || is_mirror_port(br, port))
		return;
	for (i = 0; i < VSW_MAX_MIRRORS; i++) {
		mir = &br->mirrors[i];
		if (!mir->in_use || !port_bit(mir->dst, port) || mir->out_port >= VSW_MAX_PORTS ||
		    !snap->ports[mir->out_port].in_use || mir->out_port == port)
			continue;
		if (in_port < VSW_MAX_PORTS &&
		    (mir->out_port == in_port || mirrors_rx(snap, br, mir, in_port)))
			continue;
		mirror_copy(pmd, snap, mir->out_port, pkts, n);
	}
}

uint16_t
vsw_egress(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t port,
	   struct rte_mbuf **pkts, uint16_t n, uint64_t now)
{
	const struct vsw_port_info *pi;
	uint16_t kept;

	if (unlikely(port >= VSW_MAX_PORTS) || n == 0)
		return n;
	pi = &snap->ports[port];
	if (pi->egress != NULL) {
		kept = vsw_policer_run(pi->egress, pkts, n, now);
		pmd->ctr[port].drops[VSW_DROP_SHAPED] += n - kept;
		n = kept;
	}
	if (n != 0 && pi->in_use && pi->bridge < VSW_MAX_BRIDGES)
		mirror_tx(pmd, snap, &snap->bridges[pi->bridge], port, pkts, n);
	return n;
}

/*
 * Whether a burst of @n frames, @k of which needed their own FDB lookups,
 * is worth the bulk L2 path: more than one, and more than a quarter of them,
 * did. The memo makes bursts of a few flows cheaper; the bulk path, bursts
 * of many.
 */
static inline bool
is_spread(unsigned int k, unsigned int n)
{
	return k > 1 && k * 4 > n;
}

/*
 * Run @n frames received on @in_port through the L2 path of bridge @br_id:
 * in bulk when the port's last run had many addresses, else frame by frame
 * with the burst @memo. Either way the run's spread decides the next one.
 */
static void
l2_run(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t br_id, uint16_t in_port,
       struct rte_mbuf **pkts, uint16_t n, struct vsw_fdb *fdb, struct burst_memo *memo)
{
	uint16_t i;

	if (pmd->l2_spread[in_port]) {
		pmd->l2_spread[in_port] =
			is_spread(input_l2_bulk(pmd, snap, br_id, in_port, pkts, n, fdb), n);
		return;
	}
	memo->misses = 0;
	for (i = 0; i < n; i++) {
		if (!memo_forward(pmd, memo, pkts[i]))
			input_one(pmd, snap, br_id, in_port, pkts[i], fdb, memo);
	}
	pmd->l2_spread[in_port] = is_spread(memo->misses, n);
}

void
vsw_input(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t in_port,
	  struct rte_mbuf **pkts, uint16_t n)
{
	const struct vsw_bridge_info *br;
	const struct vsw_port_info *in_pi;
	struct burst_memo memo = { .src_vlan = UINT16_MAX, .dst_vlan = UINT16_MAX, .keep = true };
	struct vsw_port_memo *pm;
	struct vsw_port_counters *ctr;
	struct flow_burst fb;
	struct vsw_fdb *fdb;
	uint32_t epoch, period;
	uint16_t i, br_id;
	uint64_t bytes = 0;

	if (unlikely(in_port >= VSW_MAX_PORTS)) {
		/* No counter to charge: a caller bug, not traffic. */
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	/* The stages below hold one burst: a longer one is a caller's
	 * mistake, taken in bursts rather than overrunning them. */
	while (unlikely(n > VSW_BURST)) {
		vsw_input(pmd, snap, in_port, pkts, VSW_BURST);
		pkts += VSW_BURST;
		n -= VSW_BURST;
	}
	pmd->in_port = in_port;
	ctr = &pmd->ctr[in_port];
	/* Every frame's header on its way, from the mbuf's first line that
	 * the byte count reads anyway: the stages below read them in turn. */
	for (i = 0; i < n; i++) {
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	}
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
	br = &snap->bridges[br_id];
	if (in_pi->ingress != NULL) {
		i = vsw_policer_run(in_pi->ingress, pkts, n, pmd->now_tsc);
		ctr->drops[VSW_DROP_POLICED] += n - i;
		n = i;
	}
	if (in_pi->sec.enabled)
		n = sec_filter(pmd, in_port, &in_pi->sec, pkts, n);
	if (unlikely(has_mirrors(br)))
		mirror_rx(pmd, snap, br, in_port, pkts, n);

	fdb = br->fdb;
	/* The port's memo from its last burst, while it holds; none for a
	 * port on the bulk path, which has no use for it. */
	pm = &pmd->port_memo[in_port];
	epoch = pair_epoch(pmd, snap);
	period = pair_tick(pmd) >> 8;
	if (!pmd->l2_spread[in_port] && pm->epoch == epoch && pm->period == period)
		memo.fast = pm->fast;
	if (br->flows == NULL) {
		l2_run(pmd, snap, br_id, in_port, pkts, n, fdb, &memo);
	} else {
		fb.snap = snap;
		fb.table = br->flows;
		fb.generation = vsw_flow_table_generation(fb.table);
		fb.fdb = fdb;
		fb.memo = &memo;
		fb.br_id = br_id;
		fb.in_port = in_port;
		fb.n_normal = 0;
		fb.rules = vsw_flow_table_rule(fb.table, 0);
		fb.hot = vsw_flow_table_hot(fb.table);
		fb.n_rules = vsw_flow_table_size(fb.table);
		if (vsw_flow_table_in_port_only(fb.table))
			flow_run_port(pmd, &fb, pkts, n);
		else
			flow_run(pmd, &fb, pkts, n);
		/* The frames whose rule was just NORMAL, in the order they
		 * came. Frames of one flow have one rule, so they keep their
		 * order; only frames of different flows may pass each other,
		 * as in OVS's per-flow batches. */
		if (fb.n_normal != 0)
			l2_run(pmd, snap, br_id, in_port, fb.normal, fb.n_normal, fdb, &memo);
	}
	if (unlikely(!memo.keep)) {
		pm->fast.hdr_len = 0;
	} else if (memo.fast.hdr_len != 0) {
		pm->fast = memo.fast;
		pm->epoch = epoch;
		pm->period = period;
	}
}
