/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_nfvi_alloc.c: descriptor validation and placement: fits, refusals
 * naming the shortage per node, fragmentation, the thread, emulator and
 * page-size policies, PF locality, and that nothing overlaps host or PMD
 * cores or another VNF.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nfvi_test.h"

struct fixture {
	char dir[64];
	char sys[128];
	struct nfvi_inventory *inv;
	struct nfvi_reservation res;
	struct nfvi_usage used;
};

/* 2 nodes x 4 cores, SMT 2 (node 0: cpus 0-3,8-11; node 1: 4-7,12-15), 256 2M + 2 1G per node. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	mk_tree("--nodes 2 --cores 4 --smt 2 --hp2m 256 --hp1g 2 --pf ens1f0:0:2 --pf ens2f0:1:1",
		f->dir, sizeof(f->dir), f->sys, sizeof(f->sys));
	f->inv = nfvi_inventory_load(f->sys, err, sizeof(err));
	assert_non_null(f->inv);
	nfvi_cpuset_parse("0", &f->res.host_cpus);
	nfvi_cpuset_parse("1", &f->res.pmd_cpus);
	f->res.hp[0][NFVI_HP_2M] = 64;
	nfvi_usage_init(&f->used);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	nfvi_usage_fini(&f->used);
	nfvi_inventory_free(f->inv);
	rm_tree(f->dir);
	free(f);
	return 0;
}

/* Parse @p text and place it; on success account it. */
static int
place(struct fixture *f, const char *text, struct nfvi_placement *pl, char *err, size_t errlen)
{
	struct nfvi_vnf_desc d;
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	int ret;

	assert_non_null(j);
	ret = nfvi_desc_parse(j, &d, NULL, err, errlen);
	json_decref(j);
	if (ret == 0)
		ret = nfvi_alloc_place(f->inv, &f->res, &f->used, &d, pl, err, errlen);
	if (ret == 0)
		assert_int_equal(nfvi_usage_add(&f->used, pl), 0);
	return ret;
}

#define IMG ",\"image\":{\"disk\":\"/i\"}"

static void
test_desc_validation(void **state)
{
	static const char *const bad[] = {
		"{\"vcpus\":1,\"memory_mb\":64" IMG "}",
		"{\"name\":\"-a\",\"vcpus\":1,\"memory_mb\":64" IMG "}",
		"{\"name\":\"a\",\"vcpus\":257,\"memory_mb\":64" IMG "}",
		"{\"name\":\"a\",\"vcpus\":1,\"memory_mb\":63" IMG "}",
		"{\"name\":\"a\",\"vcpus\":1.5,\"memory_mb\":64" IMG "}",
		"{\"name\":\"a\",\"vcpus\":1,\"memory_mb\":64}",
		"{\"name\":\"a\",\"vcpus\":1,\"memory_mb\":64,\"image\":{\"kernel\":\"/k/../x\"}}",
		"{\"name\":\"a\",\"vcpus\":1,\"memory_mb\":64,\"hw:cpu_policy\":\"shared\","
		"\"hw:cpu_thread_policy\":\"isolate\"" IMG "}",
		"{\"name\":\"a\",\"vcpus\":1,\"memory_mb\":65,\"hw:mem_page_size\":\"2MB\"" IMG "}",
		"{\"name\":\"a\",\"vcpus\":1,\"memory_mb\":64,\"nics\":{}" IMG "}",
		"{\"name\":\"a\",\"vcpus\":1,\"memory_mb\":64,\"nics\":[{\"type\":\"tap\"}]" IMG "}",
		"{\"name\":\"a\",\"vcpus\":1,\"memory_mb\":64,\"nics\":[{\"type\":\"vhost-user\","
		"\"bridge\":\"b/r\"}]" IMG "}",
		"{\"name\":\"a\",\"vcpus\":1,\"memory_mb\":64,\"nics\":[{\"type\":\"sriov-vf\","
		"\"pf\":\"ens1f0\",\"mac\":\"00:00:00:00:00:00\"}]" IMG "}",
	};
	struct nfvi_vnf_desc d;
	char err[256];
	json_t *j, *norm;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = json_loads(bad[i], 0, NULL);
		assert_non_null(j);
		err[0] = '\0';
		assert_int_equal(nfvi_desc_parse(j, &d, &norm, err, sizeof(err)), -EINVAL);
		assert_true(err[0] != '\0');
		assert_null(norm);
		json_decref(j);
	}
	j = json_loads("{\"name\":\"ok-1\",\"vcpus\":2,\"memory_mb\":2048,\"hw:numa_nodes\":\"1\","
		       "\"hw:mem_page_size\":\"1048576\"" IMG "}", 0, NULL);
	assert_int_equal(nfvi_desc_parse(j, &d, &norm, err, sizeof(err)), 0);
	assert_int_equal(d.page_req, NFVI_PAGES_1G);
	assert_string_equal(json_string_value(json_object_get(norm, "hw:cpu_thread_policy")),
			    "prefer");
	json_decref(norm);
	json_decref(j);
}

static void
test_prefer_packs_siblings(void **state)
{
	struct fixture *f = *state;
	struct nfvi_placement pl;
	char err[512], buf[64];

	assert_int_equal(place(f, "{\"name\":\"a\",\"vcpus\":3,\"memory_mb\":128" IMG "}", &pl, err,
			       sizeof(err)), 0);
	assert_int_equal(pl.node, 0);
	nfvi_cpuset_format(&pl.cpus, buf, sizeof(buf));
	assert_string_equal(buf, "2-3,10-11");	/* cores 0,1 hold host and PMD CPUs */
	assert_int_equal(pl.vcpu_pins[0], 2);
	assert_int_equal(pl.vcpu_pins[1], 10);
	assert_int_equal(pl.vcpu_pins[2], 3);
	assert_int_equal(pl.hp_size, NFVI_HP_2M);	/* 128 MB is not a multiple of 1G */
	assert_int_equal(pl.hp_count, 64);
	nfvi_cpuset_format(&pl.emulator_cpus, buf, sizeof(buf));
	assert_string_equal(buf, "0");	/* share: the node's host CPUs */
}

static void
test_isolate_and_fragmentation(void **state)
{
	struct fixture *f = *state;
	struct nfvi_placement pl;
	char err[512], buf[64];

	/* node 0 has 2 free cores; isolate 3 vCPUs + emulator core goes to node 1 */
	assert_int_equal(place(f, "{\"name\":\"a\",\"vcpus\":3,\"memory_mb\":1024,"
			       "\"hw:cpu_thread_policy\":\"isolate\","
			       "\"hw:emulator_threads_policy\":\"isolate\"" IMG "}", &pl, err,
			       sizeof(err)), 0);
	assert_int_equal(pl.node, 1);
	assert_int_equal(pl.vcpu_pins[0], 4);
	assert_int_equal(pl.vcpu_pins[1], 5);
	assert_int_equal(pl.vcpu_pins[2], 6);
	nfvi_cpuset_format(&pl.emulator_cpus, buf, sizeof(buf));
	assert_string_equal(buf, "7,15");
	assert_int_equal(pl.hp_size, NFVI_HP_1G);
	/* 2 free cores left on node 0 and none on node 1: 3 vCPUs isolate can't fit */
	assert_int_equal(place(f, "{\"name\":\"b\",\"vcpus\":3,\"memory_mb\":64,"
			       "\"hw:cpu_thread_policy\":\"isolate\"" IMG "}", &pl, err,
			       sizeof(err)), -ENOSPC);
	assert_non_null(strstr(err, "node 0: 2 free cores hold 2 of 3 vCPUs"));
	assert_non_null(strstr(err, "node 1: 0 free cores hold 0 of 3 vCPUs"));
	/* but 4 vCPUs with prefer fit in the same 2 cores */
	assert_int_equal(place(f, "{\"name\":\"c\",\"vcpus\":4,\"memory_mb\":64" IMG "}", &pl,
			       err, sizeof(err)), 0);
	assert_int_equal(pl.node, 0);
	/* now everything is taken: a 1-vCPU VNF is refused on both nodes */
	assert_int_equal(place(f, "{\"name\":\"d\",\"vcpus\":1,\"memory_mb\":64" IMG "}", &pl,
			       err, sizeof(err)), -ENOSPC);
	assert_non_null(strstr(err, "node 0:"));
	assert_non_null(strstr(err, "node 1:"));
	/* shared CPUs do not need free cores */
	assert_int_equal(place(f, "{\"name\":\"e\",\"vcpus\":8,\"memory_mb\":64,"
			       "\"hw:cpu_policy\":\"shared\"" IMG "}", &pl, err, sizeof(err)), 0);
	assert_int_equal(pl.vcpu_pins[0], -1);
	assert_int_equal(nfvi_cpuset_count(&pl.cpus), 0);
}

static void
test_hugepages(void **state)
{
	struct fixture *f = *state;
	struct nfvi_placement pl;
	char err[512];

	/* node 0: 256 - 64 reserved = 192 2M pages; 1G: 2 per node */
	assert_int_equal(place(f, "{\"name\":\"a\",\"vcpus\":1,\"memory_mb\":300,"
			       "\"hw:mem_page_size\":\"2MB\"" IMG "}", &pl, err, sizeof(err)), 0);
	assert_int_equal(pl.node, 0);
	assert_int_equal(pl.hp_count, 150);
	assert_int_equal(place(f, "{\"name\":\"b\",\"vcpus\":1,\"memory_mb\":600,"
			       "\"hw:mem_page_size\":\"2MB\"" IMG "}", &pl, err, sizeof(err)), -ENOSPC);
	assert_non_null(strstr(err, "node 1: 256 free 2M hugepages, 300 needed"));
	assert_int_equal(place(f, "{\"name\":\"c\",\"vcpus\":1,\"memory_mb\":3072,"
			       "\"hw:mem_page_size\":\"large\"" IMG "}", &pl, err, sizeof(err)),
			 -ENOSPC);
	assert_non_null(strstr(err, "2 free 1G hugepages, 3 needed"));
	assert_int_equal(place(f, "{\"name\":\"d\",\"vcpus\":1,\"memory_mb\":3072,"
			       "\"hw:mem_page_size\":\"any\"" IMG "}", &pl, err, sizeof(err)), 0);
	assert_int_equal(pl.hp_size, -1);	/* any falls back to small pages */
	assert_int_equal(place(f, "{\"name\":\"e\",\"vcpus\":1,\"memory_mb\":2048,"
			       "\"hw:mem_page_size\":\"1GB\"" IMG "}", &pl, err, sizeof(err)), 0);
	assert_int_equal(pl.hp_size, NFVI_HP_1G);
	assert_int_equal(pl.hp_count, 2);
	assert_int_equal(f->used.hp[pl.node][NFVI_HP_1G], 2);
}

static void
test_vfs_and_locality(void **state)
{
	struct fixture *f = *state;
	struct nfvi_placement pl;
	char err[512];

	assert_int_equal(place(f, "{\"name\":\"a\",\"vcpus\":1,\"memory_mb\":64,\"nics\":["
			       "{\"type\":\"sriov-vf\",\"pf\":\"ens2f0\"}]" IMG "}", &pl, err,
			       sizeof(err)), 0);
	assert_int_equal(pl.node, 1);	/* the PF's node although node 0 has room */
	assert_int_equal(pl.n_vfs, 1);
	assert_string_equal(pl.vfs[0].pci, "0000:3c:02.0");
	assert_int_equal(place(f, "{\"name\":\"b\",\"vcpus\":1,\"memory_mb\":64,\"nics\":["
			       "{\"type\":\"sriov-vf\",\"pf\":\"ens2f0\"}]" IMG "}", &pl, err,
			       sizeof(err)), -ENOSPC);
	assert_non_null(strstr(err, "node 1: no free VF on ens2f0"));
	assert_null(strstr(err, "node 0"));
	assert_int_equal(place(f, "{\"name\":\"c\",\"vcpus\":1,\"memory_mb\":64,\"nics\":["
			       "{\"type\":\"sriov-vf\",\"pf\":\"ens1f0\"},"
			       "{\"type\":\"sriov-vf\",\"pf\":\"ens2f0\"}]" IMG "}", &pl, err,
			       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "hw:numa_nodes=1"));
	assert_int_equal(place(f, "{\"name\":\"d\",\"vcpus\":1,\"memory_mb\":64,\"nics\":["
			       "{\"type\":\"sriov-vf\",\"pf\":\"ens1f0\"},"
			       "{\"type\":\"sriov-vf\",\"pf\":\"ens1f0\"}]" IMG "}", &pl, err,
			       sizeof(err)), 0);
	assert_int_equal(pl.n_vfs, 2);
	assert_string_not_equal(pl.vfs[0].pci, pl.vfs[1].pci);
}

static void
test_require_without_smt(void **state)
{
	char dir[64], sys[128], err[256];
	struct nfvi_reservation res;
	struct nfvi_usage used;
	struct nfvi_inventory *inv;
	struct nfvi_placement pl;
	struct nfvi_vnf_desc d;
	json_t *j;

	(void)state;
	mk_tree("--nodes 1 --cores 4 --smt 1", dir, sizeof(dir), sys, sizeof(sys));
	inv = nfvi_inventory_load(sys, err, sizeof(err));
	assert_non_null(inv);
	memset(&res, 0, sizeof(res));
	nfvi_usage_init(&used);
	j = json_loads("{\"name\":\"a\",\"vcpus\":2,\"memory_mb\":64,\"hw:mem_page_size\":\"small\","
		       "\"hw:cpu_thread_policy\":\"require\"" IMG "}", 0, NULL);
	assert_int_equal(nfvi_desc_parse(j, &d, NULL, err, sizeof(err)), 0);
	assert_int_equal(nfvi_alloc_place(inv, &res, &used, &d, &pl, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "SMT"));
	d.thread_policy = NFVI_THREAD_PREFER;	/* without SMT, prefer is one vCPU per core */
	assert_int_equal(nfvi_alloc_place(inv, &res, &used, &d, &pl, err, sizeof(err)), 0);
	assert_int_equal(nfvi_cpuset_count(&pl.cpus), 2);
	json_decref(j);
	nfvi_inventory_free(inv);
	rm_tree(dir);
}

static void
test_placement_json_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct nfvi_placement pl, back;
	char err[512];
	json_t *j;

	assert_int_equal(place(f, "{\"name\":\"a\",\"vcpus\":2,\"memory_mb\":64,\"nics\":["
			       "{\"type\":\"sriov-vf\",\"pf\":\"ens1f0\"}]" IMG "}", &pl, err,
			       sizeof(err)), 0);
	j = nfvi_placement_to_json(&pl);
	assert_non_null(j);
	assert_int_equal(nfvi_placement_from_json(j, &back, err, sizeof(err)), 0);
	assert_memory_equal(&back.cpus, &pl.cpus, sizeof(pl.cpus));
	assert_int_equal(back.node, pl.node);
	assert_int_equal(back.hp_count, pl.hp_count);
	assert_int_equal(back.vcpu_pins[1], pl.vcpu_pins[1]);
	assert_string_equal(back.vfs[0].pci, pl.vfs[0].pci);
	json_object_set_new(j, "cpus", json_string("x"));
	assert_int_equal(nfvi_placement_from_json(j, &back, err, sizeof(err)), -EINVAL);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_desc_validation),
		cmocka_unit_test_setup_teardown(test_prefer_packs_siblings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_isolate_and_fragmentation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hugepages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfs_and_locality, setup, teardown),
		cmocka_unit_test(test_require_without_smt),
		cmocka_unit_test_setup_teardown(test_placement_json_roundtrip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
