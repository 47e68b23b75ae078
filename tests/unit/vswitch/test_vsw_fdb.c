/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vsw_fdb.c: the MAC learning table: learning through the request ring,
 * moves, aging, static entries, delete/flush/dump, ring-full and table-full
 * accounting, object names, bulk lookups, a reader racing the writer, and
 * 100,000 entries.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_malloc.h>

#include "vsw.h"
#include "vsw_priv.h"
#include "vsw_test_eal.h"

#define T0 1000u

static struct vsw_fdb *
mk(const char *name, uint32_t size)
{
	struct vsw_fdb *fdb = vsw_fdb_create(name, size, SOCKET_ID_ANY);

	assert_non_null(fdb);
	return fdb;
}

static struct vsw_fdb_stats
stats(const struct vsw_fdb *fdb)
{
	struct vsw_fdb_stats s;

	vsw_fdb_get_stats(fdb, &s);
	return s;
}

static void
test_create_errors(void **state)
{
	struct vsw_fdb *a, *b, *c;

	(void)state;
	errno = 0;
	assert_null(vsw_fdb_create(NULL, 16, SOCKET_ID_ANY));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(vsw_fdb_create("", 16, SOCKET_ID_ANY));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(vsw_fdb_create("zero", 0, SOCKET_ID_ANY));
	assert_int_equal(errno, EINVAL);

	a = mk("dup", 16);
	errno = 0;
	assert_null(vsw_fdb_create("dup", 16, SOCKET_ID_ANY));
	assert_int_equal(errno, EEXIST);
	/* Long names that share a prefix do not collide after truncation. */
	b = mk("bridge-with-a-very-long-name-number-1", 16);
	c = mk("bridge-with-a-very-long-name-number-2", 16);
	errno = 0;
	assert_null(vsw_fdb_create("bridge-with-a-very-long-name-number-2", 16, SOCKET_ID_ANY));
	assert_int_equal(errno, EEXIST);
	vsw_fdb_free(a);
	vsw_fdb_free(b);
	vsw_fdb_free(c);
	/* The names are free again. */
	a = mk("dup", 16);
	vsw_fdb_free(a);
	vsw_fdb_free(NULL);
}

static void
test_learn_and_lookup(void **state)
{
	struct vsw_fdb *fdb = mk("learn", 64);
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);
	struct rte_ether_addr bcast, mcast = { .addr_bytes = { 0x01, 0, 0x5e, 0, 0, 1 } };
	struct vsw_fdb_stats s;

	(void)state;
	memset(&bcast, 0xff, sizeof(bcast));
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 10), VSW_PORT_NONE);
	assert_true(vsw_fdb_learn(fdb, &a, 10, 1, T0));
	/* Nothing is inserted before the control thread runs. */
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 10), VSW_PORT_NONE);
	assert_true(vsw_fdb_learn(fdb, &b, 10, 2, T0));
	/* Group and broadcast sources are never learned. */
	assert_false(vsw_fdb_learn(fdb, &bcast, 10, 2, T0));
	assert_false(vsw_fdb_learn(fdb, &mcast, 10, 2, T0));

	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 2);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 10), 1);
	assert_int_equal(vsw_fdb_lookup(fdb, &b, 10), 2);
	/* The VLAN is part of the key. */
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 11), VSW_PORT_NONE);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 0), VSW_PORT_NONE);
	/* Known on the same port: refresh only, no request. */
	assert_false(vsw_fdb_learn(fdb, &a, 10, 1, T0 + 5));
	assert_int_equal(vsw_fdb_run(fdb, T0 + 5, 300), 0);

	s = stats(fdb);
	assert_int_equal(s.n_entries, 2);
	assert_int_equal(s.learned, 2);
	assert_int_equal(s.moved, 0);
	assert_int_equal(s.aged, 0);
	assert_int_equal(s.table_full, 0);
	assert_int_equal(s.ring_full, 0);

	/* The refresh at T0+5 keeps a alive at T0+305 while b (T0) ages. */
	vsw_fdb_run(fdb, T0 + 301, 300);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 10), 1);
	assert_int_equal(vsw_fdb_lookup(fdb, &b, 10), VSW_PORT_NONE);
	s = stats(fdb);
	assert_int_equal(s.aged, 1);
	assert_int_equal(s.n_entries, 1);
	vsw_fdb_free(fdb);
}

static void
test_move(void **state)
{
	struct vsw_fdb *fdb = mk("move", 64);
	struct rte_ether_addr a = vsw_test_mac(0xa);
	struct vsw_fdb_stats s;

	(void)state;
	vsw_fdb_learn(fdb, &a, 1, 3, T0);
	vsw_fdb_run(fdb, T0, 300);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 3);
	/* A appears on port 4: a request, then a move. */
	assert_true(vsw_fdb_learn(fdb, &a, 1, 4, T0 + 1));
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 3);
	assert_int_equal(vsw_fdb_run(fdb, T0 + 1, 300), 1);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 4);
	/* Two requests for the same port (two PMDs): one move only. */
	vsw_fdb_learn(fdb, &a, 1, 5, T0 + 2);
	vsw_fdb_learn(fdb, &a, 1, 5, T0 + 2);
	assert_int_equal(vsw_fdb_run(fdb, T0 + 2, 300), 2);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 5);
	s = stats(fdb);
	assert_int_equal(s.learned, 1);
	assert_int_equal(s.moved, 2);
	assert_int_equal(s.n_entries, 1);
	vsw_fdb_free(fdb);
}

static void
test_aging(void **state)
{
	struct vsw_fdb *fdb = mk("aging", 64);
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);
	struct vsw_fdb_stats s;

	(void)state;
	vsw_fdb_learn(fdb, &a, 1, 1, T0);
	vsw_fdb_learn(fdb, &b, 1, 2, T0);
	assert_int_equal(vsw_fdb_add_static(fdb, &b, 2, 7), 0);
	vsw_fdb_run(fdb, T0, 300);
	/* aging 0: never ages, however old. */
	vsw_fdb_run(fdb, T0 + 1000000, 0);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 1);
	/* Exactly `aging` seconds old is not yet older than aging. */
	vsw_fdb_run(fdb, T0 + 300, 300);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 1);
	assert_int_equal(stats(fdb).aged, 0);
	/* A clock behind the entries' last-seen ages nothing. */
	vsw_fdb_run(fdb, T0 - 1000, 300);
	assert_int_equal(stats(fdb).n_entries, 3);
	vsw_fdb_run(fdb, T0 + 301, 300);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), VSW_PORT_NONE);
	assert_int_equal(vsw_fdb_lookup(fdb, &b, 1), VSW_PORT_NONE);
	/* The static entry survives any age. */
	vsw_fdb_run(fdb, T0 + 100000, 1);
	assert_int_equal(vsw_fdb_lookup(fdb, &b, 2), 7);
	s = stats(fdb);
	assert_int_equal(s.aged, 2);
	assert_int_equal(s.n_entries, 1);
	assert_int_equal(s.learned, 2);
	vsw_fdb_free(fdb);
}

static void
test_static(void **state)
{
	struct vsw_fdb *fdb = mk("static", 64);
	struct rte_ether_addr a = vsw_test_mac(0xa), bcast;
	struct vsw_fdb_stats s;

	(void)state;
	memset(&bcast, 0xff, sizeof(bcast));
	assert_int_equal(vsw_fdb_add_static(fdb, &bcast, 1, 1), -EINVAL);
	assert_int_equal(vsw_fdb_add_static(fdb, &a, 4096, 1), -EINVAL);
	assert_int_equal(vsw_fdb_add_static(fdb, &a, 1, VSW_MAX_PORTS), -EINVAL);

	assert_int_equal(vsw_fdb_add_static(fdb, &a, 1, 3), 0);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 3);
	/* Seen elsewhere: no request, no move. */
	assert_false(vsw_fdb_learn(fdb, &a, 1, 9, T0));
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 0);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 3);
	/* Replace the static entry's port. */
	assert_int_equal(vsw_fdb_add_static(fdb, &a, 1, 4), 0);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 4);
	s = stats(fdb);
	assert_int_equal(s.n_entries, 1);
	assert_int_equal(s.moved, 0);
	assert_int_equal(s.learned, 0);

	/* A dynamic entry turned static stops moving. */
	vsw_fdb_learn(fdb, &a, 2, 5, T0);
	vsw_fdb_run(fdb, T0, 300);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 2), 5);
	assert_int_equal(vsw_fdb_add_static(fdb, &a, 2, 6), 0);
	assert_false(vsw_fdb_learn(fdb, &a, 2, 5, T0));
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 2), 6);

	assert_int_equal(vsw_fdb_del(fdb, &a, 1), 0);
	assert_int_equal(vsw_fdb_del(fdb, &a, 1), -ENOENT);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), VSW_PORT_NONE);
	assert_int_equal(stats(fdb).n_entries, 1);
	vsw_fdb_free(fdb);
}

static void
test_flush(void **state)
{
	struct vsw_fdb *fdb = mk("flush", 64);
	struct rte_ether_addr m[6];
	unsigned int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		m[i] = vsw_test_mac((uint8_t)(i + 1));
		vsw_fdb_learn(fdb, &m[i], 1, (uint16_t)(i % 2), T0);	/* ports 0 and 1 */
	}
	vsw_fdb_run(fdb, T0, 300);
	assert_int_equal(vsw_fdb_add_static(fdb, &m[0], 2, 0), 0);
	assert_int_equal(vsw_fdb_add_static(fdb, &m[1], 2, 1), 0);
	assert_int_equal(stats(fdb).n_entries, 8);

	assert_int_equal(vsw_fdb_flush(fdb, 1, false), 3);
	assert_int_equal(vsw_fdb_lookup(fdb, &m[1], 1), VSW_PORT_NONE);
	assert_int_equal(vsw_fdb_lookup(fdb, &m[1], 2), 1);
	assert_int_equal(vsw_fdb_lookup(fdb, &m[0], 1), 0);
	assert_int_equal(vsw_fdb_flush(fdb, 1, true), 1);
	assert_int_equal(vsw_fdb_lookup(fdb, &m[1], 2), VSW_PORT_NONE);
	assert_int_equal(vsw_fdb_flush(fdb, 1, true), 0);
	/* Every port, dynamic only. */
	assert_int_equal(vsw_fdb_flush(fdb, VSW_PORT_NONE, false), 3);
	assert_int_equal(vsw_fdb_lookup(fdb, &m[0], 2), 0);
	assert_int_equal(stats(fdb).n_entries, 1);
	assert_int_equal(vsw_fdb_flush(fdb, VSW_PORT_NONE, true), 1);
	assert_int_equal(stats(fdb).n_entries, 0);
	/* Flushing counts nothing as aged. */
	assert_int_equal(stats(fdb).aged, 0);
	vsw_fdb_free(fdb);
}

struct dump_ctx {
	unsigned int n;
	unsigned int stop_at;
	struct vsw_fdb_entry e[8];
};

static int
dump_cb(const struct vsw_fdb_entry *e, void *arg)
{
	struct dump_ctx *d = arg;

	if (d->n < RTE_DIM(d->e))
		d->e[d->n] = *e;
	d->n++;
	return d->n == d->stop_at ? 42 : 0;
}

static void
test_dump(void **state)
{
	struct vsw_fdb *fdb = mk("dump", 64);
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb);
	struct dump_ctx d;
	unsigned int i, seen = 0;

	(void)state;
	vsw_fdb_learn(fdb, &a, 10, 1, T0);
	vsw_fdb_run(fdb, T0, 300);
	assert_int_equal(vsw_fdb_add_static(fdb, &b, 20, 2), 0);

	memset(&d, 0, sizeof(d));
	assert_int_equal(vsw_fdb_dump(fdb, T0 + 7, dump_cb, &d), 0);
	assert_int_equal(d.n, 2);
	for (i = 0; i < 2; i++) {
		if (rte_is_same_ether_addr(&d.e[i].mac, &a)) {
			assert_int_equal(d.e[i].vlan, 10);
			assert_int_equal(d.e[i].port, 1);
			assert_false(d.e[i].is_static);
			assert_int_equal(d.e[i].age, 7);
			seen |= 1;
		} else {
			assert_true(rte_is_same_ether_addr(&d.e[i].mac, &b));
			assert_int_equal(d.e[i].vlan, 20);
			assert_int_equal(d.e[i].port, 2);
			assert_true(d.e[i].is_static);
			assert_int_equal(d.e[i].age, 0);
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);

	memset(&d, 0, sizeof(d));
	d.stop_at = 1;
	assert_int_equal(vsw_fdb_dump(fdb, T0, dump_cb, &d), 42);
	assert_int_equal(d.n, 1);
	vsw_fdb_free(fdb);
}

/*
 * vsw_fdb_cap_idle(), as for a shorter aging time: only dynamic entries
 * idle longer than the cap are made younger, to the cap, and they age by
 * the new time from there.
 */
static void
test_cap_idle(void **state)
{
	struct vsw_fdb *fdb = mk("cap", 64);
	struct rte_ether_addr a = vsw_test_mac(0xa), b = vsw_test_mac(0xb), c = vsw_test_mac(0xc);

	(void)state;
	vsw_fdb_learn(fdb, &a, 1, 1, T0);
	vsw_fdb_learn(fdb, &b, 1, 2, T0);
	vsw_fdb_run(fdb, T0, 300);
	vsw_fdb_learn(fdb, &b, 1, 2, T0 + 9);	/* a refresh */
	assert_int_equal(vsw_fdb_add_static(fdb, &c, 1, 3), 0);
	assert_int_equal(vsw_test_fdb_age(fdb, &a, 1, T0 + 10), 10);

	vsw_fdb_cap_idle(fdb, T0 + 10, 2);
	assert_int_equal(vsw_test_fdb_age(fdb, &a, 1, T0 + 10), 2);
	assert_int_equal(vsw_test_fdb_age(fdb, &b, 1, T0 + 10), 1);	/* younger: kept */
	assert_int_equal(vsw_test_fdb_age(fdb, &c, 1, T0 + 10), 0);
	vsw_fdb_run(fdb, T0 + 10, 3);
	assert_int_equal(stats(fdb).aged, 0);
	vsw_fdb_run(fdb, T0 + 12, 3);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), VSW_PORT_NONE);
	assert_int_equal(vsw_fdb_lookup(fdb, &b, 1), 2);
	vsw_fdb_run(fdb, T0 + 13, 3);
	assert_int_equal(vsw_fdb_lookup(fdb, &b, 1), VSW_PORT_NONE);
	assert_int_equal(vsw_fdb_lookup(fdb, &c, 1), 3);
	assert_int_equal(stats(fdb).aged, 2);
	vsw_fdb_free(fdb);
}

static void
test_ring_and_table_full(void **state)
{
	/* 8 entries: the learn ring holds 8 requests, the table 8 entries. */
	struct vsw_fdb *fdb = mk("tiny", 8);
	struct rte_ether_addr m;
	struct vsw_fdb_stats s;
	unsigned int i;

	(void)state;
	for (i = 0; i < 10; i++) {
		m = vsw_test_mac((uint8_t)(i + 1));
		assert_true(vsw_fdb_learn(fdb, &m, 1, 1, T0));
	}
	s = stats(fdb);
	assert_int_equal(s.ring_full, 2);
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 8);
	s = stats(fdb);
	assert_int_equal(s.learned, 8);
	assert_int_equal(s.n_entries, 8);
	assert_int_equal(s.table_full, 0);
	m = vsw_test_mac(9);
	assert_int_equal(vsw_fdb_lookup(fdb, &m, 1), VSW_PORT_NONE);

	/* Table full: the 9th and 10th are refused and counted. */
	for (i = 8; i < 10; i++) {
		m = vsw_test_mac((uint8_t)(i + 1));
		assert_true(vsw_fdb_learn(fdb, &m, 1, 1, T0));
	}
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 2);
	s = stats(fdb);
	assert_int_equal(s.table_full, 2);
	assert_int_equal(s.n_entries, 8);
	assert_int_equal(vsw_fdb_add_static(fdb, &m, 1, 1), -ENOSPC);

	/* A deleted slot is reusable (no QSBR: at once). */
	m = vsw_test_mac(1);
	assert_int_equal(vsw_fdb_del(fdb, &m, 1), 0);
	m = vsw_test_mac(10);
	vsw_fdb_learn(fdb, &m, 1, 2, T0);
	vsw_fdb_run(fdb, T0, 300);
	assert_int_equal(vsw_fdb_lookup(fdb, &m, 1), 2);
	s = stats(fdb);
	assert_int_equal(s.learned, 9);
	assert_int_equal(s.n_entries, 8);
	assert_int_equal(s.ring_full, 2);

	/* Flush everything and refill completely: no slot leaked. */
	assert_int_equal(vsw_fdb_flush(fdb, VSW_PORT_NONE, true), 8);
	for (i = 0; i < 8; i++) {
		m = vsw_test_mac((uint8_t)(i + 100));
		assert_int_equal(vsw_fdb_add_static(fdb, &m, 1, 1), 0);
	}
	assert_int_equal(stats(fdb).n_entries, 8);
	vsw_fdb_free(fdb);
}

/*
 * vsw_fdb_bulk() gives what vsw_fdb_learn() and vsw_fdb_lookup() give one
 * key at a time: lookups, refreshes, requests, group sources ignored, a
 * static entry never moved, a full ring counted.
 */
static void
test_bulk(void **state)
{
	struct vsw_fdb *fdb = mk("bulk", 64);
	struct vsw_fdb_key src[VSW_FDB_BULK_MAX], dst[VSW_FDB_BULK_MAX];
	struct vsw_fdb_bulk_result res;
	uint16_t out[VSW_FDB_BULK_MAX];
	struct rte_ether_addr m;
	unsigned int i;

	(void)state;
	/* 0x01-0x10 on port 1, VLAN 10; 0x20 static on port 3. */
	for (i = 0; i < 16; i++)
		src[i] = (struct vsw_fdb_key){ .mac = vsw_test_mac((uint8_t)(i + 1)), .vlan = 10 };
	vsw_fdb_bulk(fdb, src, 16, 1, T0, NULL, 0, NULL, &res);
	assert_int_equal(res.queued, 16);
	assert_int_equal(res.ring_full, 0);
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 16);
	m = vsw_test_mac(0x20);
	assert_int_equal(vsw_fdb_add_static(fdb, &m, 10, 3), 0);

	/* Destinations: the 16 known, then unknown ones (other VLAN, other
	 * MAC), then the static one; 32 keys in all. */
	for (i = 0; i < VSW_FDB_BULK_MAX; i++) {
		if (i < 16)
			dst[i] = src[i];
		else if (i < 24)
			dst[i] = (struct vsw_fdb_key){ .mac = src[i - 16].mac, .vlan = 11 };
		else if (i < 31)
			dst[i] = (struct vsw_fdb_key){ .mac = vsw_test_mac((uint8_t)(0x40 + i)),
						       .vlan = 10 };
		else
			dst[i] = (struct vsw_fdb_key){ .mac = m, .vlan = 10 };
	}
	/* Sources seen on port 2: 0x01 moves, the static one and a group
	 * address do not, 0x30 is new. */
	src[0] = (struct vsw_fdb_key){ .mac = vsw_test_mac(1), .vlan = 10 };
	src[1] = (struct vsw_fdb_key){ .mac = m, .vlan = 10 };
	src[2] = (struct vsw_fdb_key){ .mac = { .addr_bytes = { 0x01, 0, 0x5e, 0, 0, 1 } },
				       .vlan = 10 };
	src[3] = (struct vsw_fdb_key){ .mac = vsw_test_mac(0x30), .vlan = 10 };
	vsw_fdb_bulk(fdb, src, 4, 2, T0 + 1, dst, VSW_FDB_BULK_MAX, out, &res);
	for (i = 0; i < VSW_FDB_BULK_MAX; i++) {
		assert_int_equal(out[i], vsw_fdb_lookup(fdb, &dst[i].mac, dst[i].vlan));
		assert_int_equal(out[i], i < 16 ? 1 : i < 31 ? VSW_PORT_NONE : 3);
	}
	assert_int_equal(res.queued, 2);
	assert_int_equal(vsw_fdb_run(fdb, T0 + 1, 300), 2);
	m = vsw_test_mac(1);
	assert_int_equal(vsw_fdb_lookup(fdb, &m, 10), 2);
	m = vsw_test_mac(0x30);
	assert_int_equal(vsw_fdb_lookup(fdb, &m, 10), 2);
	assert_int_equal(stats(fdb).moved, 1);

	/* Known on this port: refreshed, no request; the refresh keeps 0x02
	 * alive past the others' aging. */
	src[0] = (struct vsw_fdb_key){ .mac = vsw_test_mac(2), .vlan = 10 };
	vsw_fdb_bulk(fdb, src, 1, 1, T0 + 200, NULL, 0, NULL, &res);
	assert_int_equal(res.queued, 0);
	vsw_fdb_run(fdb, T0 + 301, 300);
	m = vsw_test_mac(2);
	assert_int_equal(vsw_fdb_lookup(fdb, &m, 10), 1);
	m = vsw_test_mac(3);
	assert_int_equal(vsw_fdb_lookup(fdb, &m, 10), VSW_PORT_NONE);
	vsw_fdb_free(fdb);

	/* A ring of 8 requests: 32 new sources, 24 lost and counted. */
	fdb = mk("bulkring", 8);
	for (i = 0; i < VSW_FDB_BULK_MAX; i++)
		src[i] = (struct vsw_fdb_key){ .mac = vsw_test_mac((uint8_t)(i + 1)), .vlan = 1 };
	vsw_fdb_bulk(fdb, src, VSW_FDB_BULK_MAX, 1, T0, NULL, 0, NULL, &res);
	assert_int_equal(res.queued, 8);
	assert_int_equal(res.ring_full, 24);
	assert_int_equal(stats(fdb).ring_full, 24);
	vsw_fdb_free(fdb);
}

/* A run drains at most one ring's worth of requests. */
static void
test_run_bounded(void **state)
{
	struct vsw_fdb *fdb = mk("bounded", 64);	/* ring of 64 */
	struct rte_ether_addr m = vsw_test_mac(1);
	unsigned int i;

	(void)state;
	for (i = 0; i < 64; i++)
		assert_true(vsw_fdb_learn(fdb, &m, 1, (uint16_t)(i % 2), T0));
	assert_true(vsw_fdb_learn(fdb, &m, 1, 0, T0));
	assert_int_equal(stats(fdb).ring_full, 1);
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 64);
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 0);
	assert_int_equal(stats(fdb).learned, 1);
	assert_int_equal(stats(fdb).moved, 63);
	assert_int_equal(vsw_fdb_lookup(fdb, &m, 1), 1);
	vsw_fdb_free(fdb);
}

/*
 * A reader never sees another key's entry while the control thread deletes
 * and re-inserts keys in the same buckets: it finds its keys on their own
 * ports, or (while a bucket is being changed) not at all. A deleted way is
 * reused at once. The window in which a reader without the sequence check
 * would go wrong is a few nanoseconds, too short for this bounded run to
 * hit reliably: test_reader_during_change checks that mechanism
 * deterministically; this one checks the property under real concurrency.
 */
#define RACE_KEYS 24
#define RACE_ROUNDS 2000000

struct race {
	struct vsw_fdb *fdb;
	volatile bool stop;
	uint64_t lookups, wrong, missed;
};

static void *
race_reader(void *arg)
{
	struct race *r = arg;
	struct rte_ether_addr m;
	uint16_t port;
	unsigned int i;

	while (!r->stop && r->lookups < 50u * 1000 * 1000) {
		for (i = 0; i < RACE_KEYS; i++) {
			m = vsw_test_mac((uint8_t)(i + 1));
			port = vsw_fdb_lookup(r->fdb, &m, 1);
			if (port == VSW_PORT_NONE)
				r->missed++;
			else if (port != i + 1)
				r->wrong++;
			__atomic_store_n(&r->lookups, r->lookups + 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static void
test_reader_race(void **state)
{
	struct race r = { .fdb = mk("race", 48) };
	struct rte_ether_addr m, o;
	pthread_t t;
	unsigned int i, k;

	(void)state;
	/* The reader's keys: static, MAC i on port i. */
	for (i = 0; i < RACE_KEYS; i++) {
		m = vsw_test_mac((uint8_t)(i + 1));
		assert_int_equal(vsw_fdb_add_static(r.fdb, &m, 1, (uint16_t)(i + 1)), 0);
	}
	assert_int_equal(pthread_create(&t, NULL, race_reader, &r), 0);
	/* Churn: key i leaves, key 0x80 + i takes its way (port 100), leaves
	 * too, and key i comes back on its port: a reader that read key i's
	 * way just before would read the other key's port without the bucket
	 * sequence check. Until the reader has done 200,000 lookups meanwhile
	 * (at most RACE_ROUNDS rounds). */
	for (k = 0; k < RACE_ROUNDS &&
		    (k < 24 || __atomic_load_n(&r.lookups, __ATOMIC_RELAXED) < 200000);
	     k++) {
		i = k % RACE_KEYS;
		m = vsw_test_mac((uint8_t)(i + 1));
		o = vsw_test_mac((uint8_t)(0x80 + i));
		assert_int_equal(vsw_fdb_del(r.fdb, &m, 1), 0);
		assert_int_equal(vsw_fdb_add_static(r.fdb, &o, 1, 100), 0);
		assert_int_equal(vsw_fdb_del(r.fdb, &o, 1), 0);
		assert_int_equal(vsw_fdb_add_static(r.fdb, &m, 1, (uint16_t)(i + 1)), 0);
	}
	r.stop = true;
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(r.lookups > 0);
	assert_int_equal(r.wrong, 0);
	/* Not a timing assertion: most lookups find their key. */
	assert_true(r.missed < r.lookups);
	assert_int_equal(stats(r.fdb).n_entries, RACE_KEYS);
	for (i = 0; i < RACE_KEYS; i++) {
		m = vsw_test_mac((uint8_t)(i + 1));
		assert_int_equal(vsw_fdb_lookup(r.fdb, &m, 1), i + 1);
	}

	/* A full table: a deleted entry's way is taken again at once. */
	for (i = RACE_KEYS; i < 48; i++) {
		m = vsw_test_mac((uint8_t)(i + 1));
		assert_int_equal(vsw_fdb_add_static(r.fdb, &m, 1, 1), 0);
	}
	m = vsw_test_mac(0x90);
	assert_int_equal(vsw_fdb_add_static(r.fdb, &m, 1, 1), -ENOSPC);
	m = vsw_test_mac(1);
	assert_int_equal(vsw_fdb_del(r.fdb, &m, 1), 0);
	m = vsw_test_mac(0x90);
	assert_int_equal(vsw_fdb_add_static(r.fdb, &m, 1, 2), 0);
	assert_int_equal(vsw_fdb_lookup(r.fdb, &m, 1), 2);
	vsw_fdb_free(r.fdb);
}

/*
 * A reader that meets a bucket while the control thread changes it takes
 * the key as unknown, never as what it half-reads: lookups say
 * VSW_PORT_NONE, learning asks the control thread (which finds the entry
 * and does nothing), the bulk call the same; after the change, all is as
 * before.
 */
static void
test_reader_during_change(void **state)
{
	struct vsw_fdb *fdb = mk("held", 64);
	struct rte_ether_addr a = vsw_test_mac(0xa);
	struct vsw_fdb_key k = { .mac = a, .vlan = 1 };
	struct vsw_fdb_bulk_result res;
	uint16_t out;

	(void)state;
	assert_int_equal(vsw_fdb_add_static(fdb, &a, 1, 3), 0);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 3);
	vsw_fdb_write_hold(fdb, &a, 1, true);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), VSW_PORT_NONE);
	assert_int_equal(vsw_fdb_learn_req(fdb, &a, 1, 3, T0), VSW_LEARN_QUEUED);
	vsw_fdb_bulk(fdb, &k, 1, 3, T0, &k, 1, &out, &res);
	assert_int_equal(out, VSW_PORT_NONE);
	assert_int_equal(res.queued, 1);
	vsw_fdb_write_hold(fdb, &a, 1, false);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 3);
	/* The requests found a static entry: nothing changed. */
	assert_int_equal(vsw_fdb_run(fdb, T0, 300), 2);
	assert_int_equal(vsw_fdb_lookup(fdb, &a, 1), 3);
	assert_int_equal(stats(fdb).learned, 0);
	assert_int_equal(stats(fdb).moved, 0);
	assert_int_equal(vsw_fdb_learn_req(fdb, &a, 1, 3, T0), VSW_LEARN_NONE);
	vsw_fdb_free(fdb);
}

/*
 * 100,000 random MACs in an FDB of 131,072: all inserted (two candidate
 * buckets and the stash leave no key out), all found, all removed by flush.
 */
static void
test_large(void **state)
{
	struct vsw_fdb *fdb = mk("large", 131072);
	struct rte_ether_addr m;
	uint32_t x = 12345, i;
	unsigned int n = 0;

	(void)state;
	for (i = 0; i < 100000; i++) {
		/* A distinct unicast MAC per i: 02:xx plus i. */
		x = x * 1103515245u + 12345u;
		m = (struct rte_ether_addr){ .addr_bytes = { 0x02, (uint8_t)(x >> 24),
			(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i } };
		assert_int_equal(vsw_fdb_add_static(fdb, &m, (uint16_t)(i % 4096),
						    (uint16_t)(i % 200)), 0);
	}
	assert_int_equal(stats(fdb).n_entries, 100000);
	x = 12345;
	for (i = 0; i < 100000; i++) {
		x = x * 1103515245u + 12345u;
		m = (struct rte_ether_addr){ .addr_bytes = { 0x02, (uint8_t)(x >> 24),
			(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i } };
		n += vsw_fdb_lookup(fdb, &m, (uint16_t)(i % 4096)) == i % 200;
	}
	assert_int_equal(n, 100000);
	assert_int_equal(vsw_fdb_flush(fdb, VSW_PORT_NONE, true), 100000);
	assert_int_equal(stats(fdb).n_entries, 0);
	vsw_fdb_free(fdb);
}

static int
setup(void **state)
{
	(void)state;
	return vsw_test_eal_init("vsw_fdb_test");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_learn_and_lookup),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_aging),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_cap_idle),
		cmocka_unit_test(test_ring_and_table_full),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_run_bounded),
		cmocka_unit_test(test_reader_during_change),
		cmocka_unit_test(test_reader_race),
		cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
