/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_ctl.c: the control-thread side of the dataplane: bridges and ports,
 * validation, the rx queue -> PMD assignment, building and publishing the
 * RCU snapshot the PMDs read, and the read-only queries (stats, FDB, PMDs).
 *
 * Every change follows one pattern: validate everything, do the slow work
 * (open a device or a socket) while nothing is visible, then publish a new
 * snapshot and wait for a grace period before freeing what it replaced.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "dp_priv.h"
#include "vhu.h"

static struct dp_bridge *find_bridge(const char *name);

static const char *const port_type_names[] = {
	[DP_PORT_DPDK] = "dpdk",
	[DP_PORT_VHOST_USER] = "vhost-user",
	[DP_PORT_VHOST_USER_CLIENT] = "vhost-user-client",
};

const char *
dp_port_type_name(enum dp_port_type type)
{
	if ((unsigned int)type >= RTE_DIM(port_type_names))
		return "unknown";
	return port_type_names[type];
}

int
dp_port_type_parse(const char *name, enum dp_port_type *type)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(port_type_names); i++) {
		if (strcmp(name, port_type_names[i]) == 0) {
			*type = (enum dp_port_type)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool
dp_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (len == 0 || len >= DP_NAME_SIZE || name[0] == '-' || name[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '_' && c != '-' && c != '.')
			return false;
	}
	return true;
}

void
dp_port_cfg_init(struct dp_port_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mtu = DP_MTU_DEFAULT;
	cfg->n_rxq = 1;
	vsw_vlan_cfg_init(&cfg->vlan);
}

void
dp_bridge_cfg_init(struct dp_bridge_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->aging = VSW_FDB_AGING_DEFAULT;
	cfg->fdb_size = VSW_FDB_SIZE_DEFAULT;
}

int
dp_port_cfg_validate(const struct dp_port_cfg *cfg, char *err, size_t errlen)
{
	if (!dp_name_valid(cfg->name)) {
		snprintf(err, errlen,
			 "invalid port name '%s' (1-31 of A-Z a-z 0-9 _ . -, not starting with - or .)",
			 cfg->name);
		return -EINVAL;
	}
	if (cfg->mtu < DP_MTU_MIN || cfg->mtu > DP_MTU_MAX) {
		snprintf(err, errlen, "mtu %u out of range %d..%d", cfg->mtu, DP_MTU_MIN,
			 DP_MTU_MAX);
		return -EINVAL;
	}
	if (cfg->n_rxq < 1 || cfg->n_rxq > DP_MAX_RXQ) {
		snprintf(err, errlen, "n_rxq %u out of range 1..%d", cfg->n_rxq, DP_MAX_RXQ);
		return -EINVAL;
	}
	switch (cfg->type) {
	case DP_PORT_DPDK:
		if (cfg->devargs[0] == '\0') {
			snprintf(err, errlen, "port %s: type dpdk needs devargs", cfg->name);
			return -EINVAL;
		}
		if (cfg->path[0] != '\0') {
			snprintf(err, errlen, "port %s: type dpdk takes no path", cfg->name);
			return -EINVAL;
		}
		break;
	case DP_PORT_VHOST_USER:
	case DP_PORT_VHOST_USER_CLIENT:
		if (cfg->path[0] != '/') {
			snprintf(err, errlen, "port %s: type %s needs an absolute socket path",
				 cfg->name, dp_port_type_name(cfg->type));
			return -EINVAL;
		}
		if (cfg->devargs[0] != '\0') {
			snprintf(err, errlen, "port %s: type %s takes no devargs", cfg->name,
				 dp_port_type_name(cfg->type));
			return -EINVAL;
		}
		if (cfg->n_rxq > VHU_MAX_QUEUES) {
			snprintf(err, errlen, "port %s: at most %d queues", cfg->name,
				 VHU_MAX_QUEUES);
			return -EINVAL;
		}
		break;
	default:
		snprintf(err, errlen, "port %s: unknown type", cfg->name);
		return -EINVAL;
	}
	/* As OVS: a burst without a rate is kept but polices nothing. */
	if (vsw_port_security_validate(&cfg->sec, err, errlen) != 0)
		return -EINVAL;
	return vsw_vlan_cfg_validate(&cfg->vlan, err, errlen);
}

/* kbit/s and kbit (OVS's units) to a policer in bytes; NULL rate 0. */
static int
make_policer(uint32_t rate_kbps, uint32_t burst_kb, struct vsw_policer **out, char *err,
	     size_t errlen)
{
	*out = NULL;
	if (rate_kbps == 0)
		return 0;
	*out = vsw_policer_create((uint64_t)rate_kbps * 1000 / 8, (uint64_t)burst_kb * 1000 / 8,
				  (int)rte_socket_id());
	if (*out == NULL) {
		snprintf(err, errlen, "cannot create a policer of %u kbit/s: %s", rate_kbps,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * The policers @p cfg asks for: the port's current ones are kept when their
 * settings do not change (their token state with them), new ones made
 * otherwise. On success the two out pointers hold what the port must use.
 */
static int
port_policers(const struct dp_port *p, const struct dp_port_cfg *cfg, struct vsw_policer **ing,
	      struct vsw_policer **egr, char *err, size_t errlen)
{
	bool same_in = p != NULL && p->cfg.ingress_rate == cfg->ingress_rate &&
		       p->cfg.ingress_burst == cfg->ingress_burst;
	bool same_eg = p != NULL && p->cfg.egress_rate == cfg->egress_rate &&
		       p->cfg.egress_burst == cfg->egress_burst;
	int ret;

	*ing = same_in ? p->ingress : NULL;
	*egr = same_eg ? p->egress : NULL;
	if (!same_in) {
		ret = make_policer(cfg->ingress_rate, cfg->ingress_burst, ing, err, errlen);
		if (ret != 0)
			return ret;
	}
	if (!same_eg) {
		ret = make_policer(cfg->egress_rate, cfg->egress_burst, egr, err, errlen);
		if (ret != 0) {
			if (!same_in)
				vsw_policer_free(*ing);
			return ret;
		}
	}
	return 0;
}

/* Free the old policers the port no longer uses (after a grace period). */
static void
policers_release(const struct dp_port *p, struct vsw_policer *old_ing,
		 struct vsw_policer *old_egr)
{
	if (old_ing != p->ingress)
		vsw_policer_free(old_ing);
	if (old_egr != p->egress)
		vsw_policer_free(old_egr);
}

struct dp_bridge *
dp_find_bridge(const char *name)
{
	return find_bridge(name);
}

static struct dp_bridge *
find_bridge(const char *name)
{
	int i;

	for (i = 0; i < VSW_MAX_BRIDGES; i++)
		if (dp.bridges[i] != NULL && strcmp(dp.bridges[i]->cfg.name, name) == 0)
			return dp.bridges[i];
	return NULL;
}

static struct dp_port *
find_port(const char *name)
{
	int i;

	for (i = 0; i < VSW_MAX_PORTS; i++)
		if (dp.ports[i] != NULL && strcmp(dp.ports[i]->cfg.name, name) == 0)
			return dp.ports[i];
	return NULL;
}

/* A port that uses the same device or socket as @p cfg, other than @p self. */
static struct dp_port *
find_port_conflict(const struct dp_port_cfg *cfg, const struct dp_port *self)
{
	int i;

	for (i = 0; i < VSW_MAX_PORTS; i++) {
		const struct dp_port *p = dp.ports[i];

		if (p == NULL || p == self)
			continue;
		if (cfg->type == DP_PORT_DPDK && p->cfg.type == DP_PORT_DPDK &&
		    strcmp(p->cfg.devargs, cfg->devargs) == 0)
			return dp.ports[i];
		if (cfg->type != DP_PORT_DPDK && p->cfg.type != DP_PORT_DPDK &&
		    strcmp(p->cfg.path, cfg->path) == 0)
			return dp.ports[i];
	}
	return NULL;
}

void
dp_port_counters_sum(uint16_t id, struct vsw_port_counters *sum)
{
	uint16_t i;
	int d;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < dp.n_pmds; i++) {
		const struct vsw_port_counters *c = &dp.pmds[i]->vsw.ctr[id];

		sum->rx_packets += __atomic_load_n(&c->rx_packets, __ATOMIC_RELAXED);
		sum->rx_bytes += __atomic_load_n(&c->rx_bytes, __ATOMIC_RELAXED);
		sum->tx_packets += __atomic_load_n(&c->tx_packets, __ATOMIC_RELAXED);
		sum->tx_bytes += __atomic_load_n(&c->tx_bytes, __ATOMIC_RELAXED);
		for (d = 0; d < VSW_DROP_MAX; d++)
			sum->drops[d] += __atomic_load_n(&c->drops[d], __ATOMIC_RELAXED);
	}
}

/*
 * Give every unassigned rx queue of @p port a PMD: the PMD with the fewest
 * queues on the port's NUMA socket, or on any socket when none is local.
 * Assignments are sticky, so no queue moves between PMDs here.
 */
static void
assign_rxqs(struct dp_port *port)
{
	uint16_t load[DP_MAX_PMDS] = { 0 };
	uint16_t q, i;
	int pass;

	for (i = 0; i < VSW_MAX_PORTS; i++) {
		const struct dp_port *p = dp.ports[i];

		if (p == NULL || p == port)
			continue;
		for (q = 0; q < p->cfg.n_rxq; q++)
			load[p->rxq_pmd[q]]++;
	}
	for (q = 0; q < port->cfg.n_rxq; q++) {
		int best = -1;

		for (pass = 0; pass < 2 && best < 0; pass++) {
			for (i = 0; i < dp.n_pmds; i++) {
				if (pass == 0 && port->socket >= 0 &&
				    dp.pmds[i]->socket != port->socket)
					continue;
				if (best < 0 || load[i] < load[best])
					best = i;
			}
		}
		port->rxq_pmd[q] = best < 0 ? 0 : (uint16_t)best;
		load[port->rxq_pmd[q]]++;
	}
}

/* Build a snapshot from the control-thread state. */
static struct dp_snapshot *
build_snapshot(void)
{
	struct dp_snapshot *s;
	uint16_t i, q;

	s = rte_zmalloc("dp_snap", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (s == NULL)
		return NULL;
	s->vsw.generation = ++dp.generation;
	s->n_pmds = dp.n_pmds;
	for (i = 0; i < VSW_MAX_BRIDGES; i++) {
		const struct dp_bridge *br = dp.bridges[i];

		if (br == NULL)
			continue;
		s->vsw.bridges[i].in_use = true;
		s->vsw.bridges[i].fdb = br->fdb;
		s->vsw.bridges[i].flows = br->flows;
		s->vsw.bridges[i].meters = br->meters;
		s->vsw.bridges[i].n_meters = br->n_meters;
		s->vsw.bridges[i].aging = br->cfg.aging;
		memcpy(s->vsw.bridges[i].mirrors, br->mirrors, sizeof(br->mirrors));
	}
	for (i = 0; i < VSW_MAX_PORTS; i++) {
		struct dp_port *p = dp.ports[i];
		struct vsw_bridge_info *bi;

		if (p == NULL)
			continue;
		s->ports[i] = p;
		s->vsw.ports[i].in_use = true;
		s->vsw.ports[i].bridge = p->bridge;
		s->vsw.ports[i].mtu = p->cfg.mtu;
		s->vsw.ports[i].vlan = p->cfg.vlan;
		s->vsw.ports[i].sec = p->cfg.sec;
		s->vsw.ports[i].ingress = p->ingress;
		s->vsw.ports[i].egress = p->egress;
		bi = &s->vsw.bridges[p->bridge];
		bi->ports[bi->n_ports++] = i;
		for (q = 0; q < p->cfg.n_rxq; q++) {
			struct dp_polllist *pl = &s->poll[p->rxq_pmd[q]];

			if (dp.rxq_hold[i][q])
				continue;	/* moving between PMDs: nobody polls it */

			if (pl->n < DP_MAX_POLL)
				pl->rxqs[pl->n++] = (struct dp_rxq){ .port = i, .queue = q };
		}
	}
	return s;
}

/* Publish a snapshot of the current state; the old one is freed after a
 * grace period, so on return no PMD uses anything the old one referenced
 * and not the new one. */
int
dp_publish(char *err, size_t errlen)
{
	struct dp_snapshot *s = build_snapshot(), *old;

	if (s == NULL) {
		snprintf(err, errlen, "out of memory for a new configuration");
		return -ENOMEM;
	}
	old = dp.snap;
	/* Release: the snapshot's contents are written before its pointer. */
	__atomic_store_n(&dp.snap, s, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(dp.qsbr, RTE_QSBR_THRID_INVALID);
	rte_free(old);
	return 0;
}

int
dp_bridge_add(const struct dp_bridge_cfg *cfg, char *err, size_t errlen)
{
	struct dp_bridge *br;
	char fdb_name[64];
	int i, idx = -1, ret;

	if (!dp_name_valid(cfg->name)) {
		snprintf(err, errlen,
			 "invalid bridge name '%s' (1-31 of A-Z a-z 0-9 _ . -, not starting with - or .)",
			 cfg->name);
		return -EINVAL;
	}
	if (cfg->fdb_size < 16 || cfg->fdb_size > (1u << 20)) {
		snprintf(err, errlen, "fdb_size %u out of range 16..%u", cfg->fdb_size, 1u << 20);
		return -EINVAL;
	}
	if (find_bridge(cfg->name) != NULL) {
		snprintf(err, errlen, "bridge %s already exists", cfg->name);
		return -EEXIST;
	}
	if (find_port(cfg->name) != NULL) {
		snprintf(err, errlen, "a port named %s already exists", cfg->name);
		return -EEXIST;
	}
	for (i = 0; i < VSW_MAX_BRIDGES && idx < 0; i++)
		if (dp.bridges[i] == NULL)
			idx = i;
	if (idx < 0) {
		snprintf(err, errlen, "too many bridges (at most %d)", VSW_MAX_BRIDGES);
		return -ENOSPC;
	}
	br = calloc(1, sizeof(*br));
	if (br == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	br->idx = (uint16_t)idx;
	br->cfg = *cfg;
	br->seq = ++dp.bridge_seq;
	/* The FDB's learn ring name is global to the process: make it unique. */
	snprintf(fdb_name, sizeof(fdb_name), "%d_%" PRIu64, idx, dp.generation + br->seq);
	br->fdb = vsw_fdb_create(fdb_name, cfg->fdb_size, (int)rte_socket_id());
	if (br->fdb == NULL) {
		snprintf(err, errlen, "cannot create the MAC table of %s: %s", cfg->name,
			 strerror(errno));
		free(br);
		return -ENOMEM;
	}
	dp.bridges[idx] = br;
	ret = dp_publish(err, errlen);
	if (ret != 0) {
		dp.bridges[idx] = NULL;
		vsw_fdb_free(br->fdb);
		free(br);
	}
	return ret;
}

int
dp_bridge_set(const struct dp_bridge_cfg *cfg, char *err, size_t errlen)
{
	struct dp_bridge *br = find_bridge(cfg->name);
	struct vsw_fdb *fdb, *old;
	char fdb_name[64];
	uint32_t aging;
	int ret;

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", cfg->name);
		return -ENOENT;
	}
	if (cfg->fdb_size < 16 || cfg->fdb_size > (1u << 20)) {
		snprintf(err, errlen, "fdb_size %u out of range 16..%u", cfg->fdb_size, 1u << 20);
		return -EINVAL;
	}
	aging = br->cfg.aging;
	if (cfg->fdb_size == br->cfg.fdb_size) {
		if (cfg->aging == aging)
			return 0;
		/* The PMDs' pair caches refresh within the aging time. */
		br->cfg.aging = cfg->aging;
		ret = dp_publish(err, errlen);
		if (ret != 0) {
			br->cfg.aging = aging;
			return ret;
		}
		/* Shorter: sources refreshed only within the old period
		 * must not age before the new one refreshes them. */
		if (cfg->aging != 0 && (aging == 0 || cfg->aging < aging))
			vsw_fdb_cap_idle(br->fdb, __atomic_load_n(&dp.now, __ATOMIC_RELAXED),
					 cfg->aging - 1);
		return 0;
	}
	snprintf(fdb_name, sizeof(fdb_name), "%u_%" PRIu64, br->idx, ++dp.generation + br->seq);
	fdb = vsw_fdb_create(fdb_name, cfg->fdb_size, (int)rte_socket_id());
	if (fdb == NULL) {
		snprintf(err, errlen, "cannot create a MAC table of %u entries", cfg->fdb_size);
		return -ENOMEM;
	}
	old = br->fdb;
	br->fdb = fdb;
	br->cfg.aging = cfg->aging;
	ret = dp_publish(err, errlen);
	if (ret != 0) {
		br->fdb = old;
		br->cfg.aging = aging;
		vsw_fdb_free(fdb);
		return ret;
	}
	vsw_fdb_free(old);
	br->cfg = *cfg;
	return 0;
}

static void
port_free(struct dp_port *p)
{
	p->class->close(p);
	vsw_policer_free(p->ingress);
	vsw_policer_free(p->egress);
	free(p);
}

int
dp_bridge_del(const char *name, char *err, size_t errlen)
{
	struct dp_bridge *br = find_bridge(name);
	struct dp_port *gone[VSW_MAX_PORTS];
	int i, n = 0, ret;

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", name);
		return -ENOENT;
	}
	for (i = 0; i < VSW_MAX_PORTS; i++) {
		if (dp.ports[i] != NULL && dp.ports[i]->bridge == br->idx) {
			gone[n++] = dp.ports[i];
			dp.ports[i] = NULL;
		}
	}
	dp.bridges[br->idx] = NULL;
	ret = dp_publish(err, errlen);
	if (ret != 0) {
		for (i = 0; i < n; i++)
			dp.ports[gone[i]->id] = gone[i];
		dp.bridges[br->idx] = br;
		return ret;
	}
	for (i = 0; i < n; i++)
		port_free(gone[i]);
	vsw_fdb_free(br->fdb);
	dp_flow_bridge_free(br);
	dp_qos_bridge_free(br);
	free(br);
	return 0;
}

int
dp_bridge_get(const char *name, struct dp_bridge_cfg *cfg)
{
	struct dp_bridge *br = find_bridge(name);

	if (br == NULL)
		return -ENOENT;
	*cfg = br->cfg;
	return 0;
}

int
dp_bridge_foreach(int (*cb)(const struct dp_bridge_cfg *cfg, void *arg), void *arg)
{
	uint64_t last = 0;

	for (;;) {
		struct dp_bridge *next = NULL;
		int i, ret;

		for (i = 0; i < VSW_MAX_BRIDGES; i++) {
			struct dp_bridge *br = dp.bridges[i];

			if (br != NULL && br->seq > last && (next == NULL || br->seq < next->seq))
				next = br;
		}
		if (next == NULL)
			return 0;
		last = next->seq;
		ret = cb(&next->cfg, arg);
		if (ret != 0)
			return ret;
	}
}

static const struct dp_port_class *
class_of(enum dp_port_type type)
{
	return type == DP_PORT_DPDK ? &dp_ethdev_class : &dp_vhost_class;
}

int
dp_port_add(const char *bridge, const struct dp_port_cfg *cfg, char *err, size_t errlen)
{
	struct dp_bridge *br;
	struct dp_port *p, *other;
	int i, id = -1, ret;

	ret = dp_port_cfg_validate(cfg, err, errlen);
	if (ret != 0)
		return ret;
	br = find_bridge(bridge);
	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	if (find_port(cfg->name) != NULL) {
		snprintf(err, errlen, "port %s already exists", cfg->name);
		return -EEXIST;
	}
	if (find_bridge(cfg->name) != NULL) {
		snprintf(err, errlen, "%s is the name of a bridge", cfg->name);
		return -EEXIST;
	}
	other = find_port_conflict(cfg, NULL);
	if (other != NULL) {
		snprintf(err, errlen, "port %s already uses %s", other->cfg.name,
			 cfg->type == DP_PORT_DPDK ? cfg->devargs : cfg->path);
		return -EEXIST;
	}
	for (i = 0; i < VSW_MAX_PORTS && id < 0; i++)
		if (dp.ports[i] == NULL)
			id = i;
	if (id < 0) {
		snprintf(err, errlen, "too many ports (at most %d)", VSW_MAX_PORTS);
		return -ENOSPC;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	p->id = (uint16_t)id;
	p->bridge = br->idx;
	p->cfg = *cfg;
	p->class = class_of(cfg->type);
	ret = port_policers(NULL, cfg, &p->ingress, &p->egress, err, errlen);
	if (ret != 0) {
		free(p);
		return ret;
	}
	ret = p->class->open(p, err, errlen);
	if (ret != 0) {
		vsw_policer_free(p->ingress);
		vsw_policer_free(p->egress);
		free(p);
		return ret;
	}
	assign_rxqs(p);
	dp_port_counters_sum(p->id, &p->base);
	dp.ports[id] = p;
	ret = dp_publish(err, errlen);
	if (ret != 0) {
		dp.ports[id] = NULL;
		port_free(p);
		return ret;
	}
	DP_LOG(INFO, "port %s (%s) added to %s as port %d", cfg->name,
	       dp_port_type_name(cfg->type), bridge, id);
	return 0;
}

/* Remove @p p from the switch, wait out a grace period, flush its MACs. */
static int
unpublish_port(struct dp_port *p, char *err, size_t errlen)
{
	int ret;

	dp.ports[p->id] = NULL;
	ret = dp_publish(err, errlen);
	if (ret != 0) {
		dp.ports[p->id] = p;
		return ret;
	}
	vsw_fdb_flush(dp.bridges[p->bridge]->fdb, p->id, true);
	return 0;
}

/* Does @p rule name port @p arg (a struct dp_port) in its match or actions? */
static bool
rule_uses_port(const struct vsw_flow_rule *rule, void *arg)
{
	const struct dp_port *p = arg;
	uint8_t i;

	if (rule->match.mask.in_port != 0 && rule->match.key.in_port == p->id)
		return true;
	for (i = 0; i < rule->n_actions; i++)
		if (rule->actions[i].type == VSW_ACT_OUTPUT && rule->actions[i].port == p->id)
			return true;
	return false;
}

int
dp_port_del(const char *name, char *err, size_t errlen)
{
	struct dp_port *p = find_port(name);
	int ret;

	if (p == NULL) {
		snprintf(err, errlen, "no port named %s", name);
		return -ENOENT;
	}
	if (dp.bridges[p->bridge]->n_rules > 0) {
		uint32_t n_flows = 0;

		ret = dp_flow_del(dp.bridges[p->bridge]->cfg.name, rule_uses_port, p, &n_flows, err,
				  errlen);
		if (ret != 0)
			return ret;
		if (n_flows > 0)
			DP_LOG(INFO, "port %s: %u flow rule(s) naming it deleted", name, n_flows);
	}
	{
		struct dp_bridge *br = dp.bridges[p->bridge];
		struct vsw_mirror saved[VSW_MAX_MIRRORS];

		/* The port leaves every mirror; a mirror it was the output of goes. */
		memcpy(saved, br->mirrors, sizeof(saved));
		if (dp_mirror_port_gone(br, p->id) > 0)
			DP_LOG(INFO, "port %s: the mirror(s) it was the output of deleted", name);
		ret = unpublish_port(p, err, errlen);
		if (ret != 0) {
			memcpy(br->mirrors, saved, sizeof(saved));
			return ret;
		}
	}
	port_free(p);
	DP_LOG(INFO, "port %s deleted", name);
	return 0;
}

int
dp_port_set(const struct dp_port_cfg *cfg, char *err, size_t errlen)
{
	struct dp_port *p = find_port(cfg->name);
	struct vsw_policer *old_ing, *old_egr, *new_ing, *new_egr;
	struct dp_port *other;
	struct dp_port_cfg old;
	bool reopen;
	int ret;

	if (p == NULL) {
		snprintf(err, errlen, "no port named %s", cfg->name);
		return -ENOENT;
	}
	if (cfg->type != p->cfg.type) {
		snprintf(err, errlen, "port %s: the type of a port cannot change", cfg->name);
		return -EINVAL;
	}
	ret = dp_port_cfg_validate(cfg, err, errlen);
	if (ret != 0)
		return ret;
	other = find_port_conflict(cfg, p);
	if (other != NULL) {
		snprintf(err, errlen, "port %s already uses %s", other->cfg.name,
			 cfg->type == DP_PORT_DPDK ? cfg->devargs : cfg->path);
		return -EEXIST;
	}
	old = p->cfg;
	reopen = strcmp(old.devargs, cfg->devargs) != 0 || strcmp(old.path, cfg->path) != 0 ||
		 old.n_rxq != cfg->n_rxq || (cfg->type == DP_PORT_DPDK && old.mtu != cfg->mtu);
	old_ing = p->ingress;
	old_egr = p->egress;
	ret = port_policers(p, cfg, &new_ing, &new_egr, err, errlen);
	if (ret != 0)
		return ret;

	if (!reopen) {
		/* VLAN, MTU (vhost), security and policers live in the snapshot. */
		p->cfg = *cfg;
		p->ingress = new_ing;
		p->egress = new_egr;
		ret = dp_publish(err, errlen);
		if (ret != 0) {
			p->cfg = old;
			p->ingress = old_ing;
			p->egress = old_egr;
			policers_release(p, new_ing, new_egr);
			return ret;
		}
		policers_release(p, old_ing, old_egr);
		if (memcmp(&old.vlan, &cfg->vlan, sizeof(old.vlan)) != 0)
			vsw_fdb_flush(dp.bridges[p->bridge]->fdb, p->id, false);
		return 0;
	}

	/* The backend changes: take the port out, re-open, put it back. */
	ret = unpublish_port(p, err, errlen);
	if (ret != 0) {
		policers_release(p, new_ing, new_egr);
		return ret;
	}
	p->class->close(p);
	p->cfg = *cfg;
	p->ingress = new_ing;
	p->egress = new_egr;
	ret = p->class->open(p, err, errlen);
	if (ret != 0) {
		char err2[256];

		p->cfg = old;
		p->ingress = old_ing;
		p->egress = old_egr;
		policers_release(p, new_ing, new_egr);
		if (p->class->open(p, err2, sizeof(err2)) != 0) {
			DP_LOG(ERR, "port %s lost: cannot re-open its old backend: %s", old.name,
			       err2);
			vsw_policer_free(p->ingress);
			vsw_policer_free(p->egress);
			free(p);
			return ret;
		}
	} else {
		/* Unpublished above: no PMD holds the old policers. */
		policers_release(p, old_ing, old_egr);
	}
	assign_rxqs(p);
	dp.ports[p->id] = p;
	{
		char err3[256];

		if (dp_publish(err3, sizeof(err3)) != 0)
			DP_LOG(ERR, "port %s: %s", p->cfg.name, err3);
	}
	return ret;
}

static void
fill_port_info(const struct dp_port *p, struct dp_port_info *info)
{
	struct vsw_port_counters now;
	int d;

	memset(info, 0, sizeof(*info));
	info->cfg = p->cfg;
	info->id = p->id;
	snprintf(info->bridge, sizeof(info->bridge), "%s", dp.bridges[p->bridge]->cfg.name);
	info->up = __atomic_load_n(&p->up, __ATOMIC_RELAXED);
	dp_port_counters_sum(p->id, &now);
	info->ctr.rx_packets = now.rx_packets - p->base.rx_packets;
	info->ctr.rx_bytes = now.rx_bytes - p->base.rx_bytes;
	info->ctr.tx_packets = now.tx_packets - p->base.tx_packets;
	info->ctr.tx_bytes = now.tx_bytes - p->base.tx_bytes;
	for (d = 0; d < VSW_DROP_MAX; d++)
		info->ctr.drops[d] = now.drops[d] - p->base.drops[d];
	memcpy(info->rxq_pmd, p->rxq_pmd, sizeof(info->rxq_pmd));
	for (d = 0; d < p->cfg.n_rxq; d++)
		info->rxq_pmd[d] = (uint16_t)dp.pmds[p->rxq_pmd[d]]->lcore;
	if (p->cfg.type == DP_PORT_DPDK) {
		struct rte_eth_stats st;

		if (rte_eth_stats_get(p->eth_port, &st) == 0) {
			info->rx_missed = st.imissed;
			info->rx_nombuf = st.rx_nombuf;
		}
	} else {
		struct vhu_port_stats vs;

		vhu_port_get_stats(p->vhu, &vs);
		info->connects = vs.connects;
		info->disconnects = vs.disconnects;
		info->tx_retries = vs.tx_retries;
		info->n_queues_up = vs.n_queues;
		info->features = vs.features;
		info->guest_mtu = vs.mtu;
		for (d = 0; d < DP_MAX_RXQ && d < VHU_MAX_QUEUES; d++) {
			info->queues[d].rx_packets = vs.rxq_packets[d];
			info->queues[d].tx_packets = vs.txq_packets[d];
			info->queues[d].rx_enabled = vs.rxq_enabled[d];
			info->queues[d].tx_enabled = vs.txq_enabled[d];
		}
	}
}

int
dp_port_get(const char *name, struct dp_port_info *info)
{
	const struct dp_port *p = find_port(name);

	if (p == NULL)
		return -ENOENT;
	fill_port_info(p, info);
	return 0;
}

int
dp_port_foreach(const char *bridge, int (*cb)(const struct dp_port_info *info, void *arg),
		void *arg)
{
	const struct dp_bridge *br = NULL;
	struct dp_port_info *info;
	int i, ret = 0;

	if (bridge != NULL) {
		br = find_bridge(bridge);
		if (br == NULL)
			return -ENOENT;
	}
	info = malloc(sizeof(*info));
	if (info == NULL)
		return -ENOMEM;
	for (i = 0; i < VSW_MAX_PORTS && ret == 0; i++) {
		const struct dp_port *p = dp.ports[i];

		if (p == NULL || (br != NULL && p->bridge != br->idx))
			continue;
		fill_port_info(p, info);
		ret = cb(info, arg);
	}
	free(info);
	return ret;
}

struct fdb_dump_ctx {
	int (*cb)(const struct dp_fdb_entry *e, void *arg);
	void *arg;
};

static int
fdb_dump_one(const struct vsw_fdb_entry *e, void *arg)
{
	struct fdb_dump_ctx *ctx = arg;
	struct dp_fdb_entry de;

	de.e = *e;
	if (e->port < VSW_MAX_PORTS && dp.ports[e->port] != NULL)
		snprintf(de.port, sizeof(de.port), "%s", dp.ports[e->port]->cfg.name);
	else
		snprintf(de.port, sizeof(de.port), "%u", e->port);
	return ctx->cb(&de, ctx->arg);
}

int
dp_fdb_dump(const char *bridge, int (*cb)(const struct dp_fdb_entry *e, void *arg), void *arg,
	    struct vsw_fdb_stats *stats)
{
	const struct dp_bridge *br = find_bridge(bridge);
	struct fdb_dump_ctx ctx = { .cb = cb, .arg = arg };
	int ret;

	if (br == NULL)
		return -ENOENT;
	ret = vsw_fdb_dump(br->fdb, __atomic_load_n(&dp.now, __ATOMIC_RELAXED), fdb_dump_one,
			   &ctx);
	if (stats != NULL)
		vsw_fdb_get_stats(br->fdb, stats);
	return ret;
}

int
dp_fdb_flush(const char *bridge, const char *port, unsigned int *flushed, char *err,
	     size_t errlen)
{
	const struct dp_bridge *br = find_bridge(bridge);
	uint16_t id = VSW_PORT_NONE;

	if (br == NULL) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	if (port != NULL) {
		const struct dp_port *p = find_port(port);

		if (p == NULL || p->bridge != br->idx) {
			snprintf(err, errlen, "no port named %s on bridge %s", port, bridge);
			return -ENOENT;
		}
		id = p->id;
	}
	*flushed = vsw_fdb_flush(br->fdb, id, false);
	return 0;
}

int
dp_pmd_foreach(int (*cb)(const struct dp_pmd_info *info, void *arg), void *arg)
{
	const struct dp_snapshot *s = dp.snap;
	struct dp_pmd_info info;
	uint16_t i, q;
	int ret;

	for (i = 0; i < dp.n_pmds; i++) {
		const struct dp_pmd *pmd = dp.pmds[i];
		const struct dp_polllist *pl = &s->poll[i];

		memset(&info, 0, sizeof(info));
		info.lcore = pmd->lcore;
		info.socket = pmd->socket;
		info.packets = __atomic_load_n(&pmd->packets, __ATOMIC_RELAXED);
		info.busy_cycles = __atomic_load_n(&pmd->busy_cycles, __ATOMIC_RELAXED);
		info.idle_cycles = __atomic_load_n(&pmd->idle_cycles, __ATOMIC_RELAXED);
		info.burst_cycles = __atomic_load_n(&pmd->burst_cycles, __ATOMIC_RELAXED);
		info.iterations = __atomic_load_n(&pmd->iterations, __ATOMIC_RELAXED);
		info.rx_bursts = __atomic_load_n(&pmd->rx_bursts, __ATOMIC_RELAXED);
		info.pipe = pmd->vsw.pmd;
		info.busy_cycles_last = dp.pmd_busy_last[i];
		info.total_cycles_last = dp.pmd_total_last[i];
		for (q = 0; q < pl->n && q < RTE_DIM(info.rxqs); q++) {
			const struct dp_port *p = s->ports[pl->rxqs[q].port];

			info.rxqs[q].port = pl->rxqs[q].port;
			info.rxqs[q].queue = pl->rxqs[q].queue;
			info.rxqs[q].cycles_last =
				p != NULL ? p->rxq_cycles_last[pl->rxqs[q].queue] : 0;
			snprintf(info.rxqs[q].name, sizeof(info.rxqs[q].name), "%s",
				 p != NULL ? p->cfg.name : "?");
		}
		info.n_rxq = q;
		ret = cb(&info, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}
