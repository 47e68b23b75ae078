/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vnf_main.c: main() of ep-vnf-fwd, edgeplane's sample VNF.
 *
 *   ep-vnf-fwd [EAL options] -- --config FILE.json [--stats-interval S] [--idle-us N]
 *
 * One lcore runs to completion: poll every port (burst 32), process
 * (vnf_fwd.c), transmit, and every S seconds print the counters as one JSON
 * line on stdout. SIGINT/SIGTERM end the loop; the final counters are
 * printed with "final": true, then the ports are stopped and everything is
 * freed. Config port i is ethdev port i (vdev order on a host, PCI order in
 * a guest).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "vnf_fwd.h"

RTE_LOG_REGISTER(vnf_logtype, user.nfv.vnf, INFO);
#define VNF_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, vnf_logtype, "ep-vnf-fwd: " fmt "\n", ##__VA_ARGS__)

#define RX_DESC 1024
#define TX_DESC 1024

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: ep-vnf-fwd [EAL options] -- --config FILE.json [options]\n"
		"\n"
		"  --config FILE        configuration (vnf/README.md documents it)\n"
		"  --stats-interval S   print the counters as JSON every S seconds\n"
		"                       (default 0: only when stopped)\n"
		"  --idle-us N          sleep N us after a poll round that found nothing\n"
		"                       (default 0: busy-poll; use it when sharing a CPU)\n"
		"  -h, --help           this text\n");
}

static int
port_setup(uint16_t p, struct rte_mempool *mp, bool promisc)
{
	struct rte_eth_conf conf;
	uint16_t rxd = RX_DESC, txd = TX_DESC;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(p, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_dev_adjust_nb_rx_tx_desc(p, &rxd, &txd);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(p, 0, rxd, rte_eth_dev_socket_id(p), NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(p, 0, txd, rte_eth_dev_socket_id(p), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(p);
	if (ret != 0)
		return ret;
	/* l2 forwards every frame; l3 only sees its own MAC and broadcasts. */
	if (promisc && rte_eth_promiscuous_enable(p) != 0)
		VNF_LOG(WARNING, "port %u: cannot enable promiscuous mode", p);
	return 0;
}

static void
print_stats(const struct vnf_fwd *fwd, bool final)
{
	uint64_t missed[VNF_MAX_PORTS] = { 0 };
	json_t *j;

	for (uint16_t p = 0; p < fwd->n_ports; p++) {
		struct rte_eth_stats es;

		if (rte_eth_stats_get(p, &es) == 0)
			missed[p] = es.imissed;
	}
	j = vnf_stats_json(fwd, missed);
	if (j == NULL)
		return;
	json_object_set_new(j, "final", json_boolean(final));
	json_dumpf(j, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(j);
}

static void
run(struct vnf_fwd *fwd, double stats_interval, unsigned int idle_us)
{
	static struct vnf_out out;
	struct rte_mbuf *pkts[VNF_BURST];
	uint64_t hz = rte_get_tsc_hz();
	uint64_t period = (uint64_t)(stats_interval * (double)hz), next = rte_rdtsc() + period;

	while (!stop_requested) {
		uint32_t got = 0;

		for (uint16_t p = 0; p < fwd->n_ports; p++) {
			uint16_t n = rte_eth_rx_burst(p, 0, pkts, VNF_BURST);

			if (n == 0)
				continue;
			got += n;
			vnf_fwd_burst(fwd, p, pkts, n, &out);
			vnf_fwd_flush(fwd, &out);
		}
		if (period != 0 && rte_rdtsc() >= next) {
			print_stats(fwd, false);
			next += period;
		}
		if (got == 0 && idle_us != 0)
			rte_delay_us_sleep(idle_us);
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "stats-interval", required_argument, NULL, 's' },
		{ "idle-us", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rte_ether_addr macs[VNF_MAX_PORTS];
	struct vnf_config *cfg = NULL;
	struct rte_mempool *mp = NULL;
	struct vnf_fwd *fwd = NULL;
	const char *config = NULL;
	double stats_interval = 0;
	unsigned int idle_us = 0, n_mbufs;
	uint16_t started = 0;
	char err[320], *end;
	int ret, c, rc = 1;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "ep-vnf-fwd: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 's':
			stats_interval = strtod(optarg, &end);
			if (*end != '\0' || stats_interval < 0 || stats_interval > 86400) {
				fprintf(stderr, "ep-vnf-fwd: bad --stats-interval %s\n", optarg);
				goto out_eal;
			}
			break;
		case 'i':
			idle_us = (unsigned int)strtoul(optarg, &end, 10);
			if (*end != '\0' || idle_us > 1000000) {
				fprintf(stderr, "ep-vnf-fwd: bad --idle-us %s\n", optarg);
				goto out_eal;
			}
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out_eal;
		default:
			usage(stderr);
			rc = 2;
			goto out_eal;
		}
	}
	if (config == NULL || optind != argc) {
		usage(stderr);
		rc = 2;
		goto out_eal;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL)
		goto out_eal;
	if (vnf_config_load(config, cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "ep-vnf-fwd: config %s: %s\n", config, err);
		rc = 2;
		goto out_free_cfg;
	}
	for (uint16_t p = 0; p < cfg->n_ports; p++) {
		if (!rte_eth_dev_is_valid_port(p)) {
			fprintf(stderr, "ep-vnf-fwd: the config has %u ports, EAL found %u\n",
				cfg->n_ports, rte_eth_dev_count_avail());
			goto out_free_cfg;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	/* rx rings full plus tx rings full plus the bursts in flight and per-lcore caches. */
	n_mbufs = cfg->n_ports * (RX_DESC + TX_DESC) + 2 * VNF_BURST + 512;
	mp = rte_pktmbuf_pool_create("vnf_mbufs", n_mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "ep-vnf-fwd: mbuf pool of %u: %s\n", n_mbufs,
			rte_strerror(rte_errno));
		goto out_free_cfg;
	}
	for (started = 0; started < cfg->n_ports; started++) {
		ret = port_setup(started, mp, cfg->mode == VNF_MODE_L2);
		if (ret != 0) {
			fprintf(stderr, "ep-vnf-fwd: port %u: cannot start: %s\n", started,
				strerror(-ret));
			goto out_stop_ports;
		}
		rte_eth_macaddr_get(started, &macs[started]);
	}
	fwd = vnf_fwd_create(cfg, macs, "vnf_routes");
	if (fwd == NULL) {
		fprintf(stderr, "ep-vnf-fwd: routes: %s\n", rte_strerror(rte_errno));
		goto out_stop_ports;
	}
	{
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		printf("{\"ready\":true,\"mode\":\"%s\",\"ports\":[",
		       cfg->mode == VNF_MODE_L2 ? "l2" : "l3");
		for (uint16_t p = 0; p < cfg->n_ports; p++) {
			rte_ether_format_addr(mac, sizeof(mac), &macs[p]);
			printf("%s\"%s\"", p ? "," : "", mac);
		}
		printf("]}\n");
		fflush(stdout);
	}
	run(fwd, stats_interval, idle_us);
	print_stats(fwd, true);
	rc = 0;

	vnf_fwd_free(fwd);
out_stop_ports:
	while (started > 0) {
		started--;
		rte_eth_dev_stop(started);
		rte_eth_dev_close(started);
	}
	rte_mempool_free(mp);
out_free_cfg:
	free(cfg);
out_eal:
	rte_eal_cleanup();
	return rc;
}
