/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw_test_eal.c: EAL start-up and frame builders for the vswitch unit tests.
 */
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "vsw_test_eal.h"

int
vsw_test_eal_init(const char *prefix)
{
	char file_prefix[64];
	char *argv[] = {
		"test", "--no-huge", "--no-pci", "--no-shconf", "-m", "128",
		"--no-telemetry", "--log-level=*:warning", "-l", "0", file_prefix,
	};

	snprintf(file_prefix, sizeof(file_prefix), "--file-prefix=%s", prefix);
	if (rte_eal_init((int)RTE_DIM(argv), argv) < 0)
		return -1;
	return 0;
}

struct rte_mempool *
vsw_test_pool(const char *name, unsigned int n)
{
	/* No per-lcore cache: the in-use count is then exact at any time. */
	return rte_pktmbuf_pool_create(name, n, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
}

int
vsw_test_run(const char *name, const struct CMUnitTest *tests, size_t n_tests,
	     unsigned int n_mbufs, struct rte_mempool **pool, struct rte_mempool **tiny)
{
	struct rte_mbuf *hold = NULL;
	char buf[40];
	int ret;

	snprintf(buf, sizeof(buf), "%s_test", name);
	if (vsw_test_eal_init(buf) != 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	snprintf(buf, sizeof(buf), "%s_pool", name);
	*pool = vsw_test_pool(buf, n_mbufs);
	if (tiny != NULL) {
		snprintf(buf, sizeof(buf), "%s_tiny", name);
		*tiny = vsw_test_pool(buf, 1);
	}
	if (*pool == NULL || (tiny != NULL && *tiny == NULL)) {
		fprintf(stderr, "mempool creation failed\n");
		return 1;
	}
	if (tiny != NULL) {
		hold = rte_pktmbuf_alloc(*tiny);
		if (hold == NULL)
			return 1;
	}
	ret = _cmocka_run_group_tests(name, tests, n_tests, NULL, NULL);
	rte_pktmbuf_free(hold);
	return ret;
}

struct rte_ether_addr
vsw_test_mac(uint8_t last)
{
	struct rte_ether_addr a = { .addr_bytes = { 0x02, 0, 0, 0, 0, last } };

	return a;
}

struct rte_mbuf *
vsw_test_frame(struct rte_mempool *mp, const struct rte_ether_addr *dst,
	       const struct rte_ether_addr *src, int tci, uint16_t etype, uint32_t payload_size)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint32_t size = 14 + (tci >= 0 ? 4 : 0) + payload_size;
	uint8_t *p;
	uint32_t i, off = 12;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)size);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, dst->addr_bytes, 6);
	memcpy(p + 6, src->addr_bytes, 6);
	if (tci >= 0) {
		p[off++] = 0x81;
		p[off++] = 0x00;
		p[off++] = (uint8_t)(tci >> 8);
		p[off++] = (uint8_t)tci;
	}
	p[off++] = (uint8_t)(etype >> 8);
	p[off++] = (uint8_t)etype;
	for (i = 0; i < payload_size; i++)
		p[off + i] = (uint8_t)i;
	return m;
}

int
vsw_test_switch_init(struct vsw_snapshot *snap, uint16_t br, struct vsw_fdb **fdb,
		     struct vsw_pmd *pmd, struct rte_mempool *pool, const char *tag,
		     uint32_t now)
{
	static unsigned int seq;
	char name[32];

	memset(snap, 0, sizeof(*snap));
	snprintf(name, sizeof(name), "%s%u", tag, seq++);
	*fdb = vsw_fdb_create(name, 64, SOCKET_ID_ANY);
	if (*fdb == NULL)
		return -1;
	snap->generation = 1;
	snap->bridges[br].in_use = true;
	snap->bridges[br].fdb = *fdb;
	if (vsw_pmd_init(pmd, pool) != 0)
		return -1;
	pmd->now = now;
	return 0;
}

void
vsw_test_flush_tx(struct vsw_pmd *pmd)
{
	uint16_t i, p;

	for (i = 0; i < pmd->n_dirty; i++) {
		p = pmd->dirty[i];
		rte_pktmbuf_free_bulk(pmd->tx[p].pkts, pmd->tx[p].n);
		pmd->tx[p].n = 0;
	}
	pmd->n_dirty = 0;
}

void
vsw_test_check_tx(const struct vsw_pmd *pmd, const int *ports, const int *counts)
{
	unsigned int i, dirty = 0;

	for (i = 0; ports[i] >= 0; i++) {
		assert_int_equal(pmd->tx[ports[i]].n, counts[i]);
		if (counts[i] != 0)
			dirty++;
	}
	assert_int_equal(pmd->n_dirty, dirty);
}

uint64_t
vsw_test_all_drops(const struct vsw_pmd *pmd)
{
	uint64_t n = 0;
	unsigned int p, d;

	for (p = 0; p < VSW_MAX_PORTS; p++) {
		for (d = 0; d < VSW_DROP_MAX; d++)
			n += pmd->ctr[p].drops[d];
	}
	return n;
}

struct age_query {
	struct rte_ether_addr mac;
	uint16_t vlan;
	int64_t age;
};

static int
age_cb(const struct vsw_fdb_entry *e, void *arg)
{
	struct age_query *q = arg;

	if (e->vlan != q->vlan || !rte_is_same_ether_addr(&e->mac, &q->mac))
		return 0;
	q->age = e->age;
	return 1;
}

int64_t
vsw_test_fdb_age(struct vsw_fdb *fdb, const struct rte_ether_addr *mac, uint16_t vlan,
		 uint32_t now)
{
	struct age_query q = { .mac = *mac, .vlan = vlan, .age = -1 };

	vsw_fdb_dump(fdb, now, age_cb, &q);
	return q.age;
}
