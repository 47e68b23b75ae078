/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_priv.h: declarations shared by the files of vswitch/ only. Nothing
 * outside this folder includes it.
 */
#ifndef VSW_PRIV_H
#define VSW_PRIV_H

#include <stdint.h>

#include <rte_ether.h>

#include "vsw.h"

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

#endif /* VSW_PRIV_H */
