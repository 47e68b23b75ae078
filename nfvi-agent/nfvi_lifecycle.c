/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_lifecycle.c: running a VNF as a guest. nfvi_agent.c places and
 * journals; this file does the side effects around the VFs:
 *
 *   create: journal step "ports"  -> port.add (vhost-user-client) per vhost NIC
 *           journal step "vfs"    -> VF configure + bind
 *           journal step "define" -> virDomainDefineXML
 *           journal step "start"  -> virDomainCreate
 *   undo:   destroy + undefine -> VF unbind + reset -> port.del -> socket files
 *
 * Ports come before the domain (../shared/PLATFORM.md): QEMU owns each
 * vhost-user socket (server) and virDomainCreate blocks until the switch,
 * which retries every second as the client, connects. Every undo step is
 * idempotent and safe on things that never existed, so a rollback, a
 * DELETE and a restart after a crash all run the same nfvi_lc_undo();
 * the journaled step says how far a create got, for people. A port is
 * only deleted when it carries the socket path the agent chose, and a
 * domain only when its metadata names a VNF without a record (sweep) or
 * it is the record's own domain. The target of a live migration runs the
 * same create without its last two steps (nfvi_migrate.c): libvirt brings
 * the domain.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nfvi_priv.h"

#define DEFAULT_GRACE_S 10
#define MAX_GRACE_S 300

/* <state_dir>/<sub>[/<name>], created (mode 0750) when @p mk. */
static int
state_path(const struct nfvi_agent *a, const char *sub, const char *name, char *buf,
	   size_t size, bool mk)
{
	int n = snprintf(buf, size, "%s/%s", a->cfg.state_dir, sub);

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	if (mk && mkdir(buf, 0750) < 0 && errno != EEXIST)
		return -errno;
	if (name == NULL)
		return 0;
	n = snprintf(buf, size, "%s/%s/%s", a->cfg.state_dir, sub, name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Port name "<vnf>-<nic>", at most NFVI_BRIDGE_MAX characters: long names are cut and hashed. */
static void
port_name(const char *vnf, unsigned int nic, char out[NFVI_BRIDGE_MAX + 1])
{
	char tmp[NFVI_NAME_MAX + 32];
	uint32_t h = 2166136261u;
	const char *p;
	size_t len;

	snprintf(tmp, sizeof(tmp), "%s-%u", vnf, nic % NFVI_MAX_NICS);
	if (strlen(tmp) > NFVI_BRIDGE_MAX) {
		for (p = vnf; *p != '\0'; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
		snprintf(tmp, sizeof(tmp), "%.19s-%08x-%u", vnf, h, nic % NFVI_MAX_NICS);
	}
	len = strlen(tmp);
	if (len > NFVI_BRIDGE_MAX)
		len = NFVI_BRIDGE_MAX;
	memcpy(out, tmp, len);
	out[len] = '\0';
}

static int
new_uuid(char out[NFVI_UUID_SIZE])
{
	uint8_t b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -EIO;
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	snprintf(out, NFVI_UUID_SIZE,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
	return 0;
}

static bool
use_kvm(struct nfvi_agent *a)
{
	if (a->kvm < 0) {
		if (strcmp(a->cfg.accel, "kvm") == 0)
			a->kvm = 1;
		else if (strcmp(a->cfg.accel, "tcg") == 0)
			a->kvm = 0;
		else
			a->kvm = nfvi_kvm_usable();
		NFVI_LOG(LOG_NOTICE, "guests run under %s (accel %s)", a->kvm ? "KVM" : "TCG",
			 a->cfg.accel);
	}
	return a->kvm == 1;
}

int
nfvi_lc_prepare(struct nfvi_agent *a, json_t *rec, const struct nfvi_vnf_desc *d,
		const char *given_id, const char *accel, char *err, size_t errlen)
{
	char id[NFVI_UUID_SIZE], dom[NFVI_NAME_MAX + 4], path[PATH_MAX], file[64];
	char name[NFVI_BRIDGE_MAX + 1];
	json_t *ports;
	unsigned int i;
	bool kvm;

	if (a->hv_ops == NULL)
		return 0;
	kvm = accel != NULL ? strcmp(accel, "kvm") == 0 : use_kvm(a);
	if (kvm && !use_kvm(a))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "accel kvm asked for, but this host runs guests under TCG");
	if (given_id != NULL)
		snprintf(id, sizeof(id), "%s", given_id);
	else if (new_uuid(id) < 0)
		return nfvi_seterr(-EIO, err, errlen, "no random bytes for a UUID");
	snprintf(dom, sizeof(dom), NFVI_DOMAIN_PREFIX "%s", d->name);
	ports = json_array();
	if (ports == NULL)
		return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
	for (i = 0; i < d->n_nics; i++) {
		const struct nfvi_nic_desc *n = &d->nics[i];

		if (n->type != NFVI_NIC_VHOST_USER)
			continue;
		port_name(d->name, i, name);
		snprintf(file, sizeof(file), "%s.sock", name);
		if (state_path(a, "vhost", file, path, sizeof(path), false) < 0 ||
		    strlen(path) > NFVI_SOCK_PATH_MAX) {
			json_decref(ports);
			return nfvi_seterr(-ENAMETOOLONG, err, errlen,
					   "vhost-user socket path under state dir %s is longer "
					   "than %d bytes", a->cfg.state_dir, NFVI_SOCK_PATH_MAX);
		}
		json_array_append_new(ports, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I}", "nic",
						       (json_int_t)i, "name", name, "bridge",
						       n->bridge, "path", path, "vlan",
						       (json_int_t)n->vlan, "queues",
						       (json_int_t)(n->queues ? n->queues : 1)));
	}
	json_object_set_new(rec, "id", json_string(id));
	json_object_set_new(rec, "domain", json_string(dom));
	json_object_set_new(rec, "accel", json_string(kvm ? "kvm" : "tcg"));
	json_object_set_new(rec, "desired", json_string("running"));
	json_object_set_new(rec, "ports", ports);
	return 0;
}

/* Journal that the create is about to do @p step (still "allocating"). */
static int
step(struct nfvi_agent *a, json_t *rec, const char *what, char *err, size_t errlen)
{
	int ret;

	json_object_set_new(rec, "step", json_string(what));
	ret = nfvi_agent_put_state(a, rec, "allocating");
	if (ret < 0)
		return nfvi_seterr(ret, err, errlen, "journal: %s", strerror(-ret));
	nfvi_agent_crash_point(a, what);
	return 0;
}

static void
unlink_sockets(const json_t *rec)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(rec, "ports"), i, p)
		if (unlink(nfvi_jstr(p, "path")) < 0 && errno != ENOENT)
			NFVI_LOG(LOG_WARNING, "%s: %s", nfvi_jstr(p, "path"), strerror(errno));
}

/* The domain spec of @p rec (strings borrowed from @p rec). */
static int
dom_spec(struct nfvi_agent *a, const json_t *rec, const struct nfvi_vnf_desc *d,
	 const struct nfvi_placement *pl, struct nfvi_dom_spec *s, char *err, size_t errlen)
{
	const json_t *img = json_object_get(json_object_get(rec, "descriptor"), "image");
	char file[NFVI_NAME_MAX + 8];
	unsigned int i;
	uint8_t mac[6];
	json_t *p;
	size_t k;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", nfvi_jstr(rec, "domain"));
	snprintf(s->vnf, sizeof(s->vnf), "%s", d->name);
	snprintf(s->id, sizeof(s->id), "%s", nfvi_jstr(rec, "id"));
	s->kvm = strcmp(nfvi_jstr(rec, "accel"), "kvm") == 0;
	s->vcpus = d->vcpus;
	s->memory_mb = d->memory_mb;
	s->pl = *pl;
	s->kernel = json_string_value(json_object_get(img, "kernel"));
	s->initrd = json_string_value(json_object_get(img, "initrd"));
	s->cmdline = json_string_value(json_object_get(img, "cmdline"));
	s->disk = json_string_value(json_object_get(img, "disk"));
	snprintf(file, sizeof(file), "%s.log", d->name);
	if (state_path(a, "console", file, s->console_log, sizeof(s->console_log), true) < 0)
		return nfvi_seterr(-ENAMETOOLONG, err, errlen, "console log path too long");
	for (i = 0; i < d->n_nics; i++) {
		struct nfvi_dom_nic *n = &s->nics[s->n_nics++];

		n->type = d->nics[i].type;
		if (d->nics[i].mac[0] != '\0')
			snprintf(n->mac, sizeof(n->mac), "%s", d->nics[i].mac);
		else {
			nfvi_default_mac(d->name, (int)i, mac);
			nfvi_mac_format(mac, n->mac);
		}
		n->queues = d->nics[i].queues ? d->nics[i].queues : 1;
	}
	json_array_foreach(json_object_get(rec, "ports"), k, p) {
		json_int_t nic = json_integer_value(json_object_get(p, "nic"));

		if (nic >= 0 && nic < (json_int_t)s->n_nics)
			snprintf(s->nics[nic].path, sizeof(s->nics[nic].path), "%s",
				 nfvi_jstr(p, "path"));
	}
	for (i = 0; i < pl->n_vfs; i++) {
		int nic = pl->vfs[i].nic;

		if (nic >= 0 && (unsigned int)nic < s->n_nics)
			snprintf(s->nics[nic].pci, sizeof(s->nics[nic].pci), "%s", pl->vfs[i].pci);
	}
	return 0;
}

/* port.add of the record's port @p p on vswitchd. */
static int
port_add(struct nfvi_agent *a, const json_t *p, char *err, size_t errlen)
{
	return nfvi_vsw_port_add(a->cfg.vswitchd_socket, nfvi_jstr(p, "bridge"),
				 nfvi_jstr(p, "name"), nfvi_jstr(p, "path"),
				 (unsigned int)json_integer_value(json_object_get(p, "vlan")),
				 (unsigned int)json_integer_value(json_object_get(p, "queues")),
				 err, errlen);
}

char *
nfvi_lc_domain_xml(struct nfvi_agent *a, const json_t *rec, const struct nfvi_vnf_desc *d,
		   const struct nfvi_placement *pl, char *err, size_t errlen)
{
	struct nfvi_dom_spec *spec = malloc(sizeof(*spec));
	char *xml;
	int ret;

	if (spec == NULL) {
		nfvi_seterr(0, err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	ret = dom_spec(a, rec, d, pl, spec, err, errlen);
	xml = ret == 0 ? nfvi_domain_xml(spec, err, errlen) : NULL;
	free(spec);
	if (xml == NULL) {
		ret = ret < 0 ? ret : nfvi_seterr(-errno, err, errlen, "domain XML: %s",
						  strerror(errno));
		errno = -ret;
	}
	return xml;
}

int
nfvi_lc_apply(struct nfvi_agent *a, json_t *rec, const struct nfvi_vnf_desc *d,
	      const struct nfvi_placement *pl, bool guest, char *err, size_t errlen)
{
	const char *dom = nfvi_jstr(rec, "domain");
	char dir[PATH_MAX], *xml;
	json_t *p;
	size_t i;
	int ret;

	if (a->hv_ops == NULL)
		return nfvi_agent_vfs_apply(a, d, pl, true, err, errlen);

	ret = step(a, rec, "ports", err, errlen);
	if (ret < 0)
		return ret;
	if (json_array_size(json_object_get(rec, "ports")) > 0 &&
	    state_path(a, "vhost", NULL, dir, sizeof(dir), true) < 0)
		return nfvi_seterr(-EIO, err, errlen, "%s/vhost: %s", a->cfg.state_dir,
				   strerror(errno));
	json_array_foreach(json_object_get(rec, "ports"), i, p) {
		/* a stale socket file makes QEMU's bind fail */
		if (unlink(nfvi_jstr(p, "path")) < 0 && errno != ENOENT)
			return nfvi_seterr(-errno, err, errlen, "%s: %s", nfvi_jstr(p, "path"),
					   strerror(errno));
		ret = port_add(a, p, err, errlen);
		if (ret < 0)
			return ret;
		nfvi_agent_crash_point(a, "create: port added");
	}
	ret = step(a, rec, "vfs", err, errlen);
	if (ret == 0)
		ret = nfvi_agent_vfs_apply(a, d, pl, true, err, errlen);
	if (ret < 0 || !guest)
		return ret;
	ret = step(a, rec, "define", err, errlen);
	if (ret < 0)
		return ret;
	xml = nfvi_lc_domain_xml(a, rec, d, pl, err, errlen);
	if (xml == NULL)
		return -errno;
	ret = a->hv_ops->define(a->hv_ctx, xml, err, errlen);
	free(xml);
	if (ret < 0)
		return ret;
	nfvi_agent_crash_point(a, "create: domain defined");
	ret = step(a, rec, "start", err, errlen);
	if (ret < 0)
		return ret;
	ret = a->hv_ops->start(a->hv_ctx, dom, err, errlen);
	if (ret < 0)
		return ret;
	nfvi_agent_crash_point(a, "create: domain started");
	json_object_set_new(rec, "step", json_string("done"));
	return 0;
}

/* Remove <state_dir>/snapshots/<vnf>/ and the files in it. */
static void
remove_snapshots(struct nfvi_agent *a, const char *vnf)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct dirent *e;
	DIR *dp;

	if (state_path(a, "snapshots", vnf, dir, sizeof(dir), false) < 0)
		return;
	dp = opendir(dir);
	if (dp == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(dp);
	rmdir(dir);
}

int
nfvi_lc_undo(struct nfvi_agent *a, json_t *rec, const struct nfvi_placement *pl,
	     bool crash_points, char *err, size_t errlen)
{
	const char *dom = nfvi_jstr(rec, "domain");
	char why[512];
	int ret, first = 0;
	json_t *p;
	size_t i;

	if (a->hv_ops == NULL)
		return nfvi_agent_vfs_undo(a, pl, crash_points, err, errlen);
	if (dom[0] != '\0') {
		ret = a->hv_ops->remove(a->hv_ctx, dom, why, sizeof(why));
		if (ret < 0)
			first = nfvi_seterr(ret, err, errlen, "%s", why);
		if (crash_points)
			nfvi_agent_crash_point(a, "undo: domain removed");
	}
	ret = nfvi_agent_vfs_undo(a, pl, crash_points, why, sizeof(why));
	if (ret < 0 && first == 0)
		first = nfvi_seterr(ret, err, errlen, "%s", why);
	json_array_foreach(json_object_get(rec, "ports"), i, p) {
		ret = nfvi_vsw_port_del(a->cfg.vswitchd_socket, nfvi_jstr(p, "name"),
					nfvi_jstr(p, "path"), why, sizeof(why));
		if (ret < 0 && first == 0)
			first = nfvi_seterr(ret, err, errlen, "%s", why);
		if (crash_points)
			nfvi_agent_crash_point(a, "undo: port deleted");
	}
	if (first == 0) {
		unlink_sockets(rec);
		remove_snapshots(a, nfvi_jstr(rec, "name"));
	}
	return first;
}

static void
note_drift(struct nfvi_agent *a, const char *vnf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
note_drift(struct nfvi_agent *a, const char *vnf, const char *fmt, ...)
{
	char msg[512];
	json_t *arr;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	NFVI_LOG(LOG_WARNING, "reconcile: VNF '%s': %s", vnf, msg);
	arr = json_object_get(a->drift, vnf);
	if (arr == NULL) {
		arr = json_array();
		json_object_set_new(a->drift, vnf, arr);
	}
	json_array_append_new(arr, json_string(msg));
}

/* The port named @p name in a port.list result (borrowed), or NULL. */
static json_t *
list_find(json_t *list, const char *name)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(list, "ports"), i, p)
		if (strcmp(nfvi_jstr(p, "name"), name) == 0)
			return p;
	return NULL;
}

void
nfvi_lc_reconcile(struct nfvi_agent *a, json_t *rec, const struct nfvi_vnf_desc *d,
		  const struct nfvi_placement *pl)
{
	const char *name = d->name, *dom = nfvi_jstr(rec, "domain");
	char why[512], state[32];
	json_t *list = NULL, *p, *have;
	size_t i;
	int ret;

	if (nfvi_agent_vfs_apply(a, d, pl, false, why, sizeof(why)) < 0)
		note_drift(a, name, "VF re-apply failed: %s", why);
	if (a->hv_ops == NULL)
		return;
	if (json_array_size(json_object_get(rec, "ports")) > 0) {
		ret = nfvi_vsw_port_list(a->cfg.vswitchd_socket, &list, why, sizeof(why));
		if (ret < 0)
			note_drift(a, name, "vswitchd unreachable, ports not checked: %s", why);
	}
	json_array_foreach(json_object_get(rec, "ports"), i, p) {
		if (list == NULL)
			break;
		have = list_find(list, nfvi_jstr(p, "name"));
		if (have != NULL && strcmp(nfvi_jstr(have, "path"), nfvi_jstr(p, "path")) == 0)
			continue;
		if (have != NULL) {
			note_drift(a, name, "port %s on vswitchd has socket %s, not %s",
				   nfvi_jstr(p, "name"), nfvi_jstr(have, "path"),
				   nfvi_jstr(p, "path"));
			continue;
		}
		ret = port_add(a, p, why, sizeof(why));
		note_drift(a, name, "port %s was missing on vswitchd: %s", nfvi_jstr(p, "name"),
			   ret == 0 ? "re-added" : why);
	}
	json_decref(list);
	if (strcmp(nfvi_jstr(rec, "state"), "allocated") != 0)
		return;	/* incoming: libvirt brings the domain */
	ret = a->hv_ops->state(a->hv_ctx, dom, state, sizeof(state));
	if (ret == -ENOENT)
		note_drift(a, name, "domain %s is not defined in libvirt", dom);
	else if (ret < 0)
		note_drift(a, name, "libvirt unreachable, domain not checked");
	else if (strcmp(nfvi_jstr(rec, "desired"), "running") == 0 && strcmp(state, "running") != 0)
		note_drift(a, name, "domain %s is %s, expected running", dom, state);
}

void
nfvi_lc_sweep(struct nfvi_agent *a)
{
	char why[512], prefix[PATH_MAX];
	json_t *doms = NULL, *list = NULL, *x, *rec, *p;
	const char *name;
	size_t i, k, plen;
	bool ours;

	if (a->hv_ops == NULL)
		return;
	if (a->hv_ops->list(a->hv_ctx, &doms, why, sizeof(why)) < 0) {
		NFVI_LOG(LOG_WARNING, "reconcile: cannot list domains: %s", why);
	} else {
		json_array_foreach(doms, i, x) {
			rec = json_object_get(a->vnfs, nfvi_jstr(x, "vnf"));
			if (rec != NULL && strcmp(nfvi_jstr(rec, "id"), nfvi_jstr(x, "id")) == 0 &&
			    strcmp(nfvi_jstr(rec, "domain"), nfvi_jstr(x, "domain")) == 0)
				continue;
			NFVI_LOG(LOG_NOTICE, "reconcile: domain %s (VNF '%s', id %s) has no record: "
				 "removing it", nfvi_jstr(x, "domain"), nfvi_jstr(x, "vnf"),
				 nfvi_jstr(x, "id"));
			if (a->hv_ops->remove(a->hv_ctx, nfvi_jstr(x, "domain"), why,
					      sizeof(why)) < 0)
				NFVI_LOG(LOG_ERR, "reconcile: %s", why);
		}
		json_decref(doms);
	}
	if (state_path(a, "vhost", "", prefix, sizeof(prefix), false) < 0)
		return;
	plen = strlen(prefix);
	if (nfvi_vsw_port_list(a->cfg.vswitchd_socket, &list, why, sizeof(why)) < 0) {
		NFVI_LOG(LOG_WARNING, "reconcile: vswitchd: %s", why);
		return;
	}
	json_array_foreach(json_object_get(list, "ports"), i, x) {
		if (strncmp(nfvi_jstr(x, "path"), prefix, plen) != 0)
			continue;	/* not a socket of this agent */
		ours = false;
		json_object_foreach(a->vnfs, name, rec) {
			json_array_foreach(json_object_get(rec, "ports"), k, p)
				ours |= strcmp(nfvi_jstr(p, "name"), nfvi_jstr(x, "name")) == 0;
		}
		if (ours)
			continue;
		NFVI_LOG(LOG_NOTICE, "reconcile: vswitchd port %s has no record: deleting it",
			 nfvi_jstr(x, "name"));
		if (nfvi_vsw_port_del(a->cfg.vswitchd_socket, nfvi_jstr(x, "name"),
				      nfvi_jstr(x, "path"), why, sizeof(why)) < 0)
			NFVI_LOG(LOG_ERR, "reconcile: %s", why);
		else if (unlink(nfvi_jstr(x, "path")) < 0 && errno != ENOENT)
			NFVI_LOG(LOG_WARNING, "%s: %s", nfvi_jstr(x, "path"), strerror(errno));
	}
	json_decref(list);
}

/* Check @p body has only "action" and the NULL-terminated @p keys. */
static int
body_keys(const json_t *body, const char *const *keys, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)body, key, v) {
		const char *const *k;

		(void)v;
		if (strcmp(key, "action") == 0)
			continue;
		for (k = keys; *k != NULL; k++)
			if (strcmp(*k, key) == 0)
				break;
		if (*k == NULL)
			return nfvi_seterr(-EINVAL, err, errlen, "unknown key '%s'", key);
	}
	return 0;
}

static bool
snap_name_valid(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > 63 || s[0] == '.' || s[0] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

static int
set_desired(struct nfvi_agent *a, json_t *rec, const char *desired, char *err, size_t errlen)
{
	int ret;

	if (strcmp(nfvi_jstr(rec, "desired"), desired) == 0)
		return 0;
	json_object_set_new(rec, "desired", json_string(desired));
	ret = nfvi_agent_put_state(a, rec, nfvi_jstr(rec, "state"));
	return ret < 0 ? nfvi_seterr(ret, err, errlen, "journal: %s", strerror(-ret)) : 0;
}

static int
act_stop(struct nfvi_agent *a, json_t *rec, const json_t *body, json_t **result, char *err,
	 size_t errlen)
{
	static const char *const keys[] = { "force", "grace_s", NULL };
	json_t *force = json_object_get(body, "force"), *grace = json_object_get(body, "grace_s");
	json_int_t g = DEFAULT_GRACE_S;
	int ret = body_keys(body, keys, err, errlen);

	if (ret < 0)
		return ret;
	if (force != NULL && !json_is_boolean(force))
		return nfvi_seterr(-EINVAL, err, errlen, "'force' must be true or false");
	if (grace != NULL) {
		if (!json_is_integer(grace) || json_integer_value(grace) < 0 ||
		    json_integer_value(grace) > MAX_GRACE_S)
			return nfvi_seterr(-EINVAL, err, errlen, "'grace_s' must be 0..%d",
					   MAX_GRACE_S);
		g = json_integer_value(grace);
	}
	if (json_is_true(force))
		g = 0;
	ret = set_desired(a, rec, "stopped", err, errlen);
	if (ret == 0)
		ret = a->hv_ops->stop(a->hv_ctx, nfvi_jstr(rec, "domain"), (unsigned int)g * 1000,
				      err, errlen);
	if (ret == 0)
		*result = json_pack("{s:s}", "state", "shutoff");
	return ret;
}

static int
act_start(struct nfvi_agent *a, json_t *rec, const json_t *body, json_t **result, char *err,
	  size_t errlen)
{
	static const char *const keys[] = { NULL };
	char state[32] = "";
	int ret = body_keys(body, keys, err, errlen);

	if (ret < 0)
		return ret;
	ret = a->hv_ops->state(a->hv_ctx, nfvi_jstr(rec, "domain"), state, sizeof(state));
	if (ret < 0)
		return nfvi_seterr(ret == -ENOENT ? -EIO : ret, err, errlen,
				   "domain %s: %s", nfvi_jstr(rec, "domain"),
				   ret == -ENOENT ? "not defined (drift)" : "libvirt unreachable");
	if (strcmp(state, "running") != 0)
		unlink_sockets(rec);	/* QEMU binds them again */
	ret = set_desired(a, rec, "running", err, errlen);
	if (ret == 0)
		ret = a->hv_ops->start(a->hv_ctx, nfvi_jstr(rec, "domain"), err, errlen);
	if (ret == 0)
		*result = json_pack("{s:s}", "state", "running");
	return ret;
}

static int
act_snapshot(struct nfvi_agent *a, json_t *rec, const json_t *body, json_t **result,
	     char *err, size_t errlen)
{
	static const char *const keys[] = { "name", NULL };
	char name[64], dir[PATH_MAX], file[PATH_MAX + 80], *xml;
	const char *given = NULL;
	time_t t = time(NULL);
	struct tm tm;
	int ret = body_keys(body, keys, err, errlen);

	if (ret < 0)
		return ret;
	if (json_object_get(body, "name") != NULL) {
		given = json_string_value(json_object_get(body, "name"));
		if (given == NULL || !snap_name_valid(given))
			return nfvi_seterr(-EINVAL, err, errlen,
					   "'name' must be 1..63 characters of A-Z a-z 0-9 _ . -");
		snprintf(name, sizeof(name), "%s", given);
	} else {
		gmtime_r(&t, &tm);
		strftime(name, sizeof(name), "snap-%Y%m%dT%H%M%SZ", &tm);
	}
	if (state_path(a, "snapshots", NULL, dir, sizeof(dir), true) < 0 ||
	    state_path(a, "snapshots", nfvi_jstr(rec, "name"), dir, sizeof(dir), true) < 0 ||
	    (mkdir(dir, 0750) < 0 && errno != EEXIST))
		return nfvi_seterr(-EIO, err, errlen, "snapshot directory: %s", strerror(errno));
	snprintf(file, sizeof(file), "%s/%s.mem", dir, name);
	if (access(file, F_OK) == 0)
		return nfvi_seterr(-EEXIST, err, errlen, "snapshot '%s' exists", name);
	xml = nfvi_snapshot_xml(name, file);
	if (xml == NULL)
		return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
	ret = a->hv_ops->snapshot(a->hv_ctx, nfvi_jstr(rec, "domain"), xml, err, errlen);
	free(xml);
	if (ret == 0)
		*result = json_pack("{s:s, s:s, s:s}", "snapshot", name, "kind",
				    "libvirt external memory snapshot", "memory_file", file);
	return ret;
}

/*
 * "migrate_uri": where QEMU's migration stream goes, tcp://HOST[:PORT] (HOST a
 * name, an IPv4 address or a bracketed IPv6 one); libvirt hands it to QEMU.
 */
static bool
migrate_uri_valid(const char *s)
{
	static const char host_chars[] = "abcdefghijklmnopqrstuvwxyz"
					 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
	char *end;
	long port;
	size_t n;

	if (s == NULL || strncmp(s, "tcp://", 6) != 0 || strlen(s) > 6 + 255)
		return false;
	s += 6;
	if (*s == '[') {
		n = strspn(s + 1, "0123456789abcdefABCDEF:.");
		if (n == 0 || s[n + 1] != ']')
			return false;
		s += n + 2;
	} else {
		n = strspn(s, host_chars);
		if (n == 0)
			return false;
		s += n;
	}
	if (*s == '\0')
		return true;
	if (*s != ':' || !isdigit((unsigned char)s[1]))
		return false;
	port = strtol(s + 1, &end, 10);
	return *end == '\0' && port >= 1 && port <= 65535;
}

static int
act_migrate(struct nfvi_agent *a, json_t *rec, const json_t *body, json_t **result,
	    char *err, size_t errlen)
{
	static const char *const keys[] = { "uri", "migrate_uri", "dest_xml", "target_agent",
					    "target_token", NULL };
	const char *uri = json_string_value(json_object_get(body, "uri"));
	json_t *dx = json_object_get(body, "dest_xml"), *ta = json_object_get(body, "target_agent");
	json_t *tt = json_object_get(body, "target_token");
	json_t *mu = json_object_get(body, "migrate_uri");
	int ret = body_keys(body, keys, err, errlen);

	if (ret < 0)
		return ret;
	if (uri == NULL || uri[0] == '\0' || strlen(uri) > 1024)
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'uri' (the target libvirt URI, e.g. qemu+tcp://host/system) "
				   "is required");
	if (mu != NULL && !migrate_uri_valid(json_string_value(mu)))
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'migrate_uri' must be tcp://HOST[:PORT] (where QEMU's "
				   "migration stream goes)");
	if (dx != NULL && !json_is_string(dx))
		return nfvi_seterr(-EINVAL, err, errlen, "'dest_xml' must be a string");
	if (dx != NULL && ta != NULL)
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'dest_xml' and 'target_agent' conflict: the target agent "
				   "builds the destination XML");
	if (tt != NULL && ta == NULL)
		return nfvi_seterr(-EINVAL, err, errlen, "'target_token' needs 'target_agent'");
	if (json_array_size(json_object_get(json_object_get(rec, "placement"), "vfs")) > 0)
		return nfvi_seterr(-EINVAL, err, errlen,
				   "VNF '%s' has sriov-vf NICs: libvirt cannot live-migrate a "
				   "hostdev", nfvi_jstr(rec, "name"));
	if (ta != NULL)
		return nfvi_mig_via_agent(a, rec, uri, json_string_value(mu), ta, tt, result, err,
					  errlen);
	ret = a->hv_ops->migrate(a->hv_ctx, nfvi_jstr(rec, "domain"), uri, json_string_value(mu),
				 json_string_value(dx), err, errlen);
	if (ret == 0)
		*result = json_pack("{s:s, s:s}", "migrated_to", uri, "source",
				    "released (DELETE follows)");
	return ret;
}

int
nfvi_lc_action(struct nfvi_agent *a, json_t *rec, const char *action, const json_t *body,
	       json_t **result, char *err, size_t errlen)
{
	static const char *const names[] = { "start", "stop", "snapshot", "migrate" };
	static const char *const no_keys[] = { NULL };
	unsigned int i;
	int ret;

	*result = NULL;
	if (a->hv_ops == NULL)
		return body_keys(body, no_keys, err, errlen) < 0 ? -EINVAL :
		       nfvi_seterr(-ENOTSUP, err, errlen,
				   "action '%s' needs a hypervisor (vm_backend is none)", action);
	if (strcmp(nfvi_jstr(rec, "state"), "allocated") != 0)
		return nfvi_seterr(-EBUSY, err, errlen, "VNF '%s' is %s", nfvi_jstr(rec, "name"),
				   nfvi_jstr(rec, "state"));
	for (i = 0; i < 4; i++)
		if (strcmp(names[i], action) == 0)
			break;
	switch (i) {
	case 0:
		ret = act_start(a, rec, body, result, err, errlen);
		break;
	case 1:
		ret = act_stop(a, rec, body, result, err, errlen);
		break;
	case 2:
		ret = act_snapshot(a, rec, body, result, err, errlen);
		break;
	case 3:
		ret = act_migrate(a, rec, body, result, err, errlen);
		break;
	default:
		return nfvi_seterr(-EINVAL, err, errlen, "unknown action '%.32s'", action);
	}
	a->actions[i][ret == 0 ? 0 : 1]++;
	return ret;
}

/* A port's counters from port.stats (borrowed from @p stats), or NULL. */
static json_t *
stats_find(json_t *stats, const char *name)
{
	return list_find(stats, name);
}

static json_int_t
drops_sum(const json_t *port)
{
	json_int_t sum = 0;
	const char *k;
	json_t *v;

	json_object_foreach(json_object_get(port, "drops"), k, v)
		sum += json_integer_value(v);
	return sum;
}

json_t *
nfvi_lc_live(struct nfvi_agent *a, json_t *rec)
{
	json_t *out = json_deep_copy(rec), *stats = NULL, *list = NULL, *p, *s, *drift;
	char state[32], why[256];
	size_t i;
	int ret;

	if (out == NULL || a->hv_ops == NULL)
		return out;
	drift = json_array();
	ret = a->hv_ops->state(a->hv_ctx, nfvi_jstr(rec, "domain"), state, sizeof(state));
	json_object_set_new(out, "vm", json_pack("{s:s, s:s, s:s}", "domain",
						 nfvi_jstr(rec, "domain"),
						 "state", ret == 0 ? state : ret == -ENOENT ?
						 "undefined" : "unknown", "accel",
						 nfvi_jstr(rec, "accel")));
	if (ret == -ENOENT && strcmp(nfvi_jstr(rec, "state"), "allocated") == 0)
		json_array_append_new(drift, json_sprintf("domain %s is not defined",
							  nfvi_jstr(rec, "domain")));
	else if (ret == 0 && strcmp(nfvi_jstr(rec, "desired"), "running") == 0 &&
		 strcmp(state, "running") != 0 && strcmp(nfvi_jstr(rec, "state"), "allocated") == 0)
		json_array_append_new(drift, json_sprintf("domain is %s, expected running",
							  state));
	if (json_array_size(json_object_get(rec, "ports")) > 0 &&
	    (nfvi_vsw_port_stats(a->cfg.vswitchd_socket, &stats, why, sizeof(why)) < 0 ||
	     nfvi_vsw_port_list(a->cfg.vswitchd_socket, &list, why, sizeof(why)) < 0))
		json_array_append_new(drift, json_sprintf("vswitchd: %s", why));
	json_array_foreach(json_object_get(out, "ports"), i, p) {
		json_t *l = list != NULL ? list_find(list, nfvi_jstr(p, "name")) : NULL;

		if (list != NULL && l == NULL) {
			json_array_append_new(drift, json_sprintf("port %s missing on vswitchd",
								  nfvi_jstr(p, "name")));
			continue;
		}
		if (l != NULL)
			json_object_set_new(p, "link", json_string(nfvi_jstr(l, "state")));
		s = stats != NULL ? stats_find(stats, nfvi_jstr(p, "name")) : NULL;
		if (s == NULL)
			continue;
		json_object_set(p, "rx_packets", json_object_get(s, "rx_packets"));
		json_object_set(p, "rx_bytes", json_object_get(s, "rx_bytes"));
		json_object_set(p, "tx_packets", json_object_get(s, "tx_packets"));
		json_object_set(p, "tx_bytes", json_object_get(s, "tx_bytes"));
		json_object_set_new(p, "drops", json_integer(drops_sum(s)));
		json_object_set(p, "drops_by_reason", json_object_get(s, "drops"));
	}
	json_array_extend(drift, json_object_get(a->drift, nfvi_jstr(rec, "name")));
	json_object_set_new(out, "drift", drift);
	json_decref(stats);
	json_decref(list);
	return out;
}

void
nfvi_lc_metrics(struct nfvi_agent *a, FILE *f)
{
	static const char *const names[] = { "start", "stop", "snapshot", "migrate" };
	json_t *stats = NULL, *rec, *p, *s;
	const char *name;
	char state[32];
	unsigned int i;
	size_t k;

	if (a->hv_ops == NULL)
		return;
	fputs("# HELP edgeplane_agent_vnf_running 1 when the VNF's domain runs (libvirt).\n"
	      "# TYPE edgeplane_agent_vnf_running gauge\n", f);
	json_object_foreach(a->vnfs, name, rec) {
		int ret = a->hv_ops->state(a->hv_ctx, nfvi_jstr(rec, "domain"), state,
					   sizeof(state));

		fprintf(f, "edgeplane_agent_vnf_running{vnf=\"%s\"} %d\n", name,
			ret == 0 && strcmp(state, "running") == 0);
	}
	fputs("# HELP edgeplane_agent_vnf_vcpus vCPUs of each VNF.\n"
	      "# TYPE edgeplane_agent_vnf_vcpus gauge\n", f);
	json_object_foreach(a->vnfs, name, rec)
		fprintf(f, "edgeplane_agent_vnf_vcpus{vnf=\"%s\"} %lld\n", name,
			(long long)json_integer_value(json_object_get(
				json_object_get(rec, "descriptor"), "vcpus")));
	fputs("# HELP edgeplane_agent_vnf_actions_total VNF actions by result.\n"
	      "# TYPE edgeplane_agent_vnf_actions_total counter\n", f);
	for (i = 0; i < 4; i++)
		fprintf(f, "edgeplane_agent_vnf_actions_total{action=\"%s\",result=\"ok\"} %llu\n"
			"edgeplane_agent_vnf_actions_total{action=\"%s\",result=\"error\"} %llu\n",
			names[i], (unsigned long long)a->actions[i][0], names[i],
			(unsigned long long)a->actions[i][1]);
	if (nfvi_vsw_port_stats(a->cfg.vswitchd_socket, &stats, NULL, 0) < 0)
		return;
	fputs("# HELP edgeplane_agent_vnf_port_packets_total Packets on a VNF's vswitchd port "
	      "(rx: from the guest).\n"
	      "# TYPE edgeplane_agent_vnf_port_packets_total counter\n"
	      "# HELP edgeplane_agent_vnf_port_bytes_total Bytes on a VNF's vswitchd port.\n"
	      "# TYPE edgeplane_agent_vnf_port_bytes_total counter\n"
	      "# HELP edgeplane_agent_vnf_port_drops_total Drops on a VNF's vswitchd port.\n"
	      "# TYPE edgeplane_agent_vnf_port_drops_total counter\n", f);
	json_object_foreach(a->vnfs, name, rec) {
		json_array_foreach(json_object_get(rec, "ports"), k, p) {
			const char *pn = nfvi_jstr(p, "name");

			s = stats_find(stats, pn);
			if (s == NULL)
				continue;
			fprintf(f, "edgeplane_agent_vnf_port_packets_total{vnf=\"%s\",port=\"%s\","
				"direction=\"rx\"} %lld\n"
				"edgeplane_agent_vnf_port_packets_total{vnf=\"%s\",port=\"%s\","
				"direction=\"tx\"} %lld\n"
				"edgeplane_agent_vnf_port_bytes_total{vnf=\"%s\",port=\"%s\","
				"direction=\"rx\"} %lld\n"
				"edgeplane_agent_vnf_port_bytes_total{vnf=\"%s\",port=\"%s\","
				"direction=\"tx\"} %lld\n"
				"edgeplane_agent_vnf_port_drops_total{vnf=\"%s\",port=\"%s\"} %lld\n",
				name, pn, (long long)json_integer_value(json_object_get(s, "rx_packets")),
				name, pn, (long long)json_integer_value(json_object_get(s, "tx_packets")),
				name, pn, (long long)json_integer_value(json_object_get(s, "rx_bytes")),
				name, pn, (long long)json_integer_value(json_object_get(s, "tx_bytes")),
				name, pn, (long long)drops_sum(s));
		}
	}
	json_decref(stats);
}
