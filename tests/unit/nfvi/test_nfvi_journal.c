/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_nfvi_journal.c: the journal (replay, torn last line, malformed
 * middle line, compaction) and the agent's recovery: records left
 * "allocating" or "releasing" are rolled back with their VF calls replayed,
 * "allocated" ones are kept, and a VF failure during create rolls back.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "nfvi_test.h"

static void
append_text(const char *dir, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/journal", dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_replay_and_torn_tail(void **state)
{
	char dir[] = "/tmp/nfvi-journal.XXXXXX", err[256];
	struct nfvi_journal *j;
	json_t *recs, *v;

	(void)state;
	assert_non_null(mkdtemp(dir));
	j = nfvi_journal_open(dir, &recs, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(json_object_size(recs), 0);
	json_decref(recs);
	v = json_pack("{s:s, s:i}", "name", "a", "x", 1);
	assert_int_equal(nfvi_journal_put(j, v), 0);
	json_object_set_new(v, "x", json_integer(2));
	assert_int_equal(nfvi_journal_put(j, v), 0);
	json_decref(v);
	v = json_pack("{s:s}", "name", "b");
	assert_int_equal(nfvi_journal_put(j, v), 0);
	json_decref(v);
	assert_int_equal(nfvi_journal_del(j, "b"), 0);
	assert_int_equal(nfvi_journal_put(j, json_object()), -EINVAL);
	nfvi_journal_close(j);
	append_text(dir, "{\"op\":\"put\",\"vnf\":{\"name\":\"c\"");	/* torn: no newline */

	j = nfvi_journal_open(dir, &recs, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(json_object_size(recs), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(recs, "a"), "x")), 2);
	json_decref(recs);
	nfvi_journal_close(j);

	/* a malformed line that is not the last is refused */
	append_text(dir, "garbage\n{\"op\":\"del\",\"name\":\"a\"}\n");
	assert_null(nfvi_journal_open(dir, &recs, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, ":2: malformed"));
	rm_tree(dir);
}

#define FW "{\"name\":\"fw\",\"vcpus\":2,\"memory_mb\":64,\"nics\":[{\"type\":\"sriov-vf\"," \
	   "\"pf\":\"ens1f0\",\"vlan\":7}],\"image\":{\"disk\":\"/d\"}}"

static struct nfvi_agent *
agent_on(const char *dir, struct nfvi_vf_fake *fake)
{
	struct nfvi_config cfg;
	char err[256];
	struct nfvi_agent *a;

	nfvi_config_defaults(&cfg);
	snprintf(cfg.sysfs_root, sizeof(cfg.sysfs_root), "%s/root", dir);
	snprintf(cfg.state_dir, sizeof(cfg.state_dir), "%s/state", dir);
	strcpy(cfg.vm_backend, "none");	/* allocation only: test_nfvi_vnf.c covers guests */
	a = nfvi_agent_create(&cfg, &nfvi_vf_fake_ops, fake, err, sizeof(err));
	if (a == NULL)
		fail_msg("agent: %s", err);
	return a;
}

static unsigned int
allocated_cpus(struct nfvi_agent *a)
{
	json_t *inv = nfvi_agent_inventory(a);
	unsigned int n = (unsigned int)json_integer_value(json_object_get(json_object_get(
		json_array_get(json_object_get(inv, "nodes"), 0), "cpus"), "allocated"));

	json_decref(inv);
	return n;
}

static void
test_recovery(void **state)
{
	char dir[64], sys[128], err[256];
	struct nfvi_vf_fake fake;
	struct nfvi_agent *a;
	json_t *desc, *rec;

	(void)state;
	mk_tree("--nodes 1 --cores 4 --smt 2 --pf ens1f0:0:2", dir, sizeof(dir), sys, sizeof(sys));
	memset(&fake, 0, sizeof(fake));
	a = agent_on(dir, &fake);
	desc = json_loads(FW, 0, NULL);
	assert_int_equal(nfvi_agent_vnf_create(a, desc, &rec, err, sizeof(err)), 0);
	assert_string_equal(json_string_value(json_object_get(rec, "state")), "allocated");
	json_decref(rec);
	assert_int_equal(nfvi_agent_vnf_create(a, desc, &rec, err, sizeof(err)), -EEXIST);
	assert_int_equal(fake.n_calls, 2);
	assert_string_equal(fake.calls[1].text, "bind 0000:3b:02.0 vfio-pci");
	assert_int_equal(allocated_cpus(a), 2);
	nfvi_agent_destroy(a);

	/* restart: an allocated VNF is kept and its VF config re-applied */
	memset(&fake, 0, sizeof(fake));
	a = agent_on(dir, &fake);
	assert_int_equal(allocated_cpus(a), 2);
	assert_int_equal(fake.n_calls, 2);
	nfvi_agent_destroy(a);

	/* a record left "releasing" (crash mid-delete) is finished on start */
	{
		char sdir[PATH_MAX], line[4096];
		struct nfvi_journal *j;
		json_t *recs, *r;

		snprintf(sdir, sizeof(sdir), "%s/state", dir);
		j = nfvi_journal_open(sdir, &recs, err, sizeof(err));
		assert_non_null(j);
		r = json_object_get(recs, "fw");
		json_object_set_new(r, "state", json_string("releasing"));
		assert_int_equal(nfvi_journal_put(j, r), 0);
		json_decref(recs);
		nfvi_journal_close(j);
		(void)line;
	}
	memset(&fake, 0, sizeof(fake));
	a = agent_on(dir, &fake);
	assert_int_equal(allocated_cpus(a), 0);
	assert_null(nfvi_agent_vnf_get(a, "fw"));
	assert_int_equal(fake.n_calls, 2);
	assert_string_equal(fake.calls[0].text, "bind 0000:3b:02.0 -");
	assert_string_equal(fake.calls[1].text,
			    "configure ens1f0 vf 0 mac 00:00:00:00:00:00 vlan 0 spoofchk on trust off rate 0");

	/* a VF failure during create rolls everything back */
	fake.fail_at = fake.n_calls + 2;	/* the bind */
	fake.fail_errno = ENODEV;
	assert_int_equal(nfvi_agent_vnf_create(a, desc, &rec, err, sizeof(err)), -ENODEV);
	assert_non_null(strstr(err, "vfio-pci"));
	assert_null(nfvi_agent_vnf_get(a, "fw"));
	assert_int_equal(allocated_cpus(a), 0);
	assert_string_equal(fake.calls[fake.n_calls - 1].text,
			    "configure ens1f0 vf 0 mac 00:00:00:00:00:00 vlan 0 spoofchk on trust off rate 0");
	fake.fail_at = 0;
	assert_int_equal(nfvi_agent_vnf_create(a, desc, &rec, err, sizeof(err)), 0);
	json_decref(rec);
	assert_int_equal(nfvi_agent_vnf_delete(a, "fw", err, sizeof(err)), 0);
	assert_int_equal(nfvi_agent_vnf_delete(a, "fw", err, sizeof(err)), -ENOENT);
	assert_int_equal(nfvi_agent_vnf_action(a, "fw", desc, &rec, err, sizeof(err)), -ENOENT);
	json_decref(desc);
	nfvi_agent_destroy(a);
	nfvi_agent_destroy(NULL);
	rm_tree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_and_torn_tail),
		cmocka_unit_test(test_recovery),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
