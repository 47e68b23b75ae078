/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_priv.h: dataplane internals shared by its files: the port objects and
 * their backend classes, the RCU-published snapshot, the PMD state and the
 * dataplane's main struct.
 */
#ifndef DP_PRIV_H
#define DP_PRIV_H

#include <rte_common.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include "dp.h"
#include "vsw.h"

extern int dp_logtype;
#define DP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dp_logtype, "dataplane: " fmt "\n", ##__VA_ARGS__)

struct dp_port;
struct vhu_port;

/*
 * A port backend. All members are mandatory.
 * open/close/is_up run on the control thread; rx/tx on PMD threads.
 */
struct dp_port_class {
	const char *type;
	/** Open the backend described by port->cfg; 0 or -errno + err. */
	int (*open)(struct dp_port *port, char *err, size_t errlen);
	/** Close it; the port is no longer in any published snapshot. */
	void (*close)(struct dp_port *port);
	/** Control thread: refresh port->up. */
	void (*poll_state)(struct dp_port *port);
	/** PMD: receive up to n packets from queue qid. */
	uint16_t (*rx)(struct dp_port *port, uint16_t qid, struct rte_mempool *pool,
		       struct rte_mbuf **pkts, uint16_t n);
	/** PMD: send; returns how many were taken (a prefix); the rest stay the caller's. */
	uint16_t (*tx)(struct dp_port *port, uint16_t qid, uint16_t n_pmds, struct rte_mbuf **pkts,
		       uint16_t n);
};

extern const struct dp_port_class dp_ethdev_class;
extern const struct dp_port_class dp_vhost_class;

/*
 * A port.
 * Thread-safety: written by the control thread only while the port is not in
 * a published snapshot, except `up` (relaxed stores by the control thread,
 * relaxed loads by PMDs). Freed after an RCU grace period once unpublished.
 */
struct dp_port {
	uint16_t id;				/* switch port id */
	uint16_t bridge;			/* bridge index */
	struct dp_port_cfg cfg;
	const struct dp_port_class *class;
	bool up;
	int socket;				/* NUMA socket of the device, or -1 */
	uint16_t rxq_pmd[DP_MAX_RXQ];		/* PMD index polling each rx queue */
	/* Cycles spent on each rx queue (rx + pipeline + tx) by the PMD that
	 * polls it: single writer, relaxed; the control thread keeps the delta
	 * of the last measurement interval for pmd-rxq-show and rebalancing. */
	uint64_t rxq_cycles[DP_MAX_RXQ];
	uint64_t rxq_cycles_seen[DP_MAX_RXQ];	/* control: value at interval start */
	uint64_t rxq_cycles_last[DP_MAX_RXQ];	/* control: last interval's delta */
	unsigned int reserved_mbufs;		/* held by the descriptor rings */
	struct vsw_policer *ingress;		/* or NULL; freed after a grace period */
	struct vsw_policer *egress;
	/* dpdk */
	uint16_t eth_port;
	/* vhost-user */
	struct vhu_port *vhu;
	/* counters at creation, subtracted on read (ids are reused) */
	struct vsw_port_counters base;
};

/* A bridge (control thread only). */
struct dp_bridge {
	uint16_t idx;
	uint64_t seq;				/* creation order */
	struct dp_bridge_cfg cfg;
	struct vsw_fdb *fdb;
	/* Flow rules (priority order as in the table) and their classifier;
	 * NULL table: no rules, every frame takes NORMAL. */
	struct vsw_flow_rule *rules;
	uint32_t n_rules;
	struct vsw_flow_table *flows;
	/* Mirrors (copied into snapshots) and their names. */
	struct vsw_mirror mirrors[VSW_MAX_MIRRORS];
	char mirror_names[VSW_MAX_MIRRORS][DP_NAME_SIZE];
	/* Meters by id (copy on write, see dp_qos.c) and their settings. */
	struct vsw_policer **meters;
	uint32_t n_meters;
	struct {
		uint32_t rate, burst;	/* kbit/s, kbit */
	} meter_cfg[DP_MAX_METERS];
};

/* One rx queue in a PMD's poll list. */
struct dp_rxq {
	uint16_t port;
	uint16_t queue;
};

#define DP_MAX_POLL (VSW_MAX_PORTS * 2)

/* What one PMD polls. */
struct dp_polllist {
	uint16_t n;
	struct dp_rxq rxqs[DP_MAX_POLL];
};

/* The immutable configuration the PMDs read, published under RCU. */
struct dp_snapshot {
	struct vsw_snapshot vsw;
	struct dp_port *ports[VSW_MAX_PORTS];
	uint16_t n_pmds;
	struct dp_polllist poll[DP_MAX_PMDS];
};

/*
 * A PMD thread. Owned by its lcore; the control thread reads the counters
 * (relaxed; 64-bit aligned loads are not torn on the supported targets).
 */
struct dp_pmd {
	unsigned int lcore;
	uint16_t idx;
	int socket;
	struct rte_mempool *pool;
	uint64_t packets;
	uint64_t busy_cycles;
	uint64_t idle_cycles;
	uint64_t burst_cycles;	/* rx call to tx flush, bursts of >= 1 packet only */
	uint64_t rx_bursts;	/* rx calls that returned packets */
	uint64_t iterations;
	struct vsw_pmd vsw;
} __rte_cache_aligned;

/* The dataplane. Control-thread state unless noted. */
struct dp_main {
	struct rte_rcu_qsbr *qsbr;
	struct dp_snapshot *snap;		/* published: store-release / load-acquire */
	struct dp_port *ports[VSW_MAX_PORTS];
	struct dp_bridge *bridges[VSW_MAX_BRIDGES];
	uint64_t bridge_seq;
	struct dp_pmd *pmds[DP_MAX_PMDS];
	uint16_t n_pmds;
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES];
	unsigned int pool_reserved[RTE_MAX_NUMA_NODES];
	unsigned int n_mbufs;
	uint32_t now;				/* seconds; relaxed store, read by PMDs */
	uint64_t *flow_ids;			/* bitmap of rule ids in use */
	struct { uint64_t packets, bytes; } *flow_base; /* counters at id allocation */
	uint64_t last_link_poll;
	uint64_t last_telemetry;
	uint64_t last_rxq_measure;
	uint64_t pmd_busy_seen[DP_MAX_PMDS];	/* busy cycles at interval start */
	uint64_t pmd_busy_last[DP_MAX_PMDS];	/* last interval's busy cycles */
	uint64_t pmd_total_last[DP_MAX_PMDS];	/* last interval's busy + idle */
	uint64_t pmd_total_seen[DP_MAX_PMDS];
	bool pmd_auto_lb;			/* rebalance by itself when overloaded */
	uint32_t emc_insert_inv_prob;		/* dp_set_emc_insert_inv_prob() */
	bool no_pair_cache;			/* dp_set_pair_cache(false) */
	unsigned int auto_lb_load_pct;		/* a PMD this busy is overloaded */
	unsigned int rxq_interval_s;		/* measurement (and auto-lb) interval */
	uint64_t auto_lb_moves;			/* rx queues moved by auto-lb */
	/* rx queues that must not be polled (two-phase rebalance), by port */
	bool rxq_hold[VSW_MAX_PORTS][DP_MAX_RXQ];
	bool stop;				/* relaxed; PMDs leave their loop */
	bool started;
	uint64_t generation;
};

extern struct dp_main dp;

/* dp_main.c */
struct rte_mempool *dp_pool_get(int socket, char *err, size_t errlen);
/* Reserve @p n mbufs of the pool of @p socket for descriptor rings. */
int dp_pool_reserve(int socket, unsigned int n, char *err, size_t errlen);
void dp_pool_release(int socket, unsigned int n);

/* dp_pmd.c */
int dp_pmd_main(void *arg);

/* dp_ctl.c */
int dp_publish(char *err, size_t errlen);
struct dp_bridge *dp_find_bridge(const char *name);

/* dp_rxq.c */
void dp_rxq_measure(void);
void dp_rxq_run(uint64_t tsc);

/* dp_telemetry.c */
void dp_telemetry_init(void);
void dp_telemetry_refresh(void);
void dp_telemetry_fini(void);

/* dp_qos.c */
unsigned int dp_mirror_port_gone(struct dp_bridge *br, uint16_t port);
void dp_qos_bridge_free(struct dp_bridge *br);

/* dp_flow.c */
int dp_flow_init(void);
void dp_flow_bridge_free(struct dp_bridge *br);
void dp_port_counters_sum(uint16_t id, struct vsw_port_counters *sum);

#endif /* DP_PRIV_H */
