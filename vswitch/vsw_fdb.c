/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_fdb.c: the MAC learning table of one bridge.
 *
 * A bucketized hash table made for the fast path: a key (MAC, VLAN) packs
 * into 8 bytes, and one 64-byte bucket holds 4 keys with their ports, so a
 * lookup reads one cache line (two when the key is not in its first
 * candidate bucket). Each key has two candidate buckets (two CRC32 hashes);
 * an insert takes the first unless it is nearly full, then the emptier one.
 * The table has twice as many ways as the
 * FDB has room for entries, so both candidates are full for about one key
 * in 100,000 at full load: those go to a small stash, searched only for
 * keys whose candidate buckets say that something of theirs is there.
 *
 * One writer, the control thread, changes the table: inserts and moves on
 * learn requests that PMDs enqueue on an MPSC ring (vsw_fdb_run()), aging,
 * static entries, deletes and flushes. PMDs only read it, without locks:
 * every bucket has a sequence number that the writer makes odd while it
 * changes the bucket and even again after (a seqlock). A reader that sees it
 * odd, or changed across its read, never waits: it takes the key as unknown
 * (a destination is flooded, a source asks to be learned, and the control
 * thread finds it there). Readers never block, even when the control thread
 * is preempted in the middle of a change, and never see half an entry.
 *
 * "Last seen" lives apart, one 32-bit word per way, written by PMDs (relaxed)
 * when they see a source on its port, once per second per entry: a byte of
 * the bucket keeps the low bits of the last refresh, so that a refresh in
 * the same second costs no extra cache line. That byte is a hint: a stale
 * value delays one refresh by at most a second.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "vsw.h"
#include "vsw_priv.h"

/* A key, packed: the MAC's 6 bytes then the VLAN, as one 8-byte word. */
_Static_assert(sizeof(struct vsw_fdb_key) == 8, "an fdb key packs into 8 bytes");

#define FDB_WAYS 4
/* A free way. No entry has key 0: an all-zero MAC is never learned. */
#define KEY_FREE 0
#define HASH_SEED1 0x9e3779b9u
#define HASH_SEED2 0x7f4a7c15u

/* One cache line: 4 entries and the bucket's sequence number. */
struct fdb_bucket {
	uint64_t key[FDB_WAYS];		/* packed key, KEY_FREE when free */
	uint16_t port[FDB_WAYS];	/* VSW_PORT_NONE when free */
	uint8_t is_static[FDB_WAYS];
	uint8_t seen[FDB_WAYS];		/* low 8 bits of the last refresh (hint) */
	uint32_t seq;			/* odd while the writer changes the bucket */
	uint16_t stashed;		/* stash entries that have this candidate */
} __rte_cache_aligned;
_Static_assert(sizeof(struct fdb_bucket) == RTE_CACHE_LINE_SIZE, "one bucket, one line");

/* A learn request from a PMD. The element size must be a multiple of 4. */
struct fdb_req {
	struct rte_ether_addr mac;
	uint16_t vlan;
	uint16_t port;
	uint16_t reserved;
	uint32_t now;
};
_Static_assert(sizeof(struct fdb_req) % 4 == 0, "ring elements are 4-byte multiples");

/* Learn ring capacity: the FDB size, within these bounds. */
#define FDB_RING_MIN 8
#define FDB_RING_MAX 4096
/* Longest caller name used as is in object names; longer ones are hashed. */
#define FDB_ID_MAX 11

struct vsw_fdb {
	struct fdb_bucket *buckets;	/* n_buckets, then n_stash stash buckets */
	uint32_t *last_seen;		/* per way: (n_buckets + n_stash) * FDB_WAYS */
	uint32_t mask;			/* n_buckets - 1 (a power of two) */
	uint32_t n_buckets;
	uint32_t n_stash;
	struct rte_ring *ring;		/* MP enqueue (PMDs), SC dequeue (control) */
	uint32_t max_entries;
	uint32_t n_entries;
	uint32_t last_scan;		/* `now` of the last aging scan */
	uint32_t last_aging;		/* `aging` of the last aging scan */
	bool scanned;
	uint64_t learned;
	uint64_t moved;
	uint64_t aged;
	uint64_t table_full;
	uint64_t ring_full;		/* atomic relaxed add from PMDs */
};

/*
 * Short object ids. The learn ring is named "fdbq_<id>" and ring names are
 * silently truncated to RTE_RING_NAMESIZE - 1 = 31 characters; names that
 * differ only after the cut would collide, so the id is the caller's name if
 * it has at most 11 characters, otherwise 3 of its characters and a 32-bit
 * FNV-1a hash of it all.
 */
static void
make_id(const char *name, char *id, size_t size)
{
	uint32_t h = 2166136261u;
	const char *p;

	if (strlen(name) <= FDB_ID_MAX) {
		snprintf(id, size, "%s", name);
		return;
	}
	for (p = name; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	snprintf(id, size, "%.3s%08x", name, h);
}

static inline uint64_t
pack_key(const struct vsw_fdb_key *k)
{
	uint64_t w;

	memcpy(&w, k, sizeof(w));
	return w;
}

static inline uint64_t
pack(const struct rte_ether_addr *mac, uint16_t vlan)
{
	return pack_key(&(struct vsw_fdb_key){ .mac = *mac, .vlan = vlan });
}

static void
unpack(uint64_t w, struct rte_ether_addr *mac, uint16_t *vlan)
{
	struct vsw_fdb_key k;

	memcpy(&k, &w, sizeof(k));
	*mac = k.mac;
	*vlan = k.vlan;
}

/* The two candidate buckets of @k (different whenever the table has two). */
static inline void
candidates(const struct vsw_fdb *fdb, uint64_t k, uint32_t *b1, uint32_t *b2)
{
	*b1 = vsw_crc_8byte(k, HASH_SEED1) & fdb->mask;
	*b2 = vsw_crc_8byte(k, HASH_SEED2) & fdb->mask;
	if (*b2 == *b1)
		*b2 = *b1 ^ 1;
}

/* ------------------------------------------------------------------------ */
/* Readers (any thread)                                                      */

/* What a reader found of a key. */
struct fdb_hit {
	int32_t pos;		/* bucket * FDB_WAYS + way, or -1: unknown */
	uint16_t port;
	uint8_t is_static;
};

/*
 * Look for @k in bucket @bi. Returns true when the bucket read was
 * consistent (then @hit says whether @k is there); false when the writer was
 * changing the bucket, in which case the caller takes @k as unknown.
 */
static inline bool
bucket_read(const struct vsw_fdb *fdb, uint32_t bi, uint64_t k, struct fdb_hit *hit)
{
	const struct fdb_bucket *b = &fdb->buckets[bi];
	uint32_t seq = __atomic_load_n(&b->seq, __ATOMIC_ACQUIRE);
	unsigned int w;

	hit->pos = -1;
	if (unlikely(seq & 1))
		return false;
	for (w = 0; w < FDB_WAYS; w++) {
		if (__atomic_load_n(&b->key[w], __ATOMIC_RELAXED) == k) {
			hit->port = __atomic_load_n(&b->port[w], __ATOMIC_RELAXED);
			hit->is_static = __atomic_load_n(&b->is_static[w], __ATOMIC_RELAXED);
			hit->pos = (int32_t)(bi * FDB_WAYS + w);
			break;
		}
	}
	/* Acquire: the loads above complete before the sequence is read again. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (unlikely(__atomic_load_n(&b->seq, __ATOMIC_RELAXED) != seq)) {
		hit->pos = -1;
		return false;
	}
	return true;
}

static inline uint16_t
stashed(const struct vsw_fdb *fdb, uint32_t bi)
{
	return __atomic_load_n(&fdb->buckets[bi].stashed, __ATOMIC_RELAXED);
}

/* Find @k, whose candidate buckets are @b1 and @b2. */
static inline void
find(const struct vsw_fdb *fdb, uint64_t k, uint32_t b1, uint32_t b2, struct fdb_hit *hit)
{
	uint32_t i;

	if (unlikely(k == KEY_FREE)) {
		hit->pos = -1;
		return;
	}
	if (!bucket_read(fdb, b1, k, hit) || hit->pos >= 0)
		return;
	if (!bucket_read(fdb, b2, k, hit) || hit->pos >= 0)
		return;
	if (likely(stashed(fdb, b1) == 0 && stashed(fdb, b2) == 0))
		return;
	for (i = 0; i < fdb->n_stash; i++)
		if (!bucket_read(fdb, fdb->n_buckets + i, k, hit) || hit->pos >= 0)
			return;
}

static inline void
find_key(const struct vsw_fdb *fdb, uint64_t k, struct fdb_hit *hit)
{
	uint32_t b1, b2;

	candidates(fdb, k, &b1, &b2);
	find(fdb, k, b1, b2, hit);
}

/* ------------------------------------------------------------------------ */
/* The writer (control thread)                                               */

/* vsw_fdb_changes(): one count for every FDB of the process. */
static uint64_t fdb_changes;

/* After a change that may alter the answer for a key already present. */
static void
changed(void)
{
	__atomic_fetch_add(&fdb_changes, 1, __ATOMIC_RELEASE);
}

uint64_t
vsw_fdb_changes(void)
{
	return __atomic_load_n(&fdb_changes, __ATOMIC_ACQUIRE);
}

static void
write_begin(struct fdb_bucket *b)
{
	__atomic_store_n(&b->seq, b->seq + 1, __ATOMIC_RELAXED);
	/* Release: the odd sequence is visible before any change. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void
write_end(struct fdb_bucket *b)
{
	__atomic_store_n(&b->seq, b->seq + 1, __ATOMIC_RELEASE);
}

static unsigned int
ways_used(const struct fdb_bucket *b)
{
	unsigned int w, n = 0;

	for (w = 0; w < FDB_WAYS; w++)
		n += b->key[w] != KEY_FREE;
	return n;
}

/* A free way of bucket @bi, or -1. */
static int
free_way(const struct vsw_fdb *fdb, uint32_t bi)
{
	unsigned int w;

	for (w = 0; w < FDB_WAYS; w++)
		if (fdb->buckets[bi].key[w] == KEY_FREE)
			return (int)w;
	return -1;
}

static void
set_stashed(struct vsw_fdb *fdb, uint32_t bi, int delta)
{
	struct fdb_bucket *b = &fdb->buckets[bi];

	__atomic_store_n(&b->stashed, (uint16_t)(b->stashed + delta), __ATOMIC_RELAXED);
}

/*
 * Insert @k (not in the table) on @port. Returns the position or -ENOSPC
 * (the FDB's size reached, or both candidates and the stash full).
 */
static int32_t
entry_insert(struct vsw_fdb *fdb, uint64_t k, uint16_t port, bool is_static, uint32_t now)
{
	uint32_t b1, b2, bi = UINT32_MAX, i;
	struct fdb_bucket *b;
	int w = -1;

	if (fdb->n_entries >= fdb->max_entries)
		return -ENOSPC;
	candidates(fdb, k, &b1, &b2);
	/* The first candidate while it has a free way to spare, so that a
	 * lookup reads one line for most keys (94% of 100,000 keys in a
	 * table of 131,072); else the emptier, which keeps the stash for
	 * about 40 keys at full load. */
	if (ways_used(&fdb->buckets[b1]) >= FDB_WAYS - 1 &&
	    ways_used(&fdb->buckets[b2]) < ways_used(&fdb->buckets[b1]))
		RTE_SWAP(b1, b2);
	if ((w = free_way(fdb, b1)) >= 0)
		bi = b1;
	else if ((w = free_way(fdb, b2)) >= 0)
		bi = b2;
	for (i = 0; w < 0 && i < fdb->n_stash; i++)
		if ((w = free_way(fdb, fdb->n_buckets + i)) >= 0)
			bi = fdb->n_buckets + i;
	if (w < 0)
		return -ENOSPC;
	if (bi >= fdb->n_buckets) {
		/* Readers look in the stash once a candidate says so. */
		set_stashed(fdb, b1, 1);
		set_stashed(fdb, b2, 1);
	}
	b = &fdb->buckets[bi];
	__atomic_store_n(&fdb->last_seen[bi * FDB_WAYS + (uint32_t)w], now, __ATOMIC_RELAXED);
	write_begin(b);
	__atomic_store_n(&b->port[w], port, __ATOMIC_RELAXED);
	__atomic_store_n(&b->is_static[w], is_static, __ATOMIC_RELAXED);
	__atomic_store_n(&b->seen[w], (uint8_t)now, __ATOMIC_RELAXED);
	__atomic_store_n(&b->key[w], k, __ATOMIC_RELAXED);
	write_end(b);
	fdb->n_entries++;
	return (int32_t)(bi * FDB_WAYS + (uint32_t)w);
}

static void
entry_remove(struct vsw_fdb *fdb, int32_t pos)
{
	uint32_t bi = (uint32_t)pos / FDB_WAYS, w = (uint32_t)pos % FDB_WAYS, b1, b2;
	struct fdb_bucket *b = &fdb->buckets[bi];
	uint64_t k = b->key[w];

	write_begin(b);
	__atomic_store_n(&b->key[w], KEY_FREE, __ATOMIC_RELAXED);
	__atomic_store_n(&b->port[w], VSW_PORT_NONE, __ATOMIC_RELAXED);
	__atomic_store_n(&b->is_static[w], 0, __ATOMIC_RELAXED);
	write_end(b);
	changed();
	if (bi >= fdb->n_buckets) {
		candidates(fdb, k, &b1, &b2);
		set_stashed(fdb, b1, -1);
		set_stashed(fdb, b2, -1);
	}
	fdb->n_entries--;
}

/* Change the port (and static flag) of the entry at @pos. */
static void
entry_set(struct vsw_fdb *fdb, int32_t pos, uint16_t port, bool is_static)
{
	struct fdb_bucket *b = &fdb->buckets[(uint32_t)pos / FDB_WAYS];
	uint32_t w = (uint32_t)pos % FDB_WAYS;

	write_begin(b);
	__atomic_store_n(&b->port[w], port, __ATOMIC_RELAXED);
	__atomic_store_n(&b->is_static[w], is_static, __ATOMIC_RELAXED);
	write_end(b);
	changed();
}

void
vsw_fdb_write_hold(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan,
		   bool hold)
{
	uint32_t b1, b2;

	candidates(fdb, pack(mac, vlan), &b1, &b2);
	if (hold) {
		write_begin(&fdb->buckets[b1]);
		write_begin(&fdb->buckets[b2]);
	} else {
		write_end(&fdb->buckets[b1]);
		write_end(&fdb->buckets[b2]);
	}
}

/* ------------------------------------------------------------------------ */
/* Create, free                                                              */

struct vsw_fdb *
vsw_fdb_create(const char *name, uint32_t max_entries, int socket)
{
	struct vsw_fdb *fdb = NULL;
	char id[FDB_ID_MAX + 1];
	char rname[RTE_RING_NAMESIZE];
	uint32_t ring_size, n_ways, i, w;
	int err;

	if (name == NULL || name[0] == '\0' || max_entries == 0 ||
	    max_entries > VSW_FDB_MAX_ENTRIES) {
		errno = EINVAL;
		return NULL;
	}
	make_id(name, id, sizeof(id));
	snprintf(rname, sizeof(rname), "fdbq_%s", id);
	/* Check the name first: rte_ring_create reports a taken name only
	 * through rte_errno. */
	if (rte_ring_lookup(rname) != NULL) {
		errno = EEXIST;
		return NULL;
	}

	fdb = rte_zmalloc_socket("vsw_fdb", sizeof(*fdb), RTE_CACHE_LINE_SIZE, socket);
	if (fdb == NULL) {
		err = ENOMEM;
		goto err_free;
	}
	fdb->max_entries = max_entries;
	/* Twice as many ways as entries, at least two buckets. */
	fdb->n_buckets = rte_align32pow2(RTE_MAX((max_entries + 1) / 2, 2u));
	fdb->mask = fdb->n_buckets - 1;
	fdb->n_stash = 4 + fdb->n_buckets / 1024;
	n_ways = (fdb->n_buckets + fdb->n_stash) * FDB_WAYS;
	fdb->buckets = rte_zmalloc_socket("vsw_fdb_buckets",
					  sizeof(*fdb->buckets) * (fdb->n_buckets + fdb->n_stash),
					  RTE_CACHE_LINE_SIZE, socket);
	fdb->last_seen = rte_zmalloc_socket("vsw_fdb_seen", sizeof(*fdb->last_seen) * n_ways,
					    RTE_CACHE_LINE_SIZE, socket);
	if (fdb->buckets == NULL || fdb->last_seen == NULL) {
		err = ENOMEM;
		goto err_free;
	}
	for (i = 0; i < fdb->n_buckets + fdb->n_stash; i++)
		for (w = 0; w < FDB_WAYS; w++)
			fdb->buckets[i].port[w] = VSW_PORT_NONE;

	ring_size = RTE_MIN(RTE_MAX(max_entries, (uint32_t)FDB_RING_MIN), (uint32_t)FDB_RING_MAX);
	rte_errno = 0;
	fdb->ring = rte_ring_create_elem(rname, sizeof(struct fdb_req), ring_size, socket,
					 RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (fdb->ring == NULL) {
		err = rte_errno == EEXIST ? EEXIST : ENOMEM;
		goto err_free;
	}
	changed();
	return fdb;

err_free:
	vsw_fdb_free(fdb);
	errno = err;
	return NULL;
}

void
vsw_fdb_free(struct vsw_fdb *fdb)
{
	if (fdb == NULL)
		return;
	changed();
	rte_ring_free(fdb->ring);
	rte_free(fdb->buckets);
	rte_free(fdb->last_seen);
	rte_free(fdb);
}

/* ------------------------------------------------------------------------ */
/* Fast path                                                                 */

uint16_t
vsw_fdb_lookup(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan)
{
	struct fdb_hit hit;

	find_key(fdb, pack(mac, vlan), &hit);
	return hit.pos < 0 ? VSW_PORT_NONE : hit.port;
}

/*
 * The fast path's learning of @k seen on @port at @now, as @hit found it:
 * refresh the entry when it is on this port, else ask the control thread
 * (unless it is static).
 */
/* The slow part of learn_at(): a request for the control thread. */
static __rte_noinline enum vsw_learn_result
learn_request(struct vsw_fdb *fdb, uint64_t k, uint16_t port, uint32_t now)
{
	struct rte_ether_addr mac;
	struct fdb_req req;

	memset(&req, 0, sizeof(req));
	unpack(k, &mac, &req.vlan);
	req.mac = mac;
	req.port = port;
	req.now = now;
	if (rte_ring_mp_enqueue_elem(fdb->ring, &req, sizeof(req)) != 0) {
		/* Relaxed: a statistic, summed by the control thread. */
		__atomic_fetch_add(&fdb->ring_full, 1, __ATOMIC_RELAXED);
		return VSW_LEARN_RING_FULL;
	}
	return VSW_LEARN_QUEUED;
}

static inline enum vsw_learn_result
learn_at(struct vsw_fdb *fdb, uint64_t k, const struct fdb_hit *hit, uint16_t port, uint32_t now)
{
	struct fdb_bucket *b;
	uint32_t w;

	if (hit->pos >= 0) {
		if (hit->port == port) {
			/* Store only on change: one write per second per entry
			 * instead of a shared cache line bouncing per packet. */
			b = &fdb->buckets[(uint32_t)hit->pos / FDB_WAYS];
			w = (uint32_t)hit->pos % FDB_WAYS;
			if (__atomic_load_n(&b->seen[w], __ATOMIC_RELAXED) != (uint8_t)now) {
				__atomic_store_n(&b->seen[w], (uint8_t)now, __ATOMIC_RELAXED);
				__atomic_store_n(&fdb->last_seen[hit->pos], now, __ATOMIC_RELAXED);
			}
			return VSW_LEARN_NONE;
		}
		if (hit->is_static)
			return VSW_LEARN_NONE;
	}
	return learn_request(fdb, k, port, now);
}

static bool
learnable(const struct rte_ether_addr *mac)
{
	return !rte_is_multicast_ether_addr(mac) && !rte_is_zero_ether_addr(mac);
}

enum vsw_learn_result
vsw_fdb_learn_req(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan,
		  uint16_t port, uint32_t now)
{
	struct fdb_hit hit;
	uint64_t k;

	if (!learnable(mac))
		return VSW_LEARN_NONE;
	k = pack(mac, vlan);
	find_key(fdb, k, &hit);
	return learn_at(fdb, k, &hit, port, now);
}

bool
vsw_fdb_learn(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan,
	      uint16_t port, uint32_t now)
{
	return vsw_fdb_learn_req(fdb, mac, vlan, port, now) != VSW_LEARN_NONE;
}

/* candidates() of @k, both lines on their way. */
static inline void
candidates_prefetch(const struct vsw_fdb *fdb, uint64_t k, uint32_t *b1, uint32_t *b2)
{
	candidates(fdb, k, b1, b2);
	rte_prefetch0(&fdb->buckets[*b1]);
	rte_prefetch0(&fdb->buckets[*b2]);
}

void
vsw_fdb_prefetch(const struct vsw_fdb *fdb, const struct vsw_fdb_key *k)
{
	uint32_t b1, b2;

	candidates_prefetch(fdb, pack_key(k), &b1, &b2);
}

void
vsw_fdb_bulk(struct vsw_fdb *fdb, const struct vsw_fdb_key *src, unsigned int n_src,
	     uint16_t port, uint32_t now, const struct vsw_fdb_key *dst, unsigned int n_dst,
	     uint16_t *out, struct vsw_fdb_bulk_result *res)
{
	uint32_t b1[2 * VSW_FDB_BULK_MAX], b2[2 * VSW_FDB_BULK_MAX];
	uint64_t k[2 * VSW_FDB_BULK_MAX];
	struct vsw_fdb_bulk_result r = { 0, 0, 0 };
	struct fdb_hit hit;
	unsigned int i, n;

	n_src = RTE_MIN(n_src, (unsigned int)VSW_FDB_BULK_MAX);
	n_dst = RTE_MIN(n_dst, (unsigned int)VSW_FDB_BULK_MAX);
	n = n_src + n_dst;
	/* Both candidate lines of every key on their way before the first
	 * is read: the misses of a large table overlap. */
	for (i = 0; i < n; i++) {
		k[i] = i < n_src ? pack_key(&src[i]) : pack_key(&dst[i - n_src]);
		candidates_prefetch(fdb, k[i], &b1[i], &b2[i]);
	}
	for (i = 0; i < n_src; i++) {
		if (!learnable(&src[i].mac))
			continue;
		find(fdb, k[i], b1[i], b2[i], &hit);
		if (hit.pos >= 0 && hit.port == port)
			r.src_here |= 1u << i;
		switch (learn_at(fdb, k[i], &hit, port, now)) {
		case VSW_LEARN_QUEUED:
			r.queued++;
			break;
		case VSW_LEARN_RING_FULL:
			r.ring_full++;
			break;
		default:
			break;
		}
	}
	for (i = n_src; i < n; i++) {
		find(fdb, k[i], b1[i], b2[i], &hit);
		out[i - n_src] = hit.pos < 0 ? VSW_PORT_NONE : hit.port;
	}
	if (res != NULL)
		*res = r;
}

/* ------------------------------------------------------------------------ */
/* Control thread                                                            */

static void
handle_req(struct vsw_fdb *fdb, const struct fdb_req *req)
{
	uint64_t k = pack(&req->mac, req->vlan);
	struct fdb_hit hit;

	find_key(fdb, k, &hit);
	if (hit.pos < 0) {
		if (entry_insert(fdb, k, req->port, false, req->now) < 0)
			fdb->table_full++;
		else
			fdb->learned++;
		return;
	}
	if (hit.is_static)
		return;
	/* Relaxed: PMDs refresh it too. */
	if ((int32_t)(req->now - __atomic_load_n(&fdb->last_seen[hit.pos], __ATOMIC_RELAXED)) > 0)
		__atomic_store_n(&fdb->last_seen[hit.pos], req->now, __ATOMIC_RELAXED);
	if (hit.port != req->port) {
		entry_set(fdb, hit.pos, req->port, false);
		fdb->moved++;
	}
}

/* For every used way: its position in @pos, in table order. */
#define FOR_EACH_ENTRY(fdb, pos)                                                           \
	for ((pos) = 0; (uint32_t)(pos) < ((fdb)->n_buckets + (fdb)->n_stash) * FDB_WAYS; \
	     (pos)++)                                                                      \
		if ((fdb)->buckets[(uint32_t)(pos) / FDB_WAYS].key[(uint32_t)(pos) % FDB_WAYS] != \
		    KEY_FREE)

static bool
entry_static(const struct vsw_fdb *fdb, int32_t pos)
{
	return fdb->buckets[(uint32_t)pos / FDB_WAYS].is_static[(uint32_t)pos % FDB_WAYS];
}

static uint16_t
entry_port(const struct vsw_fdb *fdb, int32_t pos)
{
	return fdb->buckets[(uint32_t)pos / FDB_WAYS].port[(uint32_t)pos % FDB_WAYS];
}

/* Age at most once per distinct (now, aging): the scan walks every way. */
static void
age_entries(struct vsw_fdb *fdb, uint32_t now, uint32_t aging)
{
	int32_t pos, idle;

	if (aging == 0 || (fdb->scanned && fdb->last_scan == now && fdb->last_aging == aging))
		return;
	fdb->scanned = true;
	fdb->last_scan = now;
	fdb->last_aging = aging;
	FOR_EACH_ENTRY(fdb, pos) {
		if (entry_static(fdb, pos))
			continue;
		/* Signed: a PMD clock slightly ahead of `now` is not old. */
		idle = (int32_t)(now - __atomic_load_n(&fdb->last_seen[pos], __ATOMIC_RELAXED));
		if (idle > 0 && (uint32_t)idle > aging) {
			entry_remove(fdb, pos);
			fdb->aged++;
		}
	}
}

void
vsw_fdb_cap_idle(struct vsw_fdb *fdb, uint32_t now, uint32_t max_idle)
{
	uint32_t floor = now - max_idle, seen;
	int32_t pos;

	FOR_EACH_ENTRY(fdb, pos) {
		if (entry_static(fdb, pos))
			continue;
		seen = __atomic_load_n(&fdb->last_seen[pos], __ATOMIC_RELAXED);
		/* Only raised: a PMD may store a newer time meanwhile. */
		while ((int32_t)(floor - seen) > 0 &&
		       !__atomic_compare_exchange_n(&fdb->last_seen[pos], &seen, floor, false,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
	}
}

unsigned int
vsw_fdb_run(struct vsw_fdb *fdb, uint32_t now, uint32_t aging)
{
	struct fdb_req reqs[32];
	unsigned int budget, done = 0, n, i;

	/* Bounded: requests enqueued while we drain wait for the next run. */
	budget = rte_ring_get_capacity(fdb->ring);
	while (done < budget) {
		n = rte_ring_sc_dequeue_burst_elem(fdb->ring, reqs, sizeof(reqs[0]),
						   RTE_MIN((unsigned int)RTE_DIM(reqs),
							   budget - done), NULL);
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			handle_req(fdb, &reqs[i]);
		done += n;
	}
	age_entries(fdb, now, aging);
	return done;
}

int
vsw_fdb_add_static(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan,
		   uint16_t port)
{
	struct fdb_hit hit;
	uint64_t k;

	if (fdb == NULL || mac == NULL || vlan > 4095 || port >= VSW_MAX_PORTS ||
	    !learnable(mac))
		return -EINVAL;
	k = pack(mac, vlan);
	find_key(fdb, k, &hit);
	if (hit.pos < 0)
		return entry_insert(fdb, k, port, true, 0) < 0 ? -ENOSPC : 0;
	entry_set(fdb, hit.pos, port, true);
	return 0;
}

int
vsw_fdb_del(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan)
{
	struct fdb_hit hit;

	if (fdb == NULL || mac == NULL)
		return -ENOENT;
	find_key(fdb, pack(mac, vlan), &hit);
	if (hit.pos < 0)
		return -ENOENT;
	entry_remove(fdb, hit.pos);
	return 0;
}

unsigned int
vsw_fdb_flush(struct vsw_fdb *fdb, uint16_t port, bool with_static)
{
	unsigned int n = 0;
	int32_t pos;

	if (fdb == NULL)
		return 0;
	FOR_EACH_ENTRY(fdb, pos) {
		if (entry_static(fdb, pos) && !with_static)
			continue;
		if (port != VSW_PORT_NONE && entry_port(fdb, pos) != port)
			continue;
		entry_remove(fdb, pos);
		n++;
	}
	return n;
}

int
vsw_fdb_dump(struct vsw_fdb *fdb, uint32_t now,
	     int (*cb)(const struct vsw_fdb_entry *e, void *arg), void *arg)
{
	struct vsw_fdb_entry e;
	uint32_t seen;
	int32_t pos;
	int ret;

	if (fdb == NULL || cb == NULL)
		return 0;
	FOR_EACH_ENTRY(fdb, pos) {
		memset(&e, 0, sizeof(e));
		unpack(fdb->buckets[(uint32_t)pos / FDB_WAYS].key[(uint32_t)pos % FDB_WAYS],
		       &e.mac, &e.vlan);
		e.port = entry_port(fdb, pos);
		e.is_static = entry_static(fdb, pos);
		seen = __atomic_load_n(&fdb->last_seen[pos], __ATOMIC_RELAXED);
		e.age = (int32_t)(now - seen) > 0 && !e.is_static ? now - seen : 0;
		ret = cb(&e, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

void
vsw_fdb_get_stats(const struct vsw_fdb *fdb, struct vsw_fdb_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	if (fdb == NULL)
		return;
	stats->n_entries = fdb->n_entries;
	stats->learned = fdb->learned;
	stats->moved = fdb->moved;
	stats->aged = fdb->aged;
	stats->table_full = fdb->table_full;
	stats->ring_full = __atomic_load_n(&fdb->ring_full, __ATOMIC_RELAXED);
}
