/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw.h: the public interface of the switch pipeline (vswitch/).
 *
 * vswitch/ is pure packet logic on rte_mbuf: parse -> VLAN ingress -> MAC
 * learning / lookup -> flood or forward -> VLAN egress -> per-port tx batch.
 * It knows nothing of sockets, JSON or port backends. dataplane/ owns the
 * ports and PMD threads; each PMD hands every rx burst to vsw_input() and then
 * flushes the tx batches vsw_input() filled.
 *
 * Thread-safety:
 *  - struct vsw_snapshot is immutable once published. The control thread builds
 *    a new one, publishes its pointer (store-release), waits for an RCU (QSBR)
 *    grace period and frees the old one. PMDs read it between two quiescent
 *    states only.
 *  - struct vsw_pmd is owned by exactly one PMD thread. Its counters are read
 *    by the control thread without locks (relaxed 64-bit loads; a sum may be
 *    one burst stale, never torn on x86_64).
 *  - struct vsw_fdb: lookups and "last seen" refreshes are lock-free from any
 *    PMD (per-bucket sequence numbers; a reader never waits); every insert,
 *    move, delete and aging run happens on the control thread only
 *    (vsw_fdb_run() and friends). PMDs request learning through an MPSC ring
 *    drained by vsw_fdb_run().
 *  - struct vsw_flow_table is immutable once built; it is published through
 *    a snapshot and freed only after a grace period. Each PMD's exact-match
 *    cache and per-rule counters are written by that PMD only; the control
 *    thread reads the counters with relaxed loads (vsw_pmd_flow_counters()).
 *  - struct vsw_policer: token state shared by every PMD that polices with
 *    it, under its own spinlock (one lock per burst); created and freed by
 *    the control thread, freed only after a grace period.
 *
 * Errors: int functions return 0 or a negative errno; constructors return
 * NULL and set errno.
 */
#ifndef VSW_H
#define VSW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

struct rte_rcu_qsbr;

/** Switch port ids are 0 .. VSW_MAX_PORTS-1. */
#define VSW_MAX_PORTS 256
/** Bridge ids are 0 .. VSW_MAX_BRIDGES-1. */
#define VSW_MAX_BRIDGES 32
/** Largest rx burst vsw_input() accepts; also the depth of one tx batch. */
#define VSW_BURST 32
/** "No port" in an FDB lookup result. */
#define VSW_PORT_NONE UINT16_MAX
/** Default MAC aging time in seconds (as OVS and Linux bridges). */
#define VSW_FDB_AGING_DEFAULT 300
/** Default FDB size per bridge. */
#define VSW_FDB_SIZE_DEFAULT 8192

/**
 * VLAN modes, with OVS's meaning:
 *  - TRUNK: tagged frames of an allowed VLAN keep it; untagged frames belong to
 *    VLAN 0 and are accepted when VLAN 0 is allowed. Egress is tagged, except
 *    VLAN 0 which leaves untagged. No trunk list means every VLAN is allowed.
 *  - ACCESS: untagged (or priority-tagged, VID 0) frames are put in `tag`;
 *    other tagged frames are dropped (vlan_violation). Egress untagged, only
 *    for frames of VLAN `tag`.
 *  - NATIVE_UNTAGGED: untagged frames go to `tag`; tagged frames of an allowed
 *    VLAN keep it. Egress: `tag` untagged, the other allowed VLANs tagged.
 *  - NATIVE_TAGGED: as NATIVE_UNTAGGED, but `tag` leaves tagged too.
 */
enum vsw_vlan_mode {
	VSW_VLAN_TRUNK = 0,
	VSW_VLAN_ACCESS,
	VSW_VLAN_NATIVE_UNTAGGED,
	VSW_VLAN_NATIVE_TAGGED,
};

/** A port's VLAN configuration. */
struct vsw_vlan_cfg {
	enum vsw_vlan_mode mode;
	uint16_t tag;		/**< access/native VLAN, 1..4095; 0 in TRUNK mode */
	bool trunks_all;	/**< true: every VLAN allowed, `trunks` ignored */
	uint64_t trunks[64];	/**< bitmap of allowed VLANs 0..4095 (bit v) */
};

/** Initialise @p cfg to the default: trunk, all VLANs. */
void vsw_vlan_cfg_init(struct vsw_vlan_cfg *cfg);

/** Allow VLAN @p vid (0..4095) in @p cfg's trunk list (clears trunks_all). */
void vsw_vlan_cfg_allow(struct vsw_vlan_cfg *cfg, uint16_t vid);

/**
 * True if @p vid is in @p cfg's trunk list (or the list allows every VLAN).
 * Inline: the L2 path asks it twice per frame (ingress and egress).
 */
static inline bool
vsw_vlan_cfg_allows(const struct vsw_vlan_cfg *cfg, uint16_t vid)
{
	if (vid > 4095)
		return false;
	if (cfg->trunks_all)
		return true;
	return (cfg->trunks[vid / 64] >> (vid % 64)) & 1;
}

/**
 * Check a VLAN configuration.
 * @return 0, or -EINVAL with a one-line reason in @p err (e.g. "access port
 *   needs tag 1..4095", "trunks are not allowed in access mode").
 */
int vsw_vlan_cfg_validate(const struct vsw_vlan_cfg *cfg, char *err, size_t errlen);

/** Name of a VLAN mode ("trunk", "access", "native-untagged", "native-tagged"). */
const char *vsw_vlan_mode_name(enum vsw_vlan_mode mode);

/** Parse a VLAN mode name; returns 0 or -EINVAL. */
int vsw_vlan_mode_parse(const char *name, enum vsw_vlan_mode *mode);

/*
 * Drop and exception reasons, one X-macro so the enum and the names are
 * declared once. dataplane/ counts the tx-side ones in the same array.
 */
#define VSW_FOREACH_DROP(X)                                                      \
	X(MALFORMED, "malformed")		/* runt or truncated VLAN header */      \
	X(VLAN_VIOLATION, "vlan_violation")	/* frame not allowed on this port */ \
	X(NO_BRIDGE, "no_bridge")		/* input port is in no bridge */         \
	X(HAIRPIN, "hairpin")			/* destination is the input port */      \
	X(NO_MBUF, "no_mbuf")			/* copy for flooding failed */           \
	X(TX_FULL, "tx_full")			/* output queue/ring full */             \
	X(LINK_DOWN, "link_down")		/* output port not connected */          \
	X(OVERSIZE, "oversize")			/* frame above the port MTU */         \
	X(FLOW_DROP, "flow_drop")		/* a flow rule's drop action */          \
	X(FLOW_MISS, "flow_miss")		/* no flow rule matched (table miss) */  \
	X(SPOOF_MAC, "spoof_mac")		/* source MAC not allowed on the port */ \
	X(SPOOF_IP, "spoof_ip")			/* source IPv4/IPv6 not allowed */       \
	X(SPOOF_ARP, "spoof_arp")		/* ARP sender MAC/IP not allowed */      \
	X(SPOOF_ND, "spoof_nd")			/* IPv6 ND link-layer/target spoofed */  \
	X(POLICED, "policed")			/* ingress policer or meter: red */      \
	X(SHAPED, "shaped")			/* egress policer: over the rate */

enum vsw_drop {
#define VSW_DROP_ENUM(sym, name) VSW_DROP_##sym,
	VSW_FOREACH_DROP(VSW_DROP_ENUM)
#undef VSW_DROP_ENUM
	VSW_DROP_MAX
};

/** Name of a drop reason (e.g. "vlan_violation"). */
const char *vsw_drop_name(enum vsw_drop drop);

/** Counters of one port as seen by one PMD. Summed over PMDs on read. */
struct vsw_port_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t drops[VSW_DROP_MAX];
};

/* ------------------------------------------------------------------------ */
/* FDB: the MAC learning table of one bridge                                 */

struct vsw_fdb;

/** One FDB entry as reported by vsw_fdb_dump(). */
struct vsw_fdb_entry {
	struct rte_ether_addr mac;
	uint16_t vlan;
	uint16_t port;
	bool is_static;
	uint32_t age;		/**< seconds since last seen */
};

/** FDB counters (control-thread view). */
struct vsw_fdb_stats {
	uint32_t n_entries;
	uint64_t learned;	/**< new entries inserted */
	uint64_t moved;		/**< entries whose port changed */
	uint64_t aged;		/**< entries removed by aging */
	uint64_t table_full;	/**< learn requests refused: table full */
	uint64_t ring_full;	/**< learn requests lost: ring full (summed from PMDs) */
};

/** Most entries an FDB can be created with. */
#define VSW_FDB_MAX_ENTRIES (1u << 24)

/**
 * Create an FDB with room for @p max_entries (1..VSW_FDB_MAX_ENTRIES), on
 * NUMA @p socket. Its table takes 32 bytes of buckets per entry plus 8 of
 * "last seen" (vsw_fdb.c). The learn ring holds max_entries requests, at
 * least 8 and at most 4096; it is named "fdbq_<name>", a @p name longer
 * than 11 characters shortened to 3 characters plus a hash of it all, so
 * names that differ only at the end do not collide.
 * @return the FDB, or NULL with errno set (ENOMEM, EINVAL for an empty name
 *   or a size out of range, EEXIST for a name already in use).
 */
struct vsw_fdb *vsw_fdb_create(const char *name, uint32_t max_entries, int socket);

/** Free an FDB; accepts NULL. No PMD may use it any more. */
void vsw_fdb_free(struct vsw_fdb *fdb);

/**
 * Fast path: look up (@p mac, @p vlan).
 * @return the port, or VSW_PORT_NONE.
 */
uint16_t vsw_fdb_lookup(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan);

/**
 * Fast path: @p mac was seen on @p port in @p vlan at time @p now (seconds).
 * Refreshes "last seen" with a relaxed store when the entry exists on this
 * port; otherwise enqueues a learn request for the control thread. Never
 * writes the hash table. Group, broadcast and all-zero source MACs are
 * ignored, and so is a static entry seen on another port.
 * @return true if a request was enqueued or dropped (ring full, counted).
 */
bool vsw_fdb_learn(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan,
		   uint16_t port, uint32_t now);

/** A key of the FDB as vsw_fdb_bulk() takes it: 8 bytes, no padding. */
struct vsw_fdb_key {
	struct rte_ether_addr mac;
	uint16_t vlan;
};

/** Most sources, and most destinations, one vsw_fdb_bulk() call takes. */
#define VSW_FDB_BULK_MAX 32

/** What one vsw_fdb_bulk() call did about its sources. */
struct vsw_fdb_bulk_result {
	uint32_t queued;	/**< learn requests enqueued */
	uint32_t ring_full;	/**< learn requests lost to a full ring (counted) */
	/** Bit i: source i is known on the port (only its "last seen" was
	 * refreshed, nothing asked of the control thread). */
	uint32_t src_here;
};
_Static_assert(VSW_FDB_BULK_MAX <= 32, "src_here has a bit per source");

/**
 * Fast path, one burst at a time: vsw_fdb_learn() for each of the @p n_src
 * sources @p src seen on @p port at @p now, and vsw_fdb_lookup() of each of
 * the @p n_dst destinations @p dst into @p out (a port or VSW_PORT_NONE).
 * Same results as those calls one by one; the table's lines for all keys are
 * prefetched first, so that their cache misses overlap when the table is
 * larger than the cache. At most
 * VSW_FDB_BULK_MAX of each; @p res may be NULL.
 */
void vsw_fdb_bulk(struct vsw_fdb *fdb, const struct vsw_fdb_key *src, unsigned int n_src,
		  uint16_t port, uint32_t now, const struct vsw_fdb_key *dst, unsigned int n_dst,
		  uint16_t *out, struct vsw_fdb_bulk_result *res);

/**
 * Fast path: start loading the table's lines for @p k (its two candidate
 * buckets), for a vsw_fdb_bulk() of it a little later, whose reads then
 * find them on their way or in the cache. Reads nothing, changes nothing.
 */
void vsw_fdb_prefetch(const struct vsw_fdb *fdb, const struct vsw_fdb_key *k);

/**
 * Fast path: a number that every FDB of the process changes (with release
 * order) after each change that can make a key already present answer
 * otherwise: a move, a removal (aging, delete, flush), a static entry set
 * over a learned one; and when an FDB is created or freed. Inserting a new
 * key does not change it. A PMD that read it (acquire) before looking keys
 * up may keep the answers as long as it reads the same number again: the
 * MAC-pair cache (vsw_fwd.c) works so.
 */
uint64_t vsw_fdb_changes(void);

/**
 * Control thread: drain learn requests (inserting new entries and moving
 * existing dynamic ones), then remove dynamic entries not seen for more than
 * @p aging seconds at time @p now. Static entries never move or age.
 * @return the number of requests processed.
 */
unsigned int vsw_fdb_run(struct vsw_fdb *fdb, uint32_t now, uint32_t aging);

/**
 * Control thread: make every dynamic entry not seen for more than @p max_idle
 * seconds at @p now look seen @p max_idle seconds ago (a PMD's newer "last
 * seen" is never lowered). For a shorter aging time: the PMDs' pair caches
 * refreshed their sources within the old one's period (vsw_pair_tick_shift()),
 * up to VSW_PAIR_REFRESH_MAX_S seconds, which the new time may be below;
 * with @p max_idle the new aging time less a second, no active entry ages
 * before its next refresh, and idle ones age at most a second late.
 */
void vsw_fdb_cap_idle(struct vsw_fdb *fdb, uint32_t now, uint32_t max_idle);

/** Control thread: add or replace a static entry. 0, -ENOSPC or -EINVAL. */
int vsw_fdb_add_static(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan,
		       uint16_t port);

/** Control thread: delete one entry. 0 or -ENOENT. */
int vsw_fdb_del(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan);

/**
 * Control thread: delete the dynamic entries of @p port (VSW_PORT_NONE: of
 * every port). Static entries of a deleted port go too when @p with_static.
 * @return the number of entries removed.
 */
unsigned int vsw_fdb_flush(struct vsw_fdb *fdb, uint16_t port, bool with_static);

/**
 * Control thread: call @p cb for every entry (@p now gives ages; static
 * entries report age 0).
 * Stops early and returns cb's value when it returns non-zero.
 */
int vsw_fdb_dump(struct vsw_fdb *fdb, uint32_t now,
		 int (*cb)(const struct vsw_fdb_entry *e, void *arg), void *arg);

/** Control thread: read the FDB counters. */
void vsw_fdb_get_stats(const struct vsw_fdb *fdb, struct vsw_fdb_stats *stats);


/* ------------------------------------------------------------------------ */
/* Flow rules (OpenFlow-like), per bridge                                    */

/** Most actions in one rule. */
#define VSW_FLOW_MAX_ACTIONS 8
/** Rule ids are 0 .. VSW_FLOW_MAX_RULES-1, unique across all bridges. */
#define VSW_FLOW_MAX_RULES 65536
/** vlan_tci bit meaning "the frame has an 802.1Q tag" (as OVS's CFI use). */
#define VSW_VLAN_PRESENT 0x1000

/**
 * The packet fields the classifier looks at, as the frame arrived (before
 * any VLAN processing of the input port). Addresses in network byte order,
 * everything else in host byte order. Fields a frame does not have are 0.
 * Padding is always zero so keys can be hashed and compared whole.
 */
struct vsw_flow_key {
	uint16_t in_port;
	uint16_t vlan_tci;		/**< VID | PCP<<13 | VSW_VLAN_PRESENT; 0 untagged */
	uint16_t dl_type;		/**< ethertype after the VLAN tag */
	uint8_t nw_proto;		/**< IPv4 protocol / IPv6 next header */
	uint8_t pad0;
	struct rte_ether_addr dl_src;
	struct rte_ether_addr dl_dst;
	uint32_t nw_src;		/**< IPv4 */
	uint32_t nw_dst;
	uint8_t ipv6_src[16];
	uint8_t ipv6_dst[16];
	uint16_t tp_src;		/**< TCP/UDP ports (ICMP: type/code) */
	uint16_t tp_dst;
	uint32_t pad1;
};

/**
 * A match: a packet matches when (key_of_packet & mask) == key for every
 * field. A zero mask field is a wildcard. Masks must be "contiguous" where
 * the syntax requires it (IP prefixes); dl_src/dl_dst take any mask.
 */
struct vsw_flow_match {
	struct vsw_flow_key key;	/**< already masked */
	struct vsw_flow_key mask;
};

/**
 * Action types. Actions run in order on the frame; what vsw_input() does
 * with each:
 *  - OUTPUT: queue the frame as it is now on `port`; no VLAN translation,
 *    only the port's MTU is checked (oversize, counted on that port).
 *    Output to the input port is dropped (hairpin, as OpenFlow without an
 *    explicit in_port action); to a port not in use or not in the input
 *    port's bridge, dropped and counted as no_bridge on the input port.
 *    Several outputs share the mbuf by reference count; a modification after
 *    an output rewrites a copy (counted in vsw_pmd_counters.copies).
 *  - FLOOD: as OUTPUT to every port of the bridge but the input port.
 *  - NORMAL: the L2 pipeline (VLAN modes, learning, FDB, flooding, egress
 *    VLAN translation) on the frame as modified so far.
 *  - DROP: counted as flow_drop. A rule whose actions never reach OUTPUT,
 *    FLOOD or NORMAL drops too and counts flow_drop.
 *  - PUSH_VLAN: push an outer tag TPID 0x8100, `vid`, `pcp` (a tagged frame
 *    becomes double-tagged).
 *  - POP_VLAN: remove the outer tag; nothing on an untagged frame.
 *  - SET_VLAN: set the VID of the outer tag, keeping its PCP/DEI (as OVS
 *    mod_vlan_vid); an untagged frame gets a tag with `vid` and `pcp`.
 *  - SET_ETH_SRC / SET_ETH_DST: rewrite the address.
 *  - METER: police the frame with the bridge's meter `meter`
 *    (vsw_bridge_info.meters[meter]); a red frame is dropped and counted as
 *    policed on the input port, and the rest of the action list is skipped.
 *    A meter id out of range or without a policer drops the frame the same
 *    way (policed). At most one METER, and only as the first action.
 * A frame that cannot be made writable (no mbuf for the copy) is dropped
 * as no_mbuf on the input port and its remaining actions are skipped.
 */
enum vsw_action_type {
	VSW_ACT_OUTPUT = 1,	/**< send a copy to port `port` */
	VSW_ACT_DROP,		/**< drop (must be the only action) */
	VSW_ACT_NORMAL,		/**< the L2 learning bridge (VLAN modes, FDB, flood) */
	VSW_ACT_FLOOD,		/**< every bridge port but the input port, frame as is */
	VSW_ACT_PUSH_VLAN,	/**< push an 802.1Q tag with `vid` (and `pcp`) */
	VSW_ACT_POP_VLAN,	/**< remove the outer 802.1Q tag, if any */
	VSW_ACT_SET_VLAN,	/**< set the VID of the tag (push one if untagged) */
	VSW_ACT_SET_ETH_SRC,	/**< rewrite the source MAC */
	VSW_ACT_SET_ETH_DST,	/**< rewrite the destination MAC */
	VSW_ACT_METER,		/**< police with meter `meter` (first action only); red: dropped */
};

/** One action. */
struct vsw_action {
	uint8_t type;			/**< enum vsw_action_type */
	uint8_t pcp;			/**< PUSH_VLAN / SET_VLAN */
	uint16_t port;			/**< OUTPUT */
	uint16_t vid;			/**< PUSH_VLAN / SET_VLAN, 0..4095 */
	uint32_t meter;			/**< METER */
	struct rte_ether_addr mac;	/**< SET_ETH_SRC / SET_ETH_DST */
};

/** A rule. Actions run in order; modifications apply to later outputs. */
struct vsw_flow_rule {
	uint32_t id;			/**< stable id for counters, < VSW_FLOW_MAX_RULES */
	uint16_t priority;		/**< higher wins; equal priorities must not overlap */
	struct vsw_flow_match match;
	uint8_t n_actions;
	struct vsw_action actions[VSW_FLOW_MAX_ACTIONS];
};

/**
 * Check one rule: ids and ports in range, masks well-formed (key already
 * masked), actions consistent (drop alone; at most one meter, first; no
 * empty action list; VLAN ids 0..4095). 0 or -EINVAL with a reason.
 *
 * In detail: id < VSW_FLOW_MAX_RULES; no key bit outside its mask; padding
 * zero in key and mask; in_port mask 0 or 0xffff, and then in_port <
 * VSW_MAX_PORTS; 1..VSW_FLOW_MAX_ACTIONS actions of known types; OUTPUT
 * ports < VSW_MAX_PORTS (whether the port exists is the caller's check);
 * VIDs 0..4095, PCPs 0..7; DROP alone; METER only as the first action
 * ("meter must be the first action"), so at most one. Whether the meter id
 * exists is not checked here (a missing meter drops, see VSW_ACT_METER).
 * Any mask is accepted for the MACs and IP addresses (the classifier does
 * not need prefixes). @p err may be NULL.
 */
int vsw_flow_rule_validate(const struct vsw_flow_rule *rule, char *err, size_t errlen);

/** An immutable classifier over a set of rules. */
struct vsw_flow_table;

/**
 * Build a classifier over @p n rules (copied). Tuple-space search: one hash
 * per distinct mask, searched by decreasing best priority, stopping once no
 * remaining subtable can beat the match found. Rules are validated; two
 * rules with the same priority and the same match are refused (-EEXIST).
 * @return the table, or NULL with errno (EINVAL, EEXIST, ENOMEM).
 *
 * Control thread. The table is one rte_zmalloc'd block on @p socket (any
 * socket when that one has no memory left); building is O(n log n) and
 * does not touch rte_hash, so rebuilding the whole table on every change is
 * cheap (10,000 rules: a few milliseconds). @p n may be 0 (every lookup
 * misses). EINVAL also for two rules with the same id or @p n above
 * VSW_FLOW_MAX_RULES. Every table gets a new generation number.
 *
 * Overlapping rules of equal priority are allowed (OpenFlow leaves the
 * choice undefined); here the one given first in @p rules wins, always.
 */
struct vsw_flow_table *vsw_flow_table_build(const struct vsw_flow_rule *rules, uint32_t n,
					    int socket);

/** Free a table; accepts NULL. No PMD may still use it (RCU). */
void vsw_flow_table_free(struct vsw_flow_table *table);

/** Number of rules in the table. */
uint32_t vsw_flow_table_size(const struct vsw_flow_table *table);

/**
 * Rule @p i (0 .. size-1, in priority order) of the table. Equal priorities
 * keep the order given to vsw_flow_table_build(). NULL if @p i >= size.
 */
const struct vsw_flow_rule *vsw_flow_table_rule(const struct vsw_flow_table *table, uint32_t i);

/** How the fast path runs a rule (struct vsw_flow_hot). */
enum vsw_flow_kind {
	VSW_FLOW_RUN = 0,	/**< run its actions (struct vsw_flow_rule) */
	VSW_FLOW_NORMAL,	/**< its one action is NORMAL */
	VSW_FLOW_OUTPUT,	/**< its one action is OUTPUT to `port` */
};

/**
 * What the fast path reads of a rule to count and run it: 8 bytes, so that
 * a frame of a rule whose one action is NORMAL or OUTPUT reads one line
 * shared by 8 rules instead of the rule's own two or three.
 */
struct vsw_flow_hot {
	uint32_t id;		/**< the rule's id (its counters) */
	uint16_t port;		/**< VSW_FLOW_OUTPUT: the output port */
	uint8_t kind;		/**< enum vsw_flow_kind */
	uint8_t pad;
};

/**
 * The hot parts of the table's rules: element @p i is rule @p i's of
 * vsw_flow_table_rule() (NULL for a NULL table).
 */
const struct vsw_flow_hot *vsw_flow_table_hot(const struct vsw_flow_table *table);

/**
 * The table's generation: unique among all tables built by this process
 * (never 0), so a cache keyed by it never confuses two tables, even one
 * built at the address of a freed one.
 */
uint64_t vsw_flow_table_generation(const struct vsw_flow_table *table);

/**
 * The table's subtables: one per distinct mask of its rules (0 for NULL).
 * A lookup hashes and probes each, in order of their best priority, until
 * no further one can hold a better rule.
 */
uint32_t vsw_flow_table_n_subtables(const struct vsw_flow_table *table);

/**
 * True when no rule of the table matches on anything but in_port (a table
 * of catch-all rules such as priority=0,actions=normal, or of port-to-port
 * rules): every frame of one input port then gets the same rule, and the
 * fast path looks it up once per burst without extracting keys.
 */
bool vsw_flow_table_in_port_only(const struct vsw_flow_table *table);

/**
 * Fast path: the highest-priority rule matching @p key, or NULL. Among
 * overlapping rules of equal priority, the first in vsw_flow_table_rule()
 * order. The pointer stays valid as long as the table.
 */
const struct vsw_flow_rule *vsw_flow_table_lookup(const struct vsw_flow_table *table,
						  const struct vsw_flow_key *key);

/**
 * Fast path: vsw_flow_table_lookup() of the @p n keys @p keys, the answer
 * for keys[j] in rules[j]. The same answers as one lookup a key, but
 * subtable by subtable, as OVS's dpcls: each subtable's mask is loaded once
 * for all the keys, a key skips the subtables that cannot beat the rule it
 * has, and the search ends once none can. @p table must not be NULL.
 */
void vsw_flow_table_lookup_burst(const struct vsw_flow_table *table,
				 const struct vsw_flow_key *const *keys, uint32_t n,
				 const struct vsw_flow_rule **rules);

/**
 * Extract the flow key of a frame received on @p in_port. 0 or -EINVAL (runt).
 *
 * Fast path. Parses Ethernet, at most one 802.1Q tag (TPID 0x8100; a second
 * tag or an 802.1ad TPID ends parsing with that dl_type), then:
 *  - IPv4: nw_proto, nw_src, nw_dst; L4 after IHL*4 bytes, except for
 *    non-first fragments (no ports).
 *  - IPv6: the fixed header only: nw_proto is its next header, extension
 *    headers are not walked (a frame with one has no ports).
 *  - TCP, UDP, SCTP: tp_src/tp_dst are the ports; ICMP (IPv4) and ICMPv6
 *    (IPv6): tp_src is the type, tp_dst the code.
 *  - ARP (Ethernet/IPv4): nw_proto is the opcode (low 8 bits, as OVS),
 *    nw_src/nw_dst are SPA/TPA.
 * A header cut short by the end of the frame leaves its fields 0 (not an
 * error); only a frame shorter than an Ethernet header, or than its VLAN
 * tag, is a runt. Chained mbufs are read across segments.
 */
int vsw_flow_key_extract(const struct rte_mbuf *m, uint16_t in_port, struct vsw_flow_key *key);

/* ------------------------------------------------------------------------ */
/* The configuration snapshot the PMDs read                                  */

/* ------------------------------------------------------------------------ */
/* Port security, policers, mirrors                                          */

/** Most allowed MACs per port. */
#define VSW_SEC_MAX_MACS 8
/** Most allowed IPv4 prefixes, and most IPv6 prefixes, per port. */
#define VSW_SEC_MAX_IPS 16

/**
 * Port security (anti-spoofing) of a VNF port, as OpenStack's
 * port_security / allowed_address_pairs. When enabled, a frame received on
 * the port is dropped (and counted) unless:
 *  - its source MAC is one of `macs` (SPOOF_MAC);
 *  - IPv4: its source address is in one of `ip4` (when n_ip4 > 0), or it is
 *    0.0.0.0 to 255.255.255.255/udp 68->67 (DHCP discover) (SPOOF_IP);
 *  - ARP: the sender hardware address equals the Ethernet source and the
 *    sender IP is in `ip4` or 0.0.0.0 (probe), when n_ip4 > 0 (SPOOF_ARP);
 *  - IPv6: the source is in `ip6`, or :: (DAD), or link-local fe80::/10,
 *    when n_ip6 > 0 (SPOOF_IP);
 *  - ND (ICMPv6 135/136): a source/target link-layer address option, when
 *    present, equals the Ethernet source; an NA's target is in `ip6` or
 *    link-local, when n_ip6 > 0 (SPOOF_ND).
 * Frames of other ethertypes pass the MAC check only.
 *
 * In detail (vsw_sec.c):
 *  - The checks run on every frame received on the port, after ingress
 *    policing and before mirroring, VLAN processing, MAC learning and the
 *    flow table; a dropped frame is never learned, mirrored or counted by a
 *    flow rule. Drops are counted on the input port.
 *  - The ethertype is the one after at most two VLAN tags (0x8100 or
 *    0x88a8); a frame with more tags passes the MAC check only.
 *  - An empty list turns that family's address checks off: n_ip4 == 0 lets
 *    any IPv4 source and ARP sender IP through, n_ip6 == 0 any IPv6 source
 *    and NA target. The ARP sender hardware address and the ND link-layer
 *    options are checked whenever the port security is enabled.
 *  - A prefix entry allows every address in it (allowed_address_pairs with
 *    CIDRs); an address is a /32 (/128) entry.
 *  - IPv6: the fixed header only. Extension headers are not walked: a frame
 *    whose next header is not ICMPv6 gets the source check only, so ND
 *    messages behind an extension header are not inspected.
 *  - An IPv4, ARP, IPv6 or ND header cut short by the end of the frame (or
 *    an IPv4 header with a bad version/IHL, an ND option of length 0 or
 *    running past the message) cannot be verified: dropped as malformed.
 *    So is a frame shorter than an Ethernet header. An ARP frame that is not
 *    Ethernet/IPv4 ARP is dropped as spoof_arp.
 */
struct vsw_port_security {
	bool enabled;
	uint8_t n_macs;
	uint8_t n_ip4;
	uint8_t n_ip6;
	struct rte_ether_addr macs[VSW_SEC_MAX_MACS];
	struct {
		uint32_t addr;		/**< network byte order, masked */
		uint32_t mask;
	} ip4[VSW_SEC_MAX_IPS];
	struct {
		uint8_t addr[16];	/**< masked */
		uint8_t plen;
	} ip6[VSW_SEC_MAX_IPS];
};

/**
 * Check a port security configuration; 0 or -EINVAL with a one-line reason
 * in @p err (may be NULL). Refused: more than VSW_SEC_MAX_MACS MACs or
 * VSW_SEC_MAX_IPS prefixes of a family; a multicast, broadcast or all-zero
 * MAC; an IPv4 mask that is not a prefix, or an address with bits outside
 * its mask; an IPv6 prefix length above 128, or an address with bits beyond
 * it; enabled with no MAC (every frame would be dropped). The lists are
 * checked even when `enabled` is false.
 */
int vsw_port_security_validate(const struct vsw_port_security *sec, char *err, size_t errlen);

/**
 * A policer (single-rate three-color marker, rte_meter srTCM, color blind):
 * frames colored red are dropped. Used for port ingress policing, port egress
 * policing (shaping by dropping, as OVS's egress-policer QoS) and flow
 * meters. Its token state is shared by every PMD that uses it and protected by
 * a spinlock taken once per burst (as OVS's ingress policer).
 * Thread-safety: created and freed by the control thread (freed after a
 * grace period); vsw_policer_run from any PMD.
 *
 * Semantics: srTCM with CIR = rate, CBS = burst and EBS = 0, so there is no
 * yellow: one token bucket of `burst` bytes, full at creation, refilled at
 * `rate` in the steps rte_meter computes from rte_get_tsc_hz(). A frame is
 * green (kept) when the bucket holds at least its size, which then goes;
 * otherwise red (freed) and the bucket is left as it was. The size of a
 * frame is rte_pktmbuf_pkt_len() (Ethernet header and tags included, no
 * FCS). A frame larger than `burst` is always red.
 */
struct vsw_policer;

/** Largest rate (bytes/s) and burst (bytes) of a policer: 2^40, about 8.8 Tbit/s. */
#define VSW_POLICER_MAX (UINT64_C(1) << 40)

/** The burst of a policer created with burst 0 is at least this (2 x 1518 bytes). */
#define VSW_POLICER_MIN_DEFAULT_BURST (2 * RTE_ETHER_MAX_LEN)

/**
 * Create a policer of @p rate bytes/s with a committed burst of @p burst
 * bytes (0: rate/10 s, at least VSW_POLICER_MIN_DEFAULT_BURST). The bucket
 * starts full. rte_zmalloc on @p socket (any socket when that one has no
 * memory left).
 * @return the policer, or NULL with errno: EINVAL (rate 0, rate or burst
 *   above VSW_POLICER_MAX, or rte_meter refusing the profile), ENOMEM.
 */
struct vsw_policer *vsw_policer_create(uint64_t rate, uint64_t burst, int socket);

/** Free; accepts NULL. */
void vsw_policer_free(struct vsw_policer *p);

/**
 * Fast path: police @p n packets at TSC @p now; frees the red ones, compacts
 * the green/yellow ones to the front of @p pkts (in order) and returns their
 * count. Takes the policer's spinlock once. @p now need not grow across
 * PMDs: a TSC older than the bucket's last update adds no tokens.
 */
uint16_t vsw_policer_run(struct vsw_policer *p, struct rte_mbuf **pkts, uint16_t n,
			 uint64_t now);

/** Most mirrors per bridge. */
#define VSW_MAX_MIRRORS 4

/**
 * A port mirror: frames received on the ports of `src` and frames sent on
 * the ports of `dst` (bitmaps of switch port ids) are copied, as they are
 * on the wire, to `out_port`. The mirror port itself is never a source.
 *
 * In detail (vsw_fwd.c):
 *  - rx: a frame is mirrored as received (tags as on the wire) once the
 *    switch has accepted it: after ingress policing and port security,
 *    before VLAN admission, learning and the flow table (so frames later
 *    dropped as vlan_violation, flow_drop, ... are mirrored too, as on a
 *    SPAN port).
 *  - tx: a frame is mirrored as it is handed to the port, after VLAN egress
 *    processing, flow actions and egress policing (vsw_egress()). A frame
 *    sent on several dst ports is copied once per port. A frame that the
 *    same mirror already copied on rx (its input port is in `src`) is not
 *    copied again on tx.
 *  - No loops: frames received on a port that is the out_port of any
 *    mirror of the bridge are not mirrored on rx, and frames sent on such a
 *    port are not mirrored on tx. A frame is never copied to its own input
 *    port.
 *  - Copies share the mbuf by reference count: the pipeline never writes a
 *    shared mbuf (it copies before any VLAN or flow rewrite), so the mirror
 *    always gets the bytes of the mirror point.
 *  - out_port must be in use (any bridge); otherwise the mirror does
 *    nothing. The out_port's MTU is checked (oversize) and a full tx batch
 *    counts tx_full on it.
 */
struct vsw_mirror {
	bool in_use;
	uint16_t out_port;
	uint64_t src[VSW_MAX_PORTS / 64];
	uint64_t dst[VSW_MAX_PORTS / 64];
};

/** A switch port as the pipeline sees it. */
struct vsw_port_info {
	bool in_use;		/**< false: packets from/to this id are dropped */
	uint16_t bridge;	/**< index into vsw_snapshot.bridges */
	uint16_t mtu;		/**< L3 MTU; frames with more payload are dropped */
	struct vsw_vlan_cfg vlan;
	struct vsw_port_security sec;
	struct vsw_policer *ingress;	/**< or NULL: no ingress policing */
	struct vsw_policer *egress;	/**< or NULL: no egress policing */
};

/** A bridge as the pipeline sees it. */
struct vsw_bridge_info {
	bool in_use;
	struct vsw_fdb *fdb;	/**< owned by the control side, outlives snapshots */
	/** Flow rules, or NULL: every frame takes the NORMAL action. Owned by
	 * the control side, freed only after a grace period. */
	const struct vsw_flow_table *flows;
	/** Meters for the flows' meter action, by id (NULL: none). */
	struct vsw_policer *const *meters;
	uint32_t n_meters;
	struct vsw_mirror mirrors[VSW_MAX_MIRRORS];
	/** MAC aging in seconds (0: never), as the control thread ages the
	 * FDB: the PMDs' MAC-pair cache refreshes its sources well within it
	 * (vsw_pair_tick_shift()). */
	uint32_t aging;
	uint16_t n_ports;
	uint16_t ports[VSW_MAX_PORTS];	/**< member ports, the flood list */
};

/** An immutable configuration, published under RCU. */
struct vsw_snapshot {
	uint64_t generation;
	struct vsw_port_info ports[VSW_MAX_PORTS];
	struct vsw_bridge_info bridges[VSW_MAX_BRIDGES];
};

/* ------------------------------------------------------------------------ */
/* Per-PMD pipeline state                                                    */

/** Packets waiting to be sent on one output port. */
struct vsw_tx_batch {
	uint16_t n;
	struct rte_mbuf *pkts[VSW_BURST];
};

/** PMD-wide pipeline counters. */
struct vsw_pmd_counters {
	uint64_t flooded;	/**< packets flooded */
	uint64_t forwarded;	/**< packets sent to one known port */
	uint64_t copies;	/**< mbuf copies: flooding with a VLAN change, flow actions */
	uint64_t learn_requests; /**< learn requests enqueued */
	uint64_t learn_ring_full; /**< learn requests lost to a full ring */
	uint64_t emc_hits;	/**< flow lookups answered by the exact-match cache */
	uint64_t emc_misses;	/**< flow lookups that went to the classifier */
	uint64_t emc_inserts;	/**< classifier answers put into the exact-match cache */
	/** frames with the flow key of the frame before them in the burst,
	 * given its rule with no lookup (flow_lookups = emc_hits + emc_misses
	 * + flow_repeats) */
	uint64_t flow_repeats;
	uint64_t flow_lookups;	/**< packets looked up in a flow table */
	/** unicast frames of the bulk L2 path whose FDB answers came from
	 * the MAC-pair cache */
	uint64_t pair_hits;
	/** unicast frames of the bulk L2 path that looked their addresses up
	 * in the FDB (pair_hits + pair_misses: the path's unicast frames) */
	uint64_t pair_misses;
};

/** One rule's counters on one PMD: one cache line serves both. */
struct vsw_flow_ctr {
	uint64_t packets;
	uint64_t bytes;
};

/** The per-PMD exact-match cache in front of the flow classifier (vsw_priv.h). */
struct vsw_emc;
/** A bucket of the per-PMD MAC-pair cache in front of the FDB (vsw_priv.h). */
struct vsw_pair_bucket;

/** State of the pipeline on one PMD thread. Owned by that thread. */
struct vsw_pmd {
	struct rte_mempool *pool;	/**< for copies when flooding */
	uint32_t now;			/**< seconds, set by the PMD loop */
	uint16_t n_dirty;		/**< ports with a non-empty tx batch */
	uint16_t dirty[VSW_MAX_PORTS];
	struct vsw_tx_batch tx[VSW_MAX_PORTS];
	struct vsw_port_counters ctr[VSW_MAX_PORTS];
	struct vsw_pmd_counters pmd;
	struct vsw_emc *emc;		/**< exact-match cache, VSW_EMC_ENTRIES */
	/** Per-rule counters indexed by rule id (VSW_FLOW_MAX_RULES each),
	 * written by this PMD only, read with vsw_pmd_flow_counters(). */
	struct vsw_flow_ctr *flow_ctr;
	uint64_t now_tsc;		/**< TSC, set by the PMD loop: the policers' clock */
	/** Input port of the frames now in the tx batches (set by vsw_input(),
	 * read by vsw_egress() so that a port never gets its own frames
	 * mirrored back). */
	uint16_t in_port;
	/** Per input port: its last burst had many distinct addresses, so
	 * the next one takes the bulk L2 path (vsw_fwd.c). */
	bool l2_spread[VSW_MAX_PORTS];
	/** A classifier answer goes into the exact-match cache when a draw of
	 * the PMD's generator is <= this (UINT32_MAX: always); 0 turns the
	 * cache off. Set by vsw_pmd_set_emc_insert_inv_prob(); the control
	 * thread may store it (relaxed) while the PMD runs. */
	uint32_t emc_insert_min;
	/** Tables of fewer subtables skip the cache (VSW_EMC_MIN_SUBTABLES
	 * by default; tests set 0 to reach the cache with any table). */
	uint32_t emc_min_subtables;
	uint32_t rand_state;		/**< xorshift32 state, never 0 */
	/** Each input port's burst memo kept from its last burst
	 * (VSW_MAX_PORTS, vsw_priv.h). */
	struct vsw_port_memo *port_memo;
	/** MAC-pair cache: VSW_PAIR_BUCKETS buckets, or NULL when
	 * vsw_pmd_set_pair_cache() turned it off. */
	struct vsw_pair_bucket *pair;
	/** What the current pair epoch was begun for: vsw_fdb_changes() and
	 * the snapshot's generation. A burst that sees another value begins a
	 * new epoch, which empties every bucket and every port memo at once
	 * (vsw_input() takes it once a burst). */
	uint64_t pair_changes;
	uint64_t pair_snap;
	/** 1 .. 2^24 - 1 (never 0: the epoch of no bucket nor port memo). */
	uint32_t pair_epoch;
	/** now_tsc >> this counts 256ths of the pair cache's refresh period
	 * (vsw_priv.h), a power of two of TSC cycles: vsw_pair_tick_shift()
	 * of the snapshot the pair epoch was begun for (of none after
	 * vsw_pmd_init()). */
	uint8_t pair_tick_shift;
} __rte_cache_aligned;

/**
 * Buckets of the per-PMD MAC-pair cache, VSW_PAIR_WAYS (3) conversations
 * (both directions) each, one 64-byte line a bucket: 393,216 conversations
 * in 8 MiB. 100,000 MACs talking in pairs fill an eighth of the ways, with
 * few conversations sharing a bucket (smaller tables missed more and were
 * slower: docs/performance.md).
 */
#define VSW_PAIR_BUCKETS 131072u

/** Default of vsw_pmd_set_emc_insert_inv_prob(), as OVS's emc-insert-inv-prob. */
#define VSW_EMC_INSERT_INV_PROB_DEFAULT 100

/**
 * Fewest subtables a flow table needs for its lookups to go through the
 * exact-match cache. Below that the classifier answers sooner than the
 * cache: it hashes only the words of each mask, the cache the whole 68-byte
 * key, and it reads lines that stay in the cache (edgeplane-pipe-bench:
 * 10,000 rules in 2 subtables 111 cycles a frame without the cache, 185
 * with it; in 5 subtables 235 without, 208 with).
 */
#define VSW_EMC_MIN_SUBTABLES 4

/** Entries of the per-PMD exact-match cache (a power of two). */
#define VSW_EMC_ENTRIES 8192

/**
 * Initialise @p pmd: zero counters, empty batches, and allocate its
 * exact-match cache, MAC-pair cache and per-rule counters (about 10 MiB,
 * 8 of them the pair cache; rte_zmalloc on the
 * NUMA socket of @p pool, any socket if that one has no memory left).
 * @p pool is for copies.
 * @return 0, or -ENOMEM (nothing stays allocated).
 */
int vsw_pmd_init(struct vsw_pmd *pmd, struct rte_mempool *pool);

/**
 * Insert a classifier answer into @p pmd's exact-match cache with
 * probability 1 / @p inv_prob (1: every answer; 0: no cache at all, every
 * frame goes to the classifier), as OVS's other_config:emc-insert-inv-prob.
 * With many more flows than the cache holds, inserting every miss evicts
 * entries that would have hit and writes three cache lines per frame; a
 * rare insert lets the cache fill with what stays. Safe from the control
 * thread while the PMD runs (the PMD reads the value once per burst).
 */
void vsw_pmd_set_emc_insert_inv_prob(struct vsw_pmd *pmd, uint32_t inv_prob);

/**
 * Turn @p pmd's MAC-pair cache on (allocating it as vsw_pmd_init() does) or
 * off (freeing it). Only while the PMD does not run. 0 or -ENOMEM (then it
 * stays off).
 */
int vsw_pmd_set_pair_cache(struct vsw_pmd *pmd, bool on);

/** Longest refresh period of the MAC-pair cache, in seconds. */
#define VSW_PAIR_REFRESH_MAX_S 4

/**
 * The pair cache's tick (struct vsw_pmd, pair_tick_shift) for a TSC of @p hz
 * and the bridges of @p snap (NULL: none): 256 ticks a refresh period of
 * 2^k cycles, the largest power of two not above a quarter of the shortest
 * MAC aging of its bridges, nor above VSW_PAIR_REFRESH_MAX_S seconds (the
 * bound too when no bridge ages). An active source is refreshed once a
 * period, at its bucket's phase of it, so that no aging scan, which counts
 * whole seconds, sees it idle for more than its aging time, with room to
 * spare (aging 1 s: periods of at most a quarter of a second); the longer
 * the period, the fewer frames go to the FDB only to refresh it (at
 * 100,000 MACs in the traffic, 1.5% of them at one-second periods). `fdb
 * show`'s age of an active MAC stays within about a period.
 */
uint8_t vsw_pair_tick_shift(uint64_t hz, const struct vsw_snapshot *snap);

/** Free what vsw_pmd_init() allocated; accepts NULL and a failed init. */
void vsw_pmd_free(struct vsw_pmd *pmd);

/**
 * Control thread: the packets and bytes @p pmd counted for rule @p rule_id
 * (relaxed loads; may be one burst stale). 0/0 for an id out of range or a
 * PMD without counters. Counters are never reset: a reader keeps a base
 * when an id is reused.
 */
void vsw_pmd_flow_counters(const struct vsw_pmd *pmd, uint32_t rule_id, uint64_t *packets,
			   uint64_t *bytes);

/**
 * Run @p n (<= VSW_BURST) packets received on switch port @p in_port through
 * the pipeline of snapshot @p snap. Every mbuf ends either in exactly one
 * tx batch of @p pmd per destination (flooding shares the mbuf by reference
 * count when the egress encapsulation is the same, copies it otherwise) or
 * freed and counted as a drop of @p in_port. Counts rx on @p in_port.
 * Caller then sends each pmd->tx[pmd->dirty[i]] batch, counts tx/tx drops,
 * and resets the batch (n = 0) and n_dirty.
 * Batches never overflow: without flow rules one input burst gives at most
 * VSW_BURST packets to any one port; if the caller skips a flush (or flow
 * actions send more, see below), the excess is freed and counted as TX_FULL
 * on the output port.
 * Drops are counted on @p in_port, except OVERSIZE and TX_FULL, counted on
 * the output port. A flood with no eligible output frees the packet without
 * a drop reason. pmd->pmd.flooded counts packets flooded to at least one
 * port, forwarded those sent to one known port.
 * VLANs are read from and written to the packet bytes (no offload flags), so
 * ports must not enable VLAN stripping. VLAN 0 leaves untagged and is never
 * carried by native ports (it would come back as their native VLAN). The
 * PCP/DEI bits of an incoming tag are kept on outgoing tags.
 *
 * Flow rules: when the input port's bridge has a flow table, each frame's
 * key is extracted (runts: malformed); a frame with the key of the frame
 * before it takes that frame's rule; the others are looked up in @p pmd's
 * exact-match cache (for tables of at least pmd->emc_min_subtables
 * subtables), then on a miss in the classifier (the result, match or not,
 * cached under the table's generation with the probability set by
 * vsw_pmd_set_emc_insert_inv_prob()). No match drops the frame as
 * flow_miss (OVS's table-miss). A match counts the rule (packets, bytes as
 * received) and runs its actions (see enum vsw_action_type). The input
 * port's MTU is checked first, as on the L2 path. Flow actions may queue
 * more than one frame per input frame on one port (e.g. two outputs to it):
 * once a batch holds VSW_BURST frames within one burst, the rest are
 * dropped and counted as tx_full on that port.
 *
 * Before any of that, in this order, on the whole burst: the input port's
 * ingress policer (red frames counted as policed, pmd->now_tsc is the
 * clock), its port security (spoof_* or malformed, see struct
 * vsw_port_security), then rx mirroring of what is left (struct
 * vsw_mirror). Sets pmd->in_port for vsw_egress().
 */
void vsw_input(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t in_port,
	       struct rte_mbuf **pkts, uint16_t n);

/**
 * Fast path: the output side of port @p port, called by the PMD just before
 * it sends the tx batch @p pkts / @p n of that port (pmd->tx[port]), once
 * per burst, with the PMD's TSC @p now.
 *  1. Egress policing: when the port has an `egress` policer, red frames are
 *     freed and counted as shaped on @p port; the rest are compacted to the
 *     front of @p pkts, in order.
 *  2. tx mirroring: each remaining frame is shared (one more reference) to
 *     the tx batch of every mirror of the port's bridge that selects @p port
 *     in `dst` (see struct vsw_mirror). That batch may be one the caller has
 *     already sent in this flush: it then becomes dirty again (appended to
 *     pmd->dirty), so the caller's loop over pmd->dirty must re-read
 *     pmd->n_dirty on each iteration. A full batch, or a full dirty list,
 *     counts tx_full on the mirror port.
 * Never touches pmd->tx[port] itself (the out_port of a mirror is never
 * mirrored). Returns the number of frames to send, pkts[0 .. ret-1]; does
 * nothing and returns @p n when the port has no egress policer and is in no
 * mirror's `dst`. The own-copy rule relies on the caller flushing after every
 * vsw_input() (pmd->in_port names the input port of everything queued).
 */
uint16_t vsw_egress(struct vsw_pmd *pmd, const struct vsw_snapshot *snap, uint16_t port,
		    struct rte_mbuf **pkts, uint16_t n, uint64_t now);

#endif /* VSW_H */
