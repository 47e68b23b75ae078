/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_port.c: the port backends (struct dp_port_class): `dpdk` ports are any
 * ethdev probed from devargs (a PCI address, net_af_packet, net_af_xdp,
 * net_tap, net_ring, net_null, ...); `vhost-user` and `vhost-user-client`
 * ports are vhost-user/ sockets.
 *
 * An ethdev port gets one tx queue per PMD (each PMD owns its tx queue) and
 * cfg.n_rxq rx queues, descriptor rings of 1024 (or what the device allows),
 * and promiscuous mode: a switch port must see every frame.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

#include "dp_priv.h"
#include "vhu.h"

#define DP_RX_DESC 1024
#define DP_TX_DESC 1024

/* ------------------------------------------------------------------------ */
/* dpdk (ethdev) ports                                                      */

/* Find the ethdev port that devargs names after probing; -ENODEV if none. */
static int
find_eth_port(const char *devargs, uint16_t *port_id)
{
	struct rte_dev_iterator it;
	uint16_t pid;
	int found = -ENODEV;

	RTE_ETH_FOREACH_MATCHING_DEV(pid, devargs, &it) {
		if (found == 0) {
			rte_eth_iterator_cleanup(&it);
			break;
		}
		*port_id = pid;
		found = 0;
	}
	return found;
}

static void
ethdev_release(uint16_t port_id)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (rte_eth_dev_info_get(port_id, &info) == 0)
		dev = info.device;
	rte_eth_dev_stop(port_id);
	rte_eth_dev_close(port_id);
	if (dev != NULL)
		rte_dev_remove(dev);
}

static int
ethdev_open(struct dp_port *port, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_mempool *pool;
	uint16_t nb_rxd = DP_RX_DESC, nb_txd = DP_TX_DESC;
	uint16_t pid, q, n_txq = dp.n_pmds;
	uint32_t frame;
	int ret, socket;

	if (find_eth_port(port->cfg.devargs, &pid) == 0) {
		snprintf(err, errlen, "device '%s' is already in use", port->cfg.devargs);
		return -EEXIST;
	}
	ret = rte_dev_probe(port->cfg.devargs);
	if (ret < 0) {
		/* rte_dev_probe's codes say little (EFAULT: no driver took it). */
		snprintf(err, errlen,
			 "cannot probe device '%s': unknown driver, bad arguments or no such "
			 "device (the vswitchd log has DPDK's reason)", port->cfg.devargs);
		return ret == -EEXIST ? -EEXIST : -EIO;
	}
	if (find_eth_port(port->cfg.devargs, &pid) != 0) {
		snprintf(err, errlen, "device '%s' has no ethdev port", port->cfg.devargs);
		ret = -ENODEV;
		goto err_probe;
	}
	ret = rte_eth_dev_info_get(pid, &info);
	if (ret != 0) {
		snprintf(err, errlen, "cannot read device info of '%s'", port->cfg.devargs);
		goto err_release;
	}
	if (port->cfg.n_rxq > info.max_rx_queues || n_txq > info.max_tx_queues) {
		snprintf(err, errlen, "'%s' supports %u rx and %u tx queues; %u rx and %u tx needed",
			 port->cfg.devargs, info.max_rx_queues, info.max_tx_queues,
			 port->cfg.n_rxq, n_txq);
		ret = -EINVAL;
		goto err_release;
	}
	socket = rte_eth_dev_socket_id(pid);
	port->socket = socket < 0 ? 0 : socket;
	pool = dp_pool_get(port->socket, err, errlen);
	if (pool == NULL) {
		ret = -ENOMEM;
		goto err_release;
	}

	memset(&conf, 0, sizeof(conf));
	frame = port->cfg.mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + 2 * RTE_VLAN_HLEN;
	if (frame > RTE_MBUF_DEFAULT_DATAROOM) {
		if (!(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)) {
			snprintf(err, errlen, "'%s' cannot receive %u-byte frames (no scatter)",
				 port->cfg.devargs, frame);
			ret = -EINVAL;
			goto err_release;
		}
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
		if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
			conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	}
	ret = rte_eth_dev_configure(pid, port->cfg.n_rxq, n_txq, &conf);
	if (ret != 0) {
		snprintf(err, errlen, "cannot configure '%s': %s", port->cfg.devargs,
			 strerror(-ret));
		goto err_release;
	}
	ret = rte_eth_dev_set_mtu(pid, port->cfg.mtu);
	if (ret != 0 && ret != -ENOTSUP) {
		snprintf(err, errlen, "'%s' refuses MTU %u: %s", port->cfg.devargs, port->cfg.mtu,
			 strerror(-ret));
		goto err_release;
	}
	rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nb_rxd, &nb_txd);
	port->reserved_mbufs = port->cfg.n_rxq * nb_rxd + n_txq * nb_txd;
	ret = dp_pool_reserve(port->socket, port->reserved_mbufs, err, errlen);
	if (ret != 0) {
		port->reserved_mbufs = 0;
		goto err_release;
	}
	for (q = 0; q < port->cfg.n_rxq; q++) {
		ret = rte_eth_rx_queue_setup(pid, q, nb_rxd, port->socket, NULL, pool);
		if (ret != 0) {
			snprintf(err, errlen, "cannot set up rx queue %u of '%s': %s", q,
				 port->cfg.devargs, strerror(-ret));
			goto err_reserve;
		}
	}
	for (q = 0; q < n_txq; q++) {
		ret = rte_eth_tx_queue_setup(pid, q, nb_txd, port->socket, NULL);
		if (ret != 0) {
			snprintf(err, errlen, "cannot set up tx queue %u of '%s': %s", q,
				 port->cfg.devargs, strerror(-ret));
			goto err_reserve;
		}
	}
	ret = rte_eth_dev_start(pid);
	if (ret != 0) {
		snprintf(err, errlen, "cannot start '%s': %s", port->cfg.devargs, strerror(-ret));
		goto err_reserve;
	}
	rte_eth_promiscuous_enable(pid);
	port->eth_port = pid;
	port->class->poll_state(port);
	return 0;

err_reserve:
	dp_pool_release(port->socket, port->reserved_mbufs);
	port->reserved_mbufs = 0;
err_release:
	ethdev_release(pid);
	return ret < 0 ? ret : -EIO;
err_probe:
	{
		/* Probe succeeded but no port: hot-unplug by devargs. */
		struct rte_devargs da;

		memset(&da, 0, sizeof(da));
		if (rte_devargs_parse(&da, port->cfg.devargs) == 0) {
			rte_eal_hotplug_remove(rte_bus_name(da.bus), da.name);
			free(da.data);	/* what rte_devargs_reset() does; it is experimental */
		}
	}
	return ret;
}

static void
ethdev_close(struct dp_port *port)
{
	ethdev_release(port->eth_port);
	dp_pool_release(port->socket, port->reserved_mbufs);
	port->reserved_mbufs = 0;
}

static void
ethdev_poll_state(struct dp_port *port)
{
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(port->eth_port, &link) != 0)
		link.link_status = RTE_ETH_LINK_DOWN;
	__atomic_store_n(&port->up, link.link_status == RTE_ETH_LINK_UP, __ATOMIC_RELAXED);
}

static uint16_t
ethdev_rx(struct dp_port *port, uint16_t qid, struct rte_mempool *pool, struct rte_mbuf **pkts,
	  uint16_t n)
{
	RTE_SET_USED(pool);
	return rte_eth_rx_burst(port->eth_port, qid, pkts, n);
}

static uint16_t
ethdev_tx(struct dp_port *port, uint16_t qid, uint16_t n_pmds, struct rte_mbuf **pkts, uint16_t n)
{
	RTE_SET_USED(n_pmds);
	return rte_eth_tx_burst(port->eth_port, qid, pkts, n);
}

const struct dp_port_class dp_ethdev_class = {
	.type = "dpdk",
	.open = ethdev_open,
	.close = ethdev_close,
	.poll_state = ethdev_poll_state,
	.rx = ethdev_rx,
	.tx = ethdev_tx,
};

/* ------------------------------------------------------------------------ */
/* vhost-user ports                                                         */

static int
vhost_open(struct dp_port *port, char *err, size_t errlen)
{
	struct vhu_port_args args = {
		.path = port->cfg.path,
		.client = port->cfg.type == DP_PORT_VHOST_USER_CLIENT,
		.max_queues = port->cfg.n_rxq,
		.tx_retries = VHU_TX_RETRIES_DEFAULT,
		.qsbr = dp.qsbr,
	};

	port->socket = -1;	/* guest memory: unknown until the device attaches */
	port->vhu = vhu_port_create(&args, err, errlen);
	if (port->vhu == NULL)
		return -errno;
	return 0;
}

static void
vhost_close(struct dp_port *port)
{
	vhu_port_destroy(port->vhu);
	port->vhu = NULL;
}

static void
vhost_poll_state(struct dp_port *port)
{
	__atomic_store_n(&port->up, vhu_port_is_up(port->vhu), __ATOMIC_RELAXED);
}

static uint16_t
vhost_rx(struct dp_port *port, uint16_t qid, struct rte_mempool *pool, struct rte_mbuf **pkts,
	 uint16_t n)
{
	return vhu_rx(port->vhu, qid, pool, pkts, n);
}

static uint16_t
vhost_tx(struct dp_port *port, uint16_t qid, uint16_t n_pmds, struct rte_mbuf **pkts, uint16_t n)
{
	return vhu_tx(port->vhu, qid, n_pmds, pkts, n);
}

const struct dp_port_class dp_vhost_class = {
	.type = "vhost-user",
	.open = vhost_open,
	.close = vhost_close,
	.poll_state = vhost_poll_state,
	.rx = vhost_rx,
	.tx = vhost_tx,
};
