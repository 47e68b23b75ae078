/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_alloc.c: placement of a VNF on one NUMA node, all or nothing, and
 * the capacity view.
 *
 * Dedicated CPUs are handed out as whole physical cores, so two VNFs never
 * share a core's caches and execution units, and a core with any thread in
 * the host or PMD sets is never handed out. Within that rule the Nova
 * thread policies decide how vCPUs map onto a core's threads:
 *   prefer  - vCPUs fill a core's sibling threads before the next core;
 *   isolate - one vCPU per core, the siblings stay idle;
 *   require - like prefer, but only on SMT cores (refused without SMT).
 * hw:emulator_threads_policy=isolate takes one more whole core; share puts
 * the emulator threads on the host CPUs of the node (all host CPUs if the
 * node has none; the VNF's own CPUs when no host CPUs are configured, as
 * Nova does without cpu_shared_set).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nfvi_priv.h"

static const char *const hp_names[NFVI_HP_SIZES] = { [NFVI_HP_2M] = "2M", [NFVI_HP_1G] = "1G" };
static const uint64_t hp_mb[NFVI_HP_SIZES] = { [NFVI_HP_2M] = 2, [NFVI_HP_1G] = 1024 };
static const char *const thread_names[] = { "prefer", "isolate", "require" };

void
nfvi_usage_init(struct nfvi_usage *u)
{
	memset(u, 0, sizeof(*u));
}

void
nfvi_usage_fini(struct nfvi_usage *u)
{
	if (u == NULL)
		return;
	free(u->vfs);
	memset(u, 0, sizeof(*u));
}

int
nfvi_usage_add(struct nfvi_usage *u, const struct nfvi_placement *pl)
{
	unsigned int i;

	if (u->n_vfs + pl->n_vfs > u->vfs_cap) {
		unsigned int cap = u->vfs_cap ? u->vfs_cap : 16;
		void *n;

		while (cap < u->n_vfs + pl->n_vfs)
			cap *= 2;
		n = realloc(u->vfs, cap * sizeof(*u->vfs));
		if (n == NULL)
			return -ENOMEM;
		u->vfs = n;
		u->vfs_cap = cap;
	}
	nfvi_cpuset_or(&u->cpus, &pl->cpus);
	if (pl->hp_size >= 0 && pl->node >= 0 && pl->node < NFVI_MAX_NODES)
		u->hp[pl->node][pl->hp_size] += pl->hp_count;
	for (i = 0; i < pl->n_vfs; i++)
		strcpy(u->vfs[u->n_vfs++], pl->vfs[i].pci);
	return 0;
}

static bool
vf_used(const struct nfvi_usage *u, const struct nfvi_placement *pl, const char *pci)
{
	unsigned int i;

	for (i = 0; i < u->n_vfs; i++)
		if (strcmp(u->vfs[i], pci) == 0)
			return true;
	for (i = 0; i < pl->n_vfs; i++)
		if (strcmp(pl->vfs[i].pci, pci) == 0)
			return true;
	return false;
}

void
nfvi_reserved_cpus(const struct nfvi_inventory *inv, const struct nfvi_reservation *res,
		   struct nfvi_cpuset *out)
{
	struct nfvi_cpuset r = res->host_cpus;
	unsigned int i;

	nfvi_cpuset_or(&r, &res->pmd_cpus);
	*out = r;
	for (i = 0; i < inv->n_cores; i++)
		if (nfvi_cpuset_intersects(&inv->cores[i].cpus, &r))
			nfvi_cpuset_or(out, &inv->cores[i].cpus);
}

static uint64_t
hp_available(const struct nfvi_node *n, const struct nfvi_reservation *res,
	     const struct nfvi_usage *used, int size)
{
	uint64_t taken = res->hp[n->id][size] + used->hp[n->id][size];

	return n->hp_total[size] > taken ? n->hp_total[size] - taken : 0;
}

/* Append to a "; "-separated message. */
static void
why_add(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
why_add(char *why, size_t size, const char *fmt, ...)
{
	size_t len = strlen(why);
	va_list ap;

	if (len > 0 && len + 2 < size) {
		strcpy(why + len, ", ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + len, size - len, fmt, ap);
	va_end(ap);
}

static void
place_cpus(const struct nfvi_inventory *inv, const struct nfvi_reservation *res,
	   const struct nfvi_cpuset *busy, const struct nfvi_vnf_desc *d,
	   const struct nfvi_node *n, struct nfvi_placement *pl, char *why, size_t whylen)
{
	unsigned int i, v = 0, free_cores = 0, cpu;
	bool emu_done = d->emu_policy != NFVI_EMU_ISOLATE;

	for (i = 0; i < inv->n_cores; i++) {
		const struct nfvi_core *c = &inv->cores[i];

		if (c->node != n->id || nfvi_cpuset_intersects(&c->cpus, busy))
			continue;
		free_cores++;
		if (v < d->vcpus) {
			if (d->thread_policy == NFVI_THREAD_REQUIRE && c->n_cpus < 2)
				continue;
			nfvi_cpuset_or(&pl->cpus, &c->cpus);
			for (cpu = c->first_cpu; cpu < NFVI_MAX_CPUS && v < d->vcpus; cpu++) {
				if (!nfvi_cpuset_isset(&c->cpus, cpu))
					continue;
				pl->vcpu_pins[v++] = (int)cpu;
				if (d->thread_policy == NFVI_THREAD_ISOLATE)
					break;
			}
		} else if (!emu_done) {
			nfvi_cpuset_or(&pl->cpus, &c->cpus);
			pl->emulator_cpus = c->cpus;
			emu_done = true;
		}
	}
	if (v < d->vcpus)
		why_add(why, whylen, "%u free cores hold %u of %u vCPUs (hw:cpu_thread_policy=%s)",
			free_cores, v, d->vcpus, thread_names[d->thread_policy]);
	else if (!emu_done)
		why_add(why, whylen,
			"no free core left for the emulator threads "
			"(hw:emulator_threads_policy=isolate, %u free cores)", free_cores);
	(void)res;
}

/* Host CPUs of the node, else all host CPUs. */
static void
shared_set(const struct nfvi_reservation *res, const struct nfvi_node *n, struct nfvi_cpuset *out)
{
	*out = res->host_cpus;
	nfvi_cpuset_and(out, &n->cpus);
	if (nfvi_cpuset_count(out) == 0)
		*out = res->host_cpus;
}

static void
place_memory(const struct nfvi_reservation *res, const struct nfvi_usage *used,
	     const struct nfvi_vnf_desc *d, const struct nfvi_node *n,
	     struct nfvi_placement *pl, char *why, size_t whylen)
{
	int order[3], n_order = 0, i;
	char short_of[160] = "";

	switch (d->page_req) {
	case NFVI_PAGES_SMALL:
		pl->hp_size = -1;
		return;
	case NFVI_PAGES_2M:
		order[n_order++] = NFVI_HP_2M;
		break;
	case NFVI_PAGES_1G:
		order[n_order++] = NFVI_HP_1G;
		break;
	case NFVI_PAGES_LARGE:
	case NFVI_PAGES_ANY:
		if (d->memory_mb % 1024 == 0)
			order[n_order++] = NFVI_HP_1G;
		order[n_order++] = NFVI_HP_2M;
		break;
	}
	for (i = 0; i < n_order; i++) {
		int s = order[i];
		uint64_t need = d->memory_mb / hp_mb[s], avail = hp_available(n, res, used, s);

		if (avail >= need) {
			pl->hp_size = s;
			pl->hp_count = need;
			return;
		}
		why_add(short_of, sizeof(short_of), "%llu free %s hugepages, %llu needed",
			(unsigned long long)avail, hp_names[s], (unsigned long long)need);
	}
	if (d->page_req == NFVI_PAGES_ANY) {
		pl->hp_size = -1;
		return;
	}
	why_add(why, whylen, "%s", short_of);
}

static void
place_vfs(const struct nfvi_inventory *inv, const struct nfvi_usage *used,
	  const struct nfvi_vnf_desc *d, struct nfvi_placement *pl, char *why, size_t whylen)
{
	unsigned int i, k;

	for (i = 0; i < d->n_nics; i++) {
		const struct nfvi_pf *pf;
		struct nfvi_vf_slot *slot;

		if (d->nics[i].type != NFVI_NIC_SRIOV_VF)
			continue;
		pf = nfvi_inventory_pf(inv, d->nics[i].pf);
		for (k = 0; k < pf->n_vfs; k++)
			if (!vf_used(used, pl, pf->vfs[k].pci))
				break;
		if (k == pf->n_vfs) {
			why_add(why, whylen, "no free VF on %s (nics[%u], %u VFs)", pf->ifname, i,
				pf->n_vfs);
			continue;
		}
		slot = &pl->vfs[pl->n_vfs++];
		slot->nic = (int)i;
		strcpy(slot->pf, pf->ifname);
		slot->index = pf->vfs[k].index;
		strcpy(slot->pci, pf->vfs[k].pci);
	}
}

static int
place_on_node(const struct nfvi_inventory *inv, const struct nfvi_reservation *res,
	      const struct nfvi_usage *used, const struct nfvi_cpuset *busy,
	      const struct nfvi_vnf_desc *d, const struct nfvi_node *n,
	      struct nfvi_placement *pl, char *why, size_t whylen)
{
	unsigned int i;

	memset(pl, 0, sizeof(*pl));
	pl->node = n->id;
	pl->n_vcpus = d->vcpus;
	pl->hp_size = -1;
	why[0] = '\0';
	if (d->cpu_policy == NFVI_CPU_DEDICATED) {
		pl->dedicated = true;
		place_cpus(inv, res, busy, d, n, pl, why, whylen);
		if (d->emu_policy == NFVI_EMU_SHARE) {
			shared_set(res, n, &pl->emulator_cpus);
			if (nfvi_cpuset_count(&pl->emulator_cpus) == 0)
				pl->emulator_cpus = pl->cpus;
		}
	} else {
		shared_set(res, n, &pl->shared_cpus);
		if (nfvi_cpuset_count(&pl->shared_cpus) == 0) {
			/* no host CPUs configured: float over the node's free CPUs */
			pl->shared_cpus = n->cpus;
			nfvi_cpuset_andnot(&pl->shared_cpus, busy);
		}
		if (nfvi_cpuset_count(&pl->shared_cpus) == 0)
			why_add(why, whylen, "no CPU to run shared vCPUs on");
		for (i = 0; i < d->vcpus; i++)
			pl->vcpu_pins[i] = -1;
		pl->emulator_cpus = pl->shared_cpus;
	}
	place_memory(res, used, d, n, pl, why, whylen);
	place_vfs(inv, used, d, pl, why, whylen);
	return why[0] == '\0' ? 0 : -ENOSPC;
}

int
nfvi_alloc_place(const struct nfvi_inventory *inv, const struct nfvi_reservation *res,
		 const struct nfvi_usage *used, const struct nfvi_vnf_desc *d,
		 struct nfvi_placement *pl, char *err, size_t errlen)
{
	char msg[1024] = "", why[512];
	struct nfvi_cpuset busy;
	int want = -1, ret;
	unsigned int i;
	const char *want_pf = NULL;

	for (i = 0; i < d->n_nics; i++) {
		const struct nfvi_pf *pf;

		if (d->nics[i].type != NFVI_NIC_SRIOV_VF)
			continue;
		pf = nfvi_inventory_pf(inv, d->nics[i].pf);
		if (pf == NULL)
			return nfvi_seterr(-EINVAL, err, errlen,
					   "nics[%u]: no SR-IOV PF '%s' on this host", i,
					   d->nics[i].pf);
		if (pf->node < 0)
			return nfvi_seterr(-EINVAL, err, errlen,
					   "nics[%u]: PF '%s' has no NUMA node", i, pf->ifname);
		if (want >= 0 && pf->node != want)
			return nfvi_seterr(-EINVAL, err, errlen,
					   "nics[%u]: PF '%s' is on node %d but '%s' is on node %d "
					   "(hw:numa_nodes=1)", i, pf->ifname, pf->node, want_pf, want);
		want = pf->node;
		want_pf = pf->ifname;
	}
	if (d->cpu_policy == NFVI_CPU_DEDICATED && d->thread_policy == NFVI_THREAD_REQUIRE &&
	    inv->max_threads_per_core < 2)
		return nfvi_seterr(-EINVAL, err, errlen,
				   "hw:cpu_thread_policy=require needs SMT; this host has none");

	nfvi_reserved_cpus(inv, res, &busy);
	nfvi_cpuset_or(&busy, &used->cpus);
	for (i = 0; i < inv->n_nodes; i++) {
		const struct nfvi_node *n = &inv->nodes[i];
		size_t len = strlen(msg);

		if (want >= 0 && n->id != want)
			continue;
		ret = place_on_node(inv, res, used, &busy, d, n, pl, why, sizeof(why));
		if (ret == 0)
			return 0;
		snprintf(msg + len, sizeof(msg) - len, "%snode %d: %s", len ? "; " : "", n->id,
			 why);
	}
	memset(pl, 0, sizeof(*pl));
	return nfvi_seterr(-ENOSPC, err, errlen, "insufficient resources: %s", msg);
}

static json_t *
cpuset_json(const struct nfvi_cpuset *s)
{
	char buf[4096];

	if (nfvi_cpuset_format(s, buf, sizeof(buf)) < 0)
		return NULL;
	return json_string(buf);
}

json_t *
nfvi_placement_to_json(const struct nfvi_placement *pl)
{
	json_t *j, *pins, *vfs;
	unsigned int i;

	pins = json_array();
	vfs = json_array();
	j = json_pack("{s:i, s:s, s:I, s:o*, s:o*, s:o*, s:s, s:I, s:o, s:o}", "node", pl->node,
		      "cpu_policy", pl->dedicated ? "dedicated" : "shared", "vcpus",
		      (json_int_t)pl->n_vcpus, "cpus", cpuset_json(&pl->cpus), "shared_cpus",
		      cpuset_json(&pl->shared_cpus), "emulator_cpus",
		      cpuset_json(&pl->emulator_cpus), "page_size",
		      pl->hp_size < 0 ? "small" : hp_names[pl->hp_size], "pages",
		      (json_int_t)(pl->hp_size < 0 ? 0 : pl->hp_count), "vcpu_pins", pins, "vfs",
		      vfs);
	if (j == NULL)
		return NULL;
	for (i = 0; pl->dedicated && i < pl->n_vcpus; i++)
		json_array_append_new(pins, json_integer(pl->vcpu_pins[i]));
	for (i = 0; i < pl->n_vfs; i++)
		json_array_append_new(vfs, json_pack("{s:i, s:s, s:I, s:s}", "nic", pl->vfs[i].nic,
						     "pf", pl->vfs[i].pf, "vf",
						     (json_int_t)pl->vfs[i].index, "pci",
						     pl->vfs[i].pci));
	return j;
}

int
nfvi_placement_from_json(const json_t *j, struct nfvi_placement *pl, char *err, size_t errlen)
{
	const char *policy, *cpus, *shared, *emu, *page;
	json_int_t vcpus, pages;
	json_t *pins, *vfs, *v;
	json_error_t jerr;
	size_t i;

	memset(pl, 0, sizeof(*pl));
	if (json_unpack_ex((json_t *)j, &jerr, 0, "{s:i, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:o, s:o}",
			   "node", &pl->node, "cpu_policy", &policy, "vcpus", &vcpus, "cpus",
			   &cpus, "shared_cpus", &shared, "emulator_cpus", &emu, "page_size",
			   &page, "pages", &pages, "vcpu_pins", &pins, "vfs", &vfs) < 0)
		return nfvi_seterr(-EINVAL, err, errlen, "placement: %s", jerr.text);
	if (vcpus < 1 || vcpus > NFVI_MAX_VCPUS || pages < 0 || pl->node < 0 ||
	    pl->node >= NFVI_MAX_NODES || !json_is_array(pins) || !json_is_array(vfs) ||
	    json_array_size(vfs) > NFVI_MAX_NICS)
		return nfvi_seterr(-EINVAL, err, errlen, "placement: value out of range");
	pl->dedicated = strcmp(policy, "dedicated") == 0;
	pl->n_vcpus = (unsigned int)vcpus;
	if (nfvi_cpuset_parse(cpus, &pl->cpus) < 0 ||
	    nfvi_cpuset_parse(shared, &pl->shared_cpus) < 0 ||
	    nfvi_cpuset_parse(emu, &pl->emulator_cpus) < 0)
		return nfvi_seterr(-EINVAL, err, errlen, "placement: bad cpulist");
	if (strcmp(page, "small") == 0)
		pl->hp_size = -1;
	else if (strcmp(page, "2M") == 0)
		pl->hp_size = NFVI_HP_2M;
	else if (strcmp(page, "1G") == 0)
		pl->hp_size = NFVI_HP_1G;
	else
		return nfvi_seterr(-EINVAL, err, errlen, "placement: bad page_size '%s'", page);
	pl->hp_count = (uint64_t)pages;
	for (i = 0; i < pl->n_vcpus; i++) {
		v = json_array_get(pins, i);
		pl->vcpu_pins[i] = json_is_integer(v) ? (int)json_integer_value(v) : -1;
	}
	json_array_foreach(vfs, i, v) {
		struct nfvi_vf_slot *s = &pl->vfs[i];
		const char *pf, *pci;
		json_int_t idx;

		if (json_unpack_ex(v, &jerr, 0, "{s:i, s:s, s:I, s:s}", "nic", &s->nic, "pf", &pf,
				   "vf", &idx, "pci", &pci) < 0 ||
		    strlen(pf) > NFVI_IFNAME_MAX || strlen(pci) >= NFVI_PCI_ADDR_SIZE || idx < 0)
			return nfvi_seterr(-EINVAL, err, errlen, "placement: bad vfs[%zu]", i);
		strcpy(s->pf, pf);
		strcpy(s->pci, pci);
		s->index = (unsigned int)idx;
		pl->n_vfs++;
	}
	return 0;
}

static json_t *
counts(uint64_t total, uint64_t reserved, uint64_t allocated, uint64_t available)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "total", (json_int_t)total, "reserved",
			 (json_int_t)reserved, "allocated", (json_int_t)allocated, "available",
			 (json_int_t)available);
}

json_t *
nfvi_capacity_json(const struct nfvi_inventory *inv, const struct nfvi_reservation *res,
		   const struct nfvi_usage *used)
{
	json_t *root, *nodes, *pfs;
	struct nfvi_cpuset reserved;
	unsigned int i, k, s;

	nfvi_reserved_cpus(inv, res, &reserved);
	nodes = json_array();
	pfs = json_array();
	root = json_pack("{s:o, s:o, s:o*, s:o*, s:b, s:I}", "nodes", nodes, "pfs", pfs,
			 "host_cpus", cpuset_json(&res->host_cpus), "pmd_cpus",
			 cpuset_json(&res->pmd_cpus), "smt", inv->max_threads_per_core > 1,
			 "threads_per_core", (json_int_t)inv->max_threads_per_core);
	if (root == NULL)
		return NULL;
	for (i = 0; i < inv->n_nodes; i++) {
		const struct nfvi_node *n = &inv->nodes[i];
		struct nfvi_cpuset r = n->cpus, a = n->cpus, f = n->cpus;
		unsigned int vf_total = 0, vf_alloc = 0;
		json_t *node, *hp, *cpus;

		nfvi_cpuset_and(&r, &reserved);
		nfvi_cpuset_and(&a, &used->cpus);
		nfvi_cpuset_andnot(&a, &reserved);
		nfvi_cpuset_andnot(&f, &reserved);
		nfvi_cpuset_andnot(&f, &used->cpus);
		cpus = counts(nfvi_cpuset_count(&n->cpus), nfvi_cpuset_count(&r),
			      nfvi_cpuset_count(&a), nfvi_cpuset_count(&f));
		json_object_set_new(cpus, "list", cpuset_json(&n->cpus));
		json_object_set_new(cpus, "reserved_list", cpuset_json(&r));
		json_object_set_new(cpus, "allocated_list", cpuset_json(&a));
		json_object_set_new(cpus, "available_list", cpuset_json(&f));
		hp = json_object();
		for (s = 0; s < NFVI_HP_SIZES; s++) {
			json_t *c = counts(n->hp_total[s], res->hp[n->id][s], used->hp[n->id][s],
					   hp_available(n, res, used, s));

			json_object_set_new(c, "free", json_integer((json_int_t)n->hp_free[s]));
			json_object_set_new(hp, hp_names[s], c);
		}
		for (k = 0; k < inv->n_pfs; k++) {
			const struct nfvi_pf *pf = &inv->pfs[k];
			unsigned int v;

			if (pf->node != n->id)
				continue;
			vf_total += pf->n_vfs;
			for (v = 0; v < pf->n_vfs; v++) {
				struct nfvi_placement none = { .n_vfs = 0 };

				vf_alloc += vf_used(used, &none, pf->vfs[v].pci);
			}
		}
		node = json_pack("{s:i, s:o, s:o, s:o}", "id", n->id, "cpus", cpus, "hugepages", hp,
				 "vfs", counts(vf_total, 0, vf_alloc, vf_total - vf_alloc));
		json_array_append_new(nodes, node);
	}
	for (k = 0; k < inv->n_pfs; k++) {
		const struct nfvi_pf *pf = &inv->pfs[k];
		json_t *vfs = json_array();
		unsigned int v;

		for (v = 0; v < pf->n_vfs; v++) {
			struct nfvi_placement none = { .n_vfs = 0 };

			json_array_append_new(vfs, json_pack("{s:I, s:s, s:s, s:s, s:b}", "index",
							     (json_int_t)pf->vfs[v].index, "pci",
							     pf->vfs[v].pci, "driver",
							     pf->vfs[v].driver, "mac", pf->vfs[v].mac,
							     "allocated",
							     vf_used(used, &none, pf->vfs[v].pci)));
		}
		json_array_append_new(pfs, json_pack("{s:s, s:s, s:i, s:I, s:I, s:o}", "name",
						     pf->ifname, "pci", pf->pci, "node", pf->node,
						     "totalvfs", (json_int_t)pf->totalvfs, "numvfs",
						     (json_int_t)pf->numvfs, "vfs", vfs));
	}
	return root;
}
