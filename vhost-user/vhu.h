/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhu.h: vhost-user ports on DPDK's rte_vhost library (vhost-user/).
 *
 * A vhu_port is one vhost-user socket: the switch is either the server
 * (it creates the socket, a guest's QEMU connects) or the client (QEMU or
 * libvirt own the socket in server mode; rte_vhost reconnects every second
 * while the server is away, so the port survives restarts on both sides).
 *
 * Device lifecycle: rte_vhost calls new_device / destroy_device /
 * vring_state_changed on its "vhost-events" control thread. new_device
 * publishes the device id (store-release); destroy_device unpublishes it
 * (vid = -1) and waits for an RCU grace period on the dataplane's QSBR
 * variable before returning, so no PMD is inside rte_vhost_* on a device
 * that rte_vhost is about to free.
 *
 * Thread-safety:
 *  - vhu_port_create/destroy: control thread only.
 *  - vhu_rx/vhu_tx: PMD threads. Each PMD receives only from the queues it
 *    was assigned; transmit queues may be shared between PMDs when the guest
 *    enabled fewer queues than there are PMDs: a per-queue spinlock serialises
 *    them then.
 *  - The registry of ports is protected by a mutex taken by the control thread
 *    and the vhost-events thread, never by PMDs.
 *
 * Errors: int functions return 0 or -errno; constructors NULL + errno.
 */
#ifndef VHU_H
#define VHU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rte_mbuf;
struct rte_mempool;
struct rte_rcu_qsbr;

/** Most queue pairs a vhost-user port offers. */
#define VHU_MAX_QUEUES 8
/** Bounded tx retries when a guest ring is full (as OVS's default). */
#define VHU_TX_RETRIES_DEFAULT 8

struct vhu_port;

/** Counters of one vhost-user port (control-thread view). */
struct vhu_port_stats {
	uint64_t connects;		/**< new_device calls */
	uint64_t disconnects;		/**< destroy_device calls */
	uint64_t tx_retries;		/**< extra enqueue attempts on a full ring */
	uint64_t tx_ring_full;		/**< packets not enqueued after retries */
	uint16_t n_queues;		/**< queue pairs the device has (0 if none) */
	uint16_t n_rxq_enabled;		/**< guest tx rings enabled (our rx) */
	uint16_t n_txq_enabled;		/**< guest rx rings enabled (our tx) */
	int mtu;			/**< MTU the front-end set, or 0 */
	uint64_t features;		/**< virtio features negotiated, or 0 */
	uint64_t rxq_packets[VHU_MAX_QUEUES];	/**< received per queue pair */
	uint64_t txq_packets[VHU_MAX_QUEUES];	/**< sent per queue pair */
	bool rxq_enabled[VHU_MAX_QUEUES];	/**< guest tx ring enabled */
	bool txq_enabled[VHU_MAX_QUEUES];	/**< guest rx ring enabled */
};

/** Creation arguments. */
struct vhu_port_args {
	const char *path;	/**< unix socket path */
	bool client;		/**< true: connect to a server at path, reconnecting */
	uint16_t max_queues;	/**< queue pairs offered, 1..VHU_MAX_QUEUES */
	uint16_t tx_retries;	/**< bounded retries on a full guest ring */
	struct rte_rcu_qsbr *qsbr; /**< the PMDs' QSBR variable */
};

/**
 * Initialise the library (call once, after rte_eal_init, before any port).
 * @return 0 or -errno.
 */
int vhu_init(void);

/**
 * Create and start a vhost-user port. In server mode a stale socket file at
 * path is removed first (only if it is a socket).
 * @return the port, or NULL with errno: EINVAL (bad args), EEXIST (path in
 *   use by another port), ENOTDIR/ENOENT (directory missing), EIO (rte_vhost
 *   refused). A message goes to @p err.
 */
struct vhu_port *vhu_port_create(const struct vhu_port_args *args, char *err, size_t errlen);

/**
 * Stop and free a port: unregisters the socket (which destroys a connected
 * device, with its RCU grace period) and removes a server socket file. The
 * caller must already have removed the port from every PMD's poll list and
 * waited for a grace period. Accepts NULL.
 */
void vhu_port_destroy(struct vhu_port *port);

/** True while a device (guest or virtio-user peer) is attached and running. */
bool vhu_port_is_up(const struct vhu_port *port);

/** Read the port's counters and device state. */
void vhu_port_get_stats(const struct vhu_port *port, struct vhu_port_stats *stats);

/**
 * PMD: receive up to @p n packets from queue pair @p qid (the guest's tx
 * ring), allocating from @p pool. Returns the count (0 when no device).
 */
uint16_t vhu_rx(struct vhu_port *port, uint16_t qid, struct rte_mempool *pool,
		struct rte_mbuf **pkts, uint16_t n);

/**
 * PMD: transmit @p n packets to the guest. @p qid is the caller's tx queue
 * index (its PMD index); it is mapped onto an enabled guest rx ring. When
 * the guest enabled fewer rings than the @p n_pmds PMDs that transmit, rings
 * are shared and their spinlock is taken. Sent mbufs are freed (rte_vhost copies
 * them); the unsent ones stay with the caller.
 * @return the number sent (a prefix of @p pkts).
 */
uint16_t vhu_tx(struct vhu_port *port, uint16_t qid, uint16_t n_pmds, struct rte_mbuf **pkts,
		uint16_t n);

/**
 * Free @p n mbufs whose data has been copied out (by rte_vhost): direct,
 * unshared one-segment ones go back to their pool in bulk, the rest through
 * rte_pktmbuf_free. Overwrites @p pkts.
 */
void vhu_free_sent(struct rte_mbuf **pkts, uint16_t n);

#endif /* VHU_H */
