/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_libvirt.c: the hypervisor provider on libvirt's C API, and the KVM
 * probe that decides between domain type kvm and qemu (TCG).
 *
 * The connection is opened lazily and again when libvirtd went away, so the
 * agent starts (and serves its inventory) while libvirtd is down; calls
 * then fail with -EIO and a reason. libvirt's default error printer is
 * silenced: every error is returned to the caller with its message.
 * Domains are found by name; the agent's own are recognised by their
 * metadata element in the NFVI_NS_VNF namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "nfvi_priv.h"

struct nfvi_libvirt {
	char uri[256];
	virConnectPtr conn;
};

static void
silent(void *data, virErrorPtr e)
{
	(void)data;
	(void)e;
}

struct nfvi_libvirt *
nfvi_libvirt_new(const char *uri)
{
	struct nfvi_libvirt *lv = calloc(1, sizeof(*lv));

	if (lv == NULL)
		return NULL;
	if (strlen(uri) >= sizeof(lv->uri)) {
		free(lv);
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(lv->uri, uri);
	virSetErrorFunc(NULL, silent);
	return lv;
}

void
nfvi_libvirt_free(struct nfvi_libvirt *lv)
{
	if (lv == NULL)
		return;
	if (lv->conn != NULL)
		virConnectClose(lv->conn);
	free(lv);
}

/* The libvirt error as -errno, its message in err. */
static int
lv_err(char *err, size_t errlen, const char *what)
{
	virErrorPtr e = virGetLastError();
	int ret = -EIO;

	if (e != NULL && (e->code == VIR_ERR_NO_DOMAIN || e->code == VIR_ERR_NO_DOMAIN_SNAPSHOT))
		ret = -ENOENT;
	else if (e != NULL && e->code == VIR_ERR_OPERATION_TIMEOUT)
		ret = -ETIMEDOUT;
	return nfvi_seterr(ret, err, errlen, "libvirt: %s: %s", what,
			   e != NULL && e->message != NULL ? e->message : "unknown error");
}

static virConnectPtr
conn(struct nfvi_libvirt *lv, char *err, size_t errlen)
{
	if (lv->conn != NULL && virConnectIsAlive(lv->conn) == 1)
		return lv->conn;
	if (lv->conn != NULL) {
		virConnectClose(lv->conn);
		lv->conn = NULL;
	}
	lv->conn = virConnectOpen(lv->uri);
	if (lv->conn == NULL)
		lv_err(err, errlen, lv->uri);
	return lv->conn;
}

static virDomainPtr
lookup(struct nfvi_libvirt *lv, const char *name, int *ret, char *err, size_t errlen)
{
	virConnectPtr c = conn(lv, err, errlen);
	virDomainPtr d;

	if (c == NULL) {
		*ret = -EIO;
		return NULL;
	}
	d = virDomainLookupByName(c, name);
	if (d == NULL)
		*ret = lv_err(err, errlen, name);
	return d;
}

static int
lv_define(void *ctx, const char *xml, char *err, size_t errlen)
{
	virConnectPtr c = conn(ctx, err, errlen);
	virDomainPtr d;

	if (c == NULL)
		return -EIO;
	d = virDomainDefineXML(c, xml);
	if (d == NULL)
		return lv_err(err, errlen, "define");
	virDomainFree(d);
	return 0;
}

static int
lv_start(void *ctx, const char *name, char *err, size_t errlen)
{
	virDomainPtr d;
	int ret = 0;

	d = lookup(ctx, name, &ret, err, errlen);
	if (d == NULL)
		return ret;
	if (virDomainIsActive(d) != 1 && virDomainCreate(d) < 0)
		ret = lv_err(err, errlen, "start");
	virDomainFree(d);
	return ret;
}

static int
lv_stop(void *ctx, const char *name, unsigned int grace_ms, char *err, size_t errlen)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	unsigned int waited = 0;
	virDomainPtr d;
	int ret = 0;

	d = lookup(ctx, name, &ret, err, errlen);
	if (d == NULL)
		return ret;
	if (virDomainIsActive(d) == 1 && grace_ms > 0 && virDomainShutdown(d) == 0) {
		while (waited < grace_ms && virDomainIsActive(d) == 1) {
			nanosleep(&tick, NULL);
			waited += 100;
		}
	}
	if (virDomainIsActive(d) == 1 && virDomainDestroy(d) < 0 && virDomainIsActive(d) == 1)
		ret = lv_err(err, errlen, "destroy");
	virDomainFree(d);
	return ret;
}

static int
lv_remove(void *ctx, const char *name, char *err, size_t errlen)
{
	virDomainPtr d;
	int ret = 0;

	d = lookup(ctx, name, &ret, err, errlen);
	if (d == NULL)
		return ret == -ENOENT ? 0 : ret;
	if (virDomainIsActive(d) == 1 && virDomainDestroy(d) < 0 && virDomainIsActive(d) == 1) {
		ret = lv_err(err, errlen, "destroy");
	} else if (virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
					  VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
					  VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA) < 0 &&
		   /* drivers without checkpoints (test:///default) refuse that flag */
		   virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
					  VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) < 0 &&
		   virDomainUndefine(d) < 0) {
		ret = lv_err(err, errlen, "undefine");
		if (ret == -ENOENT)
			ret = 0;
	}
	virDomainFree(d);
	return ret;
}

static const char *
state_name(int st)
{
	switch (st) {
	case VIR_DOMAIN_RUNNING: return "running";
	case VIR_DOMAIN_BLOCKED: return "blocked";
	case VIR_DOMAIN_PAUSED: return "paused";
	case VIR_DOMAIN_SHUTDOWN: return "shutdown";
	case VIR_DOMAIN_SHUTOFF: return "shutoff";
	case VIR_DOMAIN_CRASHED: return "crashed";
	case VIR_DOMAIN_PMSUSPENDED: return "pmsuspended";
	default: return "nostate";
	}
}

static int
lv_state(void *ctx, const char *name, char *buf, size_t size)
{
	virDomainPtr d;
	int ret = 0, st, reason;

	d = lookup(ctx, name, &ret, NULL, 0);
	if (d == NULL)
		return ret;
	if (virDomainGetState(d, &st, &reason, 0) < 0)
		ret = lv_err(NULL, 0, "state");
	else
		snprintf(buf, size, "%s", state_name(st));
	virDomainFree(d);
	return ret;
}

static int
lv_list(void *ctx, json_t **out, char *err, size_t errlen)
{
	virConnectPtr c = conn(ctx, err, errlen);
	virDomainPtr *doms = NULL;
	json_t *arr;
	int n, i;

	*out = NULL;
	if (c == NULL)
		return -EIO;
	n = virConnectListAllDomains(c, &doms, 0);
	if (n < 0)
		return lv_err(err, errlen, "list domains");
	arr = json_array();
	for (i = 0; i < n; i++) {
		char *md = virDomainGetMetadata(doms[i], VIR_DOMAIN_METADATA_ELEMENT, NFVI_NS_VNF,
						0);
		char vnf[NFVI_NAME_MAX + 1], id[NFVI_UUID_SIZE];

		if (md != NULL && arr != NULL &&
		    nfvi_metadata_parse(md, vnf, sizeof(vnf), id, sizeof(id)) == 0)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "domain",
							     virDomainGetName(doms[i]), "vnf", vnf,
							     "id", id, "active",
							     virDomainIsActive(doms[i]) == 1));
		free(md);
		virDomainFree(doms[i]);
	}
	free(doms);
	if (arr == NULL)
		return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
	*out = arr;
	return 0;
}

static int
lv_snapshot(void *ctx, const char *name, const char *xml, char *err, size_t errlen)
{
	virDomainSnapshotPtr snap;
	virDomainPtr d;
	int ret = 0;

	d = lookup(ctx, name, &ret, err, errlen);
	if (d == NULL)
		return ret;
	snap = virDomainSnapshotCreateXML(d, xml, 0);
	if (snap == NULL)
		ret = lv_err(err, errlen, "snapshot");
	else
		virDomainSnapshotFree(snap);
	virDomainFree(d);
	return ret;
}

static int
lv_migrate(void *ctx, const char *name, const char *uri, const char *migrate_uri,
	   const char *dest_xml, char *err, size_t errlen)
{
	virTypedParameterPtr params = NULL;
	int nparams = 0, maxparams = 0, ret = 0;
	virDomainPtr d;

	d = lookup(ctx, name, &ret, err, errlen);
	if (d == NULL)
		return ret;
	if ((dest_xml != NULL &&
	     virTypedParamsAddString(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_DEST_XML,
				     dest_xml) < 0) ||
	    (migrate_uri != NULL &&
	     virTypedParamsAddString(&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_URI,
				     migrate_uri) < 0)) {
		virTypedParamsFree(params, nparams);
		virDomainFree(d);
		return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
	}
	if (virDomainMigrateToURI3(d, uri, params, (unsigned int)nparams,
				   VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER |
				   VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE) < 0)
		ret = lv_err(err, errlen, "migrate");
	virTypedParamsFree(params, nparams);
	virDomainFree(d);
	return ret;
}

const struct nfvi_hv_ops nfvi_hv_libvirt_ops = {
	.name = "libvirt",
	.define = lv_define,
	.start = lv_start,
	.stop = lv_stop,
	.remove = lv_remove,
	.state = lv_state,
	.list = lv_list,
	.snapshot = lv_snapshot,
	.migrate = lv_migrate,
};

#define MSR_IA32_ARCH_CAPABILITIES 0x10a

/* Does the system fd list @p msr among the feature MSRs? */
static bool
has_feature_msr(int kvm, uint32_t msr)
{
	struct kvm_msr_list probe = { .nmsrs = 0 }, *list;
	bool found = false;
	uint32_t i;

	if (ioctl(kvm, KVM_GET_MSR_FEATURE_INDEX_LIST, &probe) == 0 || errno != E2BIG)
		return false;
	list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(uint32_t));
	if (list == NULL)
		return false;
	list->nmsrs = probe.nmsrs;
	if (ioctl(kvm, KVM_GET_MSR_FEATURE_INDEX_LIST, list) == 0)
		for (i = 0; i < list->nmsrs; i++)
			found |= list->indices[i] == msr;
	free(list);
	return found;
}

bool
nfvi_kvm_usable(void)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} msrs;
	int kvm, vm = -1, vcpu = -1;
	bool ok = false;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return false;
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		goto out;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		goto out;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		goto out;
	ok = true;
	if (has_feature_msr(kvm, MSR_IA32_ARCH_CAPABILITIES)) {
		/* what QEMU does for -cpu host: read the host value, write it to the vCPU */
		memset(&msrs, 0, sizeof(msrs));
		msrs.hdr.nmsrs = 1;
		msrs.e.index = MSR_IA32_ARCH_CAPABILITIES;
		ok = ioctl(kvm, KVM_GET_MSRS, &msrs) == 1 && ioctl(vcpu, KVM_SET_MSRS, &msrs) == 1;
	}
out:
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	close(kvm);
	return ok;
}
