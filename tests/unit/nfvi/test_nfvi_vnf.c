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
 *    reported;
 *  - live migration, with a second agent (its own state dir, fake vswitchd
 *    and private test driver, test:///<dir>/node.xml) as the target:
 *    prepare (ports, VFs, no domain, the dest XML with the target's pins,
 *    node, sockets and VF), refusals that change nothing, abort, finish
 *    (refused while the domain is absent, paused or another VNF's), the
 *    restart rules of an "incoming" record, and the source agent driving
 *    the target's REST API (unix and TCP, token) around a simulated
 *    libvirt migration that succeeds, fails, or leaves the finish failing.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"
#include "nfvi_test.h"
#include "nfvi_test_xml.h"

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

/* the switch of the agent under test (and of a migration's source), and of a migration's target */
static struct fake_vsw vsw = { .mu = PTHREAD_MUTEX_INITIALIZER };
static struct fake_vsw vsw2 = { .mu = PTHREAD_MUTEX_INITIALIZER };

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

static void
vsw_start(struct fake_vsw *f, const char *dir, const char *file)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", dir, file);
	f->ports = json_object();
	f->srv = ctl_server_create(f->path, 0600, methods, f);
	assert_non_null(f->srv);
	assert_int_equal(pthread_create(&f->thr, NULL, vsw_thread, f), 0);
}

static void
vsw_stop(struct fake_vsw *f)
{
	f->stop = 1;
	pthread_join(f->thr, NULL);
	ctl_server_destroy(f->srv);
	json_decref(f->ports);
}

static size_t
vsw_count(struct fake_vsw *f)
{
	size_t n;

	pthread_mutex_lock(&f->mu);
	n = json_object_size(f->ports);
	pthread_mutex_unlock(&f->mu);
	return n;
}

static size_t
vsw_nports(void)
{
	return vsw_count(&vsw);
}

/*
 * ---- hypervisor: libvirt's test driver, with a failure injected at one call.
 * hv is test:///default (the agent under test, a migration's source); hv2 a
 * private test driver (test:///<dir>/node.xml), a migration's target host.
 */

struct hv_fail {
	struct nfvi_libvirt *lv;
	int calls;		/* define + start calls */
	int fail_at;		/* 1-based; 0 never */
	char paused[64];	/* this domain reports "paused" when it runs (incoming side) */
	struct hv_fail *migrate_to;	/* migrate: move the domain there (a real one fails) */
	bool fail_migrate;	/* migrate: fail, the domain stays */
	char dest_xml[16384];	/* the last migrate's dest XML */
	char migrate_uri[64];	/* and its migrate URI */
};

static struct hv_fail hv, hv2;

static int
inject(struct hv_fail *h)
{
	return ++h->calls == h->fail_at ? -EIO : 0;
}

static int
f_define(void *ctx, const char *xml, char *err, size_t errlen)
{
	struct hv_fail *h = ctx;

	if (inject(h) < 0)
		return snprintf(err, errlen, "injected define failure"), -EIO;
	return nfvi_hv_libvirt_ops.define(h->lv, xml, err, errlen);
}

static int
f_start(void *ctx, const char *dom, char *err, size_t errlen)
{
	struct hv_fail *h = ctx;

	if (inject(h) < 0)
		return snprintf(err, errlen, "injected start failure"), -EIO;
	return nfvi_hv_libvirt_ops.start(h->lv, dom, err, errlen);
}

static int
f_stop(void *ctx, const char *dom, unsigned int grace_ms, char *err, size_t errlen)
{
	return nfvi_hv_libvirt_ops.stop(((struct hv_fail *)ctx)->lv, dom, grace_ms, err, errlen);
}

static int
f_remove(void *ctx, const char *dom, char *err, size_t errlen)
{
	return nfvi_hv_libvirt_ops.remove(((struct hv_fail *)ctx)->lv, dom, err, errlen);
}

static int
f_state(void *ctx, const char *dom, char *buf, size_t size)
{
	struct hv_fail *h = ctx;
	int ret = nfvi_hv_libvirt_ops.state(h->lv, dom, buf, size);

	if (ret == 0 && strcmp(dom, h->paused) == 0 && strcmp(buf, "running") == 0)
		snprintf(buf, size, "paused");
	return ret;
}

static int
f_list(void *ctx, json_t **doms, char *err, size_t errlen)
{
	return nfvi_hv_libvirt_ops.list(((struct hv_fail *)ctx)->lv, doms, err, errlen);
}

static int
f_snapshot(void *ctx, const char *dom, const char *xml, char *err, size_t errlen)
{
	return nfvi_hv_libvirt_ops.snapshot(((struct hv_fail *)ctx)->lv, dom, xml, err, errlen);
}

/* What a successful live migration leaves: the domain defined and running there, gone here. */
static int
f_migrate(void *ctx, const char *dom, const char *uri, const char *mu, const char *dx, char *err,
	  size_t errlen)
{
	struct hv_fail *h = ctx;
	int ret;

	if (h->fail_migrate)
		return snprintf(err, errlen, "injected migrate failure"), -EIO;
	if (h->migrate_to == NULL)
		return nfvi_hv_libvirt_ops.migrate(h->lv, dom, uri, mu, dx, err, errlen);
	assert_non_null(dx);
	snprintf(h->dest_xml, sizeof(h->dest_xml), "%s", dx);
	snprintf(h->migrate_uri, sizeof(h->migrate_uri), "%s", mu != NULL ? mu : "(none)");
	ret = nfvi_hv_libvirt_ops.define(h->migrate_to->lv, dx, err, errlen);
	if (ret == 0)
		ret = nfvi_hv_libvirt_ops.start(h->migrate_to->lv, dom, err, errlen);
	if (ret == 0)
		ret = nfvi_hv_libvirt_ops.remove(h->lv, dom, err, errlen);
	return ret;
}

static const struct nfvi_hv_ops hv_ops = {
	.name = "test", .define = f_define, .start = f_start, .stop = f_stop,
	.remove = f_remove, .state = f_state, .list = f_list, .snapshot = f_snapshot,
	.migrate = f_migrate,
};

/* Our domains in a test driver. */
static size_t
hv_domains(struct hv_fail *h)
{
	json_t *doms = NULL;
	char err[256];
	size_t n;

	assert_int_equal(nfvi_hv_libvirt_ops.list(h->lv, &doms, err, sizeof(err)), 0);
	n = json_array_size(doms);
	json_decref(doms);
	return n;
}

static size_t
n_domains(void)
{
	return hv_domains(&hv);
}

/* ---- agent */

static char dir[64];
static struct nfvi_vf_fake fake, fake2;

/* An agent with its state in <dir>/@p state, the switch @p v, the hypervisor @p h. */
static struct nfvi_agent *
agent_on(const char *state, struct fake_vsw *v, struct hv_fail *h, struct nfvi_vf_fake *vf,
	 struct nfvi_config *cfg)
{
	struct nfvi_providers p = { &nfvi_vf_fake_ops, vf, &hv_ops, h };
	struct nfvi_agent *a;
	char err[512];

	nfvi_config_defaults(cfg);
	snprintf(cfg->sysfs_root, sizeof(cfg->sysfs_root), "%s/root", dir);
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s/%s", dir, state);
	snprintf(cfg->vswitchd_socket, sizeof(cfg->vswitchd_socket), "%s", v->path);
	strcpy(cfg->libvirt_uri, "test:///default");
	strcpy(cfg->accel, "tcg");
	nfvi_cpuset_parse("0,4", &cfg->res.host_cpus);
	if (mkdir(cfg->state_dir, 0750) < 0 && errno != EEXIST)
		fail_msg("%s: %s", cfg->state_dir, strerror(errno));
	a = nfvi_agent_create_with(cfg, &p, err, sizeof(err));
	if (a == NULL)
		fail_msg("agent: %s", err);
	return a;
}

static struct nfvi_agent *
agent_new(void)
{
	struct nfvi_config cfg;

	return agent_on("state", &vsw, &hv, &fake, &cfg);
}

/* A migration's target: its own state dir, switch and (private) libvirt test driver. */
static struct nfvi_agent *
target_new(struct nfvi_config *cfg)
{
	return agent_on("state2", &vsw2, &hv2, &fake2, cfg);
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

/* The fake provider's record of a VF reset on release. */
#define VF_RESET "configure ens1f0 vf 0 mac 00:00:00:00:00:00 vlan 0 spoofchk on trust off rate 0"

#define FW "{\"name\":\"fw\",\"vcpus\":2,\"memory_mb\":256,\"hw:mem_page_size\":\"2MB\"," \
	   "\"nics\":[{\"type\":\"vhost-user\",\"bridge\":\"br0\",\"vlan\":10}," \
	   "{\"type\":\"vhost-user\",\"bridge\":\"br0\",\"vlan\":20}," \
	   "{\"type\":\"sriov-vf\",\"pf\":\"ens1f0\",\"vlan\":7}]," \
	   "\"image\":{\"kernel\":\"/img/vmlinux\",\"cmdline\":\"ep.role=bridge\"}}"

static int
setup(void **state)
{
	char sys[128], uri[128], node[96];
	FILE *f;

	(void)state;
	mk_tree("--nodes 1 --cores 4 --smt 2 --hp2m 512 --pf ens1f0:0:2", dir, sizeof(dir), sys,
		sizeof(sys));
	vsw_start(&vsw, dir, "vswitchd.sock");
	vsw_start(&vsw2, dir, "vswitchd2.sock");
	hv.lv = nfvi_libvirt_new("test:///default");
	assert_non_null(hv.lv);
	/* a test driver of its own: "test:///FILE" gives each connection a private host */
	snprintf(node, sizeof(node), "%s/node.xml", dir);
	f = fopen(node, "w");
	assert_non_null(f);
	fputs("<node/>\n", f);
	fclose(f);
	snprintf(uri, sizeof(uri), "test://%s", node);
	hv2.lv = nfvi_libvirt_new(uri);
	assert_non_null(hv2.lv);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	vsw_stop(&vsw);
	vsw_stop(&vsw2);
	nfvi_libvirt_free(hv.lv);
	nfvi_libvirt_free(hv2.lv);
	rm_tree(dir);
	return 0;
}

/* The XML of a 1-vCPU domain "ep-<vnf>" with edgeplane metadata (vnf, id); malloc'd. */
static char *
small_domain_xml(const char *vnf, const char *id)
{
	struct nfvi_dom_spec s;
	char err[256], *xml;

	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "ep-%s", vnf);
	snprintf(s.vnf, sizeof(s.vnf), "%s", vnf);
	snprintf(s.id, sizeof(s.id), "%s", id);
	s.vcpus = 1;
	s.memory_mb = 64;
	s.pl.hp_size = -1;
	s.kernel = "/k";
	strcpy(s.console_log, "/dev/null");
	xml = nfvi_domain_xml(&s, err, sizeof(err));
	if (xml == NULL)
		fail_msg("domain XML: %s", err);
	return xml;
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
	assert_string_equal(fake.calls[fake.n_calls - 1].text, VF_RESET);
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
		char *xml = small_domain_xml("old", "0a1b2c3d-0000-4000-8000-0000000000ff");

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

/* ---- live migration: the target side, and the source driving a target agent */

/* Two vhost-user NICs, no VF (a hostdev cannot migrate). */
#define VR(name) "{\"name\":\"" name "\",\"vcpus\":2,\"memory_mb\":256," \
		 "\"hw:mem_page_size\":\"2MB\",\"nics\":[{\"type\":\"vhost-user\"," \
		 "\"bridge\":\"br0\",\"vlan\":10},{\"type\":\"vhost-user\",\"bridge\":\"br0\"," \
		 "\"vlan\":20}],\"image\":{\"kernel\":\"/img/vmlinux\"}}"
#define ID1 "0a1b2c3d-0000-4000-8000-000000000001"
#define ID2 "0a1b2c3d-0000-4000-8000-000000000002"
#define ID3 "0a1b2c3d-0000-4000-8000-000000000003"

/* The prepare body {"descriptor", "id", "accel"} (the source's record). */
static json_t *
mig_body(const char *desc, const char *id)
{
	return json_pack("{s:o, s:s, s:s}", "descriptor", json_loads(desc, 0, NULL), "id", id,
			 "accel", "tcg");
}

/* Prepare on @p t; the record and the dest XML (malloc'd) of the answer. */
static char *
prepare(struct nfvi_agent *t, const char *desc, const char *id, json_t **rec)
{
	json_t *body = mig_body(desc, id), *res;
	char err[512], *xml;

	if (nfvi_agent_migration_prepare(t, body, &res, err, sizeof(err)) < 0)
		fail_msg("prepare: %s", err);
	json_decref(body);
	*rec = json_incref(json_object_get(res, "vnf"));
	xml = strdup(json_string_value(json_object_get(res, "dest_xml")));
	json_decref(res);
	return xml;
}

static const char *
state_of(struct nfvi_agent *a, const char *name)
{
	static char buf[32];
	json_t *rec = nfvi_agent_vnf_get(a, name);

	snprintf(buf, sizeof(buf), "%s", rec != NULL ?
		 json_string_value(json_object_get(rec, "state")) : "(none)");
	json_decref(rec);
	return buf;
}

/* libvirt brings the guest: the dest XML defined and started on the target's host. */
static void
arrive(const char *xml, const char *dom)
{
	char err[512];

	if (nfvi_hv_libvirt_ops.define(hv2.lv, xml, err, sizeof(err)) < 0 ||
	    nfvi_hv_libvirt_ops.start(hv2.lv, dom, err, sizeof(err)) < 0)
		fail_msg("%s: %s", dom, err);
}

/* The capacity view as text (malloc'd), to compare before and after. */
static char *
inv_text(struct nfvi_agent *a)
{
	json_t *inv = nfvi_agent_inventory(a);
	char *text = json_dumps(inv, JSON_SORT_KEYS);

	json_decref(inv);
	assert_non_null(text);
	return text;
}

/* The target holds nothing and the inventory is whole. */
static void
target_clean(struct nfvi_agent *t, const char *inv0)
{
	char *inv = inv_text(t);

	assert_int_equal(allocated_cpus(t), 0);
	assert_int_equal(vsw_count(&vsw2), 0);
	assert_int_equal(hv_domains(&hv2), 0);
	assert_string_equal(inv, inv0);
	free(inv);
}

static void
test_migrate_prepare_abort(void **st)
{
	static const char *const bad[] = {
		"{\"descriptor\":" FW ",\"id\":\"" ID1 "\"}",			/* exists */
		"{\"descriptor\":" VR("vr") "}",					/* no id */
		"{\"descriptor\":" VR("vr") ",\"id\":\"not-a-uuid\"}",
		"{\"descriptor\":" VR("vr") ",\"id\":\"" ID2 "\",\"extra\":1}",
		"{\"descriptor\":" VR("vr") ",\"id\":\"" ID2 "\",\"accel\":\"kvm\"}", /* TCG here */
		"{\"descriptor\":{\"name\":\"vr\",\"vcpus\":0},\"id\":\"" ID2 "\"}",
		"{\"id\":\"" ID2 "\"}",
		"[1]",
	};
	static const int bad_ret[] = { -EEXIST, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
				       -EINVAL, -EINVAL };
	struct nfvi_config cfg;
	struct nfvi_agent *t;
	json_t *rec, *pl, *vf, *body, *res;
	char err[512], path[PATH_MAX], *xml, *inv0;
	unsigned int dom_, bus, slot, fn, i;
	struct doc d;

	(void)st;
	memset(&fake2, 0, sizeof(fake2));
	t = target_new(&cfg);
	inv0 = inv_text(t);
	xml = prepare(t, FW, ID1, &rec);

	/* allocated and plugged, but no domain: libvirt brings it */
	assert_string_equal(json_string_value(json_object_get(rec, "state")), "incoming");
	assert_string_equal(json_string_value(json_object_get(rec, "id")), ID1);
	assert_int_equal(allocated_cpus(t), 2);
	assert_int_equal(vsw_count(&vsw2), 2);
	assert_int_equal(vsw_nports(), 0);
	assert_int_equal(hv_domains(&hv2), 0);
	assert_non_null(strstr(fake2.calls[0].text, "configure ens1f0 vf 0 mac 02:"));
	assert_non_null(strstr(fake2.calls[0].text, "vlan 7"));
	assert_non_null(strstr(fake2.calls[1].text, "vfio-pci"));

	/* the destination XML: this host's pins, node, sockets and VF; the source's name and id */
	doc_parse(&d, xml);
	pl = json_object_get(rec, "placement");
	assert_string_equal(xs(&d, "string(/domain/name)"), "ep-fw");
	assert_string_equal(xs(&d, "string(/domain/uuid)"), ID1);
	assert_string_equal(xs(&d, "string(/domain/metadata/ep:vnf/ep:id)"), ID1);
	for (i = 0; i < 2; i++)
		assert_int_equal(atoi(xs(&d, "string(/domain/cputune/vcpupin[@vcpu='%u']/@cpuset)",
					 i)),
				 json_integer_value(json_array_get(json_object_get(pl, "vcpu_pins"),
								   i)));
	assert_int_equal(atoi(xs(&d, "string(/domain/numatune/memory/@nodeset)")),
			 json_integer_value(json_object_get(pl, "node")));
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/state2/vhost/fw-%u.sock", dir, i);
		assert_string_equal(xs(&d, "string(/domain/devices/interface[@type='vhostuser']"
				       "[%u]/source/@path)", i + 1), path);
	}
	vf = json_array_get(json_object_get(pl, "vfs"), 0);
	assert_int_equal(sscanf(json_string_value(json_object_get(vf, "pci")), "%x:%x:%x.%x",
				&dom_, &bus, &slot, &fn), 4);
	assert_int_equal(strtoul(xs(&d, "string(/domain/devices/interface[@type='hostdev']/"
				    "source/address/@bus)"), NULL, 16), bus);
	assert_int_equal(strtoul(xs(&d, "string(/domain/devices/interface[@type='hostdev']/"
				    "source/address/@slot)"), NULL, 16), slot);
	assert_int_equal(strtoul(xs(&d, "string(/domain/devices/interface[@type='hostdev']/"
				    "source/address/@function)"), NULL, 16), fn);
	doc_free(&d);
	free(xml);
	json_decref(rec);

	/* refused, and nothing changes */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		body = json_loads(bad[i], 0, NULL);
		assert_non_null(body);
		if (nfvi_agent_migration_prepare(t, body, &res, err, sizeof(err)) != bad_ret[i])
			fail_msg("prepare %s: not refused with %d (%s)", bad[i], bad_ret[i], err);
		assert_null(res);
		json_decref(body);
	}
	body = json_pack("{s:s}", "action", "start");
	assert_int_equal(nfvi_agent_vnf_action(t, "fw", body, &res, err, sizeof(err)), -EBUSY);
	json_decref(body);
	assert_int_equal(nfvi_agent_migration_finish(t, "nope", &res, err, sizeof(err)), -ENOENT);
	assert_int_equal(nfvi_agent_migration_finish(t, "Bad", &res, err, sizeof(err)), -EINVAL);
	assert_int_equal(nfvi_agent_migration_abort(t, "nope", err, sizeof(err)), -ENOENT);
	assert_int_equal(nfvi_agent_migration_finish(t, "fw", &res, err, sizeof(err)), -EAGAIN);
	assert_non_null(strstr(err, "not defined here"));
	assert_string_equal(state_of(t, "fw"), "incoming");
	assert_int_equal(allocated_cpus(t), 2);
	assert_int_equal(vsw_count(&vsw2), 2);
	assert_int_equal(hv_domains(&hv2), 0);

	/* abort undoes it all; the inventory is whole again, and stays so over a restart */
	assert_int_equal(nfvi_agent_migration_abort(t, "fw", err, sizeof(err)), 0);
	assert_string_equal(state_of(t, "fw"), "(none)");
	target_clean(t, inv0);
	assert_string_equal(fake2.calls[fake2.n_calls - 1].text, VF_RESET);
	snprintf(path, sizeof(path), "%s/state2/vhost/fw-0.sock", dir);
	assert_int_equal(access(path, F_OK), -1);
	nfvi_agent_destroy(t);
	t = target_new(&cfg);
	target_clean(t, inv0);
	free(inv0);
	nfvi_agent_destroy(t);
}

static void
test_migrate_finish(void **st)
{
	struct nfvi_config cfg;
	struct nfvi_agent *t;
	json_t *rec, *res, *body;
	char err[512], *xml, *other, *inv0;

	(void)st;
	t = target_new(&cfg);
	inv0 = inv_text(t);
	xml = prepare(t, VR("vr"), ID2, &rec);
	json_decref(rec);

	/* libvirt's incoming side is paused until the migration ends: not finished yet */
	arrive(xml, "ep-vr");
	strcpy(hv2.paused, "ep-vr");
	assert_int_equal(nfvi_agent_migration_finish(t, "vr", &res, err, sizeof(err)), -EAGAIN);
	assert_non_null(strstr(err, "in flight"));
	assert_string_equal(state_of(t, "vr"), "incoming");
	hv2.paused[0] = '\0';

	/* it runs: an abort would kill the only copy of the guest */
	assert_int_equal(nfvi_agent_migration_abort(t, "vr", err, sizeof(err)), -EALREADY);
	assert_string_equal(state_of(t, "vr"), "incoming");
	assert_int_equal(vsw_count(&vsw2), 2);

	/* finish: a running VNF like any other */
	if (nfvi_agent_migration_finish(t, "vr", &res, err, sizeof(err)) < 0)
		fail_msg("finish: %s", err);
	assert_string_equal(json_string_value(json_object_get(res, "state")), "allocated");
	assert_string_equal(json_string_value(json_object_get(res, "desired")), "running");
	assert_string_equal(json_string_value(json_object_get(json_object_get(res, "vm"),
							      "state")), "running");
	assert_int_equal(json_array_size(json_object_get(res, "drift")), 0);
	json_decref(res);
	assert_int_equal(nfvi_agent_migration_finish(t, "vr", &res, err, sizeof(err)), -EBUSY);
	assert_int_equal(nfvi_agent_migration_abort(t, "vr", err, sizeof(err)), -EBUSY);
	body = json_pack("{s:s, s:b}", "action", "stop", "force", 1);
	assert_int_equal(nfvi_agent_vnf_action(t, "vr", body, &res, err, sizeof(err)), 0);
	json_decref(res);
	json_decref(body);

	/* a domain of that name that is not this VNF's (another id) does not finish it */
	free(xml);
	xml = prepare(t, VR("vs"), ID3, &rec);
	json_decref(rec);
	other = small_domain_xml("vs", ID1);
	arrive(other, "ep-vs");
	free(other);
	assert_int_equal(nfvi_agent_migration_finish(t, "vs", &res, err, sizeof(err)), -EAGAIN);
	assert_non_null(strstr(err, "metadata"));
	assert_string_equal(state_of(t, "vs"), "incoming");
	/* abort removes that leftover domain too */
	assert_int_equal(nfvi_agent_migration_abort(t, "vs", err, sizeof(err)), 0);

	assert_int_equal(nfvi_agent_vnf_delete(t, "vr", err, sizeof(err)), 0);
	target_clean(t, inv0);
	free(inv0);
	free(xml);
	nfvi_agent_destroy(t);
}

static void
test_migrate_restart(void **st)
{
	struct nfvi_config cfg;
	struct nfvi_agent *t;
	json_t *rec;
	char err[512], *xa, *xb, *inv0;

	(void)st;
	t = target_new(&cfg);
	inv0 = inv_text(t);
	xa = prepare(t, VR("a"), ID1, &rec);
	json_decref(rec);
	xb = prepare(t, VR("b"), ID2, &rec);
	json_decref(rec);
	free(prepare(t, VR("c"), ID3, &rec));
	json_decref(rec);
	arrive(xa, "ep-a");		/* a: migrated, the agent died before finish */
	arrive(xb, "ep-b");		/* b: still migrating */
	strcpy(hv2.paused, "ep-b");
	/* c: the migration never happened */
	nfvi_agent_destroy(t);

	t = target_new(&cfg);
	assert_string_equal(state_of(t, "a"), "allocated");	/* adopted */
	rec = nfvi_agent_vnf_get(t, "a");
	assert_string_equal(json_string_value(json_object_get(rec, "desired")), "running");
	assert_int_equal(json_array_size(json_object_get(rec, "drift")), 0);
	json_decref(rec);
	assert_string_equal(state_of(t, "b"), "incoming");	/* kept for finish or abort */
	assert_string_equal(state_of(t, "c"), "(none)");	/* rolled back */
	assert_int_equal(allocated_cpus(t), 4);
	assert_int_equal(vsw_count(&vsw2), 4);
	assert_int_equal(hv_domains(&hv2), 2);

	/* an abort while in flight kills the incoming guest and releases everything */
	assert_int_equal(nfvi_agent_migration_abort(t, "b", err, sizeof(err)), 0);
	hv2.paused[0] = '\0';
	assert_int_equal(nfvi_agent_vnf_delete(t, "a", err, sizeof(err)), 0);
	target_clean(t, inv0);
	free(inv0);
	free(xa);
	free(xb);
	nfvi_agent_destroy(t);
}

/* The target agent's REST servers (unix, TCP), run by a thread while the source migrates. */
struct rest_thread {
	struct nfvi_rest *rest[2];
	volatile int stop;
	pthread_t thr;
};

static void *
rest_loop(void *arg)
{
	struct rest_thread *r = arg;

	while (!r->stop) {
		nfvi_rest_run(r->rest[0], 10);
		nfvi_rest_run(r->rest[1], 10);
	}
	return NULL;
}

/* A TCP port on 127.0.0.1 that was free a moment ago. */
static int
free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

/* One request to the target agent; its HTTP status (the body in *out when not NULL). */
static int
http(const char *target, const char *method, const char *url, const char *body, json_t **out)
{
	json_t *res = NULL;
	char err[512];
	int status = 0;

	ctl_agent_request(target, "migration-token-0123", method, url, body, 5000, &status, &res,
			  err, sizeof(err));
	if (out != NULL)
		*out = res;
	else
		json_decref(res);
	return status;
}

/*
 * migrate @p name on @p s to the target agent at @p target (QEMU's stream to
 * tcp://127.0.0.1); the action's return.
 */
static int
migrate(struct nfvi_agent *s, const char *name, const char *target, const char *token,
	json_t **res, char *err, size_t errlen)
{
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s*}", "action", "migrate", "uri",
				 "test:///default", "migrate_uri", "tcp://127.0.0.1",
				 "target_agent", target, "target_token", token);
	int ret = nfvi_agent_vnf_action(s, name, body, res, err, errlen);

	json_decref(body);
	return ret;
}

static void
test_migrate_via_agent(void **st)
{
	static const char *const bad_migrate_uris[] = {
		"", "127.0.0.1", "udp://127.0.0.1", "tcp://", "tcp://:4", "tcp://h:", "tcp://h:0",
		"tcp://h:65536", "tcp://h:+1", "tcp://h:1x", "tcp://h x", "tcp://h;id",
		"tcp://[::1", "tcp://[]:5", "tcp://h/p",
	};
	struct nfvi_config tcfg;
	struct nfvi_agent *s, *t;
	struct rest_thread rt = { 0 };
	json_t *desc = json_loads(VR("vr"), 0, NULL), *fw = json_loads(FW, 0, NULL), *rec, *res;
	json_t *body, *p;
	char err[512], target[128], tcp[64], tok[128], path[PATH_MAX];
	size_t i;
	FILE *f;

	(void)st;
	memset(&fake, 0, sizeof(fake));
	s = agent_new();
	t = target_new(&tcfg);
	snprintf(tok, sizeof(tok), "%s/token", dir);
	f = fopen(tok, "w");
	assert_non_null(f);
	fputs("migration-token-0123\n", f);
	fclose(f);
	snprintf(tcfg.token_file, sizeof(tcfg.token_file), "%s", tok);
	snprintf(tcfg.listen, sizeof(tcfg.listen), "unix:%s/agent2.sock", dir);
	snprintf(target, sizeof(target), "unix:%s/agent2.sock", dir);
	rt.rest[0] = nfvi_rest_create(t, &tcfg, err, sizeof(err));
	if (rt.rest[0] == NULL)
		fail_msg("rest: %s", err);
	snprintf(tcp, sizeof(tcp), "tcp:127.0.0.1:%d", free_port());
	snprintf(tcfg.listen, sizeof(tcfg.listen), "%s", tcp);
	rt.rest[1] = nfvi_rest_create(t, &tcfg, err, sizeof(err));
	if (rt.rest[1] == NULL)
		fail_msg("rest on %s: %s", tcp, err);
	assert_int_equal(pthread_create(&rt.thr, NULL, rest_loop, &rt), 0);
	if (nfvi_agent_vnf_create(s, desc, &rec, err, sizeof(err)) < 0)
		fail_msg("create: %s", err);
	json_decref(rec);
	hv.migrate_to = &hv2;

	/* refused before anything moves */
	assert_int_equal(migrate(s, "vr", "http://host:1", NULL, &res, err, sizeof(err)), -EINVAL);
	assert_int_equal(migrate(s, "vr", target, "has space", &res, err, sizeof(err)), -EINVAL);
	body = json_pack("{s:s, s:s, s:s, s:s}", "action", "migrate", "uri", "test:///default",
			 "target_agent", target, "dest_xml", "<domain/>");
	assert_int_equal(nfvi_agent_vnf_action(s, "vr", body, &res, err, sizeof(err)), -EINVAL);
	json_decref(body);
	for (i = 0; i < sizeof(bad_migrate_uris) / sizeof(bad_migrate_uris[0]); i++) {
		body = json_pack("{s:s, s:s, s:s, s:s}", "action", "migrate", "uri",
				 "test:///default", "target_agent", target, "migrate_uri",
				 bad_migrate_uris[i]);
		assert_int_equal(nfvi_agent_vnf_action(s, "vr", body, &res, err, sizeof(err)),
				 -EINVAL);
		assert_non_null(strstr(err, "migrate_uri"));
		json_decref(body);
	}
	if (nfvi_agent_vnf_create(s, fw, &rec, err, sizeof(err)) < 0)
		fail_msg("create: %s", err);
	json_decref(rec);
	assert_int_equal(migrate(s, "fw", target, "migration-token-0123", &res, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "hostdev"));
	assert_int_equal(nfvi_agent_vnf_delete(s, "fw", err, sizeof(err)), 0);
	/* the target refuses (bad token): an error, nothing changed on either side */
	assert_int_equal(migrate(s, "vr", target, "wrong-token-0123", &res, err, sizeof(err)),
			 -EIO);
	assert_non_null(strstr(err, "HTTP 401"));
	assert_string_equal(state_of(s, "vr"), "allocated");
	assert_int_equal(vsw_count(&vsw2), 0);

	/* libvirt fails: the target is aborted, the guest keeps running here */
	hv.fail_migrate = true;
	assert_int_equal(migrate(s, "vr", target, "migration-token-0123", &res, err, sizeof(err)),
			 -EIO);
	assert_non_null(strstr(err, "injected migrate failure"));
	hv.fail_migrate = false;
	assert_int_equal(http(target, "GET", "/v1/vnfs/vr", NULL, NULL), 404);
	assert_int_equal(vsw_count(&vsw2), 0);
	assert_int_equal(hv_domains(&hv2), 0);
	assert_string_equal(state_of(s, "vr"), "allocated");
	assert_int_equal(vsw_nports(), 2);
	assert_int_equal(n_domains(), 1);

	/* the whole flow, over TCP: prepare there, migrate, finish there, release here */
	if (migrate(s, "vr", tcp, "migration-token-0123", &res, err, sizeof(err)) < 0)
		fail_msg("migrate: %s", err);
	assert_string_equal(json_string_value(json_object_get(res, "target")), "finished");
	json_decref(res);
	assert_string_equal(state_of(s, "vr"), "(none)");
	assert_clean(s, "the source after the migration");
	assert_string_equal(hv.migrate_uri, "tcp://127.0.0.1");
	for (i = 0; i < 2; i++) {	/* libvirt got the target's XML */
		snprintf(path, sizeof(path), "\"%s/state2/vhost/vr-%zu.sock\"", dir, i);
		assert_non_null(strstr(hv.dest_xml, path));
	}

	/* migrated, but the target's finish fails (still paused there): the source is released
	 * anyway, the answer says so, and the orchestrator finishes on the target itself */
	json_object_set_new(desc, "name", json_string("vq"));
	if (nfvi_agent_vnf_create(s, desc, &rec, err, sizeof(err)) < 0)
		fail_msg("create: %s", err);
	json_decref(rec);
	strcpy(hv2.paused, "ep-vq");
	if (migrate(s, "vq", target, "migration-token-0123", &res, err, sizeof(err)) < 0)
		fail_msg("migrate: %s", err);
	assert_non_null(strstr(json_string_value(json_object_get(res, "target")), "in flight"));
	json_decref(res);
	assert_string_equal(state_of(s, "vq"), "(none)");
	assert_int_equal(http(target, "GET", "/v1/vnfs/vq", NULL, &rec), 200);
	assert_string_equal(json_string_value(json_object_get(rec, "state")), "incoming");
	json_decref(rec);
	assert_int_equal(http(target, "POST", "/v1/migrations/vq/finish", NULL, NULL), 409);
	hv2.paused[0] = '\0';
	assert_int_equal(http(target, "POST", "/v1/migrations/vq/finish", "{\"x\":1}", NULL), 400);
	assert_int_equal(http(target, "DELETE", "/v1/migrations/vq", NULL, NULL), 409);
	assert_int_equal(http(target, "POST", "/v1/migrations/vq/finish", NULL, &rec), 200);
	assert_string_equal(json_string_value(json_object_get(rec, "state")), "allocated");
	json_decref(rec);
	assert_int_equal(http(target, "DELETE", "/v1/migrations/vq", NULL, NULL), 409);
	assert_int_equal(http(target, "DELETE", "/v1/vnfs/vq", NULL, NULL), 204);
	/* the routes' other answers */
	assert_int_equal(http(target, "GET", "/v1/migrations", NULL, NULL), 405);
	assert_int_equal(http(target, "POST", "/v1/migrations", "{", NULL), 400);
	assert_int_equal(http(target, "POST", "/v1/migrations", "{\"id\":\"" ID1 "\"}", NULL),
			 400);
	assert_int_equal(http(target, "DELETE", "/v1/migrations/nope", NULL, NULL), 404);
	assert_int_equal(http(target, "DELETE", "/v1/migrations/No_pe", NULL, NULL), 400);
	assert_int_equal(http(target, "POST", "/v1/migrations/vr/other", "{}", NULL), 404);
	assert_int_equal(http(target, "GET", "/v1/migrationsx", NULL, NULL), 404);
	assert_int_equal(http(target, "GET", "/v1/migrations/vr/finish", NULL, NULL), 405);
	rt.stop = 1;
	pthread_join(rt.thr, NULL);
	nfvi_rest_destroy(rt.rest[0]);
	nfvi_rest_destroy(rt.rest[1]);

	rec = nfvi_agent_vnf_get(t, "vr");
	assert_non_null(rec);
	assert_string_equal(json_string_value(json_object_get(rec, "state")), "allocated");
	assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "vm"),
							      "state")), "running");
	json_array_foreach(json_object_get(rec, "ports"), i, p) {
		snprintf(path, sizeof(path), "%s/state2/vhost/vr-%zu.sock", dir, i);
		assert_string_equal(json_string_value(json_object_get(p, "path")), path);
	}
	json_decref(rec);
	assert_int_equal(vsw_count(&vsw2), 2);
	assert_int_equal(hv_domains(&hv2), 1);
	assert_int_equal(nfvi_agent_vnf_delete(t, "vr", err, sizeof(err)), 0);
	assert_int_equal(allocated_cpus(t), 0);
	assert_int_equal(vsw_count(&vsw2), 0);
	assert_int_equal(hv_domains(&hv2), 0);
	hv.migrate_to = NULL;
	json_decref(desc);
	json_decref(fw);
	nfvi_agent_destroy(s);
	nfvi_agent_destroy(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rollback_each_step),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_restart_reconcile),
		cmocka_unit_test(test_migrate_prepare_abort),
		cmocka_unit_test(test_migrate_finish),
		cmocka_unit_test(test_migrate_restart),
		cmocka_unit_test(test_migrate_via_agent),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
