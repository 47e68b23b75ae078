/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_nfvi_vnf.c: the guest lifecycle against libvirt's test:///default
 * driver and a fake vswitchd (a real ctl_server on a unix socket, polled by
 * a thread, serving port.add/del/list/stats and told when to fail):
 *
 *  - create fails at each step in turn (port.add of the 1st and 2nd NIC,
 *    VF configure, VF bind, define, start) and every earlier step is
 *    rolled back: no record, no cores held, no ports, no domain, VF reset;
 *  - create, the live view (domain state, port counters), start/stop/
 *    snapshot, delete;
 *  - restart after a crash mid-create ("allocating" left in the journal):
 *    domain, ports and VFs are undone; orphan domains (our metadata, no
 *    record) and orphan ports (our socket dir, no record) are removed;
 *    drift of an allocated VNF (a port lost by vswitchd) is repaired and
 *    reported.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"
#include "nfvi_test.h"

/* ---- fake vswitchd */

struct fake_vsw {
	pthread_mutex_t mu;
	json_t *ports;		/* name -> port object */
	int add_calls;
	int fail_add_at;	/* port.add call number (1-based) that fails; 0 never */
	volatile int stop;
	struct ctl_server *srv;
	pthread_t thr;
	char path[108];
};

static struct fake_vsw vsw = { .mu = PTHREAD_MUTEX_INITIALIZER };

static int
m_add(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	struct fake_vsw *f = ctx;
	const char *name = json_string_value(json_object_get(params, "name"));
	int ret = 0;

	(void)result;
	pthread_mutex_lock(&f->mu);
	f->add_calls++;
	if (name == NULL) {
		ret = -EINVAL;
	} else if (f->fail_add_at == f->add_calls) {
		snprintf(err, errlen, "injected failure");
		ret = -EIO;
	} else if (json_object_get(f->ports, name) != NULL) {
		ret = -EEXIST;
	} else {
		json_t *p = json_deep_copy(params);

		json_object_set_new(p, "state", json_string("down"));
		json_object_set_new(f->ports, name, p);
	}
	pthread_mutex_unlock(&f->mu);
	return ret;
}

static int
m_del(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	struct fake_vsw *f = ctx;
	const char *name = json_string_value(json_object_get(params, "name"));
	int ret = 0;

	(void)result;
	(void)err;
	(void)errlen;
	pthread_mutex_lock(&f->mu);
	if (name == NULL || json_object_get(f->ports, name) == NULL)
		ret = -ENOENT;
	else
		json_object_del(f->ports, name);
	pthread_mutex_unlock(&f->mu);
	return ret;
}

static int
m_list(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	struct fake_vsw *f = ctx;
	json_t *arr = json_array(), *p;
	const char *name;

	(void)params;
	(void)err;
	(void)errlen;
	pthread_mutex_lock(&f->mu);
	json_object_foreach(f->ports, name, p)
		json_array_append_new(arr, json_deep_copy(p));
	pthread_mutex_unlock(&f->mu);
	*result = json_pack("{s:o}", "ports", arr);
	return 0;
}

static int
m_stats(void *ctx, json_t *params, json_t **result, char *err, size_t errlen)
{
	struct fake_vsw *f = ctx;
	json_t *arr = json_array(), *p;
	const char *name;

	(void)params;
	(void)err;
	(void)errlen;
	(void)p;
	pthread_mutex_lock(&f->mu);
	json_object_foreach(f->ports, name, p)
		json_array_append_new(arr, json_pack("{s:s, s:i, s:i, s:i, s:i, s:{s:i, s:i}}",
						     "name", name, "rx_packets", 10, "rx_bytes",
						     640, "tx_packets", 5, "tx_bytes", 320, "drops",
						     "tx_full", 2, "vlan_violation", 1));
	pthread_mutex_unlock(&f->mu);
	*result = json_pack("{s:o}", "ports", arr);
	return 0;
}

static const struct ctl_method methods[] = {
	{ "port.add", m_add }, { "port.del", m_del }, { "port.list", m_list },
	{ "port.stats", m_stats }, { NULL, NULL },
};

static void *
vsw_thread(void *arg)
{
	struct fake_vsw *f = arg;

	while (!f->stop)
		ctl_server_poll(f->srv, 20);
	return NULL;
}

static size_t
vsw_nports(void)
{
	size_t n;

	pthread_mutex_lock(&vsw.mu);
	n = json_object_size(vsw.ports);
	pthread_mutex_unlock(&vsw.mu);
	return n;
}

/* ---- hypervisor: libvirt's test driver, with a failure injected at one call */

struct hv_fail {
	struct nfvi_libvirt *lv;
	int calls;		/* define + start calls */
	int fail_at;		/* 1-based; 0 never */
};

static struct hv_fail hv;

static int
inject(void)
{
	return ++hv.calls == hv.fail_at ? -EIO : 0;
}

static int
f_define(void *ctx, const char *xml, char *err, size_t errlen)
{
	(void)ctx;
	if (inject() < 0)
		return snprintf(err, errlen, "injected define failure"), -EIO;
	return nfvi_hv_libvirt_ops.define(hv.lv, xml, err, errlen);
}

static int
f_start(void *ctx, const char *dom, char *err, size_t errlen)
{
	(void)ctx;
	if (inject() < 0)
		return snprintf(err, errlen, "injected start failure"), -EIO;
	return nfvi_hv_libvirt_ops.start(hv.lv, dom, err, errlen);
}

static int
f_stop(void *ctx, const char *dom, unsigned int grace_ms, char *err, size_t errlen)
{
	(void)ctx;
	return nfvi_hv_libvirt_ops.stop(hv.lv, dom, grace_ms, err, errlen);
}

static int
f_remove(void *ctx, const char *dom, char *err, size_t errlen)
{
	(void)ctx;
	return nfvi_hv_libvirt_ops.remove(hv.lv, dom, err, errlen);
}

static int
f_state(void *ctx, const char *dom, char *buf, size_t size)
{
	(void)ctx;
	return nfvi_hv_libvirt_ops.state(hv.lv, dom, buf, size);
}

static int
f_list(void *ctx, json_t **doms, char *err, size_t errlen)
{
	(void)ctx;
	return nfvi_hv_libvirt_ops.list(hv.lv, doms, err, errlen);
}

static int
f_snapshot(void *ctx, const char *dom, const char *xml, char *err, size_t errlen)
{
	(void)ctx;
	return nfvi_hv_libvirt_ops.snapshot(hv.lv, dom, xml, err, errlen);
}

static int
f_migrate(void *ctx, const char *dom, const char *uri, const char *dx, char *err, size_t errlen)
{
	(void)ctx;
	return nfvi_hv_libvirt_ops.migrate(hv.lv, dom, uri, dx, err, errlen);
}

static const struct nfvi_hv_ops hv_ops = {
	.name = "test", .define = f_define, .start = f_start, .stop = f_stop,
	.remove = f_remove, .state = f_state, .list = f_list, .snapshot = f_snapshot,
	.migrate = f_migrate,
};

/* Our domains in the test driver. */
static size_t
n_domains(void)
{
	json_t *doms = NULL;
	char err[256];
	size_t n;

	assert_int_equal(nfvi_hv_libvirt_ops.list(hv.lv, &doms, err, sizeof(err)), 0);
	n = json_array_size(doms);
	json_decref(doms);
	return n;
}

/* ---- agent */

static char dir[64];
static struct nfvi_vf_fake fake;

static struct nfvi_agent *
agent_new(void)
{
	struct nfvi_providers p = { &nfvi_vf_fake_ops, &fake, &hv_ops, NULL };
	struct nfvi_config cfg;
	struct nfvi_agent *a;
	char err[512];

	nfvi_config_defaults(&cfg);
	snprintf(cfg.sysfs_root, sizeof(cfg.sysfs_root), "%s/root", dir);
	snprintf(cfg.state_dir, sizeof(cfg.state_dir), "%s/state", dir);
	snprintf(cfg.vswitchd_socket, sizeof(cfg.vswitchd_socket), "%s", vsw.path);
	strcpy(cfg.libvirt_uri, "test:///default");
	strcpy(cfg.accel, "tcg");
	nfvi_cpuset_parse("0,4", &cfg.res.host_cpus);
	a = nfvi_agent_create_with(&cfg, &p, err, sizeof(err));
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

#define FW "{\"name\":\"fw\",\"vcpus\":2,\"memory_mb\":256,\"hw:mem_page_size\":\"2MB\"," \
	   "\"nics\":[{\"type\":\"vhost-user\",\"bridge\":\"br0\",\"vlan\":10}," \
	   "{\"type\":\"vhost-user\",\"bridge\":\"br0\",\"vlan\":20}," \
	   "{\"type\":\"sriov-vf\",\"pf\":\"ens1f0\",\"vlan\":7}]," \
	   "\"image\":{\"kernel\":\"/img/vmlinux\",\"cmdline\":\"ep.role=bridge\"}}"

static int
setup(void **state)
{
	char sys[128];

	(void)state;
	mk_tree("--nodes 1 --cores 4 --smt 2 --hp2m 512 --pf ens1f0:0:2", dir, sizeof(dir), sys,
		sizeof(sys));
	snprintf(vsw.path, sizeof(vsw.path), "%s/vswitchd.sock", dir);
	vsw.ports = json_object();
	vsw.srv = ctl_server_create(vsw.path, 0600, methods, &vsw);
	assert_non_null(vsw.srv);
	assert_int_equal(pthread_create(&vsw.thr, NULL, vsw_thread, &vsw), 0);
	hv.lv = nfvi_libvirt_new("test:///default");
	assert_non_null(hv.lv);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	vsw.stop = 1;
	pthread_join(vsw.thr, NULL);
	ctl_server_destroy(vsw.srv);
	json_decref(vsw.ports);
	nfvi_libvirt_free(hv.lv);
	rm_tree(dir);
	return 0;
}

static void
assert_clean(struct nfvi_agent *a, const char *why)
{
	json_t *rec = nfvi_agent_vnf_get(a, "fw");

	if (rec != NULL)
		fail_msg("%s: record left", why);
	assert_int_equal(allocated_cpus(a), 0);
	assert_int_equal(vsw_nports(), 0);
	assert_int_equal(n_domains(), 0);
}

static void
test_rollback_each_step(void **st)
{
	/* step k fails: 1,2 = port.add of NIC 0/1; 3,4 = VF configure/bind; 5,6 = define/start */
	struct nfvi_agent *a;
	json_t *desc = json_loads(FW, 0, NULL), *rec;
	char err[512];
	int k, ret;

	(void)st;
	a = agent_new();
	for (k = 1; k <= 6; k++) {
		memset(&fake, 0, sizeof(fake));
		vsw.add_calls = 0;
		vsw.fail_add_at = k <= 2 ? k : 0;
		fake.fail_at = k == 3 ? 1 : k == 4 ? 2 : 0;
		fake.fail_errno = ENODEV;
		hv.calls = 0;
		hv.fail_at = k == 5 ? 1 : k == 6 ? 2 : 0;
		ret = nfvi_agent_vnf_create(a, desc, &rec, err, sizeof(err));
		if (ret == 0)
			fail_msg("step %d: create succeeded", k);
		assert_non_null(strstr(err, k <= 2 ? "injected failure" : k <= 4 ? "VF" :
				       "injected"));
		assert_clean(a, err);
		if (k >= 3)	/* the VF was reset on the way back */
			assert_non_null(strstr(fake.calls[fake.n_calls - 1].text,
					       "mac 00:00:00:00:00:00 vlan 0"));
	}
	vsw.fail_add_at = 0;
	hv.fail_at = 0;
	fake.fail_at = 0;
	json_decref(desc);
	nfvi_agent_destroy(a);
}

static void
test_lifecycle(void **st)
{
	struct nfvi_agent *a;
	json_t *desc = json_loads(FW, 0, NULL), *rec, *res, *body;
	char err[512], *metrics = NULL;
	unsigned int held;
	size_t size = 0;

	(void)st;
	memset(&fake, 0, sizeof(fake));
	a = agent_new();
	if (nfvi_agent_vnf_create(a, desc, &rec, err, sizeof(err)) < 0)
		fail_msg("create: %s", err);
	assert_string_equal(json_string_value(json_object_get(rec, "state")), "allocated");
	assert_string_equal(json_string_value(json_object_get(rec, "step")), "done");
	assert_string_equal(json_string_value(json_object_get(rec, "domain")), "ep-fw");
	json_decref(rec);
	held = allocated_cpus(a);
	assert_int_equal(held, 2);
	assert_int_equal(vsw_nports(), 2);
	pthread_mutex_lock(&vsw.mu);
	assert_string_equal(json_string_value(json_object_get(json_object_get(vsw.ports, "fw-1"),
							      "type")), "vhost-user-client");
	assert_string_equal(json_string_value(json_object_get(json_object_get(vsw.ports, "fw-1"),
							      "vlan_mode")), "access");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(vsw.ports, "fw-1"),
							    "tag")), 20);
	pthread_mutex_unlock(&vsw.mu);
	assert_int_equal(n_domains(), 1);

	/* the live view */
	rec = nfvi_agent_vnf_get(a, "fw");
	assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "vm"), "state")),
			    "running");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
		json_object_get(rec, "ports"), 0), "rx_packets")), 10);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
		json_object_get(rec, "ports"), 0), "drops")), 3);
	assert_int_equal(json_array_size(json_object_get(rec, "drift")), 0);
	json_decref(rec);
	assert_int_equal(nfvi_agent_metrics(a, &metrics, &size), 0);
	assert_non_null(strstr(metrics, "edgeplane_agent_vnf_running{vnf=\"fw\"} 1"));
	assert_non_null(strstr(metrics, "edgeplane_agent_vnf_port_packets_total{vnf=\"fw\","
			       "port=\"fw-0\",direction=\"rx\"} 10"));
	free(metrics);

	/* actions */
	body = json_pack("{s:s, s:b}", "action", "stop", "force", 1);
	assert_int_equal(nfvi_agent_vnf_action(a, "fw", body, &res, err, sizeof(err)), 0);
	json_decref(res);
	json_decref(body);
	rec = nfvi_agent_vnf_get(a, "fw");
	assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "vm"), "state")),
			    "shutoff");
	assert_int_equal(json_array_size(json_object_get(rec, "drift")), 0);	/* desired */
	json_decref(rec);
	assert_int_equal(allocated_cpus(a), held);	/* stop keeps the allocation */
	body = json_pack("{s:s}", "action", "start");
	assert_int_equal(nfvi_agent_vnf_action(a, "fw", body, &res, err, sizeof(err)), 0);
	json_decref(res);
	json_decref(body);
	body = json_pack("{s:s, s:s}", "action", "snapshot", "name", "s1");
	if (nfvi_agent_vnf_action(a, "fw", body, &res, err, sizeof(err)) < 0)
		fail_msg("snapshot: %s", err);
	assert_string_equal(json_string_value(json_object_get(res, "snapshot")), "s1");
	json_decref(res);
	json_decref(body);
	body = json_pack("{s:s, s:s}", "action", "snapshot", "name", "../x");
	assert_int_equal(nfvi_agent_vnf_action(a, "fw", body, &res, err, sizeof(err)), -EINVAL);
	json_decref(body);
	body = json_pack("{s:s, s:i}", "action", "start", "bogus", 1);
	assert_int_equal(nfvi_agent_vnf_action(a, "fw", body, &res, err, sizeof(err)), -EINVAL);
	json_decref(body);
	body = json_pack("{s:s}", "action", "migrate");
	assert_int_equal(nfvi_agent_vnf_action(a, "fw", body, &res, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "uri"));
	json_decref(body);

	/* delete reverses everything */
	assert_int_equal(nfvi_agent_vnf_delete(a, "fw", err, sizeof(err)), 0);
	assert_clean(a, "delete");
	assert_string_equal(fake.calls[fake.n_calls - 1].text,
			    "configure ens1f0 vf 0 mac 00:00:00:00:00:00 vlan 0 spoofchk on trust off rate 0");
	json_decref(desc);
	nfvi_agent_destroy(a);
}

static void
test_restart_reconcile(void **st)
{
	struct nfvi_agent *a;
	json_t *desc = json_loads(FW, 0, NULL), *rec, *recs, *r;
	struct nfvi_journal *j;
	char err[512], sdir[PATH_MAX];

	(void)st;
	memset(&fake, 0, sizeof(fake));
	a = agent_new();
	if (nfvi_agent_vnf_create(a, desc, &rec, err, sizeof(err)) < 0)
		fail_msg("create: %s", err);
	json_decref(rec);
	nfvi_agent_destroy(a);

	/* a crash mid-create: the journal says "allocating" at step "start" */
	snprintf(sdir, sizeof(sdir), "%s/state", dir);
	j = nfvi_journal_open(sdir, &recs, err, sizeof(err));
	assert_non_null(j);
	r = json_object_get(recs, "fw");
	json_object_set_new(r, "state", json_string("allocating"));
	json_object_set_new(r, "step", json_string("start"));
	assert_int_equal(nfvi_journal_put(j, r), 0);
	json_decref(recs);
	nfvi_journal_close(j);
	assert_int_equal(n_domains(), 1);
	assert_int_equal(vsw_nports(), 2);
	a = agent_new();
	assert_clean(a, "restart after crash mid-create");

	/* drift: an allocated VNF whose port vswitchd lost is repaired; orphans removed */
	if (nfvi_agent_vnf_create(a, desc, &rec, err, sizeof(err)) < 0)
		fail_msg("create: %s", err);
	json_decref(rec);
	nfvi_agent_destroy(a);
	pthread_mutex_lock(&vsw.mu);
	json_object_del(vsw.ports, "fw-1");
	json_object_set_new(vsw.ports, "old-0",
			    json_pack("{s:s, s:s+}", "name", "old-0", "path", sdir,
				      "/vhost/old-0.sock"));
	json_object_set_new(vsw.ports, "foreign",
			    json_pack("{s:s, s:s}", "name", "foreign", "path", "/elsewhere.sock"));
	pthread_mutex_unlock(&vsw.mu);
	{
		char *xml;
		struct nfvi_dom_spec s;

		memset(&s, 0, sizeof(s));
		strcpy(s.name, "ep-old");
		strcpy(s.vnf, "old");
		strcpy(s.id, "0a1b2c3d-0000-4000-8000-0000000000ff");
		s.vcpus = 1;
		s.memory_mb = 64;
		s.pl.hp_size = -1;
		s.kernel = "/k";
		strcpy(s.console_log, "/dev/null");
		xml = nfvi_domain_xml(&s, err, sizeof(err));
		assert_non_null(xml);
		assert_int_equal(nfvi_hv_libvirt_ops.define(hv.lv, xml, err, sizeof(err)), 0);
		free(xml);
	}
	assert_int_equal(n_domains(), 2);
	a = agent_new();
	assert_int_equal(n_domains(), 1);		/* ep-old removed */
	pthread_mutex_lock(&vsw.mu);
	assert_non_null(json_object_get(vsw.ports, "fw-1"));	/* re-added */
	assert_null(json_object_get(vsw.ports, "old-0"));	/* ours, no record: deleted */
	assert_non_null(json_object_get(vsw.ports, "foreign"));	/* not ours: kept */
	json_object_del(vsw.ports, "foreign");
	pthread_mutex_unlock(&vsw.mu);
	rec = nfvi_agent_vnf_get(a, "fw");
	assert_non_null(strstr(json_string_value(json_array_get(json_object_get(rec, "drift"), 0)),
			       "fw-1 was missing on vswitchd: re-added"));
	json_decref(rec);
	assert_int_equal(nfvi_agent_vnf_delete(a, "fw", err, sizeof(err)), 0);
	assert_clean(a, "final delete");
	json_decref(desc);
	nfvi_agent_destroy(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rollback_each_step),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_restart_reconcile),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
