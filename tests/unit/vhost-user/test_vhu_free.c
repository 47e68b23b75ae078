/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vhu_free.c: vhu_free_sent, the PMD's free of mbufs that rte_vhost has
 * copied out. Whatever the mix (two pools, shared, chained, indirect), every
 * mbuf must end up back in its pool exactly once, and one still referenced
 * elsewhere must stay out until its last reference goes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "vhu.h"
#include "vsw_test_eal.h"

#define POOL_N 64

static struct rte_mempool *pool_a;
static struct rte_mempool *pool_b;

static struct rte_mbuf *
frame(struct rte_mempool *mp)
{
	struct rte_ether_addr d = vsw_test_mac(2), s = vsw_test_mac(1);
	struct rte_mbuf *m = vsw_test_frame(mp, &d, &s, -1, RTE_ETHER_TYPE_IPV4, 46);

	assert_non_null(m);
	return m;
}

/* Plain mbufs of two pools, interleaved: each goes back to its own pool. */
static void
test_two_pools(void **state)
{
	struct rte_mbuf *pkts[8];
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(pkts); i++)
		pkts[i] = frame(i % 3 == 0 ? pool_b : pool_a);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 5);
	assert_int_equal(rte_mempool_in_use_count(pool_b), 3);
	vhu_free_sent(pkts, RTE_DIM(pkts));
	assert_int_equal(rte_mempool_in_use_count(pool_a), 0);
	assert_int_equal(rte_mempool_in_use_count(pool_b), 0);
	/* What went back is a valid free mbuf: it comes out again clean. */
	pkts[0] = rte_pktmbuf_alloc(pool_a);
	assert_non_null(pkts[0]);
	rte_mbuf_sanity_check(pkts[0], 1);
	assert_int_equal(pkts[0]->nb_segs, 1);
	assert_null(pkts[0]->next);
	rte_pktmbuf_free(pkts[0]);
}

/* A frame flooded to two ports (refcnt 2) is back only after the second free. */
static void
test_shared(void **state)
{
	struct rte_mbuf *m = frame(pool_a), *pkts[2];

	(void)state;
	rte_pktmbuf_refcnt_update(m, 1);
	pkts[0] = m;
	pkts[1] = frame(pool_a);
	vhu_free_sent(pkts, 2);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 1);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	pkts[0] = m;
	vhu_free_sent(pkts, 1);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 0);
}

/* Chained and indirect mbufs take the full free: every segment, and the
 * direct mbuf an indirect one points at, go back. */
static void
test_chained_and_indirect(void **state)
{
	struct rte_mbuf *head = frame(pool_a), *tail = frame(pool_a), *orig, *clone;
	struct rte_mbuf *pkts[3];

	(void)state;
	assert_int_equal(rte_pktmbuf_chain(head, tail), 0);
	orig = frame(pool_a);
	clone = rte_pktmbuf_clone(orig, pool_b);
	assert_non_null(clone);
	rte_pktmbuf_free(orig);		/* the clone holds the data now */
	assert_int_equal(rte_mempool_in_use_count(pool_a), 3);
	assert_int_equal(rte_mempool_in_use_count(pool_b), 1);
	pkts[0] = head;
	pkts[1] = clone;
	pkts[2] = frame(pool_b);
	vhu_free_sent(pkts, 3);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 0);
	assert_int_equal(rte_mempool_in_use_count(pool_b), 0);
}

static void
test_none(void **state)
{
	(void)state;
	vhu_free_sent(NULL, 0);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_pools),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_chained_and_indirect),
		cmocka_unit_test(test_none),
	};

	if (vsw_test_eal_init("vhu_free_test") != 0)
		return 1;
	pool_a = vsw_test_pool("vhu_free_a", POOL_N);
	pool_b = vsw_test_pool("vhu_free_b", POOL_N);
	if (pool_a == NULL || pool_b == NULL)
		return 1;
	return cmocka_run_group_tests_name("vhu-free", tests, NULL, NULL);
}
