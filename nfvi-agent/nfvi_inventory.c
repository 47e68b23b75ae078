/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_inventory.c: what the host has, read from a sysfs tree.
 *
 * Everything is read under a configurable root with the standard Linux
 * layout, so tests use fake trees and a real host uses /sys. libnuma is not
 * used: it always reads the real /sys, and sysfs already gives node CPU
 * lists and per-node hugepage counts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfvi_priv.h"

static const char *const hp_dirs[NFVI_HP_SIZES] = {
	[NFVI_HP_2M] = "hugepages/hugepages-2048kB",
	[NFVI_HP_1G] = "hugepages/hugepages-1048576kB",
};

/* "<prefix><number>" -> number, or -1. */
static long
numbered(const char *name, const char *prefix)
{
	size_t len = strlen(prefix);
	char *end;
	long v;

	if (strncmp(name, prefix, len) != 0 || name[len] < '0' || name[len] > '9')
		return -1;
	errno = 0;
	v = strtol(name + len, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return v;
}

static int
load_nodes(struct nfvi_inventory *inv, const char *root, char *err, size_t errlen)
{
	char dir[PATH_MAX], ndir[PATH_MAX + 300], buf[8192];
	struct dirent *de;
	unsigned int i, h;
	DIR *d;
	int ret;

	snprintf(dir, sizeof(dir), "%s/devices/system/node", root);
	d = opendir(dir);
	if (d == NULL)
		return 0;	/* no NUMA: one node 0, filled by the caller */
	while ((de = readdir(d)) != NULL) {
		long id = numbered(de->d_name, "node");
		struct nfvi_node *n;

		if (id < 0)
			continue;
		if (id >= NFVI_MAX_NODES || inv->n_nodes >= NFVI_MAX_NODES) {
			closedir(d);
			return nfvi_seterr(-ERANGE, err, errlen, "node%ld: more than %d nodes", id,
					   NFVI_MAX_NODES);
		}
		n = &inv->nodes[inv->n_nodes++];
		n->id = (int)id;
		snprintf(ndir, sizeof(ndir), "%s/%s", dir, de->d_name);
		ret = nfvi_read_str(ndir, "cpulist", buf, sizeof(buf));
		if (ret == 0)
			ret = nfvi_cpuset_parse(buf, &n->cpus);
		if (ret < 0) {
			closedir(d);
			return nfvi_seterr(ret, err, errlen, "%s/cpulist: %s", ndir,
					   ret == -EINVAL ? "malformed" : strerror(-ret));
		}
		for (h = 0; h < NFVI_HP_SIZES; h++) {
			char hdir[PATH_MAX + 400];
			long v;

			snprintf(hdir, sizeof(hdir), "%s/%s", ndir, hp_dirs[h]);
			if (nfvi_read_long(hdir, "nr_hugepages", &v) == 0 && v > 0)
				n->hp_total[h] = (uint64_t)v;
			if (nfvi_read_long(hdir, "free_hugepages", &v) == 0 && v > 0)
				n->hp_free[h] = (uint64_t)v;
		}
	}
	closedir(d);
	/* sort by id (insertion sort: at most NFVI_MAX_NODES) */
	for (i = 1; i < inv->n_nodes; i++) {
		struct nfvi_node t = inv->nodes[i];
		unsigned int j = i;

		while (j > 0 && inv->nodes[j - 1].id > t.id) {
			inv->nodes[j] = inv->nodes[j - 1];
			j--;
		}
		inv->nodes[j] = t;
	}
	return 0;
}

static int
node_of_cpu(const struct nfvi_inventory *inv, unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < inv->n_nodes; i++)
		if (nfvi_cpuset_isset(&inv->nodes[i].cpus, cpu))
			return inv->nodes[i].id;
	return -1;
}

static int
cmp_core(const void *a, const void *b)
{
	const struct nfvi_core *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return x->first_cpu < y->first_cpu ? -1 : x->first_cpu > y->first_cpu;
}

static int
load_cpus(struct nfvi_inventory *inv, const char *root, char *err, size_t errlen)
{
	char dir[PATH_MAX], cdir[PATH_MAX + 300], buf[8192];
	struct nfvi_cpuset seen;
	struct dirent *de;
	unsigned int cpu, i;
	DIR *d;
	int ret;

	snprintf(dir, sizeof(dir), "%s/devices/system/cpu", root);
	d = opendir(dir);
	if (d == NULL)
		return nfvi_seterr(-ENOENT, err, errlen, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		long id = numbered(de->d_name, "cpu"), online;

		if (id < 0)
			continue;
		if (id >= NFVI_MAX_CPUS) {
			closedir(d);
			return nfvi_seterr(-ERANGE, err, errlen, "cpu%ld: more than %d CPUs", id,
					   NFVI_MAX_CPUS);
		}
		snprintf(cdir, sizeof(cdir), "%s/%s", dir, de->d_name);
		if (nfvi_read_long(cdir, "online", &online) == 0 && online == 0)
			continue;
		nfvi_cpuset_set(&inv->online, (unsigned int)id);
	}
	closedir(d);
	if (nfvi_cpuset_count(&inv->online) == 0)
		return nfvi_seterr(-ENOENT, err, errlen, "%s: no online CPU", dir);

	if (inv->n_nodes == 0) {
		inv->n_nodes = 1;
		inv->nodes[0].id = 0;
		inv->nodes[0].cpus = inv->online;
	}
	for (i = 0; i < inv->n_nodes; i++)
		nfvi_cpuset_and(&inv->nodes[i].cpus, &inv->online);

	inv->cores = calloc(nfvi_cpuset_count(&inv->online), sizeof(*inv->cores));
	if (inv->cores == NULL)
		return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
	nfvi_cpuset_zero(&seen);
	inv->max_threads_per_core = 1;
	for (cpu = 0; cpu < NFVI_MAX_CPUS; cpu++) {
		struct nfvi_core *c;
		long v;

		if (!nfvi_cpuset_isset(&inv->online, cpu) || nfvi_cpuset_isset(&seen, cpu))
			continue;
		c = &inv->cores[inv->n_cores++];
		snprintf(cdir, sizeof(cdir), "%s/cpu%u/topology", dir, cpu);
		ret = nfvi_read_str(cdir, "thread_siblings_list", buf, sizeof(buf));
		if (ret == -ENOENT) {
			buf[0] = '\0';	/* no topology: a core of its own */
			ret = 0;
		}
		if (ret == 0)
			ret = nfvi_cpuset_parse(buf, &c->cpus);
		if (ret < 0)
			return nfvi_seterr(ret, err, errlen, "%s/thread_siblings_list: %s", cdir,
					   ret == -EINVAL ? "malformed" : strerror(-ret));
		nfvi_cpuset_set(&c->cpus, cpu);
		nfvi_cpuset_and(&c->cpus, &inv->online);
		/* a sibling seen before would mean an inconsistent tree: keep the first */
		nfvi_cpuset_andnot(&c->cpus, &seen);
		nfvi_cpuset_or(&seen, &c->cpus);
		c->n_cpus = nfvi_cpuset_count(&c->cpus);
		c->first_cpu = cpu;
		c->node = node_of_cpu(inv, cpu);
		c->core_id = nfvi_read_long(cdir, "core_id", &v) == 0 ? (int)v : (int)cpu;
		c->package = nfvi_read_long(cdir, "physical_package_id", &v) == 0 ? (int)v : 0;
		if (c->n_cpus > inv->max_threads_per_core)
			inv->max_threads_per_core = c->n_cpus;
	}
	qsort(inv->cores, inv->n_cores, sizeof(*inv->cores), cmp_core);
	return 0;
}

static int
cmp_vf(const void *a, const void *b)
{
	const struct nfvi_vf *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

static int
cmp_pf(const void *a, const void *b)
{
	const struct nfvi_pf *x = a, *y = b;

	return strcmp(x->ifname, y->ifname);
}

/* basename of the symlink "<dir>/<name>" into out; "" when absent. */
static void
link_base(const char *dir, const char *name, char *out, size_t size)
{
	char path[PATH_MAX + 300], target[PATH_MAX];
	const char *base;
	ssize_t n;

	out[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base != NULL ? base + 1 : target;
	if (strlen(base) < size)
		strcpy(out, base);
}

/* The only entry of "<dir>/net" (a netdev name), or "". */
static void
first_netdev(const char *dir, char *out, size_t size)
{
	char path[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;

	out[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/net", dir) >= sizeof(path))
		return;
	d = opendir(path);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= size)
			continue;
		strcpy(out, de->d_name);
		break;
	}
	closedir(d);
}

static int
load_vfs(struct nfvi_pf *pf, const char *pdir)
{
	char vdir[PATH_MAX + 600], ifname[64];
	struct dirent *de;
	unsigned int cap = 8;
	DIR *d;

	d = opendir(pdir);
	if (d == NULL)
		return -errno;
	pf->vfs = calloc(cap, sizeof(*pf->vfs));
	if (pf->vfs == NULL) {
		closedir(d);
		return -ENOMEM;
	}
	while ((de = readdir(d)) != NULL) {
		long idx = numbered(de->d_name, "virtfn");
		struct nfvi_vf *vf;

		if (idx < 0 || idx > 4096)
			continue;
		if (pf->n_vfs == cap) {
			struct nfvi_vf *n = realloc(pf->vfs, 2 * cap * sizeof(*n));

			if (n == NULL) {
				closedir(d);
				return -ENOMEM;
			}
			pf->vfs = n;
			cap *= 2;
		}
		vf = &pf->vfs[pf->n_vfs];
		memset(vf, 0, sizeof(*vf));
		vf->index = (unsigned int)idx;
		link_base(pdir, de->d_name, vf->pci, sizeof(vf->pci));
		if (vf->pci[0] == '\0')
			continue;
		snprintf(vdir, sizeof(vdir), "%s/%s", pdir, de->d_name);
		link_base(vdir, "driver", vf->driver, sizeof(vf->driver));
		first_netdev(vdir, ifname, sizeof(ifname));
		if (ifname[0] != '\0') {
			char ndir[PATH_MAX + 700];

			snprintf(ndir, sizeof(ndir), "%s/net/%s", vdir, ifname);
			char mac[64];

			if (nfvi_read_str(ndir, "address", mac, sizeof(mac)) == 0 &&
			    strlen(mac) < sizeof(vf->mac))
				strcpy(vf->mac, mac);
		}
		pf->n_vfs++;
	}
	closedir(d);
	qsort(pf->vfs, pf->n_vfs, sizeof(*pf->vfs), cmp_vf);
	return 0;
}

static int
load_pfs(struct nfvi_inventory *inv, const char *root, char *err, size_t errlen)
{
	char dir[PATH_MAX], pdir[PATH_MAX + 300];
	struct dirent *de;
	unsigned int cap = 0;
	DIR *d;
	int ret;

	snprintf(dir, sizeof(dir), "%s/bus/pci/devices", root);
	d = opendir(dir);
	if (d == NULL)
		return 0;	/* no PCI: no PFs */
	while ((de = readdir(d)) != NULL) {
		struct nfvi_pf *pf;
		long total, num, node;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= NFVI_PCI_ADDR_SIZE)
			continue;
		snprintf(pdir, sizeof(pdir), "%s/%s", dir, de->d_name);
		if (nfvi_read_long(pdir, "sriov_totalvfs", &total) < 0 || total <= 0)
			continue;
		if (inv->n_pfs == cap) {
			unsigned int ncap = cap ? 2 * cap : 8;
			struct nfvi_pf *n = realloc(inv->pfs, ncap * sizeof(*n));

			if (n == NULL) {
				closedir(d);
				return nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
			}
			inv->pfs = n;
			cap = ncap;
		}
		pf = &inv->pfs[inv->n_pfs];
		memset(pf, 0, sizeof(*pf));
		strcpy(pf->pci, de->d_name);
		first_netdev(pdir, pf->ifname, sizeof(pf->ifname));
		if (pf->ifname[0] == '\0')
			continue;	/* no netdev: not usable through netlink */
		inv->n_pfs++;
		pf->totalvfs = (unsigned int)total;
		pf->numvfs = nfvi_read_long(pdir, "sriov_numvfs", &num) == 0 && num > 0 ?
			     (unsigned int)num : 0;
		pf->node = nfvi_read_long(pdir, "numa_node", &node) == 0 ? (int)node : -1;
		if (pf->node < 0 && inv->n_nodes == 1)
			pf->node = inv->nodes[0].id;
		else if (pf->node >= 0 && nfvi_inventory_node(inv, pf->node) == NULL)
			pf->node = -1;
		ret = load_vfs(pf, pdir);
		if (ret < 0) {
			closedir(d);
			return nfvi_seterr(ret, err, errlen, "%s: %s", pdir, strerror(-ret));
		}
	}
	closedir(d);
	qsort(inv->pfs, inv->n_pfs, sizeof(*inv->pfs), cmp_pf);
	return 0;
}

struct nfvi_inventory *
nfvi_inventory_load(const char *sysfs_root, char *err, size_t errlen)
{
	struct nfvi_inventory *inv;
	int ret;

	if (sysfs_root == NULL) {
		nfvi_seterr(0, err, errlen, "no sysfs root");
		errno = EINVAL;
		return NULL;
	}
	inv = calloc(1, sizeof(*inv));
	if (inv == NULL) {
		nfvi_seterr(0, err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	ret = load_nodes(inv, sysfs_root, err, errlen);
	if (ret == 0)
		ret = load_cpus(inv, sysfs_root, err, errlen);
	if (ret == 0)
		ret = load_pfs(inv, sysfs_root, err, errlen);
	if (ret < 0) {
		nfvi_inventory_free(inv);
		errno = -ret;
		return NULL;
	}
	return inv;
}

void
nfvi_inventory_free(struct nfvi_inventory *inv)
{
	unsigned int i;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->n_pfs; i++)
		free(inv->pfs[i].vfs);
	free(inv->pfs);
	free(inv->cores);
	free(inv);
}

const struct nfvi_node *
nfvi_inventory_node(const struct nfvi_inventory *inv, int id)
{
	unsigned int i;

	for (i = 0; i < inv->n_nodes; i++)
		if (inv->nodes[i].id == id)
			return &inv->nodes[i];
	return NULL;
}

const struct nfvi_pf *
nfvi_inventory_pf(const struct nfvi_inventory *inv, const char *ifname)
{
	unsigned int i;

	for (i = 0; i < inv->n_pfs; i++)
		if (strcmp(inv->pfs[i].ifname, ifname) == 0)
			return &inv->pfs[i];
	return NULL;
}
