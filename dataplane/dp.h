/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp.h: the public interface of the dataplane (dataplane/).
 *
 * dataplane/ owns DPDK: EAL bring-up, one mbuf pool per NUMA socket, the
 * ports (any ethdev from devargs, vhost-user server and client), the PMD
 * threads and the assignment of rx queues to them. Each PMD hands every rx
 * burst to vswitch/ (vsw_input) and sends the tx batches it gets back.
 *
 * The control thread (the EAL main lcore) changes the running switch only
 * through the dp_bridge_* and dp_port_* calls below. Each call validates its
 * arguments whole, does the slow work (probing a device, opening a socket)
 * before anything is visible, then publishes a new immutable snapshot to the
 * PMDs under RCU (rte_rcu_qsbr) and frees the old one after a grace period.
 * PMDs never stop for a reconfiguration.
 *
 * Thread-safety: every function here is for the control thread only, unless
 * its comment says otherwise.
 *
 * Errors: int functions return 0 or -errno and write a one-line reason in
 * `err` (EINVAL bad argument, ENOENT no such bridge/port, EEXIST duplicate,
 * ENOSPC no free id or too few mbufs, EIO a device or socket refused, EBUSY).
 */
#ifndef DP_H
#define DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsw.h"

/** Longest bridge or port name, with the NUL. */
#define DP_NAME_SIZE 32
/** Most rx queues one port may have. */
#define DP_MAX_RXQ 8
/** Most PMD threads. */
#define DP_MAX_PMDS 64
/** Default L3 MTU of a port. */
#define DP_MTU_DEFAULT 1500
/** Largest MTU (as OVS-DPDK: 9728 bytes frames less the L2 overhead). */
#define DP_MTU_MAX 9710
/** Smallest MTU (IPv4's minimum). */
#define DP_MTU_MIN 68

/** Port backends. */
enum dp_port_type {
	DP_PORT_DPDK,			/**< any ethdev, from devargs */
	DP_PORT_VHOST_USER,		/**< vhost-user, the switch is the server */
	DP_PORT_VHOST_USER_CLIENT,	/**< vhost-user, the switch connects */
};

/** Name of a port type ("dpdk", "vhost-user", "vhost-user-client"). */
const char *dp_port_type_name(enum dp_port_type type);
/** Parse a port type name. 0 or -EINVAL. */
int dp_port_type_parse(const char *name, enum dp_port_type *type);

/** A port's configuration. */
struct dp_port_cfg {
	char name[DP_NAME_SIZE];
	enum dp_port_type type;
	char devargs[256];	/**< DP_PORT_DPDK only */
	char path[108];		/**< vhost-user types only: the unix socket */
	uint16_t mtu;		/**< L3 MTU, DP_MTU_MIN..DP_MTU_MAX */
	uint16_t n_rxq;		/**< rx queues (vhost: queue pairs), 1..DP_MAX_RXQ */
	struct vsw_vlan_cfg vlan;
	struct vsw_port_security sec;	/**< anti-spoofing (VNF ports) */
	/* Policing, with OVS's units: rates in kbit/s, bursts in kbit; 0 = off. */
	uint32_t ingress_rate;		/**< ingress_policing_rate */
	uint32_t ingress_burst;		/**< ingress_policing_burst (0: default) */
	uint32_t egress_rate;		/**< egress_policing_rate */
	uint32_t egress_burst;		/**< egress_policing_burst (0: default) */
};

/** Fill @p cfg with defaults (trunk all VLANs, MTU 1500, 1 queue). */
void dp_port_cfg_init(struct dp_port_cfg *cfg);

/**
 * Check a port configuration without applying it (names, type-specific
 * fields, MTU, queues, VLANs). 0 or -EINVAL with a reason.
 */
int dp_port_cfg_validate(const struct dp_port_cfg *cfg, char *err, size_t errlen);

/** A bridge's configuration. */
struct dp_bridge_cfg {
	char name[DP_NAME_SIZE];
	uint32_t aging;		/**< MAC aging in seconds; 0 = never */
	uint32_t fdb_size;	/**< most learned MACs */
};

/** Fill @p cfg with defaults (aging 300 s, 8192 MACs). */
void dp_bridge_cfg_init(struct dp_bridge_cfg *cfg);

/** Check a name: 1..31 of [A-Za-z0-9_.-], not starting with '-' or '.'. */
bool dp_name_valid(const char *name);

/** Start-up parameters. */
struct dp_params {
	unsigned int n_mbufs;	/**< mbufs per NUMA socket pool; 0 = default */
};

/** Default mbufs per pool. */
#define DP_MBUFS_DEFAULT 16384

/**
 * Initialise EAL with @p argc/@p argv (DPDK's own options), the RCU
 * variable and vhost-user. Needs at least one worker lcore (a PMD).
 * @return the number of arguments EAL consumed, or -errno (err says why).
 */
int dp_init(int argc, char **argv, const struct dp_params *params, char *err, size_t errlen);

/** Launch one PMD thread on every worker lcore. 0 or -errno. */
int dp_start(char *err, size_t errlen);

/**
 * Periodic control-thread work: the seconds clock the PMDs read, MAC
 * learning and aging, link state. Call it every few milliseconds.
 */
void dp_run(void);

/** Stop the PMDs, close every port and release EAL. */
void dp_shutdown(void);

int dp_bridge_add(const struct dp_bridge_cfg *cfg, char *err, size_t errlen);
/** Change a bridge's aging or FDB size (the FDB is flushed when resized). */
int dp_bridge_set(const struct dp_bridge_cfg *cfg, char *err, size_t errlen);
/** Delete a bridge and every port on it. */
int dp_bridge_del(const char *name, char *err, size_t errlen);
int dp_bridge_get(const char *name, struct dp_bridge_cfg *cfg);
/** Call @p cb for each bridge in creation order; stops on non-zero. */
int dp_bridge_foreach(int (*cb)(const struct dp_bridge_cfg *cfg, void *arg), void *arg);

/**
 * Add a port to a bridge. The backend is opened (device probed and
 * started, or vhost socket created) before the port becomes visible; on any
 * failure nothing changes.
 */
int dp_port_add(const char *bridge, const struct dp_port_cfg *cfg, char *err, size_t errlen);
/**
 * Change a port. VLAN and MTU changes apply in place; a change of devargs,
 * path or queues re-opens the backend (the old one is closed first; if the
 * new one fails, the old configuration is restored).
 */
int dp_port_set(const struct dp_port_cfg *cfg, char *err, size_t errlen);
/** Delete a port; flow rules that name it (in_port or output) go with it. */
int dp_port_del(const char *name, char *err, size_t errlen);

/** A port as reported to the control plane. */
struct dp_port_info {
	struct dp_port_cfg cfg;
	char bridge[DP_NAME_SIZE];
	uint16_t id;			/**< switch port id */
	bool up;			/**< link up / vhost device attached */
	struct vsw_port_counters ctr;	/**< summed over PMDs since the port was added */
	/* dpdk ports */
	uint64_t rx_missed;		/**< ethdev imissed */
	uint64_t rx_nombuf;		/**< ethdev rx_nombuf */
	/* vhost-user ports */
	uint64_t connects, disconnects, tx_retries;
	uint16_t n_queues_up;		/**< queue pairs the device has */
	uint64_t features;		/**< virtio features negotiated */
	int guest_mtu;			/**< MTU the front-end announced, or 0 */
	struct {
		uint64_t rx_packets, tx_packets;
		bool rx_enabled, tx_enabled;
	} queues[DP_MAX_RXQ];		/**< per queue pair, vhost-user only */
	uint16_t rxq_pmd[DP_MAX_RXQ];	/**< lcore polling each rx queue */
};

int dp_port_get(const char *name, struct dp_port_info *info);
/** Call @p cb for each port (of @p bridge, or all when NULL) by id. */
int dp_port_foreach(const char *bridge, int (*cb)(const struct dp_port_info *info, void *arg),
		    void *arg);

/** FDB of a bridge: dump (with port names) and flush. */
struct dp_fdb_entry {
	struct vsw_fdb_entry e;
	char port[DP_NAME_SIZE];
};
int dp_fdb_dump(const char *bridge, int (*cb)(const struct dp_fdb_entry *e, void *arg), void *arg,
		struct vsw_fdb_stats *stats);
/** Flush learned MACs of a bridge (of one port when @p port is not NULL). */
int dp_fdb_flush(const char *bridge, const char *port, unsigned int *flushed, char *err,
		 size_t errlen);

/** Add (or move) a static entry: @p mac in @p vlan is on @p port, for good. */
int dp_fdb_add_static(const char *bridge, const struct rte_ether_addr *mac, uint16_t vlan,
		      const char *port, char *err, size_t errlen);
/** Delete an entry, static or learned. -ENOENT if there is none. */
int dp_fdb_del(const char *bridge, const struct rte_ether_addr *mac, uint16_t vlan, char *err,
	       size_t errlen);

/** One PMD thread as reported to the control plane. */
struct dp_pmd_info {
	unsigned int lcore;
	int socket;
	uint64_t packets;		/**< packets received */
	uint64_t busy_cycles;		/**< cycles of iterations that received packets */
	uint64_t idle_cycles;
	/** cycles from each rx call that returned packets to the end of their
	 * tx (testpmd's --record-core-cycles measure): busy_cycles less the
	 * empty polls and the loop's own work within busy iterations */
	uint64_t burst_cycles;
	/** rx calls that returned packets: packets / rx_bursts is the mean
	 * burst, which the pipeline's per-burst work is spread over */
	uint64_t rx_bursts;
	uint64_t iterations;
	uint16_t n_rxq;
	uint64_t busy_cycles_last;	/**< busy cycles of the last interval (10 s) */
	uint64_t total_cycles_last;	/**< busy + idle cycles of the last interval */
	struct {
		uint16_t port;
		uint16_t queue;
		char name[DP_NAME_SIZE];
		uint64_t cycles_last;	/**< cycles spent on it in the last interval */
	} rxqs[DP_MAX_RXQ * 4];
	struct vsw_pmd_counters pipe;
};
int dp_pmd_foreach(int (*cb)(const struct dp_pmd_info *info, void *arg), void *arg);

/**
 * Re-assign rx queues to PMDs by the cycles they cost in the last interval
 * (biggest first, to the least loaded PMD, NUMA-local first), moving them
 * without two PMDs ever polling one queue. @p n_moved says how many moved.
 */
int dp_pmd_rxq_rebalance(unsigned int *n_moved, char *err, size_t errlen);
/**
 * Auto load balance: at the end of every @p interval_s measurement interval,
 * when a PMD was at least @p load_pct busy and the cycles-based assignment
 * would cut the busiest PMD's load by 25%, rebalance. Defaults: off, 95, 10.
 */
void dp_set_pmd_auto_lb(bool on, unsigned int load_pct, unsigned int interval_s);
/**
 * Every PMD's exact-match cache takes one classifier answer in @p inv_prob
 * (vsw_pmd_set_emc_insert_inv_prob(); 0 turns the caches off), from the
 * PMDs' next bursts on.
 */
void dp_set_emc_insert_inv_prob(uint32_t inv_prob);
/** The value dp_set_emc_insert_inv_prob() set (default VSW_EMC_INSERT_INV_PROB_DEFAULT). */
uint32_t dp_emc_insert_inv_prob(void);
/**
 * Give the PMDs a MAC-pair cache (the default) or not: before dp_start()
 * only, which allocates it (vsw_pmd_set_pair_cache()).
 */
void dp_set_pair_cache(bool on);
/** What dp_set_pair_cache() set. */
bool dp_pair_cache(void);
/** Rx queues moved by auto load balance so far. */
uint64_t dp_pmd_auto_lb_moves(void);

/** One mbuf pool. */
struct dp_pool_info {
	int socket;
	char name[32];
	unsigned int size;
	unsigned int in_use;
	unsigned int reserved;		/**< mbufs the ports' descriptor rings may hold */
};
int dp_pool_foreach(int (*cb)(const struct dp_pool_info *info, void *arg), void *arg);

/** A flow rule with its counters (since it was added). */
struct dp_flow_info {
	struct vsw_flow_rule rule;
	uint64_t packets;
	uint64_t bytes;
};

/**
 * Add flow rules to a bridge (ids are assigned here). A rule with the same
 * priority and match as an existing one replaces it, keeping its counters
 * (as ovs-ofctl add-flow). All or nothing; hitless: the new classifier is
 * built aside and swapped under RCU.
 */
int dp_flow_add(const char *bridge, const struct vsw_flow_rule *rules, uint32_t n, char *err,
		size_t errlen);
/** Delete the rules @p select picks (NULL: all); @p n_deleted says how many. */
int dp_flow_del(const char *bridge, bool (*select)(const struct vsw_flow_rule *rule, void *arg),
		void *arg, uint32_t *n_deleted, char *err, size_t errlen);
/** Call @p cb for each rule of @p bridge in priority order. -ENOENT: no bridge. */
int dp_flow_foreach(const char *bridge, int (*cb)(const struct dp_flow_info *info, void *arg),
		    void *arg);
/** The id of port @p name on @p bridge; 0 or -ENOENT. */
int dp_port_lookup(const char *bridge, const char *name, uint16_t *id);
/** The name of port @p id, or "?" */
const char *dp_port_name(uint16_t id);

/** Most meters per bridge (ids 0 .. DP_MAX_METERS-1). */
#define DP_MAX_METERS 256

/** A mirror as reported to the control plane. */
struct dp_mirror_info {
	char name[DP_NAME_SIZE];
	struct vsw_mirror mirror;	/**< output port and selections by port id */
};

/**
 * Add or replace mirror @p name: frames received on the ports of @p src and
 * sent on the ports of @p dst (bitmaps of VSW_MAX_PORTS bits) are copied to
 * @p out_port. At most VSW_MAX_MIRRORS per bridge. A mirror whose output port
 * is deleted goes with it; a deleted port leaves every selection.
 */
int dp_mirror_add(const char *bridge, const char *name, uint16_t out_port, const uint64_t *src,
		  const uint64_t *dst, char *err, size_t errlen);
int dp_mirror_del(const char *bridge, const char *name, char *err, size_t errlen);
int dp_mirror_foreach(const char *bridge, int (*cb)(const struct dp_mirror_info *m, void *arg),
		      void *arg);

/** Add or replace meter @p id (kbit/s, kbit; burst 0: default) for flows' meter:ID. */
int dp_meter_set(const char *bridge, uint32_t id, uint32_t rate_kbps, uint32_t burst_kbit,
		 char *err, size_t errlen);
int dp_meter_del(const char *bridge, uint32_t id, char *err, size_t errlen);
int dp_meter_foreach(const char *bridge, int (*cb)(uint32_t id, uint32_t rate_kbps,
						   uint32_t burst_kbit, void *arg), void *arg);

/** DPDK version string. */
const char *dp_dpdk_version(void);

#endif /* DP_H */
