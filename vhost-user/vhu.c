/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhu.c: vhost-user ports on rte_vhost: socket registration, the device
 * callbacks that publish and unpublish a device, and the rx/tx wrappers the
 * PMDs call.
 *
 * A device is published by storing its vid with release order after its
 * queue state is set; PMDs load it with acquire order once per burst. On
 * destroy_device the vid is set to -1 and the callback waits for an RCU
 * grace period (rte_rcu_qsbr_synchronize) before returning to rte_vhost, so
 * a PMD that loaded the old vid has finished its burst before the rings go.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/virtio_net.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>
#include <rte_vhost.h>

#include "vhu.h"

RTE_LOG_REGISTER(vhu_logtype, user.nfv.vhost, INFO);
#define VHU_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, vhu_logtype, "vhost-user: " fmt "\n", ##__VA_ARGS__)

/* Offloads we do not negotiate: the pipeline neither segments nor computes
 * checksums yet, so the guest must hand us complete frames (as OVS does
 * with userspace-tso disabled). */
#define VHU_DISABLED_FEATURES                                                        \
	((1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) |       \
	 (1ULL << VIRTIO_NET_F_HOST_ECN) | (1ULL << VIRTIO_NET_F_HOST_UFO) |         \
	 (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6) |     \
	 (1ULL << VIRTIO_NET_F_GUEST_ECN) | (1ULL << VIRTIO_NET_F_GUEST_UFO) |       \
	 (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM))

#define VHU_MAX_VRINGS (VHU_MAX_QUEUES * 2)

/*
 * One vhost-user port.
 * Thread-safety: path/client/max_queues/tx_retries/qsbr are immutable.
 * vid, n_vrings, enabled[], txq_map[], n_txq are written by the vhost-events
 * thread (under vhu_mutex) and read by PMDs with atomics. Counters written by
 * the PMDs use relaxed atomic adds (several PMDs may share a port).
 */
struct vhu_port {
	char path[PATH_MAX];
	bool client;
	uint16_t max_queues;
	uint16_t tx_retries;
	struct rte_rcu_qsbr *qsbr;

	int vid;			/* -1: no device; release/acquire */
	uint16_t n_vrings;		/* vrings of the device, capped */
	uint8_t enabled[VHU_MAX_VRINGS]; /* per vring */
	uint16_t n_txq;			/* enabled guest rx rings */
	uint16_t txq_map[VHU_MAX_QUEUES]; /* our tx queue -> enabled guest rx qp */
	rte_spinlock_t txq_lock[VHU_MAX_QUEUES];

	uint64_t connects;
	uint64_t disconnects;
	uint64_t tx_retries_cnt;
	uint64_t tx_ring_full;
	uint64_t rxq_packets[VHU_MAX_QUEUES];	/* one PMD polls each: plain adds */
	uint64_t txq_packets[VHU_MAX_QUEUES];	/* shared rings: atomic adds */

	struct vhu_port *next;		/* registry, under vhu_mutex */
};

static pthread_mutex_t vhu_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct vhu_port *vhu_ports;

/* Find the port of a socket path. Caller holds vhu_mutex. */
static struct vhu_port *
find_port_by_path(const char *path)
{
	struct vhu_port *p;

	for (p = vhu_ports; p != NULL; p = p->next)
		if (strcmp(p->path, path) == 0)
			return p;
	return NULL;
}

static struct vhu_port *
find_port_by_vid(int vid)
{
	char path[PATH_MAX];

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) < 0)
		return NULL;
	return find_port_by_path(path);
}

/* Recompute the tx queue map from the enabled guest rx rings (even vrings).
 * Caller holds vhu_mutex. */
static void
update_txq_map(struct vhu_port *p)
{
	uint16_t n = 0;
	uint16_t q;

	for (q = 0; q < p->n_vrings / 2; q++)
		if (__atomic_load_n(&p->enabled[q * 2], __ATOMIC_RELAXED))
			__atomic_store_n(&p->txq_map[n++], q, __ATOMIC_RELAXED);
	/* Release: a PMD that sees the new count sees the map entries. */
	__atomic_store_n(&p->n_txq, n, __ATOMIC_RELEASE);
}

/*
 * We poll: tell the guest not to kick us (an eventfd write per batch it
 * queues, i.e. a system call in a DPDK guest and a VM exit in a kernel one).
 * rte_vhost keeps the setting for a ring that is not ready yet and applies it
 * when the ring is. Guests that ignore the hint still work: kicks are unread.
 * Only from new_device: rte_vhost calls vring_state_changed with the ring's
 * lock held, which this call takes too.
 */
static void
disable_kicks(int vid, uint16_t vring)
{
	int ret = rte_vhost_enable_guest_notification(vid, vring, 0);

	if (ret != 0)
		VHU_LOG(DEBUG, "device %d vring %u: cannot disable guest notifications: %d", vid,
			vring, ret);
}

static int
new_device(int vid)
{
	struct vhu_port *p;
	uint16_t nr;

	pthread_mutex_lock(&vhu_mutex);
	p = find_port_by_vid(vid);
	if (p == NULL) {
		pthread_mutex_unlock(&vhu_mutex);
		VHU_LOG(ERR, "new device %d on an unknown socket", vid);
		return -1;
	}
	nr = rte_vhost_get_vring_num(vid);
	if (nr > p->max_queues * 2)
		nr = p->max_queues * 2;
	p->n_vrings = nr;
	for (uint16_t q = 0; q < nr; q++)
		disable_kicks(vid, q);
	update_txq_map(p);
	p->connects++;
	/* Release: queue state above is visible before the vid. */
	__atomic_store_n(&p->vid, vid, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vhu_mutex);
	VHU_LOG(INFO, "%s: device %d up, %u queue pairs", p->path, vid, nr / 2);
	return 0;
}

static void
destroy_device(int vid)
{
	struct vhu_port *p;

	pthread_mutex_lock(&vhu_mutex);
	p = find_port_by_vid(vid);
	if (p == NULL || __atomic_load_n(&p->vid, __ATOMIC_RELAXED) != vid) {
		pthread_mutex_unlock(&vhu_mutex);
		return;
	}
	__atomic_store_n(&p->vid, -1, __ATOMIC_RELEASE);
	p->disconnects++;
	pthread_mutex_unlock(&vhu_mutex);

	/* No PMD may still be inside a burst on this vid once we return. */
	if (p->qsbr != NULL)
		rte_rcu_qsbr_synchronize(p->qsbr, RTE_QSBR_THRID_INVALID);
	VHU_LOG(INFO, "%s: device %d down", p->path, vid);
}

static int
vring_state_changed(int vid, uint16_t queue_id, int enable)
{
	struct vhu_port *p;

	pthread_mutex_lock(&vhu_mutex);
	p = find_port_by_vid(vid);
	if (p != NULL && queue_id < VHU_MAX_VRINGS) {
		__atomic_store_n(&p->enabled[queue_id], enable ? 1 : 0, __ATOMIC_RELAXED);
		if (queue_id < p->n_vrings || p->n_vrings == 0) {
			if (p->n_vrings == 0) {
				uint16_t nr = rte_vhost_get_vring_num(vid);

				p->n_vrings = RTE_MIN(nr, (uint16_t)(p->max_queues * 2));
			}
			update_txq_map(p);
		}
	}
	pthread_mutex_unlock(&vhu_mutex);
	return 0;
}

static const struct rte_vhost_device_ops vhu_ops = {
	.new_device = new_device,
	.destroy_device = destroy_device,
	.vring_state_changed = vring_state_changed,
};

int
vhu_init(void)
{
	return 0;
}

/* Remove a stale server socket; refuses to remove anything but a socket. */
static int
remove_stale_socket(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket", path);
		return -EEXIST;
	}
	if (unlink(path) < 0)
		return -errno;
	return 0;
}

struct vhu_port *
vhu_port_create(const struct vhu_port_args *args, char *err, size_t errlen)
{
	struct vhu_port *p = NULL;
	uint64_t flags = RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS;
	int ret;

	if (args->path == NULL || args->path[0] != '/' ||
	    strlen(args->path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(err, errlen, "vhost-user path must be an absolute path under 108 bytes");
		errno = EINVAL;
		return NULL;
	}
	if (args->max_queues < 1 || args->max_queues > VHU_MAX_QUEUES) {
		snprintf(err, errlen, "queues must be 1..%d", VHU_MAX_QUEUES);
		errno = EINVAL;
		return NULL;
	}

	pthread_mutex_lock(&vhu_mutex);
	if (find_port_by_path(args->path) != NULL) {
		pthread_mutex_unlock(&vhu_mutex);
		snprintf(err, errlen, "socket %s is already used by another port", args->path);
		errno = EEXIST;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		pthread_mutex_unlock(&vhu_mutex);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	snprintf(p->path, sizeof(p->path), "%s", args->path);
	p->client = args->client;
	p->max_queues = args->max_queues;
	p->tx_retries = args->tx_retries;
	p->qsbr = args->qsbr;
	p->vid = -1;
	for (int i = 0; i < VHU_MAX_QUEUES; i++)
		rte_spinlock_init(&p->txq_lock[i]);
	/* In the registry before the socket starts: callbacks look it up. */
	p->next = vhu_ports;
	vhu_ports = p;
	pthread_mutex_unlock(&vhu_mutex);

	if (args->client) {
		flags |= RTE_VHOST_USER_CLIENT;
	} else {
		ret = remove_stale_socket(args->path, err, errlen);
		if (ret < 0) {
			if (err[0] == '\0')
				snprintf(err, errlen, "cannot remove stale socket %s: %s",
					 args->path, strerror(-ret));
			errno = -ret;
			goto err_registry;
		}
	}

	if (rte_vhost_driver_register(args->path, flags) != 0) {
		snprintf(err, errlen, "rte_vhost refused socket %s", args->path);
		errno = EIO;
		goto err_registry;
	}
	if (rte_vhost_driver_disable_features(args->path, VHU_DISABLED_FEATURES) != 0 ||
	    rte_vhost_driver_callback_register(args->path, &vhu_ops) != 0) {
		snprintf(err, errlen, "cannot configure vhost-user socket %s", args->path);
		errno = EIO;
		goto err_unregister;
	}
	if (rte_vhost_driver_start(args->path) != 0) {
		snprintf(err, errlen, "cannot start vhost-user socket %s (does its directory exist?)",
			 args->path);
		errno = EIO;
		goto err_unregister;
	}
	VHU_LOG(INFO, "%s: %s started", p->path, p->client ? "client" : "server");
	return p;

err_unregister:
	rte_vhost_driver_unregister(args->path);
err_registry:
	{
		int saved = errno;
		struct vhu_port **pp;

		pthread_mutex_lock(&vhu_mutex);
		for (pp = &vhu_ports; *pp != NULL; pp = &(*pp)->next)
			if (*pp == p) {
				*pp = p->next;
				break;
			}
		pthread_mutex_unlock(&vhu_mutex);
		free(p);
		errno = saved;
	}
	return NULL;
}

void
vhu_port_destroy(struct vhu_port *p)
{
	struct vhu_port **pp;
	int i;

	if (p == NULL)
		return;
	/* Unregister destroys a connected device through destroy_device,
	 * which needs the port in the registry. rte_vhost returns -1 while
	 * its event thread is busy with the socket: retry a bounded number
	 * of times. */
	for (i = 0; i < 100; i++) {
		if (rte_vhost_driver_unregister(p->path) == 0)
			break;
		usleep(10 * 1000);
	}
	if (i == 100)
		VHU_LOG(ERR, "%s: cannot unregister socket", p->path);
	pthread_mutex_lock(&vhu_mutex);
	for (pp = &vhu_ports; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	pthread_mutex_unlock(&vhu_mutex);
	if (!p->client)
		unlink(p->path);
	free(p);
}

bool
vhu_port_is_up(const struct vhu_port *p)
{
	return __atomic_load_n(&p->vid, __ATOMIC_ACQUIRE) >= 0;
}

void
vhu_port_get_stats(const struct vhu_port *p, struct vhu_port_stats *s)
{
	int vid = __atomic_load_n(&p->vid, __ATOMIC_ACQUIRE);
	uint16_t q;

	memset(s, 0, sizeof(*s));
	s->connects = p->connects;
	s->disconnects = p->disconnects;
	s->tx_retries = __atomic_load_n(&p->tx_retries_cnt, __ATOMIC_RELAXED);
	s->tx_ring_full = __atomic_load_n(&p->tx_ring_full, __ATOMIC_RELAXED);
	for (q = 0; q < VHU_MAX_QUEUES; q++) {
		s->rxq_packets[q] = __atomic_load_n(&p->rxq_packets[q], __ATOMIC_RELAXED);
		s->txq_packets[q] = __atomic_load_n(&p->txq_packets[q], __ATOMIC_RELAXED);
	}
	if (vid < 0)
		return;
	s->n_queues = p->n_vrings / 2;
	for (q = 0; q < s->n_queues; q++) {
		s->rxq_enabled[q] = __atomic_load_n(&p->enabled[q * 2 + 1], __ATOMIC_RELAXED);
		s->txq_enabled[q] = __atomic_load_n(&p->enabled[q * 2], __ATOMIC_RELAXED);
		if (s->rxq_enabled[q])
			s->n_rxq_enabled++;
	}
	s->n_txq_enabled = __atomic_load_n(&p->n_txq, __ATOMIC_RELAXED);
	{
		uint16_t mtu = 0;

		if (rte_vhost_get_mtu(vid, &mtu) == 0)
			s->mtu = mtu;
		if (rte_vhost_get_negotiated_features(vid, &s->features) != 0)
			s->features = 0;
	}
}

/*
 * Free @n mbufs that rte_vhost has copied out. The common case, a direct
 * one-segment mbuf nobody else holds, goes straight back to its pool in runs
 * of one pool, reading only the mbuf's first cache line, where
 * rte_pktmbuf_free_bulk also reads and tests the second (m->next) and sorts
 * every mbuf through a pending array: about 5 cycles a packet less at 64 B
 * (docs/performance.md). A one-segment mbuf's next is NULL (an invariant of
 * rte_mbuf), so what goes back is a valid free mbuf. Anything else (shared by
 * a flood, indirect, chained) goes through rte_pktmbuf_free. Reuses @pkts as
 * scratch space.
 */
void
vhu_free_sent(struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mempool *mp = NULL;
	uint16_t i, run = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (unlikely(rte_mbuf_refcnt_read(m) != 1 || m->nb_segs != 1 ||
			     !RTE_MBUF_DIRECT(m))) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(m->pool != mp)) {
			if (run != 0)
				rte_mempool_put_bulk(mp, (void **)pkts, run);
			mp = m->pool;
			run = 0;
		}
		pkts[run++] = m;	/* run <= i: never overwrites one still to read */
	}
	if (run != 0)
		rte_mempool_put_bulk(mp, (void **)pkts, run);
}

uint16_t
vhu_rx(struct vhu_port *p, uint16_t qid, struct rte_mempool *pool, struct rte_mbuf **pkts,
       uint16_t n)
{
	int vid = __atomic_load_n(&p->vid, __ATOMIC_ACQUIRE);
	uint16_t vring = qid * 2 + 1;

	if (vid < 0 || vring >= __atomic_load_n(&p->n_vrings, __ATOMIC_RELAXED) ||
	    !__atomic_load_n(&p->enabled[vring], __ATOMIC_RELAXED))
		return 0;
	n = rte_vhost_dequeue_burst(vid, vring, pool, pkts, n);
	/* Single writer (the PMD that owns this queue): no locked add. */
	__atomic_store_n(&p->rxq_packets[qid],
			 __atomic_load_n(&p->rxq_packets[qid], __ATOMIC_RELAXED) + n,
			 __ATOMIC_RELAXED);
	return n;
}

uint16_t
vhu_tx(struct vhu_port *p, uint16_t qid, uint16_t n_pmds, struct rte_mbuf **pkts, uint16_t n)
{
	int vid = __atomic_load_n(&p->vid, __ATOMIC_ACQUIRE);
	uint16_t n_txq = __atomic_load_n(&p->n_txq, __ATOMIC_ACQUIRE);
	uint16_t sent = 0, r, qp, retries = 0;
	bool shared;

	if (vid < 0 || n_txq == 0)
		return 0;
	qp = __atomic_load_n(&p->txq_map[qid % n_txq], __ATOMIC_RELAXED);
	/* Several PMDs map onto one guest ring when the guest enabled fewer
	 * rings than there are PMDs: only then is the ring lock taken. */
	shared = n_pmds > n_txq;
	if (shared)
		rte_spinlock_lock(&p->txq_lock[qp]);
	do {
		r = rte_vhost_enqueue_burst(vid, qp * 2, pkts + sent, n - sent);
		sent += r;
		if (r == 0)
			break;
	} while (sent < n && retries++ < p->tx_retries);
	if (shared)
		rte_spinlock_unlock(&p->txq_lock[qp]);

	if (sent > 0)
		__atomic_fetch_add(&p->txq_packets[qp], sent, __ATOMIC_RELAXED);
	if (retries > 0)
		__atomic_fetch_add(&p->tx_retries_cnt, retries, __ATOMIC_RELAXED);
	if (sent < n)
		__atomic_fetch_add(&p->tx_ring_full, n - sent, __ATOMIC_RELAXED);
	/* rte_vhost copied the data: the mbufs are ours to free. */
	vhu_free_sent(pkts, sent);
	return sent;
}
