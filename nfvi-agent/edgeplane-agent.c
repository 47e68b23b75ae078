/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * edgeplane-agent.c: main() of the NFVi agent.
 *
 * Parses the options (on top of the --config file), creates the agent
 * (inventory, journal replay and reconciliation) and the REST server, and
 * runs the one event loop until SIGTERM or SIGINT. Exit status: 0 after a
 * signal, 1 when start-up fails, 2 for a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "nfvi_priv.h"

#define EXIT_USAGE 2

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: edgeplane-agent [--config FILE] [--sysfs-root DIR] [--state-dir DIR]\n"
		"                       [--listen unix:PATH|tcp:HOST:PORT] [--token-file FILE]\n"
		"                       [--vswitchd-socket PATH] [--libvirt-uri URI] [--verbose]\n"
		"\n"
		"Defaults: --sysfs-root / (reads /sys), --state-dir /var/lib/edgeplane,\n"
		"--listen unix:/run/edgeplane/agent.sock, --libvirt-uri qemu:///system.\n"
		"Options override the config file; see docs/agent.md.\n");
}

static int
set_opt(char *dst, size_t size, const char *val, const char *name)
{
	if (val[0] == '\0' || strlen(val) >= size) {
		fprintf(stderr, "edgeplane-agent: bad value for --%s\n", name);
		return -EINVAL;
	}
	strcpy(dst, val);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "sysfs-root", required_argument, NULL, 's' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "token-file", required_argument, NULL, 't' },
		{ "vswitchd-socket", required_argument, NULL, 'v' },
		{ "libvirt-uri", required_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct { int opt; const char *val; } given[16];
	const char *config = NULL;
	struct nfvi_config cfg;
	struct nfvi_agent *agent;
	struct nfvi_rest *rest;
	struct sigaction sa;
	unsigned int n_given = 0, i;
	char err[512] = "";
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 's': case 'd': case 'l': case 't': case 'v': case 'u':
			if (n_given < sizeof(given) / sizeof(given[0])) {
				given[n_given].opt = c;
				given[n_given++].val = optarg;
			}
			break;
		case 'V':
			nfvi_log_level = LOG_DEBUG;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgeplane-agent: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	nfvi_config_defaults(&cfg);
	if (config != NULL && nfvi_config_load(&cfg, config, err, sizeof(err)) < 0) {
		fprintf(stderr, "edgeplane-agent: %s\n", err);
		return EXIT_USAGE;
	}
	for (i = 0; i < n_given && ret == 0; i++) {
		const char *v = given[i].val;

		switch (given[i].opt) {
		case 's':
			ret = set_opt(cfg.sysfs_root, sizeof(cfg.sysfs_root), v, "sysfs-root");
			break;
		case 'd':
			ret = set_opt(cfg.state_dir, sizeof(cfg.state_dir), v, "state-dir");
			break;
		case 'l':
			ret = set_opt(cfg.listen, sizeof(cfg.listen), v, "listen");
			break;
		case 't':
			ret = set_opt(cfg.token_file, sizeof(cfg.token_file), v, "token-file");
			break;
		case 'v':
			ret = set_opt(cfg.vswitchd_socket, sizeof(cfg.vswitchd_socket), v,
				      "vswitchd-socket");
			break;
		case 'u':
			ret = set_opt(cfg.libvirt_uri, sizeof(cfg.libvirt_uri), v, "libvirt-uri");
			break;
		}
	}
	if (ret < 0)
		return EXIT_USAGE;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	agent = nfvi_agent_create(&cfg, NULL, NULL, err, sizeof(err));
	if (agent == NULL) {
		fprintf(stderr, "edgeplane-agent: %s\n", err);
		return EXIT_FAILURE;
	}
	rest = nfvi_rest_create(agent, &cfg, err, sizeof(err));
	if (rest == NULL) {
		fprintf(stderr, "edgeplane-agent: %s\n", err);
		nfvi_agent_destroy(agent);
		return EXIT_FAILURE;
	}
	NFVI_LOG(LOG_NOTICE, "listening on %s (sysfs root %s, state %s, VFs via %s)", cfg.listen,
		 cfg.sysfs_root, cfg.state_dir, cfg.vf_backend);
	while (!stop)
		nfvi_rest_run(rest, 500);
	NFVI_LOG(LOG_NOTICE, "stopping");
	nfvi_rest_destroy(rest);
	nfvi_agent_destroy(agent);
	return EXIT_SUCCESS;
}
