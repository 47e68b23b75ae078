/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_priv.h: declarations shared by the files of vswitch/ only. Nothing
 * outside this folder includes it.
 */
#ifndef VSW_PRIV_H
#define VSW_PRIV_H

#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_mbuf.h>

#include "vsw.h"

#if defined(RTE_ARCH_X86_64) && defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

/*
 * CRC32-C of @data from @init: rte_hash_crc_8byte()'s value, without its
 * check of the CPU's CRC instruction on every call when the build already
 * requires that instruction (x86-64 with SSE4.2, as -march=corei7 does).
 */
static inline uint32_t
vsw_crc_8byte(uint64_t data, uint32_t init)
{
#if defined(RTE_ARCH_X86_64) && defined(__SSE4_2__)
	return (uint32_t)_mm_crc32_u64(init, data);
#else
	return rte_hash_crc_8byte(data, init);
#endif
}

/* The same for 4 bytes: rte_hash_crc_4byte()'s value. */
static inline uint32_t
vsw_crc_4byte(uint32_t data, uint32_t init)
{
#if defined(RTE_ARCH_X86_64) && defined(__SSE4_2__)
	return _mm_crc32_u32(init, data);
#else
	return rte_hash_crc_4byte(data, init);
#endif
}

/**
 * Write the message of @p fmt into @p err (which may be NULL or empty).
 * @return -EINVAL, for `return vsw_invalid(err, errlen, ...)` in validators.
 */
int vsw_invalid(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** What vsw_fdb_learn_req() did with a source address. */
enum vsw_learn_result {
	VSW_LEARN_NONE = 0,	/**< nothing to do: known here, static, or group MAC */
	VSW_LEARN_QUEUED,	/**< learn request enqueued for the control thread */
	VSW_LEARN_RING_FULL,	/**< request lost: ring full (counted in the FDB) */
};

/**
 * Fast path: vsw_fdb_learn() with a result the PMD can count per reason
 * (vsw_pmd_counters.learn_requests / learn_ring_full).
 */
enum vsw_learn_result vsw_fdb_learn_req(struct vsw_fdb *fdb, const struct rte_ether_addr *mac,
					uint16_t vlan, uint16_t port, uint32_t now);

/**
 * For tests: open (@p hold true) or close the control thread's write section
 * on both candidate buckets of (@p mac, @p vlan), as a change of that bucket
 * does, so that a test can look the key up while a change is under way.
 */
void vsw_fdb_write_hold(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan,
			bool hold);

/**
 * Fast path (vsw_sec.c): check frame @p m, received on a port with port
 * security @p sec (enabled), against it (see struct vsw_port_security).
 * @return VSW_DROP_MAX when the frame may pass, else the drop reason
 *   (SPOOF_MAC, SPOOF_IP, SPOOF_ARP, SPOOF_ND or MALFORMED).
 */
enum vsw_drop vsw_sec_check(const struct vsw_port_security *sec, const struct rte_mbuf *m);

/*
 * The exact-match cache of one PMD (allocated by vsw_pmd_init(), used by
 * vsw_fwd.c): VSW_EMC_ENTRIES keys in buckets of VSW_EMC_WAYS. A key's
 * bucket is its hash & (buckets - 1). A bucket's tags fill one cache line,
 * so a miss reads one line; the keys sit apart (keys[bucket * WAYS + way])
 * and are read only when a tag matches. A way holds the rule that the
 * classifier of table `generation` gave for the key, as an index in that
 * table's rules (VSW_EMC_NO_RULE: no rule matched, which is cached too).
 * Generation 0 never matches: no table has it. Stale ways (another
 * generation) are simply overwritten; nothing is invalidated explicitly.
 */
#define VSW_EMC_WAYS 4
#define VSW_EMC_NO_RULE UINT32_MAX

struct vsw_emc_bucket {
	uint64_t generation[VSW_EMC_WAYS];
	uint32_t hash[VSW_EMC_WAYS];	/* rte_hash_crc of the key */
	uint32_t rule[VSW_EMC_WAYS];
} __rte_cache_aligned;

struct vsw_emc {
	struct vsw_emc_bucket buckets[VSW_EMC_ENTRIES / VSW_EMC_WAYS];
	struct vsw_flow_key keys[VSW_EMC_ENTRIES];
};

_Static_assert(sizeof(struct vsw_emc_bucket) == RTE_CACHE_LINE_SIZE, "a bucket is one line");

#define VSW_EMC_SEED 0x5bd1e995u

/*
 * The EMC's hash of @key: CRC32-C over its 68 bytes in three independent
 * chains (a chain's crc32 instructions wait on each other; three run side by
 * side), folded together.
 */
static inline uint32_t
vsw_emc_hash(const struct vsw_flow_key *key)
{
	const uint8_t *p = (const uint8_t *)key;
	uint64_t w[8];
	uint32_t tail, a, b, c;

	memcpy(w, p, sizeof(w));
	memcpy(&tail, p + sizeof(w), sizeof(tail));
	a = vsw_crc_8byte(w[0], VSW_EMC_SEED);
	b = vsw_crc_8byte(w[1], VSW_EMC_SEED + 1);
	c = vsw_crc_8byte(w[2], VSW_EMC_SEED + 2);
	a = vsw_crc_8byte(w[3], a);
	b = vsw_crc_8byte(w[4], b);
	c = vsw_crc_8byte(w[5], c);
	a = vsw_crc_8byte(w[6], a);
	b = vsw_crc_8byte(w[7], b);
	c = vsw_crc_4byte(tail, c);
	return a ^ (b << 11 | b >> 21) ^ (c << 22 | c >> 10);
}

/*
 * The fast decision of the L2 path's burst memo (vsw_fwd.c, struct
 * burst_memo): the last frame forwarded to one known port. It is a function
 * of the Ethernet header (and the 802.1Q tag) and the frame's length only,
 * for as long as the FDB's answers and the snapshot hold: a frame from the
 * same input port with the same first hdr_len bytes and at most max_len
 * bytes goes the same way, with no parsing, VLAN rules or lookups.
 */
struct vsw_memo_fast {
	uint64_t hdr[3];	/* bytes 0-7, 6-13 and (tagged) 10-17 */
	uint32_t max_len;	/* longest frame that passes both MTUs */
	uint32_t out_tci;	/* the encapsulation it leaves with */
	uint16_t hdr_len;	/* 0: nothing memoized; else 14 or 18 */
	uint16_t out;		/* the port */
	/* It left as it came (its TCI on the wire was out_tci): so does
	 * every frame that hits, since the header bytes compared include
	 * the 802.1Q tag or the EtherType where a tag would be. */
	bool as_is;
};

/*
 * What the bulk L2 path's lean start (vsw_fwd.c, bulk_fast()) takes once per
 * burst of an input port, kept for its next bursts while the pair epoch is
 * the same (no new snapshot: the ports' settings hold): whether the port
 * takes untagged frames, into which VLAN, its MTU, and the egress decision
 * of its last burst's last output port (vsw_fwd.c, bulk_fast_out()).
 */
struct vsw_bulk_memo {
	uint32_t epoch;		/* the PMD's pair epoch; 0: none */
	bool untagged;		/* the port takes untagged frames, into vlan0 */
	uint16_t vlan0;
	uint32_t max_l3;	/* the port's MTU, or UINT32_MAX */
	uint16_t out;		/* VSW_PORT_NONE: no egress decision */
	/* Every frame that bulk_fast() takes leaves out as it came
	 * (vsw_fwd.c, bulk_fast_out()). */
	bool out_fast;
};

/*
 * An input port's fast decision kept from its last burst (struct vsw_pmd,
 * port_memo), so that a burst of the flow before it starts with a hit
 * instead of an FDB lookup and a learn of its first frame. Valid in the
 * pair epoch it was taken in (no FDB change, no new snapshot: its port
 * answers hold) and in the same refresh period of the pair cache, so that
 * a source that only ever hits still refreshes its FDB entry once a
 * period, as in the pair cache.
 */
struct vsw_port_memo {
	struct vsw_memo_fast fast;
	uint32_t epoch;		/* the PMD's pair epoch */
	uint32_t period;	/* the refresh period's count */
	struct vsw_bulk_memo bulk;
};

/*
 * The MAC-pair cache of one PMD (allocated by vsw_pmd_init(), used by the
 * bulk L2 path of vsw_fwd.c): what the FDB answered for the two addresses of
 * a conversation, so that a frame of a known conversation reads one cache
 * line instead of the FDB lines of its source and of its destination. A way
 * holds one conversation in both directions: the FDB keys (MAC and VLAN) of
 * its two addresses, the lower one first (side 0), and for each side s a
 * 16-bit word: its low byte the input port that side s's frames hit on, its
 * high byte the port they go to. A frame from side s that looked both its
 * addresses up in the FDB in this epoch (which refreshed its source) sets
 * that word to the ports the FDB knew them on; until then it is
 * VSW_PAIR_UNSEEN, which no input port matches: each direction's first
 * frame of an epoch misses, as with one way a direction, but both
 * directions share the way and its line. Port VSW_PAIR_UNSEEN itself is
 * never cached (its frames take the FDB).
 * Ways are valid only while their bucket's tag (vsw_pair_tag()) is the one
 * it must have now: the PMD's epoch (struct vsw_pmd, pair_epoch), which
 * changes with every FDB change that can alter an answer
 * (vsw_fdb_changes()) and every new snapshot, and the bucket's generation,
 * which steps once a refresh period (a power of two of TSC cycles within a
 * quarter of the shortest aging of the bridges and at most
 * VSW_PAIR_REFRESH_MAX_S seconds: vsw_pair_tick_shift()), so that each
 * source still refreshes its FDB entry once a period, and ages when it
 * stops. Each bucket steps at its own phase of the period, so that
 * the refreshes spread over it instead of every conversation missing in
 * the same burst (at 100,000 MACs, 100,000 FDB lookups at once, once a
 * period). A bucket of another tag is empty; nothing is invalidated one
 * entry at a time. A bucket untouched for a multiple of 128 periods looks
 * current again: its sources then skip one refresh, which only delays
 * their aging by a period.
 */
#define VSW_PAIR_WAYS 3
#define VSW_PAIR_UNSEEN UINT8_MAX

struct vsw_pair_bucket {
	uint64_t lo[VSW_PAIR_WAYS];	/* the lower FDB key of each way */
	uint64_t hi[VSW_PAIR_WAYS];	/* the higher (or the same) */
	/* side s: input port | output port << 8; a free way: both inputs
	 * VSW_PAIR_UNSEEN */
	uint16_t side[VSW_PAIR_WAYS][2];
	uint32_t epoch;			/* its tag (vsw_pair_tag()) */
} __rte_cache_aligned;

_Static_assert(sizeof(struct vsw_pair_bucket) == RTE_CACHE_LINE_SIZE, "a bucket is one line");
_Static_assert(VSW_MAX_PORTS <= 256, "a pair way's ports are 8 bits");

/* Epochs of the pair cache: 24 bits, above a bucket's generation (8 bits). */
#define VSW_PAIR_EPOCHS (UINT32_C(1) << 24)
/* Buckets a phase of the refresh period: 256 phases in all. */
#define VSW_PAIR_PHASE_BUCKETS (VSW_PAIR_BUCKETS / 256)
_Static_assert(VSW_PAIR_BUCKETS % 256 == 0, "pair buckets: whole phases");

/*
 * The hash of the conversation whose FDB keys are @k (the lower first),
 * the same for both directions; its low bits pick the pair cache's bucket.
 * A product, not only CRC: CRC is linear, and the two addresses of a mix
 * often differ in the same bits, which would cancel out.
 */
static inline uint32_t
vsw_pair_hash(const uint64_t k[2])
{
	return vsw_crc_8byte(k[0] * 0x9e3779b97f4a7c15ull ^ k[1], VSW_EMC_SEED);
}

/*
 * What a burst needs to tag buckets (vsw_pair_tag()), taken once a burst:
 * the tag of a bucket whose phase of the refresh period has not come yet
 * in this period (the epoch's, and the period's count modulo 128), the tag
 * of one whose phase has (the next count: its generation has stepped), and
 * the first bucket of the phases that have come.
 */
struct vsw_pair_tags {
	uint32_t before;
	uint32_t after;
	uint32_t from;
};

/* The cache off: every tag 0, which is no bucket's (pair_off). */
#define VSW_PAIR_TAGS_OFF ((struct vsw_pair_tags){ 0, 0, VSW_PAIR_BUCKETS })

/*
 * The tags at refresh tick @tick (struct vsw_pmd, pair_tick_shift) in the
 * epoch whose tag is @etag (the epoch << 8). The generation is 7 bits: a
 * step from 127 wraps to 0 (bit 7 is clear, so the step never reaches the
 * epoch's bits), and a bucket's generation steps at its own phase then too,
 * not with the period's count.
 */
static inline struct vsw_pair_tags
vsw_pair_tags(uint32_t etag, uint32_t tick)
{
	uint32_t base = etag | ((tick >> 8) & 0x7f);

	return (struct vsw_pair_tags){
		.before = base,
		.after = (base + 1) & ~UINT32_C(0x80),
		.from = (256 - (tick & 0xff)) * VSW_PAIR_PHASE_BUCKETS,
	};
}

/*
 * The tag that bucket @b (an index) must carry to hold ways now (@t:
 * vsw_pair_tags()): the epoch's, and the bucket's own generation, which
 * steps once a refresh period, at the bucket's phase of it. A bucket of
 * another tag is empty.
 */
static inline uint32_t
vsw_pair_tag(const struct vsw_pair_tags *t, uint32_t b)
{
	return b >= t->from ? t->after : t->before;
}

#endif /* VSW_PRIV_H */
