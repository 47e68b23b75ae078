/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_nfvi_inventory.c: cpulists and the sysfs inventory on fake trees
 * with 1, 2 and 4 NUMA nodes, SMT on and off, no NUMA directory, and PFs
 * with VFs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nfvi_test.h"

static void
test_cpulist(void **state)
{
	struct nfvi_cpuset s;
	char buf[64];

	(void)state;
	assert_int_equal(nfvi_cpuset_parse("0-3,8,10-11\n", &s), 0);
	assert_int_equal(nfvi_cpuset_count(&s), 7);
	assert_true(nfvi_cpuset_isset(&s, 8));
	assert_false(nfvi_cpuset_isset(&s, 9));
	assert_int_equal(nfvi_cpuset_format(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0-3,8,10-11");
	assert_int_equal(nfvi_cpuset_parse("", &s), 0);
	assert_int_equal(nfvi_cpuset_count(&s), 0);
	assert_int_equal(nfvi_cpuset_parse("3-1", &s), -EINVAL);
	assert_int_equal(nfvi_cpuset_parse("1,", &s), -EINVAL);
	assert_int_equal(nfvi_cpuset_parse("a", &s), -EINVAL);
	assert_int_equal(nfvi_cpuset_parse("1024", &s), -EINVAL);
	assert_int_equal(nfvi_cpuset_parse("1023", &s), 0);
	assert_int_equal(nfvi_cpuset_format(&s, buf, 3), -ENOSPC);
}

static void
test_one_node_smt(void **state)
{
	char dir[64], sys[128], err[256];
	struct nfvi_inventory *inv;

	(void)state;
	mk_tree("--nodes 1 --cores 4 --smt 2 --hp2m 1024 --hp1g 2", dir, sizeof(dir), sys,
		sizeof(sys));
	inv = nfvi_inventory_load(sys, err, sizeof(err));
	assert_non_null(inv);
	assert_int_equal(inv->n_nodes, 1);
	assert_int_equal(inv->n_cores, 4);
	assert_int_equal(inv->max_threads_per_core, 2);
	assert_int_equal(nfvi_cpuset_count(&inv->nodes[0].cpus), 8);
	assert_int_equal(inv->cores[1].first_cpu, 1);
	assert_true(nfvi_cpuset_isset(&inv->cores[1].cpus, 5));	/* sibling of 1 is 1+4 */
	assert_int_equal(inv->nodes[0].hp_total[NFVI_HP_2M], 1024);
	assert_int_equal(inv->nodes[0].hp_total[NFVI_HP_1G], 2);
	assert_int_equal(inv->n_pfs, 0);
	nfvi_inventory_free(inv);
	rm_tree(dir);
}

static void
test_two_nodes_pfs(void **state)
{
	char dir[64], sys[128], err[256];
	struct nfvi_inventory *inv;
	const struct nfvi_pf *pf;

	(void)state;
	mk_tree("--nodes 2 --cores 2 --smt 1 --pf ens2f0:1:3 --pf ens1f0:0:2", dir, sizeof(dir),
		sys, sizeof(sys));
	inv = nfvi_inventory_load(sys, err, sizeof(err));
	assert_non_null(inv);
	assert_int_equal(inv->n_nodes, 2);
	assert_int_equal(inv->max_threads_per_core, 1);
	assert_int_equal(inv->cores[2].node, 1);
	assert_int_equal(inv->n_pfs, 2);
	assert_string_equal(inv->pfs[0].ifname, "ens1f0");	/* sorted */
	pf = nfvi_inventory_pf(inv, "ens2f0");
	assert_non_null(pf);
	assert_int_equal(pf->node, 1);
	assert_int_equal(pf->n_vfs, 3);
	assert_int_equal(pf->numvfs, 3);
	assert_int_equal(pf->totalvfs, 8);
	assert_string_equal(pf->vfs[2].pci, "0000:3b:02.2");
	assert_string_equal(pf->vfs[2].driver, "iavf");
	assert_string_equal(pf->vfs[2].mac, "02:00:00:00:00:02");
	assert_null(nfvi_inventory_pf(inv, "nope"));
	nfvi_inventory_free(inv);
	rm_tree(dir);
}

static void
test_four_nodes(void **state)
{
	char dir[64], sys[128], err[256];
	struct nfvi_inventory *inv;
	unsigned int i;

	(void)state;
	mk_tree("--nodes 4 --cores 3 --smt 2 --hp2m 64", dir, sizeof(dir), sys, sizeof(sys));
	inv = nfvi_inventory_load(sys, err, sizeof(err));
	assert_non_null(inv);
	assert_int_equal(inv->n_nodes, 4);
	assert_int_equal(inv->n_cores, 12);
	for (i = 0; i < 4; i++) {
		assert_int_equal(inv->nodes[i].id, (int)i);
		assert_int_equal(nfvi_cpuset_count(&inv->nodes[i].cpus), 6);
		assert_int_equal(inv->nodes[i].hp_total[NFVI_HP_2M], 64);
	}
	assert_int_equal(inv->cores[11].node, 3);
	assert_int_equal(inv->cores[11].n_cpus, 2);
	nfvi_inventory_free(inv);
	rm_tree(dir);
}

static void
test_no_numa_and_offline(void **state)
{
	char dir[64], sys[128], err[256], path[PATH_MAX];
	struct nfvi_inventory *inv;
	FILE *f;

	(void)state;
	mk_tree("--no-numa --cores 4 --smt 2 --pf ens1f0:-1:1", dir, sizeof(dir), sys, sizeof(sys));
	snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu7/online", sys);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("0\n", f);
	fclose(f);
	inv = nfvi_inventory_load(sys, err, sizeof(err));
	assert_non_null(inv);
	assert_int_equal(inv->n_nodes, 1);
	assert_int_equal(nfvi_cpuset_count(&inv->nodes[0].cpus), 7);
	assert_int_equal(inv->cores[3].n_cpus, 1);	/* cpu 3's sibling 7 is offline */
	assert_int_equal(inv->pfs[0].node, 0);		/* numa_node -1 on a 1-node host */
	nfvi_inventory_free(inv);
	rm_tree(dir);
}

static void
test_errors(void **state)
{
	char dir[64], sys[128], err[256], path[PATH_MAX];
	FILE *f;

	(void)state;
	errno = 0;
	assert_null(nfvi_inventory_load("/nonexistent-nfvi", err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	mk_tree("--nodes 1 --cores 1 --smt 1", dir, sizeof(dir), sys, sizeof(sys));
	snprintf(path, sizeof(path), "%s/devices/system/node/node0/cpulist", sys);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("0-x\n", f);
	fclose(f);
	assert_null(nfvi_inventory_load(sys, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "cpulist"));
	rm_tree(dir);
	nfvi_inventory_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpulist),
		cmocka_unit_test(test_one_node_smt),
		cmocka_unit_test(test_two_nodes_pfs),
		cmocka_unit_test(test_four_nodes),
		cmocka_unit_test(test_no_numa_and_offline),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
