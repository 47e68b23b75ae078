/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_fdb.c: the MAC learning table of one bridge.
 *
 * An rte_hash keyed by {mac, vlan} maps to a position, and the position
 * indexes two arrays: the entries the fast path reads (port, static flag,
 * last seen: 8 bytes, so that 100,000 of them take 800 KB of cache) and what
 * only the control thread reads (key, in use). PMDs only read
 * the hash (lock-free, RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF) and refresh
 * "last seen"; they ask for inserts and moves through an MPSC learn ring that
 * the control thread drains in vsw_fdb_run(). The control thread is the only
 * writer of the hash, so no lock is needed anywhere.
 *
 * Thread-safety of struct fdb_slot and struct fdb_cold:
 *  - port: written by the control thread with a store-release, read by PMDs
 *    with a load-acquire. VSW_PORT_NONE while a slot is free or being filled,
 *    so a PMD that finds a key whose slot is not yet published floods.
 *  - is_static: as port.
 *  - last_seen: relaxed stores by PMDs and the control thread; a stale value
 *    only delays aging by one refresh.
 *  - key, used (struct fdb_cold): control thread only.
 * A deleted slot is reused only after a QSBR grace period (rte_hash defer
 * queue), so a PMD that looked a key up before its deletion never reads the
 * slot of a different key.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "vsw.h"
#include "vsw_priv.h"

/*
 * The hash key (struct vsw_fdb_key), hashed and compared whole. 16 bytes
 * rather than 8: rte_hash compares 16-byte keys with one SSE compare
 * (rte_hash_k16_cmp_eq) and any other size below 32 with memcmp(), which
 * cost 2.5% of the PMD's cycles in the 64-byte loopback profile. `pad` is
 * always zero.
 */
_Static_assert(sizeof(struct vsw_fdb_key) == 16, "fdb key must be 16 bytes, pad-free");
_Static_assert(2 * VSW_FDB_BULK_MAX <= RTE_HASH_LOOKUP_BULK_MAX, "one rte_hash bulk lookup");

/* A learn request from a PMD. The element size must be a multiple of 4. */
struct fdb_req {
	struct rte_ether_addr mac;
	uint16_t vlan;
	uint16_t port;
	uint16_t reserved;
	uint32_t now;
};
_Static_assert(sizeof(struct fdb_req) % 4 == 0, "ring elements are 4-byte multiples");

/* What the fast path reads and refreshes. */
struct fdb_slot {
	uint16_t port;		/* release/acquire, see the file comment */
	uint8_t is_static;	/* release/acquire */
	uint8_t reserved;
	uint32_t last_seen;	/* relaxed */
};
_Static_assert(sizeof(struct fdb_slot) == 8, "fast-path entries are 8 bytes");

/* What only the control thread reads, for aging, flush and dump. */
struct fdb_cold {
	struct vsw_fdb_key key;
	bool used;
};

/* Learn ring capacity: the FDB size, within these bounds. */
#define FDB_RING_MIN 8
#define FDB_RING_MAX 4096
/* The smallest table rte_hash accepts (RTE_HASH_BUCKET_ENTRIES). */
#define FDB_HASH_MIN 8
/* Longest caller name used as is in object names; longer ones are hashed. */
#define FDB_ID_MAX 11

struct vsw_fdb {
	struct rte_hash *hash;
	struct rte_ring *ring;		/* MP enqueue (PMDs), SC dequeue (control) */
	struct fdb_slot *slots;		/* indexed by hash position */
	struct fdb_cold *cold;		/* indexed by hash position */
	uint32_t n_slots;		/* hash size (>= max_entries) */
	uint32_t max_entries;
	uint32_t n_entries;
	bool rcu;			/* hash reclaims deleted slots after a grace period */
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
 * Short object ids. rte_hash names its internal rings "HT_<name>" and
 * "HT_EXT_<name>", and the RCU defer queue names its ring from
 * "HASH_RCU_<name>", all silently truncated to RTE_RING_NAMESIZE - 1 = 28
 * characters. Names that differ only after the cut would collide, so the
 * hash name is kept to "fdb_" + at most 11 characters: the caller's name if
 * it fits, otherwise 3 of its characters and a 32-bit FNV-1a hash of it all.
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

static void
slot_reset(struct vsw_fdb *fdb, uint32_t pos)
{
	struct fdb_slot *s = &fdb->slots[pos];

	memset(&fdb->cold[pos], 0, sizeof(fdb->cold[pos]));
	__atomic_store_n(&s->is_static, 0, __ATOMIC_RELAXED);
	/* Release: PMDs that see NONE see nothing else of the old entry. */
	__atomic_store_n(&s->port, VSW_PORT_NONE, __ATOMIC_RELEASE);
}

struct vsw_fdb *
vsw_fdb_create(const char *name, uint32_t max_entries, int socket, struct rte_rcu_qsbr *qsbr)
{
	struct rte_hash_parameters hp;
	struct vsw_fdb *fdb = NULL;
	char id[FDB_ID_MAX + 1];
	char hname[RTE_HASH_NAMESIZE];
	char rname[RTE_RING_NAMESIZE];
	uint32_t ring_size, i;
	int err;

	if (name == NULL || name[0] == '\0' || max_entries == 0 ||
	    max_entries > RTE_HASH_ENTRIES_MAX) {
		errno = EINVAL;
		return NULL;
	}
	make_id(name, id, sizeof(id));
	snprintf(hname, sizeof(hname), "fdb_%s", id);
	snprintf(rname, sizeof(rname), "fdbq_%s", id);

	fdb = rte_zmalloc_socket("vsw_fdb", sizeof(*fdb), RTE_CACHE_LINE_SIZE, socket);
	if (fdb == NULL) {
		err = ENOMEM;
		goto err_free;
	}
	fdb->max_entries = max_entries;
	fdb->n_slots = RTE_MAX(max_entries, (uint32_t)FDB_HASH_MIN);

	/* Check the name first: rte_hash_create reports a taken name only
	 * through rte_errno, which some failure paths leave unset.
	 */
	if (rte_hash_find_existing(hname) != NULL || rte_ring_lookup(rname) != NULL) {
		err = EEXIST;
		goto err_free;
	}

	memset(&hp, 0, sizeof(hp));
	hp.name = hname;
	hp.entries = fdb->n_slots;
	hp.key_len = sizeof(struct vsw_fdb_key);
	hp.socket_id = socket;
	/* Single writer (the control thread), lock-free readers; the
	 * extendable table guarantees that n_slots keys always fit.
	 */
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	rte_errno = 0;
	fdb->hash = rte_hash_create(&hp);
	if (fdb->hash == NULL) {
		err = rte_errno == EEXIST ? EEXIST : ENOMEM;
		goto err_free;
	}

	if (qsbr != NULL) {
		/*
		 * DQ (defer queue) mode, not SYNC: SYNC calls
		 * rte_rcu_qsbr_synchronize() inside every rte_hash_del_key(),
		 * blocking the control thread for a full grace period per
		 * entry, and one aging run may delete thousands of entries.
		 * DQ queues the freed slots and reclaims them on later deletes
		 * and adds, once every PMD has passed a quiescent state. The
		 * defer queue is the hash library's own use of rte_rcu_qsbr_dq,
		 * so no experimental API is needed here.
		 */
		struct rte_hash_rcu_config rc = {
			.v = qsbr,
			.mode = RTE_HASH_QSBR_MODE_DQ,
		};

		if (rte_hash_rcu_qsbr_add(fdb->hash, &rc) != 0) {
			err = rte_errno == EEXIST ? EEXIST : (rte_errno != 0 ? rte_errno : ENOMEM);
			goto err_free;
		}
		fdb->rcu = true;
	}

	fdb->slots = rte_zmalloc_socket("vsw_fdb_slots", sizeof(*fdb->slots) * fdb->n_slots,
					RTE_CACHE_LINE_SIZE, socket);
	fdb->cold = rte_zmalloc_socket("vsw_fdb_cold", sizeof(*fdb->cold) * fdb->n_slots,
				       RTE_CACHE_LINE_SIZE, socket);
	if (fdb->slots == NULL || fdb->cold == NULL) {
		err = ENOMEM;
		goto err_free;
	}
	for (i = 0; i < fdb->n_slots; i++)
		slot_reset(fdb, i);

	ring_size = RTE_MIN(RTE_MAX(max_entries, (uint32_t)FDB_RING_MIN), (uint32_t)FDB_RING_MAX);
	fdb->ring = rte_ring_create_elem(rname, sizeof(struct fdb_req), ring_size, socket,
					 RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (fdb->ring == NULL) {
		err = rte_errno == EEXIST ? EEXIST : ENOMEM;
		goto err_free;
	}
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
	rte_ring_free(fdb->ring);
	rte_hash_free(fdb->hash);
	rte_free(fdb->slots);
	rte_free(fdb->cold);
	rte_free(fdb);
}

static int32_t
key_lookup(const struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan)
{
	struct vsw_fdb_key key = { .mac = *mac, .vlan = vlan };

	return rte_hash_lookup(fdb->hash, &key);
}

uint16_t
vsw_fdb_lookup(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan)
{
	int32_t pos = key_lookup(fdb, mac, vlan);

	if (pos < 0)
		return VSW_PORT_NONE;
	/* Acquire pairs with the control thread's store-release of a new port. */
	return __atomic_load_n(&fdb->slots[pos].port, __ATOMIC_ACQUIRE);
}

/*
 * The fast path's learning of (@mac, @vlan) seen on @port at @now, whose
 * lookup gave @pos: refresh the entry when it is on this port, else ask the
 * control thread (unless it is static).
 */
static enum vsw_learn_result
learn_at(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan, int32_t pos,
	 uint16_t port, uint32_t now)
{
	struct fdb_req req;
	struct fdb_slot *s;

	if (pos >= 0) {
		s = &fdb->slots[pos];
		/* Acquire: is_static below belongs to the entry this port does. */
		if (__atomic_load_n(&s->port, __ATOMIC_ACQUIRE) == port) {
			/* Store only on change: one write per second per entry
			 * instead of a shared cache line bouncing per packet.
			 */
			if (__atomic_load_n(&s->last_seen, __ATOMIC_RELAXED) != now)
				__atomic_store_n(&s->last_seen, now, __ATOMIC_RELAXED);
			return VSW_LEARN_NONE;
		}
		if (__atomic_load_n(&s->is_static, __ATOMIC_RELAXED))
			return VSW_LEARN_NONE;
	}

	memset(&req, 0, sizeof(req));
	req.mac = *mac;
	req.vlan = vlan;
	req.port = port;
	req.now = now;
	if (rte_ring_mp_enqueue_elem(fdb->ring, &req, sizeof(req)) != 0) {
		/* Relaxed: a statistic, summed by the control thread. */
		__atomic_fetch_add(&fdb->ring_full, 1, __ATOMIC_RELAXED);
		return VSW_LEARN_RING_FULL;
	}
	return VSW_LEARN_QUEUED;
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
	if (!learnable(mac))
		return VSW_LEARN_NONE;
	return learn_at(fdb, mac, vlan, key_lookup(fdb, mac, vlan), port, now);
}

void
vsw_fdb_bulk(struct vsw_fdb *fdb, const struct vsw_fdb_key *src, unsigned int n_src,
	     uint16_t port, uint32_t now, const struct vsw_fdb_key *dst, unsigned int n_dst,
	     uint16_t *out, struct vsw_fdb_bulk_result *res)
{
	const void *keys[2 * VSW_FDB_BULK_MAX];
	int32_t pos[2 * VSW_FDB_BULK_MAX];
	struct vsw_fdb_bulk_result r = { 0, 0 };
	unsigned int i, n;

	n_src = RTE_MIN(n_src, (unsigned int)VSW_FDB_BULK_MAX);
	n_dst = RTE_MIN(n_dst, (unsigned int)VSW_FDB_BULK_MAX);
	n = n_src + n_dst;
	for (i = 0; i < n_src; i++)
		keys[i] = &src[i];
	for (i = 0; i < n_dst; i++)
		keys[n_src + i] = &dst[i];
	if (n == 0 || rte_hash_lookup_bulk(fdb->hash, keys, n, pos) != 0) {
		/* Only with bad arguments: then nothing is known. */
		for (i = 0; i < n; i++)
			pos[i] = -ENOENT;
	}
	/* Every entry's line on its way before the first is needed. */
	for (i = 0; i < n; i++)
		if (pos[i] >= 0)
			rte_prefetch0(&fdb->slots[pos[i]]);
	for (i = 0; i < n_src; i++) {
		if (!learnable(&src[i].mac))
			continue;
		switch (learn_at(fdb, &src[i].mac, src[i].vlan, pos[i], port, now)) {
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
	for (i = 0; i < n_dst; i++)
		out[i] = pos[n_src + i] < 0 ? VSW_PORT_NONE :
			 /* Acquire: as vsw_fdb_lookup(). */
			 __atomic_load_n(&fdb->slots[pos[n_src + i]].port, __ATOMIC_ACQUIRE);
	if (res != NULL)
		*res = r;
}

bool
vsw_fdb_learn(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan,
	      uint16_t port, uint32_t now)
{
	return vsw_fdb_learn_req(fdb, mac, vlan, port, now) != VSW_LEARN_NONE;
}

/* Control thread: insert a new entry. Returns the position or -ENOSPC. */
static int32_t
entry_insert(struct vsw_fdb *fdb, const struct vsw_fdb_key *key, uint16_t port, bool is_static,
	     uint32_t now)
{
	struct fdb_slot *s;
	int32_t pos;

	if (fdb->n_entries >= fdb->max_entries)
		return -ENOSPC;
	pos = rte_hash_add_key(fdb->hash, key);
	if (pos < 0)
		return -ENOSPC;
	s = &fdb->slots[pos];
	fdb->cold[pos].used = true;
	fdb->cold[pos].key = *key;
	__atomic_store_n(&s->last_seen, now, __ATOMIC_RELAXED);
	__atomic_store_n(&s->is_static, is_static, __ATOMIC_RELAXED);
	/* Release: publishes last_seen and is_static with the port. */
	__atomic_store_n(&s->port, port, __ATOMIC_RELEASE);
	fdb->n_entries++;
	return pos;
}

/* Control thread: remove the entry at @pos. */
static void
entry_remove(struct vsw_fdb *fdb, int32_t pos)
{
	struct vsw_fdb_key key = fdb->cold[pos].key;

	slot_reset(fdb, (uint32_t)pos);
	if (rte_hash_del_key(fdb->hash, &key) >= 0 && !fdb->rcu) {
		/* No QSBR: the caller promised a single thread (tests), so
		 * the slot can be reused at once.
		 */
		rte_hash_free_key_with_position(fdb->hash, pos);
	}
	fdb->n_entries--;
}

static void
handle_req(struct vsw_fdb *fdb, const struct fdb_req *req)
{
	struct vsw_fdb_key key = { .mac = req->mac, .vlan = req->vlan };
	struct fdb_slot *s;
	int32_t pos;

	pos = rte_hash_lookup(fdb->hash, &key);
	if (pos < 0) {
		if (entry_insert(fdb, &key, req->port, false, req->now) < 0)
			fdb->table_full++;
		else
			fdb->learned++;
		return;
	}
	s = &fdb->slots[pos];
	if (s->is_static)
		return;
	if ((int32_t)(req->now - s->last_seen) > 0)
		__atomic_store_n(&s->last_seen, req->now, __ATOMIC_RELAXED);
	if (s->port != req->port) {
		/* Release: the new last_seen is visible with the new port. */
		__atomic_store_n(&s->port, req->port, __ATOMIC_RELEASE);
		fdb->moved++;
	}
}

/* Age at most once per distinct (now, aging): the scan walks every slot. */
static void
age_entries(struct vsw_fdb *fdb, uint32_t now, uint32_t aging)
{
	struct fdb_slot *s;
	uint32_t i;
	int32_t idle;

	if (aging == 0 || (fdb->scanned && fdb->last_scan == now && fdb->last_aging == aging))
		return;
	fdb->scanned = true;
	fdb->last_scan = now;
	fdb->last_aging = aging;
	for (i = 0; i < fdb->n_slots; i++) {
		s = &fdb->slots[i];
		if (!fdb->cold[i].used || s->is_static)
			continue;
		/* Signed: a PMD clock slightly ahead of `now` is not old. */
		idle = (int32_t)(now - __atomic_load_n(&s->last_seen, __ATOMIC_RELAXED));
		if (idle > 0 && (uint32_t)idle > aging) {
			entry_remove(fdb, i);
			fdb->aged++;
		}
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
	struct vsw_fdb_key key;
	struct fdb_slot *s;
	int32_t pos;

	if (fdb == NULL || mac == NULL || vlan > 4095 || port >= VSW_MAX_PORTS ||
	    rte_is_multicast_ether_addr(mac) || rte_is_zero_ether_addr(mac))
		return -EINVAL;
	key = (struct vsw_fdb_key){ .mac = *mac, .vlan = vlan };
	pos = rte_hash_lookup(fdb->hash, &key);
	if (pos < 0)
		return entry_insert(fdb, &key, port, true, 0) < 0 ? -ENOSPC : 0;
	s = &fdb->slots[pos];
	__atomic_store_n(&s->is_static, 1, __ATOMIC_RELAXED);
	/* Release: publishes is_static with the port. */
	__atomic_store_n(&s->port, port, __ATOMIC_RELEASE);
	return 0;
}

int
vsw_fdb_del(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan)
{
	struct vsw_fdb_key key;
	int32_t pos;

	if (fdb == NULL || mac == NULL)
		return -ENOENT;
	key = (struct vsw_fdb_key){ .mac = *mac, .vlan = vlan };
	pos = rte_hash_lookup(fdb->hash, &key);
	if (pos < 0)
		return -ENOENT;
	entry_remove(fdb, pos);
	return 0;
}

unsigned int
vsw_fdb_flush(struct vsw_fdb *fdb, uint16_t port, bool with_static)
{
	struct fdb_slot *s;
	unsigned int n = 0;
	uint32_t i;

	if (fdb == NULL)
		return 0;
	for (i = 0; i < fdb->n_slots; i++) {
		s = &fdb->slots[i];
		if (!fdb->cold[i].used || (s->is_static && !with_static))
			continue;
		if (port != VSW_PORT_NONE && s->port != port)
			continue;
		entry_remove(fdb, i);
		n++;
	}
	return n;
}

int
vsw_fdb_dump(struct vsw_fdb *fdb, uint32_t now,
	     int (*cb)(const struct vsw_fdb_entry *e, void *arg), void *arg)
{
	struct vsw_fdb_entry e;
	struct fdb_slot *s;
	uint32_t i, seen;
	int ret;

	if (fdb == NULL || cb == NULL)
		return 0;
	for (i = 0; i < fdb->n_slots; i++) {
		s = &fdb->slots[i];
		if (!fdb->cold[i].used)
			continue;
		memset(&e, 0, sizeof(e));
		e.mac = fdb->cold[i].key.mac;
		e.vlan = fdb->cold[i].key.vlan;
		e.port = s->port;
		e.is_static = s->is_static;
		seen = __atomic_load_n(&s->last_seen, __ATOMIC_RELAXED);
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
