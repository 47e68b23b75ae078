/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_priv.h: declarations shared by the files of vswitch/ only. Nothing
 * outside this folder includes it.
 */
#ifndef VSW_PRIV_H
#define VSW_PRIV_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "vsw.h"

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
 * One exact-match cache entry: the full flow key of a frame and the rule the
 * classifier of table `generation` gave for it (NULL: no rule matched, which
 * is cached too). Generation 0 never matches: no table has it.
 */
struct vsw_emc_entry {
	struct vsw_flow_key key;
	uint32_t hash;			/* rte_hash_crc of key */
	uint64_t generation;
	const struct vsw_flow_rule *rule;
};

/*
 * The exact-match cache of one PMD (allocated by vsw_pmd_init(), used by
 * vsw_fwd.c). Two candidate slots per key, as OVS's EMC: hash & mask and
 * (hash >> 13) & mask. Stale entries (another generation) are simply
 * overwritten; nothing is ever invalidated explicitly.
 */
struct vsw_emc {
	struct vsw_emc_entry entries[VSW_EMC_ENTRIES];
};

#endif /* VSW_PRIV_H */
