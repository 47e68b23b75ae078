/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitchd.c: main() of edgeplane-vswitchd.
 *
 *   edgeplane-vswitchd [EAL options] -- [--rundir DIR] [--db FILE] [--mbufs N]
 *
 * The EAL main lcore is the control thread: it runs one event loop that
 * serves JSON-RPC on <rundir>/vswitchd.sock and does the dataplane's
 * periodic work (dp_run) every 10 ms. Every other lcore is a PMD thread.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vswitchd.h"

#define RUNDIR_DEFAULT "/run/edgeplane"
#define DB_DEFAULT "/var/lib/edgeplane/vswitchd.json"

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
		"usage: edgeplane-vswitchd [EAL options] -- [options]\n"
		"\n"
		"The EAL main lcore runs the control thread; every other lcore is a PMD.\n"
		"\n"
		"options:\n"
		"  --rundir DIR   control socket and pid file directory (default $EDGEPLANE_RUNDIR\n"
		"                 or " RUNDIR_DEFAULT ")\n"
		"  --db FILE      configuration store (default " DB_DEFAULT ")\n"
		"  --mbufs N      mbufs per NUMA socket pool (default %d)\n"
		"  --pmd-auto-lb  move rx queues between PMDs by themselves when one is\n"
		"                 over 95%% busy and it would cut its load by 25%%\n"
		"  --pmd-auto-lb-load PCT       the busy threshold (default 95)\n"
		"  --pmd-auto-lb-interval SEC   measurement and check interval (default 10)\n"
		"  --emc-insert-inv-prob N      put one flow-table answer in N into the PMDs'\n"
		"                 exact-match cache (default %d, as OVS; 1: all; 0: no cache)\n"
		"  --no-pair-cache  no MAC-pair cache in front of the MAC table (for\n"
		"                 comparisons; it costs 8 MiB of hugepages per PMD)\n"
		"  -h, --help     this text\n",
		DP_MBUFS_DEFAULT, VSW_EMC_INSERT_INV_PROB_DEFAULT);
}

/* mkdir -p for the directory part of @p path (or @p path itself). */
static int
make_dirs(const char *path, bool parent_only)
{
	char buf[4096];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	if (parent_only) {
		p = strrchr(buf, '/');
		if (p == NULL || p == buf)
			return 0;
		*p = '\0';
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * @s as a decimal number in @lo..@hi into @out. False for anything else: an
 * empty string, a sign or a space in front (strtoul would take "-1" as a
 * huge number), trailing junk, out of range.
 */
static bool
opt_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *out >= lo && *out <= hi;
}

static int
parse_options(int argc, char **argv, struct vsd *vsd, struct dp_params *params)
{
	static const struct option opts[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "db", required_argument, NULL, 'd' },
		{ "mbufs", required_argument, NULL, 'm' },
		{ "pmd-auto-lb", no_argument, NULL, 'a' },
		{ "pmd-auto-lb-load", required_argument, NULL, 'L' },
		{ "pmd-auto-lb-interval", required_argument, NULL, 'I' },
		{ "emc-insert-inv-prob", required_argument, NULL, 'E' },
		{ "no-pair-cache", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("EDGEPLANE_RUNDIR");
	unsigned long v;
	int c;

	snprintf(vsd->rundir, sizeof(vsd->rundir), "%s",
		 env != NULL && env[0] != '\0' ? env : RUNDIR_DEFAULT);
	snprintf(vsd->db_path, sizeof(vsd->db_path), "%s", DB_DEFAULT);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			snprintf(vsd->rundir, sizeof(vsd->rundir), "%s", optarg);
			break;
		case 'd':
			snprintf(vsd->db_path, sizeof(vsd->db_path), "%s", optarg);
			break;
		case 'm':
			if (!opt_uint(optarg, 2048, 4u << 20, &v)) {
				fprintf(stderr, "edgeplane-vswitchd: --mbufs must be 2048..%u\n",
					4u << 20);
				return -EINVAL;
			}
			params->n_mbufs = (unsigned int)v;
			break;
		case 'a':
			vsd->pmd_auto_lb = true;
			break;
		case 'L':
			if (!opt_uint(optarg, 0, 100, &v)) {
				fprintf(stderr, "edgeplane-vswitchd: --pmd-auto-lb-load must be "
						"0..100 (percent)\n");
				return -EINVAL;
			}
			vsd->auto_lb_load = (unsigned int)v;
			break;
		case 'I':
			if (!opt_uint(optarg, 1, 3600, &v)) {
				fprintf(stderr, "edgeplane-vswitchd: --pmd-auto-lb-interval must be "
						"1..3600 (seconds)\n");
				return -EINVAL;
			}
			vsd->auto_lb_interval = (unsigned int)v;
			break;
		case 'E':
			if (!opt_uint(optarg, 0, UINT32_MAX, &v)) {
				fprintf(stderr, "edgeplane-vswitchd: --emc-insert-inv-prob must be "
						"0..%u\n", UINT32_MAX);
				return -EINVAL;
			}
			vsd->emc_insert_inv_prob = (uint32_t)v;
			break;
		case 'P':
			vsd->no_pair_cache = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgeplane-vswitchd: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static void
write_pidfile(const struct vsd *vsd)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/vswitchd.pid", vsd->rundir);
	f = fopen(path, "w");
	if (f == NULL)
		return;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

int
main(int argc, char **argv)
{
	struct vsd vsd;
	struct dp_params params = { 0 };
	struct ctl_server *srv = NULL;
	char err[4400], sock[4200], pidfile[4200];
	int eal_argc = argc, i, ret;

	memset(&vsd, 0, sizeof(vsd));
	vsd.auto_lb_load = 95;
	vsd.auto_lb_interval = 10;
	vsd.emc_insert_inv_prob = VSW_EMC_INSERT_INV_PROB_DEFAULT;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			eal_argc = i;
			break;
		}
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
	}
	/* Our options come after "--"; argv[eal_argc] becomes our argv[0]. */
	if (eal_argc < argc) {
		argv[eal_argc] = argv[0];
		if (parse_options(argc - eal_argc, argv + eal_argc, &vsd, &params) != 0)
			return 2;
	} else if (parse_options(1, argv, &vsd, &params) != 0) {
		return 2;
	}
	snprintf(sock, sizeof(sock), "%s/vswitchd.sock", vsd.rundir);
	snprintf(pidfile, sizeof(pidfile), "%s/vswitchd.pid", vsd.rundir);
	if (make_dirs(vsd.rundir, false) != 0 || make_dirs(vsd.db_path, true) != 0) {
		fprintf(stderr, "edgeplane-vswitchd: cannot create %s or the db directory: %s\n",
			vsd.rundir, strerror(errno));
		return 1;
	}
	vsd.failed_ports = json_array();
	vsd.failed_flows = json_array();

	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	ret = dp_init(eal_argc, argv, &params, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "edgeplane-vswitchd: %s\n", err);
		return 1;
	}
	dp_set_pmd_auto_lb(vsd.pmd_auto_lb, vsd.auto_lb_load, vsd.auto_lb_interval);
	dp_set_emc_insert_inv_prob(vsd.emc_insert_inv_prob);
	dp_set_pair_cache(!vsd.no_pair_cache);
	ret = dp_start(err, sizeof(err));
	if (ret == 0)
		ret = vsd_restore(&vsd, err, sizeof(err));
	if (ret == 0) {
		srv = ctl_server_create(sock, 0660, vsd_methods, &vsd);
		if (srv == NULL) {
			snprintf(err, sizeof(err), "cannot serve %s: %s", sock, strerror(errno));
			ret = -errno;
		}
	}
	if (ret != 0) {
		fprintf(stderr, "edgeplane-vswitchd: %s\n", err);
		dp_shutdown();
		json_decref(vsd.failed_ports);
		json_decref(vsd.failed_flows);
		return 1;
	}
	write_pidfile(&vsd);
	fprintf(stderr, "edgeplane-vswitchd: ready, control socket %s\n", sock);

	while (!stop_requested) {
		ret = ctl_server_poll(srv, 10);
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "edgeplane-vswitchd: control socket: %s\n", strerror(-ret));
			break;
		}
		dp_run();
	}

	fprintf(stderr, "edgeplane-vswitchd: exiting\n");
	ctl_server_destroy(srv);
	dp_shutdown();
	unlink(pidfile);
	json_decref(vsd.failed_ports);
	json_decref(vsd.failed_flows);
	return 0;
}
