/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_nfvi_xml.c: the libvirt domain XML for every policy combination
 * (cpu policy x thread policy x emulator policy x page size x KVM/TCG x
 * kernel/disk boot), placed by the real allocator on a fake host and
 * checked by parsing the XML back with libxml2 and XPath: pins, numatune,
 * memory backing, vhost-user and hostdev interfaces, the TCG workaround
 * only under TCG, metadata, and escaping of hostile strings.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nfvi_test.h"
#include "nfvi_test_xml.h"

struct host {
	char dir[64];
	struct nfvi_inventory *inv;
	struct nfvi_reservation res;
};

static int
setup(void **state)
{
	static struct host h;
	char sys[128], err[256];

	mk_tree("--nodes 2 --cores 4 --smt 2 --hp2m 1024 --hp1g 8 --pf ens1f0:1:4", h.dir,
		sizeof(h.dir), sys, sizeof(sys));
	h.inv = nfvi_inventory_load(sys, err, sizeof(err));
	assert_non_null(h.inv);
	memset(&h.res, 0, sizeof(h.res));
	nfvi_cpuset_parse("0,8", &h.res.host_cpus);
	*state = &h;
	return 0;
}

static int
teardown(void **state)
{
	struct host *h = *state;

	nfvi_inventory_free(h->inv);
	rm_tree(h->dir);
	return 0;
}

/* Place @p json on the fake host and fill a spec the way the agent does. */
static void
spec_of(struct host *h, const char *json, bool kvm, bool disk, struct nfvi_dom_spec *s,
	struct nfvi_vnf_desc *d)
{
	struct nfvi_usage used;
	char err[512];
	json_t *j = json_loads(json, 0, NULL);
	unsigned int i;
	uint8_t mac[6];

	assert_non_null(j);
	if (nfvi_desc_parse(j, d, NULL, err, sizeof(err)) < 0)
		fail_msg("descriptor: %s", err);
	json_decref(j);
	memset(s, 0, sizeof(*s));
	nfvi_usage_init(&used);
	if (nfvi_alloc_place(h->inv, &h->res, &used, d, &s->pl, err, sizeof(err)) < 0)
		fail_msg("place: %s", err);
	nfvi_usage_fini(&used);
	snprintf(s->name, sizeof(s->name), "ep-%s", d->name);
	snprintf(s->vnf, sizeof(s->vnf), "%s", d->name);
	strcpy(s->id, "0a1b2c3d-0000-4000-8000-00000000abcd");
	s->kvm = kvm;
	s->vcpus = d->vcpus;
	s->memory_mb = d->memory_mb;
	if (disk) {
		s->disk = "/img/fw.qcow2";
	} else {
		s->kernel = "/img/vmlinux";
		s->initrd = "/img/initrd.cpio";
		s->cmdline = "console=ttyS0 ep.role=bridge";
	}
	strcpy(s->console_log, "/state/console/fw.log");
	for (i = 0; i < d->n_nics; i++) {
		struct nfvi_dom_nic *n = &s->nics[s->n_nics++];

		n->type = d->nics[i].type;
		mac[0] = 0x02;
		mac[1] = mac[2] = mac[3] = mac[4] = 0;
		mac[5] = (uint8_t)i;
		snprintf(n->mac, sizeof(n->mac), "02:00:00:00:00:%02x", mac[5]);
		n->queues = d->nics[i].queues;
		if (n->type == NFVI_NIC_VHOST_USER)
			snprintf(n->path, sizeof(n->path), "/state/vhost/fw-%u.sock", i);
	}
	for (i = 0; i < s->pl.n_vfs; i++)
		snprintf(s->nics[s->pl.vfs[i].nic].pci, NFVI_PCI_ADDR_SIZE, "%s", s->pl.vfs[i].pci);
}

static void
check_common(struct doc *x, const struct nfvi_dom_spec *s, const struct nfvi_vnf_desc *d)
{
	char list[256];
	unsigned int i;

	assert_string_equal(xs(x, "string(/domain/@type)"), s->kvm ? "kvm" : "qemu");
	assert_string_equal(xs(x, "string(/domain/name)"), s->name);
	assert_string_equal(xs(x, "string(/domain/uuid)"), s->id);
	assert_string_equal(xs(x, "string(/domain/metadata/ep:vnf/ep:name)"), d->name);
	assert_string_equal(xs(x, "string(/domain/metadata/ep:vnf/ep:id)"), s->id);
	assert_int_equal(xn(x, "number(/domain/memory[@unit='MiB'])"), d->memory_mb);
	assert_int_equal(xn(x, "number(/domain/vcpu)"), d->vcpus);
	assert_string_equal(xs(x, "string(/domain/memoryBacking/access/@mode)"), "shared");
	assert_string_equal(xs(x, "string(/domain/cpu/numa/cell/@memAccess)"), "shared");
	assert_int_equal(xn(x, "number(/domain/cpu/numa/cell/@memory)"), d->memory_mb);
	assert_string_equal(xs(x, "string(/domain/cpu/@mode)"),
			    s->kvm ? "host-passthrough" : "maximum");
	assert_string_equal(xs(x, "string(/domain/numatune/memory/@mode)"), "strict");
	assert_int_equal(xn(x, "number(/domain/numatune/memory/@nodeset)"), s->pl.node);
	if (s->pl.hp_size >= 0) {
		assert_string_equal(xs(x, "string(/domain/memoryBacking/hugepages/page/@size)"),
				    s->pl.hp_size == NFVI_HP_1G ? "1048576" : "2048");
		assert_string_equal(xs(x, "string(/domain/memoryBacking/hugepages/page/@unit)"),
				    "KiB");
		assert_int_equal(xn(x, "count(/domain/memoryBacking/source)"), 0);
	} else {
		assert_int_equal(xn(x, "count(/domain/memoryBacking/hugepages)"), 0);
		assert_string_equal(xs(x, "string(/domain/memoryBacking/source/@type)"), "memfd");
	}
	/* one vcpupin per vCPU: the placement's host CPU, or the shared set */
	assert_int_equal(xn(x, "count(/domain/cputune/vcpupin)"), d->vcpus);
	for (i = 0; i < d->vcpus; i++) {
		if (s->pl.vcpu_pins[i] >= 0)
			snprintf(list, sizeof(list), "%d", s->pl.vcpu_pins[i]);
		else
			nfvi_cpuset_format(&s->pl.shared_cpus, list, sizeof(list));
		assert_string_equal(xs(x, "string(/domain/cputune/vcpupin[@vcpu='%u']/@cpuset)", i),
				    list);
	}
	nfvi_cpuset_format(&s->pl.emulator_cpus, list, sizeof(list));
	assert_string_equal(xs(x, "string(/domain/cputune/emulatorpin/@cpuset)"), list);
	/* NICs */
	for (i = 0; i < d->n_nics; i++) {
		unsigned int k = i + 1;

		assert_string_equal(xs(x, "string(/domain/devices/interface[%u]/mac/@address)", k),
				    s->nics[i].mac);
		if (d->nics[i].type == NFVI_NIC_VHOST_USER) {
			assert_string_equal(xs(x, "string(/domain/devices/interface[%u]/@type)", k),
					    "vhostuser");
			assert_string_equal(xs(x, "string(/domain/devices/interface[%u]/source/"
					       "@mode)", k), "server");
			assert_string_equal(xs(x, "string(/domain/devices/interface[%u]/source/"
					       "@type)", k), "unix");
			assert_string_equal(xs(x, "string(/domain/devices/interface[%u]/source/"
					       "@path)", k), s->nics[i].path);
			assert_string_equal(xs(x, "string(/domain/devices/interface[%u]/model/"
					       "@type)", k), "virtio");
			assert_int_equal(xn(x, "number(/domain/devices/interface[%u]/driver/"
					    "@queues)", k), d->nics[i].queues);
			assert_int_equal(xn(x, "number(/domain/devices/interface[%u]/driver/"
					    "@rx_queue_size)", k), 1024);
			assert_int_equal(xn(x, "number(/domain/devices/interface[%u]/driver/"
					    "@tx_queue_size)", k), 1024);
		} else {
			unsigned int dom, bus, slot, fn;

			assert_int_equal(sscanf(s->nics[i].pci, "%x:%x:%x.%x", &dom, &bus, &slot,
						&fn), 4);
			assert_string_equal(xs(x, "string(/domain/devices/interface[%u]/@type)", k),
					    "hostdev");
			assert_int_equal(strtol(xs(x, "string(/domain/devices/interface[%u]/source/"
						   "address/@bus)", k), NULL, 16), bus);
			assert_int_equal(strtol(xs(x, "string(/domain/devices/interface[%u]/source/"
						   "address/@slot)", k), NULL, 16), slot);
			assert_int_equal(strtol(xs(x, "string(/domain/devices/interface[%u]/source/"
						   "address/@function)", k), NULL, 16), fn);
		}
	}
	assert_string_equal(xs(x, "string(/domain/devices/serial[@type='file']/source/@path)"),
			    s->console_log);
	/* the TCG workaround only under TCG */
	if (s->disk != NULL) {
		assert_string_equal(xs(x, "string(/domain/devices/disk/source/@file)"), s->disk);
		assert_string_equal(xs(x, "string(/domain/devices/disk/driver/@type)"), "qcow2");
		assert_int_equal(xn(x, "count(/domain/os/cmdline)"), 0);
		assert_int_equal(xn(x, "count(/domain/qemu:override/qemu:device/qemu:frontend/"
				    "qemu:property[@name='vectors' and @value='0'])"),
				 s->kvm ? 0 : 2);
	} else {
		assert_string_equal(xs(x, "string(/domain/os/kernel)"), s->kernel);
		assert_string_equal(xs(x, "string(/domain/os/initrd)"), s->initrd);
		assert_string_equal(xs(x, "string(/domain/os/cmdline)"),
				    s->kvm ? "console=ttyS0 ep.role=bridge" :
				    "console=ttyS0 ep.role=bridge pci=nomsi");
		assert_int_equal(xn(x, "count(/domain/qemu:override)"), 0);
	}
}

static void
test_policy_matrix(void **state)
{
	static const char *const cpu[] = {
		"\"hw:cpu_policy\":\"dedicated\",\"hw:cpu_thread_policy\":\"prefer\","
		"\"hw:emulator_threads_policy\":\"share\"",
		"\"hw:cpu_policy\":\"dedicated\",\"hw:cpu_thread_policy\":\"isolate\","
		"\"hw:emulator_threads_policy\":\"isolate\"",
		"\"hw:cpu_policy\":\"dedicated\",\"hw:cpu_thread_policy\":\"require\","
		"\"hw:emulator_threads_policy\":\"share\"",
		"\"hw:cpu_policy\":\"shared\"",
	};
	static const char *const pages[] = { "2MB", "1GB", "small", "large", "any" };
	struct host *h = *state;
	unsigned int c, p, v, n = 0;

	for (c = 0; c < sizeof(cpu) / sizeof(cpu[0]); c++) {
		for (p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
			for (v = 0; v < 4; v++) {
				struct nfvi_dom_spec s;
				struct nfvi_vnf_desc d;
				char json[1024], err[256], *xml;
				struct doc x;

				snprintf(json, sizeof(json),
					 "{\"name\":\"fw\",\"vcpus\":3,\"memory_mb\":2048,%s,"
					 "\"hw:mem_page_size\":\"%s\",\"nics\":["
					 "{\"type\":\"vhost-user\",\"bridge\":\"br0\",\"vlan\":10},"
					 "{\"type\":\"sriov-vf\",\"pf\":\"ens1f0\"},"
					 "{\"type\":\"vhost-user\",\"bridge\":\"br0\",\"queues\":2}],"
					 "\"image\":{\"disk\":\"/d\"}}", cpu[c], pages[p]);
				spec_of(h, json, v & 1, v & 2, &s, &d);
				xml = nfvi_domain_xml(&s, err, sizeof(err));
				if (xml == NULL)
					fail_msg("xml: %s", err);
				doc_parse(&x, xml);
				check_common(&x, &s, &d);
				doc_free(&x);
				free(xml);
				n++;
			}
		}
	}
	assert_int_equal(n, 80);
}

/* Hostile strings are escaped by the writer and come back verbatim. */
static void
test_escaping(void **state)
{
	struct host *h = *state;
	struct nfvi_dom_spec s;
	struct nfvi_vnf_desc d;
	char err[256], *xml, vnf[64], id[64];
	struct doc x;

	spec_of(h, "{\"name\":\"fw\",\"vcpus\":1,\"memory_mb\":64,\"hw:mem_page_size\":\"small\","
		"\"image\":{\"kernel\":\"/k\"}}", false, false, &s, &d);
	s.cmdline = "a<b & \"c\" 'd' ]]> </cmdline><evil/>";
	s.kernel = "/img/x'y\"&<z>";
	xml = nfvi_domain_xml(&s, err, sizeof(err));
	assert_non_null(xml);
	assert_null(strstr(xml, "<evil/>"));
	doc_parse(&x, xml);
	assert_string_equal(xs(&x, "string(/domain/os/cmdline)"),
			    "a<b & \"c\" 'd' ]]> </cmdline><evil/> pci=nomsi");
	assert_string_equal(xs(&x, "string(/domain/os/kernel)"), "/img/x'y\"&<z>");
	assert_int_equal(xn(&x, "count(//evil)"), 0);
	assert_int_equal(xn(&x, "count(/domain/cputune/vcpupin)"), 1);
	doc_free(&x);
	free(xml);

	/* the metadata element as libvirt returns it */
	assert_int_equal(nfvi_metadata_parse("<vnf xmlns=\"" NFVI_NS_VNF "\"><name>fw</name>"
					     "<id>abc</id></vnf>", vnf, sizeof(vnf), id,
					     sizeof(id)), 0);
	assert_string_equal(vnf, "fw");
	assert_string_equal(id, "abc");
	assert_int_equal(nfvi_metadata_parse("<vnf><name>Bad Name</name><id>x</id></vnf>", vnf,
					     sizeof(vnf), id, sizeof(id)), -EINVAL);
	assert_int_equal(nfvi_metadata_parse("<vnf", vnf, sizeof(vnf), id, sizeof(id)), -EINVAL);

	/* incomplete specs and bad PCI addresses are refused */
	s.kernel = NULL;
	assert_null(nfvi_domain_xml(&s, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	s.kernel = "/k";
	s.n_nics = 1;
	s.nics[0].type = NFVI_NIC_SRIOV_VF;
	strcpy(s.nics[0].pci, "zz:1");
	assert_null(nfvi_domain_xml(&s, err, sizeof(err)));
	assert_non_null(strstr(err, "PCI"));

	xml = nfvi_snapshot_xml("s1<", "/state/snapshots/fw/s1.mem");
	assert_non_null(xml);
	doc_parse(&x, xml);
	assert_string_equal(xs(&x, "string(/domainsnapshot/name)"), "s1<");
	assert_string_equal(xs(&x, "string(/domainsnapshot/memory/@snapshot)"), "external");
	assert_string_equal(xs(&x, "string(/domainsnapshot/memory/@file)"),
			    "/state/snapshots/fw/s1.mem");
	doc_free(&x);
	free(xml);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_matrix),
		cmocka_unit_test(test_escaping),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
