/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_xml.c: the libvirt XML the agent writes (domain, snapshot) and the
 * metadata it reads back. Documents are built with libxml2's xmlTextWriter,
 * so every value is escaped by the writer; nothing from a request is ever
 * pasted into markup. The unit tests parse the output back with XPath.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "nfvi_priv.h"

#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

/* A writer that remembers its first failure, so the builder reads as a list. */
struct xw {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	int rc;
};

static void
check(struct xw *x, int rc)
{
	if (rc < 0 && x->rc == 0)
		x->rc = -ENOMEM;
}

static void
start(struct xw *x, const char *name)
{
	if (x->rc == 0)
		check(x, xmlTextWriterStartElement(x->w, BAD_CAST name));
}

static void
start_ns(struct xw *x, const char *prefix, const char *name, const char *uri)
{
	if (x->rc == 0)
		check(x, xmlTextWriterStartElementNS(x->w, BAD_CAST prefix, BAD_CAST name,
						     uri != NULL ? BAD_CAST uri : NULL));
}

static void
end(struct xw *x)
{
	if (x->rc == 0)
		check(x, xmlTextWriterEndElement(x->w));
}

static void
attr(struct xw *x, const char *name, const char *val)
{
	if (x->rc == 0)
		check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST val));
}

static void __attribute__((format(printf, 3, 4)))
attrf(struct xw *x, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (x->rc != 0)
		return;
	va_start(ap, fmt);
	check(x, xmlTextWriterWriteVFormatAttribute(x->w, BAD_CAST name, fmt, ap));
	va_end(ap);
}

static void
text_el(struct xw *x, const char *name, const char *text)
{
	if (x->rc == 0)
		check(x, xmlTextWriterWriteElement(x->w, BAD_CAST name, BAD_CAST text));
}

static void __attribute__((format(printf, 3, 4)))
text_elf(struct xw *x, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (x->rc != 0)
		return;
	va_start(ap, fmt);
	check(x, xmlTextWriterWriteVFormatElement(x->w, BAD_CAST name, fmt, ap));
	va_end(ap);
}

static int
xw_open(struct xw *x)
{
	memset(x, 0, sizeof(*x));
	x->buf = xmlBufferCreate();
	if (x->buf == NULL)
		return -ENOMEM;
	x->w = xmlNewTextWriterMemory(x->buf, 0);
	if (x->w == NULL) {
		xmlBufferFree(x->buf);
		return -ENOMEM;
	}
	xmlTextWriterSetIndent(x->w, 1);
	xmlTextWriterSetIndentString(x->w, BAD_CAST "  ");
	/* no XML declaration: libvirt takes the document as is */
	return 0;
}

/* Finish and return the document (malloc'd), or NULL with errno set. */
static char *
xw_close(struct xw *x)
{
	char *out = NULL;

	if (x->rc == 0 && xmlTextWriterEndDocument(x->w) < 0)
		x->rc = -ENOMEM;
	xmlFreeTextWriter(x->w);	/* flushes into buf */
	if (x->rc == 0) {
		out = strdup((const char *)xmlBufferContent(x->buf));
		if (out == NULL)
			x->rc = -ENOMEM;
	}
	xmlBufferFree(x->buf);
	if (out == NULL)
		errno = -x->rc;
	return out;
}

static void
cpuset_attr(struct xw *x, const char *name, const struct nfvi_cpuset *s)
{
	char list[1024];

	if (nfvi_cpuset_format(s, list, sizeof(list)) < 0)
		x->rc = x->rc ? x->rc : -ENOSPC;
	attr(x, name, list);
}

static void
memory_backing(struct xw *x, const struct nfvi_dom_spec *s)
{
	start(x, "memoryBacking");
	if (s->pl.hp_size >= 0) {
		start(x, "hugepages");
		start(x, "page");
		attr(x, "size", s->pl.hp_size == NFVI_HP_1G ? "1048576" : "2048");
		attr(x, "unit", "KiB");
		attr(x, "nodeset", "0");	/* guest NUMA cell 0, placed by numatune */
		end(x);
		end(x);
	} else {
		start(x, "source");
		attr(x, "type", "memfd");
		end(x);
	}
	start(x, "access");
	attr(x, "mode", "shared");	/* vhost-user: the switch maps guest RAM */
	end(x);
	end(x);
}

static void
cputune(struct xw *x, const struct nfvi_dom_spec *s)
{
	unsigned int i;

	start(x, "cputune");
	for (i = 0; i < s->vcpus; i++) {
		int pin = i < s->pl.n_vcpus ? s->pl.vcpu_pins[i] : -1;

		if (pin < 0 && nfvi_cpuset_count(&s->pl.shared_cpus) == 0)
			continue;
		start(x, "vcpupin");
		attrf(x, "vcpu", "%u", i);
		if (pin >= 0)
			attrf(x, "cpuset", "%d", pin);
		else
			cpuset_attr(x, "cpuset", &s->pl.shared_cpus);
		end(x);
	}
	if (nfvi_cpuset_count(&s->pl.emulator_cpus) > 0) {
		start(x, "emulatorpin");
		cpuset_attr(x, "cpuset", &s->pl.emulator_cpus);
		end(x);
	}
	end(x);
}

static void
os_section(struct xw *x, const struct nfvi_dom_spec *s)
{
	start(x, "os");
	start(x, "type");
	attr(x, "arch", "x86_64");
	if (x->rc == 0)
		check(x, xmlTextWriterWriteString(x->w, BAD_CAST "hvm"));
	end(x);
	if (s->disk != NULL) {
		start(x, "boot");
		attr(x, "dev", "hd");
		end(x);
	} else {
		char *cmdline = NULL;
		const char *base = s->cmdline != NULL ? s->cmdline : "";

		text_el(x, "kernel", s->kernel);
		if (s->initrd != NULL)
			text_el(x, "initrd", s->initrd);
		/* TCG: QEMU 7.2 segfaults when virtio-net on vhost-user starts with MSI-X */
		if (!s->kvm) {
			if (asprintf(&cmdline, "%s%spci=nomsi", base, base[0] ? " " : "") < 0)
				x->rc = x->rc ? x->rc : -ENOMEM;
			else
				text_el(x, "cmdline", cmdline);
			free(cmdline);
		} else if (base[0] != '\0') {
			text_el(x, "cmdline", base);
		}
	}
	end(x);
}

static int
pci_attrs(struct xw *x, const char *pci)
{
	unsigned int dom, bus, slot, fn;
	char extra;

	if (sscanf(pci, "%x:%x:%x.%x%c", &dom, &bus, &slot, &fn, &extra) != 4 || dom > 0xffff ||
	    bus > 0xff || slot > 0x1f || fn > 7)
		return -EINVAL;
	start(x, "address");
	attr(x, "type", "pci");
	attrf(x, "domain", "0x%04x", dom);
	attrf(x, "bus", "0x%02x", bus);
	attrf(x, "slot", "0x%02x", slot);
	attrf(x, "function", "0x%x", fn);
	end(x);
	return 0;
}

static int
devices(struct xw *x, const struct nfvi_dom_spec *s, char *err, size_t errlen)
{
	unsigned int i;

	start(x, "devices");
	if (s->disk != NULL) {
		size_t len = strlen(s->disk);

		start(x, "disk");
		attr(x, "type", "file");
		attr(x, "device", "disk");
		start(x, "driver");
		attr(x, "name", "qemu");
		attr(x, "type", len > 6 && strcmp(s->disk + len - 6, ".qcow2") == 0 ? "qcow2" : "raw");
		end(x);
		start(x, "source");
		attr(x, "file", s->disk);
		end(x);
		start(x, "target");
		attr(x, "dev", "vda");
		attr(x, "bus", "virtio");
		end(x);
		end(x);
	}
	for (i = 0; i < s->n_nics; i++) {
		const struct nfvi_dom_nic *n = &s->nics[i];

		start(x, "interface");
		if (n->type == NFVI_NIC_VHOST_USER) {
			attr(x, "type", "vhostuser");
			start(x, "mac");
			attr(x, "address", n->mac);
			end(x);
			start(x, "source");
			attr(x, "type", "unix");
			attr(x, "path", n->path);
			attr(x, "mode", "server");	/* the switch is the client and reconnects */
			end(x);
			start(x, "model");
			attr(x, "type", "virtio");
			end(x);
			start(x, "driver");
			attrf(x, "queues", "%u", n->queues ? n->queues : 1);
			attr(x, "rx_queue_size", "1024");
			attr(x, "tx_queue_size", "1024");
			end(x);
		} else {
			attr(x, "type", "hostdev");
			attr(x, "managed", "no");	/* the agent binds vfio-pci itself */
			start(x, "mac");
			attr(x, "address", n->mac);
			end(x);
			start(x, "source");
			if (pci_attrs(x, n->pci) < 0)
				return nfvi_seterr(-EINVAL, err, errlen, "nic %u: bad PCI address '%s'",
						   i, n->pci);
			end(x);
		}
		start(x, "alias");
		attrf(x, "name", "ua-nic%u", i);	/* user alias: qemu:override refers to it */
		end(x);
		end(x);
	}
	start(x, "serial");
	attr(x, "type", "file");
	start(x, "source");
	attr(x, "path", s->console_log);
	end(x);
	start(x, "target");
	attr(x, "port", "0");
	end(x);
	end(x);
	start(x, "memballoon");
	attr(x, "model", "none");	/* pinned hugepage memory is not ballooned */
	end(x);
	end(x);
	return 0;
}

/* TCG + disk boot: no kernel command line to append pci=nomsi to, so turn
 * MSI-X off on each vhost-user NIC (vectors=0; taints the domain). */
static void
qemu_override(struct xw *x, const struct nfvi_dom_spec *s)
{
	unsigned int i;

	start_ns(x, "qemu", "override", NULL);
	for (i = 0; i < s->n_nics; i++) {
		if (s->nics[i].type != NFVI_NIC_VHOST_USER)
			continue;
		start_ns(x, "qemu", "device", NULL);
		attrf(x, "alias", "ua-nic%u", i);
		start_ns(x, "qemu", "frontend", NULL);
		start_ns(x, "qemu", "property", NULL);
		attr(x, "name", "vectors");
		attr(x, "type", "unsigned");
		attr(x, "value", "0");
		end(x);
		end(x);
		end(x);
	}
	end(x);
}

char *
nfvi_domain_xml(const struct nfvi_dom_spec *s, char *err, size_t errlen)
{
	bool override = !s->kvm && s->disk != NULL;
	struct xw x;
	int ret;

	if (s->name[0] == '\0' || s->vcpus == 0 || s->memory_mb == 0 ||
	    (s->kernel == NULL) == (s->disk == NULL)) {
		nfvi_seterr(0, err, errlen, "domain spec incomplete");
		errno = EINVAL;
		return NULL;
	}
	ret = xw_open(&x);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	start(&x, "domain");
	attr(&x, "type", s->kvm ? "kvm" : "qemu");
	if (override)
		attr(&x, "xmlns:qemu", QEMU_NS);
	text_el(&x, "name", s->name);
	text_el(&x, "uuid", s->id);
	start(&x, "metadata");
	start_ns(&x, "ep", "vnf", NFVI_NS_VNF);
	start_ns(&x, "ep", "name", NULL);
	if (x.rc == 0)
		check(&x, xmlTextWriterWriteString(x.w, BAD_CAST s->vnf));
	end(&x);
	start_ns(&x, "ep", "id", NULL);
	if (x.rc == 0)
		check(&x, xmlTextWriterWriteString(x.w, BAD_CAST s->id));
	end(&x);
	end(&x);
	end(&x);
	start(&x, "memory");
	attr(&x, "unit", "MiB");
	if (x.rc == 0)
		check(&x, xmlTextWriterWriteFormatString(x.w, "%u", s->memory_mb));
	end(&x);
	memory_backing(&x, s);
	start(&x, "vcpu");
	attr(&x, "placement", "static");
	if (x.rc == 0)
		check(&x, xmlTextWriterWriteFormatString(x.w, "%u", s->vcpus));
	end(&x);
	cputune(&x, s);
	start(&x, "numatune");
	start(&x, "memory");
	attr(&x, "mode", "strict");
	attrf(&x, "nodeset", "%d", s->pl.node);
	end(&x);
	end(&x);
	os_section(&x, s);
	start(&x, "features");
	start(&x, "acpi");	/* a graceful stop is an ACPI power button */
	end(&x);
	end(&x);
	start(&x, "cpu");
	attr(&x, "mode", s->kvm ? "host-passthrough" : "maximum");
	start(&x, "numa");
	start(&x, "cell");
	attr(&x, "id", "0");
	attrf(&x, "cpus", s->vcpus > 1 ? "0-%u" : "%u", s->vcpus > 1 ? s->vcpus - 1 : 0);
	attrf(&x, "memory", "%u", s->memory_mb);
	attr(&x, "unit", "MiB");
	attr(&x, "memAccess", "shared");
	end(&x);
	end(&x);
	end(&x);
	start(&x, "clock");
	attr(&x, "offset", "utc");
	end(&x);
	text_el(&x, "on_poweroff", "destroy");
	text_el(&x, "on_reboot", "restart");
	text_el(&x, "on_crash", "destroy");
	ret = devices(&x, s, err, errlen);
	if (ret == 0 && override)
		qemu_override(&x, s);
	end(&x);
	if (ret < 0) {
		xmlFreeTextWriter(x.w);
		xmlBufferFree(x.buf);
		errno = -ret;
		return NULL;
	}
	return xw_close(&x);
}

char *
nfvi_snapshot_xml(const char *name, const char *memory_file)
{
	struct xw x;
	int ret = xw_open(&x);

	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	start(&x, "domainsnapshot");
	text_el(&x, "name", name);
	text_elf(&x, "description", "edgeplane-agent snapshot %s", name);
	start(&x, "memory");
	attr(&x, "snapshot", "external");
	attr(&x, "file", memory_file);
	end(&x);
	end(&x);
	return xw_close(&x);
}

int
nfvi_metadata_parse(const char *xml, char *vnf, size_t vnf_size, char *id, size_t id_size)
{
	xmlDocPtr doc;
	xmlNodePtr root, n;
	int found = 0;

	vnf[0] = id[0] = '\0';
	doc = xmlReadMemory(xml, (int)strlen(xml), "metadata.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return -EINVAL;
	root = xmlDocGetRootElement(doc);
	for (n = root != NULL ? root->children : NULL; n != NULL; n = n->next) {
		xmlChar *t;
		bool is_name, is_id;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		is_name = xmlStrcmp(n->name, BAD_CAST "name") == 0;
		is_id = xmlStrcmp(n->name, BAD_CAST "id") == 0;
		if (!is_name && !is_id)
			continue;
		t = xmlNodeGetContent(n);
		if (t == NULL)
			continue;
		if (is_name && strlen((const char *)t) < vnf_size) {
			strcpy(vnf, (const char *)t);
			found |= 1;
		} else if (is_id && strlen((const char *)t) < id_size) {
			strcpy(id, (const char *)t);
			found |= 2;
		}
		xmlFree(t);
	}
	xmlFreeDoc(doc);
	return found == 3 && nfvi_name_valid(vnf) ? 0 : -EINVAL;
}
