/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_agent.c: the agent core. Holds the inventory, the VNF records and
 * the journal, and runs the create and delete sequences:
 *
 *   create: validate -> place -> journal "allocating" -> per VF: configure,
 *           bind vfio-pci -> journal "allocated"
 *   delete: journal "releasing" -> per VF: unbind, reset -> journal "del"
 *   incoming migration (nfvi_migrate.c): the create without its guest
 *           steps -> journal "incoming"; libvirt brings the domain
 *
 * A record holds its resources from the moment it is journaled, so the
 * allocator never hands them out twice. On start, records left
 * "allocating" are rolled back (the client never got an answer) and
 * "releasing" ones are finished; both replay idempotent VF calls. Every
 * step is a numbered crash point: with EDGEPLANE_AGENT_CRASH_AT=N in the
 * environment the agent _exit()s at the Nth one, which is how the tests
 * kill it at every step.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfvi_priv.h"

enum { OP_CREATE, OP_DELETE };
enum { RES_OK, RES_INVALID, RES_CONFLICT, RES_INSUFFICIENT, RES_ERROR };
static const char *const op_names[] = { "create", "delete" };
static const char *const res_names[] = { "ok", "invalid", "conflict", "insufficient", "error" };

void
nfvi_agent_crash_point(struct nfvi_agent *a, const char *what)
{
	a->crash_step++;
	if (a->crash_at != 0 && a->crash_step == a->crash_at) {
		NFVI_LOG(LOG_NOTICE, "crash point %lu (%s): exiting", a->crash_step, what);
		_exit(86);
	}
}

void
nfvi_config_defaults(struct nfvi_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->sysfs_root, "/");
	strcpy(cfg->state_dir, "/var/lib/edgeplane");
	strcpy(cfg->listen, "unix:/run/edgeplane/agent.sock");
	strcpy(cfg->vswitchd_socket, "/run/edgeplane/vswitchd.sock");
	strcpy(cfg->libvirt_uri, "qemu:///system");
	strcpy(cfg->vf_backend, "netlink");
	strcpy(cfg->vm_backend, "libvirt");
	strcpy(cfg->accel, "auto");
	cfg->unix_auth = true;
}

static int
cfg_str(json_t *v, const char *key, char *dst, size_t size, char *err, size_t errlen)
{
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= size)
		return nfvi_seterr(-EINVAL, err, errlen, "config: '%s' must be a string of 1..%zu",
				   key, size - 1);
	strcpy(dst, json_string_value(v));
	return 0;
}

int
nfvi_config_load(struct nfvi_config *cfg, const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	const char *key;
	json_t *doc, *v;
	int ret = 0;

	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return nfvi_seterr(-EINVAL, err, errlen, "%s:%d:%d: %s", path, jerr.line,
				   jerr.column, jerr.text);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return nfvi_seterr(-EINVAL, err, errlen, "%s: not a JSON object", path);
	}
	json_object_foreach(doc, key, v) {
		if (strcmp(key, "sysfs_root") == 0) {
			ret = cfg_str(v, key, cfg->sysfs_root, sizeof(cfg->sysfs_root), err, errlen);
		} else if (strcmp(key, "state_dir") == 0) {
			ret = cfg_str(v, key, cfg->state_dir, sizeof(cfg->state_dir), err, errlen);
		} else if (strcmp(key, "listen") == 0) {
			ret = cfg_str(v, key, cfg->listen, sizeof(cfg->listen), err, errlen);
		} else if (strcmp(key, "token_file") == 0) {
			ret = cfg_str(v, key, cfg->token_file, sizeof(cfg->token_file), err, errlen);
		} else if (strcmp(key, "vswitchd_socket") == 0) {
			ret = cfg_str(v, key, cfg->vswitchd_socket, sizeof(cfg->vswitchd_socket), err,
				      errlen);
		} else if (strcmp(key, "libvirt_uri") == 0) {
			ret = cfg_str(v, key, cfg->libvirt_uri, sizeof(cfg->libvirt_uri), err, errlen);
		} else if (strcmp(key, "vf_backend") == 0) {
			ret = cfg_str(v, key, cfg->vf_backend, sizeof(cfg->vf_backend), err, errlen);
			if (ret == 0 && strcmp(cfg->vf_backend, "netlink") != 0 &&
			    strcmp(cfg->vf_backend, "fake") != 0)
				ret = nfvi_seterr(-EINVAL, err, errlen,
						  "config: 'vf_backend' must be netlink or fake");
		} else if (strcmp(key, "vm_backend") == 0) {
			ret = cfg_str(v, key, cfg->vm_backend, sizeof(cfg->vm_backend), err, errlen);
			if (ret == 0 && strcmp(cfg->vm_backend, "libvirt") != 0 &&
			    strcmp(cfg->vm_backend, "none") != 0)
				ret = nfvi_seterr(-EINVAL, err, errlen,
						  "config: 'vm_backend' must be libvirt or none");
		} else if (strcmp(key, "accel") == 0) {
			ret = cfg_str(v, key, cfg->accel, sizeof(cfg->accel), err, errlen);
			if (ret == 0 && strcmp(cfg->accel, "auto") != 0 &&
			    strcmp(cfg->accel, "kvm") != 0 && strcmp(cfg->accel, "tcg") != 0)
				ret = nfvi_seterr(-EINVAL, err, errlen,
						  "config: 'accel' must be auto, kvm or tcg");
		} else if (strcmp(key, "unix_socket_auth") == 0) {
			if (!json_is_boolean(v))
				ret = nfvi_seterr(-EINVAL, err, errlen,
						  "config: 'unix_socket_auth' must be true or false");
			cfg->unix_auth = json_is_true(v);
		} else if (strcmp(key, "host_cpus") == 0 || strcmp(key, "pmd_cpus") == 0) {
			struct nfvi_cpuset *s = key[0] == 'h' ? &cfg->res.host_cpus :
						 &cfg->res.pmd_cpus;

			if (!json_is_string(v) || nfvi_cpuset_parse(json_string_value(v), s) < 0)
				ret = nfvi_seterr(-EINVAL, err, errlen,
						  "config: '%s' must be a cpulist like \"0-1,4\"", key);
		} else if (strcmp(key, "reserved_hugepages") == 0) {
			const char *node;
			json_t *sizes;

			if (!json_is_object(v))
				ret = nfvi_seterr(-EINVAL, err, errlen,
						  "config: 'reserved_hugepages' must be an object");
			json_object_foreach(v, node, sizes) {
				char *end;
				long id = strtol(node, &end, 10);
				const char *sz;
				json_t *n;

				if (ret < 0)
					break;
				if (*node == '\0' || *end != '\0' || id < 0 || id >= NFVI_MAX_NODES ||
				    !json_is_object(sizes)) {
					ret = nfvi_seterr(-EINVAL, err, errlen,
							  "config: reserved_hugepages: bad node '%s'",
							  node);
					break;
				}
				json_object_foreach(sizes, sz, n) {
					int s = strcmp(sz, "2M") == 0 ? NFVI_HP_2M :
						strcmp(sz, "1G") == 0 ? NFVI_HP_1G : -1;

					if (s < 0 || !json_is_integer(n) || json_integer_value(n) < 0) {
						ret = nfvi_seterr(-EINVAL, err, errlen,
								  "config: reserved_hugepages.%s: "
								  "bad '%s' (2M or 1G: count)",
								  node, sz);
						break;
					}
					cfg->res.hp[id][s] = (uint64_t)json_integer_value(n);
				}
			}
		} else {
			ret = nfvi_seterr(-EINVAL, err, errlen, "config: unknown key '%s'", key);
		}
		if (ret < 0)
			break;
	}
	json_decref(doc);
	return ret;
}

/* Usage of every record except @p skip. */
static int
usage_of(struct nfvi_agent *a, struct nfvi_usage *u, const char *skip)
{
	const char *name;
	json_t *rec;

	nfvi_usage_init(u);
	json_object_foreach(a->vnfs, name, rec) {
		struct nfvi_placement pl;
		int ret;

		if (skip != NULL && strcmp(name, skip) == 0)
			continue;
		ret = nfvi_placement_from_json(json_object_get(rec, "placement"), &pl, NULL, 0);
		if (ret == 0)
			ret = nfvi_usage_add(u, &pl);
		if (ret < 0) {
			nfvi_usage_fini(u);
			return ret;
		}
	}
	return 0;
}

/* A locally administered MAC derived from the VNF name and NIC index. */
void
nfvi_default_mac(const char *name, int nic, uint8_t mac[6])
{
	uint64_t h = 1469598103934665603ULL;
	const char *p;
	int i;

	for (p = name; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	h = (h ^ (uint64_t)nic) * 1099511628211ULL;
	mac[0] = 0x02;
	for (i = 1; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
}

static void
vf_config_of(const struct nfvi_vnf_desc *d, const struct nfvi_vf_slot *s,
	     struct nfvi_vf_config *c)
{
	const struct nfvi_nic_desc *nic = &d->nics[s->nic];

	memset(c, 0, sizeof(*c));
	if (nic->mac[0] == '\0' || nfvi_mac_parse(nic->mac, c->mac) < 0)
		nfvi_default_mac(d->name, s->nic, c->mac);
	c->vlan = nic->vlan;
	c->spoofchk = nic->spoofchk;
	c->trust = nic->trust;
	c->max_rate_mbps = nic->max_rate_mbps;
}

/* The state a released VF is left in. */
static const struct nfvi_vf_config vf_reset = { .spoofchk = true };

/* Undo every VF of @p pl (unbind, then reset); idempotent. Returns the first error. */
int
nfvi_agent_vfs_undo(struct nfvi_agent *a, const struct nfvi_placement *pl, bool crash_points,
		    char *err, size_t errlen)
{
	unsigned int i;
	int ret, first = 0;

	for (i = 0; i < pl->n_vfs; i++) {
		const struct nfvi_vf_slot *s = &pl->vfs[i];

		ret = a->vf_ops->bind(a->vf_ctx, s->pci, NULL);
		if (ret < 0 && first == 0)
			first = nfvi_seterr(ret, err, errlen, "VF %s: unbind from vfio-pci: %s",
					    s->pci, strerror(-ret));
		if (crash_points)
			nfvi_agent_crash_point(a, "vf unbound");
		ret = a->vf_ops->configure(a->vf_ctx, s->pf, s->index, &vf_reset);
		if (ret < 0 && first == 0)
			first = nfvi_seterr(ret, err, errlen, "VF %u of %s: reset: %s", s->index,
					    s->pf, strerror(-ret));
		if (crash_points)
			nfvi_agent_crash_point(a, "vf reset");
	}
	return first;
}

int
nfvi_agent_vfs_apply(struct nfvi_agent *a, const struct nfvi_vnf_desc *d,
		     const struct nfvi_placement *pl, bool crash_points, char *err, size_t errlen)
{
	struct nfvi_vf_config c;
	unsigned int i;
	int ret;

	for (i = 0; i < pl->n_vfs; i++) {
		const struct nfvi_vf_slot *s = &pl->vfs[i];

		vf_config_of(d, s, &c);
		ret = a->vf_ops->configure(a->vf_ctx, s->pf, s->index, &c);
		if (ret < 0)
			return nfvi_seterr(ret, err, errlen, "VF %u of %s: configure: %s", s->index,
					   s->pf, strerror(-ret));
		if (crash_points)
			nfvi_agent_crash_point(a, "vf configured");
		ret = a->vf_ops->bind(a->vf_ctx, s->pci, "vfio-pci");
		if (ret < 0)
			return nfvi_seterr(ret, err, errlen, "VF %s: bind to vfio-pci: %s", s->pci,
					   strerror(-ret));
		if (crash_points)
			nfvi_agent_crash_point(a, "vf bound");
	}
	return 0;
}

/* Set @p rec's state, journal it, and keep it in memory. */
int
nfvi_agent_put_state(struct nfvi_agent *a, json_t *rec, const char *state)
{
	int ret;

	json_object_set_new(rec, "state", json_string(state));
	ret = nfvi_journal_put(a->journal, rec);
	if (ret < 0)
		return ret;
	return json_object_set(a->vnfs, json_string_value(json_object_get(rec, "name")), rec) ?
	       -ENOMEM : 0;
}

static int
drop_record(struct nfvi_agent *a, const char *name)
{
	int ret = nfvi_journal_del(a->journal, name);

	if (ret == 0)
		json_object_del(a->vnfs, name);
	return ret;
}

/* Parse a record's descriptor and placement back. */
static int
record_parse(const json_t *rec, struct nfvi_vnf_desc *d, struct nfvi_placement *pl, char *err,
	     size_t errlen)
{
	int ret = nfvi_desc_parse(json_object_get(rec, "descriptor"), d, NULL, err, errlen);

	if (ret == 0)
		ret = nfvi_placement_from_json(json_object_get(rec, "placement"), pl, err, errlen);
	return ret;
}

static int
recover(struct nfvi_agent *a, char *err, size_t errlen)
{
	struct nfvi_cpuset reserved;
	json_t *names = json_array();
	const char *name;
	json_t *rec, *n;
	size_t i;
	int ret = 0;

	if (names == NULL)
		return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
	json_object_foreach(a->vnfs, name, rec)
		json_array_append_new(names, json_string(name));
	nfvi_reserved_cpus(a->inv, &a->cfg.res, &reserved);
	json_array_foreach(names, i, n) {
		const char *nm = json_string_value(n), *state;
		struct nfvi_vnf_desc d;
		struct nfvi_placement pl;
		char why[256];

		rec = json_object_get(a->vnfs, nm);
		state = nfvi_jstr(rec, "state");
		ret = record_parse(rec, &d, &pl, why, sizeof(why));
		if (ret < 0) {
			ret = nfvi_seterr(-EINVAL, err, errlen, "journal: VNF '%s': %s", nm, why);
			break;
		}
		if (strcmp(state, "incoming") == 0)
			state = nfvi_mig_recover(a, rec);
		if (strcmp(state, "allocated") != 0 && strcmp(state, "incoming") != 0) {
			NFVI_LOG(LOG_NOTICE, "recovery: VNF '%s' was %s: releasing it", nm,
				 nfvi_jstr(rec, "state"));
			if (nfvi_lc_undo(a, rec, &pl, false, why, sizeof(why)) < 0) {
				NFVI_LOG(LOG_ERR, "recovery: VNF '%s': %s; kept as releasing", nm, why);
				ret = nfvi_agent_put_state(a, rec, "releasing");
			} else {
				ret = drop_record(a, nm);
			}
			if (ret < 0) {
				ret = nfvi_seterr(ret, err, errlen, "journal: %s", strerror(-ret));
				break;
			}
			continue;
		}
		if (nfvi_cpuset_intersects(&pl.cpus, &reserved))
			NFVI_LOG(LOG_WARNING, "VNF '%s' holds CPUs now reserved for the host or PMDs",
				 nm);
		nfvi_lc_reconcile(a, rec, &d, &pl);
	}
	json_decref(names);
	if (ret == 0)
		nfvi_lc_sweep(a);
	return ret;
}

struct nfvi_agent *
nfvi_agent_create(const struct nfvi_config *cfg, const struct nfvi_vf_ops *vf_ops, void *vf_ctx,
		  char *err, size_t errlen)
{
	struct nfvi_providers p = { .vf_ops = vf_ops, .vf_ctx = vf_ctx };

	return nfvi_agent_create_with(cfg, &p, err, errlen);
}

struct nfvi_agent *
nfvi_agent_create_with(const struct nfvi_config *cfg, const struct nfvi_providers *p, char *err,
		       size_t errlen)
{
	const struct nfvi_vf_ops *vf_ops = p->vf_ops;
	void *vf_ctx = p->vf_ctx;
	char sys[PATH_MAX];
	struct nfvi_agent *a;
	const char *env;
	int ret;

	ret = snprintf(sys, sizeof(sys), "%s/sys", strcmp(cfg->sysfs_root, "/") == 0 ? "" :
		       cfg->sysfs_root);
	if (ret < 0 || (size_t)ret >= sizeof(sys)) {
		nfvi_seterr(0, err, errlen, "sysfs root too long");
		errno = ENAMETOOLONG;
		return NULL;
	}

	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		nfvi_seterr(0, err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	a->cfg = *cfg;
	if (vf_ops != NULL) {
		a->vf_ops = vf_ops;
		a->vf_ctx = vf_ctx;
	} else if (strcmp(cfg->vf_backend, "fake") == 0) {
		a->vf_ops = &nfvi_vf_fake_ops;
		a->vf_ctx = &a->fake;
		if ((size_t)snprintf(a->fake.log_path, sizeof(a->fake.log_path), "%s/vf-fake.log",
				     cfg->state_dir) >= sizeof(a->fake.log_path))
			a->fake.log_path[0] = '\0';
	} else {
		a->vf_ops = &nfvi_vf_netlink_ops;
		a->vf_ctx = &a->nl;
		strcpy(a->nl.sysfs_root, sys);
		a->nl.seq = (uint32_t)time(NULL);
	}
	a->kvm = -1;
	a->drift = json_object();
	if (a->drift == NULL) {
		ret = nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
		goto err_free_agent;
	}
	if (p->hv_ops != NULL) {
		a->hv_ops = p->hv_ops;
		a->hv_ctx = p->hv_ctx;
	} else if (strcmp(cfg->vm_backend, "libvirt") == 0) {
		a->lv = nfvi_libvirt_new(cfg->libvirt_uri);
		if (a->lv == NULL) {
			ret = nfvi_seterr(-errno, err, errlen, "libvirt: %s", strerror(errno));
			goto err_free_agent;
		}
		a->hv_ops = &nfvi_hv_libvirt_ops;
		a->hv_ctx = a->lv;
	}
	env = getenv("EDGEPLANE_AGENT_CRASH_AT");
	if (env != NULL)
		a->crash_at = strtoul(env, NULL, 10);

	a->inv = nfvi_inventory_load(sys, err, errlen);
	if (a->inv == NULL) {
		ret = -errno;
		goto err_free_agent;
	}
	a->journal = nfvi_journal_open(cfg->state_dir, &a->vnfs, err, errlen);
	if (a->journal == NULL) {
		ret = -errno;
		goto err_free_inventory;
	}
	ret = recover(a, err, errlen);
	if (ret < 0)
		goto err_close_journal;
	return a;

err_close_journal:
	json_decref(a->vnfs);
	nfvi_journal_close(a->journal);
err_free_inventory:
	nfvi_inventory_free(a->inv);
err_free_agent:
	nfvi_libvirt_free(a->lv);
	json_decref(a->drift);
	free(a);
	errno = -ret;
	return NULL;
}

void
nfvi_agent_destroy(struct nfvi_agent *a)
{
	if (a == NULL)
		return;
	json_decref(a->vnfs);
	nfvi_journal_close(a->journal);
	nfvi_inventory_free(a->inv);
	nfvi_libvirt_free(a->lv);
	json_decref(a->drift);
	free(a);
}

static int
count_op(struct nfvi_agent *a, int op, int ret)
{
	int r = ret == 0 ? RES_OK : ret == -EINVAL ? RES_INVALID :
		ret == -EEXIST || ret == -ENOENT ? RES_CONFLICT :
		ret == -ENOSPC ? RES_INSUFFICIENT : RES_ERROR;

	a->ops[op][r]++;
	return ret;
}

void
nfvi_agent_rollback(struct nfvi_agent *a, json_t *rec, const struct nfvi_placement *pl,
		    const char *why)
{
	const char *name = nfvi_jstr(rec, "name");
	char err[256];

	NFVI_LOG(LOG_NOTICE, "VNF '%s': create failed (%s): rolling back", name, why);
	if (nfvi_lc_undo(a, rec, pl, false, err, sizeof(err)) < 0 || drop_record(a, name) < 0) {
		NFVI_LOG(LOG_ERR, "VNF '%s': rollback failed (%s); kept as releasing", name, err);
		nfvi_agent_put_state(a, rec, "releasing");
	}
}

int
nfvi_agent_admit(struct nfvi_agent *a, const json_t *json, const char *id, const char *accel,
		 bool guest, json_t **result, struct nfvi_vnf_desc *d, struct nfvi_placement *pl,
		 char *err, size_t errlen)
{
	struct nfvi_usage used;
	json_t *norm = NULL, *rec, *plj;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	int ret;

	ret = nfvi_desc_parse(json, d, &norm, err, errlen);
	if (ret < 0)
		return ret;
	if (json_object_get(a->vnfs, d->name) != NULL) {
		json_decref(norm);
		return nfvi_seterr(-EEXIST, err, errlen, "VNF '%s' exists", d->name);
	}
	ret = usage_of(a, &used, NULL);
	if (ret < 0) {
		json_decref(norm);
		return nfvi_seterr(ret, err, errlen, "journal state: %s", strerror(-ret));
	}
	ret = nfvi_alloc_place(a->inv, &a->cfg.res, &used, d, pl, err, errlen);
	nfvi_usage_fini(&used);
	if (ret < 0) {
		json_decref(norm);
		return ret;
	}
	plj = nfvi_placement_to_json(pl);
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	rec = json_pack("{s:s, s:s, s:o, s:o*, s:s}", "name", d->name, "state", "allocating",
			"descriptor", norm, "placement", plj, "created_at", now);
	if (rec == NULL || plj == NULL) {
		json_decref(rec);
		return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
	}

	ret = nfvi_lc_prepare(a, rec, d, id, accel, err, errlen);
	if (ret < 0) {
		json_decref(rec);
		return ret;
	}
	nfvi_agent_crash_point(a, "create: placed");
	ret = nfvi_agent_put_state(a, rec, "allocating");
	if (ret < 0) {
		json_decref(rec);
		return nfvi_seterr(ret, err, errlen, "journal: %s", strerror(-ret));
	}
	nfvi_agent_crash_point(a, "create: journaled allocating");
	ret = nfvi_lc_apply(a, rec, d, pl, guest, err, errlen);
	if (ret < 0) {
		/* roll back: the VNF never existed */
		nfvi_agent_rollback(a, rec, pl, err);
		json_decref(rec);
		return ret;
	}
	*result = rec;
	return 0;
}

static int
vnf_create(struct nfvi_agent *a, const json_t *json, json_t **result, char *err, size_t errlen)
{
	struct nfvi_vnf_desc d;
	struct nfvi_placement pl;
	json_t *rec;
	int ret;

	ret = nfvi_agent_admit(a, json, NULL, NULL, true, &rec, &d, &pl, err, errlen);
	if (ret < 0)
		return ret;
	ret = nfvi_agent_put_state(a, rec, "allocated");
	if (ret < 0) {
		json_decref(rec);
		return nfvi_seterr(ret, err, errlen, "journal: %s", strerror(-ret));
	}
	nfvi_agent_crash_point(a, "create: journaled allocated");
	NFVI_LOG(LOG_INFO, "VNF '%s' allocated on node %d", d.name, pl.node);
	*result = rec;
	return 0;
}

int
nfvi_agent_vnf_create(struct nfvi_agent *a, const json_t *json, json_t **result, char *err,
		      size_t errlen)
{
	*result = NULL;
	return count_op(a, OP_CREATE, vnf_create(a, json, result, err, errlen));
}

static int
vnf_delete(struct nfvi_agent *a, const char *name, char *err, size_t errlen)
{
	struct nfvi_vnf_desc d;
	struct nfvi_placement pl;
	json_t *rec;
	int ret;

	if (!nfvi_name_valid(name))
		return nfvi_seterr(-EINVAL, err, errlen, "bad VNF name");
	rec = json_object_get(a->vnfs, name);
	if (rec == NULL)
		return nfvi_seterr(-ENOENT, err, errlen, "no VNF '%s'", name);
	json_incref(rec);
	ret = record_parse(rec, &d, &pl, err, errlen);
	if (ret < 0)
		goto out;
	nfvi_agent_crash_point(a, "delete: start");
	ret = nfvi_agent_put_state(a, rec, "releasing");
	if (ret < 0) {
		ret = nfvi_seterr(ret, err, errlen, "journal: %s", strerror(-ret));
		goto out;
	}
	nfvi_agent_crash_point(a, "delete: journaled releasing");
	ret = nfvi_lc_undo(a, rec, &pl, true, err, errlen);
	if (ret < 0)
		goto out;	/* stays "releasing"; DELETE again or a restart retries */
	json_object_del(a->drift, name);
	ret = drop_record(a, name);
	if (ret < 0) {
		ret = nfvi_seterr(ret, err, errlen, "journal: %s", strerror(-ret));
		goto out;
	}
	nfvi_agent_crash_point(a, "delete: journaled del");
	NFVI_LOG(LOG_INFO, "VNF '%s' released", name);
out:
	json_decref(rec);
	return ret;
}

int
nfvi_agent_vnf_delete(struct nfvi_agent *a, const char *name, char *err, size_t errlen)
{
	return count_op(a, OP_DELETE, vnf_delete(a, name, err, errlen));
}

json_t *
nfvi_agent_vnf_get(struct nfvi_agent *a, const char *name)
{
	json_t *rec = json_object_get(a->vnfs, name);

	return rec != NULL ? nfvi_lc_live(a, rec) : NULL;
}

json_t *
nfvi_agent_vnf_list(struct nfvi_agent *a)
{
	json_t *arr = json_array(), *names = json_array(), *n;
	const char *name;
	json_t *rec;
	size_t i, k;

	if (arr == NULL || names == NULL) {
		json_decref(arr);
		json_decref(names);
		return NULL;
	}
	json_object_foreach(a->vnfs, name, rec)
		json_array_append_new(names, json_string(name));
	/* insertion sort by name: lists are small */
	for (i = 1; i < json_array_size(names); i++) {
		for (k = i; k > 0; k--) {
			json_t *x = json_array_get(names, k - 1), *y = json_array_get(names, k);

			if (strcmp(json_string_value(x), json_string_value(y)) <= 0)
				break;
			json_incref(x);
			json_array_set(names, k - 1, y);
			json_array_set_new(names, k, x);
		}
	}
	json_array_foreach(names, i, n)
		json_array_append(arr, json_object_get(a->vnfs, json_string_value(n)));
	json_decref(names);
	return json_pack("{s:o}", "vnfs", arr);
}

int
nfvi_agent_vnf_action(struct nfvi_agent *a, const char *name, const json_t *body,
		      json_t **result, char *err, size_t errlen)
{
	static const char *const actions[] = { "start", "stop", "snapshot", "migrate", NULL };
	const char *action;
	unsigned int i;
	json_t *rec;
	int ret;

	*result = NULL;
	if (!nfvi_name_valid(name))
		return nfvi_seterr(-EINVAL, err, errlen, "bad VNF name");
	rec = json_object_get(a->vnfs, name);
	if (rec == NULL)
		return nfvi_seterr(-ENOENT, err, errlen, "no VNF '%s'", name);
	if (!json_is_object(body))
		return nfvi_seterr(-EINVAL, err, errlen, "the body must be a JSON object");
	action = json_string_value(json_object_get(body, "action"));
	if (action == NULL)
		return nfvi_seterr(-EINVAL, err, errlen, "'action' must be a string");
	for (i = 0; actions[i] != NULL; i++)
		if (strcmp(actions[i], action) == 0)
			break;
	if (actions[i] == NULL)
		return nfvi_seterr(-EINVAL, err, errlen,
				   "'action' must be start, stop, snapshot or migrate, not '%.32s'",
				   action);
	json_incref(rec);
	ret = nfvi_lc_action(a, rec, action, body, result, err, errlen);
	if (ret == 0 && strcmp(action, "migrate") == 0) {
		/* the domain runs on the target now: release what it held here */
		ret = nfvi_agent_vnf_delete(a, name, err, errlen);
		if (ret < 0) {
			json_decref(*result);
			*result = NULL;
		}
	}
	json_decref(rec);
	return ret;
}

json_t *
nfvi_agent_inventory(struct nfvi_agent *a)
{
	struct nfvi_usage used;
	json_t *j;

	if (usage_of(a, &used, NULL) < 0)
		return NULL;
	j = nfvi_capacity_json(a->inv, &a->cfg.res, &used);
	nfvi_usage_fini(&used);
	return j;
}

void
nfvi_agent_count_http(struct nfvi_agent *a, unsigned int status)
{
	unsigned int i;

	for (i = 0; i < a->n_http; i++) {
		if (a->http[i].code == status) {
			a->http[i].count++;
			return;
		}
	}
	if (a->n_http < NFVI_MAX_HTTP_CODES) {
		a->http[a->n_http].code = status;
		a->http[a->n_http++].count = 1;
	}
}

static void
metric_kinds(FILE *f, const char *metric, const char *labels, const json_t *c)
{
	static const char *const kinds[] = { "total", "reserved", "allocated", "available", "free" };
	unsigned int i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		json_t *v = json_object_get(c, kinds[i]);

		if (v != NULL)
			fprintf(f, "%s{%s,kind=\"%s\"} %lld\n", metric, labels, kinds[i],
				(long long)json_integer_value(v));
	}
}

int
nfvi_agent_metrics(struct nfvi_agent *a, char **out, size_t *size)
{
	static const char *const states[] = { "allocating", "allocated", "releasing", "incoming" };
	json_t *inv = nfvi_agent_inventory(a), *node, *c;
	const char *name, *sz;
	unsigned int i, k;
	size_t n;
	json_t *rec;
	FILE *f;

	if (inv == NULL)
		return -ENOMEM;
	f = open_memstream(out, size);
	if (f == NULL) {
		json_decref(inv);
		return -errno;
	}
	fputs("# HELP edgeplane_agent_vnfs VNFs known to the agent, by state.\n"
	      "# TYPE edgeplane_agent_vnfs gauge\n", f);
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		unsigned int cnt = 0;

		json_object_foreach(a->vnfs, name, rec)
			cnt += strcmp(nfvi_jstr(rec, "state"), states[i]) == 0;
		fprintf(f, "edgeplane_agent_vnfs{state=\"%s\"} %u\n", states[i], cnt);
	}
	fputs("# HELP edgeplane_agent_cpus CPUs per NUMA node.\n"
	      "# TYPE edgeplane_agent_cpus gauge\n", f);
	json_array_foreach(json_object_get(inv, "nodes"), n, node) {
		char labels[64];

		snprintf(labels, sizeof(labels), "node=\"%lld\"",
			 (long long)json_integer_value(json_object_get(node, "id")));
		metric_kinds(f, "edgeplane_agent_cpus", labels, json_object_get(node, "cpus"));
	}
	fputs("# HELP edgeplane_agent_hugepages Hugepages per NUMA node and size.\n"
	      "# TYPE edgeplane_agent_hugepages gauge\n", f);
	json_array_foreach(json_object_get(inv, "nodes"), n, node) {
		json_object_foreach(json_object_get(node, "hugepages"), sz, c) {
			char labels[64];

			snprintf(labels, sizeof(labels), "node=\"%lld\",size=\"%s\"",
				 (long long)json_integer_value(json_object_get(node, "id")), sz);
			metric_kinds(f, "edgeplane_agent_hugepages", labels, c);
		}
	}
	fputs("# HELP edgeplane_agent_vfs SR-IOV VFs per NUMA node.\n"
	      "# TYPE edgeplane_agent_vfs gauge\n", f);
	json_array_foreach(json_object_get(inv, "nodes"), n, node) {
		char labels[64];

		snprintf(labels, sizeof(labels), "node=\"%lld\"",
			 (long long)json_integer_value(json_object_get(node, "id")));
		metric_kinds(f, "edgeplane_agent_vfs", labels, json_object_get(node, "vfs"));
	}
	fputs("# HELP edgeplane_agent_vnf_operations_total VNF create/delete requests by result.\n"
	      "# TYPE edgeplane_agent_vnf_operations_total counter\n", f);
	for (i = 0; i < 2; i++)
		for (k = 0; k < 5; k++)
			fprintf(f, "edgeplane_agent_vnf_operations_total{op=\"%s\",result=\"%s\"} "
				"%llu\n", op_names[i], res_names[k],
				(unsigned long long)a->ops[i][k]);
	nfvi_lc_metrics(a, f);
	fputs("# HELP edgeplane_agent_http_responses_total HTTP responses by status code.\n"
	      "# TYPE edgeplane_agent_http_responses_total counter\n", f);
	for (i = 0; i < a->n_http; i++)
		fprintf(f, "edgeplane_agent_http_responses_total{code=\"%u\"} %llu\n",
			a->http[i].code, (unsigned long long)a->http[i].count);
	json_decref(inv);
	if (fclose(f) != 0)
		return -errno;
	return 0;
}
