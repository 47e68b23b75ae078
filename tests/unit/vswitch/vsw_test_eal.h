/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_test_eal.h: helpers shared by the vswitch unit tests that need EAL:
 * start EAL in-process without hugepages, and build frames.
 */
#ifndef VSW_TEST_EAL_H
#define VSW_TEST_EAL_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "vsw.h"

/* Start EAL (no hugepages, no PCI, no shared config) with --file-prefix=@prefix.
 * (--in-memory is refused with --no-huge in 22.11: "not compatible with
 * --legacy-mem", which --no-huge implies.)
 * Returns 0 or -1.
 */
int vsw_test_eal_init(const char *prefix);

/* A pktmbuf pool of @n mbufs for one test group. */
struct rte_mempool *vsw_test_pool(const char *name, unsigned int n);

struct CMUnitTest;

/*
 * The main() of an EAL test group @name: EAL (--file-prefix NAME_test), a
 * pool of @n_mbufs in *@pool and, when @tiny is not NULL, a one-mbuf pool in
 * *@tiny whose only mbuf stays held during the run (every copy from it fails);
 * then the @n_tests tests. Returns main()'s exit status.
 */
int vsw_test_run(const char *name, const struct CMUnitTest *tests, size_t n_tests,
		 unsigned int n_mbufs, struct rte_mempool **pool, struct rte_mempool **tiny);
#define VSW_TEST_RUN(name, tests, n_mbufs, pool, tiny) \
	vsw_test_run(name, tests, sizeof(tests) / sizeof((tests)[0]), n_mbufs, pool, tiny)

/* MAC 02:00:00:00:00:@last (locally administered unicast). */
struct rte_ether_addr vsw_test_mac(uint8_t last);

/*
 * Build a frame dst, src, [0x8100 tci], ethertype 0x0800 (or @etype), then
 * @payload_size bytes of pattern (byte i = i & 0xff). @tci < 0: untagged.
 */
struct rte_mbuf *vsw_test_frame(struct rte_mempool *mp, const struct rte_ether_addr *dst,
				const struct rte_ether_addr *src, int tci, uint16_t etype,
				uint32_t payload_size);

/*
 * A one-bridge switch for pipeline tests: zero @snap, put bridge @br in use
 * on a new 64-entry FDB (named @tag plus a counter, so every test gets its
 * own rte_hash), initialise @pmd on @pool with the seconds clock @now.
 * Returns 0 or -1.
 */
int vsw_test_switch_init(struct vsw_snapshot *snap, uint16_t br, struct vsw_fdb **fdb,
			 struct vsw_pmd *pmd, struct rte_mempool *pool, const char *tag,
			 uint32_t now);

/* Free every queued tx reference of @pmd, as the PMD does after sending. */
void vsw_test_flush_tx(struct vsw_pmd *pmd);

/*
 * Assert (cmocka) that port ports[i] has counts[i] frames queued, for the
 * list ending with a negative port, and that exactly the ports with frames
 * are marked dirty.
 */
void vsw_test_check_tx(const struct vsw_pmd *pmd, const int *ports, const int *counts);

/* Every drop counted by @pmd, over all ports and reasons. */
uint64_t vsw_test_all_drops(const struct vsw_pmd *pmd);

/* The age vsw_fdb_dump() at @now gives @mac in VLAN @vlan; -1: no entry. */
int64_t vsw_test_fdb_age(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan,
			 uint32_t now);

#endif /* VSW_TEST_EAL_H */
